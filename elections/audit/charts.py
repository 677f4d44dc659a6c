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
MUTED = "#6c757d"
GRID = "#dee2e6"


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


def _open(chart_id: str, title: str, summary: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{escape(FONT)}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]


def _legend(chart_id: str, series: list[Series], x: float, y: float, width: float) -> list[str]:
    parts = []
    cursor_x, cursor_y = x, y
    for index, item in enumerate(series):
        label_width = 22 + 7 * len(item.name)
        if cursor_x + label_width > x + width and cursor_x > x:
            cursor_x, cursor_y = x, cursor_y + 18
        parts.append(
            f'<rect x="{cursor_x:.1f}" y="{cursor_y - 10:.1f}" width="12" height="12" '
            f'fill="{_fill(chart_id, index)}" stroke="{TEXT}" stroke-width="0.5"/>'
            f'<text x="{cursor_x + 16:.1f}" y="{cursor_y:.1f}" font-size="12" fill="{TEXT}">'
            f"{escape(item.name)}</text>"
        )
        cursor_x += label_width + 12
    return parts


def _legend_height(series: list[Series], width: float) -> float:
    rows, cursor = 1, 0.0
    for item in series:
        label_width = 22 + 7 * len(item.name) + 12
        if cursor + label_width > width and cursor > 0:
            rows, cursor = rows + 1, 0.0
        cursor += label_width
    return rows * 18 + 6


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
    width: int = 640,
    height: int = 300,
) -> SafeString:
    """Bars per category, stacked (or side by side), with a labelled value axis and a legend.

    ``highlight`` shades the background of the categories whose index it holds (e.g. decisions
    faster than the minimum) and names them with ``highlight_label``; ``markers`` draws labelled
    vertical lines at (fractional) category positions. A category label may hold a second line
    after a newline.
    """
    markers = markers or []
    highlight = highlight or set()
    show_legend = len(series) > 1
    left, right, bottom = 48, 12, 40
    top = 22 + (_legend_height(series, width - left - right) if show_legend else 0)
    top += (16 if markers else 0) + (16 if highlight else 0)
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [
        sum(s.values[i] for s in series)
        if stacked
        else max((s.values[i] for s in series), default=0)
        for i in range(len(categories))
    ]
    step, steps = nice_scale(max(totals, default=0))
    ceiling = step * steps
    slot = plot_w / max(len(categories), 1)
    bar_w = slot * 0.68
    parts = _open(chart_id, title, summary, width, height) + _defs(chart_id, len(series))
    if show_legend:
        parts += _legend(chart_id, series, left, 16, plot_w)
    if highlight:
        first, last = min(highlight), max(highlight)
        parts.append(
            f'<rect x="{left + slot * first:.1f}" y="{top:.1f}" '
            f'width="{slot * (last - first + 1):.1f}" height="{plot_h:.1f}" fill="#fbe3e4"/>'
            f'<text x="{left + slot * first + 4:.1f}" y="{top - (21 if markers else 5):.1f}" '
            f'font-size="11" fill="#842029">{escape(highlight_label)}</text>'
        )
    for tick in range(steps + 1):
        value = step * tick
        y = top + plot_h - plot_h * tick / steps
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{MUTED}">'
            f"{escape(_number(value))}</text>"
        )
    if unit:
        parts.append(
            f'<text x="4" y="{top - 8:.1f}" font-size="11" fill="{MUTED}">{escape(unit)}</text>'
        )
    for index, category in enumerate(categories):
        x0 = left + slot * index + (slot - bar_w) / 2
        base = top + plot_h
        if stacked:
            for s_index, item in enumerate(series):
                value = item.values[index]
                if not value:
                    continue
                h = plot_h * value / ceiling
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
                h = plot_h * value / ceiling
                x = x0 + inner * s_index
                parts.append(
                    f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{inner:.1f}" height="{h:.1f}" '
                    f'fill="{_fill(chart_id, s_index)}" stroke="#ffffff" stroke-width="0.5">'
                    f"<title>{escape(category.replace(chr(10), ' '))} · {escape(item.name)}: "
                    f"{escape(_number(value))}</title></rect>"
                )
                if value:
                    parts.append(
                        f'<text x="{x + inner / 2:.1f}" y="{base - h - 3:.1f}" font-size="10" '
                        f'text-anchor="middle" fill="{TEXT}">{escape(_number(value))}</text>'
                    )
                top_y = min(top_y, base - h)
        if stacked and totals[index]:
            parts.append(
                f'<text x="{x0 + bar_w / 2:.1f}" y="{top_y - 3:.1f}" font-size="11" '
                f'text-anchor="middle" fill="{TEXT}">{escape(_number(totals[index]))}</text>'
            )
        first_line, _newline, second_line = category.partition("\n")
        parts.append(
            f'<text x="{x0 + bar_w / 2:.1f}" y="{top + plot_h + 16:.1f}" font-size="11" '
            f'text-anchor="middle" fill="{TEXT}">{escape(first_line)}'
            + (
                f'<tspan x="{x0 + bar_w / 2:.1f}" dy="13" fill="{MUTED}">{escape(second_line)}'
                "</tspan>"
                if second_line
                else ""
            )
            + "</text>"
        )
    for marker in markers:
        x = left + slot * marker.position
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4:.1f}" y2="{top + plot_h:.1f}" '
            f'stroke="{marker.color}" stroke-width="2" stroke-dasharray="6 3"/>'
            f'<text x="{x + 4:.1f}" y="{top - 6:.1f}" font-size="11" fill="{marker.color}">'
            f"{escape(marker.label)}</text>"
        )
    parts.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h:.1f}" '
        f'y2="{top + plot_h:.1f}" stroke="{TEXT}"/>'
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
    width: int = 640,
    row_height: int = 26,
) -> SafeString:
    """One bar per category (languages, offices), label on the left, stacked to 100 % when
    ``percent`` (each row's share), or side by side when not ``stacked``."""
    left, right = 150, 56
    show_legend = len(series) > 1
    legend_h = _legend_height(series, width - left - right) if show_legend else 0
    top = 10 + legend_h
    per_row = row_height if stacked else row_height * max(len(series), 1) * 0.7 + 8
    height = int(top + per_row * max(len(categories), 1) + 24)
    plot_w = width - left - right
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    if percent:
        step, steps = 25, 4
    elif stacked:
        step, steps = nice_scale(max(totals, default=0))
    else:
        step, steps = nice_scale(max((max(s.values, default=0) for s in series), default=0))
    ceiling = step * steps
    parts = _open(chart_id, title, summary, width, height) + _defs(chart_id, len(series))
    if show_legend:
        parts += _legend(chart_id, series, left, 20, plot_w)
    for tick in range(steps + 1):
        x = left + plot_w * tick / steps
        label = f"{int(step * tick)} %" if percent else _number(step * tick)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top:.1f}" y2="{height - 20:.1f}" '
            f'stroke="{GRID}"/><text x="{x:.1f}" y="{height - 6}" font-size="11" '
            f'text-anchor="middle" fill="{MUTED}">{escape(label)}</text>'
        )
    for index, category in enumerate(categories):
        y0 = top + per_row * index + 4
        parts.append(
            f'<text x="{left - 8}" y="{y0 + (per_row - 8) / 2 + 4:.1f}" font-size="12" '
            f'text-anchor="end" fill="{TEXT}">{escape(category[:24])}</text>'
        )
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
                x, y, h = cursor, y0, per_row - 8
                cursor += w
            else:
                h = (per_row - 8) / len(series)
                x, y = left, y0 + h * s_index
            if w > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
                    f'fill="{_fill(chart_id, s_index)}" stroke="#ffffff" stroke-width="0.5">'
                    f"<title>{escape(category)} · {escape(item.name)}: {escape(shown)}"
                    f"{'' if not percent else f' ({_number(value)})'}</title></rect>"
                )
            if not stacked:
                parts.append(
                    f'<text x="{x + w + 4:.1f}" y="{y + h - 2:.1f}" font-size="10" '
                    f'fill="{TEXT}">{escape(shown)}</text>'
                )
        if stacked:
            parts.append(
                f'<text x="{left + plot_w + 6}" y="{y0 + (per_row - 8) / 2 + 4:.1f}" '
                f'font-size="11" fill="{TEXT}">{escape(_number(total))}</text>'
            )
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
