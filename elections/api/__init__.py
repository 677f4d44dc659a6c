"""The JSON API for the systems around formsvc: clearance, family units, records, removals, report."""
