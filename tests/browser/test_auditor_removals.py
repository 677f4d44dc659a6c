"""The removals in the auditor's workspace, in a real browser: from the dashboard's flag counts to
the flagged removals, and the report of parents removed without a documented choice, readable
on a laptop (1440 and 1180 px wide, no clipped column), accessible, and downloaded as CSV."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from elections.constants import Decision
from elections.models import RemovalSource
from elections.removals import RemovalData, record_removal
from tests.audit_helpers import el_paso, make_audit_user, san_antonio, without_sealing
from tests.browser.conftest import assert_accessible
from tests.browser.test_auditor import sign_in
from tests.factories import ChildDataFactory

pytestmark = pytest.mark.browser

#: Tables whose content is wider than the space they are given (scrolled or cut off).
CLIPPED_TABLES = """() => [...document.querySelectorAll('table')]
    .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1).length"""


def removed(election, *, children=()):
    return record_removal(
        data=RemovalData(
            a_number=election.parent.a_number,
            removed_on=timezone.localdate(timezone=election.office.tz),
            office_code=election.office.code,
            children_removed=[child.a_number for child in children],
        ),
        source=RemovalSource.IMPORT,
    )


@pytest.fixture
def laptop(browser):
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="en-US", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_an_auditor_follows_the_flags_and_downloads_the_report(
    transactional_db, live_server, laptop, notices, monkeypatch
):
    without_sealing(monkeypatch)  # the removals, not the PDFs, are under test here
    elp, sna = el_paso(), san_antonio()
    cleared = elp.approved(
        children=[
            ChildDataFactory(full_name="Valeria Cac Tuy"),
            ChildDataFactory(full_name="Ángel Cac Tuy"),
        ],
        decisions=[Decision.REUNIFY, Decision.REUNIFY],
    )
    returned = sna.returned(
        children=[ChildDataFactory(full_name="Kimberly Reyes Aguilar")],
        decisions=[Decision.WAIVE],
    )
    removed(cleared, children=[cleared.covered.order_by("position").first().child])
    removed(returned)
    sign_in(laptop, live_server.url, make_audit_user())

    laptop.goto(live_server.url + "/audit/dashboard/")
    counts = laptop.locator("table.removal-flag-counts")
    expect(counts.locator("tr[data-flag=reunify_left_behind] td")).to_have_text("1")
    expect(counts.locator("tr[data-flag=not_cleared] td")).to_have_text("1")
    assert_accessible(laptop)
    counts.get_by_role("link", name="A child to be removed with the parent was left behind").click()
    expect(laptop.get_by_role("heading", name="Flagged removals", exact=True)).to_be_visible()
    expect(laptop.locator("table.removals-flagged tbody tr")).to_have_count(1)
    expect(laptop.locator("table.removals-flagged")).to_contain_text(cleared.parent.full_name)
    assert_accessible(laptop)

    laptop.get_by_role("link", name="Removed without a documented choice").first.click()
    expect(laptop.locator("article.removal-entry")).to_have_count(1)
    entry = laptop.locator("article.removal-entry")
    expect(entry).to_contain_text(returned.parent.full_name)
    expect(entry).to_contain_text("Kimberly Reyes Aguilar")
    expect(entry).to_contain_text("the election was returned to the officer for correction")
    for width in (1440, 1180):
        laptop.set_viewport_size({"width": width, "height": 900})
        assert laptop.evaluate(CLIPPED_TABLES) == 0, width
        assert laptop.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(laptop)
    entry.get_by_role("link", name=returned.reference).click()
    expect(laptop.get_by_role("heading", name="Removals of this parent")).to_be_visible()

    laptop.go_back()
    laptop.get_by_label("Removing office").select_option("SNA")
    laptop.get_by_role("button", name="Filter").click()
    with laptop.expect_download() as download:
        laptop.get_by_role("link", name="Download CSV").click()
    body = open(download.value.path(), encoding="utf-8-sig").read()
    assert body.startswith("removed_on,removing_office,parent_a_number")
    assert "Kimberly Reyes Aguilar" in body
    assert cleared.parent.full_name not in body
