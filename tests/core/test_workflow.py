"""Transitions (DESIGN.md §4): who may make them, from which state, and the history they leave."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from elections import services, workflow
from elections.constants import DeliveryMode, SignatureRole, Status
from elections.models import (
    Child,
    Election,
    ElectionChild,
    Interpreter,
    Parent,
    ParentChild,
    Signature,
)
from elections.templatetags.formsvc import local_time
from elections.workflow import RulesNotMet, TransitionError
from tests.factories import (
    ElectionFactory,
    FieldOfficeFactory,
    UserFactory,
    fresh,
    make_auditor,
    make_officer,
    make_supervisor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def make(office, officer, witness):
    def make(**kwargs):
        return ElectionFactory(office=office, presented_by=officer, witness=witness, **kwargs)

    return make


# --- submit -----------------------------------------------------------------------------------


def test_a_complete_draft_is_submitted(make, officer):
    election = make(ready=True)
    assert election.status == Status.DRAFT
    submitted = workflow.election_submit(election=election, actor=officer)
    stored = Election.objects.get(pk=election.pk)
    assert submitted.status == stored.status == Status.SUBMITTED
    assert stored.submitted_by == officer
    assert stored.submitted_at is not None
    assert stored.is_editable is False


def test_the_submitted_trait_goes_through_the_workflow(make, officer):
    election = make(submitted=True)
    assert election.status == Status.SUBMITTED
    last = election.history.order_by("history_date").last()
    assert (last.history_change_reason, last.history_user) == ("submitted for approval", officer)


@pytest.mark.parametrize("stage", ["started", "children", "shown", "parent_signed"])
def test_an_incomplete_draft_is_not_submitted_and_the_problems_are_listed(make, officer, stage):
    election = make(stage=stage)
    with pytest.raises(RulesNotMet) as caught:
        workflow.election_submit(election=election, actor=officer)
    assert caught.value.problems
    assert all(problem.message for problem in caught.value.problems)
    stored = Election.objects.get(pk=election.pk)
    assert (stored.status, stored.submitted_at) == (Status.DRAFT, None)


def test_a_second_submit_of_the_same_election_is_refused_and_there_is_still_one_record(
    make, officer
):
    election = make(ready=True)
    workflow.election_submit(election=election, actor=officer)
    with pytest.raises(TransitionError) as caught:
        # The stale object still says draft: the row lock re-reads the status.
        workflow.election_submit(election=election, actor=officer)
    assert "already submitted" in str(caught.value)
    assert Election.objects.filter(parent=election.parent).count() == 1
    submits = election.history.filter(history_change_reason="submitted for approval")
    assert submits.count() == 1


def test_a_supervisor_of_the_office_may_submit(make, office):
    election = make(ready=True)
    supervisor = make_supervisor(office)
    workflow.election_submit(election=election, actor=supervisor)
    assert Election.objects.get(pk=election.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("who", ["officer_of_another_office", "auditor", "no_profile"])
def test_only_staff_of_the_office_who_edit_may_submit(make, who):
    election = make(ready=True)
    actor = {
        "officer_of_another_office": lambda: make_officer(FieldOfficeFactory()),
        "auditor": make_auditor,
        "no_profile": UserFactory,
    }[who]()
    with pytest.raises(TransitionError):
        workflow.election_submit(election=election, actor=actor)
    stored = Election.objects.get(pk=election.pk)
    assert (stored.status, stored.submitted_by) == (Status.DRAFT, None)


# --- void -------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_void_needs_a_reason(make, officer, reason):
    election = make(stage="children")
    with pytest.raises(TransitionError):
        workflow.election_void(election=election, actor=officer, reason=reason)
    assert Election.objects.get(pk=election.pk).status == Status.DRAFT


def test_a_draft_is_voided_with_its_reason(make, officer):
    election = make(stage="children")
    workflow.election_void(election=election, actor=officer, reason="  Wrong parent selected. ")
    stored = Election.objects.get(pk=election.pk)
    assert stored.status == Status.VOID
    assert stored.void_reason == "Wrong parent selected."
    assert stored.voided_by == officer
    assert stored.is_locked
    last = stored.history.order_by("history_date").last()
    assert last.history_change_reason == "voided: Wrong parent selected."
    assert last.history_user == officer


def test_a_submitted_election_cannot_be_voided_and_the_officer_is_told_who_submitted_it(
    make, officer
):
    election = make(submitted=True)
    with pytest.raises(TransitionError) as caught:
        workflow.election_void(election=election, actor=officer, reason="Changed my mind")
    stored = Election.objects.get(pk=election.pk)
    assert stored.status == Status.SUBMITTED
    assert caught.value.message == (
        "This election was already submitted by Laura Benítez on "
        f"{local_time(stored.submitted_at, 'America/Denver')}."
    )


def test_a_void_election_cannot_be_submitted_and_the_officer_is_told_who_voided_it(make, officer):
    election = make(ready=True)
    workflow.election_void(election=election, actor=officer, reason="Duplicate record")
    with pytest.raises(TransitionError) as caught:
        workflow.election_submit(election=election, actor=officer)
    stored = Election.objects.get(pk=election.pk)
    assert stored.status == Status.VOID
    assert caught.value.message == (
        f"This election was voided by Laura Benítez on {local_time(stored.voided_at, 'America/Denver')}."
    )


@pytest.mark.parametrize("who", ["officer_of_another_office", "auditor"])
def test_only_staff_of_the_office_may_void(make, who):
    election = make(stage="children")
    actor = make_officer(FieldOfficeFactory()) if who != "auditor" else make_auditor()
    with pytest.raises(TransitionError):
        workflow.election_void(election=election, actor=actor, reason="Not mine")
    assert Election.objects.get(pk=election.pk).status == Status.DRAFT


# --- history ----------------------------------------------------------------------------------


def reasons(model, **filters) -> set[str]:
    return set(model.history.filter(**filters).values_list("history_change_reason", flat=True))


def test_every_step_and_transition_is_in_the_history_with_who_and_why(make, officer):
    election = make(submitted=True, language="mam")
    assert election.delivery_mode == DeliveryMode.INTERPRETER_IN_PERSON
    item = election.covered.get()

    assert {
        "election started",
        "parent identity verified",
        "notice, delivery and witness chosen",
        "notice shown to the parent",
        "submitted for approval",
    } <= reasons(Election, id=election.pk)
    assert reasons(Parent, id=election.parent_id) == {"parent recorded"}
    assert reasons(Child, id=item.child_id) == {"child recorded"}
    assert reasons(ParentChild, parent_id=election.parent_id) == {"relationship to parent recorded"}
    assert {"child added to election", "parent chose reunify"} <= reasons(ElectionChild, id=item.pk)
    assert reasons(Interpreter, election_id=election.pk) == {"interpreter recorded"}
    assert reasons(Signature, election_id=election.pk) == {
        "parent signature: drawn",
        "interpreter attestation",
        "witness signed with password",
        "officer signed with password",
    }

    histories = [
        Election.history.filter(id=election.pk),
        Parent.history.filter(id=election.parent_id),
        Child.history.filter(id=item.child_id),
        ParentChild.history.filter(parent_id=election.parent_id),
        ElectionChild.history.filter(election_id=election.pk),
        Interpreter.history.filter(election_id=election.pk),
        Signature.history.filter(election_id=election.pk),
    ]
    for history in histories:
        for entry in history:
            # All on the officer's tablet; the witness's signature is recorded under the witness
            # who re-entered their password, everything else under the officer.
            assert entry.history_session_user == officer, entry
            witnessing = getattr(entry, "role", None) == SignatureRole.WITNESS
            assert entry.history_user == (election.witness if witnessing else officer), entry
            assert entry.history_change_reason, entry


def test_a_transition_is_one_history_entry_recording_old_and_new_status(make, officer):
    election = make(ready=True)
    before = election.history.count()
    workflow.election_submit(election=election, actor=officer)
    entries = list(election.history.order_by("-history_date")[:2])
    assert election.history.count() == before + 1
    new, old = entries
    assert (old.status, new.status) == (Status.DRAFT, Status.SUBMITTED)
    assert new.history_user == officer
    assert new.submitted_at is not None


def test_a_refused_transition_leaves_no_history(make):
    election = make(ready=True)
    before = election.history.count()
    with pytest.raises(TransitionError):
        workflow.election_submit(election=election, actor=make_auditor())
    assert election.history.count() == before


def test_the_history_of_a_changed_choice_shows_both_choices(make, officer):
    election = make(stage="decided")
    item = fresh(election).covered.get()
    services.election_record_decisions(
        election=election, actor=officer, decisions={item.pk: "consult"}
    )
    chosen = list(
        ElectionChild.history.filter(id=item.pk)
        .exclude(decision=None)
        .order_by("history_date")
        .values_list("decision", flat=True)
    )
    assert chosen == ["reunify", "consult"]


# --- one way to change state ------------------------------------------------------------------


def test_nothing_outside_workflow_assigns_the_status():
    """§4: the transitions in workflow.py are the only way status changes."""
    assignment = re.compile(
        r"\.status\s*=(?!=)"  # election.status = ...
        r"|\.update\([^)]*\bstatus\s*="  # queryset.update(status=...)
        r"|setattr\([^,]+,\s*[\"']status[\"']"  # setattr(election, "status", ...)
    )
    root = Path(django_settings.BASE_DIR)
    offenders = []
    for path in sorted((root / "elections").rglob("*.py")):
        if path.name == "workflow.py" or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if assignment.search(line.split("#", 1)[0]):
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []
