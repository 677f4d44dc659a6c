"""Two taps on "Submit" from two tablets at the same moment make one submission, not two."""

import threading

import pytest
from django.db import connection, connections

from elections import workflow
from elections.constants import Status
from elections.models import Election
from tests.factories import ElectionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_submits_of_one_election_leave_one_submission(officer, witness, notices):
    assert connection.vendor == "postgresql"
    election = ElectionFactory(
        ready=True, office=officer.staff.office, presented_by=officer, witness=witness
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def tap():
        try:
            barrier.wait(timeout=10)
            workflow.election_submit(election=Election.objects.get(pk=election.pk), actor=officer)
            outcomes.append("submitted")
        except workflow.TransitionError as error:
            outcomes.append(f"refused: {error.message}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "submitted"]
    assert any("already submitted by Laura Benítez on " in o for o in outcomes)
    election.refresh_from_db()
    assert election.status == Status.SUBMITTED
    submissions = election.history.filter(history_change_reason="submitted for approval")
    assert submissions.count() == 1
