"""Bar charts as server-rendered SVG, for the auditor's dashboard.

No JavaScript and no inline style (the Content-Security-Policy allows neither): only SVG
presentation attributes. Every chart carries its own text alternative: a ``<title>`` and a
one-sentence ``<desc>`` for screen readers, and the same figures as a data table that the page
shows beside it. Colours are the Okabe-Ito palette (distinguishable with colour-blindness), and
every series after the first also has a hatch pattern, so the charts still read when printed in
black and white.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442")
# Hatch drawn over the colour: none, diagonal, cross-diagonal, dots, horizontal, vertical.
HATCHES = (
    "",
    "M0,8 L8,0",
    "M0,8 L8,0 M0,0 L8,8",
    "M3,3 h2 v2 h-2 z",
    "M0,4 H8",
    "M4,0 V8",
    "M0,2 H8 M0,6 H8",
    "M2,0 V8 M6,0 V8",
)
FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', sans-serif"
TEXT = "#212529"
#: Axis labels: 7.9:1 on white, where Bootstrap's #6c757d is barely 4.7:1.
MUTED = "#495057"
GRID = "#dee2e6"
#: Every text a chart draws, in the SVG's units. audit.css never draws a chart narrower than its
#: own width (it scrolls instead), so on screen no text is smaller than this many CSS pixels.
TEXT_SIZE = 13
LINE = 16  # the height of a line of text
#: The width charts are drawn at: two of them side by side on a 1440 px screen.
WIDTH = 600


def text_width(text: str, size: float = TEXT_SIZE) -> float:
    """A generous estimate of how wide a label prints (the server has no font metrics): 0.64 em
    a character, wider than the average of system-ui's letters and digits, so a label laid out
    with it fits."""
    return 0.64 * size * len(text)


def wrap(text: str, width: float) -> list[str]:
    """``text`` in lines that fit ``width``, broken between words; a word wider than the whole
    width is cut into pieces that fit."""
    most = max(1, int(width // text_width("x")))
    pieces = [word[i : i + most] for word in text.split() for i in range(0, len(word), most)]
    lines: list[str] = []
    for piece in pieces:
        if lines and text_width(f"{lines[-1]} {piece}") <= width:
            lines[-1] = f"{lines[-1]} {piece}"
        else:
            lines.append(piece)
    return lines or [""]


def _lines(lines: list[str], x: float, y: float, attributes: str, second: str = "") -> str:
    """One <text> of several lines, each a <tspan> under the one before; ``second``: attributes
    of the last line when there are several (a month's year)."""
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if index == 0 else LINE}"'
        + (f" {second}" if second and index and index == len(lines) - 1 else "")
        + f">{escape(line)}</tspan>"
        for index, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{TEXT_SIZE}" {attributes}>{spans}</text>'


@dataclass
class Series:
    name: str
    values: list[float]


@dataclass
class Marker:
    """A vertical line at a (fractional) category position, with a label: a median, a limit."""

    position: float
    label: str
    color: str = "#212529"


@dataclass
class Chart:
    id: str
    title: str
    summary: str
    svg: SafeString
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    legend: list[tuple[str, str, str]] = field(default_factory=list)


def nice_scale(value: float, *, most_ticks: int = 5) -> tuple[float, int]:
    """An axis for counts from 0 to at least ``value``: (step, number of steps), the step a
    whole 1, 2 or 5 x 10^k, with no more than ``most_ticks`` steps."""
    if value <= 0:
        return 1, 1
    raw = value / most_ticks
    exponent = math.floor(math.log10(raw)) if raw >= 1 else 0
    step = next(
        m * 10**e
        for e in (exponent, exponent + 1)
        for m in (1, 2, 5)
        if m * 10**e >= raw and m * 10**e >= 1
    )
    return step, max(1, math.ceil(value / step))


def nice_ceiling(value: float) -> float:
    step, count = nice_scale(value)
    return step * count


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _defs(chart_id: str, count: int) -> list[str]:
    parts = ["<defs>"]
    for index in range(count):
        color = PALETTE[index % len(PALETTE)]
        hatch = HATCHES[index % len(HATCHES)]
        parts.append(
            f'<pattern id="{chart_id}-p{index}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{color}"/>'
            + (
                f'<path d="{hatch}" stroke="#ffffff" stroke-width="1.4" fill="none"/>'
                if hatch
                else ""
            )
            + "</pattern>"
        )
    parts.append("</defs>")
    return parts


def _fill(chart_id: str, index: int) -> str:
    return f"url(#{chart_id}-p{index})"


def _open(chart_id: str, title: str, summary: str, width: int, height: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'viewBox="0 0 {width} {height:.0f}" width="{width}" height="{height:.0f}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{escape(FONT)}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]


SWATCH = 12
#: Room between two legend entries on a line.
LEGEND_GAP = 14


def _legend_layout(series: list[Series], width: float) -> tuple[list[tuple], float]:
    """Where each legend entry goes, as (x, y of its first line, lines) from the top left of a
    band ``width`` wide, entries side by side and onto a new line when the next does not fit,
    a name too long for a whole line wrapped; and the band's height."""
    text_room = width - SWATCH - 4
    placed, x, y, line_height = [], 0.0, float(TEXT_SIZE), 1
    for item in series:
        lines = wrap(item.name, text_room)
        entry_width = SWATCH + 4 + max(text_width(line) for line in lines)
        if x > 0 and x + entry_width > width:
            x, y, line_height = 0.0, y + LINE * line_height + 4, 1
        placed.append((x, y, lines))
        line_height = max(line_height, len(lines))
        x += entry_width + LEGEND_GAP
    return placed, y + LINE * (line_height - 1) + 8


def _legend(chart_id: str, series: list[Series], x: float, y: float, width: float) -> list[str]:
    placed, _height = _legend_layout(series, width)
    parts = []
    for index, (dx, dy, lines) in enumerate(placed):
        parts.append(
            f'<rect x="{x + dx:.1f}" y="{y + dy - 11:.1f}" width="{SWATCH}" height="{SWATCH}" '
            f'fill="{_fill(chart_id, index)}" stroke="{TEXT}" stroke-width="0.5"/>'
            + _lines(lines, x + dx + SWATCH + 4, y + dy, f'fill="{TEXT}" class="chart-legend"')
        )
    return parts


def _legend_height(series: list[Series], width: float) -> float:
    return _legend_layout(series, width)[1]


def _clamped(x: float, text: str, width: float) -> float:
    """A left-anchored label's x, moved left so it ends inside the chart."""
    return max(2.0, min(x, width - 2 - text_width(text)))


def vertical_bars(
    *,
    chart_id: str,
    title: str,
    summary: str,
    categories: list[str],
    series: list[Series],
    unit: str = "",
    stacked: bool = True,
    markers: list[Marker] | None = None,
    highlight: set[int] | None = None,
    highlight_label: str = "",
    width: int = WIDTH,
    plot_height: int = 190,
) -> SafeString:
    """Bars per category, stacked (or side by side), with a labelled value axis and a legend.

    ``highlight`` shades the background of the categories whose index it holds (e.g. decisions
    faster than the minimum) and names them with ``highlight_label``; ``markers`` draws labelled
    vertical lines at (fractional) category positions. A category label may hold a second line
    after a newline.

    No two labels meet: the legend, the unit, the highlight's and the markers' labels each
    have lines of their own above the plot; the value axis is as wide as its longest number;
    a category label wraps inside its slot, and when a word still does not fit only every
    second (third, ...) category is labelled; a bar's total is printed only when every total
    fits its slot (the figures are also in the table beside the chart).
    """
    markers = markers or []
    highlight = highlight or set()
    show_legend = len(series) > 1
    totals = [
        sum(s.values[i] for s in series)
        if stacked
        else max((s.values[i] for s in series), default=0)
        for i in range(len(categories))
    ]
    step, steps = nice_scale(max(totals, default=0))
    ceiling = step * steps
    tick_labels = [_number(step * tick) for tick in range(steps + 1)]
    left = max(40.0, 12 + max(text_width(label) for label in tick_labels))
    right = 12
    plot_w = width - left - right
    slot = plot_w / max(len(categories), 1)
    bar_w = slot * 0.68

    # Above the plot, from the top: the legend, then a line each for the unit, the highlight's
    # label and the markers' labels, then room for the totals of the tallest bars.
    y = 6.0
    legend_y = y
    if show_legend:
        y += _legend_height(series, plot_w)
    rows = {}
    for name, present in (("unit", unit), ("highlight", highlight), ("markers", markers)):
        if present:
            rows[name] = y + TEXT_SIZE
            y += LINE + 4
    show_totals = bool(stacked) and all(
        text_width(_number(total)) <= slot - 2 for total in totals if total
    )
    # (and the top tick label, half a line above the plot, clear of the last line).
    top = y + (LINE if show_totals or not stacked else 12)

    # Below the plot: the category labels, wrapped in their slots; when a word is wider than a
    # slot, every second (third, ...) category is labelled, in the room of two (three, ...).
    widest_word = max(
        (text_width(word) for category in categories for word in category.split()), default=0
    )
    every = 1
    while widest_word > slot * every - 4 and every < len(categories):
        every += 1
    wrapped = []
    for category in categories:
        first_line, _newline, second_line = category.partition("\n")
        wrapped.append((wrap(first_line, slot * every - 4), second_line))
    label_lines = max((len(lines) + bool(second) for lines, second in wrapped), default=1)
    height = top + plot_height + 8 + LINE * label_lines + 4

    parts = _open(chart_id, title, summary, width, height) + _defs(chart_id, len(series))
    if show_legend:
        parts += _legend(chart_id, series, left, legend_y, plot_w)
    if unit:
        parts.append(
            f'<text x="4" y="{rows["unit"]:.1f}" font-size="{TEXT_SIZE}" fill="{MUTED}">'
            f"{escape(unit)}</text>"
        )
    if highlight:
        first, last = min(highlight), max(highlight)
        x = _clamped(left + slot * first + 4, highlight_label, width)
        parts.append(
            f'<rect x="{left + slot * first:.1f}" y="{top:.1f}" '
            f'width="{slot * (last - first + 1):.1f}" height="{plot_height:.1f}" fill="#fbe3e4"/>'
            f'<text x="{x:.1f}" y="{rows["highlight"]:.1f}" font-size="{TEXT_SIZE}" '
            f'fill="#842029">{escape(highlight_label)}</text>'
        )
    for tick, label in enumerate(tick_labels):
        y = top + plot_height - plot_height * tick / steps
        parts.append(
            f'<line x1="{left:.1f}" x2="{left + plot_w:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}"/><text x="{left - 6:.1f}" y="{y + 4:.1f}" font-size="{TEXT_SIZE}" '
            f'text-anchor="end" fill="{MUTED}" class="chart-axis">{escape(label)}</text>'
        )
    base_y = top + plot_height
    for index, category in enumerate(categories):
        x0 = left + slot * index + (slot - bar_w) / 2
        base = base_y
        if stacked:
            for s_index, item in enumerate(series):
                value = item.values[index]
                if not value:
                    continue
                h = plot_height * value / ceiling
                base -= h
                parts.append(
                    f'<rect x="{x0:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{_fill(chart_id, s_index)}" stroke="#ffffff" stroke-width="0.5">'
                    f"<title>{escape(category.replace(chr(10), ' '))} · {escape(item.name)}: "
                    f"{escape(_number(value))}</title></rect>"
                )
            top_y = base
        else:
            inner = bar_w / max(len(series), 1)
            top_y = base
            for s_index, item in enumerate(series):
                value = item.values[index]
                h = plot_height * value / ceiling
                x = x0 + inner * s_index
                parts.append(
                    f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{inner:.1f}" height="{h:.1f}" '
                    f'fill="{_fill(chart_id, s_index)}" stroke="#ffffff" stroke-width="0.5">'
                    f"<title>{escape(category.replace(chr(10), ' '))} · {escape(item.name)}: "
                    f"{escape(_number(value))}</title></rect>"
                )
                top_y = min(top_y, base - h)
        if show_totals and totals[index]:
            parts.append(
                f'<text x="{x0 + bar_w / 2:.1f}" y="{top_y - 4:.1f}" font-size="{TEXT_SIZE}" '
                f'text-anchor="middle" fill="{TEXT}" class="chart-value">'
                f"{escape(_number(totals[index]))}</text>"
            )
        if index % every == 0:
            lines, second_line = wrapped[index]
            shown = lines + [second_line] if second_line else lines
            parts.append(
                _lines(
                    shown,
                    x0 + bar_w / 2,
                    base_y + 8 + TEXT_SIZE,
                    f'text-anchor="middle" fill="{TEXT}" class="chart-axis"',
                    second=f'fill="{MUTED}"' if second_line else "",
                )
            )
    for marker in markers:
        x = left + slot * marker.position
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{rows["markers"] + 4:.1f}" '
            f'y2="{base_y:.1f}" stroke="{marker.color}" stroke-width="2" '
            f'stroke-dasharray="6 3"/><text x="{_clamped(x + 4, marker.label, width):.1f}" '
            f'y="{rows["markers"]:.1f}" font-size="{TEXT_SIZE}" fill="{marker.color}">'
            f"{escape(marker.label)}</text>"
        )
    parts.append(
        f'<line x1="{left:.1f}" x2="{left + plot_w:.1f}" y1="{base_y:.1f}" '
        f'y2="{base_y:.1f}" stroke="{TEXT}"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above went through escape()


def horizontal_bars(
    *,
    chart_id: str,
    title: str,
    summary: str,
    categories: list[str],
    series: list[Series],
    percent: bool = False,
    stacked: bool = True,
    width: int = WIDTH,
    row_height: int = 26,
) -> SafeString:
    """One bar per category (languages, offices), label on the left, stacked to 100 % when
    ``percent`` (each row's share), or side by side when not ``stacked``.

    No two labels meet: a category's name wraps onto as many lines as it needs in a column at
    most a third of the chart wide, and its row is as tall as its name; the value column is as
    wide as its longest figure; side-by-side bars are each at least a line of text tall; an
    axis label is skipped when it would touch the one before.
    """
    show_legend = len(series) > 1
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    if percent:
        step, steps = 25, 4
    elif stacked:
        step, steps = nice_scale(max(totals, default=0))
    else:
        step, steps = nice_scale(max((max(s.values, default=0) for s in series), default=0))
    ceiling = step * steps
    if stacked:
        value_labels = [_number(total) for total in totals]
    else:
        value_labels = [_number(v) for s in series for v in s.values]
    right = max(40.0, 10 + max((text_width(label) for label in value_labels), default=0))
    longest = max((text_width(category) for category in categories), default=0)
    left = min(width / 3, max(80.0, longest + 14))
    names = [wrap(category, left - 14) for category in categories]
    plot_w = width - left - right
    legend_h = _legend_height(series, plot_w) if show_legend else 0
    top = 10 + legend_h
    bar_room = row_height - 8 if stacked else max(LINE + 2, row_height * 0.7) * len(series)
    rows = [max(bar_room, LINE * len(lines)) + 8 for lines in names]
    height = top + sum(rows) + 10 + LINE + 6
    axis_y = height - 8
    parts = _open(chart_id, title, summary, width, height) + _defs(chart_id, len(series))
    if show_legend:
        parts += _legend(chart_id, series, left, 6, plot_w)
    last_end = -math.inf
    for tick in range(steps + 1):
        x = left + plot_w * tick / steps
        label = f"{int(step * tick)} %" if percent else _number(step * tick)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top:.1f}" y2="{axis_y - LINE + 2:.1f}" '
            f'stroke="{GRID}"/>'
        )
        if x - text_width(label) / 2 > last_end + 4:
            last_end = x + text_width(label) / 2
            parts.append(
                f'<text x="{x:.1f}" y="{axis_y:.1f}" font-size="{TEXT_SIZE}" '
                f'text-anchor="middle" fill="{MUTED}" class="chart-axis">{escape(label)}</text>'
            )
    y0 = top
    for index, category in enumerate(categories):
        row = rows[index]
        middle = y0 + 4 + (row - 8) / 2
        lines = names[index]
        parts.append(
            _lines(
                lines,
                left - 8,
                middle + 4 - LINE * (len(lines) - 1) / 2,
                f'text-anchor="end" fill="{TEXT}" class="chart-axis"',
            )
        )
        bar_top = middle - bar_room / 2
        total = totals[index]
        cursor = left
        for s_index, item in enumerate(series):
            value = item.values[index]
            if percent:
                share = value * 100 / total if total else 0
                w = plot_w * share / 100
                shown = f"{share:.0f} %"
            else:
                w = plot_w * value / ceiling
                shown = _number(value)
            if stacked:
                x, y, h = cursor, bar_top, bar_room
                cursor += w
            else:
                h = bar_room / len(series)
                x, y = left, bar_top + h * s_index
            if w > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
                    f'fill="{_fill(chart_id, s_index)}" stroke="#ffffff" stroke-width="0.5">'
                    f"<title>{escape(category)} · {escape(item.name)}: {escape(shown)}"
                    f"{'' if not percent else f' ({_number(value)})'}</title></rect>"
                )
            if not stacked:
                parts.append(
                    f'<text x="{x + w + 4:.1f}" y="{y + h / 2 + 4.5:.1f}" '
                    f'font-size="{TEXT_SIZE}" fill="{TEXT}" class="chart-value">'
                    f"{escape(shown)}</text>"
                )
        if stacked:
            parts.append(
                f'<text x="{left + plot_w + 6:.1f}" y="{middle + 4.5:.1f}" '
                f'font-size="{TEXT_SIZE}" fill="{TEXT}" class="chart-value">'
                f"{escape(_number(total))}</text>"
            )
        y0 += row
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above went through escape()


# --- The auditor's dashboard ---------------------------------------------------------------------


def _month_label(day) -> str:
    from babel.dates import format_date
    from django.utils import translation

    locale = (translation.get_language() or "en").replace("-", "_")
    return format_date(day, format="MMM yyyy", locale=locale)


def _month_axis(months) -> list[str]:
    """Short month names; the year under the first month and under every January."""
    from babel.dates import format_date
    from django.utils import translation

    locale = (translation.get_language() or "en").replace("-", "_")
    labels = []
    for index, month in enumerate(months):
        name = format_date(month, format="LLL", locale=locale)
        labels.append(f"{name}\n{month.year}" if index == 0 or month.month == 1 else name)
    return labels


def _pct(part: float, whole: float) -> str:
    return f"{part * 100 / whole:.0f} %" if whole else "—"


def _minutes_label(minutes: float | None) -> str:
    from django.utils.translation import gettext as _

    if minutes is None:
        return "—"
    if minutes < 90:
        return _("%(n)d min") % {"n": round(minutes)}
    if minutes < 48 * 60:
        return _("%(n).1f h") % {"n": minutes / 60}
    return _("%(n).1f days") % {"n": minutes / 1440}


def chart_per_month_by_decision(data: dict) -> Chart:
    from django.utils.translation import gettext as _

    from elections.constants import Decision

    months = data["months"]
    keys = [
        ("reunify", Decision.REUNIFY.label),
        ("waive", Decision.WAIVE.label),
        ("consult", Decision.CONSULT.label),
        ("mixed", _("Different decisions for different children")),
        ("none", _("No decision recorded")),
    ]
    series = [
        Series(str(label), [data["by_decision"].get((m, key), 0) for m in months])
        for key, label in keys
    ]
    series = [s for s in series if any(s.values)] or series[:1]
    labels = [_month_label(m) for m in months]
    totals = _stacked_totals(months, series)
    busiest = max(range(len(months)), key=lambda i: totals[i]) if months else 0
    title = _("Elections submitted per month, by decision")
    summary = _(
        "%(total)s elections submitted in the last %(n)s months; the most in %(month)s (%(max)s)."
    ) % {
        "total": f"{sum(totals):,}",
        "n": len(months),
        "month": labels[busiest] if months else "—",
        "max": f"{totals[busiest] if months else 0:,}",
    }
    return _monthly_stacked_chart("chart-month-decision", title, summary, months, series)


def chart_per_month_by_office(data: dict, offices: dict[str, str]) -> Chart:
    from django.utils.translation import gettext as _

    months = data["months"]
    series = _office_series(data["by_office"], months, offices)
    totals = _stacked_totals(months, series)
    title = _("Elections submitted per month, by field office")
    shares = ", ".join(f"{s.name} {_pct(sum(s.values), sum(totals))}" for s in series)
    summary = _("Share of the last %(n)s months: %(shares)s.") % {
        "n": len(months),
        "shares": shares,
    }
    return _monthly_stacked_chart("chart-month-office", title, summary, months, series)


def _stacked_totals(categories, series: list[Series]) -> list[int]:
    """The stacked total of each category (month, age bucket)."""
    return [sum(s.values[i] for s in series) for i in range(len(categories))]


def _office_series(counts: dict, keys, offices: dict[str, str]) -> list[Series]:
    """One series a field office, a value per key (month or age bucket), from counts keyed
    ``(key, office code)``; one empty series when there is no office at all."""
    from django.utils.translation import gettext as _

    codes = sorted({code for (_k, code) in counts}) or sorted(offices)
    return [
        Series(offices.get(code, code), [counts.get((key, code), 0) for key in keys])
        for code in codes
    ] or [Series(_("No field office"), [0 for _k in keys])]


def _monthly_stacked_chart(chart_id: str, title, summary, months, series: list[Series]) -> Chart:
    from django.utils.translation import gettext as _

    return _stacked_chart(
        chart_id,
        title,
        summary,
        series,
        axis=_month_axis(months),
        row_labels=[_month_label(m) for m in months],
        first_header=_("Month"),
    )


def _stacked_chart(
    chart_id: str, title, summary, series: list[Series], *, axis, row_labels, first_header
) -> Chart:
    """Stacked vertical bars, one a category, and the table beside them: a row a category
    (``row_labels``), a column a series, and the category's total."""
    from django.utils.translation import gettext as _

    totals = _stacked_totals(row_labels, series)
    return Chart(
        id=chart_id,
        title=title,
        summary=summary,
        svg=vertical_bars(
            chart_id=chart_id,
            title=title,
            summary=summary,
            categories=axis,
            series=series,
            unit=_("elections"),
        ),
        headers=[first_header, *(s.name for s in series), _("Total")],
        rows=[
            [label, *(_number(s.values[i]) for s in series), _number(totals[i])]
            for i, label in enumerate(row_labels)
        ],
    )


def chart_interpreter_share(rows: list[dict]) -> Chart:
    from django.utils.translation import gettext as _

    from elections.languages import language_name

    names = [language_name(row["language"]) or row["language"] for row in rows]
    series = [
        Series(_("Interpreter in the room"), [row["in_person"] for row in rows]),
        Series(_("Interpreter by telephone"), [row["telephone"] for row in rows]),
        Series(_("No interpreter"), [row["none"] for row in rows]),
    ]
    title = _("Share of elections with an interpreter, by the parent's language")
    total = sum(row["total"] for row in rows)
    interpreted = sum(row["in_person"] + row["telephone"] for row in rows)
    summary = _(
        "%(share)s of %(total)s elections with a delivered notice used an interpreter; "
        "%(phone)s of them by telephone."
    ) % {
        "share": _pct(interpreted, total),
        "total": f"{total:,}",
        "phone": _pct(sum(row["telephone"] for row in rows), interpreted),
    }
    return Chart(
        id="chart-interpreters",
        title=title,
        summary=summary,
        svg=horizontal_bars(
            chart_id="chart-interpreters",
            title=title,
            summary=summary,
            categories=names,
            series=series,
            percent=True,
        ),
        headers=[_("Language"), *(s.name for s in series), _("Total"), _("With an interpreter")],
        rows=[
            [
                names[i],
                *(_number(s.values[i]) for s in series),
                _number(row["total"]),
                _pct(row["in_person"] + row["telephone"], row["total"]),
            ]
            for i, row in enumerate(rows)
        ],
    )


def chart_decision_time(data: dict) -> Chart:
    from django.utils.translation import gettext as _

    labels = {
        "lt15m": _("< 15 min"),
        "15to30m": _("15–30 min"),
        "30to60m": _("30–60 min"),
        "1to2h": _("1–2 h"),
        "2to6h": _("2–6 h"),
        "6to24h": _("6–24 h"),
        "1to2d": _("1–2 days"),
        "gt2d": _("≥ 2 days"),
    }
    bounds = {"lt15m": 0, "15to30m": 15, "30to60m": 30, "1to2h": 60, "2to6h": 120}
    bounds |= {"6to24h": 360, "1to2d": 1440, "gt2d": 2880}
    keys = [key for key, _n in data["buckets"]]
    values = [n for _key, n in data["buckets"]]
    minimum = data["minimum_minutes"]
    fast = {i for i, key in enumerate(keys) if bounds[key] < minimum}
    lows = [bounds[k] for k in keys]
    markers = []
    median = data["median_minutes"]
    if median is not None:
        markers.append(
            Marker(
                position=_bucket_position(median, lows),
                label=_("median %(t)s") % {"t": _minutes_label(median)},
                color=PALETTE[0],
            )
        )
    title = _("Time from notice to decision")
    summary = _(
        "Median %(median)s over %(total)s decisions; %(fast)s were faster than the %(min)s-minute "
        "minimum (shaded)."
    ) % {
        "median": _minutes_label(median),
        "total": f"{data['total']:,}",
        "fast": f"{sum(values[i] for i in fast):,}",
        "min": minimum,
    }
    return Chart(
        id="chart-decision-time",
        title=title,
        summary=summary,
        svg=vertical_bars(
            chart_id="chart-decision-time",
            title=title,
            summary=summary,
            categories=[labels[k] for k in keys],
            series=[Series(_("Elections"), values)],
            unit=_("elections"),
            markers=markers,
            highlight=fast,
            highlight_label=_("faster than the %(min)s-minute minimum") % {"min": minimum},
        ),
        headers=[_("Time from notice to decision"), _("Elections")],
        rows=[[labels[k], _number(values[i])] for i, k in enumerate(keys)]
        + [[_("Median"), _minutes_label(median)]],
    )


def _bucket_position(minutes: float, lows: list[int]) -> float:
    """Where a value falls on the bucketed axis, interpolated inside its bucket."""
    for index, low in enumerate(lows):
        high = lows[index + 1] if index + 1 < len(lows) else None
        if high is None or minutes < high:
            if high is None:
                return index + 0.5
            return index + (minutes - low) / (high - low)
    return float(len(lows))


def _age_labels() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        "lt1d": _("< 1 day"),
        "1to2d": _("1–2 days"),
        "2to7d": _("2–7 days"),
        "1to4w": _("1–4 weeks"),
        "gt4w": _("> 4 weeks"),
    }


def _aged_chart(chart_id: str, title: str, data: dict, offices: dict[str, str], what: str) -> Chart:
    from django.utils.translation import gettext as _

    labels = _age_labels()
    buckets = data["buckets"]
    series = _office_series(data["counts"], buckets, offices)
    totals = _stacked_totals(buckets, series)
    total = sum(totals)
    older = sum(totals[2:])
    summary = _("%(total)s %(what)s; %(older)s of them older than two days.") % {
        "total": f"{total:,}",
        "what": what,
        "older": f"{older:,}",
    }
    return _stacked_chart(
        chart_id,
        title,
        summary,
        series,
        axis=[labels[b] for b in buckets],
        row_labels=[labels[b] for b in buckets],
        first_header=_("Age"),
    )


def chart_returns(rows: list[dict]) -> Chart:
    from django.utils.translation import gettext as _

    names = [row["office"].name for row in rows]
    series = [
        Series(_("Returns to the officer"), [row["returns"] for row in rows]),
        Series(_("Elections returned at least once"), [row["returned"] for row in rows]),
    ]
    title = _("Returns per field office")
    summary = "; ".join(
        _("%(office)s: %(returns)s returns, %(share)s of %(submitted)s submitted elections")
        % {
            "office": row["office"].name,
            "returns": f"{row['returns']:,}",
            "share": _pct(row["returned"], row["submitted"]),
            "submitted": f"{row['submitted']:,}",
        }
        for row in rows
    ) or _("No field office.")
    return Chart(
        id="chart-returns",
        title=title,
        summary=summary + ".",
        svg=horizontal_bars(
            chart_id="chart-returns",
            title=title,
            summary=summary,
            categories=names,
            series=series,
            stacked=False,
        ),
        headers=[
            _("Field office"),
            _("Submitted"),
            *(s.name for s in series),
            _("Share returned"),
        ],
        rows=[
            [
                row["office"].name,
                _number(row["submitted"]),
                _number(row["returns"]),
                _number(row["returned"]),
                _pct(row["returned"], row["submitted"]),
            ]
            for row in rows
        ],
    )


def dashboard_charts() -> list[Chart]:
    """Every chart of the auditor's dashboard, each with its text alternative."""
    from django.utils.translation import gettext as _

    from elections.models import FieldOffice

    from . import selectors as selectors_audit

    offices = dict(FieldOffice.objects.values_list("code", "name"))
    per_month = selectors_audit.submitted_per_month(months=12)
    return [
        chart_per_month_by_decision(per_month),
        chart_per_month_by_office(per_month, offices),
        chart_interpreter_share(selectors_audit.interpreter_share_by_language()),
        chart_decision_time(selectors_audit.decision_time_distribution()),
        chart_returns(selectors_audit.returns_per_office()),
        _aged_chart(
            "chart-queue-age",
            _("Age of the approval queue"),
            selectors_audit.approval_queue_age(),
            offices,
            _("elections await approval"),
        ),
        _aged_chart(
            "chart-consult-backlog",
            _("Consult-pending backlog (time since approval)"),
            selectors_audit.consult_pending_backlog(),
            offices,
            _("approved elections wait for a final decision after a consult"),
        ),
    ]
