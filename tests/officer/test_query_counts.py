"""Officer-flow pages cost at most 10 SQL queries, however many elections the office holds (§8)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from elections.constants import Status
from elections.models import Election, Parent
from tests.factories import ElectionFactory, make_officer

pytestmark = pytest.mark.django_db

ELECTION_PAGES = [
    "parent",
    "children",
    "notice",
    "handover",
    "parent_notice",
    "parent_choices",
    "parent_sign",
    "handback",
    "staff_sign",
    "review",
]
BUDGET = 10


def statements(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    # Each test runs inside a transaction, so a session save shows up wrapped in
    # SAVEPOINT/RELEASE statements that a production request does not send; the session itself is
    # written at most once a minute (elections.middleware.IdleExpiryMiddleware), by whichever
    # request comes first, so it is no page's own cost.
    return sum(1 for q in ctx.captured_queries if counted(q["sql"]))


def counted(sql: str) -> bool:
    return "SAVEPOINT" not in sql and not sql.startswith('UPDATE "django_session"')


@pytest.fixture
def ready_election(officer, witness, notices):
    return ElectionFactory(
        ready=True, office=officer.staff.office, presented_by=officer, witness=witness
    )


@pytest.mark.parametrize("page", ELECTION_PAGES)
def test_an_officer_flow_page_makes_at_most_ten_queries(client, officer, ready_election, page):
    client.force_login(officer)
    assert statements(client, reverse(f"elections:{page}", args=[ready_election.pk])) <= BUDGET


@pytest.mark.parametrize("page", ["home", "start"])
def test_the_officer_home_and_start_pages_make_at_most_ten_queries(client, officer, notices, page):
    client.force_login(officer)
    assert statements(client, reverse(f"elections:{page}")) <= BUDGET


def test_the_query_count_does_not_grow_with_the_number_of_elections(
    client, officer, witness, ready_election
):
    client.force_login(officer)
    urls = [reverse(f"elections:{p}", args=[ready_election.pk]) for p in ELECTION_PAGES]
    urls.append(reverse("elections:home"))
    before = [statements(client, url) for url in urls]
    for _ in range(6):
        ElectionFactory(office=officer.staff.office, presented_by=officer)
    after = [statements(client, url) for url in urls]
    assert before == after


def bulk_home_elections(*, officer, other, approver, count: int, offset: int) -> None:
    """``count`` of the officer's elections in every state the home lists (drafts, returned,
    submitted, approved today), and as many of another officer's: written in bulk, as one by one
    would take minutes."""
    now = timezone.now()
    office = officer.staff.office
    parents = Parent.objects.bulk_create(
        Parent(
            a_number=f"A{300_000_000 + 2 * offset + i:09d}",
            full_name=f"Home Parent {2 * offset + i}",
            date_of_birth=date(1990, 1, 1),
            country_of_citizenship="GT",
            primary_language="es",
        )
        for i in range(2 * count)
    )
    states = [Status.DRAFT, Status.RETURNED, Status.SUBMITTED, Status.SUBMITTED]
    elections = []
    for i, parent in enumerate(parents):
        status = states[i // 2 % len(states)]
        returned = status == Status.RETURNED
        elections.append(
            Election(
                office=office,
                parent=parent,
                presented_by=officer if i % 2 == 0 else other,
                status=status,
                submitted_at=now - timedelta(minutes=i),
                returned_at=now if returned else None,
                returned_by=approver if returned else None,
                return_reason="Check the child's date of birth." if returned else "",
            )
        )
    elections = Election.objects.bulk_create(elections)
    Election.objects.filter(pk__in=[e.pk for e in elections[3::8]]).update(
        status=Status.APPROVED,
        approved_at=now,
        approved_by=approver,
        approval_attestation="attested",
    )


def test_the_officer_home_costs_the_same_queries_at_20_and_at_2000_elections(
    client, officer, supervisor, notices
):
    client.force_login(officer)
    people = {"officer": officer, "other": make_officer(officer.staff.office, username="other")}
    bulk_home_elections(**people, approver=supervisor, count=10, offset=0)
    at_20 = statements(client, reverse("elections:home"))
    bulk_home_elections(**people, approver=supervisor, count=990, offset=10)
    assert Election.objects.count() == 2000
    response = client.get(reverse("elections:home"))
    assert statements(client, reverse("elections:home")) == at_20 <= BUDGET
    # Hundreds open, yet the page lists a bounded number of them.
    assert response.content.decode().count("Home Parent") <= 50 + 20 + 20
