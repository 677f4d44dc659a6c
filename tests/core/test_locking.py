"""R9: after approval nothing changes, through any ORM path, the admin or a form; history is
append-only. (Raw SQL on PostgreSQL: tests/postgres/test_triggers.py.)"""

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from elections import services, workflow
from elections.constants import Decision, DeliveryMode, SignatureMethod, SignatureRole, Status
from elections.models import (
    ApprovalAttempt,
    Election,
    ElectionChild,
    Interpreter,
    NoticeVersion,
    Signature,
)
from elections.models.locking import RecordLocked, allow_supersede
from tests.factories import (
    STAFF_PASSWORD,
    ElectionFactory,
    fresh,
    make_supervisor,
    snapshot,
)
from tests.supervision import approve, approved, submitted
from tests.twofactor import second_factor_code_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked(officer, witness, supervisor, notices):
    """An approved election whose notice went through a telephone interpreter: every kind of
    row an election has (children, interpreter, signatures) exists."""
    return approved(
        officer=officer,
        witness=witness,
        supervisor=supervisor,
        language="quc",
        delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE,
    )


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", password=STAFF_PASSWORD)


def refused(action) -> None:
    with pytest.raises(RecordLocked), transaction.atomic():
        action()


# --- the election row ----------------------------------------------------------------------------


def test_an_approved_election_cannot_be_saved_or_deleted_through_the_model(locked):
    before = snapshot(locked)
    election = Election.objects.get(pk=locked.pk)
    election.return_reason = "rewritten"
    refused(election.save)
    refused(lambda: election.save(update_fields=["return_reason"]))
    refused(election.delete)
    assert snapshot(locked) == before


def test_an_instance_loaded_before_approval_cannot_overwrite_the_approved_row(
    officer, witness, supervisor, notices
):
    election = submitted(officer=officer, witness=witness)
    stale = Election.objects.get(pk=election.pk)
    approve(election, supervisor)
    stale.legal_contact_given = "written over the approval"
    refused(stale.save)
    assert fresh(election).status == Status.APPROVED


def test_an_approved_election_cannot_be_changed_or_deleted_through_a_queryset(locked):
    before = snapshot(locked)
    rows = Election.objects.filter(pk=locked.pk)
    refused(lambda: rows.update(return_reason="rewritten"))
    refused(lambda: rows.update(status=Status.SUBMITTED))
    refused(rows.delete)
    refused(lambda: Election.objects.all().delete())
    election = rows.get()
    election.legal_contact_given = "bulk"
    refused(lambda: Election.objects.bulk_update([election], ["legal_contact_given"]))
    assert snapshot(locked) == before


def test_a_queryset_write_mixing_draft_and_approved_rows_is_refused_whole(locked, officer, witness):
    draft = ElectionFactory(office=officer.staff.office, presented_by=officer, witness=witness)
    refused(
        lambda: Election.objects.filter(pk__in=[draft.pk, locked.pk]).update(
            legal_contact_given="x"
        )
    )
    assert fresh(draft).legal_contact_given == ""


def test_approved_to_superseded_is_refused_outside_the_workflow(locked):
    rows = Election.objects.filter(pk=locked.pk)
    refused(lambda: rows.update(status=Status.SUPERSEDED, superseded_at=timezone.now()))
    # Even with the allowance, only that one change of that one row passes.
    with allow_supersede(locked.pk):
        refused(lambda: rows.update(status=Status.SUBMITTED))
        refused(lambda: rows.update(status=Status.SUPERSEDED, return_reason="and this"))
    with allow_supersede("00000000-0000-0000-0000-000000000000"):
        refused(lambda: rows.update(status=Status.SUPERSEDED, superseded_at=timezone.now()))
    assert fresh(locked).status == Status.APPROVED


@pytest.mark.parametrize("state", [Status.SUPERSEDED, Status.VOID])
def test_superseded_and_void_elections_are_locked_too(officer, witness, supervisor, notices, state):
    if state == Status.VOID:
        election = ElectionFactory(
            office=officer.staff.office, presented_by=officer, witness=witness
        )
        workflow.election_void(election=election, actor=officer, reason="Started by mistake")
    else:
        first = approve(submitted(officer=officer, witness=witness), supervisor)
        second = ElectionFactory(
            submitted=True,
            office=officer.staff.office,
            presented_by=officer,
            witness=witness,
            parent=first.parent,
        )
        approve(second, make_supervisor(officer.staff.office))
        election = first
    assert fresh(election).status == state
    refused(lambda: Election.objects.filter(pk=election.pk).update(return_reason="x"))
    refused(Election.objects.get(pk=election.pk).delete)


def test_a_draft_is_still_changed_through_the_orm(officer, witness, notices):
    draft = ElectionFactory(office=officer.staff.office, presented_by=officer, witness=witness)
    Election.objects.filter(pk=draft.pk).update(legal_contact_given="allowed")
    assert fresh(draft).legal_contact_given == "allowed"


# --- the rows that belong to it ------------------------------------------------------------------


def test_the_decisions_of_an_approved_election_cannot_be_changed_added_or_deleted(locked):
    before = snapshot(locked)
    item = ElectionChild.objects.get(election=locked)
    item.decision = Decision.WAIVE
    refused(item.save)
    refused(item.delete)
    rows = ElectionChild.objects.filter(election=locked)
    refused(lambda: rows.update(decision=Decision.WAIVE))
    refused(rows.delete)
    refused(lambda: ElectionChild.objects.bulk_update([item], ["decision"]))
    refused(lambda: ElectionChild.objects.create(election=locked, child=item.child, position=1))
    refused(
        lambda: ElectionChild.objects.bulk_create(
            [ElectionChild(election=locked, child=item.child, position=1)]
        )
    )
    assert snapshot(locked) == before


def test_the_signatures_of_an_approved_election_cannot_be_changed_added_or_deleted(locked):
    before = snapshot(locked)
    signature = Signature.objects.get(election=locked, role=SignatureRole.PARENT)
    signature.printed_name = "Someone else"
    refused(signature.save)
    refused(signature.delete)
    rows = Signature.objects.filter(election=locked)
    refused(lambda: rows.update(printed_name="Someone else"))
    refused(rows.delete)
    refused(
        lambda: Signature.objects.create(
            election=locked,
            role="extra",
            method=SignatureMethod.TELEPHONE,
            printed_name="Added later",
            meaning="nothing",
            signed_at=timezone.now(),
        )
    )
    assert snapshot(locked) == before


def test_the_interpreter_of_an_approved_election_cannot_be_changed_or_deleted(locked):
    interpreter = Interpreter.objects.get(election=locked)
    interpreter.full_name = "Someone else"
    refused(interpreter.save)
    refused(interpreter.delete)
    refused(lambda: Interpreter.objects.filter(election=locked).update(operator_id="X"))
    assert Interpreter.objects.get(election=locked).full_name == "Lucía Ixcoy Tambriz"


def test_the_officer_services_refuse_an_approved_election(locked, officer):
    before = snapshot(locked)
    with pytest.raises(workflow.TransitionError, match="can no longer be changed"):
        services.election_record_legal_contact(election=locked, actor=officer, text="x")
    with pytest.raises(workflow.TransitionError):
        workflow.election_submit(election=locked, actor=officer)
    with pytest.raises(workflow.TransitionError):
        workflow.election_void(election=locked, actor=officer, reason="x")
    assert snapshot(locked) == before


def test_the_officers_forms_do_not_change_an_approved_election(client, locked, officer):
    before = snapshot(locked)
    client.force_login(officer)
    response = client.post(
        reverse("elections:parent", args=[locked.pk]),
        {"full_name": "Changed", "identity_document": "Changed"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("elections:summary", args=[locked.pk])
    client.post(reverse("elections:staff_sign", args=[locked.pk]), {"legal-legal_contact": "x"})
    client.post(reverse("elections:void", args=[locked.pk]), {"reason": "gone"})
    assert snapshot(locked) == before


# --- the notice version --------------------------------------------------------------------------


def test_a_notice_shown_to_a_parent_cannot_change_or_be_deleted(locked):
    notice = NoticeVersion.objects.get(pk=locked.notice_version_id)
    assert notice.first_shown_at is not None
    text = notice.body
    notice.body = text + " Changed."
    refused(notice.save)
    refused(notice.delete)
    rows = NoticeVersion.objects.filter(pk=notice.pk)
    refused(lambda: rows.update(body="Changed."))
    refused(lambda: rows.update(sha256="0" * 64))
    refused(lambda: rows.update(first_shown_at=None))
    refused(rows.delete)
    assert NoticeVersion.objects.get(pk=notice.pk).body == text
    # Whether it is offered for new elections is not part of the text.
    rows.update(is_current=False)
    assert not rows.get().is_current


def test_a_notice_never_shown_can_still_be_corrected(db):
    notice = NoticeVersion.objects.create(
        language="en",
        version="draft-1",
        title="t",
        body="b",
        option_reunify="r",
        option_waive="w",
        option_consult="c",
        legal_help="l",
        sha256="",
    )
    notice.body = "better"
    notice.save()
    NoticeVersion.objects.filter(pk=notice.pk).update(title="better")
    assert NoticeVersion.objects.get(pk=notice.pk).title == "better"
    notice.delete()


# --- history and attempts ------------------------------------------------------------------------


def test_history_rows_are_append_only(locked):
    history = Election.history.model
    count = history.objects.count()
    record = locked.history.first()
    record.history_change_reason = "rewritten"
    refused(record.save)
    refused(record.delete)
    refused(lambda: locked.history.update(history_change_reason="rewritten"))
    refused(lambda: locked.history.all().delete())
    refused(lambda: history.objects.filter(id=locked.pk).update(return_reason="x"))
    refused(lambda: history.objects.all().delete())
    refused(lambda: ElectionChild.history.all().delete())
    assert history.objects.count() == count


def test_history_of_a_draft_is_append_only_too(officer, witness, notices):
    draft = ElectionFactory(office=officer.staff.office, presented_by=officer, witness=witness)
    refused(lambda: draft.history.update(history_change_reason="rewritten"))
    refused(lambda: draft.history.all().delete())


def test_a_refused_approval_attempt_cannot_be_changed_or_deleted(
    officer, witness, supervisor, notices
):
    election = submitted(officer=officer, witness=witness)
    with pytest.raises(workflow.PasswordNotConfirmed):
        workflow.election_approve(
            election=election,
            actor=supervisor,
            password="wrong",
            attestation_confirmed=True,
            acknowledged_warnings=[],
        )
    attempt = ApprovalAttempt.objects.get()
    attempt.outcome = ApprovalAttempt.Outcome.NO_PASSWORD
    refused(attempt.save)
    refused(attempt.delete)


def test_simple_history_revert_is_off():
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True


# --- the admin, superusers included --------------------------------------------------------------


def test_nobody_has_add_change_or_delete_permission_on_elections_in_the_admin(
    rf, locked, supervisor, superuser
):
    from django.contrib import admin

    model_admin = admin.site._registry[Election]
    for user in (supervisor, superuser):
        request = rf.get("/admin/")
        request.user = user
        assert model_admin.has_view_permission(request, locked)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, locked)
        assert not model_admin.has_delete_permission(request, locked)


def test_a_superuser_cannot_change_delete_or_revert_an_approved_election_in_the_admin(
    client, locked, superuser
):
    before = snapshot(locked)
    client.force_login(superuser)
    change = reverse("admin:elections_election_change", args=[locked.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"return_reason": "x"}).status_code == 405
    delete = reverse("admin:elections_election_delete", args=[locked.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    first = locked.history.order_by("history_date").first()
    revert = reverse("admin:elections_election_simple_history", args=[locked.pk, first.pk])
    assert client.get(revert).status_code == 200
    assert client.post(revert, {"status": "draft"}).status_code == 405
    assert client.get(reverse("admin:elections_election_add")).status_code == 403
    assert snapshot(locked) == before


def test_a_superuser_reads_the_review_page_but_has_no_forms_and_cannot_approve(
    client, officer, witness, superuser, notices
):
    election = submitted(officer=officer, witness=witness)
    client.force_login(superuser)
    page = client.get(reverse("admin:elections_election_change", args=[election.pk]))
    assert page.status_code == 200
    assert b'id="approve-form"' not in page.content
    response = client.post(
        reverse("admin:elections_election_approve", args=[election.pk]),
        {
            "password": STAFF_PASSWORD,
            "second_factor_code": second_factor_code_for(client),
            "attestation": "on",
            "acknowledge": ["fast_decision"],
            "token": workflow.review_token(election),
        },
    )
    assert response.status_code == 302
    assert fresh(election).status == Status.SUBMITTED
