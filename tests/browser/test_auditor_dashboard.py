"""The auditor's dashboard charts read on a laptop (1440x900) and a small laptop (1180x820), in
English and in Spanish: every label of an axis, of a legend, of a bar is at least 12 CSS pixels
on the screen, dark on white, inside its chart, and no two labels of a chart overlap; over a
year of records, and over extreme figures (eleven field offices with long names, months with
nothing and months with over a million elections).

Set ``FORMSVC_SCREENSHOTS=1`` to keep a screenshot of each case in ``docs/screens/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from elections.audit import selectors as selectors_audit
from tests.audit_helpers import make_audit_user, without_sealing
from tests.browser.conftest import LAPTOP_VIEWPORT, assert_accessible
from tests.browser.test_auditor import year_of_records
from tests.factories import STAFF_PASSWORD, FieldOfficeFactory
from tests.twofactor import confirm_second_factor

pytestmark = pytest.mark.browser

VIEWPORTS = (LAPTOP_VIEWPORT, {"width": 1180, "height": 820})
LOCALES = ("en-US", "es-US")
SCREENS = Path(settings.BASE_DIR) / "docs" / "screens"

#: Each chart's text labels as the screen shows them: the box, the size in CSS pixels (the
#: font size times the SVG's scale on the screen), the colour; and the chart's own box.
LABELS = """
() => [...document.querySelectorAll('figure.chart svg')].map(svg => {
  const box = r => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  return {
    id: svg.closest('figure').id,
    box: box(svg.getBoundingClientRect()),
    labels: [...svg.querySelectorAll('text')].map(text => ({
      text: text.textContent,
      box: box(text.getBoundingClientRect()),
      size: parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a,
      fill: getComputedStyle(text).fill,
    })),
  };
})
"""


def _luminance(css_colour: str) -> float:
    red, green, blue = (int(part) / 255 for part in css_colour[4:-1].split(",")[:3])

    def linear(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def _contrast_on_white(css_colour: str) -> float:
    return 1.05 / (_luminance(css_colour) + 0.05)


def _overlap(a: dict, b: dict) -> bool:
    # Half a pixel of slack: boxes that only touch do not overlap.
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5
    )


def check_chart_labels(page) -> list[dict]:
    """Every chart's labels are legible and apart; returns the charts as measured."""
    charts = page.evaluate(LABELS)
    assert len(charts) == 7
    for chart in charts:
        labels = [label for label in chart["labels"] if label["text"].strip()]
        assert labels, chart["id"]
        for label in labels:
            where = f"{chart['id']}: {label['text']!r}"
            assert label["size"] >= 12, f"{where} is {label['size']:.1f} px"
            assert _contrast_on_white(label["fill"]) >= 4.5, f"{where} in {label['fill']}"
            box, frame = label["box"], chart["box"]
            assert box["left"] >= frame["left"] - 0.5 and box["right"] <= frame["right"] + 0.5, (
                f"{where} leaves its chart"
            )
            assert box["top"] >= frame["top"] - 0.5 and box["bottom"] <= frame["bottom"] + 0.5, (
                f"{where} leaves its chart"
            )
        for index, first in enumerate(labels):
            for second in labels[index + 1 :]:
                assert not _overlap(first["box"], second["box"]), (
                    f"{chart['id']}: {first['text']!r} overlaps {second['text']!r}"
                )
    return charts


def open_dashboard(browser, base_url: str, *, locale: str, viewport: dict):
    context = browser.new_context(viewport=viewport, locale=locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base_url + "/accounts/login/")
    page.locator("input[name=username]").fill("auditor")
    page.locator("input[name=password]").fill(STAFF_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    confirm_second_factor(page, "auditor")
    page.goto(base_url + "/audit/dashboard/")
    expect(page.locator("figure.chart")).to_have_count(7)
    expect(page.locator("html")).to_have_attribute("lang", locale[:2])
    return context, page


def check_every_screen(browser, base_url: str, name: str) -> None:
    for viewport in VIEWPORTS:
        for locale in LOCALES:
            context, page = open_dashboard(browser, base_url, locale=locale, viewport=viewport)
            try:
                charts = check_chart_labels(page)
                # Nothing scrolls sideways: each chart fits its card at this width.
                for chart in charts:
                    assert chart["box"]["right"] <= viewport["width"], chart["id"]
                assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
                assert_accessible(page)
                if os.environ.get("FORMSVC_SCREENSHOTS") == "1":
                    SCREENS.mkdir(parents=True, exist_ok=True)
                    page.screenshot(
                        path=str(
                            SCREENS
                            / f"auditor-dashboard-{name}-{locale[:2]}-{viewport['width']}.png"
                        ),
                        full_page=True,
                    )
            finally:
                context.close()


def test_the_charts_of_a_year_of_records_read_at_both_laptop_widths_in_both_languages(
    transactional_db, live_server, browser, notices, monkeypatch
):
    without_sealing(monkeypatch)  # the figures, not the PDFs, are under test here
    year_of_records(count=40)
    make_audit_user()
    check_every_screen(browser, live_server.url, "year")


# --- Extreme figures: many offices with long names, empty months, huge counts -------------------

LONG_NAMES = [
    "Oficina de Campo de San Antonio y Laredo",
    "Oficina de Campo de El Paso (Ciudad Juárez y Las Cruces)",
    "Harlingen Field Office",
    "Oficina de Campo de Phoenix y Tucson",
    "San Diego Field Office",
    "Oficina de Campo de Nueva Orleans",
    "Miami Field Office",
    "Oficina de Campo de Houston",
    "Chicago Field Office",
    "Oficina de Campo de Nueva York",
    "Seattle Field Office",
]


def extreme_figures(monkeypatch) -> None:
    """The dashboard's selectors answer figures no test database could hold."""
    offices = [
        FieldOfficeFactory(code=f"X{index:02d}", name=name) for index, name in enumerate(LONG_NAMES)
    ]
    codes = [office.code for office in offices]
    starts = selectors_audit.month_starts(months=12)
    huge = [0, 0, 1_250_000, 7, 0, 980_000, 3, 1, 0, 2_400_000, 15, 0]
    by_decision = {}
    by_office = {}
    for month, total in zip(starts, huge, strict=True):
        for share, key in zip(
            (0.5, 0.2, 0.2, 0.05, 0.05),
            ("reunify", "waive", "consult", "mixed", "none"),
            strict=True,
        ):
            by_decision[(month, key)] = round(total * share)
        for index, code in enumerate(codes):
            by_office[(month, code)] = total // (index + 2)
    monkeypatch.setattr(
        selectors_audit,
        "submitted_per_month",
        lambda months=12: {"months": starts, "by_decision": by_decision, "by_office": by_office},
    )
    monkeypatch.setattr(
        selectors_audit,
        "interpreter_share_by_language",
        lambda limit=10: [
            {
                "language": code,
                "total": total,
                "in_person": total // 3,
                "telephone": total // 4,
                "none": total - total // 3 - total // 4,
            }
            for code, total in (
                ("es", 2_000_000),
                ("quc", 0),
                ("mam", 12),
                ("kjb", 987_654),
                ("ht", 1),
                ("pt", 40),
                ("en", 5_000),
                ("zh", 3),
                ("ar", 0),
                ("ru", 9),
            )
        ],
    )
    monkeypatch.setattr(
        selectors_audit,
        "decision_time_distribution",
        lambda: {
            "buckets": [
                (key, n)
                for (key, _low), n in zip(
                    selectors_audit.DECISION_BUCKETS,
                    (1_500_000, 0, 250_000, 12, 0, 3, 0, 99_999),
                    strict=True,
                )
            ],
            "total": 1_849_014,
            "median_minutes": 14,
            "minimum_minutes": 30,
        },
    )
    monkeypatch.setattr(
        selectors_audit,
        "returns_per_office",
        lambda: [
            {
                "office": office,
                "submitted": 1_000_000 // (i + 1),
                "returned": 40_000 // (i + 1) if i % 3 else 0,
                "returns": 55_000 // (i + 1) if i % 3 else 0,
            }
            for i, office in enumerate(offices)
        ],
    )
    aged = {
        "buckets": [key for key, _low in selectors_audit.AGE_BUCKETS],
        "counts": {
            (key, code): (0 if (i + j) % 4 == 0 else 10 ** ((i + j) % 6))
            for i, (key, _low) in enumerate(selectors_audit.AGE_BUCKETS)
            for j, code in enumerate(codes)
        },
    }
    monkeypatch.setattr(selectors_audit, "approval_queue_age", lambda: aged)
    monkeypatch.setattr(selectors_audit, "consult_pending_backlog", lambda: aged)


def test_the_charts_keep_their_labels_apart_with_many_long_offices_and_huge_counts(
    transactional_db, live_server, browser, notices, monkeypatch
):
    extreme_figures(monkeypatch)
    make_audit_user()
    check_every_screen(browser, live_server.url, "extreme")
