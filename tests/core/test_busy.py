"""What a transition view does with a database error: a busy database is a message and a
redirect; any other error, or a transaction left to roll back, is never hidden."""

import sqlite3

import psycopg
import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from elections import busy, workflow
from elections.constants import Status
from tests.factories import STAFF_PASSWORD, ElectionFactory, fresh
from tests.supervision import submitted, warning_codes
from tests.twofactor import second_factor_code_for

pytestmark = pytest.mark.django_db


def failing_with(error):
    def transition(**kwargs):
        raise error

    return transition


def approve_post(client, election):
    return client.post(
        reverse("admin:elections_election_approve", args=[election.pk]),
        {
            "password": STAFF_PASSWORD,
            "second_factor_code": second_factor_code_for(client),
            "attestation": "on",
            "acknowledge": warning_codes(election),
            "token": workflow.review_token(election),
        },
    )


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("database is locked"),
        OperationalError("database table is locked: elections_election"),
    ],
    ids=["sqlite-locked", "sqlite-table-locked"],
)
def test_a_return_that_finds_the_database_busy_is_a_message_and_a_redirect(
    client, officer, witness, supervisor, notices, monkeypatch, error
):
    election = submitted(officer=officer, witness=witness)
    monkeypatch.setattr(workflow, "election_return", failing_with(error))
    client.force_login(supervisor)

    response = client.post(
        reverse("admin:elections_election_return", args=[election.pk]),
        {"reason": "Sign again", "token": workflow.review_token(election)},
        headers={"accept-language": "es"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:elections_election_change", args=[election.pk])
    page = client.get(response["Location"], headers={"accept-language": "es"})
    assert "El sistema está ocupado; no se guardó nada, vuelva a intentarlo." in page.text
    assert fresh(election).status == Status.SUBMITTED


def test_any_other_database_error_in_an_approval_is_not_passed_off_as_busy(
    client, officer, witness, supervisor, notices, monkeypatch
):
    election = submitted(officer=officer, witness=witness)
    monkeypatch.setattr(
        workflow, "election_approve", failing_with(OperationalError("no such table: x"))
    )
    client.force_login(supervisor)
    with pytest.raises(OperationalError, match="no such table"):
        approve_post(client, election)


def test_a_void_that_leaves_its_callers_transaction_to_roll_back_is_not_hidden(officer):
    # Inside someone else's transaction, broken by the error: only they may roll it back, so
    # the error goes on to them instead of a "nothing was saved" that would not be true yet.
    def view(request, pk):
        with transaction.atomic(savepoint=False):
            raise OperationalError("database is locked")

    guarded = busy.refuse_when_busy(back="elections:review")(view)
    request = RequestFactory().post("/")
    request.user = officer
    with transaction.atomic():
        with pytest.raises(OperationalError):
            guarded(request, pk="00000000-0000-0000-0000-000000000000")
        assert connection.needs_rollback
        transaction.set_rollback(False)


@pytest.mark.parametrize(
    ("sqlstate", "message", "is_busy"),
    [
        ("40001", "could not serialize access due to concurrent update", True),
        ("40P01", "deadlock detected", True),
        ("55P03", "canceling statement due to lock timeout", True),
        ("08006", "server closed the connection unexpectedly", False),
        (None, "disk I/O error", False),
        (None, "unable to open database file", False),
    ],
)
def test_only_a_lock_held_too_long_counts_as_busy(sqlstate, message, is_busy):
    # As Django raises them: its OperationalError, from the driver's own error.
    cause = (
        psycopg.errors.lookup(sqlstate)(message) if sqlstate else sqlite3.OperationalError(message)
    )
    error = OperationalError(message)
    error.__cause__ = cause
    assert busy.is_busy(error) is is_busy


def test_an_error_that_is_not_operational_is_never_busy():
    assert not busy.is_busy(ValueError("database is locked"))


def test_an_officer_is_never_shown_a_500_for_a_busy_submit(officer, witness, notices, monkeypatch):
    election = ElectionFactory(
        ready=True, office=officer.staff.office, presented_by=officer, witness=witness
    )
    monkeypatch.setattr(
        workflow, "election_submit", failing_with(OperationalError("database is locked"))
    )
    tablet = Client(raise_request_exception=False)
    tablet.force_login(officer)
    response = tablet.post(reverse("elections:submit", args=[election.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("elections:review", args=[election.pk])
    assert fresh(election).status == Status.DRAFT
    review = tablet.get(response["Location"]).text
    assert "The system is busy; nothing was saved, try again." in review
