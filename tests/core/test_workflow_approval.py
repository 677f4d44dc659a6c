"""Supervisor sign-off in workflow.py: approve, return, supersede (R7, R9, R13)."""

import logging
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from elections import selectors, services, workflow
from elections.constants import (
    Decision,
    DeliveryMode,
    RelationshipEvidence,
    SignatureMethod,
    Status,
)
from elections.models import ApprovalAttempt, Election
from elections.templatetags.formsvc import local_time
from tests.factories import (
    STAFF_PASSWORD,
    ChildDataFactory,
    ElectionFactory,
    fresh,
    make_auditor,
    make_officer,
    make_supervisor,
    snapshot,
)
from tests.supervision import approve, give_parent_time, submitted, warning_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor2(office):
    return make_supervisor(office, username="supervisor2", first_name="Tomás", last_name="Ruiz")


@pytest.fixture
def election(officer, witness, notices):
    return submitted(officer=officer, witness=witness)


def approve_kwargs(election, supervisor, **overrides):
    return {
        "election": election,
        "actor": supervisor,
        "password": STAFF_PASSWORD,
        "attestation_confirmed": True,
        "acknowledged_warnings": warning_codes(election),
        **overrides,
    }


# --- approve ------------------------------------------------------------------------------------


def test_a_supervisor_approves_a_submitted_election_and_it_is_stamped(election, supervisor):
    approved = approve(election, supervisor)

    assert approved.status == Status.APPROVED
    assert approved.approved_by == supervisor
    assert approved.approved_at is not None
    assert approved.approval_attestation == str(workflow.APPROVAL_ATTESTATION)
    assert approved.acknowledged_warnings == [
        {
            "rule": "R13",
            "code": "fast_decision",
            "message": "The parent decided 0 minutes after the notice; the minimum is 30.",
        }
    ]
    last = approved.history.order_by("-history_date").first()
    assert last.history_change_reason == "approved"
    assert last.history_user == supervisor
    assert ApprovalAttempt.objects.count() == 0


def test_the_attestation_and_warnings_are_stored_in_english_whatever_the_page_language(
    election, supervisor
):
    from django.utils import translation

    with translation.override("es"):
        approved = approve(election, supervisor)
    assert approved.approval_attestation.startswith("I have reviewed this record in full.")
    assert approved.acknowledged_warnings[0]["message"].startswith("The parent decided")


def test_approval_without_the_password_is_refused_recorded_and_logged(election, supervisor, caplog):
    before = snapshot(election)
    with caplog.at_level(logging.WARNING, logger="formsvc"):
        with pytest.raises(workflow.PasswordNotConfirmed, match="Re-enter your password"):
            workflow.election_approve(**approve_kwargs(election, supervisor, password=""))

    assert snapshot(election) == before
    attempt = ApprovalAttempt.objects.get()
    assert (attempt.election, attempt.actor, attempt.outcome) == (
        fresh(election),
        supervisor,
        ApprovalAttempt.Outcome.NO_PASSWORD,
    )
    assert f"approval refused: no_password; election {election.reference}" in caplog.text


def test_approval_with_a_wrong_password_is_refused_recorded_and_logged(
    election, supervisor, caplog
):
    before = snapshot(election)
    with caplog.at_level(logging.WARNING, logger="formsvc"):
        with pytest.raises(workflow.PasswordNotConfirmed, match="not correct"):
            workflow.election_approve(
                **approve_kwargs(election, supervisor, password="not-my-password")
            )

    assert snapshot(election) == before
    assert ApprovalAttempt.objects.get().outcome == ApprovalAttempt.Outcome.WRONG_PASSWORD
    assert "approval refused: wrong_password" in caplog.text
    assert "supervisor supervisor" in caplog.text


def test_the_refused_attempt_stays_recorded_when_the_caller_rolls_back(election, supervisor):
    with pytest.raises(workflow.PasswordNotConfirmed):
        workflow.election_approve(**approve_kwargs(election, supervisor, password="wrong"))
    # Nothing the approval did survives, but the attempt does.
    assert ApprovalAttempt.objects.filter(actor=supervisor).count() == 1


@override_settings(AXES_FAILURE_LIMIT=3)
def test_after_repeated_wrong_passwords_approval_is_locked_even_with_the_right_one(
    election, supervisor
):
    for _ in range(3):
        with pytest.raises(workflow.PasswordNotConfirmed):
            workflow.election_approve(**approve_kwargs(election, supervisor, password="wrong"))
    with pytest.raises(workflow.PasswordNotConfirmed, match="Too many wrong passwords"):
        workflow.election_approve(**approve_kwargs(election, supervisor))

    assert fresh(election).status == Status.SUBMITTED
    assert list(
        ApprovalAttempt.objects.order_by("attempted_at", "id").values_list("outcome", flat=True)
    ) == ["wrong_password"] * 3 + ["throttled"]


def test_approval_without_confirming_the_attestation_is_refused(election, supervisor):
    before = snapshot(election)
    with pytest.raises(workflow.TransitionError, match="Confirm the attestation"):
        workflow.election_approve(
            **approve_kwargs(election, supervisor, attestation_confirmed=False)
        )
    assert snapshot(election) == before


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({}, "fast_decision"),
        (
            {"language": "quc", "delivery_mode": DeliveryMode.INTERPRETER_TELEPHONE},
            "telephone_interpreter",
        ),
        (
            {"children": [ChildDataFactory.build(evidence=RelationshipEvidence.NOT_VERIFIED)]},
            "relationship_unverified",
        ),
        (
            {"parent_signs": SignatureMethod.REFUSED},
            "no_election",
        ),
    ],
    ids=["fast-decision", "telephone-interpreter", "relationship-not-verified", "no-signature"],
)
def test_each_warning_must_be_acknowledged_explicitly_before_approval(
    officer, witness, supervisor, notices, options, code
):
    election = submitted(officer=officer, witness=witness, **options)
    if code != "fast_decision":
        election = give_parent_time(election)
    assert warning_codes(election) == [code]
    before = snapshot(election)

    with pytest.raises(workflow.TransitionError, match="Acknowledge each warning"):
        workflow.election_approve(**approve_kwargs(election, supervisor, acknowledged_warnings=[]))
    with pytest.raises(workflow.TransitionError, match="Acknowledge each warning"):
        workflow.election_approve(
            **approve_kwargs(election, supervisor, acknowledged_warnings=["something_else"])
        )
    assert snapshot(election) == before

    approved = approve(election, supervisor, acknowledged_warnings=[code])
    assert approved.status == Status.APPROVED
    assert [w["code"] for w in approved.acknowledged_warnings] == [code]


def test_an_election_given_time_to_decide_has_no_warning_to_acknowledge(election, supervisor):
    election = give_parent_time(election, minutes=31)
    assert warning_codes(election) == []
    approved = approve(election, supervisor, acknowledged_warnings=[])
    assert approved.acknowledged_warnings == []


@pytest.mark.parametrize("stage", ["started", "ready"])
def test_approving_a_draft_is_refused_with_a_clear_message_and_no_change(
    officer, witness, supervisor, notices, stage
):
    election = ElectionFactory(
        stage=stage, office=officer.staff.office, presented_by=officer, witness=witness
    )
    before = snapshot(election)
    with pytest.raises(workflow.TransitionError, match="this one is draft"):
        workflow.election_approve(**approve_kwargs(election, supervisor))
    with pytest.raises(workflow.TransitionError, match="this one is draft"):
        workflow.election_return(election=election, actor=supervisor, reason="Check it")
    assert snapshot(election) == before


def test_approving_an_approved_election_again_says_who_approved_it_and_when(
    election, supervisor, supervisor2
):
    approved_at = approve(election, supervisor).approved_at
    before = snapshot(election)
    with pytest.raises(workflow.StaleReview) as refused:
        workflow.election_approve(**approve_kwargs(election, supervisor2))
    # In the office's time zone, with its offset, as the record prints it.
    assert refused.value.message == (
        "This election was already approved by Diane Okafor on "
        f"{local_time(approved_at, 'America/Denver')}."
    )
    with pytest.raises(workflow.StaleReview, match="already approved by Diane Okafor"):
        workflow.election_return(election=election, actor=supervisor2, reason="Too late")
    assert snapshot(election) == before


def test_a_supervisor_reading_in_spanish_is_told_in_spanish_who_approved_and_when(
    election, supervisor, supervisor2
):
    approved_at = approve(election, supervisor).approved_at
    with translation.override("es"), pytest.raises(workflow.StaleReview) as refused:
        workflow.election_approve(**approve_kwargs(election, supervisor2))
    when = local_time(approved_at, "America/Denver", "es")
    assert refused.value.message == f"Esta elección ya fue aprobada por Diane Okafor el {when}."
    assert " de 20" in when  # the date in Spanish words: "1 de diciembre de 2026, 09:23 ..."


def test_approving_a_returned_election_says_who_returned_it(election, supervisor, supervisor2):
    workflow.election_return(election=election, actor=supervisor, reason="Add the facility")
    before = snapshot(election)
    with pytest.raises(workflow.StaleReview, match="returned to the officer by Diane Okafor"):
        workflow.election_approve(**approve_kwargs(election, supervisor2))
    assert snapshot(election) == before


def test_a_decision_on_a_stale_review_page_is_refused_and_says_what_changed(
    election, officer, supervisor, supervisor2
):
    seen = workflow.review_token(fresh(election))
    # Between opening the page and deciding: returned by another supervisor, corrected and
    # submitted again. The status is the same; the record is not.
    workflow.election_return(election=election, actor=supervisor2, reason="Sign again")
    workflow.election_submit(election=election, actor=officer)
    before = snapshot(election)

    with pytest.raises(workflow.StaleReview, match="changed after you opened it") as refused:
        workflow.election_approve(**approve_kwargs(election, supervisor, seen_token=seen))
    assert "resubmitted after correction" in refused.value.message
    assert "Laura Benítez" in refused.value.message
    with pytest.raises(workflow.StaleReview):
        workflow.election_return(
            election=election, actor=supervisor, reason="Again", seen_token=seen
        )
    assert snapshot(election) == before

    current = workflow.review_token(fresh(election))
    assert approve(election, supervisor, seen_token=current).status == Status.APPROVED


def test_a_record_that_no_longer_meets_the_rules_cannot_be_approved(election, supervisor):
    # A child who turned 18 since submission: R2 fails at approval as at submission.
    item = fresh(election).covered.get()
    child = item.child
    type(child).objects.filter(pk=child.pk).update(
        date_of_birth=child.date_of_birth.replace(year=child.date_of_birth.year - 15)
    )
    with pytest.raises(workflow.RulesNotMet) as refused:
        workflow.election_approve(**approve_kwargs(election, supervisor))
    assert ("R2", "not_minor") in {(p.rule, p.code) for p in refused.value.problems}
    assert fresh(election).status == Status.SUBMITTED


# --- separation of duties and office -------------------------------------------------------------


def test_a_supervisor_cannot_approve_or_return_an_election_they_presented(
    office, witness, supervisor, notices
):
    election = submitted(officer=supervisor, witness=witness)
    before = snapshot(election)
    with pytest.raises(workflow.TransitionError, match="another supervisor must review it"):
        workflow.election_approve(**approve_kwargs(election, supervisor))
    with pytest.raises(workflow.TransitionError, match="another supervisor must review it"):
        workflow.election_return(election=election, actor=supervisor, reason="Mine")
    assert snapshot(election) == before


def test_a_supervisor_cannot_approve_or_return_an_election_they_witnessed(
    officer, supervisor, notices
):
    election = submitted(officer=officer, witness=supervisor)
    before = snapshot(election)
    with pytest.raises(workflow.TransitionError, match="another supervisor must review it"):
        workflow.election_approve(**approve_kwargs(election, supervisor))
    with pytest.raises(workflow.TransitionError, match="another supervisor must review it"):
        workflow.election_return(election=election, actor=supervisor, reason="I saw it")
    assert snapshot(election) == before


def test_the_database_refuses_an_approver_or_returner_who_presented_or_witnessed(
    election, officer, witness
):
    for column, user in (
        ("approved_by", officer),
        ("approved_by", witness),
        ("returned_by", officer),
        ("returned_by", witness),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Election.objects.filter(pk=election.pk).update(**{column: user})


def test_a_supervisor_of_another_office_cannot_approve_or_return(election):
    elsewhere = make_supervisor(username="elsewhere")
    before = snapshot(election)
    with pytest.raises(workflow.TransitionError, match="not allowed"):
        workflow.election_approve(**approve_kwargs(election, elsewhere))
    with pytest.raises(workflow.TransitionError, match="not allowed"):
        workflow.election_return(election=election, actor=elsewhere, reason="Not mine")
    assert snapshot(election) == before
    # Refused before the password is even looked at: nothing to record.
    assert ApprovalAttempt.objects.count() == 0


@pytest.mark.parametrize("role", ["officer", "auditor", "superuser"])
def test_only_supervisors_approve_or_return(election, office, role, django_user_model):
    if role == "officer":
        actor = make_officer(office, username="another-officer")
    elif role == "auditor":
        actor = make_auditor(username="auditor")
    else:
        actor = django_user_model.objects.create_superuser("root", password=STAFF_PASSWORD)
    before = snapshot(election)
    with pytest.raises(workflow.TransitionError, match="not allowed"):
        workflow.election_approve(**approve_kwargs(election, actor))
    with pytest.raises(workflow.TransitionError, match="not allowed"):
        workflow.election_return(election=election, actor=actor, reason="No")
    assert snapshot(election) == before


# --- return, correct, resubmit ------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_return_without_a_reason_is_refused(election, supervisor, reason):
    before = snapshot(election)
    with pytest.raises(workflow.TransitionError, match="Give the reason"):
        workflow.election_return(election=election, actor=supervisor, reason=reason)
    assert snapshot(election) == before


def test_a_returned_election_shows_the_reason_to_the_officer_who_corrects_and_resubmits(
    client, election, officer, supervisor, supervisor2
):
    reason = "The identity document is not named. Write which document was checked."
    returned = workflow.election_return(election=election, actor=supervisor, reason=reason)
    assert (returned.status, returned.returned_by, returned.return_reason) == (
        Status.RETURNED,
        supervisor,
        reason,
    )

    client.force_login(officer)
    home = client.get(reverse("elections:home")).content.decode()
    assert "Returned by the supervisor:" in home
    assert "The identity document is not named." in home

    # The officer corrects through the flow and submits again.
    election = fresh(election)
    services.election_update_parent(
        election=election,
        actor=officer,
        parent=services.ParentData(
            a_number=election.parent.a_number,
            full_name=election.parent.full_name,
            date_of_birth=election.parent.date_of_birth,
            country_of_citizenship=election.parent.country_of_citizenship,
            primary_language=election.parent.primary_language,
        ),
        facility=election.facility,
        identity_method=election.identity_method,
        identity_document="Guatemalan passport 123456789, photo matched",
    )
    response = client.post(reverse("elections:submit", args=[election.pk]))
    assert response.status_code == 302
    assert fresh(election).status == Status.SUBMITTED
    assert (
        "Returned by the supervisor:" not in client.get(reverse("elections:home")).content.decode()
    )

    # A second round, then approval by another supervisor.
    workflow.election_return(election=election, actor=supervisor, reason="Second look: sign again")
    workflow.election_submit(election=election, actor=officer)
    approve(election, supervisor2)

    rounds = selectors.election_rounds(election=fresh(election))
    assert [(r["to"], r["reason"]) for r in rounds] == [
        ("draft", "election started"),
        ("submitted", "submitted for approval"),
        ("returned", f"returned: {reason}"[:100]),
        ("submitted", "resubmitted after correction"),
        ("returned", "returned: Second look: sign again"),
        ("submitted", "resubmitted after correction"),
        ("approved", "approved"),
    ]
    assert [r["return_reason"] for r in rounds if r["to"] == "returned"] == [
        reason,
        "Second look: sign again",
    ]
    assert [r["who"] for r in rounds if r["to"] != "draft"] == [
        officer,
        supervisor,
        officer,
        supervisor,
        officer,
        supervisor2,
    ]


# --- supersede and consult -----------------------------------------------------------------------


def replacement_for(approved_election, *, officer, witness, decisions):
    """The officer starts a new election for the same parent and children, as on the tablet."""
    children = [
        ChildDataFactory.build(
            full_name=item.child.full_name,
            date_of_birth=item.child.date_of_birth,
            a_number=item.child.a_number,
        )
        for item in approved_election.covered.all()
    ]
    return ElectionFactory(
        submitted=True,
        office=officer.staff.office,
        presented_by=officer,
        witness=witness,
        parent=approved_election.parent,
        children=children,
        decisions=decisions,
    )


def test_approving_a_new_election_marks_the_one_it_replaces_superseded_without_editing_it(
    officer, witness, supervisor, supervisor2, notices
):
    first = approve(
        submitted(officer=officer, witness=witness, decisions=Decision.REUNIFY), supervisor
    )
    second = replacement_for(first, officer=officer, witness=witness, decisions=Decision.WAIVE)
    assert second.supersedes_id == first.pk
    assert fresh(first).status == Status.APPROVED  # nothing happens until approval

    before = {
        f.attname: getattr(first, f.attname)
        for f in Election._meta.concrete_fields
        if f.attname not in ("status", "superseded_at", "updated_at")
    }
    second = approve(second, supervisor2)
    first = fresh(first)

    assert first.status == Status.SUPERSEDED
    assert first.superseded_at == second.approved_at
    assert {a: getattr(first, a) for a in before} == before
    assert [c.decision for c in first.covered.all()] == [Decision.REUNIFY]
    last = first.history.order_by("-history_date").first()
    assert last.history_change_reason == f"superseded by {second.reference}"
    assert last.history_user == supervisor2
    assert selectors.current_approved_election(parent=first.parent) == second


def test_a_superseded_election_is_only_marked_by_the_approval_of_its_replacement(
    officer, witness, supervisor, notices
):
    first = approve(submitted(officer=officer, witness=witness), supervisor)
    unrelated = approve(
        submitted(officer=officer, witness=witness), make_supervisor(officer.staff.office)
    )
    with pytest.raises(workflow.TransitionError, match="only when the election replacing it"):
        workflow.election_supersede(election=first, replacement=unrelated, actor=supervisor)
    assert fresh(first).status == Status.APPROVED


def test_a_consult_decision_is_approved_but_stays_pending_until_a_final_election_replaces_it(
    officer, witness, supervisor, supervisor2, notices
):
    consult = approve(
        submitted(officer=officer, witness=witness, decisions=Decision.CONSULT), supervisor
    )
    assert consult.status == Status.APPROVED
    pending = Election.objects.filter(selectors.consult_pending_q())
    assert list(pending) == [consult]

    final = replacement_for(consult, officer=officer, witness=witness, decisions=Decision.WAIVE)
    approve(final, supervisor2)
    assert not Election.objects.filter(selectors.consult_pending_q()).exists()
    assert fresh(consult).status == Status.SUPERSEDED


def test_the_queue_flags_match_the_rules_warnings(officer, witness, supervisor, notices):
    fast = submitted(officer=officer, witness=witness)
    slow = give_parent_time(submitted(officer=officer, witness=witness), minutes=40)
    assert list(Election.objects.filter(selectors.fast_decision_q())) == [fast]
    # On the threshold: exactly the minimum is not fast, one second less is.
    slow_item = slow.covered.get()
    Election.objects.filter(pk=slow.pk).update(
        notice_delivered_at=slow_item.decided_at - timedelta(minutes=30)
    )
    assert not Election.objects.filter(pk=slow.pk).filter(selectors.fast_decision_q()).exists()
    Election.objects.filter(pk=slow.pk).update(
        notice_delivered_at=slow_item.decided_at - timedelta(minutes=30) + timedelta(seconds=1)
    )
    assert Election.objects.filter(pk=slow.pk).filter(selectors.fast_decision_q()).exists()
