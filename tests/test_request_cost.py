"""What every request costs, and that making it cheaper kept every security property (issue 12).

Sessions are no longer written on every request, yet an idle tablet is still signed out after 15
minutes; pages are compressed for a client that accepts it; the health check reads no session.
Time moves by patching ``django.utils.timezone.now``, which the session store, its expiry and
elections.middleware.IdleExpiryMiddleware all read.
"""

import gzip
import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

HOME = "/"


class Clock:
    """The time every part of Django reads, moved on by hand."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def signed_in(client, officer, clock):
    """An officer signed in through the sign-in form, as on a tablet."""
    response = client.post(
        reverse("login"), {"username": officer.username, "password": "formsvc-test-password"}
    )
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    return client


def is_signed_in(client) -> bool:
    response = client.get(HOME)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
        return False
    assert response.status_code == 200
    return True


def session_writes(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return [
        q["sql"]
        for q in ctx.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_a_tablet_left_idle_for_fifteen_minutes_is_signed_out(signed_in, clock):
    clock.advance(minutes=15)
    assert not is_signed_in(signed_in)


def test_a_tablet_left_idle_just_under_fifteen_minutes_is_still_signed_in(signed_in, clock):
    clock.advance(minutes=14)
    assert is_signed_in(signed_in)


def test_an_officer_working_for_an_hour_stays_signed_in(signed_in, clock):
    for _ in range(30):
        clock.advance(minutes=2)
        assert is_signed_in(signed_in)


def test_idle_expiry_counts_from_the_last_refresh_so_it_is_never_later_than_fifteen_minutes(
    signed_in, clock
):
    # The session was refreshed at sign-in; a request 30 s later does not move the expiry on,
    # so the tablet is signed out 15 minutes after the refresh, never more than 15 after use.
    clock.advance(seconds=30)
    assert is_signed_in(signed_in)
    clock.advance(minutes=14, seconds=30)
    assert not is_signed_in(signed_in)


def test_pages_do_not_write_the_session_row_on_every_request(signed_in, clock):
    clock.advance(seconds=5)
    assert session_writes(signed_in, HOME) == []
    clock.advance(seconds=5)
    assert session_writes(signed_in, HOME) == []
    clock.advance(seconds=settings.SESSION_REFRESH_SECONDS)
    assert len(session_writes(signed_in, HOME)) == 1


def test_signing_out_ends_the_session_and_no_later_request_brings_it_back(signed_in, clock):
    clock.advance(seconds=settings.SESSION_REFRESH_SECONDS + 1)
    signed_in.post(reverse("logout"))
    assert not is_signed_in(signed_in)
    clock.advance(seconds=settings.SESSION_REFRESH_SECONDS + 1)
    assert not is_signed_in(signed_in)


def test_the_health_check_with_a_session_runs_one_query_and_keeps_the_session_idle(
    signed_in, clock
):
    clock.advance(minutes=10)
    with CaptureQueriesContext(connection) as ctx:
        response = signed_in.get(reverse("healthz"))
    assert response.status_code == 200
    assert [q["sql"] for q in ctx.captured_queries] == ["SELECT 1"]
    # Polling the health check is no activity: the session still ends 15 minutes after use.
    clock.advance(minutes=5)
    assert not is_signed_in(signed_in)


def test_the_officer_home_comes_compressed_when_the_browser_accepts_gzip(signed_in):
    response = signed_in.get(HOME, headers={"accept-encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "Sign out" in html
    assert len(response.content) < len(html.encode()) / 2


def test_the_officer_home_is_sent_plain_to_a_client_that_does_not_accept_gzip(signed_in):
    response = signed_in.get(HOME)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert "Sign out" in response.content.decode()


def test_templates_are_compiled_once_per_process_by_the_cached_loader():
    loaders = engines["django"].engine.template_loaders
    assert [type(loader).__module__ for loader in loaders] == ["django.template.loaders.cached"]


def test_the_benchmarks_trivial_view_does_not_exist_outside_the_benchmark(client):
    assert settings.FORMSVC_BENCH_TRIVIAL_VIEW is False
    assert client.get("/bench/trivial").status_code == 404


def test_on_postgresql_connections_are_kept_a_minute_and_checked_before_reuse():
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://formsvc@127.0.0.1:5432/formsvc",
        "DEBUG": "1",
    }
    env.pop("DATABASE_CONN_MAX_AGE", None)
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps([db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "formsvc.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [60, True]
