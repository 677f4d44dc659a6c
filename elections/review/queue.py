"""The rows of the supervisor's queue, a page at a time (DESIGN.md §2, §8; R2, R4, R7, R12, R13).

What a row shows is read for the whole page in two queries, as plain values (no model
instances): the page's elections with their parent, officer, office and interpreter, and their
children with each decision; whether the parent did not sign and whether a relationship is not
verified are answered by the database. Every row's words are then made in one pass, with the
labels translated once for the page, so that a page costs the same at any size of the queue and
little per row. The admin's columns (admin.py) only put them in their markup.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext

from elections import rules
from elections.constants import (
    INTERPRETER_MODES,
    NO_ELECTION_METHODS,
    Decision,
    DeliveryMode,
    RelationshipEvidence,
    SignatureRole,
    Status,
)
from elections.identifiers import format_a_number
from elections.languages import language_name
from elections.models import ElectionChild, ParentChild, Signature
from elections.models.records import election_reference
from elections.templatetags.formsvc import local_time


@dataclass(frozen=True)
class QueueRow:
    """One election as its row shows it, every text ready (and not yet escaped)."""

    id: object
    status: str
    status_label: str
    submitted: str  # "submitted <date and time in the office's zone>", or ""
    waiting: str  # "waiting <how long>" while awaiting approval, or ""
    parent_name: str
    a_number: str
    reference: str
    children: list[tuple[str, str]]  # (name, the decision in words)
    language: str  # "" when no notice was shown yet
    delivery: str
    interpreter: str
    decision_time: str  # "<n> min to decide", or "—"
    too_fast: str  # "R13: too fast" when the parent decided sooner than the minimum, or ""
    flags: list[str]
    officer: str


ELECTION_VALUES = (
    "id",
    "status",
    "submitted_at",
    "returned_at",
    "notice_language",
    "delivery_mode",
    "notice_delivered_at",
    "office__time_zone",
    "parent__full_name",
    "parent__a_number",
    "presented_by__username",
    "presented_by__first_name",
    "presented_by__last_name",
    "interpreter__full_name",
)


def queue_rows(page) -> list[QueueRow]:
    """The rows of ``page``, a slice of the queue's queryset, in its order."""
    # R12: the parent's signature says they refused or were unable to sign (one per role).
    no_election = Exists(
        Signature.objects.filter(
            election=OuterRef("pk"), role=SignatureRole.PARENT, method__in=NO_ELECTION_METHODS
        )
    )
    elections = list(
        page.select_related(None)
        .prefetch_related(None)
        .values(*ELECTION_VALUES, no_election=no_election)
    )
    if not elections:
        return []
    # R2: the relationship of the election's parent to this child is not verified.
    unverified = Exists(
        ParentChild.objects.filter(
            parent=OuterRef("election__parent"),
            child=OuterRef("child"),
            evidence=RelationshipEvidence.NOT_VERIFIED,
        )
    )
    covered: dict[object, list[tuple]] = {}
    for election_id, *child in (
        ElectionChild.objects.filter(election__in=[e["id"] for e in elections])
        .annotate(unverified=unverified)
        .order_by("election", "position", "id")
        .values_list("election", "child__full_name", "decision", "decided_at", "unverified")
    ):
        covered.setdefault(election_id, []).append(child)
    words = _Words()
    return [words.row(values, covered.get(values["id"], [])) for values in elections]


class _Words:
    """The page's labels, translated once, and how a row is said with them."""

    def __init__(self):
        self.now = timezone.now()
        self.status_labels = {value: str(label) for value, label in Status.choices}
        self.decision = {value: str(label) for value, label in Decision.choices}
        self.decision[None] = self.decision[""] = gettext("no election recorded")
        self.delivery = {value: str(label) for value, label in DeliveryMode.choices}
        self.submitted = gettext("submitted %(when)s")
        self.waiting = gettext("waiting %(age)s")
        self.returned_before = gettext("returned before")
        self.min_to_decide = gettext("%(minutes)s min to decide")
        self.too_fast = gettext("R13: too fast")
        self.languages: dict[str, str] = {}

    def language(self, code: str) -> str:
        if code not in self.languages:
            self.languages[code] = language_name(code)
        return self.languages[code]

    def minutes(self, minutes: float | None) -> str:
        return "—" if minutes is None else self.min_to_decide % {"minutes": int(minutes)}

    def row(self, values: dict, covered: list[tuple]) -> QueueRow:
        status, submitted_at = values["status"], values["submitted_at"]
        mode = values["delivery_mode"]
        minutes = rules.minutes_between(
            values["notice_delivered_at"], (decided_at for _, _, decided_at, _ in covered)
        )
        flags = [
            str(warning.message)
            for warning in rules.warnings_from(
                minutes=minutes,
                delivery_mode=mode,
                unverified_children=[name for name, _, _, not_verified in covered if not_verified],
                no_election=values["no_election"],
            )
        ]
        if values["returned_at"]:
            flags.append(self.returned_before)
        officer = f"{values['presented_by__first_name']} {values['presented_by__last_name']}"
        return QueueRow(
            id=values["id"],
            status=status,
            status_label=self.status_labels.get(status, status),
            submitted=self.submitted
            % {"when": local_time(submitted_at, values["office__time_zone"])}
            if submitted_at
            else "",
            waiting=self.waiting % {"age": timesince(submitted_at, self.now)}
            if submitted_at and status == Status.SUBMITTED
            else "",
            parent_name=values["parent__full_name"],
            a_number=format_a_number(values["parent__a_number"]),
            reference=election_reference(values["id"]),
            children=[
                (name, self.decision.get(decision, decision)) for name, decision, _, _ in covered
            ],
            language=self.language(values["notice_language"]) if values["notice_language"] else "",
            delivery=self.delivery.get(mode, mode),
            interpreter=(values["interpreter__full_name"] or "")
            if mode in INTERPRETER_MODES
            else "",
            decision_time=self.minutes(minutes),
            too_fast=self.too_fast if rules.is_fast(minutes) else "",
            flags=flags,
            officer=officer.strip() or values["presented_by__username"],
        )
