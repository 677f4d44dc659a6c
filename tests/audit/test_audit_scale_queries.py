"""The auditor's dashboard and search cost the same SQL statements at 100 elections as at
thousands, with the data written by ``seed_scale`` (realistic names, statuses, offices).

Why 100 against 1,200 is enough here, where the budget speaks of 100,000: nothing on these pages
is read per election or per match. The dashboard is a fixed list of aggregates over the kept
figures (``elections.figures``); a search is a capped count, one page of at most 50 rows read by
its key, and one prefetch of their children. What could grow with the data does so already
between 100 and 1,200: the default list's count is exact at 100 and capped (more than 1,000
matches) at 1,200, its next page is read by key from a later row, the common surname matches a
handful of parents then a few dozen, and every office and status is present. The PostgreSQL
test repeats it at 10,000 elections, on the database the budget is measured on; the benchmark
reads the same pages at 100,000.
"""

import io
import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from elections.constants import Role
from elections.management.scale_names import COMMON_SURNAME
from elections.management.scale_seed import scale_usernames
from elections.models import Election
from tests.audit_helpers import statements

pytestmark = pytest.mark.django_db

COMMON = "/audit/?name=" + quote(COMMON_SURNAME)


def _urls(client) -> list[str]:
    # The busiest office, so that it has approved elections at either size.
    office = (
        Election.objects.filter(status="approved")
        .values_list("office__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "office__code")
        .first()[0]
    )
    first = client.get("/audit/")
    urls = [
        "/audit/dashboard/",
        "/audit/",
        "/audit/?sort=-approved",
        COMMON,
        f"/audit/?office={office}&status=approved&sort=name",
        "/audit/?decision=reunify&flag=fast",
        "/audit/?flag=consult_pending",
    ]
    assert first.context["page"].has_next
    urls.append("/audit/?after=" + first.context["page"].next_cursor)
    return urls


def _statements_at(client, elections: int) -> dict[str, int]:
    """Seed ``elections``, count the figures, and the statements each page costs."""
    call_command(
        "seed_scale", elections=elections, password="formsvc-test", batch=500, stdout=io.StringIO()
    )
    call_command("rebuild_audit_summary", stdout=io.StringIO())
    auditor = get_user_model().objects.get(username=scale_usernames()[Role.AUDITOR][0])
    client.force_login(auditor)
    urls = _urls(client)
    counts = {}
    for url in urls:
        key = url.split("?after=")[0] + (" next" if "?after=" in url else "")
        key = re.sub(r"office=\w+", "office=busiest", key)
        # A list with no row reads no children: one statement fewer, at any size.
        rows = key == "/audit/dashboard/" or bool(client.get(url).context["rows"])
        counts[key] = (statements(client, url), rows)
    return counts


def _compare(client, small: int, large: int) -> tuple[dict, dict]:
    with transaction.atomic():
        few = _statements_at(client, small)
        transaction.set_rollback(True)  # start again from an empty database
    many = _statements_at(client, large)
    return few, many


def _assert_flat(few: dict, many: dict) -> None:
    assert few.keys() == many.keys()
    for key in ("/audit/dashboard/", "/audit/", "/audit/ next", COMMON):
        assert few[key][1] and many[key][1], key
    assert {k: n for k, (n, rows) in few.items() if rows} == {
        k: n for k, (n, rows) in many.items() if rows and few[k][1]
    }
    dashboard = many.pop("/audit/dashboard/")[0]
    assert dashboard <= 20  # seven charts, the removal flags, the session and the access log
    assert max(n for n, _rows in many.values()) <= 10


def test_the_dashboard_and_search_cost_the_same_statements_at_100_and_1200_elections(client):
    few, many = _compare(client, 100, 1200)
    _assert_flat(few, many)


@pytest.mark.postgres
def test_the_same_statements_at_10000_elections_on_postgresql(client):
    few, many = _compare(client, 100, 10_000)
    _assert_flat(few, many)
