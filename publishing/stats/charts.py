"""Charts drawn on the server as SVG: no script, nothing fetched, readable in any browser and
printable. Every number is also in the table beside the chart, and each bar carries its value
as a tooltip (``<title>``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 36


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]
    colour: str


def nice_ceiling(value: int) -> int:
    """The axis maximum: ``value`` rounded up to 1, 2 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def bar_chart(*, title: str, labels: list[str], series: list[Series]) -> SafeString:
    """Grouped vertical bars, one group per label, one bar per series."""
    top = nice_ceiling(max((v for s in series for v in s.values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    ticks = next(n for n in (4, 5, 2, 1) if top % n == 0)  # whole-number steps only
    for i in range(ticks + 1):
        value = top * i / ticks
        y = TOP + plot_h - plot_h * i / ticks
        label = f"{int(value)}"
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="{"#8a8a8a" if i == 0 else "#e3e3e3"}" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">'
                     f"{escape(label)}</text>")
    group = plot_w / max(len(labels), 1)
    bar = group * 0.72 / max(len(series), 1)
    every = max(1, math.ceil(len(labels) / 12))  # no more than twelve axis labels
    tip = _("%(label)s %(series)s：%(value)s")
    for index, label in enumerate(labels):
        x0 = LEFT + group * index + group * 0.14
        for n, s in enumerate(series):
            value = s.values[index]
            h = plot_h * value / top
            x, y = x0 + bar * n, TOP + plot_h - h
            tooltip = escape(tip % {"label": label, "series": s.name, "value": value})
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{s.colour}"><title>{tooltip}</title></rect>')
        if index % every == 0:
            parts.append(f'<text x="{LEFT + group * (index + 0.5):.1f}" y="{HEIGHT - BOTTOM + 16}" '
                         f'text-anchor="middle" fill="#333">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
