"""Hostile sequences (DESIGN.md R6, R7, R9): every role drives the domain functions in any
order, and none of it may change an approved record, approve an incomplete one, or let a person
approve what they presented, witnessed, or signed (interpreting included).

A Hypothesis ``RuleBasedStateMachine`` acts as any of: the presenting officer and the witness
of El Paso, two El Paso supervisors (either of whom may be chosen as a witness, attest a
telephone interpreter, or present an election), an officer and a supervisor of San Antonio, an
auditor, and the case system (registry reports that contradict the record). It calls what the
screens call: ``services`` (every step of the flow, the children step through the officer's
``ChildForm``, staff signatures through the signatures page's save function), ``workflow``
(submit, void, approve, return), ``intake`` (the API's family-unit registration and the
officer's resolution of a discrepancy) and ``staging`` (a parent who changes their mind: a new
election that supersedes the approved one).

Each example starts from the same elections (built once, rolled back after every example):
two awaiting approval, two drafts and one approved. Approvals seal for real (pyHanko), which is
slow, so they are few: an approval that must succeed is made at most ``MAX_APPROVALS`` times per
example; every attempt that must be refused (wrong person, office, status, password, warnings,
attestation, a stale page) is always made. A refusal is a translated ``TransitionError``,
``ValidationError`` or ``PermissionDenied``; anything else (a database constraint firing, a
crash) fails the test.
"""

import functools
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from elections import intake, rules, services, staging, workflow
from elections.constants import Decision, DeliveryMode, Role, SignatureMethod, Status
from elections.models import (
    Election,
    ElectionChild,
    Interpreter,
    RegistryDiscrepancy,
    SealedRecord,
    Signature,
)
from elections.officer.forms import ChildForm
from elections.officer.views import _save_signing_part
from elections.records.sealed_state import election_as_shown
from elections.records.sealing import sealed_pdf_bytes
from elections.selectors import staff_profile_for
from tests.factories import (
    STAFF_PASSWORD,
    ChildDataFactory,
    ElectionFactory,
    FacilityFactory,
    FieldOfficeFactory,
    birthday_years_ago,
    fresh,
    make_auditor,
    make_officer,
    make_supervisor,
)
from tests.factories import signature_image as draw_signature
from tests.supervision import approve

pytestmark = pytest.mark.django_db

PEOPLE = (
    "officer",
    "witness",
    "supervisor",
    "supervisor2",
    "sna-officer",
    "sna-supervisor",
    "auditor",
)
#: What a supervisor gets wrong when approving, or None.
MISTAKES = st.sampled_from([None, "password", "attestation", "warnings", "stale"])
#: Approvals that must succeed are made at most this many times per example (each seals a PDF).
MAX_APPROVALS = 1
#: What the domain answers when it refuses: each says why, in words.
REFUSALS = (workflow.TransitionError, ValidationError, PermissionDenied)


@pytest.fixture
def cast(settings, tmp_path, notices):
    settings.MEDIA_ROOT = tmp_path / "media"
    elp = FieldOfficeFactory(code="ELP", name="El Paso Field Office", time_zone="America/Denver")
    FacilityFactory(office=elp, name="El Paso Service Processing Center")
    sna = FieldOfficeFactory(code="SNA", name="San Antonio Field Office")
    people = {
        "officer": make_officer(elp, username="officer"),
        "witness": make_officer(elp, username="witness"),
        "supervisor": make_supervisor(elp, username="supervisor"),
        "supervisor2": make_supervisor(elp, username="supervisor2"),
        "sna-officer": make_officer(sna, username="sna-officer"),
        "sna-supervisor": make_supervisor(sna, username="sna-supervisor"),
        "auditor": make_auditor(username="auditor"),
    }
    officer, witness = people["officer"], people["witness"]
    supervisor, supervisor2 = people["supervisor"], people["supervisor2"]
    team = {"office": elp}
    elections = [
        # Awaiting approval: presented by the officer, witnessed by the witness.
        ElectionFactory(submitted=True, presented_by=officer, witness=witness, **team),
        # Awaiting approval: witnessed by a supervisor, a telephone interpreter attested.
        ElectionFactory(
            submitted=True,
            presented_by=officer,
            witness=supervisor2,
            language="quc",
            delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE,
            **team,
        ),
        # A draft presented by a supervisor, signed and ready to submit.
        ElectionFactory(stage="ready", presented_by=supervisor2, witness=witness, **team),
        # A draft whose notice is on the parent's screen, nothing chosen yet.
        ElectionFactory(stage="shown", presented_by=officer, witness=supervisor, **team),
    ]
    approved = approve(
        ElectionFactory(submitted=True, presented_by=officer, witness=witness, **team), supervisor
    )
    return people, [e.pk for e in elections], approved.pk


@functools.cache
def signature_image(seed: int):
    return draw_signature(seed)


def record_rows(pk) -> dict:
    """What an approved election holds: its row, children and decisions, signatures,
    interpreter and sealed record (read after every step)."""
    election = Election.objects.get(pk=pk)
    return {
        "election": {
            f.attname: getattr(election, f.attname)
            for f in Election._meta.concrete_fields
            # The one change an approved election may see: superseded by a later approved one.
            if f.attname not in ("status", "superseded_at", "updated_at")
        },
        "children": list(ElectionChild.objects.filter(election_id=pk).order_by("pk").values_list()),
        "signatures": list(Signature.objects.filter(election_id=pk).order_by("pk").values_list()),
        "interpreter": list(Interpreter.objects.filter(election_id=pk).values_list()),
        "sealed": list(SealedRecord.objects.filter(election_id=pk).values_list()),
    }


def record_state(pk) -> dict:
    """``record_rows``, the stored PDF's bytes, and the people as the record shows them (read at
    the end of every example: the PDF and the sealed snapshot are the slow part)."""
    sealed = SealedRecord.objects.get(election_id=pk)
    shown = election_as_shown(fresh(Election.objects.get(pk=pk)))
    links = {link.child_id: link for link in shown.parent.child_links.all()}
    return {
        **record_rows(pk),
        "pdf": hashlib.sha256(sealed_pdf_bytes(sealed)).hexdigest(),
        "shown": (
            shown.parent.a_number,
            shown.parent.full_name,
            shown.parent.date_of_birth,
            [
                (
                    item.child.a_number,
                    item.child.full_name,
                    item.child.date_of_birth,
                    item.decision,
                    getattr(links.get(item.child_id), "relationship", None),
                )
                for item in shown.covered.all()
            ],
        ),
    }


def conflict_of(election: Election, user) -> bool:
    """Whether ``user`` presented, witnessed or signed (interpreting included) ``election``."""
    signers = set(Signature.objects.filter(election=election).values_list("signer_id", flat=True))
    return user.pk in {election.presented_by_id, election.witness_id} | signers


def make_machine(people, start_pks, approved_pk):
    class HostileSequences(RuleBasedStateMachine):
        elections = Bundle("elections")

        def __init__(self):
            super().__init__()
            # Every example starts from the same records and leaves nothing behind.
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            self.approved: dict = {approved_pk: record_state(approved_pk)}
            self.replacements = 0
            self.approvals = 0
            self.children_added = 0

        def teardown(self):
            try:
                for pk, state in self.approved.items():
                    assert record_state(pk) == state, f"approved election {pk} changed"
            finally:
                transaction.set_rollback(True)
                self._atomic.__exit__(None, None, None)

        @initialize(target=elections)
        def the_elections_of_el_paso(self):
            return multiple(*start_pks, approved_pk)

        # --- the officer's flow (services) -------------------------------------------------

        @rule(who=st.sampled_from(PEOPLE), pk=elections, rename=st.booleans())
        def correct_the_parent(self, who, pk, rename):
            election = fresh(Election.objects.get(pk=pk))
            data = services.parent_data_of(election.parent)
            if rename:
                data.full_name = data.full_name + " Corregido"
            facility = election.facility or FacilityFactory(office=election.office)
            self.attempt(
                services.election_update_parent,
                election=election,
                actor=people[who],
                parent=data,
                facility=facility,
                identity_method=election.identity_method or "fingerprints",
                identity_document=election.identity_document or "IDENT fingerprint match",
            )

        @rule(who=st.sampled_from(PEOPLE), pk=elections)
        def add_a_child_through_the_form(self, who, pk):
            self.children_added += 1
            data = ChildDataFactory()
            form = ChildForm(
                {
                    "full_name": data.full_name,
                    "date_of_birth": data.date_of_birth.isoformat(),
                    "a_number": f"A2419{self.children_added:05d}",
                    "location_kind": data.location_kind,
                    "location_name": data.location_name,
                    "relationship": data.relationship,
                    "evidence": data.evidence,
                    "evidence_note": data.evidence_note,
                }
            )
            assert form.is_valid(), form.errors
            self.attempt(
                services.election_add_child,
                election=Election.objects.get(pk=pk),
                actor=people[who],
                data=form.child_data(),
            )

        @rule(who=st.sampled_from(PEOPLE), pk=elections)
        def remove_a_child(self, who, pk):
            item = ElectionChild.objects.filter(election_id=pk).order_by("-pk").first()
            if item is not None:
                self.attempt(
                    services.election_remove_child,
                    election=Election.objects.get(pk=pk),
                    actor=people[who],
                    item_id=item.pk,
                )

        @rule(
            who=st.sampled_from(PEOPLE),
            pk=elections,
            witness=st.sampled_from(PEOPLE),
            telephone=st.booleans(),
        )
        def choose_notice_and_witness(self, who, pk, witness, telephone):
            election = fresh(Election.objects.get(pk=pk))
            language = election.notice_language or "es"
            interpreter = None
            mode = DeliveryMode.PARENT_READ
            if telephone:
                mode = DeliveryMode.INTERPRETER_TELEPHONE
                interpreter = services.InterpreterData(
                    full_name="Lucía Ixcoy Tambriz",
                    id_or_employer="Language services contractor, badge 40211",
                    language=election.parent.primary_language,
                    operator_id="OP-77310",
                )
            elif election.parent.primary_language != language:
                mode = DeliveryMode.INTERPRETER_IN_PERSON
                interpreter = services.InterpreterData(
                    full_name="Lucía Ixcoy Tambriz",
                    id_or_employer="Language services contractor, badge 40211",
                    language=election.parent.primary_language,
                    operator_id="",
                )
            self.attempt(
                services.election_set_notice,
                election=election,
                actor=people[who],
                language=language,
                delivery_mode=mode,
                interpreter=interpreter,
                witness=people[witness],
            )

        @rule(who=st.sampled_from(PEOPLE), pk=elections)
        def show_the_notice(self, who, pk):
            self.attempt(
                services.election_record_notice_shown,
                election=Election.objects.get(pk=pk),
                actor=people[who],
            )

        @rule(who=st.sampled_from(PEOPLE), pk=elections, decision=st.sampled_from(Decision))
        def the_parent_chooses(self, who, pk, decision):
            election = Election.objects.get(pk=pk)
            chosen = {item.pk: decision for item in election.covered.all()}
            self.attempt(
                services.election_record_decisions,
                election=election,
                actor=people[who],
                decisions=chosen,
            )
            self.attempt(
                services.election_record_legal_contact,
                election=election,
                actor=people[who],
                text="Las Americas Immigrant Advocacy Center, 915-544-5126",
            )

        @rule(
            who=st.sampled_from(PEOPLE),
            pk=elections,
            method=st.sampled_from([SignatureMethod.DRAWN, SignatureMethod.REFUSED]),
            stale=st.booleans(),
        )
        def the_parent_signs(self, who, pk, method, stale):
            election = Election.objects.get(pk=pk)
            covers = "0" * 64 if stale else services.election_consent_digest(election=election)
            self.attempt(
                services.election_sign_parent,
                election=election,
                actor=people[who],
                method=method,
                image=signature_image(1) if method == SignatureMethod.DRAWN else None,
                reason="The parent will not sign without a lawyer.",
                covers=covers,
            )

        @rule(who=st.sampled_from(PEOPLE), pk=elections)
        def the_interpreter_attests(self, who, pk):
            self.attempt(
                services.election_sign_interpreter,
                election=Election.objects.get(pk=pk),
                actor=people[who],
                image=signature_image(2),
            )

        @rule(
            who=st.sampled_from(PEOPLE),
            pk=elections,
            part=st.sampled_from(["witness", "officer"]),
            signer=st.sampled_from(PEOPLE),
            right_password=st.booleans(),
        )
        def staff_sign_on_the_signatures_page(self, who, pk, part, signer, right_password):
            election = fresh(Election.objects.get(pk=pk))
            data = {
                "username": people[signer].get_username(),
                "password": STAFF_PASSWORD if right_password else "not-the-password",
                "signature": signature_image(3),
            }
            self.attempt(_save_signing_part, election, actor=people[who], part=part, data=data)

        # --- the case system and the officer's answer (intake) -----------------------------

        @rule(who=st.sampled_from(PEOPLE), pk=elections, accept=st.booleans())
        def the_case_system_reports_another_birth_date(self, who, pk, accept):
            parent = Election.objects.get(pk=pk).parent
            self.attempt(
                intake.register_family_unit,
                data=intake.FamilyUnitData(
                    a_number=parent.a_number,
                    full_name=parent.full_name,
                    date_of_birth=birthday_years_ago(44),
                    country_of_citizenship=parent.country_of_citizenship,
                    primary_language=parent.primary_language,
                    children=[
                        intake.ChildUnitData(
                            a_number=link.child.a_number or "A241999999",
                            full_name=link.child.full_name + " Segundo",
                            date_of_birth=link.child.date_of_birth,
                            location_kind=link.child.location_kind,
                            location_name=link.child.location_name,
                            relationship=link.relationship,
                            evidence=link.evidence,
                        )
                        for link in parent.child_links.select_related("child")[:1]
                    ],
                    office_code="ELP",
                ),
                source="import",
            )
            for discrepancy in RegistryDiscrepancy.objects.filter(
                parent=parent, resolved_at__isnull=True
            ):
                self.attempt(
                    intake.discrepancy_resolve,
                    discrepancy=discrepancy,
                    actor=people[who],
                    accept=accept,
                )

        # --- the workflow ------------------------------------------------------------------

        @rule(who=st.sampled_from(PEOPLE), pk=elections)
        def submit(self, who, pk):
            self.attempt(
                workflow.election_submit, election=Election.objects.get(pk=pk), actor=people[who]
            )

        @rule(who=st.sampled_from(PEOPLE), pk=elections)
        def void(self, who, pk):
            self.attempt(
                workflow.election_void,
                election=Election.objects.get(pk=pk),
                actor=people[who],
                reason="Started for the wrong parent.",
            )

        @rule(who=st.sampled_from(PEOPLE), pk=elections, mistake=MISTAKES)
        def anyone_approves(self, who, pk, mistake):
            self.try_to_approve(who, pk, mistake)

        @rule(who=st.sampled_from(["supervisor", "supervisor2"]), pk=elections)
        def a_supervisor_of_the_office_approves_with_every_part_right(self, who, pk):
            self.try_to_approve(who, pk, None)

        def try_to_approve(self, who, pk, mistake):
            actor = people[who]
            election = fresh(Election.objects.get(pk=pk))
            before = election.status
            problems = rules.submission_problems(election)
            conflicted = conflict_of(election, actor)
            profile = staff_profile_for(user=actor)
            entitled = (
                profile is not None
                and profile.role == Role.SUPERVISOR
                and profile.office_id == election.office_id
            )
            if (
                self.approvals >= MAX_APPROVALS
                and mistake is None
                and entitled
                and before == Status.SUBMITTED
                and not (problems or conflicted)
            ):
                return  # an approval that must succeed: sealing is slow, one per example is enough
            token = workflow.review_token(election)
            changed = False
            if mistake == "stale":
                # Between the supervisor's look and the decision, another supervisor returns it
                # and the officer resubmits it.
                other = people["supervisor2" if who == "supervisor" else "supervisor"]
                returned = self.attempt(
                    workflow.election_return,
                    election=election,
                    actor=other,
                    reason="Check the children's dates of birth.",
                )
                resubmitted = returned and self.attempt(
                    workflow.election_submit, election=election, actor=election.presented_by
                )
                changed = bool(returned)
                if resubmitted:
                    event("stale page")
            approved = self.attempt(
                workflow.election_approve,
                election=election,
                actor=actor,
                password="not-the-password" if mistake == "password" else STAFF_PASSWORD,
                attestation_confirmed=mistake != "attestation",
                acknowledged_warnings=[]
                if mistake == "warnings"
                else [w.code for w in rules.warnings(election)],
                seen_token=token,
            )
            if approved is None:
                return
            self.approvals += 1
            event("approved")
            assert before == Status.SUBMITTED, f"approved from {before}"
            assert not problems, f"approved although incomplete: {problems}"
            assert not conflicted, f"{who} approved what they presented, witnessed or signed"
            assert entitled, f"{who} approved an election of {election.office}"
            assert mistake in (None, "stale") or (
                mistake == "warnings" and not rules.warnings(election)
            )
            assert not changed, "approved on a page that was no longer current"
            self.approved[pk] = record_state(pk)

        @rule(who=st.sampled_from(PEOPLE), pk=elections, stale=st.booleans())
        def return_to_the_officer(self, who, pk, stale):
            actor = people[who]
            election = fresh(Election.objects.get(pk=pk))
            conflicted = conflict_of(election, actor)
            token = "stale" if stale else workflow.review_token(election)
            returned = self.attempt(
                workflow.election_return,
                election=election,
                actor=actor,
                reason="The witness signed in the wrong box.",
                seen_token=token,
            )
            if returned is not None:
                assert not conflicted, f"{who} returned what they presented, witnessed or signed"
                assert not stale

        @precondition(lambda self: self.replacements < 1)
        @rule(target=elections, pk=elections, decision=st.sampled_from(Decision))
        def the_parent_changes_their_mind(self, pk, decision):
            """A new election for the parent of an approved one, walked to submission by its
            presenting officer: approved, it supersedes the old one (R9)."""
            election = fresh(Election.objects.get(pk=pk))
            if election.status != Status.APPROVED:
                return multiple()
            self.replacements += 1
            plan = staging.plan_again(
                election,
                decisions=decision,
                legal_contact="Las Americas Immigrant Advocacy Center, 915-544-5126",
                password=STAFF_PASSWORD,
                signature_image=lambda role: signature_image(4),
            )
            replacement = staging.election_build(
                actor=election.presented_by, plan=plan, stage="submitted"
            )
            assert replacement.supersedes_id == election.pk
            return replacement.pk

        # --- what must hold after every step -----------------------------------------------

        def attempt(self, function, *args, **kwargs):
            """Call a domain function; a refusal (in words) is an answer, anything else fails."""
            try:
                with transaction.atomic():
                    return function(*args, **kwargs)
            except REFUSALS:
                return None

        @invariant()
        def no_approved_record_changes(self):
            for pk, state in self.approved.items():
                status = Election.objects.filter(pk=pk).values_list("status", flat=True).get()
                assert status in (Status.APPROVED, Status.SUPERSEDED), status
                rows = record_rows(pk)
                assert rows == {k: state[k] for k in rows}, f"approved election {pk} changed"

        @invariant()
        def nobody_approved_what_they_took_part_in(self):
            for election in Election.objects.filter(approved_by__isnull=False):
                assert not conflict_of(election, election.approved_by), election.reference
                profile = staff_profile_for(user=election.approved_by)
                assert profile.role == Role.SUPERVISOR
                assert profile.office_id == election.office_id
                assert SealedRecord.objects.filter(election=election).exists()

        @invariant()
        def a_superseded_election_has_an_approved_replacement(self):
            for election in Election.objects.filter(status=Status.SUPERSEDED):
                replacement = Election.objects.get(supersedes=election)
                assert replacement.status in (Status.APPROVED, Status.SUPERSEDED)

    return HostileSequences


def test_no_sequence_of_actions_by_any_role_breaks_an_approved_or_independent_record(cast):
    people, start_pks, approved_pk = cast
    machine = make_machine(people, start_pks, approved_pk)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=50,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
