"""The pages as tablets and laptops meet them: gunicorn on PostgreSQL on loopback (issue 12).

A throwaway PostgreSQL cluster (tests/pgcluster.py) is migrated and filled by
``manage.py seed_scale --elections N`` (BENCH_ELECTIONS, default 100,000). Then gunicorn, with the
repository's gunicorn.conf.py and 4 sync workers, serves the application with production
settings on 127.0.0.1, plus a trivial view (formsvc/bench.py, only with
FORMSVC_BENCH_TRIVIAL_VIEW=1) that measures what any request costs on the same server in the same
run. locust, headless (benchmarks/locust_http.py), signs in seeded officers and supervisors
through the sign-in form (supervisors then pass the second-factor step with one-time recovery
codes made for the run), then keeps 10 and then 50 sessions requesting one page after another.
The 10 sessions ask again as soon as each answer arrives, so ``_rps_c10`` is what the server can
give; each of the 50 pauses 0.5 to 1.5 s between pages (BENCH_HTTP_THINK_C50), as people reading a
page do, so the 50 ask for about 50 pages a second between them and ``_p95_ms_c50`` is how long
each waits at that load:

- ``http_home_p95_ms_c50``, ``http_home_rps_c10``: the officer home (``/``);
- ``http_queue_p95_ms_c50``, ``http_queue_rps_c10``: the supervisor queue (the admin changelist);
- ``http_trivial_p95_ms_c50`` and ``http_home_vs_trivial_p95_c50``: the trivial view, and the home
  as a multiple of it (the figure that does not depend on how busy the machine is);
- ``http_healthz_session_p95_ms_c10``, ``http_healthz_session_vs_trivial_p95_c10``: ``/healthz``
  requested with a signed-in session, against the trivial view at the same concurrency;
- ``http_errors``: responses other than 200 in all of it, failed sign-ins included;
- ``http_home_queries_<N>``, ``http_queue_queries_<N>``: SQL statements per page at that size;
- ``http_home_bytes_gzip``: the officer home on the wire, compressed (the busiest officer's), and
  ``http_home_bytes_plain`` the same page uncompressed, as locust reports it.

BENCH_HTTP_DATABASE_URL measures against a database seeded before (with the password
BENCH_HTTP_PASSWORD) instead of a new cluster. Each phase lasts BENCH_HTTP_SECONDS (default 20:
this shared machine's speed drifts by 10-15% from one quarter-minute to the next, which a longer
phase averages) and until BENCH_HTTP_MIN_REQUESTS (200) answers came back, at most BENCH_HTTP_MAX_SECONDS (60);
each user makes at most BENCH_HTTP_MAX_REQUESTS requests; the server and the cluster are stopped
at the end whatever happens.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Signing keys and media of the run, removed at its end (run()).
VAR_DIR = tempfile.mkdtemp(prefix="formsvc-bench-http-var-")
ELECTIONS = int(os.environ.get("BENCH_ELECTIONS", "100000"))
PHASE_SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "20"))
PHASE_MAX_SECONDS = float(os.environ.get("BENCH_HTTP_MAX_SECONDS", "60"))
MIN_REQUESTS = int(os.environ.get("BENCH_HTTP_MIN_REQUESTS", "200"))
MAX_REQUESTS = int(os.environ.get("BENCH_HTTP_MAX_REQUESTS", "20000"))
THINK_C50 = os.environ.get("BENCH_HTTP_THINK_C50", "0.5,1.5")
WORKERS = 4
PASSWORD = os.environ.get("BENCH_HTTP_PASSWORD", "formsvc-bench-password")
HOME = "/"
QUEUE = "/admin/elections/election/"
TRIVIAL = "/bench/trivial"
HEALTHZ = "/healthz"

# Run against the seeded database with production settings: picks the accounts to sign in (the
# officers with the most open elections, the supervisors) and counts each page's statements at
# this size through Django's test client.
PREPARE = r"""
import json, os, sys
sys.path.insert(0, os.environ["FORMSVC_ROOT"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "formsvc.settings")
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from elections import second_factor
from elections.constants import EDITABLE_STATUSES, Role
from elections.models import Election
from tests.twofactor import mark_session_verified

users, home, queue = int(sys.argv[1]), sys.argv[2], sys.argv[3]
User = get_user_model()
active = User.objects.filter(is_active=True)
officers = list(
    active.filter(staff__role=Role.OFFICER)
    .annotate(open=Count("presented_elections", filter=Q(presented_elections__status__in=EDITABLE_STATUSES)))
    .filter(open__gt=0).order_by("-open", "pk").values_list("username", "open")[:users]
)
supervisors = list(
    active.filter(staff__role=Role.SUPERVISOR).order_by("pk").values_list("username", flat=True)[:users]
)
assert officers and supervisors, (len(officers), len(supervisors))

def statements(username, url):
    client = Client()
    user = User.objects.get(username=username)
    client.force_login(user)
    mark_session_verified(client, user)
    client.get(url, secure=True)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)

# The page's body as sent to a client that accepts gzip (locust reports it uncompressed).
def wire_bytes(username, url):
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get(url, secure=True, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response.get("Content-Encoding") == "gzip", url
    return len(response.content)

# One-time recovery codes for the supervisors' second-factor step (a new set each run).
codes = {
    username: second_factor.new_recovery_codes(User.objects.get(username=username))
    for username in supervisors
}
print(json.dumps({
    "codes": codes,
    "elections": Election.objects.count(),
    "officers": [o for o, _ in officers],
    "open_per_officer": [n for _, n in officers],
    "supervisors": supervisors,
    "home_queries": statements(officers[0][0], home),
    "home_bytes_gzip": wire_bytes(officers[0][0], home),
    "queue_queries": statements(supervisors[0], queue),
}))
"""


_T0 = time.monotonic()


def _say(what: str) -> None:
    """Progress on stderr (the figures go to stdout)."""
    print(f"bench_http {time.monotonic() - _T0:6.1f}s {what}", file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "FORMSVC_ROOT": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "formsvc.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "formsvc-benchmarks-only-" + "x" * 40,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "FORMSVC_VAR_DIR": VAR_DIR,
        "LOG_LEVEL": "WARNING",
    }


def _run(args: list[str], env: dict, what: str, timeout: float) -> str:
    _say(what)
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


@contextmanager
def _postgres():
    sys.path.insert(0, str(ROOT))
    from tests import pgcluster

    missing = [n for n in ("initdb", "pg_ctl", "createdb") if not (pgcluster.PG_BIN / n).exists()]
    if missing:
        raise RuntimeError(f"PostgreSQL binaries not found in {pgcluster.PG_BIN}: {missing}")
    cluster = pgcluster._start_cluster()
    try:
        yield cluster.url
    finally:
        cluster.stop()


@contextmanager
def _gunicorn(env: dict, port: int):
    log = tempfile.NamedTemporaryFile(prefix="formsvc-bench-gunicorn-", suffix=".log", delete=False)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env={
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(WORKERS),
            "FORMSVC_BENCH_TRIVIAL_VIEW": "1",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{HEALTHZ}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{Path(log.name).read_text()}")
            time.sleep(0.2)
        _say("gunicorn is up")
        yield server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        Path(log.name).unlink(missing_ok=True)


def _warm(port: int) -> None:
    """Each worker opens its connection and compiles its templates before anything is measured."""
    for _ in range(4 * WORKERS):
        for path in (TRIVIAL, HEALTHZ, "/accounts/login/"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
                r.read()


def _locust(
    env: dict,
    port: int,
    users: int,
    accounts: list[str],
    phases,
    *,
    think: str = "0",
    codes: dict[str, list[str]] | None = None,
) -> dict:
    results = Path(tempfile.mkstemp(prefix="formsvc-bench-locust-", suffix=".json")[1])
    # Every user signed in (at most 300 s: locust_http.SIGN_IN_SECONDS), then each phase.
    limit = int(330 + PHASE_MAX_SECONDS * len(phases) * 1.5)
    try:
        _run(
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                str(ROOT / "benchmarks" / "locust_http.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--host",
                f"http://127.0.0.1:{port}",
                "--run-time",
                f"{limit}s",
                "--stop-timeout",
                "10",
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            {
                **env,
                "BENCH_ACCOUNTS": json.dumps(accounts),
                "BENCH_PASSWORD": PASSWORD,
                "BENCH_CODES": json.dumps(codes or {}),
                "BENCH_THINK_SECONDS": think,
                "BENCH_PHASES": json.dumps(phases),
                "BENCH_PHASE_SECONDS": str(PHASE_SECONDS),
                "BENCH_PHASE_MAX_SECONDS": str(PHASE_MAX_SECONDS),
                "BENCH_MIN_REQUESTS": str(MIN_REQUESTS),
                "BENCH_RESULTS": str(results),
                "BENCH_MAX_REQUESTS": str(MAX_REQUESTS),
            },
            what=f"locust ({users} users)",
            timeout=limit + 60,
        )
        figures = json.loads(results.read_text() or "{}")
        _say(
            f"{users} users: "
            + ", ".join(
                f"{name} {phase.get('requests', phase.get('signed_in'))}"
                for name, phase in figures.items()
            )
        )
    finally:
        results.unlink(missing_ok=True)
    for name, phase in figures.items():
        if phase.get("failures"):
            _say(
                f"{users} users, {name}: {phase['failures']} failed: {phase.get('errors') or phase.get('reasons')}"
            )
    missing = [name for name, _ in phases if name not in figures]
    if missing:
        raise RuntimeError(f"locust measured no {missing} ({users} users): {figures}")
    return figures


def _errors(*runs: dict) -> int:
    """Failed requests of every phase and failed sign-ins (locust_http's ``_sign_in``)."""
    return sum(phase.get("failures", 0) for run in runs for phase in run.values())


def _ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("inf")


@contextmanager
def _seeded_database():
    """A throwaway cluster, migrated and seeded; or BENCH_HTTP_DATABASE_URL as it is, a database
    seed_scale filled before with BENCH_HTTP_PASSWORD (to measure again without seeding again)."""
    given = os.environ.get("BENCH_HTTP_DATABASE_URL")
    if given:
        yield given, None
        return
    with _postgres() as url:
        env = _env(url)
        manage = [sys.executable, "manage.py"]
        _run([*manage, "migrate", "--noinput"], env, "migrate", timeout=900)
        started = time.perf_counter()
        _run(
            [*manage, "seed_scale", "--elections", str(ELECTIONS), "--password", PASSWORD],
            env,
            "seed_scale",
            timeout=1800,
        )
        seeded_s = time.perf_counter() - started
        _run([*manage, "dbshell", "--", "-c", "ANALYZE"], env, "ANALYZE", timeout=600)
        yield url, seeded_s


def run():
    try:
        return _measure()
    finally:
        shutil.rmtree(VAR_DIR, ignore_errors=True)


def _measure():
    figures = []
    with _seeded_database() as (url, seeded_s):
        env = _env(url)
        prepared = json.loads(
            _run(
                [sys.executable, "-c", PREPARE, "50", HOME, QUEUE],
                env,
                "prepare",
                timeout=600,
            ).splitlines()[-1]
        )
        size = prepared["elections"]
        port = _free_port()
        with _gunicorn(env, port):
            _warm(port)
            officers, supervisors = prepared["officers"], prepared["supervisors"]
            officer_phases = [["home", HOME], ["trivial", TRIVIAL], ["healthz", HEALTHZ]]
            queue_phases = [["queue", QUEUE]]
            # Each supervisors' run takes its own share of every account's recovery codes.
            codes = prepared["codes"]
            first = {name: held[:3] for name, held in codes.items()}
            later = {name: held[3:] for name, held in codes.items()}
            o10 = _locust(env, port, 10, officers, officer_phases)
            s10 = _locust(env, port, 10, supervisors, queue_phases, codes=first)
            o50 = _locust(env, port, 50, officers, officer_phases[:2], think=THINK_C50)
            s50 = _locust(env, port, 50, supervisors, queue_phases, think=THINK_C50, codes=later)
    figures += [
        ("http_elections", size, "elections"),
        *([("http_seed_scale_s", round(seeded_s, 1), "s")] if seeded_s is not None else []),
        ("http_home_open_elections_max", max(prepared["open_per_officer"]), "elections"),
        (f"http_home_queries_{size}", prepared["home_queries"], "queries"),
        (f"http_queue_queries_{size}", prepared["queue_queries"], "queries"),
        ("http_home_bytes_gzip", prepared["home_bytes_gzip"], "bytes"),
        ("http_home_bytes_plain", round(o10["home"]["bytes_avg"]), "bytes"),
        ("http_home_p95_ms_c10", o10["home"]["p95_ms"], "ms"),
        ("http_home_rps_c10", round(o10["home"]["rps"], 1), "rps"),
        ("http_queue_p95_ms_c10", s10["queue"]["p95_ms"], "ms"),
        ("http_queue_rps_c10", round(s10["queue"]["rps"], 1), "rps"),
        ("http_trivial_p95_ms_c10", o10["trivial"]["p95_ms"], "ms"),
        ("http_healthz_session_p95_ms_c10", o10["healthz"]["p95_ms"], "ms"),
        (
            "http_healthz_session_vs_trivial_p95_c10",
            _ratio(o10["healthz"]["p95_ms"], o10["trivial"]["p95_ms"]),
            "x",
        ),
        ("http_home_p95_ms_c50", o50["home"]["p95_ms"], "ms"),
        ("http_home_rps_c50", round(o50["home"]["rps"], 1), "rps"),
        ("http_queue_p95_ms_c50", s50["queue"]["p95_ms"], "ms"),
        ("http_queue_rps_c50", round(s50["queue"]["rps"], 1), "rps"),
        ("http_trivial_p95_ms_c50", o50["trivial"]["p95_ms"], "ms"),
        (
            "http_home_vs_trivial_p95_c50",
            _ratio(o50["home"]["p95_ms"], o50["trivial"]["p95_ms"]),
            "x",
        ),
        ("http_errors", _errors(o10, s10, o50, s50), "errors"),
    ]
    return figures
