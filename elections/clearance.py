"""The removal gate: may this parent be removed, and with which children?"""
