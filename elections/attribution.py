"""Who performs a write, as its history row will say.

A service says it for each save or delete with ``attributed(instance, actor=..., by=...)``:
``actor`` is the user signed in on the device, ``by`` who actually performs the act when that is
not them (the parent or an in-person interpreter on the officer's tablet, or a staff member who
re-enters their password there). ``record_performer`` (connected to simple-history's
``pre_create_historical_record`` in ``apps.py``) copies it onto the history row. A write that
says nothing (the workflow's transitions, the admin) is the signed-in user's own act.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .constants import Performer


@dataclass(frozen=True)
class Attribution:
    kind: Performer
    #: The staff member who performs it when it is not the signed-in user (password re-entered).
    user: object = None
    #: The name of a performer who has no account (an interpreter).
    name: str = ""


BY_PARENT = Attribution(Performer.PARENT)


def by_interpreter(name: str) -> Attribution:
    return Attribution(Performer.INTERPRETER, name=name)


def by_staff_with_password(user) -> Attribution:
    return Attribution(Performer.STAFF_PASSWORD, user=user)


@contextmanager
def attributed(instance, *, actor, by: Attribution | None = None) -> Iterator[None]:
    """Within the block, a save or delete of ``instance`` is recorded as ``by``'s act on
    ``actor``'s device (``actor``'s own act when ``by`` is None)."""
    by = by or Attribution(Performer.STAFF)
    # simple-history's history user: the performer when they are staff, else the device's user.
    instance._history_user = by.user or actor
    instance._history_attribution = (by, actor)
    try:
        yield
    finally:
        del instance._history_attribution
        del instance._history_user


def record_performer(sender, *, instance, history_instance, **kwargs) -> None:
    """pre_create_historical_record: write who performed the event on its history row."""
    if not hasattr(history_instance, "history_performed_by"):
        return
    by, actor = getattr(instance, "_history_attribution", (None, None))
    if by is None:
        # Not written by a service: the signed-in user's own act, if there is one.
        user_id = history_instance.history_user_id
        history_instance.history_performed_by = Performer.STAFF if user_id else ""
        history_instance.history_session_user_id = user_id
        return
    history_instance.history_performed_by = by.kind
    history_instance.history_performer_name = by.name
    history_instance.history_session_user_id = getattr(actor, "pk", None)
