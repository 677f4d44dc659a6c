"""gunicorn's configuration for formsvc: `gunicorn -c gunicorn.conf.py formsvc.wsgi`.

Every value comes from the environment, so one file serves production, several app servers side by
side on one host (each with its own GUNICORN_BIND) and the HTTP benchmark (benchmarks/bench_http.py).

    GUNICORN_BIND            address to listen on (default 127.0.0.1:8000); a reverse proxy in front
                             terminates TLS and sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER)
    GUNICORN_WORKERS         worker processes (default 2 x CPUs + 1)
    GUNICORN_TIMEOUT         seconds a request may run before its worker is restarted (default 60:
                             an approval renders and seals a PDF, a large export goes to the worker)
    GUNICORN_MAX_REQUESTS    restart a worker after this many requests, 0 never (default 0)
    GUNICORN_ACCESS_LOG      file for gunicorn's access log, "-" for stdout, empty for none (default)
    GUNICORN_PID             pid file (default none)

Workers are gunicorn's sync workers, one request at a time each: Django's views are synchronous
and each worker keeps one PostgreSQL connection for DATABASE_CONN_MAX_AGE seconds
(formsvc/settings.py), so PostgreSQL sees at most workers x app servers connections.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
pidfile = os.environ.get("GUNICORN_PID") or None
wsgi_app = "formsvc.wsgi:application"
# Django is imported in each worker after the fork, not in the master: no connection or open
# file is shared between processes.
preload_app = False
