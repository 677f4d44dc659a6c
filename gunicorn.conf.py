"""gunicorn's configuration for formsvc: ``gunicorn`` (or ``gunicorn -c gunicorn.conf.py``) run from
the project root reads this file.

Every value comes from the environment, so one file serves production, several app servers side
by side (each with its own GUNICORN_BIND), the tests that run two of them
(tests/postgres/test_two_servers.py) and the HTTP benchmark (benchmarks/bench_http.py); see
docs/operations.md. The app servers keep no state of their own: sessions, records and tasks live in
PostgreSQL and the sealed PDFs in the configured storage, so any number of them can stand behind
one TLS proxy, which terminates TLS and sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).

    GUNICORN_BIND              address(es) to listen on, comma-separated (default 127.0.0.1:8000)
    GUNICORN_WORKERS           worker processes (default 2 x CPUs + 1)
    GUNICORN_THREADS           threads per worker (default 1: sync workers, one request at a time)
    GUNICORN_TIMEOUT           seconds a request may run before its worker is replaced (default
                               60: an approval renders and seals a PDF and may wait for the
                               timestamp authority; a large export goes to the task worker)
    GUNICORN_GRACEFUL_TIMEOUT  seconds a stopping worker has to finish its requests (default 30)
    GUNICORN_KEEPALIVE         seconds an idle keep-alive connection from the proxy stays open
                               (default 5)
    GUNICORN_MAX_REQUESTS      replace a worker after this many requests, 0 never (default 0)
    GUNICORN_ACCESS_LOG        file for the access log, "-" for stdout, empty for none (default)
    GUNICORN_ERROR_LOG         gunicorn's own log: "-" for stderr (default) or a file
    GUNICORN_LOG_LEVEL         gunicorn's log level (default info)
    GUNICORN_PID               pid file (default none)
    GUNICORN_FORWARDED_ALLOW_IPS  the proxy's addresses, trusted for forwarded headers
                               (default 127.0.0.1,::1)

Each worker keeps one PostgreSQL connection (one per thread) for DATABASE_CONN_MAX_AGE seconds
(formsvc/settings.py): PostgreSQL sees at most app servers x workers x threads connections.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None


wsgi_app = "formsvc.wsgi:application"
bind = [
    address.strip()
    for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
    if address.strip()
]
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
# More than one thread makes gunicorn use its threaded worker instead of the sync one.
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG") or "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"
pidfile = os.environ.get("GUNICORN_PID") or None
# The client's address as the TLS proxy saw it, and the time each request took (microseconds).
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"

# Django is imported in each worker after the fork, not in the master: no connection or open file
# is shared between processes, and a worker replaced after a crash or a timeout starts clean.
preload_app = False


def post_worker_init(worker):
    """Once a worker has loaded the application, before its first request: import every view
    (the URLconf), which Django would otherwise do during someone's first request to that worker
    (seconds, on a small machine), then move everything loaded so far out of the garbage
    collector's sight (``gc.freeze``). Those objects live as long as the worker; without this,
    each full collection walks all of them again, a pause of tens of milliseconds in the middle of
    some request."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the import is the point
    gc.collect()
    gc.freeze()
