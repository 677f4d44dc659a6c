"""The auditor's dashboard: the figures behind each chart, the SVG, its text alternative."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from elections.audit import charts
from elections.audit import selectors as selectors_audit
from elections.constants import Decision
from elections.figures import figures_rebuild
from elections.models import AccessAction, Election
from tests.audit_helpers import (
    TELEPHONE,
    el_paso,
    last_entry,
    make_audit_user,
    san_antonio,
    statements,
    two_children,
    without_sealing,
)

DASHBOARD = reverse("audit:dashboard")


@pytest.fixture
def auditor(db):
    return make_audit_user()


@pytest.fixture
def world(notices, monkeypatch):
    without_sealing(monkeypatch)
    elp, sna = el_paso(), san_antonio()
    return {
        "elp": elp,
        "sna": sna,
        "reunify": elp.approved(),
        "consult": elp.approved(decisions=Decision.CONSULT),
        "mixed": elp.election(
            stage="submitted", **two_children((Decision.REUNIFY, Decision.WAIVE))
        ),
        "returned": elp.returned(),
        "returned_twice": _returned_twice(elp),
        "phone": sna.election(stage="submitted", **TELEPHONE),
        "waive": sna.approved(decisions=Decision.WAIVE),
        "draft": sna.election(stage="started"),
    }


def _returned_twice(team):
    from elections import workflow
    from tests.factories import fresh

    election = team.returned(resubmit=True)
    workflow.election_return(election=election, actor=team.supervisor, reason="Again: the date.")
    return fresh(election)


pytestmark = pytest.mark.django_db


def test_submissions_per_month_count_each_election_once_by_decision_and_office(world):
    data = selectors_audit.submitted_per_month(months=12)
    this_month = timezone.now().date().replace(day=1)
    assert data["months"][-1] == this_month and len(data["months"]) == 12
    by_decision = {k: v for (m, k), v in data["by_decision"].items() if m == this_month}
    assert by_decision == {"reunify": 4, "consult": 1, "mixed": 1, "waive": 1}
    by_office = {k: v for (m, k), v in data["by_office"].items() if m == this_month}
    assert by_office == {"ELP": 5, "SNA": 2}


def test_month_starts_cross_the_year_boundary():
    from datetime import date

    months = selectors_audit.month_starts(months=3, today=date(2026, 2, 14))
    assert months == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_interpreter_share_is_counted_per_parent_language(world):
    rows = {r["language"]: r for r in selectors_audit.interpreter_share_by_language()}
    assert rows["quc"] == {"language": "quc", "total": 1, "in_person": 0, "telephone": 1, "none": 0}
    assert rows["es"]["total"] == 6 and rows["es"]["none"] == 6


def test_decision_time_has_a_histogram_and_a_median(world):
    data = selectors_audit.decision_time_distribution()
    counts = dict(data["buckets"])
    assert data["total"] == 7
    # Approved ones were given 45 minutes (tests.supervision.give_parent_time); others decided
    # within seconds of the notice.
    assert counts["30to60m"] == 3
    assert counts["lt15m"] == 4
    assert data["median_minutes"] < 15
    assert data["minimum_minutes"] == 30


def test_returns_per_office_count_each_return_once(world):
    rows = {r["office"].code: r for r in selectors_audit.returns_per_office()}
    assert rows["ELP"]["returned"] == 2
    assert rows["ELP"]["returns"] == 3
    assert rows["SNA"]["returns"] == 0
    assert rows["ELP"]["submitted"] == 5


def test_the_approval_queue_and_consult_backlog_are_aged_by_office(world):
    queue = selectors_audit.approval_queue_age()
    assert sum(queue["counts"].values()) == 2  # mixed (ELP) and phone (SNA)
    assert queue["counts"][("lt1d", "SNA")] == 1
    Election.objects.filter(pk=world["mixed"].pk).update(
        submitted_at=timezone.now() - timedelta(days=10)
    )
    figures_rebuild()  # a write around the workflow, as after a bulk import
    queue = selectors_audit.approval_queue_age()
    assert queue["counts"][("1to4w", "ELP")] == 1
    backlog = selectors_audit.consult_pending_backlog()
    assert dict(backlog["counts"]) == {("lt1d", "ELP"): 1}


def test_the_dashboard_draws_every_chart_with_a_text_alternative(client, auditor, world):
    client.force_login(auditor)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    figures = re.findall(r"<figure .*?</figure>", html, flags=re.S)
    assert len(figures) == 7
    for figure in figures:
        svg_id = re.search(r'aria-labelledby="([\w-]+)-title \1-desc"', figure)
        assert svg_id, figure[:300]
        assert 'role="img"' in figure
        assert re.search(r"<desc id=\"[\w-]+-desc\">[^<]{20,}</desc>", figure)
        assert "<table" in figure and "<figcaption" in figure
        assert "<rect" in figure
    for title in (
        "Elections submitted per month, by decision",
        "Elections submitted per month, by field office",
        "Share of elections with an interpreter",
        "Time from notice to decision",
        "Returns per field office",
        "Age of the approval queue",
        "Consult-pending backlog",
    ):
        assert title in html
    assert "style=" not in "".join(figures)  # the CSP allows no inline style


def test_the_dashboard_costs_the_same_queries_at_any_size(client, auditor, world):
    client.force_login(auditor)
    before = statements(client, DASHBOARD)
    for _ in range(3):
        world["elp"].approved(decisions=Decision.CONSULT)
        world["sna"].returned()
    assert statements(client, DASHBOARD) == before


def test_opening_the_dashboard_is_recorded(client, auditor, world):
    client.force_login(auditor)
    client.get(DASHBOARD)
    entry = last_entry()
    assert entry.action == AccessAction.PAGE and entry.path == DASHBOARD


def test_an_empty_dashboard_still_renders(client, auditor):
    client.force_login(auditor)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.content.decode().count("<svg") == 7


# --- The SVG itself ---------------------------------------------------------------------------


def test_axes_step_in_whole_readable_numbers():
    scales = [charts.nice_scale(v) for v in (0, 1, 3, 7, 11, 26, 480, 2600)]
    assert scales == [(1, 1), (1, 1), (1, 3), (2, 4), (5, 3), (10, 3), (100, 5), (1000, 3)]
    assert all(
        step * count >= value
        for (step, count), value in zip(scales, (0, 1, 3, 7, 11, 26, 480, 2600), strict=True)
    )


def test_labels_are_escaped_in_the_svg():
    svg = charts.vertical_bars(
        chart_id="c",
        title="<b>t</b>",
        summary="s & s",
        categories=['<script>alert("x")</script>'],
        series=[charts.Series("a<b", [3])],
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "a&lt;b" in svg and "s &amp; s" in svg


def test_series_after_the_first_carry_a_hatch_for_black_and_white_print():
    svg = charts.horizontal_bars(
        chart_id="h",
        title="t",
        summary="s",
        categories=["x", "y"],
        series=[charts.Series("one", [1, 2]), charts.Series("two", [3, 0])],
        percent=True,
    )
    patterns = re.findall(r'<pattern id="h-p(\d)".*?</pattern>', svg)
    assert patterns == ["0", "1"]
    assert re.search(r'<pattern id="h-p1".*?<path d=', svg)
    assert "75 %" in svg  # y: 3 of 4 is "two" ... x: 1 of 1
