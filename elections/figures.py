"""The auditor dashboard's figures, kept as the elections change (``models.AuditFigure``).

Each submitted election counts once in a few buckets: (field office, period, metric, key). What
one election counts is a function of its own row, its children, its parent's language and its
returns (``election_buckets``); ``election_figures_update`` recounts one election and moves the
difference into the buckets with ``F()`` increments, in the transaction of the change that
caused it (the workflow's transitions and the officer's edits call it). Two changes of different
elections at once add to the same rows without losing either; two changes of one election
follow each other on its ``ElectionFigures`` row lock. ``figures_rebuild`` counts every
election from scratch (``manage.py rebuild_audit_summary``, after bulk writes such as
``seed_scale``) and gives the same rows.

A never-submitted draft counts nowhere: the figures describe what was submitted.
"""

import math
from collections import Counter
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from .constants import Decision, Status
from .models import AuditFigure, Election, ElectionChild, ElectionFigures

#: The period of the totals that have no date.
ALL_TIME = datetime(1970, 1, 1, tzinfo=UTC)

#: Bits of an election's decisions, as the per-month chart groups them.
MASK = {Decision.REUNIFY: 1, Decision.WAIVE: 2, Decision.CONSULT: 4}

#: Widths of the decision-time bins: (from minute, bin width). Fine where the median and the
#: 30-minute minimum fall, coarse in the long tail; a bin is keyed by its first minute.
DECISION_BINS = ((0, 1), (120, 5), (360, 15), (1440, 60), (2880, 360), (10080, 1440))
#: Waits beyond this many minutes (a year) share the last bin.
DECISION_BIN_CAP = 525600


def decision_category(mask: int | None) -> str:
    """One word per election: consult (nothing final yet) wins, then reunify or waive when
    every child has it, mixed when both; none when no decision."""
    mask = mask or 0
    if mask & MASK[Decision.CONSULT]:
        return "consult"
    return {1: "reunify", 2: "waive", 3: "mixed"}.get(mask, "none")


def decision_bin(minutes: float) -> int:
    """The first minute of the bin a wait falls in (a negative wait counts as none)."""
    minutes = min(max(minutes, 0), DECISION_BIN_CAP)
    start, width = DECISION_BINS[0]
    for low, step in DECISION_BINS:
        if minutes >= low:
            start, width = low, step
    return start + math.floor((minutes - start) / width) * width


def _month(moment: datetime) -> datetime:
    """The first moment of the UTC month: the per-month charts read a row per month, not one
    per day of it."""
    return moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


Bucket = tuple[int, str, str, str]  # office id, period (ISO 8601, UTC), metric, key


def election_buckets(
    election: Election, *, decisions: list, decided: list, language: str, returns: int
) -> Counter:
    """What one election counts in, and how many times: ``decisions`` and ``decided`` are its
    children's decisions and decision times, ``returns`` how often it was returned."""
    counts: Counter = Counter()
    if election.submitted_at is None:
        return counts
    office = election.office_id

    def add(period: datetime, metric: str, key: str, n: int = 1):
        if n:
            counts[(office, period.isoformat(), metric, key)] += n

    mask = 0
    for decision in decisions:
        mask |= MASK.get(decision, 0)
    add(_month(election.submitted_at), "submitted", decision_category(mask))
    add(ALL_TIME, "office", "submitted")
    if election.returned_at is not None:
        add(ALL_TIME, "office", "returned")
    add(ALL_TIME, "office", "returns", returns)
    if election.notice_delivered_at is not None and election.status != Status.VOID:
        add(ALL_TIME, "interpreter", f"{language}|{election.delivery_mode or ''}")
        moments = [moment for moment in decided if moment is not None]
        if moments:
            waited = (max(moments) - election.notice_delivered_at) / timedelta(minutes=1)
            add(ALL_TIME, "decision_minutes", str(decision_bin(waited)))
    if election.status == Status.SUBMITTED:
        add(_hour(election.submitted_at), "queue", "submitted")
    if (
        election.status == Status.APPROVED
        and election.approved_at is not None
        and Decision.CONSULT in decisions
    ):
        add(_hour(election.approved_at), "backlog", "consult")
    return counts


def _returns(election_ids) -> Counter:
    """How often each election was returned: one history row per return carries its stamp."""
    rows = (
        Election.history.filter(id__in=election_ids, status=Status.RETURNED)
        .values_list("id", "returned_at")
        .distinct()
        .order_by()
    )
    return Counter(election_id for election_id, _stamp in rows)


def _as_list(counts: Counter) -> list:
    return sorted([*bucket, n] for bucket, n in counts.items())


def _from_list(rows) -> Counter:
    return Counter({tuple(row[:4]): row[4] for row in rows})


def election_figures_update(*, election_id) -> None:
    """Recount one election and move the difference into the dashboard's buckets, in the
    caller's transaction (so the figures change exactly when the election does)."""
    with transaction.atomic():
        election = (
            Election.objects.filter(pk=election_id)
            .select_related("parent")
            .only(
                "office_id",
                "status",
                "submitted_at",
                "returned_at",
                "approved_at",
                "notice_delivered_at",
                "delivery_mode",
                "parent__primary_language",
            )
            .first()
        )
        # Never submitted (``submitted_at`` is never cleared): counted nowhere, now or before.
        if election is None or election.submitted_at is None:
            return
        kept = _kept_for_update(election_id)
        children = list(
            ElectionChild.objects.filter(election_id=election_id).values_list(
                "decision", "decided_at"
            )
        )
        new = election_buckets(
            election,
            decisions=[decision for decision, _at in children],
            decided=[at for _decision, at in children],
            language=election.parent.primary_language,
            returns=_returns([election_id]).get(election.pk, 0),
        )
        old = _from_list(kept.buckets)
        change = Counter(new)
        change.subtract(old)
        _apply({bucket: n for bucket, n in change.items() if n})
        kept.buckets = _as_list(new)
        kept.save(update_fields=["buckets"])


def _kept_for_update(election_id) -> ElectionFigures:
    """The election's counted buckets, locked until the transaction ends."""
    try:
        return ElectionFigures.objects.select_for_update().get(election_id=election_id)
    except ElectionFigures.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            ElectionFigures.objects.create(election_id=election_id)
    except IntegrityError:  # created by a change of the same election at the same moment
        pass
    return ElectionFigures.objects.select_for_update().get(election_id=election_id)


def _apply(change: dict) -> None:
    """Add ``change`` to the buckets: a missing row is created empty (a concurrent creation is
    ignored), then incremented in the database; rows in one order, so two changes never wait
    for each other in a circle."""
    if not change:
        return
    now = timezone.now()
    ordered = sorted(change.items())
    AuditFigure.objects.bulk_create(
        [
            AuditFigure(
                office_id=office,
                period=datetime.fromisoformat(period),
                metric=metric,
                key=key,
                count=0,
                updated_at=now,
            )
            for (office, period, metric, key), _n in ordered
        ],
        ignore_conflicts=True,
    )
    for (office, period, metric, key), n in ordered:
        AuditFigure.objects.filter(
            metric=metric, office_id=office, period=datetime.fromisoformat(period), key=key
        ).update(count=F("count") + n, updated_at=now)


def parent_figures_update(*, parent_id) -> None:
    """A parent's language changed: recount their submitted elections."""
    for election_id in Election.objects.filter(
        parent_id=parent_id, submitted_at__isnull=False
    ).values_list("pk", flat=True):
        election_figures_update(election_id=election_id)


def figures_rebuild(*, batch: int = 2000) -> int:
    """Count every election from scratch and replace the buckets with the result; returns the
    number of elections counted. One transaction: the dashboard shows the old figures until
    the new ones are complete."""
    totals: Counter = Counter()
    kept = []
    elections = (
        Election.objects.filter(submitted_at__isnull=False)
        .select_related("parent")
        .only(
            "office_id",
            "status",
            "submitted_at",
            "returned_at",
            "approved_at",
            "notice_delivered_at",
            "delivery_mode",
            "parent__primary_language",
        )
        .order_by("pk")
    )
    with transaction.atomic():
        ElectionFigures.objects.all().delete()
        AuditFigure.objects.all().delete()
        counted = 0
        last = None
        while True:
            page = elections if last is None else elections.filter(pk__gt=last)
            rows = list(page[:batch])
            if not rows:
                break
            last = rows[-1].pk
            ids = [row.pk for row in rows]
            children: dict = {}
            for election_id, decision, decided_at in ElectionChild.objects.filter(
                election_id__in=ids
            ).values_list("election_id", "decision", "decided_at"):
                children.setdefault(election_id, []).append((decision, decided_at))
            returns = _returns(ids)
            for election in rows:
                mine = children.get(election.pk, [])
                counts = election_buckets(
                    election,
                    decisions=[decision for decision, _at in mine],
                    decided=[at for _decision, at in mine],
                    language=election.parent.primary_language,
                    returns=returns.get(election.pk, 0),
                )
                totals.update(counts)
                kept.append(ElectionFigures(election_id=election.pk, buckets=_as_list(counts)))
            counted += len(rows)
            ElectionFigures.objects.bulk_create(kept, batch_size=batch)
            kept = []
        now = timezone.now()
        AuditFigure.objects.bulk_create(
            [
                AuditFigure(
                    office_id=office,
                    period=datetime.fromisoformat(period),
                    metric=metric,
                    key=key,
                    count=n,
                    updated_at=now,
                )
                for (office, period, metric, key), n in sorted(totals.items())
                if n
            ],
            batch_size=batch,
        )
    return counted


def figures_as_of() -> datetime | None:
    """When the figures last changed (or were rebuilt)."""
    return AuditFigure.objects.aggregate(at=Max("updated_at"))["at"]


def figures_snapshot() -> dict:
    """Every non-empty bucket and its count (what a rebuild must reproduce)."""
    return {
        (office, period.astimezone(UTC).isoformat(), metric, key): count
        for office, period, metric, key, count in AuditFigure.objects.exclude(count=0)
        .values_list("office_id", "period", "metric", "key", "count")
        .order_by()
    }


__all__ = [
    "ALL_TIME",
    "decision_bin",
    "decision_category",
    "election_buckets",
    "election_figures_update",
    "figures_as_of",
    "figures_rebuild",
    "figures_snapshot",
    "parent_figures_update",
]
