"""Reads: every query that checks who may see what lives here.

An election outside the user's field office does not exist for them: the selectors raise
``Http404``, never a 403 that would confirm the record is there.
"""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from .constants import EDITABLE_STATUSES, Role, SignatureRole, Status
from .models import Election, ElectionChild, NoticeVersion, ParentChild, StaffProfile

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
    return Election.objects.select_related(
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
    ).prefetch_related(
        Prefetch("covered", queryset=ElectionChild.objects.select_related("child")),
        "signatures",
        Prefetch("parent__child_links", queryset=ParentChild.objects.all()),
    )


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


def officer_home_elections(*, user) -> dict[str, list[Election]]:
    """What an officer resumes from their home page: drafts, returned ones, and recent submissions."""
    profile = staff_profile_for(user=user)
    if profile is None or profile.role not in EDITOR_ROLES:
        return {"open": [], "submitted": []}
    base = Election.objects.filter(office_id=profile.office_id, presented_by=user).select_related(
        "parent"
    )
    open_ = list(base.filter(status__in=EDITABLE_STATUSES).order_by("-status", "-updated_at")[:50])
    submitted = list(base.filter(status=Status.SUBMITTED).order_by("-submitted_at")[:20])
    return {"open": open_, "submitted": submitted}


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
