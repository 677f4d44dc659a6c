"""Counting what the officer and the parent do on the tablet.

Every interaction goes through ``Interactions``: each field typed (``fill``), each select
(``select``), each tap or click (``tap``, ``click``, ``check``), each signature drawn, however
many strokes (``draw``), each page submitted (``submit``). ``count`` is the total; ``log`` says
what each one was, for a failing budget to be read.
"""

from __future__ import annotations


class Interactions:
    def __init__(self):
        self.count = 0
        self.log: list[str] = []

    def _note(self, kind: str, locator) -> None:
        self.count += 1
        self.log.append(f"{self.count:>2} {kind}: {locator}")

    def fill(self, locator, value: str) -> None:
        locator.fill(value)
        self._note("type", locator)

    def select(self, locator, value=None, *, label=None) -> None:
        if label is not None:
            locator.select_option(label=label)
        else:
            locator.select_option(value)
        self._note("select", locator)

    def tap(self, locator) -> None:
        locator.tap()
        self._note("tap", locator)

    def click(self, locator) -> None:
        locator.click()
        self._note("tap", locator)

    def check(self, locator) -> None:
        locator.check()
        self._note("tap", locator)

    def draw(self, draw, pad) -> None:
        """One signature: ``draw(pad)`` makes its strokes; a set of strokes counts once."""
        draw(pad)
        self._note("draw", pad)

    def submit(self, locator) -> None:
        locator.click()
        self._note("submit", locator)

    def __str__(self) -> str:
        return "\n".join(self.log)
