"""The last line of defence for a view that changes an election's status.

Transitions wait for each other on the election's row lock (``workflow``; on SQLite,
``transaction_mode: IMMEDIATE`` in settings.py). If a database stays locked past its timeout
anyway, the transition's transaction has been rolled back: nothing was saved. The person is
told so in their language and sent back to the page they acted from, instead of a server
error. Every other database error is left alone.
"""

import logging
from functools import wraps

from django.contrib import messages
from django.db import OperationalError, transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("formsvc.busy")

BUSY_MESSAGE = _("The system is busy; nothing was saved, try again.")

# PostgreSQL's "try again" errors: serialization failure, deadlock, lock not available.
_RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}
# SQLite's: a lock still held by another connection when the timeout ran out.
_SQLITE_BUSY = ("database is locked", "database table is locked")


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` only means that another transaction held the lock too long."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.__cause__, "sqlstate", None) in _RETRYABLE_SQLSTATES:
        return True
    return str(error).strip().lower().startswith(_SQLITE_BUSY)


def _transaction_is_clean() -> bool:
    """True when no transaction is left half-done by the error (each transition's ``atomic``
    rolls its own work back); False inside an outer transaction that must now be rolled back
    by whoever opened it."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        return not connection.needs_rollback
    raw = connection.connection
    if connection.vendor == "sqlite" and raw is not None and raw.in_transaction:
        connection.rollback()  # a BEGIN that outlived its statement; end it here
    return True


def refuse_when_busy(back: str):
    """Decorate a view that runs a transition: a busy database becomes a translated message and
    a redirect to the URL named ``back``, reversed with the view's own arguments (the page the
    person acted from), never a 500."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except OperationalError as error:
                if not is_busy(error) or not _transaction_is_clean():
                    raise
                logger.warning(
                    "database busy, nothing saved: %s %s (%s)", request.method, request.path, error
                )
                messages.error(request, BUSY_MESSAGE)
                return redirect(reverse(back, args=args, kwargs=kwargs))

        return wrapped

    return decorator
