"""The dashboard's SVG labels are laid out to stay legible and apart (the browser test in
tests/browser/test_auditor_dashboard.py measures them on the screen): no text under 13 units,
long names wrapped rather than cut, figures too wide for their bar left to the table."""

import re

from elections.audit import charts

LONG_OFFICE = "Oficina de Campo de El Paso (Ciudad Juárez y Las Cruces)"


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text\b[^>]*>", svg)


def test_no_chart_text_is_drawn_smaller_than_13():
    vertical = charts.vertical_bars(
        chart_id="v",
        title="t",
        summary="s",
        categories=[f"mes {n}\n2026" for n in range(12)],
        series=[
            charts.Series(LONG_OFFICE, [n * 1000 for n in range(12)]),
            charts.Series("b", [1] * 12),
        ],
        unit="elecciones",
        markers=[charts.Marker(11.9, "mediana 3,5 días")],
        highlight={0, 1},
        highlight_label="más rápido que el mínimo de 30 minutos",
    )
    horizontal = charts.horizontal_bars(
        chart_id="h",
        title="t",
        summary="s",
        categories=[LONG_OFFICE, "Miami"],
        series=[charts.Series("a", [1, 2_000_000]), charts.Series("b", [0, 3])],
        stacked=False,
    )
    for svg in (vertical, horizontal):
        sizes = [float(size) for size in re.findall(r'<text\b[^>]*font-size="([\d.]+)"', svg)]
        assert len(sizes) == len(_texts(svg)) > 5
        assert min(sizes) >= 13


def test_a_long_office_name_wraps_onto_lines_instead_of_being_cut():
    svg = charts.horizontal_bars(
        chart_id="h",
        title="t",
        summary="s",
        categories=[LONG_OFFICE],
        series=[charts.Series("a", [4])],
    )
    label = re.search(r'<text [^>]*text-anchor="end"[^>]*>(.*?)</text>', svg).group(1)
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", label)
    assert len(lines) >= 2
    assert " ".join(lines) == LONG_OFFICE


def test_totals_too_wide_for_their_bars_are_left_to_the_table_and_the_bar_titles():
    values = [0, 2_400_000, 7, 1_250_000, 0, 3, 980_000, 1, 0, 15, 0, 12]
    svg = charts.vertical_bars(
        chart_id="v",
        title="t",
        summary="s",
        categories=[str(n) for n in range(12)],
        series=[charts.Series("a", values)],
    )
    assert 'class="chart-value"' not in svg
    assert "2,400,000</title>" in svg
    # The value axis is wide enough for its longest figure.
    assert ">2,500,000</text>" in svg
    few = charts.vertical_bars(
        chart_id="w",
        title="t",
        summary="s",
        categories=["a", "b"],
        series=[charts.Series("a", [2_400_000, 0])],
    )
    assert re.search(r'class="chart-value">2,400,000</text>', few)


def test_words_wider_than_a_slot_label_every_second_category():
    svg = charts.vertical_bars(
        chart_id="v",
        title="t",
        summary="s",
        categories=[f"septiembre{n}" for n in range(12)],
        series=[charts.Series("a", [1] * 12)],
    )
    labelled = [int(n) for n in re.findall(r">septiembre(\d+)</tspan>", svg)]
    assert labelled[0] == 0 and len(labelled) <= 6
    every = labelled[1] - labelled[0]
    assert every >= 2 and labelled == list(range(0, 12, every))
