"""The auditor's workspace in a real browser, on a desktop screen.

An auditor signs in, searches by A-number, opens the record, downloads its sealed PDF, exports a
search as a ZIP, verifies that ZIP, and finds each of these looks in the access log. Every page
on the way is checked with axe-core. The dashboard is drawn from a year of records.

Set ``FORMSVC_SCREENSHOTS=1`` to refresh ``docs/dashboard.png`` from the dashboard test.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import zipfile
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from elections import services, workflow
from elections.constants import Decision, DeliveryMode
from elections.models import AccessAction, AccessLog, Election, ElectionChild, Signature
from elections.records.sealing import sealed_pdf_bytes
from tests.audit_helpers import (
    el_paso,
    make_audit_user,
    off_the_event_loop,
    san_antonio,
    sealed_world,
    without_sealing,
)
from tests.browser.conftest import assert_accessible
from tests.factories import STAFF_PASSWORD, ChildDataFactory, fresh
from tests.supervision import approve
from tests.twofactor import confirm_second_factor

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1400, "height": 1000}
SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "dashboard.png"


@pytest.fixture
def desk(browser):
    """A page in a desktop browser context that accepts downloads."""
    context = browser.new_context(viewport=DESKTOP, locale="en-US", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, base_url: str, user) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    confirm_second_factor(page, user)


def test_an_auditor_searches_downloads_exports_verifies_and_sees_it_all_logged(
    transactional_db, live_server, desk, notices, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = off_the_event_loop(sealed_world)
    auditor = make_audit_user()
    page = desk
    first = world["first"]

    # Signing in lands on the workspace, not on the officer's flow.
    sign_in(page, live_server.url, auditor)
    expect(page).to_have_url(re.compile(r"/audit/$"))
    expect(page.get_by_role("heading", name="Search elections")).to_be_visible()
    assert_accessible(page)

    # Search by the parent's A-number, typed the way it is printed.
    page.get_by_label("A-number").fill(first.parent.a_number_display)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="1 election")).to_be_visible()
    assert_accessible(page)

    # Open the record: the record, its verification, its history, its chain.
    page.get_by_role("link", name=first.reference).click()
    expect(page.get_by_role("heading", name=f"Election {first.reference}")).to_be_visible()
    expect(page.locator(".verification-valid")).to_contain_text("Valid.")
    expect(page.get_by_role("heading", name="Full history")).to_be_visible()
    assert_accessible(page)

    # Download its sealed PDF: the stored bytes, exactly.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the sealed PDF").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf == sealed_pdf_bytes(first.sealed_record)
    assert pdf.startswith(b"%PDF-")

    # Export a search (San Antonio: a superseded election and the one that replaced it).
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("San Antonio Field Office").check()
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="2 elections")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export sealed PDFs (ZIP)").click()
    exported = Path(download_info.value.path())
    archive = zipfile.ZipFile(io.BytesIO(exported.read_bytes()))
    assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 2
    manifest = archive.read("manifest.csv")
    assert (
        archive.read("manifest.csv.sha256")
        .decode()
        .startswith(hashlib.sha256(manifest).hexdigest())
    )

    # Verify the exported ZIP.
    page.get_by_role("link", name="Verify", exact=True).click()
    expect(page.get_by_role("heading", name="Verify a sealed PDF or an export")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("A sealed PDF, or a ZIP exported here").set_input_files(str(exported))
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(page.locator(".verify-summary")).to_have_text("2 valid, 0 tampered, 0 unknown.")
    expect(page.get_by_text("manifest.csv matches its SHA-256")).to_be_visible()
    assert_accessible(page)

    # The access log shows each of these looks, the auditor's own.
    page.get_by_role("link", name="Access log").click()
    expect(page.get_by_role("heading", name="Access log")).to_be_visible()
    log = page.locator("table.access-log")
    for action in (
        "Verified an uploaded file",
        "Exported sealed PDFs as a ZIP",
        "Downloaded a sealed PDF",
        "Opened a page",
    ):
        expect(log.get_by_text(action).first).to_be_visible()
    expect(log.get_by_role("link", name=first.reference).first).to_be_visible()
    assert_accessible(page)

    recorded = set(AccessLog.objects.filter(user=auditor).values_list("action", flat=True))
    assert {
        AccessAction.PAGE,
        AccessAction.PDF,
        AccessAction.EXPORT_ZIP,
        AccessAction.VERIFY,
    } <= recorded


# --- The dashboard, over a year of records ------------------------------------------------------


@contextmanager
def moment(when):
    """The workflow stamps ``when`` instead of now (demo data spread over a year)."""
    original = timezone.now
    timezone.now = lambda: when
    try:
        yield
    finally:
        timezone.now = original


LANGUAGES = [
    ("es", DeliveryMode.PARENT_READ, 52),
    ("quc", DeliveryMode.INTERPRETER_TELEPHONE, 10),
    ("mam", DeliveryMode.INTERPRETER_IN_PERSON, 9),
    ("en", DeliveryMode.PARENT_READ, 8),
    ("es", DeliveryMode.OFFICER_READ, 8),
    ("ht", DeliveryMode.INTERPRETER_TELEPHONE, 5),
    ("pt", DeliveryMode.INTERPRETER_IN_PERSON, 4),
    ("kjb", DeliveryMode.INTERPRETER_TELEPHONE, 4),
]
DECISIONS = [
    ((Decision.REUNIFY,), 50),
    ((Decision.WAIVE,), 18),
    ((Decision.CONSULT,), 14),
    ((Decision.REUNIFY, Decision.REUNIFY), 10),
    ((Decision.REUNIFY, Decision.WAIVE), 8),
]


def year_of_records(count: int = 64, seed: int = 2021) -> None:
    """Elections over the last twelve months in two offices: approved, returned, waiting."""
    rng = random.Random(seed)
    teams = [el_paso(), san_antonio()]
    now = timezone.now()
    for _ in range(count):
        team = teams[0] if rng.random() < 0.58 else teams[1]
        language, mode = rng.choices(
            [(lang, m) for lang, m, _w in LANGUAGES], [w for *_x, w in LANGUAGES]
        )[0]
        decisions = rng.choices([d for d, _w in DECISIONS], [w for _d, w in DECISIONS])[0]
        days_ago = min(364, int(rng.expovariate(1 / 120)))
        started = now - timedelta(days=days_ago, hours=rng.randint(0, 8))
        minutes = max(4, rng.lognormvariate(4.2, 1.0))  # median about an hour
        election = team.election(
            stage="submitted",
            language=language,
            delivery_mode=mode,
            children=[ChildDataFactory() for _ in decisions],
            decisions=list(decisions),
        )
        notice = started + timedelta(minutes=10)
        decided = notice + timedelta(minutes=minutes)
        submitted = decided + timedelta(minutes=25)
        ElectionChild.objects.filter(election=election).update(decided_at=decided)
        Election.objects.filter(pk=election.pk).update(
            created_at=started, notice_delivered_at=notice, submitted_at=submitted
        )
        # The parent signed for the choices as they were made at that (earlier) time.
        Signature.objects.filter(election=election, role="parent").update(
            covers_sha256=services.election_consent_digest(election=election)
        )
        roll = rng.random()
        if roll < 0.12 and days_ago > 2:
            with moment(submitted + timedelta(hours=20)):
                workflow.election_return(
                    election=fresh(election), actor=team.supervisor, reason="Witness date missing."
                )
            if rng.random() < 0.6:
                workflow.election_submit(election=fresh(election), actor=team.officer)
                Election.objects.filter(pk=election.pk).update(
                    submitted_at=submitted + timedelta(days=1)
                )
                if rng.random() < 0.7:
                    with moment(submitted + timedelta(days=2)):
                        approve(fresh(election), team.supervisor)
        elif roll < 0.80 and days_ago > 1:
            with moment(submitted + timedelta(hours=rng.randint(2, 40))):
                approve(fresh(election), team.supervisor)


def test_the_dashboard_shows_a_year_as_accessible_charts(
    transactional_db, live_server, desk, notices, monkeypatch
):
    without_sealing(monkeypatch)  # the figures, not the PDFs, are under test here
    year_of_records()
    sign_in(desk, live_server.url, make_audit_user())
    desk.goto(live_server.url + "/audit/dashboard/")
    expect(desk.get_by_role("heading", name="Dashboard")).to_be_visible()
    figures = desk.locator("figure.chart")
    expect(figures).to_have_count(7)
    for index in range(7):
        figure = figures.nth(index)
        svg = figure.locator("svg[role=img]")
        expect(svg).to_have_count(1)
        labelled = svg.get_attribute("aria-labelledby").split()
        assert len(labelled) == 2
        description = figure.locator(f"#{labelled[1]}").text_content()
        assert len(description) > 20
        expect(figure.locator("details.chart-data table")).to_have_count(1)
    # Printing opens every chart's table of figures.
    desk.emulate_media(media="print")
    desk.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    expect(desk.locator("details.chart-data[open]")).to_have_count(7)
    desk.evaluate("window.dispatchEvent(new Event('afterprint'))")
    desk.emulate_media(media="screen")
    assert_accessible(desk)
    if os.environ.get("FORMSVC_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        desk.screenshot(path=str(SCREENSHOT), full_page=True)
