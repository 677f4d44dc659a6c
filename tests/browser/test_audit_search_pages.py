"""The auditor's search, a page at a time, in a real browser: Next and Previous by keyboard, 44 px
targets, the capped count in both languages, on a laptop and on a tablet held sideways.

Set ``FORMSVC_SHOTS=<folder>`` to keep the screenshots.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from elections.audit import keyset
from elections.audit import views as views_audit
from tests.audit_helpers import el_paso, make_audit_user, san_antonio, without_sealing
from tests.browser.conftest import LAPTOP_VIEWPORT, TABLET_LANDSCAPE, assert_accessible
from tests.factories import STAFF_PASSWORD
from tests.twofactor import confirm_second_factor

pytestmark = pytest.mark.browser

WORDS = {
    "en-US": {"count": "7 elections", "capped": "More than 5 elections", "next": "Next",
              "previous": "Previous", "first": "First"},
    "es-US": {"count": "7 elecciones", "capped": "Más de 5 elecciones", "next": "Siguiente",
              "previous": "Anterior", "first": "Primera"},
}  # fmt: skip


def _sign_in(page, base_url: str, user) -> None:
    page.goto(base_url + "/accounts/login/")
    page.locator("input[name=username]").fill(user.get_username())
    page.locator("input[name=password]").fill(STAFF_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    confirm_second_factor(page, user)
    expect(page).to_have_url(re.compile(r"/audit/$"))


def _at_least_44(locator) -> None:
    box = locator.bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44, box


@pytest.mark.parametrize(
    ("viewport", "locale"),
    [(LAPTOP_VIEWPORT, "en-US"), (TABLET_LANDSCAPE, "en-US"), (TABLET_LANDSCAPE, "es-US")],
    ids=["laptop-en", "tablet-landscape-en", "tablet-landscape-es"],
)
def test_an_auditor_pages_through_a_search_by_keyboard(
    transactional_db, live_server, make_tablet, notices, monkeypatch, viewport, locale, tmp_path
):
    without_sealing(monkeypatch)
    monkeypatch.setattr(views_audit, "PAGE_SIZE", 3)
    elp, sna = el_paso(), san_antonio()
    for index in range(7):
        (elp if index % 2 else sna).election(stage="submitted")
    words = WORDS[locale]
    page = make_tablet(locale=locale, viewport=viewport)
    _sign_in(page, live_server.url, make_audit_user())
    page.goto(live_server.url + "/audit/?sort=-created")
    expect(page.locator("#results-heading")).to_have_text(words["count"])
    pages = page.get_by_role("navigation", name=re.compile("Pages|Páginas"))
    expect(pages.get_by_role("link", name=words["previous"])).to_have_count(0)
    following = pages.get_by_role("link", name=words["next"])
    _at_least_44(following)
    first_rows = page.locator("table.audit-results tbody th.reference").all_inner_texts()
    assert len(first_rows) == 3
    shots = Path(os.environ.get("FORMSVC_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    name = f"audit-search-{viewport['width']}x{viewport['height']}-{locale}"
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    # By keyboard: Next is reached with Tab and followed with Enter; the sort is kept.
    following.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"sort=-created&after="))
    second_rows = page.locator("table.audit-results tbody th.reference").all_inner_texts()
    assert len(second_rows) == 3 and not set(second_rows) & set(first_rows)
    back = pages.get_by_role("link", name=words["previous"])
    _at_least_44(back)
    _at_least_44(pages.get_by_role("link", name=words["first"]))
    assert_accessible(page)
    page.screenshot(path=str(shots / f"{name}-page2.png"), full_page=True)
    back.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"before="))
    assert page.locator("table.audit-results tbody th.reference").all_inner_texts() == first_rows

    # Beyond the cap the count is a floor, in the page's language.
    monkeypatch.setattr(keyset, "CAP", 5)
    page.goto(live_server.url + "/audit/")
    expect(page.locator("#results-heading")).to_have_text(words["capped"])
