"""The accessibility check holds every control to 44x44 CSS px (WCAG 2.2 target size), not axe's
default of 24 px with a spacing allowance; links inside running text stay exempt."""

import pytest

from tests.browser.conftest import axe_check

pytestmark = pytest.mark.browser


def page_with(body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Targets</title>'
        f"</head><body><main><h1>Targets</h1>{body}</main></body></html>"
    )


def target_size_violations(page) -> list[str]:
    return [
        ", ".join(map(str, node["target"]))
        for violation in axe_check(page)
        if violation["id"] == "target-size"
        for node in violation["nodes"]
    ]


def test_a_lone_30_px_button_fails_the_target_size_check(tablet):
    tablet.set_content(
        page_with('<button id="small" style="width:30px;height:30px;padding:0">Go</button>')
    )
    assert target_size_violations(tablet) == ["#small"]


def test_a_44_px_button_passes_the_target_size_check(tablet):
    tablet.set_content(
        page_with('<button id="large" style="width:44px;height:44px;padding:0">Go</button>')
    )
    assert target_size_violations(tablet) == []


def test_a_button_44_px_tall_but_40_px_wide_fails(tablet):
    tablet.set_content(
        page_with('<button id="narrow" style="width:40px;height:44px;padding:0">Go</button>')
    )
    assert target_size_violations(tablet) == ["#narrow"]


def test_a_bare_radio_fails_and_a_44_px_one_passes(tablet):
    tablet.set_content(
        page_with(
            '<div style="display:flex"><input type="radio" name="a" id="bare">'
            '<label for="bare">Bare</label></div>'
            '<div style="display:flex"><input type="radio" name="b" id="large"'
            ' style="width:44px;height:44px"><label for="large">Large</label></div>'
        )
    )
    assert target_size_violations(tablet) == ["#bare"]


def test_a_link_inside_a_sentence_is_exempt(tablet):
    tablet.set_content(
        page_with('<p>Read <a href="#rules">the rules</a> before you sign the form.</p>')
    )
    assert target_size_violations(tablet) == []
