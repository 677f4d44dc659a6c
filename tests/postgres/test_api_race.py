"""Two removal systems report the same removal at the same moment: one is recorded, the other
is told it already is (409), and nothing answers 500."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from elections.constants import Decision
from elections.models import ApiToken, Removal
from tests.factories import ChildDataFactory, ElectionFactory, today
from tests.races import at_once
from tests.supervision import approve

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_removal_reported_twice_at_once_is_recorded_once(
    officer, witness, supervisor, notices, monkeypatch
):
    assert connection.vendor == "postgresql"
    monkeypatch.setattr("elections.records.sealing.election_seal", lambda *, election: None)
    election = approve(
        ElectionFactory(
            office=officer.staff.office, presented_by=officer, witness=witness, submitted=True,
            children=[ChildDataFactory(a_number="A231000001")], decisions=Decision.REUNIFY,
        ),
        supervisor,
    )  # fmt: skip
    account = get_user_model().objects.create_user("removal-system")
    _token, raw = ApiToken.issue(user=account, scopes=["removals:write"])
    body = {
        "a_number": election.parent.a_number,
        "removed_on": today().isoformat(),
        "children_removed": ["A231000001"],
        "office": "ELP",
    }
    clients = [
        Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}") for _ in range(2)
    ]

    responses = at_once(
        *((client, "/api/v1/removals/", body) for client in clients),
        content_type="application/json",
    )

    assert sorted(r.status_code for r in responses) == [201, 409]
    refused = next(r for r in responses if r.status_code == 409).json()
    assert refused["error"] == "duplicate_removal"
    assert Removal.objects.count() == 1
    assert Removal.objects.get().flags == []
