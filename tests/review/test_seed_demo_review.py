"""``seed_demo`` shows the supervisor's side too: elections submitted, returned (and corrected),
approved, superseded and consult-pending, in both offices, all through workflow.py."""

from io import StringIO

import pytest
from django.core.management import call_command

from elections import selectors
from elections.constants import Status
from elections.models import Election

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module (sealing every approved record takes a while)."""
    from django.test.utils import override_settings

    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        from django.db import transaction

        # Rolled back at the end, so the other modules start from an empty database.
        atomic = transaction.atomic()
        atomic.__enter__()
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def by_office(status) -> set[str]:
    return set(Election.objects.filter(status=status).values_list("office__code", flat=True))


def test_every_review_state_is_in_both_offices(seeded):
    for status in (Status.SUBMITTED, Status.RETURNED, Status.APPROVED, Status.SUPERSEDED):
        assert by_office(status) == {"ELP", "SNA"}, status
    pending = Election.objects.filter(selectors.consult_pending_q())
    assert set(pending.values_list("office__code", flat=True)) == {"ELP", "SNA"}


def test_each_approval_is_by_the_offices_supervisor_who_neither_presented_nor_witnessed(seeded):
    reviewers = {"ELP": "supervisor", "SNA": "supervisor2"}
    approved = Election.objects.filter(approved_by__isnull=False).select_related("approved_by")
    assert approved.count() == 9
    for election in approved:
        assert election.approved_by.username == reviewers[election.office.code]
        assert election.approved_by_id not in (election.presented_by_id, election.witness_id)
        assert election.approval_attestation
        assert election.history.filter(history_change_reason="approved").count() == 1


def test_a_superseded_election_is_replaced_by_an_approved_one_for_the_same_children(seeded):
    for old in Election.objects.filter(status=Status.SUPERSEDED):
        new = old.superseded_by
        assert new.status == Status.APPROVED
        assert new.parent_id == old.parent_id
        assert sorted(c.child_id for c in old.covered.all()) == sorted(
            c.child_id for c in new.covered.all()
        )
        assert [c.decision for c in old.covered.all()] != [c.decision for c in new.covered.all()]
        assert old.superseded_at == new.approved_at


def test_returned_elections_carry_their_reason_and_corrected_ones_show_every_round(seeded):
    for election in Election.objects.filter(status=Status.RETURNED):
        assert election.return_reason
    rounds_seen = []
    for election in Election.objects.filter(returned_at__isnull=False).exclude(
        status=Status.RETURNED
    ):
        rounds = [r["to"] for r in selectors.election_rounds(election=election)]
        rounds_seen.append(rounds[1:])
    assert sorted(rounds_seen) == [
        ["submitted", "returned", "submitted"],
        ["submitted", "returned", "submitted", "approved"],
    ]
