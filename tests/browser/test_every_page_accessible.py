"""Every page of every role passes axe-core (serious and critical, every control at least 44x44
CSS px included) at the viewport it is used on: the officer's and the parent's screens on the
tablet both ways round, the supervisor's queue on the tablet and the laptop, the auditor's
workspace on the laptop. The whole page is checked, header and language switch included.

Set ``FORMSVC_A11Y_SHOTS=DIR`` to keep a full-page screenshot of every page checked."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from elections.models import RemovalSource
from elections.removals import RemovalData, record_removal
from tests.audit_helpers import make_audit_user, off_the_event_loop, sealed_world
from tests.browser.conftest import (
    LAPTOP_VIEWPORT,
    ORIENTATION_IDS,
    TABLET_LANDSCAPE,
    TABLET_ORIENTATIONS,
    assert_accessible,
    axe_check,
    format_violations,
)
from tests.factories import (
    STAFF_PASSWORD,
    ChildDataFactory,
    ElectionFactory,
    ParentFactory,
    birthday_years_ago,
)
from tests.supervision import submitted
from tests.twofactor import confirm_second_factor

pytestmark = pytest.mark.browser

#: Set FORMSVC_A11Y_SHOTS to a folder to keep a full-page screenshot of every page checked.
SHOTS = os.environ.get("FORMSVC_A11Y_SHOTS")


def sign_in(page, base_url: str, user) -> None:
    page.goto(base_url + "/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    confirm_second_factor(page, user)


def visit_all(page, base_url: str, paths: list[str]) -> list[str]:
    """Open each path and check it with axe; fail once, listing the violations of every page.
    Return the URL each path landed on (a redirect would check another page than meant)."""
    landed, failures = [], []
    for path in paths:
        response = page.goto(base_url + path)
        assert response is not None and response.ok, (path, response and response.status)
        page.wait_for_load_state("load")
        landed.append(page.url.removeprefix(base_url))
        if SHOTS:
            plain = re.sub(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "", landed[-1].lower())
            name = re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "home"
            size = page.viewport_size
            page.screenshot(
                path=Path(SHOTS) / f"{name}-{size['width']}x{size['height']}.png", full_page=True
            )
        if violations := axe_check(page):
            failures.append(f"{path}:\n{format_violations(violations)}")
    assert not failures, "\n\n".join(failures)
    return landed


def officer_election(officer, witness, office, *, stage: str, name: str, a_number: str):
    return ElectionFactory(
        stage=stage,
        office=office,
        presented_by=officer,
        witness=witness,
        facility=office.facilities.get(),
        parent=ParentFactory.build(a_number=a_number, full_name=name, primary_language="es"),
        children=[
            ChildDataFactory(full_name=f"Ana {name}", date_of_birth=birthday_years_ago(7)),
            ChildDataFactory(full_name=f"José {name}", date_of_birth=birthday_years_ago(11)),
        ],
    )


@pytest.mark.parametrize("viewport", TABLET_ORIENTATIONS, ids=ORIENTATION_IDS)
def test_every_officer_and_parent_screen_passes_axe_on_the_tablet(
    transactional_db, live_server, make_tablet, office, officer, witness, notices, viewport
):
    def made(stage, name, a_number):
        return officer_election(
            officer, witness, office, stage=stage, name=name, a_number=a_number
        ).pk

    steps = made("notice", "María López Cruz", "A212345671")
    shown = made("shown", "Rosa Tuy Cac", "A212345672")
    signed = made("parent_signed", "Elena Ramírez Soto", "A212345673")
    ready = made("ready", "Lucía Pérez Gómez", "A212345674")
    sent = made("submitted", "Carmen Díaz Ruiz", "A212345675")
    page = make_tablet(viewport=viewport)
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, officer)

    paths = [
        "/",
        "/elections/new/",
        f"/elections/{steps}/parent/",
        f"/elections/{steps}/children/",
        f"/elections/{steps}/notice/",
        f"/elections/{steps}/handover/",
        f"/elections/{shown}/for-parent/notice/",
        f"/elections/{shown}/for-parent/choices/",
        f"/elections/{shown}/for-parent/sign/",
        f"/elections/{signed}/for-parent/thank-you/",
        f"/elections/{signed}/signatures/",
        f"/elections/{ready}/review/",
        f"/elections/{sent}/submitted/",
        f"/elections/{sent}/summary/",
    ]
    assert visit_all(page, live_server.url, paths) == paths


@pytest.mark.parametrize(
    "viewport", (TABLET_LANDSCAPE, LAPTOP_VIEWPORT), ids=("tablet-landscape", "laptop")
)
def test_the_supervisor_queue_and_review_pass_axe(
    transactional_db, live_server, browser, office, officer, witness, supervisor, notices, viewport
):
    first = submitted(officer=officer, witness=witness)
    submitted(officer=officer, witness=witness)
    context = browser.new_context(viewport=viewport, locale="en-US")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, live_server.url, supervisor)
        paths = [
            "/admin/elections/election/",
            f"/admin/elections/election/{first.pk}/change/",
        ]
        assert visit_all(page, live_server.url, paths) == paths
    finally:
        context.close()


def test_every_page_of_the_auditor_workspace_passes_axe_on_the_laptop(
    transactional_db, live_server, browser, notices, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FORMSVC_EXPORT_STREAM_MAX = 0  # every export is a background job with its page
    world = off_the_event_loop(sealed_world)
    first = world["first"]
    record_removal(
        data=RemovalData(
            a_number=first.parent.a_number,
            removed_on=timezone.localdate(timezone=first.office.tz),
            office_code=first.office.code,
            children_removed=[],
        ),
        source=RemovalSource.IMPORT,
    )
    context = browser.new_context(viewport=LAPTOP_VIEWPORT, locale="en-US", accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, live_server.url, make_audit_user())
        paths = [
            "/audit/",
            f"/audit/?a_number={first.parent.a_number}",
            f"/audit/records/{first.pk}/",
            f"/audit/records/{world['old'].pk}/",
            "/audit/dashboard/",
            "/audit/removals/",
            "/audit/removals/report/",
            "/audit/exports/",
            "/audit/verify/",
            "/audit/access-log/",
        ]
        assert visit_all(page, live_server.url, paths) == paths

        # An export made in the background has a page of its own, listed with the exports.
        page.goto(live_server.url + "/audit/")
        page.get_by_role("button", name="Export sealed PDFs (ZIP)").click()
        expect(page).to_have_url(re.compile(r"/audit/exports/[0-9a-f-]+/$"))
        assert_accessible(page)
        assert visit_all(page, live_server.url, ["/audit/exports/"]) == ["/audit/exports/"]
    finally:
        context.close()


#: Swagger UI draws each operation's header as a <button> holding the path as a link (axe's
#: nested-interactive). That markup is Swagger UI's own and no style sheet can change it: only
#: those headers are left out of axe, and their size is measured here instead.
SWAGGER_OPERATION_HEADERS = ".opblock-summary-control"
#: Likewise its list of a parameter's values is a <select> with no label (axe's select-name),
#: the parameter's name standing in the cell beside it.
SWAGGER_PARAMETER_LISTS = ".parameters-col_description select"


def test_the_api_documentation_passes_axe_on_the_laptop(transactional_db, live_server, browser):
    context = browser.new_context(viewport=LAPTOP_VIEWPORT, locale="en-US")
    outside_headers = {"exclude": [[SWAGGER_OPERATION_HEADERS], [SWAGGER_PARAMETER_LISTS]]}
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(live_server.url + "/api/v1/docs/")
        page.wait_for_selector(".opblock")
        assert_accessible(page, context=outside_headers)
        headers = page.locator(SWAGGER_OPERATION_HEADERS)
        assert headers.count() >= 6
        for index in range(headers.count()):
            box = headers.nth(index).bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44, box
        # An operation opened, as a reader opens it to try a request.
        headers.first.click()
        page.wait_for_selector(".opblock-body")
        assert_accessible(page, context=outside_headers)
    finally:
        context.close()
