"""``seed_scale`` on PostgreSQL: its bulk rows pass the triggers that guard approved records, and
the records it leaves approved are guarded by them like any other."""

import hashlib
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from elections.constants import SignatureMethod, Status
from elections.management.scale_rows import Table
from elections.models import Election, ElectionChild, Parent, Signature

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


def test_binary_copy_stores_each_value_as_given():
    table = Table(Parent)
    values = {
        "id": uuid.uuid4(),
        "a_number": "A123456789",
        "full_name": "Ana\tMaría \\ Pérez\nLópez\r K\u02bcoxtun",
        "search_name": "ANA MARIA",
        "date_of_birth": date(1990, 2, 28),
        "country_of_citizenship": "GT",
        "primary_language": "quc",
        "created_at": datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC),
    }
    table.row(values)
    with connection.cursor() as cursor:
        table.write(cursor, table.take())
    parent = Parent.objects.get(pk=values["id"])
    for name, value in values.items():
        assert getattr(parent, name) == value, name


def test_seeded_json_and_images_read_back_as_the_pages_use_them():
    call_command("seed_scale", elections=200, password="scale-test-pw", stdout=StringIO())
    warned = Election.objects.exclude(acknowledged_warnings=[]).first()
    assert isinstance(warned.acknowledged_warnings, list)
    assert {"rule", "code", "message"} <= set(warned.acknowledged_warnings[0])
    assert Election.objects.filter(acknowledged_warnings=[]).exists()
    drawn = Signature.objects.filter(method=SignatureMethod.DRAWN).first()
    assert bytes(drawn.image).startswith(b"\x89PNG\r\n\x1a\n")
    assert hashlib.sha256(bytes(drawn.image)).hexdigest() == drawn.image_sha256
