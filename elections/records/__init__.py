"""The sealed record: the snapshot a supervisor approved, its PDF, the seal and signing keys,
and verification of a PDF against what was sealed, with the pages that serve them. A layer
below the user-facing packages (officer, review, audit) and above the domain core; it plugs its
sealer into approval at start-up (``elections.apps``), so the core never imports it."""
