"""The auditor's search list on a laptop: at 1180 px and at 1440 px every column fits its frame
(nothing clipped, no sideways scroll), a reference is never split over two lines, each child
stands beside its own decision, and the times are in the one time zone the filters use (UTC).

Set ``FORMSVC_SCREENSHOTS_DIR`` to keep a screenshot of each width there.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from elections.constants import Decision
from tests.audit_helpers import (
    TELEPHONE,
    el_paso,
    make_audit_user,
    off_the_event_loop,
    san_antonio,
    two_children,
    without_sealing,
)
from tests.browser.conftest import assert_accessible
from tests.browser.test_auditor import sign_in
from tests.factories import ChildDataFactory, ParentFactory

pytestmark = pytest.mark.browser

LAPTOPS = [(1180, 820), (1440, 900)]


def busy_week():
    """Elections of two offices in two time zones, long names, two children each way."""
    elp, sna = el_paso(), san_antonio()
    long_parent = ParentFactory(full_name="María de los Ángeles Hernández Benítez de la Cruz")
    children = [
        ChildDataFactory(full_name="Guadalupe Itzel Hernández Benítez", a_number="A098765432"),
        ChildDataFactory(full_name="José Emiliano Hernández Benítez"),
    ]
    first = elp.approved(
        parent=long_parent, children=children, decisions=[Decision.REUNIFY, Decision.WAIVE]
    )
    return {
        "first": first,
        "others": [
            elp.approved(decisions=Decision.CONSULT),
            elp.election(stage="submitted", **two_children()),
            sna.election(stage="submitted", **TELEPHONE),
            sna.returned(resubmit=True),
            sna.election(stage="started"),
        ],
    }


@pytest.mark.parametrize(("width", "height"), LAPTOPS, ids=["1180", "1440"])
def test_the_search_list_fits_a_laptop_with_each_child_beside_its_decision(
    transactional_db, live_server, browser, notices, monkeypatch, width, height
):
    without_sealing(monkeypatch)
    world = off_the_event_loop(busy_week)
    auditor = make_audit_user()
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, auditor)
    expect(page.get_by_role("heading", name="6 elections")).to_be_visible()

    frame = page.locator(".audit-results-frame")
    sizes = frame.evaluate("f => [f.scrollWidth, f.clientWidth]")
    assert sizes[0] <= sizes[1], f"the list is {sizes[0]} px wide in a {sizes[1]} px frame"
    # No cell's content runs out of its cell either.
    overflowing = page.locator(".audit-results td, .audit-results th").evaluate_all(
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText)"
    )
    assert overflowing == []

    # A reference stays on one line (its text's height, not the link's, which is a 44 px target).
    for link in page.locator(".audit-results tbody th a").all():
        box, line = link.evaluate(
            """a => {
                const text = document.createRange();
                text.selectNodeContents(a);
                return [text.getBoundingClientRect().height, parseFloat(getComputedStyle(a).lineHeight)];
            }"""
        )
        assert box < 1.5 * line, link.inner_text()

    # Each child on the row of their own decision.
    first = world["first"]
    row = page.locator("tbody tr", has=page.get_by_role("link", name=first.reference))
    for item in first.covered.select_related("child"):
        pair = row.locator(".covered-child", has_text=item.child.full_name)
        expect(pair).to_have_count(1)
        expect(pair.locator(".covered-decision")).to_have_text(item.get_decision_display())

    # One time zone for the times and the date filters, said once.
    expect(page.get_by_text("Times and dates are in UTC.")).to_be_visible()
    started = row.locator("td.moment").first.inner_text()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}", started.strip()), started
    assert_accessible(page)

    shots = os.environ.get("FORMSVC_SCREENSHOTS_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"audit-search-{width}.png"), full_page=True)
    context.close()
