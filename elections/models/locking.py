"""R9: after approval nothing changes. The guards every ORM path goes through.

An approved (or superseded, or void) election, the children and decisions it covers, its
interpreter and its signatures are refused by ``save()``, ``delete()`` and queryset ``update()`` /
``delete()``. A notice version's text is frozen from the moment it is first shown. History rows are
append-only. The single change allowed to a locked election is the one ``workflow`` makes when a
newer election is approved: ``approved`` -> ``superseded``, stamped, nothing else; it is allowed
only inside ``allow_supersede()``, which only ``workflow.py`` uses.

On PostgreSQL the same rules are enforced again by triggers (migration 0003), so raw SQL cannot
get round them either.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoricalQuerySet

from elections.constants import LOCKED_STATUSES, Status

#: The only fields the approved -> superseded step may write.
SUPERSEDE_FIELDS = frozenset({"status", "superseded_at", "updated_at"})

# Election ids that may go from approved to superseded in the current context.
_supersede_allowed: ContextVar[frozenset] = ContextVar(
    "formsvc_supersede_allowed", default=frozenset()
)


class RecordLocked(PermissionDenied):
    """A write to a record that may no longer change (R9)."""

    def __init__(self, message=None):
        message = message or _("This record is approved and can no longer be changed or deleted.")
        super().__init__(str(message))
        self.message = message


@contextmanager
def allow_supersede(election_id) -> Iterator[None]:
    """Let one approved election be marked superseded. For ``workflow.py`` only."""
    token = _supersede_allowed.set(_supersede_allowed.get() | {election_id})
    try:
        yield
    finally:
        _supersede_allowed.reset(token)


def _field_names(fields: Iterable) -> set[str]:
    """Names from ``update(**kwargs)`` keys or from ``_update`` value triples."""
    names = set()
    for item in fields:
        field = item[0] if isinstance(item, tuple) else item
        names.add(getattr(field, "name", field))
    return names


def _new_status(values) -> str | None:
    if isinstance(values, dict):
        return values.get("status")
    return next((value for field, _model, value in values if field.name == "status"), None)


class ElectionQuerySet(models.QuerySet):
    def _refuse_locked_update(self, values) -> None:
        locked = self.filter(status__in=LOCKED_STATUSES)
        allowed = _supersede_allowed.get()
        if (
            allowed
            and _field_names(values) <= SUPERSEDE_FIELDS
            and _new_status(values) == Status.SUPERSEDED
        ):
            locked = locked.exclude(pk__in=allowed, status=Status.APPROVED)
        if locked.exists():
            raise RecordLocked

    def update(self, **kwargs):
        self._refuse_locked_update(kwargs)
        return super().update(**kwargs)

    def _update(self, values, *args, **kwargs):
        # Model.save() of an existing row comes through here.
        self._refuse_locked_update(values)
        return super()._update(values, *args, **kwargs)

    def delete(self):
        if self.filter(status__in=LOCKED_STATUSES).exists():
            raise RecordLocked
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        if kwargs.get("update_conflicts"):
            raise RecordLocked(_("Elections cannot be written by an upsert."))
        return super().bulk_create(objs, *args, **kwargs)


class ElectionRowQuerySet(models.QuerySet):
    """Rows that belong to one election: covered children, interpreter, signatures."""

    def _refuse_locked(self) -> None:
        if self.filter(election__status__in=LOCKED_STATUSES).exists():
            raise RecordLocked

    def update(self, **kwargs):
        self._refuse_locked()
        return super().update(**kwargs)

    def _update(self, values, *args, **kwargs):
        self._refuse_locked()
        return super()._update(values, *args, **kwargs)

    def delete(self):
        self._refuse_locked()
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        election_ids = {obj.election_id for obj in objs}
        from elections.models import Election

        if (
            kwargs.get("update_conflicts")
            or Election.objects.filter(pk__in=election_ids, status__in=LOCKED_STATUSES).exists()
        ):
            raise RecordLocked
        return super().bulk_create(objs, *args, **kwargs)


class LockedElectionGuard(models.Model):
    """Refuses deleting a locked election (``Model.delete`` does not go through the queryset)."""

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        if type(self)._base_manager.filter(pk=self.pk, status__in=LOCKED_STATUSES).exists():
            raise RecordLocked
        return super().delete(*args, **kwargs)


class LockedElectionRowGuard(models.Model):
    """Refuses adding, changing or deleting a row of a locked election."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # An update is refused by the queryset's _update; a new row is checked here.
        if self._state.adding and self._election_is_locked():
            raise RecordLocked
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._election_is_locked():
            raise RecordLocked
        return super().delete(*args, **kwargs)

    def _election_is_locked(self) -> bool:
        from elections.models import Election

        return Election.objects.filter(pk=self.election_id, status__in=LOCKED_STATUSES).exists()


# --- Notice versions ---------------------------------------------------------------------------

NOTICE_FROZEN_FIELDS = frozenset(
    {
        "language",
        "version",
        "title",
        "body",
        "option_reunify",
        "option_waive",
        "option_consult",
        "legal_help",
        "sha256",
        "first_shown_at",
    }
)
NOTICE_SHOWN = _("This notice version has been shown to a parent; its text can never change.")


class NoticeVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        frozen = NOTICE_FROZEN_FIELDS & kwargs.keys()
        if frozen and self.filter(first_shown_at__isnull=False).exists():
            raise RecordLocked(NOTICE_SHOWN)
        return super().update(**kwargs)

    def delete(self):
        if self.filter(first_shown_at__isnull=False).exists():
            raise RecordLocked(NOTICE_SHOWN)
        return super().delete()


class NoticeVersionGuard(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = (
                type(self)
                ._base_manager.filter(pk=self.pk, first_shown_at__isnull=False)
                .values(*NOTICE_FROZEN_FIELDS)
                .first()
            )
            if stored and any(getattr(self, name) != stored[name] for name in stored):
                raise RecordLocked(NOTICE_SHOWN)
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if type(self)._base_manager.filter(pk=self.pk, first_shown_at__isnull=False).exists():
            raise RecordLocked(NOTICE_SHOWN)
        return super().delete(*args, **kwargs)


# --- History ----------------------------------------------------------------------------------

HISTORY_APPEND_ONLY = _("History is append-only: a past entry can never be changed or deleted.")


class AppendOnlyHistoricalQuerySet(HistoricalQuerySet):
    def update(self, **kwargs):
        raise RecordLocked(HISTORY_APPEND_ONLY)

    def _update(self, values, *args, **kwargs):
        raise RecordLocked(HISTORY_APPEND_ONLY)

    def delete(self):
        raise RecordLocked(HISTORY_APPEND_ONLY)


class AppendOnlyHistory(models.Model):
    """Base of every historical model: rows are inserted, never updated or deleted."""

    objects = AppendOnlyHistoricalQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordLocked(HISTORY_APPEND_ONLY)
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordLocked(HISTORY_APPEND_ONLY)


def audit_history(**kwargs):
    """``HistoricalRecords`` whose rows are append-only (R9) and say who performed each event.

    ``no_db_index``: the model's indexed fields whose copies in the history are never searched
    (the history is read by the row's id, an election's id and the time of each event), so each
    event written does not also update an index of, say, the witness or the notice version."""
    from simple_history.models import HistoricalRecords

    from .history import AttributedHistory

    return HistoricalRecords(
        bases=[AppendOnlyHistory, AttributedHistory],
        historical_queryset=AppendOnlyHistoricalQuerySet,
        **kwargs,
    )
