"""gunicorn.conf.py: every app-server setting from the environment, with safe defaults."""

import multiprocessing
import os
import runpy
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
