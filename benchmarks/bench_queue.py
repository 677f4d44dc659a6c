"""The supervisor's approval queue on PostgreSQL (DESIGN.md §8: the same query count at any size;
issue 12: about 20-25 ms of server CPU a request, so that 4 workers on 2 cores serve 50 a second).

A throwaway PostgreSQL cluster is started (tests/pgcluster.py) and the measurement runs in a fresh
process pointed at it. One election is built through the services; the rest are inserted in bulk,
half of them in the supervisor's office, each with a parent, a child and a decision, a third of
them approved. The queue page (``/admin/elections/election/``, first page, as the supervisor sees
it) is requested through Django's test client:

- ``queue_page_queries_<n>``: SQL statements per request, at 100 and at 100,000 elections;
- ``queue_page_median_ms_<n>``: median time of 25 requests after 3 warm-ups;
- ``queue_page_cpu_ms_<n>``: the server's CPU for one request (``time.process_time``, median
  of 25), which the load of the machine changes much less than the time;
- ``queue_page_vs_trivial_cpu_<n>``: that CPU as a multiple of the trivial view's
  (formsvc/bench.py) measured in the same process between the queue's requests, with the same
  session: what the queue costs beyond any request.
"""

import json
import sys
from pathlib import Path

SIZES = (100, 100_000)
BATCH = 5_000

CHILD = r"""
import json, os, statistics, sys, time
from datetime import date, timedelta
sys.path.insert(0, os.environ["FORMSVC_ROOT"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "formsvc.settings")
os.environ["FORMSVC_BENCH_TRIVIAL_VIEW"] = "1"
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

SIZES = json.loads(sys.argv[1])
BATCH = int(sys.argv[2])

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
call_command("migrate", verbosity=0)

from elections.constants import ChildLocationKind, Decision, DeliveryMode, Relationship
from elections.constants import RelationshipEvidence, Status
from elections.models import Child, Election, ElectionChild, Parent, ParentChild
from tests.factories import ElectionFactory, FacilityFactory, FieldOfficeFactory
from tests.factories import load_project_notices, make_officer, make_supervisor
from tests.twofactor import mark_session_verified

load_project_notices()
office = FieldOfficeFactory(code="ELP", name="El Paso Field Office", time_zone="America/Denver")
other = FieldOfficeFactory(code="SNA", name="San Antonio Field Office", time_zone="America/Chicago")
FacilityFactory(office=office, name="El Paso Service Processing Center")
officer = make_officer(office, username="officer")
witness = make_officer(office, username="witness")
supervisor = make_supervisor(office, username="supervisor")
approver = make_supervisor(office, username="supervisor-b")
other_officer = make_officer(other, username="officer2")
ElectionFactory(submitted=True, office=office, presented_by=officer, witness=witness)


def insert(start, stop):
    now = timezone.now()
    for first in range(start, stop, BATCH):
        last = min(first + BATCH, stop)
        numbers = range(first, last)
        parents = Parent.objects.bulk_create(
            Parent(a_number=f"A{500_000_000 + n:09d}", full_name=f"Queue Parent {n}",
                   date_of_birth=date(1988, 5, 1), country_of_citizenship="GT",
                   primary_language="es")
            for n in numbers)
        children = Child.objects.bulk_create(
            Child(full_name=f"Queue Child {n}", date_of_birth=date(2015, 3, 1),
                  location_kind=ChildLocationKind.ORR_SHELTER, location_name="Shelter")
            for n in numbers)
        ParentChild.objects.bulk_create(
            ParentChild(parent=p, child=c, relationship=Relationship.MOTHER,
                        evidence=RelationshipEvidence.BIRTH_CERTIFICATE)
            for p, c in zip(parents, children))
        elections = Election.objects.bulk_create(
            Election(office=office if n % 2 == 0 else other, parent=p,
                     presented_by=officer if n % 2 == 0 else other_officer,
                     status=Status.SUBMITTED, submitted_at=now - timedelta(minutes=n),
                     notice_language="es", delivery_mode=DeliveryMode.PARENT_READ,
                     notice_delivered_at=now - timedelta(minutes=n + 45))
            for n, p in zip(numbers, parents))
        ElectionChild.objects.bulk_create(
            ElectionChild(election=e, child=c, decision=Decision.REUNIFY,
                          decided_at=now - timedelta(minutes=n + 5))
            for n, e, c in zip(numbers, elections, children))
        # Approved after their rows exist: rows cannot be added to an approved election.
        Election.objects.filter(pk__in=[e.pk for e in elections[::3]]).update(
            status=Status.APPROVED, approved_at=now, approved_by=approver,
            approval_attestation="attested")


client = Client()
client.force_login(supervisor)
# Signed in with the second factor too, as every supervisor's session that reaches the queue.
mark_session_verified(client, supervisor)


def measure(size):
    for _ in range(3):
        client.get("/admin/elections/election/", secure=True)
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get("/admin/elections/election/", secure=True)
    assert response.status_code == 200, response.status_code
    times, cpu, trivial = [], [], []
    for _ in range(25):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get("/admin/elections/election/", secure=True)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200
        started_cpu = time.process_time()
        assert client.get("/bench/trivial", secure=True).status_code == 200
        trivial.append(time.process_time() - started_cpu)
    return {"size": size, "queries": len(statements),
            "median_ms": statistics.median(times) * 1000,
            "cpu_ms": statistics.median(cpu) * 1000,
            "trivial_cpu_ms": statistics.median(trivial) * 1000}


results = []
done = Election.objects.count()
for size in SIZES:
    insert(done, size)
    done = size
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert Election.objects.count() == size, Election.objects.count()
    results.append(measure(size))
print(json.dumps(results))
"""


def run():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks._postgres import run_on_throwaway_postgres

    measured = run_on_throwaway_postgres(CHILD, json.dumps(SIZES), str(BATCH), what="queue")
    figures = []
    for row in measured:
        figures.append((f"queue_page_queries_{row['size']}", row["queries"], "queries"))
        figures.append((f"queue_page_median_ms_{row['size']}", round(row["median_ms"], 1), "ms"))
        figures.append((f"queue_page_cpu_ms_{row['size']}", round(row["cpu_ms"], 1), "ms"))
        figures.append(
            (
                f"queue_page_vs_trivial_cpu_{row['size']}",
                round(row["cpu_ms"] / row["trivial_cpu_ms"], 1),
                "x",
            )
        )
    return figures
