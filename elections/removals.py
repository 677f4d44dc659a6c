"""Removals as they happened, checked against the clearance of that moment."""
