"""Officer-flow pages cost at most 10 SQL queries, however many elections the office holds (§8)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ElectionFactory

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
