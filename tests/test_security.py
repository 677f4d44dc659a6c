"""The security baseline of DESIGN.md §9 that every page shares."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def test_every_page_but_login_and_healthz_requires_signing_in(client):
    for url in (reverse("elections:home"), reverse("elections:start"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "login" in response["Location"]
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200


def test_pages_carry_a_content_security_policy_without_inline_script(client, officer):
    client.force_login(officer)
    policy = client.get(reverse("elections:home"))["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "'self'" in script_src
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_template_contains_an_inline_script_or_event_handler():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{path}: {tag}")
        if re.search(r"\son(click|change|submit|load|input)\s*=", text):
            offenders.append(f"{path}: inline event handler")
    assert offenders == []


def test_an_idle_tablet_session_expires_after_fifteen_minutes():
    # Kept alive by elections.middleware.IdleExpiryMiddleware; tests/test_request_cost.py signs
    # in, waits and checks the tablet is signed out.
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert "elections.middleware.IdleExpiryMiddleware" in settings.MIDDLEWARE


def test_repeated_wrong_passwords_lock_the_sign_in(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "officer", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "officer", "password": "formsvc-test-password"}
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_the_deploy_check_is_clean_under_production_settings(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 30 + "a-long-random-production-secret-key-value",
        "ALLOWED_HOSTS": "formsvc.example.gov",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
