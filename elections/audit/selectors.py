"""Reads for the auditor's workspace: search across every office, one record with its chain,
the dashboard's figures, and the access log.

Auditors read every field office (DESIGN.md §5); these selectors do not scope by office, so
only views behind ``access_log.auditor_view`` call them. Every list costs the same number of
queries at any size: a count, one page, and one prefetch of the children covered.
"""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from elections import figures
from elections.constants import Decision, DeliveryMode, Status
from elections.models import AccessLog, AuditFigure, Election, ElectionChild, FieldOffice
from elections.names import search_key
from elections.selectors import election_queryset_for_rules

from .forms import AccessLogFilters, AuditFilters

# --- Flags, as SQL -----------------------------------------------------------------------------


def _covered(**lookups) -> QuerySet[ElectionChild]:
    return ElectionChild.objects.filter(election=OuterRef("pk"), **lookups)


def fast_decision_q() -> Q:
    """R13 as ``rules.is_fast_decision``: the last choice came sooner than the minimum after the
    notice was delivered."""
    deadline = ExpressionWrapper(
        OuterRef("notice_delivered_at") + timedelta(minutes=settings.FORMSVC_MIN_DECISION_MINUTES),
        output_field=DateTimeField(),
    )
    return (
        Q(notice_delivered_at__isnull=False)
        & Exists(_covered(decided_at__isnull=False))
        & ~Exists(_covered(decided_at__gte=deadline))
    )


def consult_pending_q() -> Q:
    """An approved election in which a parent chose to speak with a lawyer first: nothing is
    final for that child until a new election is approved (R5)."""
    return Q(status=Status.APPROVED) & Exists(_covered(decision=Decision.CONSULT))


FLAG_FILTERS = {
    "fast": fast_decision_q,
    "telephone": lambda: Q(delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE),
    "superseded": lambda: Q(status=Status.SUPERSEDED),
    # Each return stamps returned_at, and resubmitting keeps it: returned at least once.
    "returned": lambda: Q(returned_at__isnull=False),
    "consult_pending": consult_pending_q,
}

DATE_FIELDS = {"created": "created_at", "submitted": "submitted_at", "approved": "approved_at"}

#: Sort columns that can be empty (an election not yet submitted or approved).
NULLABLE_SORTS = frozenset({"submitted_at", "approved_at"})

SORTS = {
    "created": "created_at",
    "submitted": "submitted_at",
    "approved": "approved_at",
    "name": "parent__full_name",
    "a_number": "parent__a_number",
    "office": "office__name",
    "status": "status",
}


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# --- Search ------------------------------------------------------------------------------------


def audit_election_search(*, filters: AuditFilters) -> QuerySet[Election]:
    """Every election matching the filters, across all offices, sorted as asked.

    Rows come with the office, the parent and the children covered (one prefetch), so a page of
    any length costs the same queries.
    """
    column, ascending, _nullable = search_sort(filters=filters)
    rows = _filtered(audit_election_rows(), filters=filters)
    return rows.order_by(*_search_order(column, ascending=ascending))


def audit_election_rows() -> QuerySet[Election]:
    """Elections as the list shows them: with the office, the parent and the children covered
    (one prefetch)."""
    return Election.objects.select_related("office", "parent").prefetch_related(
        Prefetch("covered", queryset=ElectionChild.objects.select_related("child"))
    )


def audit_election_matches(*, filters: AuditFilters) -> QuerySet[Election]:
    """The elections matching the filters, across all offices, unordered and with nothing
    joined: what a page is sorted and counted on (``keyset.keyset_page``)."""
    return _filtered(Election.objects.all(), filters=filters).order_by()


def _filtered(qs: QuerySet[Election], *, filters: AuditFilters) -> QuerySet[Election]:
    if filters.a_number:
        qs = qs.filter(
            pk__in=_matching_elections(
                parent=Q(parent__a_number=filters.a_number),
                child=Q(child__a_number=filters.a_number),
            )
        )
    if filters.name:
        # Accents and case do not count ("Benitez" finds "Benítez" and the other way round):
        # both sides compared as ``search_key`` folds them, the stored side kept by ``save``.
        key = search_key(filters.name)
        qs = qs.filter(
            pk__in=_matching_elections(
                parent=Q(parent__search_name__contains=key),
                child=Q(child__search_name__contains=key),
            )
        )
    if filters.offices:
        qs = qs.filter(office__code__in=filters.offices)
    column = DATE_FIELDS.get(filters.date_field, "created_at")
    if filters.date_from:
        qs = qs.filter(**{f"{column}__gte": _day_start(filters.date_from)})
    if filters.date_to:
        qs = qs.filter(**{f"{column}__lt": _day_start(filters.date_to + timedelta(days=1))})
    if filters.statuses:
        qs = qs.filter(status__in=filters.statuses)
    if filters.decisions:
        qs = qs.filter(Exists(_covered(decision__in=filters.decisions)))
    for flag in filters.flags:
        qs = qs.filter(FLAG_FILTERS[flag]())
    return qs


def _search_order(column: str, *, ascending: bool) -> tuple:
    if column in NULLABLE_SORTS:
        # Never submitted or approved: last, whichever the direction.
        order = F(column).asc(nulls_last=True) if ascending else F(column).desc(nulls_last=True)
    else:
        # A plain direction, so an index on the column serves it both ways.
        order = F(column).asc() if ascending else F(column).desc()
    return order, "pk" if ascending else "-pk"


def search_sort(*, filters: AuditFilters) -> tuple[str, bool, bool]:
    """The list's sort column, whether it ascends, and whether it can be empty."""
    column = SORTS.get(filters.sort.lstrip("-"), "created_at")
    return column, not filters.sort.startswith("-"), column in NULLABLE_SORTS


def _matching_elections(*, parent: Q, child: Q) -> QuerySet:
    """Ids of the elections whose parent matches ``parent`` or that cover a child matching
    ``child`` (lookups on ElectionChild)."""
    return (
        Election.objects.filter(parent)
        .values("pk")
        .union(ElectionChild.objects.filter(child).values("election_id"), all=True)
    )


def election_flags(election: Election) -> list[str]:
    """The flags of one listed election, from what the list already loaded (no query)."""
    from elections import rules

    flags = []
    if rules.is_fast_decision(election):
        flags.append("fast")
    if election.delivery_mode == DeliveryMode.INTERPRETER_TELEPHONE:
        flags.append("telephone")
    if election.status == Status.SUPERSEDED:
        flags.append("superseded")
    if election.returned_at is not None:
        flags.append("returned")
    if election.status == Status.APPROVED and any(
        item.decision == Decision.CONSULT for item in election.covered.all()
    ):
        flags.append("consult_pending")
    return flags


# --- One record --------------------------------------------------------------------------------


def audit_election(*, election_id) -> Election:
    """Any election, from any office, with everything the record page shows; 404 if none."""
    try:
        return (
            election_queryset_for_rules()
            .select_related("voided_by", "supersedes", "superseded_by")
            .get(pk=election_id)
        )
    except (Election.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def election_chain(*, election: Election) -> list[Election]:
    """Every election of the same parent, oldest first: the ones it replaced, the ones that
    replaced it, and any others (voided, in progress), so the auditor sees the whole story."""
    return list(
        Election.objects.filter(parent_id=election.parent_id)
        .select_related("office", "supersedes")
        .prefetch_related("covered")
        .order_by("created_at", "pk")
    )


# --- Dashboard ---------------------------------------------------------------------------------


#: Age buckets for queues and backlogs: (label key, lower bound inclusive).
AGE_BUCKETS = (
    ("lt1d", timedelta(0)),
    ("1to2d", timedelta(days=1)),
    ("2to7d", timedelta(days=2)),
    ("1to4w", timedelta(days=7)),
    ("gt4w", timedelta(days=28)),
)
#: Minutes from notice to decision: (label key, lower bound inclusive, in minutes).
DECISION_BUCKETS = (
    ("lt15m", 0),
    ("15to30m", 15),
    ("30to60m", 30),
    ("1to2h", 60),
    ("2to6h", 120),
    ("6to24h", 360),
    ("1to2d", 1440),
    ("gt2d", 2880),
)


def month_starts(*, months: int, today: date | None = None) -> list[date]:
    today = today or timezone.now().astimezone(UTC).date()
    first = today.replace(day=1)
    starts = []
    year, month = first.year, first.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(starts))


def _figures(metric: str) -> QuerySet[AuditFigure]:
    return AuditFigure.objects.filter(metric=metric).exclude(count=0)


def submitted_per_month(*, months: int = 12) -> dict:
    """Elections submitted per month (UTC), by decision and by field office: the kept monthly
    figures (``elections.figures``), a row per month, office and decision."""
    starts = month_starts(months=months)
    by_decision, by_office = Counter(), Counter()
    for period, key, office, n in (
        _figures("submitted")
        .filter(period__gte=_day_start(starts[0]))
        .values_list("period", "key", "office__code", "count")
        .order_by()
    ):
        month = _as_month(period.astimezone(UTC))
        by_decision[(month, key)] += n
        by_office[(month, office)] += n
    return {"months": starts, "by_decision": +by_decision, "by_office": +by_office}


def decision_category(mask: int | None) -> str:
    return figures.decision_category(mask)


def _as_month(value) -> date:
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    return value.replace(day=1)


def interpreter_share_by_language(*, limit: int = 10) -> list[dict]:
    """Per parent language: elections whose notice was delivered, and how many through an
    interpreter in person or by telephone. The most frequent languages first."""
    per_language: dict[str, Counter] = {}
    for key, n in _figures("interpreter").values_list("key").annotate(n=Sum("count")).order_by():
        language, _sep, mode = key.partition("|")
        per_language.setdefault(language, Counter())[mode] += n
    rows = [
        {
            "language": language,
            "total": sum(modes.values()),
            "in_person": modes[DeliveryMode.INTERPRETER_IN_PERSON],
            "telephone": modes[DeliveryMode.INTERPRETER_TELEPHONE],
        }
        for language, modes in per_language.items()
    ]
    rows.sort(key=lambda row: (-row["total"], row["language"]))
    return [
        {**row, "none": row["total"] - row["in_person"] - row["telephone"]} for row in rows[:limit]
    ]


def decision_time_distribution() -> dict:
    """How long parents had between notice and decision: a histogram and the median, in
    minutes, from the kept figures' fine bins (one query, a row per bin in use). The median is
    the first minute of the bin holding the middle decision."""
    bins = sorted(
        (int(key), n)
        for key, n in _figures("decision_minutes")
        .values_list("key")
        .annotate(n=Sum("count"))
        .order_by()
    )
    counts = Counter()
    for start, n in bins:
        bucket = DECISION_BUCKETS[0][0]
        for key, low in DECISION_BUCKETS:
            if start >= low:
                bucket = key
        counts[bucket] += n
    total = sum(n for _start, n in bins)
    median = None
    if total:
        # The middle value (the lower middle for an even count).
        seen, middle = 0, (total - 1) // 2
        for start, n in bins:
            seen += n
            if seen > middle:
                median = float(start)
                break
    return {
        "buckets": [(key, counts.get(key, 0)) for key, _low in DECISION_BUCKETS],
        "total": total,
        "median_minutes": median,
        "minimum_minutes": settings.FORMSVC_MIN_DECISION_MINUTES,
    }


def returns_per_office() -> list[dict]:
    """Per field office: elections submitted, elections returned at least once, and returns
    (each return is counted once, however many edits followed it)."""
    offices = list(FieldOffice.objects.order_by("name"))
    totals = Counter(
        {
            (office_id, key): n
            for office_id, key, n in _figures("office")
            .values_list("office_id", "key")
            .annotate(n=Sum("count"))
            .order_by()
        }
    )
    return [
        {
            "office": office,
            "submitted": totals.get((office.pk, "submitted"), 0),
            "returned": totals.get((office.pk, "returned"), 0),
            "returns": totals.get((office.pk, "returns"), 0),
        }
        for office in offices
    ]


def _age_bucket(column: str, now: datetime):
    return Case(
        *(
            When(**{f"{column}__lte": now - low}, then=Value(key))
            for key, low in reversed(AGE_BUCKETS)
        ),
        default=Value(AGE_BUCKETS[0][0]),
        output_field=CharField(),
    )


def _aged(metric: str) -> dict:
    """Kept hourly figures by age bucket and office: an hour's elections are aged from its
    middle, so a bucket's edge is right to within half an hour."""
    middle = timezone.now() - timedelta(minutes=30)
    counts = Counter()
    for row in (
        _figures(metric)
        .annotate(bucket=_age_bucket("period", middle))
        .values("bucket", "office__code")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        counts[(row["bucket"], row["office__code"])] += row["n"]
    return {"buckets": [key for key, _low in AGE_BUCKETS], "counts": counts}


def approval_queue_age() -> dict:
    """Elections awaiting approval, by how long they have waited and by office."""
    return _aged("queue")


def consult_pending_backlog() -> dict:
    """Approved elections with a child whose parent chose to consult a lawyer, by how long ago
    they were approved and by office: each needs a new, final election."""
    return _aged("backlog")


def figures_as_of() -> datetime | None:
    """When the dashboard's figures last changed."""
    return figures.figures_as_of()


# --- Access log --------------------------------------------------------------------------------


def access_log_search(*, filters: AccessLogFilters) -> QuerySet[AccessLog]:
    qs = AccessLog.objects.select_related("election")
    if filters.username:
        qs = qs.filter(username__iexact=filters.username)
    if filters.actions:
        qs = qs.filter(action__in=filters.actions)
    if filters.date_from:
        qs = qs.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_day_start(filters.date_to + timedelta(days=1)))
    return qs.order_by("-at", "-id")
