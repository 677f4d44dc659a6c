"""Two people acting on one election at the same moment, on SQLite as `make run` sets it up:
exactly one of them succeeds, and the other is told who did what and when; nobody sees a 500.

Each person is a test client in a thread of its own, so each has its own database connection,
as two requests of a real server have. The suite's in-memory SQLite database cannot be shared
between connections the way a file is (a shared-cache memory database locks table by table
and never waits), so these tests point the default database at a SQLite file, migrated by
copying the test database, opened with the project's own OPTIONS (settings.py).
"""

import html
import re
import sqlite3

import pytest
from django.db import connection, connections
from django.urls import reverse

from elections import workflow
from elections.constants import Status
from elections.models import Election, SealedRecord
from elections.templatetags.formsvc import local_time
from tests.factories import STAFF_PASSWORD, ElectionFactory, fresh, make_supervisor
from tests.races import at_once, signed_in
from tests.supervision import submitted, warning_codes
from tests.twofactor import second_factor_code_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def sqlite_file(transactional_db, tmp_path, settings):
    """The default database, in this thread and in every thread the test starts, is a SQLite
    file with the test database's schema, opened with the project's settings."""
    assert connection.vendor == "sqlite"
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "formsvc.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    target.close()

    memory_settings, memory_connection = connections.settings["default"], connections["default"]
    file_settings = {**memory_settings, "NAME": str(path)}
    connections.settings["default"] = file_settings  # read by each new thread's connection
    connections["default"] = connections.create_connection("default")
    try:
        yield path
    finally:
        connections["default"].close()
        connections.settings["default"] = memory_settings
        connections["default"] = memory_connection


@pytest.fixture
def supervisors(office):
    return (
        make_supervisor(office, username="diane", first_name="Diane", last_name="Okafor"),
        make_supervisor(office, username="tomas", first_name="Tomás", last_name="Ruiz"),
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def page_text(response) -> str:
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def approval(election, client) -> tuple[str, dict]:
    return (
        reverse("admin:elections_election_approve", args=[election.pk]),
        {
            "password": STAFF_PASSWORD,
            "second_factor_code": second_factor_code_for(client),
            "attestation": "on",
            "acknowledge": warning_codes(election),
            "token": workflow.review_token(election),
        },
    )


def return_to_officer(election) -> tuple[str, dict]:
    return (
        reverse("admin:elections_election_return", args=[election.pk]),
        {
            "reason": "The witness signed before the parent.",
            "token": workflow.review_token(election),
        },
    )


def review_url(election) -> str:
    return reverse("admin:elections_election_change", args=[election.pk])


def when(moment, election) -> str:
    return local_time(moment, election.office.time_zone)


def test_two_supervisors_approving_at_once_make_one_approval_and_the_other_is_told_who_and_when(
    officer, witness, supervisors, notices
):
    election = submitted(officer=officer, witness=witness)
    clients = [signed_in(supervisor) for supervisor in supervisors]

    responses = at_once(*((client, *approval(election, client)) for client in clients))

    assert [response.status_code for response in responses] == [302, 302]
    election = fresh(election)
    assert election.status == Status.APPROVED
    queue = reverse("admin:elections_election_changelist")
    [winner] = [s for s, r in zip(supervisors, responses, strict=True) if r["Location"] == queue]
    [lost] = [r for r in responses if r["Location"] != queue]
    assert election.approved_by == winner
    assert SealedRecord.objects.filter(election=election).count() == 1
    assert election.history.filter(history_change_reason="approved").count() == 1

    assert lost["Location"] == review_url(election)
    expected = (
        f"This election was already approved by {winner.get_full_name()} "
        f"on {when(election.approved_at, election)}."
    )
    assert messages_of(lost) == [expected]
    loser = clients[responses.index(lost)]
    assert expected in page_text(loser.get(lost["Location"]))


def test_an_approval_and_a_return_at_once_leave_one_decision_and_the_other_is_told(
    officer, witness, supervisors, notices
):
    election = submitted(officer=officer, witness=witness)
    approving, returning = (signed_in(supervisor) for supervisor in supervisors)

    responses = at_once(
        (approving, *approval(election, approving)), (returning, *return_to_officer(election))
    )

    assert [response.status_code for response in responses] == [302, 302]
    election = fresh(election)
    decisions = election.history.filter(status__in=[Status.APPROVED, Status.RETURNED])
    assert decisions.count() == 1
    if election.status == Status.APPROVED:
        lost = responses[1]
        expected = (
            "This election was already approved by Diane Okafor "
            f"on {when(election.approved_at, election)}."
        )
        assert SealedRecord.objects.filter(election=election).count() == 1
    else:
        assert election.status == Status.RETURNED
        lost = responses[0]
        expected = (
            "This election was returned to the officer by Tomás Ruiz "
            f"on {when(election.returned_at, election)}."
        )
        assert not SealedRecord.objects.filter(election=election).exists()
    assert lost["Location"] == review_url(election)
    assert messages_of(lost) == [expected]


def test_two_taps_on_submit_from_two_tablets_make_one_submission(officer, witness, notices):
    election = ElectionFactory(
        ready=True, office=officer.staff.office, presented_by=officer, witness=witness
    )
    tablets = [signed_in(officer), signed_in(officer)]
    url = reverse("elections:submit", args=[election.pk])

    responses = at_once(*((tablet, url, {}) for tablet in tablets))

    assert [response.status_code for response in responses] == [302, 302]
    assert {response["Location"] for response in responses} == {
        reverse("elections:submitted", args=[election.pk])
    }
    election = fresh(election)
    assert election.status == Status.SUBMITTED
    assert election.history.filter(history_change_reason="submitted for approval").count() == 1
    told = [messages_of(response) for response in responses]
    expected = (
        f"This election was already submitted by Laura Benítez "
        f"on {when(election.submitted_at, election)}."
    )
    assert sorted(told) == [[], [expected]]


def test_a_submit_and_a_void_at_once_leave_one_of_them_and_the_other_is_told(
    officer, witness, notices
):
    election = ElectionFactory(
        ready=True, office=officer.staff.office, presented_by=officer, witness=witness
    )
    submitting, voiding = signed_in(officer), signed_in(officer)

    responses = at_once(
        (submitting, reverse("elections:submit", args=[election.pk]), {}),
        (voiding, reverse("elections:void", args=[election.pk]), {"reason": "Started twice."}),
    )

    assert [response.status_code for response in responses] == [302, 302]
    election = fresh(election)
    if election.status == Status.SUBMITTED:
        assert messages_of(responses[1]) == [
            "This election was already submitted by Laura Benítez "
            f"on {when(election.submitted_at, election)}."
        ]
        assert responses[1]["Location"] == reverse("elections:review", args=[election.pk])
    else:
        assert election.status == Status.VOID
        assert messages_of(responses[0]) == [
            f"This election was voided by Laura Benítez on {when(election.voided_at, election)}."
        ]
    assert Election.history.filter(id=election.pk, status__in=["submitted", "void"]).count() == 1


# --- a database still locked when the wait runs out ------------------------------------------


@pytest.fixture
def held_lock(sqlite_file, settings):
    """Another connection holding SQLite's write lock, and this thread's connection waiting for
    it only a moment (instead of the 20 s of settings.py) before giving up."""
    # Sessions (and so messages) in a signed cookie: the answer itself needs no write.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    waiting = connections["default"]
    impatient = {**connections.settings["default"]}
    impatient["OPTIONS"] = {**impatient["OPTIONS"], "timeout": 0.2}
    connections["default"] = type(waiting)(impatient, "default")
    holder = sqlite3.connect(sqlite_file, isolation_level=None)
    try:
        yield holder
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()
        connections["default"].close()
        connections["default"] = waiting


def test_an_approval_that_finds_the_database_locked_too_long_is_told_nothing_was_saved(
    held_lock, officer, witness, supervisor, notices
):
    election = submitted(officer=officer, witness=witness)
    client = signed_in(supervisor)
    posted = approval(election, client)
    held_lock.execute("BEGIN IMMEDIATE")

    response = client.post(*posted)

    assert response.status_code == 302
    assert response["Location"] == review_url(election)
    assert messages_of(response) == ["The system is busy; nothing was saved, try again."]
    held_lock.execute("ROLLBACK")
    assert fresh(election).status == Status.SUBMITTED
    assert not SealedRecord.objects.filter(election=election).exists()
    # Nothing was left half-done: the same supervisor approves at the next try.
    assert client.post(*approval(election, client)).status_code == 302
    assert fresh(election).approved_by == supervisor


def test_a_submit_that_finds_the_database_locked_too_long_keeps_the_draft_and_says_so(
    held_lock, officer, witness, notices
):
    election = ElectionFactory(
        ready=True, office=officer.staff.office, presented_by=officer, witness=witness
    )
    tablet = signed_in(officer)
    held_lock.execute("BEGIN IMMEDIATE")

    response = tablet.post(
        reverse("elections:submit", args=[election.pk]), headers={"accept-language": "es"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("elections:review", args=[election.pk])
    held_lock.execute("ROLLBACK")
    assert fresh(election).status == Status.DRAFT
    page = page_text(tablet.get(response["Location"], headers={"accept-language": "es"}))
    assert "El sistema está ocupado; no se guardó nada, vuelva a intentarlo." in page
