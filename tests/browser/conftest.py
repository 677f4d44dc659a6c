"""Playwright fixtures for browser tests, driving Debian's Chromium (not a downloaded build).

``tablet`` is a fresh page in a tablet-sized touch context; ``make_tablet(locale=...)`` gives
more (another language, a second officer). ``assert_accessible(page)`` fails on serious or
critical axe-core violations and lists them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps calling home, which this network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TABLET_VIEWPORT = {"width": 820, "height": 1180}
TABLET_LANDSCAPE = {"width": 1180, "height": 820}
LAPTOP_VIEWPORT = {"width": 1440, "height": 900}
# Parametrize a test with ``@pytest.mark.parametrize("viewport", TABLET_ORIENTATIONS, ids=...)``
# and pass it to ``make_tablet(viewport=viewport)``: the tablet is used both ways round.
TABLET_ORIENTATIONS = (TABLET_VIEWPORT, TABLET_LANDSCAPE)
ORIENTATION_IDS = ("portrait", "landscape")
BLOCKING_IMPACTS = ("serious", "critical")


def pytest_collection_modifyitems(items):
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} not found; run scripts/install-system-deps"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    # The sync API keeps an asyncio loop around for the rest of the session, and Django then
    # refuses ORM calls from the test thread unless told that this is deliberate.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        chromium_sandbox=False,
        args=CHROMIUM_ARGS,
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def make_tablet(browser) -> Iterator:
    """Factory: ``make_tablet(locale="es-US", viewport=TABLET_LANDSCAPE)`` returns a page in a new
    tablet context (portrait unless told)."""
    contexts = []

    def make(locale: str = "en-US", viewport: dict | None = None, **context_options):
        context = browser.new_context(
            viewport=viewport or TABLET_VIEWPORT,
            has_touch=True,
            locale=locale,
            **context_options,
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def tablet(make_tablet):
    return make_tablet()


# WCAG 2.2 target size, at the 44x44 CSS px the tablet needs (2.5.5, not 2.5.8's 24 px): axe's
# `target-size` rule is off by default and, on, lets a small target pass when it is spaced from its
# neighbours (`target-offset`). Here every control itself must be 44x44; inline links inside running
# text stay exempt (axe does not match them).
TARGET_SIZE_PX = 44
AXE_CONFIGURE = (
    "axe.configure({"
    f"checks: [{{id: 'target-size', options: {{minSize: {TARGET_SIZE_PX}}}}}],"
    "rules: [{id: 'target-size', enabled: true, any: ['target-size']}]"
    "})"
)
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}


def axe_check(page, context=None) -> list[dict]:
    """Run axe-core on the page (target size at 44 px included); return the violations with
    serious or critical impact."""
    from axe_playwright_python.base import AxeResults
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page.evaluate(axe.axe_script)
    page.evaluate(AXE_CONFIGURE)
    arguments = axe._format_script_args(context=context, options=AXE_OPTIONS)
    results = AxeResults(page.evaluate(f"axe.run({arguments}).then(results => results)"))
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                summary = node["failureSummary"].replace("\n", "\n        ")
                lines.append(f"        {summary}")
    return "\n".join(lines)


def assert_accessible(page, context=None) -> None:
    violations = axe_check(page, context=context)
    assert not violations, (
        f"{len(violations)} serious/critical accessibility violation(s) on {page.url}:\n"
        + format_violations(violations)
    )
