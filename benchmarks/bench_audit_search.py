"""The auditor's search and dashboard on PostgreSQL, at 100 and at 100,000 elections.

A throwaway PostgreSQL cluster is started (tests/pgcluster.py) and the measurement runs in a fresh
process pointed at it. One election is built through the services; the rest are inserted in bulk
across three field offices over two years, each with a parent, a child and a decision, in every
state the search tells apart (draft, submitted, returned, approved), some by telephone
interpreter, some with a consult. The pages are requested through Django's test client, signed
in as an auditor, so each request also writes its access-log entry:

- ``audit_search_queries_<n>``: the most SQL statements any of the searches below costs;
- ``audit_search_median_ms_<n>``: median time over those searches (15 rounds after warm-up);
- ``audit_search_slowest_median_ms_<n>``: the median of the slowest of them;
- ``audit_dashboard_median_ms_<n>``: the dashboard (seven charts), median of 5.

The searches: the default list, an office and status, an A-number in dashes, a decision with the
fast-decision flag, a name fragment, a date range sorted by name, and consult pending.
"""

import json
import sys
from pathlib import Path

SIZES = (100, 100_000)
BATCH = 5_000

SEARCHES = [
    "",
    "office=ELP&status=approved",
    "a_number=A-500-012-345",
    "decision=reunify&flag=fast",
    "name=Parent 4242",
    "date_from=2025-01-01&date_to=2025-06-30&sort=name",
    "flag=consult_pending&sort=-approved",
]

CHILD = r"""
import json, os, statistics, sys, time
from datetime import date, timedelta
sys.path.insert(0, os.environ["FORMSVC_ROOT"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "formsvc.settings")
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

SIZES = json.loads(sys.argv[1])
BATCH = int(sys.argv[2])
SEARCHES = json.loads(sys.argv[3])

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
call_command("migrate", verbosity=0)

from elections.constants import ChildLocationKind, Decision, DeliveryMode, Relationship
from elections.constants import RelationshipEvidence, Status
from elections.models import Child, Election, ElectionChild, Parent, ParentChild
from tests.factories import ElectionFactory, FacilityFactory, FieldOfficeFactory
from tests.factories import load_project_notices, make_auditor, make_officer, make_supervisor

load_project_notices()
offices = [
    FieldOfficeFactory(code="ELP", name="El Paso Field Office", time_zone="America/Denver"),
    FieldOfficeFactory(code="SNA", name="San Antonio Field Office", time_zone="America/Chicago"),
    FieldOfficeFactory(code="HOU", name="Houston Field Office", time_zone="America/Chicago"),
]
for office in offices:
    FacilityFactory(office=office, name=f"{office.name} Processing Center")
officers = [make_officer(office, username=f"officer-{office.code}") for office in offices]
witness = make_officer(offices[0], username="witness")
approver = make_supervisor(offices[0], username="supervisor")
auditor = make_auditor(username="auditor")
ElectionFactory(submitted=True, office=offices[0], presented_by=officers[0], witness=witness)
DECISIONS = [Decision.REUNIFY, Decision.REUNIFY, Decision.WAIVE, Decision.REUNIFY,
             Decision.CONSULT, Decision.REUNIFY, Decision.WAIVE]


def insert(start, stop):
    now = timezone.now()
    for first in range(start, stop, BATCH):
        last = min(first + BATCH, stop)
        numbers = range(first, last)
        parents = Parent.objects.bulk_create(
            Parent(a_number=f"A{500_000_000 + n:09d}", full_name=f"Search Parent {n}",
                   date_of_birth=date(1988, 5, 1), country_of_citizenship="GT",
                   primary_language="es" if n % 5 else "quc")
            for n in numbers)
        children = Child.objects.bulk_create(
            Child(a_number=f"A{600_000_000 + n:09d}", full_name=f"Search Child {n}",
                  date_of_birth=date(2015, 3, 1), location_kind=ChildLocationKind.ORR_SHELTER,
                  location_name="Shelter")
            for n in numbers)
        ParentChild.objects.bulk_create(
            ParentChild(parent=p, child=c, relationship=Relationship.MOTHER,
                        evidence=RelationshipEvidence.BIRTH_CERTIFICATE)
            for p, c in zip(parents, children))
        def when(n):
            return now - timedelta(minutes=(n * 7919) % (730 * 24 * 60))
        drafts = {n for n in numbers if n % 10 == 9}
        elections = Election.objects.bulk_create(
            Election(office=offices[n % 3], parent=p, presented_by=officers[n % 3],
                     status=Status.DRAFT if n in drafts else Status.SUBMITTED,
                     submitted_at=None if n in drafts else when(n),
                     notice_language="es",
                     delivery_mode=DeliveryMode.INTERPRETER_TELEPHONE if n % 9 == 0
                     else DeliveryMode.PARENT_READ,
                     notice_delivered_at=when(n) - timedelta(minutes=15 + n % 120))
            for n, p in zip(numbers, parents))
        ElectionChild.objects.bulk_create(
            ElectionChild(election=e, child=c, decision=DECISIONS[n % len(DECISIONS)],
                          decided_at=when(n) - timedelta(minutes=5))
            for n, e, c in zip(numbers, elections, children))
        ids = [e.pk for e in elections]
        with connection.cursor() as cursor:
            # Started an hour before the notice; drafts somewhere in the last two years.
            cursor.execute(
                "UPDATE elections_election SET created_at = notice_delivered_at - interval "
                "'1 hour' WHERE id = ANY(%s)", [ids])
        Election.objects.filter(pk__in=ids[1::13], status=Status.SUBMITTED).update(
            status=Status.RETURNED, returned_at=now, returned_by=approver,
            return_reason="Witness date missing.")
        # Approved last: the lock guards refuse changes to an approved election.
        Election.objects.filter(pk__in=ids[::2], status=Status.SUBMITTED).update(
            status=Status.APPROVED, approved_at=now, approved_by=approver,
            approval_attestation="attested")


client = Client()
client.force_login(auditor)


def statements_for(url):
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(url, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    return len(statements)


def median_ms(url, rounds):
    for _ in range(2):
        client.get(url, secure=True)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url, secure=True)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(times) * 1000


def measure(size):
    urls = ["/audit/?" + query for query in SEARCHES]
    queries = max(statements_for(url) for url in urls)
    medians = {url: median_ms(url, 15) for url in urls}
    everything = []
    for url in urls:
        everything.append(medians[url])
    return {
        "size": size,
        "queries": queries,
        "median_ms": statistics.median(everything),
        "slowest_ms": max(medians.values()),
        "slowest": max(medians, key=medians.get),
        "dashboard_ms": median_ms("/audit/dashboard/", 5),
    }


results = []
done = Election.objects.count()
for size in SIZES:
    insert(done, size)
    done = size
    with connection.cursor() as cursor:
        # As a table in service would be: vacuumed (visibility map set) and analysed.
        cursor.execute("VACUUM ANALYZE")
    assert Election.objects.count() == size, Election.objects.count()
    results.append(measure(size))
print(json.dumps(results))
"""


def run():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks._postgres import run_on_throwaway_postgres

    measured = run_on_throwaway_postgres(
        CHILD, json.dumps(SIZES), str(BATCH), json.dumps(SEARCHES), what="audit search"
    )
    figures = []
    for row in measured:
        size = row["size"]
        figures += [
            (f"audit_search_queries_{size}", row["queries"], "queries"),
            (f"audit_search_median_ms_{size}", round(row["median_ms"], 1), "ms"),
            (f"audit_search_slowest_median_ms_{size}", round(row["slowest_ms"], 1), "ms"),
            (f"audit_dashboard_median_ms_{size}", round(row["dashboard_ms"], 1), "ms"),
        ]
    return figures
