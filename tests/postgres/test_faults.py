"""Faults survived with real processes: an app server killed in the middle of the officer's
submission leaves no half-submitted election and the draft as it was, and the retry on another
server goes through; PostgreSQL stopped makes every page a translated 503 and /healthz 503, and
once it is back the same session carries on with nothing lost."""

import threading

import psycopg
import pytest
import requests
from django.db import connection
from django.urls import reverse

from elections.constants import Status
from elections.models import Election
from tests import appservers, pgcluster
from tests.appservers import Browser
from tests.factories import STAFF_PASSWORD, ElectionFactory, fresh

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SUBMITTED = "submitted for approval"


def _draft_state(election: Election) -> dict:
    election = fresh(election)
    return {
        "election": {
            field.attname: getattr(election, field.attname) for field in Election._meta.fields
        },
        "children": sorted(election.covered.values_list("child_id", "decision")),
        "signatures": sorted(election.signatures.values_list("role", "signed_at")),
        "history": election.history.count(),
    }


def _waiting_backend(table: str) -> int | None:
    """The PostgreSQL backend blocked on a lock while inserting into ``table``, if any."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s",
            [f'INSERT INTO "{table}"%'],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def test_an_app_server_killed_in_the_middle_of_a_submission_leaves_the_draft_whole(
    deployment, officer, witness, notices
):
    election = ElectionFactory(
        ready=True, office=officer.staff.office, presented_by=officer, witness=witness
    )
    before = _draft_state(election)
    victim = appservers.start_server("victim", deployment["env"], deployment["var_dir"])
    review = reverse("elections:review", args=[election.pk])
    submit = reverse("elections:submit", args=[election.pk])
    browser = Browser(victim)
    try:
        browser.sign_in(officer.username, STAFF_PASSWORD)
        token = appservers.csrf_token(browser.get(review).text)

        # Hold the history table, so the submission stops after it has changed the election's
        # row and before it can commit: the moment the server is killed is seen, not guessed.
        history = Election.history.model._meta.db_table
        holder = psycopg.connect(appservers.database_url().replace("postgres://", "postgresql://"))
        holder.execute(f'LOCK TABLE "{history}" IN SHARE MODE')
        outcome = {}

        def press_submit():
            try:
                outcome["response"] = browser.post_with(submit, {}, token=token, timeout=60)
            except requests.ConnectionError as error:
                outcome["error"] = error

        pressing = threading.Thread(target=press_submit)
        pressing.start()
        try:
            backend = appservers.wait_for(
                lambda: _waiting_backend(history), what="the submission to reach its commit"
            )
            victim.kill()  # SIGKILL: the master and its worker, mid-request
        finally:
            holder.rollback()
            holder.close()
        pressing.join(timeout=60)
        assert "error" in outcome, outcome  # the tablet saw the connection drop, no answer

        # PostgreSQL ends the dead server's transaction: nothing of it was committed.
        appservers.wait_for(lambda: not _backend_alive(backend), what="the backend to end")
        assert _draft_state(election) == before
        assert fresh(election).status == Status.DRAFT
        assert not election.history.filter(history_change_reason=SUBMITTED).exists()
    finally:
        victim.stop()

    # The officer sends it again, through the other server, with the same session.
    browser.on(deployment["a"])
    retried = browser.post(submit, {}, csrf_from=review)
    assert retried.status_code == 302
    assert retried.headers["Location"] == reverse("elections:submitted", args=[election.pk])
    election = fresh(election)
    assert election.status == Status.SUBMITTED
    assert election.history.filter(history_change_reason=SUBMITTED).count() == 1
    assert sorted(election.covered.values_list("child_id", "decision")) == before["children"]


@pytest.fixture
def own_cluster():
    """A PostgreSQL cluster of this test's own, to stop and start without touching the suite's."""
    cluster = pgcluster._start_cluster()
    yield cluster
    cluster.stop()


def test_with_postgresql_stopped_every_page_answers_a_translated_503_and_nothing_is_lost(
    own_cluster, deployment, officer, witness, notices, tmp_path
):
    election = ElectionFactory(
        ready=True, office=officer.staff.office, presented_by=officer, witness=witness
    )
    # This test's database: a copy of the suite's, made with the backup scripts.
    dump = tmp_path / "copy.dump"
    scripts = appservers.ROOT / "scripts"
    env = {**deployment["env"], "DATABASE_URL": appservers.database_url()}
    appservers.run_checked([scripts / "pg-backup", dump], env=env)
    env["DATABASE_URL"] = own_cluster.url
    appservers.run_checked([scripts / "pg-restore", dump], env=env)

    # Connections kept across requests: after the restart each is checked before it is used.
    env["DATABASE_CONN_MAX_AGE"] = "600"
    server = appservers.start_server("own-db", env, tmp_path)
    browser = Browser(server)
    review = reverse("elections:review", args=[election.pk])
    submit = reverse("elections:submit", args=[election.pk])
    try:
        browser.sign_in(officer.username, STAFF_PASSWORD)
        token = appservers.csrf_token(browser.get(review).text)

        own_cluster.halt()

        for path in ("/", review, "/audit/", "/admin/"):
            page = browser.get(path)
            assert page.status_code == 503, (path, page.status_code)
            assert "The service is unavailable for a moment" in page.text
            assert "El servicio no está disponible por un momento" in page.text
            assert "Traceback" not in page.text and "OperationalError" not in page.text
            assert page.headers["Retry-After"] == "30"
        browser.language = "es"
        spanish = browser.get("/")
        assert spanish.status_code == 503
        assert '<html lang="es">' in spanish.text
        assert spanish.text.index("El servicio no está disponible") < spanish.text.index(
            "The service is unavailable"
        )
        browser.language = "en"
        refused = browser.post_with(submit, {}, token=token)
        assert refused.status_code == 503
        health = requests.get(server.base + "/healthz", timeout=30)
        assert (health.status_code, health.json()["status"]) == (503, "error")
        api = browser.get("/api/v1/elections/", headers={"Authorization": "Bearer fsv_unknown"})
        assert api.status_code == 503
        assert api.json()["error"] == "service_unavailable"

        own_cluster.launch()

        assert requests.get(server.base + "/healthz", timeout=30).status_code == 200
        home = browser.get("/")
        assert home.status_code == 200  # the same session, kept in the database
        assert "Laura Benítez" in home.text
        retried = browser.post_with(submit, {}, token=token)
        assert retried.status_code == 302
        assert retried.headers["Location"] == reverse("elections:submitted", args=[election.pk])
    finally:
        server.stop()
