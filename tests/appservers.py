"""Real app servers for the PostgreSQL tests: gunicorn (the repository's gunicorn.conf.py) and the
task worker (``manage.py db_worker``) as processes of their own on 127.0.0.1, and a small browser
that talks to them over HTTP the way a tablet behind the TLS proxy would.

The processes run production's settings (tests/server_settings.py adds only the test suite's
password hasher), against the database the test itself sees, with one storage folder shared by
every process of a test: the run's S3 store when tests/s3server.py set one up (make test-postgres
loads it), else one folder.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "formsvc-two-servers-test-key-0123456789-abcdefghijklmnopqrstuvwxyz"
START_TIMEOUT = 60  # seconds for a server to answer /healthz


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name: str | None = None, *, port: int | None = None) -> str:
    """The URL of the database this test runs on (pytest-django's test database)."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{port or db['PORT']}/{name or db['NAME']}"


def server_env(var_dir: Path, db_url: str, **extra: str) -> dict[str, str]:
    """The environment of every process of one deployment: one database, one key, one storage."""
    env = {
        key: value
        for key, value in os.environ.items()
        # The run's storage settings (FORMSVC_STORAGE, AWS_*: tests/s3server.py) go through.
        if not key.startswith(("DJANGO_", "PYTEST", "GUNICORN_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.server_settings",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=db_url,
        ALLOWED_HOSTS="127.0.0.1",
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        FORMSVC_VAR_DIR=str(var_dir),
        FORMSVC_SIGNING_P12=str(settings.FORMSVC_SIGNING_P12),
        FORMSVC_SIGNING_P12_PASSWORD=settings.FORMSVC_SIGNING_P12_PASSWORD,
        FORMSVC_SIGNING_CA=str(settings.FORMSVC_SIGNING_CA),
        FORMSVC_PUBLIC_URL="https://formsvc.example.org",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the process and every process it started (gunicorn's workers)."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class AppServer(Process):
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _spawn(name: str, command: list[str], env: dict[str, str], log_dir: Path) -> tuple:
    log = log_dir / f"{name}.log"
    handle = log.open("wb")
    popen = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: killed with its workers
    )
    handle.close()
    return popen, log


def start_server(
    name: str, env: dict[str, str], log_dir: Path, *, workers: int = 1, threads: int = 1
) -> AppServer:
    """gunicorn with the repository's gunicorn.conf.py, on a free loopback port."""
    port = free_port()
    server_environment = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_TIMEOUT": "120",
        "GUNICORN_GRACEFUL_TIMEOUT": "5",
        "GUNICORN_ACCESS_LOG": "-",
    }
    popen, log = _spawn(
        name,
        [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")],
        server_environment,
        log_dir,
    )
    server = AppServer(name=name, popen=popen, log=log, port=port)
    wait_until_serving(server)
    return server


def wait_until_serving(server: AppServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.popen.poll() is not None:
            raise RuntimeError(f"{server.name} exited:\n{server.output()}")
        try:
            # A worker answers once it has loaded Django: on a busy machine, seconds.
            probe = requests.get(server.base + "/healthz", timeout=30, allow_redirects=False)
            if probe.status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{server.name} never answered /healthz:\n{server.output()}")


def start_worker(env: dict[str, str], log_dir: Path) -> Process:
    """The task worker, as its own process (``manage.py db_worker``)."""
    popen, log = _spawn(
        "worker",
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-reload"],
        env,
        log_dir,
    )
    return Process(name="worker", popen=popen, log=log)


def run_checked(command: list, *, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a script of the repository; its output is the failure message when it fails."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, (
        f"{command[0]} exited {result.returncode}:\n{result.stdout}{result.stderr}"
    )
    return result


def wait_for(condition, *, timeout: float = 60, every: float = 0.2, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"gave up waiting for {what}")


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert match, f"no {name} field on the page"
    return match.group(1)


@dataclass
class Browser:
    """A browser behind the TLS proxy: keeps its cookies (the secure ones too: the proxy speaks
    HTTPS to it), sends X-Forwarded-Proto and a same-site Referer as the proxy and browser
    would, and can be pointed at any app server while keeping its cookies."""

    server: AppServer
    cookies: dict[str, str] = field(default_factory=dict)
    language: str = "en"

    def on(self, server: AppServer) -> Browser:
        """The same browser (same cookies) talking to another app server."""
        self.server = server
        return self

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        host = f"127.0.0.1:{self.server.port}"
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{host}{path}",
            "Accept-Language": self.language,
            **kwargs.pop("headers", {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(
            method,
            self.server.base + path,
            headers=headers,
            allow_redirects=False,
            timeout=kwargs.pop("timeout", 120),
            **kwargs,
        )
        for raw in response.raw.headers.getlist("Set-Cookie"):
            jar = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, *, csrf_from: str | None = None, **kwargs):
        """POST ``data`` with the CSRF token of the page at ``csrf_from`` (default: ``path``)."""
        page = self.get(csrf_from or path)
        assert page.status_code == 200, (page.status_code, page.text[:500])
        return self.post_with(path, data, token=csrf_token(page.text), **kwargs)

    def post_with(self, path: str, data: dict, *, token: str, **kwargs):
        return self.request("POST", path, data={"csrfmiddlewaretoken": token, **data}, **kwargs)

    def sign_in(self, username: str, password: str, *, code: str | None = None) -> str:
        """Sign in through the pages: the password, then, for a supervisor, auditor or admin
        user (sent to the second-factor step), ``code`` typed there. Returns where it lands."""
        response = self.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 302, (response.status_code, response.text[:1000])
        landing = response.headers["Location"]
        assert "/accounts/login/" not in landing
        if "/accounts/second-factor/" not in landing:
            # The page it lands on sends a user who needs a second factor to the step.
            next_page = self.get(landing)
            if next_page.status_code == 302:
                if "/accounts/second-factor/" in next_page.headers["Location"]:
                    landing = next_page.headers["Location"]
        if "/accounts/second-factor/" not in landing:
            assert code is None, f"{username} was not asked for a second factor"
            return landing
        assert code is not None, f"{username} is asked for a second factor: pass code="
        assert "/enrol/" not in landing, f"{username} has no second-factor device to confirm"
        confirmed = self.post(landing, {"code": code})
        assert confirmed.status_code == 302, (confirmed.status_code, confirmed.text[:1000])
        landing = confirmed.headers["Location"]
        assert "/accounts/second-factor/" not in landing, landing
        return landing


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)
