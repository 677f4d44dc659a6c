"""The supervisor's desk: the Django admin site as the approval queue, the review page and its
checklist. Builds on the domain core and ``elections.records``; never imports ``officer`` or
``audit``."""
