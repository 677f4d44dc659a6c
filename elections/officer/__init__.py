"""The officer's tablet flow: the steps the officer and the parent go through, from a new
election to its submission (views, forms, urls). Builds on the domain core and reads sealed
records through ``elections.records``; never imports ``review`` or ``audit``."""
