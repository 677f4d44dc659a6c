"""gunicorn.conf.py: every app-server setting from the environment, with safe defaults."""

import multiprocessing
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def load(monkeypatch, **env) -> dict:
    for name in list(os.environ):
        if name.startswith("GUNICORN_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_the_defaults_serve_the_app_on_loopback_with_sync_workers(monkeypatch):
    conf = load(monkeypatch)
    assert conf["wsgi_app"] == "formsvc.wsgi:application"
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert (conf["threads"], conf["timeout"], conf["graceful_timeout"]) == (1, 60, 30)
    assert conf["accesslog"] is None
    assert conf["errorlog"] == "-"
    assert conf["max_requests"] == 0
    assert conf["preload_app"] is False


def test_every_setting_comes_from_the_environment(monkeypatch):
    conf = load(
        monkeypatch,
        GUNICORN_BIND="10.0.0.11:8000, 127.0.0.1:8001",
        GUNICORN_WORKERS="4",
        GUNICORN_THREADS="2",
        GUNICORN_TIMEOUT="90",
        GUNICORN_GRACEFUL_TIMEOUT="10",
        GUNICORN_ACCESS_LOG="-",
        GUNICORN_ERROR_LOG="/var/log/formsvc/error.log",
        GUNICORN_MAX_REQUESTS="1000",
    )
    assert conf["bind"] == ["10.0.0.11:8000", "127.0.0.1:8001"]
    assert (conf["workers"], conf["threads"], conf["timeout"]) == (4, 2, 90)
    assert conf["graceful_timeout"] == 10
    assert conf["accesslog"] == "-"
    assert conf["errorlog"] == "/var/log/formsvc/error.log"
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (1000, 100)


def test_a_malformed_number_stops_the_server_naming_the_variable(monkeypatch):
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS must be a whole number"):
        load(monkeypatch, GUNICORN_WORKERS="four")


def test_a_worker_loads_every_view_and_freezes_what_it_loaded_before_its_first_request():
    """post_worker_init: the URLconf's views are imported before anyone's first request, and
    the objects loaded so far are out of the garbage collector's full passes (gc.freeze)."""
    script = f"""
import gc, os, runpy, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "formsvc.settings")
import django
django.setup()
conf = runpy.run_path({str(CONF)!r})
assert "elections.api.views" not in sys.modules
conf["post_worker_init"](None)
assert "elections.api.views" in sys.modules
print(gc.get_freeze_count())
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=CONF.parent,
        env={**os.environ, "SECRET_KEY": "gunicorn-conf-test-" + "x" * 40, "DEBUG": "0"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) > 10_000
