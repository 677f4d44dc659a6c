"""Reads: every query that checks who may see what lives here.

An election outside the user's field office does not exist for them: the selectors raise
``Http404``, never a 403 that would confirm the record is there.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone

from .constants import (
    EDITABLE_STATUSES,
    NO_ELECTION_METHODS,
    Decision,
    DeliveryMode,
    RelationshipEvidence,
    Role,
    SignatureRole,
    Status,
)
from .identifiers import normalize_a_number
from .models import (
    Election,
    ElectionChild,
    Facility,
    NoticeVersion,
    Parent,
    ParentChild,
    RegistryDiscrepancy,
    Signature,
    StaffProfile,
)
from .models.records import election_queue_rank
from .rules import age_on, discrepancies_about

#: Roles that may create and edit drafts in their own office.
EDITOR_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})


def staff_profile_for(*, user) -> StaffProfile | None:
    """The user's profile, fetched once per request and cached on the user object."""
    if not user.is_authenticated:
        return None
    try:
        # Loaded with the user by elections.auth.StaffModelBackend, or fetched once here.
        return user.staff
    except StaffProfile.DoesNotExist:
        return None


def election_queryset_for_rules() -> QuerySet[Election]:
    """An election with everything the rules and the record pages read, in a fixed number of queries."""
    return (
        ElectionRulesQuerySet(Election)
        .select_related(
            "office",
            "facility",
            "parent",
            "presented_by",
            "witness",
            "identity_verified_by",
            "notice_version",
            "notice_version_en",
            "interpreter",
            "submitted_by",
            "returned_by",
            "approved_by",
        )
        .prefetch_related(
            Prefetch("covered", queryset=ElectionChild.objects.select_related("child")),
            "signatures",
            Prefetch("parent__child_links", queryset=ParentChild.objects.select_related("child")),
        )
    )


class ElectionRulesQuerySet(QuerySet):
    """Elections with, beside their prefetched rows, the case system's open contradictions of
    each parent's and linked child's record (rules R1, R2) as ``parent.open_discrepancies``:
    one query for all of them, however many children or elections."""

    def _prefetch_related_objects(self):
        super()._prefetch_related_objects()
        elections = [e for e in self._result_cache if isinstance(e, Election)]
        if not elections:
            return
        parents = {e.parent_id for e in elections}
        children = {link.child_id for e in elections for link in e.parent.child_links.all()}
        rows = list(
            RegistryDiscrepancy.objects.filter(resolved_at__isnull=True).filter(
                Q(parent_id__in=parents, child__isnull=True) | Q(child_id__in=children)
            )
        )
        for election in elections:
            election.parent.open_discrepancies = discrepancies_about(election.parent, rows)


def adult_children(election: Election) -> list:
    """The parent's recorded children who are 18 or older today, and so not on the election
    (the children step notes them; the election covers minors only, R2)."""
    today = timezone.localdate(timezone=election.office.tz)
    covered = {item.child_id for item in election.covered.all()}
    return [
        link.child
        for link in election.parent.child_links.all()
        if link.child_id not in covered and age_on(link.child.date_of_birth, today) >= 18
    ]


def recorded_parent(*, a_number: str) -> Parent | None:
    """The parent recorded under this (normalised) A-number: registered by the case system or
    recorded for an earlier election; None for an A-number formsvc does not know."""
    return Parent.objects.filter(a_number=a_number).first()


def facility_choices_for(
    *, user, election: Election | None = None, office_id=None
) -> tuple[list[Facility], Facility | None]:
    """The facilities of the election's office (or of ``office_id``, for an election not started
    yet), evaluated once, and the one to propose: the facility of the officer's most recent
    election in this office, else the office's only one.

    One query: each facility carries when this officer last recorded an election there.
    """
    if election is not None:
        office_id = election.office_id
        used_here = Q(elections__presented_by=user) & ~Q(elections__pk=election.pk)
    else:
        used_here = Q(elections__presented_by=user)
    facilities = list(
        Facility.objects.filter(office_id=office_id)
        .annotate(last_used=Max("elections__created_at", filter=used_here))
        .order_by("name", "pk")
    )
    used = [f for f in facilities if f.last_used is not None]
    if used:
        return facilities, max(used, key=lambda f: f.last_used)
    return facilities, facilities[0] if len(facilities) == 1 else None


def witness_choices_for(*, election: Election, user) -> tuple[list, object | None]:
    """The staff who may witness this election, evaluated once, and the one to propose: the
    witness of the officer's most recent election in this office, else the only candidate.

    One query. The witness still confirms with their own password when they sign (R6).
    """
    candidates = list(
        witness_users(office=election.office, exclude_user=election.presented_by)
        .annotate(
            last_witnessed=Max(
                "witnessed_elections__created_at",
                filter=Q(
                    witnessed_elections__presented_by=user,
                    witnessed_elections__office_id=election.office_id,
                )
                & ~Q(witnessed_elections__pk=election.pk),
            )
        )
        .order_by(F("last_name").asc(), F("first_name").asc(), "pk")
    )
    used = [u for u in candidates if u.last_witnessed is not None]
    if used:
        return candidates, max(used, key=lambda u: u.last_witnessed)
    return candidates, candidates[0] if len(candidates) == 1 else None


def election_for_editor(*, user, election_id, queryset=None) -> Election:
    """An election the user may work on in the officer's flow (their own office), or 404."""
    profile = staff_profile_for(user=user)
    if profile is None or profile.role not in EDITOR_ROLES:
        raise Http404
    qs = queryset if queryset is not None else election_queryset_for_rules()
    try:
        return qs.get(pk=election_id, office_id=profile.office_id)
    except (Election.DoesNotExist, ValueError):
        raise Http404 from None


#: The officer's home lists the elections approved in these last days, at most this many.
RECENTLY_APPROVED_DAYS = 14
RECENTLY_APPROVED_MAX = 20


#: What the home shows of every election it lists; ``when`` is the time its section shows.
HOME_COLUMNS = ("id", "status", "parent__full_name", "parent__a_number")


def officer_home_elections(*, user) -> dict[str, list[dict]]:
    """What an officer resumes from their home page: drafts and returned ones, submissions, and
    recent approvals, each section newest first and bounded.

    The home is the busiest page: each election comes as a dict of just the columns it shows
    (``HOME_COLUMNS``, ``when``, and for the open ones ``return_reason``); building model
    instances of the wide election row and its parent cost more than the queries themselves."""
    profile = staff_profile_for(user=user)
    if profile is None or profile.role not in EDITOR_ROLES:
        return {"open": [], "submitted": [], "approved": []}
    base = Election.objects.filter(office_id=profile.office_id, presented_by=user)
    open_ = list(
        base.filter(status__in=EDITABLE_STATUSES)
        .order_by("-status", "-updated_at")
        .values(*HOME_COLUMNS, "return_reason", when=F("updated_at"))[:50]
    )
    submitted = list(
        base.filter(status=Status.SUBMITTED)
        .order_by("-submitted_at")
        .values(*HOME_COLUMNS, when=F("submitted_at"))[:20]
    )
    # Approved lately, for the parent's copy to be printed: newest first, a bounded list.
    since = timezone.now() - timedelta(days=RECENTLY_APPROVED_DAYS)
    approved = list(
        base.filter(status=Status.APPROVED, approved_at__gte=since)
        .order_by("-approved_at")
        .values(*HOME_COLUMNS, when=F("approved_at"))[:RECENTLY_APPROVED_MAX]
    )
    return {"open": open_, "submitted": submitted, "approved": approved}


def open_election_for_parent(*, parent, office) -> Election | None:
    """An election for this parent not yet decided on, so an officer resumes it instead of starting twice."""
    return (
        Election.objects.filter(
            parent=parent, office=office, status__in=[*EDITABLE_STATUSES, Status.SUBMITTED]
        )
        .order_by("-created_at")
        .first()
    )


def current_approved_election(*, parent) -> Election | None:
    """The approved election that stands for this parent now (R9: superseded ones do not)."""
    return (
        Election.objects.filter(parent=parent, status=Status.APPROVED)
        .order_by("-approved_at")
        .first()
    )


def witness_candidates(*, office, exclude_user) -> QuerySet[StaffProfile]:
    """Staff of the office who may witness: anyone but the presenting officer."""
    return (
        StaffProfile.objects.filter(office=office, user__is_active=True)
        .exclude(user=exclude_user)
        .exclude(role=Role.AUDITOR)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def witness_users(*, office, exclude_user):
    """The users behind ``witness_candidates``, each with their staff profile, for a choice."""
    candidates = witness_candidates(office=office, exclude_user=exclude_user)
    return (
        type(exclude_user)
        .objects.filter(pk__in=candidates.values("user_id"))
        .select_related("staff")
    )


def current_notice(*, language: str) -> NoticeVersion | None:
    return (
        NoticeVersion.objects.filter(language=language, is_current=True)
        .order_by("-created_at")
        .first()
    )


def notice_languages() -> list[str]:
    """Languages that have a written notice: the only ones a notice can be shown in."""
    return sorted(
        set(NoticeVersion.objects.filter(is_current=True).values_list("language", flat=True))
    )


def signature_for(election: Election, role: SignatureRole):
    return next((s for s in election.signatures.all() if s.role == role), None)


# --- Supervisor's queue and review (admin) -----------------------------------------------------


def supervisor_office_id(*, user):
    """The office whose elections the user reviews; None for a superuser (every office, read-only).

    Anyone else reviews nothing: ``election_queue`` answers an empty queryset for them.
    """
    profile = staff_profile_for(user=user)
    if profile is not None and profile.role == Role.SUPERVISOR:
        return profile.office_id
    return None


def election_queue(*, user) -> QuerySet[Election]:
    """The approval queue: the supervisor's office only, awaiting approval first, oldest first.

    The elections only: the queue's page reads what its rows show for the page's elections in
    a fixed number of queries whatever the queue's length (review/queue.py).
    """
    profile = staff_profile_for(user=user)
    qs = Election.objects.all()
    if profile is not None and profile.role == Role.SUPERVISOR:
        qs = qs.filter(office_id=profile.office_id)
    elif not (user.is_active and user.is_superuser):
        return qs.none()
    # Ordered by ("queue_rank", "submitted_at", "created_at", "-pk"): election_queue_order_idx.
    return qs.annotate(queue_rank=election_queue_rank())


def _covered(**lookups):
    return ElectionChild.objects.filter(election=OuterRef("pk"), **lookups)


def fast_decision_q() -> Q:
    """R13 in SQL, as ``rules.is_fast_decision``: the last choice came sooner than the minimum."""
    minimum = timedelta(minutes=settings.FORMSVC_MIN_DECISION_MINUTES)
    deadline = ExpressionWrapper(
        OuterRef("notice_delivered_at") + minimum, output_field=DateTimeField()
    )
    return (
        Q(notice_delivered_at__isnull=False)
        & Exists(_covered(decided_at__isnull=False))
        & ~Exists(_covered(decided_at__gte=deadline))
    )


def consult_pending_q() -> Q:
    """Approved elections where a parent chose to speak with a lawyer first: nothing is final
    for them until a new election is approved, so they must not be forgotten (R5)."""
    return Q(status=Status.APPROVED) & Exists(_covered(decision=Decision.CONSULT))


def election_flag_q(flag: str) -> Q | None:
    """The queue's flags as filters; None for an unknown flag."""
    if flag == "fast":
        return fast_decision_q()
    if flag == "telephone":
        return Q(delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE)
    if flag == "unverified":
        return Exists(
            _covered(
                child__parent_links__parent=OuterRef("parent"),
                child__parent_links__evidence=RelationshipEvidence.NOT_VERIFIED,
            )
        )
    if flag == "no_election":
        return Exists(
            Signature.objects.filter(
                election=OuterRef("pk"), role=SignatureRole.PARENT, method__in=NO_ELECTION_METHODS
            )
        )
    if flag == "consult_pending":
        return consult_pending_q()
    if flag == "returned_before":
        return Q(returned_at__isnull=False)
    return None


def election_decision_q(decision: str) -> Q | None:
    """Elections where some child has this decision; ``none`` for a child with no election."""
    if decision == "none":
        return Exists(_covered(decision__isnull=True))
    if decision in Decision.values:
        return Exists(_covered(decision=decision))
    return None


def election_search_q(term: str) -> Q | None:
    """An A-number typed in any shape finds the parent's or a child's elections exactly."""
    try:
        a_number = normalize_a_number(term)
    except ValidationError:
        return None
    return Q(parent__a_number=a_number) | Exists(_covered(child__a_number=a_number))


def election_for_review(*, user, election_id) -> Election:
    """The election a supervisor reviews, with everything the record and the rules read; 404
    outside their office (it does not exist for them)."""
    scope = election_queue(user=user).values("pk")
    try:
        return (
            election_queryset_for_rules()
            .select_related("voided_by", "supersedes")
            .filter(pk__in=scope)
            .get(pk=election_id)
        )
    except (Election.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def election_rounds(*, election: Election) -> list[dict]:
    """Every status change of the election, oldest first: each submission, return (with its
    reason), resubmission and approval, with who and when (R9); the reason in the reader's
    words."""
    from .history import reason_label

    rounds = []
    previous = None
    for record in election.history.order_by("history_date", "history_id").select_related(
        "history_user"
    ):
        if previous is None or record.status != previous:
            rounds.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "from": previous,
                    "to": record.status,
                    "to_label": Status(record.status).label,
                    "reason": reason_label(record.history_change_reason or ""),
                    "return_reason": record.return_reason
                    if record.status == Status.RETURNED
                    else "",
                }
            )
        previous = record.status
    return rounds


def election_history(*, election: Election) -> list[dict]:
    """The election's history as a reader sees it, newest first (``history.election_history``)."""
    from .history import election_history as history

    return history(election=election)
