"""In a real browser, no page of any role trips its Content-Security-Policy: no script, style,
font, image or frame is refused, including what the pages' own scripts add once loaded (the
signature pad, the queue's controls, the dashboard's charts, Swagger UI)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.audit_helpers import make_audit_user
from tests.browser.conftest import LAPTOP_VIEWPORT, TABLET_VIEWPORT
from tests.factories import STAFF_PASSWORD, ElectionFactory
from tests.supervision import submitted

pytestmark = pytest.mark.browser

#: Registered before any script of the page runs: every refusal the browser reports.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} refused ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def refusals(browser, base_url: str, user, paths: list[str], viewport: dict) -> list[str]:
    context = browser.new_context(viewport=viewport, locale="en-US")
    context.add_init_script(LISTEN)
    found: list[str] = []
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on(
            "console",
            lambda message: (
                found.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.goto(base_url + "/accounts/login/")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        for path in paths:
            response = page.goto(base_url + path)
            assert response is not None and response.ok, (path, response and response.status)
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            page.wait_for_load_state("load")
            found += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations")]
    finally:
        context.close()
    return found


def test_no_officer_or_supervisor_page_is_refused_anything_by_its_policy(
    transactional_db, live_server, browser, office, officer, witness, supervisor, notices
):
    def made(stage):
        return ElectionFactory(stage=stage, office=office, presented_by=officer, witness=witness)

    steps, shown, signed = made("notice"), made("shown"), made("parent_signed")
    sent = submitted(officer=officer, witness=witness)
    officer_paths = [
        "/",
        "/elections/new/",
        f"/elections/{steps.pk}/parent/",
        f"/elections/{steps.pk}/children/",
        f"/elections/{steps.pk}/notice/",
        f"/elections/{shown.pk}/for-parent/choices/",
        f"/elections/{shown.pk}/for-parent/sign/",
        f"/elections/{signed.pk}/signatures/",
        f"/elections/{sent.pk}/summary/",
    ]
    supervisor_paths = [
        "/admin/elections/election/",
        f"/admin/elections/election/{sent.pk}/change/",
        f"/admin/elections/election/{sent.pk}/history/",
        "/admin/password_change/",
    ]

    found = refusals(browser, live_server.url, officer, officer_paths, TABLET_VIEWPORT)
    found += refusals(browser, live_server.url, supervisor, supervisor_paths, LAPTOP_VIEWPORT)

    assert found == []


def test_no_auditor_page_nor_the_api_documentation_is_refused_anything(
    transactional_db, live_server, browser, office, officer, witness, notices
):
    submitted(officer=officer, witness=witness)
    paths = [
        "/audit/",
        "/audit/dashboard/",
        "/audit/removals/report/",
        "/audit/exports/",
        "/audit/verify/",
        "/audit/access-log/",
        "/api/v1/docs/",
    ]

    found = refusals(browser, live_server.url, make_audit_user(), paths, LAPTOP_VIEWPORT)

    assert found == []
