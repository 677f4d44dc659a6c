"""Signing in on a tablet: the language is chosen before signing in and kept after it; the admin's
own sign-in page has controls as large as the rest, and a supervisor lands on the queue."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import STAFF_PASSWORD, make_officer, make_supervisor
from tests.twofactor import confirm_second_factor

pytestmark = pytest.mark.browser

ORIENTATIONS = {
    "portrait": {"width": 820, "height": 1180},
    "landscape": {"width": 1180, "height": 820},
}
TOUCH = 44  # CSS px, WCAG 2.2 target size (enhanced), as the site's own controls


@pytest.fixture
def open_tablet(browser, live_server):
    contexts = []

    def open_page(viewport):
        context = browser.new_context(viewport=viewport, has_touch=True, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def staff(transactional_db, office):
    return {
        "officer": make_officer(office, username="lbenitez", first_name="Laura"),
        "supervisor": make_supervisor(office, username="dokafor", first_name="Diane"),
    }


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_an_officer_picks_espanol_before_signing_in_and_signs_in_in_spanish(
    open_tablet, live_server, staff, orientation
):
    page = open_tablet(ORIENTATIONS[orientation])
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    page.get_by_label("Language").select_option("es")

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    assert_accessible(page)

    page.locator("#id_username").fill(staff["officer"].get_username())
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión", exact=True).click()

    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    assert_accessible(page)


def too_small(page, selectors) -> list[str]:
    small = []
    for selector in selectors:
        box = page.locator(selector).bounding_box()
        assert box is not None, f"{selector} is not on the page"
        if box["width"] < TOUCH or box["height"] < TOUCH:
            small.append(f"{selector}: {box['width']:.0f}x{box['height']:.0f}")
    return small


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_the_admin_sign_in_has_large_controls_and_a_supervisor_lands_on_the_queue(
    open_tablet, live_server, staff, orientation
):
    page = open_tablet(ORIENTATIONS[orientation])
    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    controls = ["#id_username", "#id_password", "#login-form [type=submit]", ".theme-toggle"]
    assert not too_small(page, controls), too_small(page, controls)
    assert_accessible(page)

    page.locator("#id_username").fill(staff["supervisor"].get_username())
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.locator("#login-form [type=submit]").click()
    confirm_second_factor(page, staff["supervisor"])

    expect(page).to_have_url(re.compile(r"/admin/elections/election/$"))
    expect(page.get_by_role("heading", name="Select election to view")).to_be_visible()
