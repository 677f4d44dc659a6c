"""``seed_scale`` on PostgreSQL: its bulk rows pass the triggers that guard approved records, and
the records it leaves approved are guarded by them like any other."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from elections.constants import Status
from elections.models import Election, ElectionChild, Signature

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_seed_scale_writes_every_status_on_postgresql_and_the_triggers_still_guard_them():
    call_command("seed_scale", elections=300, password="scale-test-pw", stdout=StringIO())
    assert connection.vendor == "postgresql"
    statuses = Counter(Election.objects.values_list("status", flat=True))
    assert sum(statuses.values()) == 300
    assert {Status.APPROVED, Status.SUPERSEDED, Status.SUBMITTED, Status.DRAFT} <= set(statuses)
    approved = Election.objects.filter(status=Status.APPROVED).first()
    assert ElectionChild.objects.filter(election=approved).exists()
    assert Signature.objects.filter(election=approved).count() >= 3
    item = ElectionChild.objects.filter(election=approved).first()
    for statement, params in (
        ("UPDATE elections_election SET return_reason = 'x' WHERE id = %s", [approved.pk]),
        ("UPDATE elections_electionchild SET decision = 'waive' WHERE id = %s", [item.pk]),
        (
            "INSERT INTO elections_electionchild (election_id, child_id, position) "
            "VALUES (%s, %s, 9)",
            [approved.pk, item.child_id],
        ),
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    # The ids the seeder gave leave the database's own counters past them.
    assert (
        ElectionChild.objects.create(
            election=Election.objects.filter(status=Status.DRAFT).first(),
            child=item.child,
            position=5,
        ).pk
        > item.pk
    )
