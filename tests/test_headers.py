"""Response headers and production settings (issue 13, item 3): every kind of page, as each role
sees it, carries the Content-Security-Policy and the other security headers, is never stored by
a browser or proxy, and contains nothing that policy would have to allow inline."""

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from elections.audit import exports
from elections.models import ExportJob, LegalServiceProvider
from tests.api.support import service_token
from tests.audit_helpers import make_audit_user
from tests.factories import STAFF_PASSWORD, ElectionFactory
from tests.records_support import approve, two_child_election

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class InlineFinder(HTMLParser):
    """What a page has that a policy without 'unsafe-inline' blocks: a <script> with a body and no
    src, a <style> block, a style="..." attribute, an on...= event handler, a javascript: link."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script_without_src = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script":
            kind = (names.get("type") or "").lower()
            # A JSON data block (type="application/json") is not run, and CSP does not apply.
            self._script_without_src = "src" not in names and kind != "application/json"
        if tag == "style":
            self.found.append("<style> block")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:...>")

    def handle_data(self, data):
        if self._script_without_src and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_without_src = False


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def header_problems(name: str, response) -> list[str]:
    problems = []
    policy = response.get("Content-Security-Policy", "")
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        if directive not in policy:
            problems.append(f"{name}: CSP lacks {directive!r}: {policy!r}")
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        problems.append(f"{name}: CSP allows unsafe code: {policy!r}")
    cache = response.get("Cache-Control", "")
    if "no-store" not in cache or "private" not in cache:
        problems.append(f"{name}: Cache-Control is {cache!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{name}: no nosniff")
    if response.get("Referrer-Policy") != "same-origin":
        problems.append(f"{name}: Referrer-Policy is {response.get('Referrer-Policy')!r}")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"{name}: X-Frame-Options is {response.get('X-Frame-Options')!r}")
    return problems


def check(pages: dict, client, **extra) -> list[str]:
    """GET each page; every answer must be 200 with the headers, and HTML without inline code."""
    problems = []
    for name, url in pages.items():
        response = client.get(url, **extra)
        if response.status_code != 200:
            problems.append(f"{name}: {url} answered {response.status_code}")
            continue
        problems += header_problems(name, response)
        if response.get("Content-Type", "").startswith("text/html"):
            problems += [f"{name}: {found}" for found in inline_code(response.content.decode())]
        if response.streaming:
            b"".join(response.streaming_content)
    return problems


@pytest.fixture
def world(office, officer, witness, supervisor, notices):
    approved = approve(two_child_election(office, officer, witness), supervisor)
    draft = ElectionFactory(office=office, presented_by=officer, witness=witness, stage="ready")
    submitted = ElectionFactory(
        office=office, presented_by=officer, witness=witness, submitted=True
    )
    return {"approved": approved, "draft": draft, "submitted": submitted}


def test_every_page_before_signing_in_carries_the_security_headers(client):
    pages = {"sign-in": reverse("login"), "admin sign-in": reverse("admin:login")}
    pages["health"] = reverse("healthz")
    pages["API documentation"] = reverse("api:docs")
    pages["API schema"] = reverse("api:schema")
    assert check(pages, client) == []


def test_every_officer_page_carries_the_headers_and_no_inline_code(client, officer, world):
    draft, submitted, approved = world["draft"], world["submitted"], world["approved"]
    step = {
        name: reverse(f"elections:{name}", args=[draft.pk])
        for name in (
            "parent",
            "children",
            "notice",
            "handover",
            "parent_notice",
            "parent_choices",
            "parent_sign",
            "handback",
            "staff_sign",
            "review",
        )
    }
    pages = {
        "home": reverse("elections:home"),
        "start": reverse("elections:start"),
        **step,
        "submitted": reverse("elections:submitted", args=[submitted.pk]),
        "summary": reverse("elections:summary", args=[approved.pk]),
        "parent's copy (PDF)": reverse("elections:record_pdf", args=[approved.pk]),
        "verify": reverse("elections:verify"),
        "verify a record": reverse("elections:verify_record", args=[approved.pk]),
    }
    client.force_login(officer)
    assert check(pages, client) == []


def test_every_supervisor_page_carries_the_headers_and_no_inline_code(client, supervisor, world):
    submitted = world["submitted"]
    pages = {
        "queue": reverse("admin:elections_election_changelist"),
        "review": reverse("admin:elections_election_change", args=[submitted.pk]),
        "history": reverse("admin:elections_election_history", args=[submitted.pk]),
        "change password": reverse("admin:password_change"),
    }
    client.force_login(supervisor)
    assert check(pages, client) == []


def test_every_account_administration_page_carries_the_headers_and_no_inline_code(
    client, officer, world
):
    # A sign-in, then a failure (a success clears the failures counted before it).
    Client().post(reverse("login"), {"username": "officer", "password": STAFF_PASSWORD})
    Client().post(reverse("login"), {"username": "officer", "password": "wrong password"})
    root = get_user_model().objects.create_superuser("root", "root@formsvc.example", "x")
    token, _raw = service_token("records:read")
    provider = LegalServiceProvider.objects.create(
        office=officer.staff.office, name="Servicios Legales", telephone="915-555-0100"
    )
    pages = {
        "index": reverse("admin:index"),
        "sign-in attempts": reverse("admin:axes_accessattempt_changelist"),
        "sign-in attempt": reverse(
            "admin:axes_accessattempt_change",
            args=[AccessAttempt.objects.get().pk],
        ),
        "sign-in failures": reverse("admin:axes_accessfailurelog_changelist"),
        "sign-ins": reverse("admin:axes_accesslog_changelist"),
        "accounts": reverse("admin:auth_user_changelist"),
        "account": reverse("admin:auth_user_change", args=[officer.pk]),
        "set a password": reverse("admin:auth_user_password_change", args=[officer.pk]),
        "API tokens": reverse("admin:elections_apitoken_changelist"),
        "API token": reverse("admin:elections_apitoken_change", args=[token.pk]),
        "legal providers": reverse("admin:elections_legalserviceprovider_changelist"),
        "legal provider": reverse(
            "admin:elections_legalserviceprovider_change", args=[provider.pk]
        ),
    }
    client.force_login(root)
    assert check(pages, client) == []


def test_every_auditor_page_and_export_carries_the_headers_and_no_inline_code(
    client, world, settings
):
    approved = world["approved"]
    client.force_login(make_audit_user())
    settings.FORMSVC_EXPORT_STREAM_MAX = 0  # the export is built as a job, then downloaded
    client.post(reverse("audit:export_zip"), {"query": ""})
    job = exports.export_job_run(job_id=ExportJob.objects.get().pk)
    pages = {
        "search": reverse("audit:search"),
        "search CSV": reverse("audit:search_csv"),
        "record": reverse("audit:record", args=[approved.pk]),
        "record PDF": reverse("audit:record_pdf", args=[approved.pk]),
        "exports": reverse("audit:exports"),
        "export job": reverse("audit:export_job", args=[job.pk]),
        "export status": reverse("audit:export_status", args=[job.pk]),
        "export ZIP": reverse("audit:export_download", args=[job.pk]),
        "verify": reverse("audit:verify"),
        "dashboard": reverse("audit:dashboard"),
        "removals": reverse("audit:removals_flagged"),
        "removals report": reverse("audit:removals_report"),
        "removals report CSV": reverse("audit:removals_report_csv"),
        "access log": reverse("audit:access_log"),
        "access log CSV": reverse("audit:access_log_csv"),
    }
    assert check(pages, client) == []


def test_a_streamed_zip_export_is_not_stored(client, world):
    client.force_login(make_audit_user())

    response = client.post(reverse("audit:export_zip"), {"query": ""})

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    b"".join(response.streaming_content)


def test_every_api_answer_with_personal_data_is_not_stored(client, world):
    approved = world["approved"]
    _token, raw = service_token()
    a_number = approved.parent.a_number
    pages = {
        "elections": reverse("api:election-list"),
        "election": reverse("api:election-detail", args=[approved.pk]),
        "record PDF": reverse("api:election-pdf", args=[approved.pk]),
        "clearance": reverse("api:parent-clearance", args=[a_number]),
        "report": reverse("api:report-removed-undocumented"),
        "report CSV": reverse("api:report-removed-undocumented-csv"),
    }
    assert check(pages, client, HTTP_AUTHORIZATION=f"Bearer {raw}") == []
    refused = client.get(reverse("api:election-list"))
    assert refused.status_code == 401 and "no-store" in refused["Cache-Control"]


def test_over_https_the_browser_is_told_to_keep_to_https(client):
    response = client.get(reverse("login"), secure=True)

    assert response["Strict-Transport-Security"] == (
        f"max-age={settings.SECURE_HSTS_SECONDS}; includeSubDomains; preload"
    )
    assert settings.SECURE_HSTS_SECONDS >= 31536000


def test_no_template_has_inline_style_or_script():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "pdf" in path.relative_to(ROOT).parts:
            continue  # rendered by WeasyPrint on the server, never served to a browser
        offenders += [f"{path.relative_to(ROOT)}: {f}" for f in inline_code(path.read_text())]
    assert offenders == []


# --- production settings ------------------------------------------------------------------------

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 30 + "a-long-random-production-secret-key-value",
    "ALLOWED_HOSTS": "formsvc.example.gov",
}


def production_settings(tmp_path, *names: str) -> dict:
    env = {
        **os.environ,
        **PRODUCTION,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "formsvc.settings",
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_in_production_the_cookies_are_host_only_and_secure(tmp_path):
    values = production_settings(
        tmp_path,
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_PATH",
        "CSRF_COOKIE_PATH",
        "SESSION_COOKIE_DOMAIN",
        "CSRF_COOKIE_DOMAIN",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
    )

    assert values == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_PATH": "/",
        "CSRF_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "CSRF_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
    }


def test_a_secure_sign_in_sets_host_prefixed_cookies(client, settings, officer):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME = "__Host-sessionid", "__Host-csrftoken"
    client.get(reverse("login"), secure=True)
    response = client.post(
        reverse("login"), {"username": "officer", "password": STAFF_PASSWORD}, secure=True
    )

    for name in ("__Host-sessionid", "__Host-csrftoken"):
        cookie = response.cookies.get(name) or client.cookies[name]
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
        assert not cookie["domain"]
    assert client.get(reverse("elections:home"), secure=True).status_code == 200
