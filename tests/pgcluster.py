"""Pytest plugin: run the suite against a throwaway PostgreSQL cluster.

Load it with ``pytest -p tests.pgcluster -m postgres`` (``make test`` does). Before Django's
settings are imported it creates a cluster in a temporary directory, listening on 127.0.0.1
only (its unix socket stays inside that directory), and points ``DATABASE_URL`` at it; the
cluster is stopped and the directory removed when pytest finishes.

Without the PostgreSQL binaries the ``postgres`` tests are skipped, except under ``CI=true``,
where the run fails: CI must never pass by skipping them.
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("FORMSVC_PG_BIN", "/usr/lib/postgresql/15/bin"))
DB_NAME = "formsvc"
SUPERUSER = "postgres"


@dataclass
class Cluster:
    root: Path
    port: int
    run_as: str | None  # OS user owning the cluster when we are root; None means ourselves

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{DB_NAME}"

    def command(self, *args: str | os.PathLike) -> list[str]:
        cmd = [str(a) for a in args]
        if self.run_as:
            # initdb and postgres refuse to run as root.
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        return cmd

    def run(self, *args: str | os.PathLike) -> None:
        result = subprocess.run(
            self.command(*args), capture_output=True, text=True, cwd=self.root, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(self.command(*args))} exited {result.returncode}:\n"
                f"{result.stdout}{result.stderr}{self._server_log()}"
            )

    def _server_log(self) -> str:
        log = self.root / "server.log"
        return f"\n--- server.log ---\n{log.read_text()}" if log.exists() else ""

    def start(self) -> None:
        self.run(
            PG_BIN / "initdb",
            "--pgdata",
            self.data_dir,
            "--auth=trust",
            "--username",
            SUPERUSER,
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self.launch()
        self.run(
            PG_BIN / "createdb",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--username",
            SUPERUSER,
            DB_NAME,
        )

    def launch(self) -> None:
        """Start the server on the cluster made by ``start`` (again, after ``halt``)."""
        server_options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-c port={self.port}",
                f"-c unix_socket_directories='{self.root}'",
                # Durability is pointless for a cluster that lives as long as one test run.
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                # As docs/operations.md asks of a server on SSD or in memory.
                "-c random_page_cost=1.1",
            ]
        )
        self.run(
            PG_BIN / "pg_ctl",
            "start",
            "--pgdata",
            self.data_dir,
            "--wait",
            "--timeout=60",
            "--log",
            self.root / "server.log",
            "-o",
            server_options,
        )

    def halt(self) -> None:
        """Stop the server as an operator would (``pg_ctl stop``), keeping the cluster's data."""
        self.run(PG_BIN / "pg_ctl", "stop", "--pgdata", self.data_dir, "--mode=fast", "--wait")

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            subprocess.run(
                self.command(
                    PG_BIN / "pg_ctl", "stop", "--pgdata", self.data_dir, "--mode=immediate", "-w"
                ),
                capture_output=True,
                cwd=self.root,
                check=False,
            )
        shutil.rmtree(self.root, ignore_errors=True)


_cluster: Cluster | None = None
_unavailable: str | None = None  # why the cluster could not be started


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _start_cluster() -> Cluster:
    run_as = None
    if os.geteuid() == 0:
        run_as = "postgres"
        try:
            owner = pwd.getpwnam(run_as)
        except KeyError as exc:
            raise RuntimeError(
                "running as root but there is no 'postgres' user to own the cluster"
            ) from exc
    root = Path(tempfile.mkdtemp(prefix="formsvc-pg-"))
    if run_as:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    cluster = Cluster(root=root, port=_free_port(), run_as=run_as)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # tryfirst: pytest-django imports the settings module in its own (plain) implementation of
    # this hook, and the settings read DATABASE_URL at import time.
    global _cluster, _unavailable
    missing = [name for name in ("initdb", "pg_ctl", "createdb") if not (PG_BIN / name).exists()]
    if missing:
        _unavailable = (
            f"PostgreSQL binaries not found in {PG_BIN} ({', '.join(missing)}); "
            "run scripts/install-system-deps"
        )
        return
    _cluster = _start_cluster()
    # Backstop for runs that never reach pytest_unconfigure (e.g. a crash during startup).
    atexit.register(_cluster.stop)
    os.environ["DATABASE_URL"] = _cluster.url


def pytest_report_header(config):
    if _cluster:
        return f"postgres: throwaway cluster at 127.0.0.1:{_cluster.port} ({_cluster.root})"
    return f"postgres: unavailable: {_unavailable}"


def pytest_sessionstart(session):
    if _unavailable and _in_ci():
        pytest.exit(f"CI=true and {_unavailable}", returncode=pytest.ExitCode.INTERNAL_ERROR)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: mark everything under tests/postgres before `-m postgres` deselects items.
    postgres_dir = Path(__file__).parent / "postgres"
    for item in items:
        if postgres_dir in Path(item.path).parents:
            item.add_marker(pytest.mark.postgres)
        if _unavailable and item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.skip(reason=_unavailable))


def pytest_unconfigure(config):
    global _cluster
    if _cluster:
        _cluster.stop()
        atexit.unregister(_cluster.stop)
        _cluster = None
