"""The auditor's search and dashboard on PostgreSQL at 100,000 elections made by ``seed_scale``.

A throwaway PostgreSQL cluster is started (tests/pgcluster.py), migrated, and
``manage.py seed_scale --elections N`` writes N realistic elections into it (N from
``BENCH_ELECTIONS``, default 100,000); ``manage.py rebuild_audit_summary`` then counts the
dashboard's figures (seed_scale writes around the workflow that keeps them). The pages are
requested through Django's test client in a fresh process, signed in as one of seed_scale's
auditors (second factor confirmed), so each request also writes its access-log entry. Figures,
``<n>`` the size:

- ``audit_search_common_name_ms_<n>``: a search by the common surname seed_scale names
  (about 2 % of parents), median of 15 after warm-up;
- ``audit_search_queries_<n>``: the most SQL statements any of the searches below costs;
- ``audit_search_median_ms_<n>`` / ``audit_search_slowest_median_ms_<n>``: the median over the
  searches, and the slowest search's median;
- ``audit_dashboard_median_ms_<n>``: the dashboard (seven charts), median of 9;
- ``audit_summary_rebuild_s_<n>``: ``rebuild_audit_summary`` from scratch.

The searches: the default list, an office and status, the common surname, its next page, a
decision with the fast-decision flag, a date range sorted by name, and consult pending.
"""

import json
import os
import sys
from pathlib import Path

DEFAULT_ELECTIONS = 100_000

CHILD = r"""
import io, json, os, re, statistics, sys, time
from urllib.parse import quote
sys.path.insert(0, os.environ["FORMSVC_ROOT"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "formsvc.settings")
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client

size = int(sys.argv[1])
call_command("migrate", verbosity=0)
call_command("seed_scale", elections=size, password="formsvc-bench", stdout=io.StringIO())
started = time.perf_counter()
call_command("rebuild_audit_summary", stdout=io.StringIO())
rebuild_s = time.perf_counter() - started
with connection.cursor() as cursor:
    # As tables in service would be: vacuumed (visibility map set) and analysed.
    cursor.execute("VACUUM ANALYZE")

from elections.management.scale_names import COMMON_SURNAME
from elections.management.scale_seed import scale_usernames
from elections.constants import Role
from elections.models import Election

assert Election.objects.count() == size, Election.objects.count()
auditor = get_user_model().objects.get(username=scale_usernames()[Role.AUDITOR][0])
client = Client()
client.force_login(auditor)
# Signed in with the second factor too, as an auditor's session is (else: the second-factor step).
from tests.twofactor import mark_session_verified
mark_session_verified(client, auditor)
common = "/audit/?name=" + quote(COMMON_SURNAME)


def get(url):
    response = client.get(url, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    return response


def statements_for(url):
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        get(url)
    return len(statements)


def median_ms(url, rounds):
    for _ in range(2):
        get(url)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


# The common surname's "Next" link, as a user would follow it.
cursor = re.search(r'after=([\w-]+)" rel="next"', get(common).content.decode())
next_page = common + "&after=" + cursor.group(1)
urls = [
    "/audit/",
    "/audit/?office=" + Election.objects.values_list("office__code", flat=True).first()
    + "&status=approved",
    common,
    next_page,
    "/audit/?decision=reunify&flag=fast",
    "/audit/?date_from=2025-01-01&date_to=2025-06-30&sort=name",
    "/audit/?flag=consult_pending&sort=-approved",
]
def slowest_statements(url):
    # Where a page's time goes: its three slowest statements (on stderr, not a figure).
    timed = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append(((time.perf_counter() - started) * 1000, sql[:160]))

    with connection.execute_wrapper(record):
        started = time.perf_counter()
        get(url)
        total = (time.perf_counter() - started) * 1000
    sql = sum(ms for ms, _sql in timed)
    top = sorted(timed, reverse=True)[:3]
    return {"url": url, "total_ms": round(total, 1), "sql_ms": round(sql, 1),
            "top": [[round(ms, 1), text] for ms, text in top]}


medians = {url: median_ms(url, 15) for url in urls}
where = [slowest_statements(url) for url in (common, next_page, "/audit/dashboard/")]
print(json.dumps({
    "size": size,
    "queries": max(statements_for(url) for url in urls),
    "common_ms": medians[common],
    "median_ms": statistics.median(medians.values()),
    "slowest_ms": max(medians.values()),
    "slowest": max(medians, key=medians.get),
    "dashboard_queries": statements_for("/audit/dashboard/"),
    "dashboard_ms": median_ms("/audit/dashboard/", 9),
    "rebuild_s": rebuild_s,
    "where": where,
}))
"""


def elections_to_seed() -> int:
    return int(os.environ.get("BENCH_ELECTIONS") or DEFAULT_ELECTIONS)


def run():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks._postgres import run_on_throwaway_postgres

    row = run_on_throwaway_postgres(CHILD, str(elections_to_seed()), what="audit search")
    size = row["size"]
    for look in row["where"]:
        print(json.dumps(look), file=sys.stderr)
    return [
        (f"audit_search_common_name_ms_{size}", round(row["common_ms"], 1), "ms"),
        (f"audit_search_queries_{size}", row["queries"], "queries"),
        (f"audit_search_median_ms_{size}", round(row["median_ms"], 1), "ms"),
        (f"audit_search_slowest_median_ms_{size}", round(row["slowest_ms"], 1), "ms"),
        (f"audit_dashboard_queries_{size}", row["dashboard_queries"], "queries"),
        (f"audit_dashboard_median_ms_{size}", round(row["dashboard_ms"], 1), "ms"),
        (f"audit_summary_rebuild_s_{size}", round(row["rebuild_s"], 1), "s"),
    ]
