"""The auditor's workspace: search, record pages, exports (and the background tasks that build
them), charts, the access log pages and verification of uploaded PDFs. Builds on the domain core
and ``elections.records``; never imports ``officer`` or ``review``."""
