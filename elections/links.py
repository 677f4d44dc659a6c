"""Links to many elections at once: the lists (the officer's home, the supervisor's queue, the
auditor's search) print one or two on every row, and Django's ``reverse`` is the costliest part of
a row."""

from collections.abc import Callable
from uuid import UUID

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString


def link_for_each(name: str, *, current_app: str | None = None, query: str = "") -> Callable:
    """``reverse(name, args=[pk])`` followed by ``query`` (a query string, "?..."), escaped for
    HTML, for each ``pk`` given to the function returned: one reverse and one escape for a whole
    list, since what an election's id adds to the address is hex digits and dashes."""
    marker = str(UUID(int=0))
    head, _, tail = reverse(name, args=[marker], current_app=current_app).partition(marker)
    head, tail = conditional_escape(head), conditional_escape(tail + query)
    return lambda pk: SafeString(f"{head}{pk}{tail}")
