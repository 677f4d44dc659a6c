"""The removal gate: may this parent be removed, and with which children?

A parent is cleared only when every minor child linked to them (``ParentChild``) is covered by
the approved election that stands for the parent now (R9: a superseded one does not) with a final
decision: ``reunify`` (the child must travel with the parent) or ``waive`` (the child stays). A
child with no election, an election still in progress, awaiting approval or returned, a consult
still pending or a parent who refused to sign blocks the removal, and the answer says why in
words. A child who has turned 18 is noted and does not block: the parent's election no longer
covers them.

The same answer is given to the API, to ``manage.py clearance`` and to a recorded removal.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import Decision, SignatureRole, Status
from .identifiers import normalize_a_number
from .models import Election, ElectionChild, Parent, ParentChild, Signature
from .rules import age_on, records_no_election

WITH_PARENT = "with_parent"
STAYS = "stays"
BLOCKED = "blocked"


class Reason(models.TextChoices):
    """Why a child's removal is what it is, in words a removal officer reads."""

    REUNIFY = "reunify", _("the parent chose to take the child with them")
    WAIVE = "waive", _("the parent chose to leave the child in the United States")
    NO_ELECTION = "no_election", _("no election has been recorded for this child")
    IN_PROGRESS = "in_progress", _("an election is in progress and has not been submitted")
    AWAITING_APPROVAL = "awaiting_approval", _("the election is awaiting a supervisor's approval")
    RETURNED = "returned", _("the election was returned to the officer for correction")
    CONSULT_PENDING = (
        "consult_pending",
        _("the parent asked to speak with a lawyer first: no final decision yet"),
    )
    REFUSED = (
        "refused_to_sign",
        _("the parent refused or was unable to sign: no choice is recorded"),
    )
    TURNED_18 = (
        "turned_18",
        _("has turned 18: not covered by the parent's election, does not block the removal"),
    )
    REPLACEMENT = (
        "replacement_in_progress",
        _("a new election that would replace the approved one is in progress"),
    )
    NO_CHILDREN = "no_children", _("no child is recorded for this parent")


#: Reasons that only inform: they never block.
NOTES = frozenset({Reason.REUNIFY, Reason.WAIVE, Reason.TURNED_18, Reason.REPLACEMENT})

_PENDING_STATUS_REASONS = {
    Status.DRAFT: Reason.IN_PROGRESS,
    Status.SUBMITTED: Reason.AWAITING_APPROVAL,
    Status.RETURNED: Reason.RETURNED,
}


@dataclass(frozen=True)
class ChildClearance:
    a_number: str | None
    name: str
    date_of_birth: date
    minor: bool
    removal: str
    decision: str | None = None
    election_id: str | None = None
    election_status: str | None = None
    reasons: tuple[Reason, ...] = ()

    @property
    def blocks(self) -> bool:
        return self.removal == BLOCKED

    def as_dict(self) -> dict:
        return {
            "a_number": self.a_number,
            "name": self.name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "minor": self.minor,
            "decision": self.decision,
            "election_id": self.election_id,
            "election_status": self.election_status,
            "removal": self.removal,
            "reasons": [str(reason.label) for reason in self.reasons],
            "reason_codes": [reason.value for reason in self.reasons],
        }


@dataclass(frozen=True)
class Clearance:
    a_number: str
    name: str
    cleared: bool
    election_id: str | None
    as_of: datetime
    children: tuple[ChildClearance, ...] = ()
    reasons: tuple[Reason, ...] = field(default=())

    def reason_texts(self) -> list[str]:
        """Each reason that stands for the whole parent, in words: a child's with their name."""
        texts = []
        if Reason.NO_CHILDREN in self.reasons:
            texts.append(str(Reason.NO_CHILDREN.label))
        for child in self.children:
            for reason in child.reasons:
                if reason in (Reason.REUNIFY, Reason.WAIVE):
                    continue
                texts.append(f"{child.name} ({child.a_number or '-'}): {reason.label}")
        if self.cleared and not texts:
            texts.append(str(_("every minor child has an approved final election")))
        return texts

    def as_dict(self) -> dict:
        return {
            "a_number": self.a_number,
            "name": self.name,
            "cleared": self.cleared,
            "reasons": self.reason_texts(),
            "reason_codes": sorted(
                {r.value for r in self.reasons}
                | {r.value for c in self.children for r in c.reasons}
            ),
            "election_id": self.election_id,
            "as_of": self.as_of.isoformat(),
            "children": [child.as_dict() for child in self.children],
        }


def _elections_of(parent: Parent) -> list[Election]:
    """The parent's elections that still count (not void), newest first, with what is read."""
    return list(
        Election.objects.filter(parent=parent)
        .exclude(status=Status.VOID)
        .select_related("office")
        .prefetch_related(
            Prefetch(
                "covered",
                queryset=ElectionChild.objects.only("election_id", "child_id", "decision"),
            ),
            Prefetch(
                "signatures",
                queryset=Signature.objects.filter(role=SignatureRole.PARENT).only(
                    "election_id", "role", "method"
                ),
            ),
        )
        .order_by("-created_at")
    )


def _today_for(parent: Parent, elections: list[Election]) -> date:
    office = elections[0].office if elections else parent.registered_office
    return timezone.localdate(timezone=office.tz) if office is not None else timezone.localdate()


def _child_clearance(link, *, today, approved, elections) -> ChildClearance:
    child = link.child
    base = {
        "a_number": child.a_number,
        "name": child.full_name,
        "date_of_birth": child.date_of_birth,
    }
    if age_on(child.date_of_birth, today) >= 18:
        return ChildClearance(**base, minor=False, removal=STAYS, reasons=(Reason.TURNED_18,))
    covering = [e for e in elections if any(c.child_id == child.pk for c in e.covered.all())]
    if approved is not None and approved in covering:
        item = next(c for c in approved.covered.all() if c.child_id == child.pk)
        replacing = any(
            e.supersedes_id == approved.pk and e.status in _PENDING_STATUS_REASONS
            for e in elections
        )
        notes = (Reason.REPLACEMENT,) if replacing else ()
        election = {"election_id": str(approved.pk), "election_status": approved.status}
        if records_no_election(approved) or item.decision is None:
            return ChildClearance(
                **base, minor=True, removal=BLOCKED, **election, reasons=(Reason.REFUSED, *notes)
            )
        if item.decision == Decision.REUNIFY:
            return ChildClearance(
                **base, minor=True, removal=WITH_PARENT, decision=item.decision, **election,
                reasons=(Reason.REUNIFY, *notes),
            )  # fmt: skip
        if item.decision == Decision.WAIVE:
            return ChildClearance(
                **base, minor=True, removal=STAYS, decision=item.decision, **election,
                reasons=(Reason.WAIVE, *notes),
            )  # fmt: skip
        return ChildClearance(
            **base, minor=True, removal=BLOCKED, decision=item.decision, **election,
            reasons=(Reason.CONSULT_PENDING, *notes),
        )  # fmt: skip
    pending = next((e for e in covering if e.status in _PENDING_STATUS_REASONS), None)
    if pending is None:
        return ChildClearance(**base, minor=True, removal=BLOCKED, reasons=(Reason.NO_ELECTION,))
    reasons = (Reason.REFUSED,) if records_no_election(pending) else ()
    item = next(c for c in pending.covered.all() if c.child_id == child.pk)
    return ChildClearance(
        **base,
        minor=True,
        removal=BLOCKED,
        decision=item.decision,
        election_id=str(pending.pk),
        election_status=pending.status,
        reasons=(*reasons, _PENDING_STATUS_REASONS[pending.status]),
    )


def parent_clearance(parent: Parent) -> Clearance:
    """The clearance of a recorded parent, as of now."""
    elections = _elections_of(parent)
    approved = next(
        iter(
            sorted(
                (e for e in elections if e.status == Status.APPROVED),
                key=lambda e: e.approved_at,
                reverse=True,
            )
        ),
        None,
    )
    today = _today_for(parent, elections)
    links = (
        ParentChild.objects.filter(parent=parent)
        .select_related("child")
        .order_by("child__date_of_birth", "child__full_name", "pk")
    )
    children = tuple(
        _child_clearance(link, today=today, approved=approved, elections=elections)
        for link in links
    )
    minors = [child for child in children if child.minor]
    reasons = () if children else (Reason.NO_CHILDREN,)
    cleared = bool(children) and not any(child.blocks for child in minors)
    return Clearance(
        a_number=parent.a_number,
        name=parent.full_name,
        cleared=cleared,
        election_id=str(approved.pk) if approved is not None else None,
        as_of=timezone.now(),
        children=children,
        reasons=reasons,
    )


def clearance_for_a_number(raw: str) -> Clearance:
    """The clearance of the parent with this A-number (any typed shape).

    Raises ``ValidationError`` (code ``a_number_format``) for a malformed A-number and
    ``Parent.DoesNotExist`` for one formsvc does not know.
    """
    return parent_clearance(
        Parent.objects.select_related("registered_office").get(a_number=normalize_a_number(raw))
    )


def parent_office_ids(parent: Parent) -> set[int]:
    """The field offices a parent belongs to: where their elections are, and where the case system
    registered them. A token limited to an office sees a parent only in one of these."""
    offices = set(Election.objects.filter(parent=parent).values_list("office_id", flat=True))
    if parent.registered_office_id is not None:
        offices.add(parent.registered_office_id)
    return offices
