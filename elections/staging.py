"""An election built up to a stage of the officer's flow, from plain data.

The demo data (``manage.py seed_demo``) and the test factories both need records made the way the
tablet makes them: one step at a time through ``services`` and ``workflow``, so each carries the
same history, timestamps and side effects. ``election_build`` is that walk, once. The caller says
who acts, what the record holds (an ``ElectionPlan``) and where to stop (one of ``STAGES``); the
signature images come from the caller, so the tests and the demo each draw their own.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import services, workflow
from .constants import (
    NO_ELECTION_METHODS,
    Decision,
    DeliveryMode,
    IdentityMethod,
    SignatureMethod,
    SignatureRole,
)
from .models import Election, Facility, Parent
from .selectors import election_queryset_for_rules

#: The steps of the officer's flow, in order; a build stops after the named one.
STAGES = (
    "started",
    "parent",
    "children",
    "notice",
    "shown",
    "decided",
    "parent_signed",
    "ready",
    "submitted",
)

#: A signature image as the services take it (the cleaned PNG and its SHA-256), or None.
SignatureImage = tuple[bytes, str] | None


def stage_reached(stage: str, step: str) -> bool:
    """Whether a build that stops after ``stage`` goes through ``step``."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; one of {STAGES}")
    return STAGES.index(step) <= STAGES.index(stage)


@dataclass
class ElectionPlan:
    """What the officer records, step by step. ``decisions`` is one decision for every child or
    one per child, in order; ``parent_signs`` a ``SignatureMethod`` (``refused``/``unable`` record
    no election, R12, and take ``refusal_reason``). ``signature_image(role)`` draws the image for
    a ``SignatureRole``; it is asked in the order the flow signs: parent, interpreter (not by
    telephone), witness, officer."""

    parent: services.ParentData
    signature_image: Callable[[str], SignatureImage]
    facility: Facility | None = None
    identity_method: str = IdentityMethod.FINGERPRINTS
    identity_document: str = "IDENT fingerprint match"
    children: Sequence[services.ChildData] = ()
    notice_language: str = "es"
    delivery_mode: str = DeliveryMode.PARENT_READ
    interpreter: services.InterpreterData | None = None
    witness: object = None
    decisions: str | Sequence[str] = Decision.REUNIFY
    legal_contact: str = ""
    parent_signs: str = SignatureMethod.DRAWN
    refusal_reason: str = ""
    #: The password the witness and the officer re-enter to sign (R6).
    password: str = field(default="", repr=False)


def election_build(*, actor, plan: ElectionPlan, stage: str = "submitted") -> Election:
    """Walk the officer's flow as ``actor`` up to ``stage``; return the election as the rules
    read it (``selectors.election_queryset_for_rules``)."""

    def reached(step: str) -> bool:
        return stage_reached(stage, step)

    election, _created = services.election_start(actor=actor, parent=plan.parent)
    if reached("parent"):
        services.election_update_parent(
            election=election,
            actor=actor,
            parent=plan.parent,
            facility=plan.facility,
            identity_method=plan.identity_method,
            identity_document=plan.identity_document,
        )
    if reached("children"):
        for data in plan.children:
            services.election_add_child(election=election, actor=actor, data=data)
    if reached("notice"):
        services.election_set_notice(
            election=election,
            actor=actor,
            language=plan.notice_language,
            delivery_mode=plan.delivery_mode,
            interpreter=plan.interpreter,
            witness=plan.witness,
        )
    if reached("shown"):
        services.election_record_notice_shown(election=election, actor=actor)
    if reached("decided"):
        record_decisions(
            election,
            actor=actor,
            decisions=plan.decisions,
            legal_contact=plan.legal_contact,
        )
    if reached("parent_signed"):
        _sign_parent(election, actor, plan)
    if reached("ready"):
        _sign_the_others(election, actor, plan)
    if reached("submitted"):
        workflow.election_submit(election=election, actor=actor)
    return election_queryset_for_rules().get(pk=election.pk)


def record_decisions(election: Election, *, actor, decisions, legal_contact: str = "") -> None:
    """The parent's choices: one decision for every child, or one per child in order; and the
    legal contact given when any child's is a consult (R5)."""
    covered = list(election.covered.order_by("position", "id"))
    if isinstance(decisions, str):
        decisions = [decisions] * len(covered)
    chosen = {item.pk: decision for item, decision in zip(covered, decisions, strict=True)}
    services.election_record_decisions(election=election, actor=actor, decisions=chosen)
    if Decision.CONSULT in chosen.values() and legal_contact:
        services.election_record_legal_contact(election=election, actor=actor, text=legal_contact)


def _sign_parent(election: Election, actor, plan: ElectionPlan) -> None:
    no_election = plan.parent_signs in NO_ELECTION_METHODS
    services.election_sign_parent(
        election=election,
        actor=actor,
        method=plan.parent_signs,
        image=None if no_election else plan.signature_image(SignatureRole.PARENT),
        reason=plan.refusal_reason if no_election else "",
        covers=services.election_consent_digest(election=election),
    )


def _sign_the_others(election: Election, actor, plan: ElectionPlan) -> None:
    if plan.interpreter is not None:
        telephone = plan.delivery_mode == DeliveryMode.INTERPRETER_TELEPHONE
        services.election_sign_interpreter(
            election=election,
            actor=actor,
            image=None if telephone else plan.signature_image(SignatureRole.INTERPRETER),
        )
    for role, user in ((SignatureRole.WITNESS, plan.witness), (SignatureRole.OFFICER, actor)):
        services.election_sign_staff(
            election=election,
            actor=actor,
            role=role,
            signer_username=user.get_username(),
            password=plan.password,
            image=plan.signature_image(role),
        )


# --- plain data read back from what is stored -----------------------------------------------


def parent_data(parent: Parent) -> services.ParentData:
    """The parent step's data for a stored parent (to start a new election for them)."""
    return services.ParentData(
        a_number=parent.a_number,
        full_name=parent.full_name,
        date_of_birth=parent.date_of_birth,
        country_of_citizenship=parent.country_of_citizenship,
        primary_language=parent.primary_language,
    )


def plan_again(election: Election, **changes) -> ElectionPlan:
    """A plan that records ``election`` again, for the same parent and children with the same
    notice and team, with ``changes`` (say new ``decisions``) applied: a parent who changed their
    mind, or who spoke with a lawyer (R9: a new decision is a new election)."""
    parent = election.parent
    links = {link.child_id: link for link in parent.child_links.all()}
    children = []
    for item in election.covered.all():
        child, link = item.child, links[item.child_id]
        children.append(
            services.ChildData(
                full_name=child.full_name,
                date_of_birth=child.date_of_birth,
                a_number=child.a_number,
                location_kind=child.location_kind,
                location_name=child.location_name,
                relationship=link.relationship,
                evidence=link.evidence,
                evidence_note=link.evidence_note,
            )
        )
    interpreter = getattr(election, "interpreter", None)
    values = {
        "parent": parent_data(parent),
        "facility": election.facility,
        "identity_method": election.identity_method,
        "identity_document": election.identity_document,
        "children": children,
        "notice_language": election.notice_language,
        "delivery_mode": election.delivery_mode,
        "interpreter": services.InterpreterData(
            full_name=interpreter.full_name,
            id_or_employer=interpreter.id_or_employer,
            language=interpreter.language,
            operator_id=interpreter.operator_id,
        )
        if interpreter is not None
        else None,
        "witness": election.witness,
        "decisions": [item.decision for item in election.covered.all()],
        "legal_contact": election.legal_contact_given,
    }
    values.update(changes)
    return ElectionPlan(**values)
