"""The browser machinery works: Chromium starts, axe runs, touch-sized pages take a drawn stroke."""

import pytest

from tests.browser.conftest import assert_accessible, axe_check

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Smoke</title></head>
<body>
  <main>
    <h1>Signature</h1>
    <canvas id="pad" width="600" height="200" aria-label="Signature pad"
            style="border: 1px solid #000; touch-action: none"></canvas>
  </main>
  <script>
    const canvas = document.getElementById("pad");
    const ctx = canvas.getContext("2d");
    let drawing = false;
    canvas.addEventListener("pointerdown", (e) => {
      drawing = true; ctx.beginPath(); ctx.moveTo(e.offsetX, e.offsetY);
    });
    canvas.addEventListener("pointermove", (e) => {
      if (drawing) { ctx.lineTo(e.offsetX, e.offsetY); ctx.lineWidth = 3; ctx.stroke(); }
    });
    canvas.addEventListener("pointerup", () => { drawing = false; });
  </script>
</body>
</html>
"""

INK_PIXELS = """() => {
  const canvas = document.getElementById("pad");
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
  return inked;
}"""


def test_the_tablet_page_has_the_tablet_viewport_and_touch(tablet):
    tablet.set_content(PAGE)
    assert tablet.viewport_size == {"width": 820, "height": 1180}
    assert tablet.evaluate("navigator.maxTouchPoints") > 0
    assert tablet.evaluate("navigator.language") == "en-US"


def test_a_stroke_drawn_with_the_mouse_inks_the_canvas(tablet):
    tablet.set_content(PAGE)
    assert tablet.evaluate(INK_PIXELS) == 0

    box = tablet.locator("#pad").bounding_box()
    tablet.mouse.move(box["x"] + 20, box["y"] + 100)
    tablet.mouse.down()
    for step in range(1, 21):
        tablet.mouse.move(box["x"] + 20 + step * 25, box["y"] + 100 + (-1) ** step * 30)
    tablet.mouse.up()

    assert tablet.evaluate(INK_PIXELS) > 500


def test_axe_passes_an_accessible_page(tablet):
    tablet.set_content(PAGE)
    assert_accessible(tablet)


def test_axe_reports_serious_violations(tablet):
    tablet.set_content('<html><body><img src="data:,"><input type="text"></body></html>')
    ids = {violation["id"] for violation in axe_check(tablet)}
    assert {"image-alt", "label"} <= ids
