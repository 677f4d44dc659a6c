"""``python manage.py verify_record FILE.pdf`` exactly as the README gives it, on a checkout set up
by ``make run`` (no DEBUG, no SECRET_KEY in the shell): it runs; the service itself still refuses to
start without SECRET_KEY when DEBUG is off."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def plain_shell(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'checkout.sqlite3'}"
    return env


def run(args, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=plain_shell(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_verify_record_runs_as_the_readme_gives_it_without_debug_or_a_secret_key(tmp_path):
    damaged = tmp_path / "record.pdf"
    damaged.write_bytes(b"%PDF-1.7 cut short")
    result = run(["manage.py", "verify_record", str(damaged)], tmp_path)
    assert "ImproperlyConfigured" not in result.stderr
    assert result.returncode == 1
    assert f"INVALID {damaged}" in result.stderr
    assert "unreadable: This file is not a readable PDF." in result.stderr


def test_the_development_server_still_refuses_to_start_without_a_secret_key(tmp_path):
    result = run(["manage.py", "runserver", "--noreload", "127.0.0.1:0"], tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_a_wsgi_server_still_refuses_to_start_without_a_secret_key(tmp_path):
    result = run(["-c", "import formsvc.wsgi"], tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_the_background_worker_still_refuses_to_start_without_a_secret_key(tmp_path):
    result = run(["manage.py", "db_worker"], tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_the_deploy_check_still_reports_a_missing_secret_key(tmp_path):
    result = run(["manage.py", "check", "--deploy"], tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr
