"""Two supervisors acting on the same election at the same moment, on real PostgreSQL connections:
exactly one succeeds, and the other is told who acted and when (R7, DESIGN.md §4)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from elections import workflow
from elections.constants import Status
from elections.models import Election, SealedRecord
from elections.templatetags.formsvc import local_time
from tests.factories import STAFF_PASSWORD, fresh, make_supervisor
from tests.races import at_once, signed_in
from tests.supervision import submitted, warning_codes
from tests.twofactor import second_factor_code_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def approve_kwargs(election, supervisor):
    return {
        "election": election,
        "actor": supervisor,
        "password": STAFF_PASSWORD,
        "attestation_confirmed": True,
        "acknowledged_warnings": warning_codes(election),
        "seen_token": workflow.review_token(election),
    }


@pytest.fixture
def supervisors(office):
    return (
        make_supervisor(office, username="diane", first_name="Diane", last_name="Okafor"),
        make_supervisor(office, username="tomas", first_name="Tomás", last_name="Ruiz"),
    )


def run_at_once(*actions):
    """Run each action in its own thread (its own database connection), released together."""
    barrier = threading.Barrier(len(actions))
    outcomes: dict[int, str] = {}

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes[index] = "ok"
        except workflow.TransitionError as error:
            outcomes[index] = f"refused: {error.message}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return [outcomes.get(i, "did not finish") for i in range(len(actions))]


def test_two_supervisors_approving_at_once_make_one_approval(
    officer, witness, supervisors, notices
):
    assert connection.vendor == "postgresql"
    election = submitted(officer=officer, witness=witness)
    first, second = supervisors
    outcomes = run_at_once(
        lambda: workflow.election_approve(**approve_kwargs(fresh(election), first)),
        lambda: workflow.election_approve(**approve_kwargs(fresh(election), second)),
    )

    assert sorted(o.split(":")[0] for o in outcomes) == ["ok", "refused"]
    election = fresh(election)
    assert election.status == Status.APPROVED
    winner = first if outcomes[0] == "ok" else second
    assert election.approved_by == winner
    [refusal] = [o for o in outcomes if o != "ok"]
    assert f"already approved by {winner.get_full_name()} on " in refusal
    assert local_time(election.approved_at, election.office.time_zone) in refusal
    assert election.history.filter(history_change_reason="approved").count() == 1


def test_an_approval_and_a_return_at_once_leave_exactly_one_of_them(
    officer, witness, supervisors, notices
):
    election = submitted(officer=officer, witness=witness)
    first, second = supervisors
    outcomes = run_at_once(
        lambda: workflow.election_approve(**approve_kwargs(fresh(election), first)),
        lambda: workflow.election_return(
            election=fresh(election),
            actor=second,
            reason="The witness signed before the parent.",
            seen_token=workflow.review_token(fresh(election)),
        ),
    )

    assert sorted(o.split(":")[0] for o in outcomes) == ["ok", "refused"]
    election = fresh(election)
    if outcomes[0] == "ok":
        assert election.status == Status.APPROVED
        assert "already approved by Diane Okafor" in outcomes[1]
    else:
        assert election.status == Status.RETURNED
        assert "returned to the officer by Tomás Ruiz" in outcomes[0]
    decisions = election.history.filter(status__in=[Status.APPROVED, Status.RETURNED])
    assert decisions.count() == 1


def test_the_second_supervisor_waits_on_the_row_lock_and_then_sees_the_first_decision(
    officer, witness, supervisors, notices
):
    """Deterministic interleaving: the first supervisor's transaction holds the row while the
    second one's approval is seen waiting for it in pg_locks; then the first commits."""
    election = submitted(officer=officer, witness=witness)
    first, second = supervisors
    holding = threading.Event()
    release = threading.Event()
    outcome: dict[str, str] = {}

    def first_supervisor():
        try:
            with transaction.atomic():
                workflow.election_approve(**approve_kwargs(fresh(election), first))
                outcome["first_pid"] = str(connection.connection.info.backend_pid)
                holding.set()
                release.wait(timeout=30)
            outcome["first"] = "ok"
        finally:
            connections.close_all()

    def second_supervisor():
        try:
            outcome["second_pid"] = str(connection.cursor().connection.info.backend_pid)
            workflow.election_approve(**approve_kwargs(fresh(election), second))
            outcome["second"] = "ok"
        except workflow.TransitionError as error:
            outcome["second"] = error.message
        finally:
            connections.close_all()

    one = threading.Thread(target=first_supervisor)
    one.start()
    assert holding.wait(timeout=30)
    seen_token_before = workflow.review_token(fresh(election))  # still "submitted" outside
    two = threading.Thread(target=second_supervisor)
    two.start()
    try:
        # Wait (bounded) until PostgreSQL reports the second backend blocked on a lock.
        blocked = False
        for _ in range(300):
            if "second_pid" in outcome:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                        [int(outcome["second_pid"])],
                    )
                    row = cursor.fetchone()
                if row and row[0] == "Lock":
                    blocked = True
                    break
            time.sleep(0.05)
        assert blocked, "the second approval never waited for the first one's row lock"
        assert fresh(election).status == Status.SUBMITTED
        assert seen_token_before == workflow.review_token(fresh(election))
    finally:
        release.set()
        one.join(timeout=30)
        two.join(timeout=30)

    assert outcome["first"] == "ok"
    assert outcome["second"].startswith("This election was already approved by Diane Okafor on ")
    election = fresh(election)
    assert (election.status, election.approved_by) == (Status.APPROVED, first)
    assert Election.history.filter(id=election.pk, history_change_reason="approved").count() == 1


def approval_post(election, client):
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


def test_two_supervisors_approving_at_once_in_the_admin_make_one_approval_and_the_other_is_told(
    officer, witness, supervisors, notices
):
    assert connection.vendor == "postgresql"
    election = submitted(officer=officer, witness=witness)
    clients = [signed_in(supervisor) for supervisor in supervisors]

    responses = at_once(*((client, *approval_post(election, client)) for client in clients))

    assert [response.status_code for response in responses] == [302, 302]
    queue = reverse("admin:elections_election_changelist")
    [winner] = [s for s, r in zip(supervisors, responses, strict=True) if r["Location"] == queue]
    [lost] = [r for r in responses if r["Location"] != queue]
    election = fresh(election)
    assert (election.status, election.approved_by) == (Status.APPROVED, winner)
    assert SealedRecord.objects.filter(election=election).count() == 1
    assert election.history.filter(history_change_reason="approved").count() == 1
    assert lost["Location"] == reverse("admin:elections_election_change", args=[election.pk])
    told = [str(message) for message in lost.wsgi_request._messages]
    assert told == [
        f"This election was already approved by {winner.get_full_name()} on "
        f"{local_time(election.approved_at, election.office.time_zone)}."
    ]


def test_an_approval_and_a_return_at_once_in_the_admin_leave_one_decision_and_tell_the_other(
    officer, witness, supervisors, notices
):
    election = submitted(officer=officer, witness=witness)
    approving, returning = (signed_in(supervisor) for supervisor in supervisors)

    responses = at_once(
        (approving, *approval_post(election, approving)),
        (
            returning,
            reverse("admin:elections_election_return", args=[election.pk]),
            {"reason": "Sign again.", "token": workflow.review_token(election)},
        ),
    )

    assert [response.status_code for response in responses] == [302, 302]
    election = fresh(election)
    zone = election.office.time_zone
    if election.status == Status.APPROVED:
        lost = responses[1]
        expected = (
            "This election was already approved by Diane Okafor on "
            f"{local_time(election.approved_at, zone)}."
        )
    else:
        assert election.status == Status.RETURNED
        lost = responses[0]
        expected = (
            "This election was returned to the officer by Tomás Ruiz on "
            f"{local_time(election.returned_at, zone)}."
        )
    assert [str(message) for message in lost.wsgi_request._messages] == [expected]
    assert election.history.filter(status__in=[Status.APPROVED, Status.RETURNED]).count() == 1
