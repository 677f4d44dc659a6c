"""The officer's home after approval, and the staff signatures page, on the tablet both ways round.

The home keeps the elections approved lately, each with the parent's copy (the sealed PDF) to
print; the signatures page shows, above each pad, the words that signer attests, the ones the
sealed PDF prints for their signature, in the language of the screen.

Set ``FORMSVC_SCREENSHOTS_DIR`` to keep a screenshot of each page and orientation there.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

from elections import services
from elections.constants import DeliveryMode, SignatureRole
from elections.models import AccessLog, SealedRecord
from elections.models.audit import AccessAction
from tests.audit_helpers import off_the_event_loop
from tests.browser.conftest import ORIENTATION_IDS, TABLET_ORIENTATIONS, assert_accessible
from tests.browser.test_officer_flow import FIRST_CHILD, SECOND_CHILD, flow, prepared
from tests.factories import make_supervisor
from tests.records_support import approve, two_child_election

pytestmark = pytest.mark.browser

__all__ = ["flow"]  # the fixture, shared with the officer's flow

MIN_TOUCH_PX = 44


def shoot(page, name: str, viewport: dict) -> None:
    shots = os.environ.get("FORMSVC_SCREENSHOTS_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        path = Path(shots) / f"{name}-{viewport['width']}x{viewport['height']}.png"
        page.screenshot(path=str(path), full_page=True)


def assert_large_targets(locator) -> None:
    """Every control in ``locator`` at least 44x44 CSS px (WCAG 2.2 target size)."""
    controls = locator.locator(
        "a.btn, button, select, textarea, input:not([type=hidden]), canvas"
    ).all()
    assert controls
    for control in controls:
        if not control.is_visible():
            continue
        box = control.bounding_box()
        assert box["width"] >= MIN_TOUCH_PX and box["height"] >= MIN_TOUCH_PX, (
            control.evaluate("el => el.outerHTML.slice(0, 160)"),
            box,
        )


def meaning(role: str, language: str) -> str:
    with translation.override(language):
        return str(services.SIGNATURE_MEANINGS[role])


@pytest.fixture
def tablet_flow(request, flow, make_tablet):
    """The officer's flow on a tablet held the way the test is parametrized."""
    viewport = request.param
    flow.page = make_tablet(viewport=viewport)
    flow.page.set_default_timeout(10_000)
    flow.viewport = viewport
    return flow


# --- The home keeps what was approved, with the parent's copy to print -----------------------


@pytest.mark.parametrize("tablet_flow", TABLET_ORIENTATIONS, ids=ORIENTATION_IDS, indirect=True)
def test_the_home_lists_the_approved_election_with_the_parents_copy_to_print(
    tablet_flow, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    flow = tablet_flow
    supervisor = make_supervisor(flow.office, username="dokafor")

    def approved_and_waiting():
        done = approve(two_child_election(flow.office, flow.officer, flow.witness), supervisor)
        waiting = two_child_election(flow.office, flow.officer, flow.witness)
        return done, waiting

    approved, waiting = off_the_event_loop(approved_and_waiting)
    page = flow.page
    flow.sign_in()
    expect(page.get_by_role("heading", name="Your elections")).to_be_visible()

    section = page.locator("section[aria-labelledby=approved-heading]")
    expect(section.get_by_role("heading", name="Approved in the last 14 days")).to_be_visible()
    items = section.locator("li")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(approved.reference)
    expect(items.first).to_contain_text(approved.parent.full_name)
    expect(items.first).to_contain_text("Approved ")
    # The election still awaiting approval is listed there, not here.
    expect(section).not_to_contain_text(waiting.reference)
    expect(
        page.locator("section[aria-labelledby=submitted-heading]").filter(
            has_text=waiting.reference
        )
    ).to_have_count(1)
    assert_accessible(page)
    assert_large_targets(section)
    shoot(page, "officer-home-approved", flow.viewport)

    copy = items.first.get_by_role("link", name=f"Print the parent's copy of {approved.reference}")
    expect(copy).to_be_visible()
    href = copy.get_attribute("href")
    assert href == f"/elections/{approved.pk}/record.pdf"
    # The tablet's browser opens it with the officer's session: the sealed bytes, logged.
    response = page.request.get(flow.url(href))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    record = SealedRecord.objects.get(election=approved)
    assert response.headers["x-content-sha256"] == record.pdf_sha256
    assert response.body().startswith(b"%PDF-")
    entry = AccessLog.objects.get(action=AccessAction.PDF)
    assert (entry.username, entry.election_id, entry.status_code) == (
        flow.officer.get_username(),
        approved.pk,
        200,
    )

    # "Open" shows the approved record, with the same copy to print.
    items.first.get_by_role("link", name=f"Open {approved.reference}").click()
    expect(page).to_have_url(re.compile(rf"/elections/{approved.pk}/summary/$"))
    expect(page.get_by_role("link", name="Print the parent's copy (sealed PDF)")).to_be_visible()


# --- Each signer reads what their signature attests ------------------------------------------


@pytest.mark.parametrize("screen", ["en", "es"])
@pytest.mark.parametrize("tablet_flow", TABLET_ORIENTATIONS, ids=ORIENTATION_IDS, indirect=True)
def test_each_signer_reads_what_they_attest_above_their_pad_in_the_language_of_the_screen(
    tablet_flow, screen
):
    flow = tablet_flow
    page = flow.page
    # Two children, Spanish through an interpreter in the room; the parent has signed.
    election = prepared(
        flow,
        stage="parent_signed",
        children=[FIRST_CHILD, SECOND_CHILD],
        delivery_mode=DeliveryMode.INTERPRETER_IN_PERSON,
    )
    flow.sign_in()
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": screen, "url": flow.base_url}]
    )
    page.goto(flow.url(f"/elections/{election.pk}/signatures/"))
    expect(page.locator("html")).to_have_attribute("lang", screen)

    for role in ("interpreter", "witness", "officer"):
        section = page.locator(f"section#{role}")
        attests = section.locator(f"#{role}-attests")
        # The full text, in the language of the screen, marked with its language.
        expect(attests.locator(f'p[lang="{screen}"]')).to_have_text(meaning(role, screen))
        pad = section.locator("[data-signature-pad] canvas")
        # Above the pad, and read out with it.
        assert (
            attests.bounding_box()["y"] + attests.bounding_box()["height"]
            <= (pad.bounding_box()["y"])
        )
        assert f"{role}-attests" in pad.get_attribute("aria-describedby").split()
    interpreter = page.locator("#interpreter-attests")
    if screen == "en":
        # The record prints the interpreter's words in the notice's language beside the
        # English: on an English screen the Spanish is there too, for the interpreter to read.
        expect(interpreter.locator('p[lang="es"]')).to_have_text(meaning("interpreter", "es"))
    else:
        expect(interpreter.locator("p")).to_have_count(1)
    expect(page.locator("#witness-attests p")).to_have_count(1)

    assert_accessible(page)
    assert_large_targets(page.locator("form.flow-form"))
    shoot(page, f"officer-signatures-{screen}", flow.viewport)

    if screen == "en":
        # What they read is what their signature stores, and what the sealed PDF prints.
        flow.staff_sign()
        signatures = {s.role: s for s in election.signatures.all()}
        assert signatures[SignatureRole.INTERPRETER].meaning == meaning("interpreter", "en")
        assert signatures[SignatureRole.INTERPRETER].meaning_translated == meaning(
            "interpreter", "es"
        )
        assert signatures[SignatureRole.WITNESS].meaning == meaning("witness", "en")
        assert signatures[SignatureRole.OFFICER].meaning == meaning("officer", "en")


# --- The officer's steps that take fewer taps, both ways round --------------------------------


@pytest.mark.parametrize("tablet_flow", TABLET_ORIENTATIONS, ids=ORIENTATION_IDS, indirect=True)
def test_the_start_children_and_notice_steps_propose_what_they_can(tablet_flow):
    flow = tablet_flow
    page = flow.page
    flow.sign_in()

    def start_page(page):
        # The start page of a parent not recorded: who they are, where held (the office's only
        # facility proposed) and how their identity was verified, in one page.
        expect(page.get_by_label("Facility where the parent is held")).to_have_value(
            str(flow.office.facilities.get().pk)
        )
        assert_accessible(page)
        assert_large_targets(page.locator("form.flow-form"))
        shoot(page, "officer-start", flow.viewport)

    election = flow.start(language="es", on_page=start_page)

    flow.add_child(FIRST_CHILD, age=9, last=False)
    # The form for the next child proposes the first one's placement and relationship, and
    # says so; the name, the date of birth and the verification details are empty.
    expect(page.locator("#child-proposed")).to_contain_text(FIRST_CHILD)
    expect(page.get_by_label("Where the child is held")).to_have_value("orr_shelter")
    expect(page.get_by_label("Relationship to the parent")).to_have_value("mother")
    expect(page.get_by_label("Child's full name")).to_have_value("")
    expect(page.get_by_label("Verification details")).to_have_value("")
    assert_accessible(page)
    assert_large_targets(page.locator("form.flow-form"))
    shoot(page, "officer-children", flow.viewport)
    flow.add_child(SECOND_CHILD, age=10, last=True, proposed=True)

    expect(page.get_by_role("heading", name="The notice, the interpreter")).to_be_visible()
    page.get_by_label("An interpreter in the room", exact=True).check()
    expect(page.get_by_label("Language interpreted into")).to_have_value("es")
    expect(
        page.get_by_role("button", name="Save and hand the tablet to the parent")
    ).to_be_visible()
    expect(page.locator("#handover-note")).to_contain_text("hand the tablet to the parent")
    assert_accessible(page)
    shoot(page, "officer-notice", flow.viewport)
    assert election.covered.count() == 2
