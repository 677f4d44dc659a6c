"""The second step of a staff sign-in: confirm a second factor, or enrol one on first sign-in
(elections/second_factor.py says who needs one)."""
