"""Recommendation 2: parents removed without an approved final election covering each child."""
