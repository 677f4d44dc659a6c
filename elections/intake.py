"""Family-unit intake: the case system registers a parent and children before the officer starts."""
