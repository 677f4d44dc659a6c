"""gunicorn's configuration for formsvc: ``gunicorn`` run from the project root reads this file.

Every value comes from the environment, so one file serves a laptop, a benchmark and every app
server of a deployment (docs/operations.md). The app servers keep no state of their own: sessions,
records and tasks live in PostgreSQL and the sealed PDFs in the configured storage, so any number
of them can stand behind one TLS proxy.

    GUNICORN_BIND              address to listen on (default 127.0.0.1:8000; several, comma-separated)
    GUNICORN_WORKERS           worker processes (default 2 x CPUs + 1)
    GUNICORN_THREADS           threads per worker (default 1: sync workers)
    GUNICORN_TIMEOUT           seconds a request may take before its worker is replaced (default
                               60: an approval renders and seals a PDF, and may wait for the
                               timestamp authority)
    GUNICORN_GRACEFUL_TIMEOUT  seconds a stopping worker has to finish its requests (default 30)
    GUNICORN_KEEPALIVE         seconds an idle keep-alive connection from the proxy stays open
                               (default 5)
    GUNICORN_ACCESS_LOG        where each request is logged: "-" for stdout (default), a file,
                               or empty for none
    GUNICORN_ERROR_LOG         gunicorn's own log: "-" for stderr (default) or a file
    GUNICORN_LOG_LEVEL         gunicorn's log level (default info)
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
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

_access_log = os.environ.get("GUNICORN_ACCESS_LOG", "-")
accesslog = _access_log or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client's address as the TLS proxy saw it, and the time each request took (microseconds).
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'

# The TLS proxy in front sets X-Forwarded-Proto; gunicorn trusts it only from these addresses
# (Django reads it through SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Each worker loads the app itself: a worker replaced after a crash or a timeout starts clean,
# and no database connection is ever shared across a fork.
preload_app = False
