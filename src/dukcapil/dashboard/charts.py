"""Charts drawn on the server as inline SVG: no script, no outside host, and a ``viewBox`` so that
they shrink to a phone's width. Every chart has a ``<title>`` and the table it draws is on the
same page (and in the exports), so nothing is only in a picture.

For a protected viewer a value from 1 to 4 is drawn as 2.5 (the middle of what "<5" hides) and
gets no label.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dukcapil.dashboard.tables import is_small

BLUE, GREEN, RED, AMBER, GREY = "#0b4f8a", "#2e7d32", "#a40000", "#e0a100", "#888"


def _shown(value: float, protect: bool) -> float:
    return 2.5 if protect and is_small(int(value)) else value


def _label(value: float, protect: bool) -> str:
    return "" if protect and is_small(int(value)) else f"{value:,.0f}".replace(",", ".")


def lines(title: str, days: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]],
          *, protect: bool) -> SafeString:  # fmt: skip
    """Volume over time: one line per series (label, colour, values per day)."""
    width, height, left, bottom, top = 400, 200, 40, 28, 28
    values = [_shown(v, protect) for _, _, vs in series for v in vs] or [0]
    peak = max(max(values), 1)
    n = max(len(days), 1)
    step = (width - left - 10) / max(n - 1, 1)

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - v / peak)

    parts = [_frame(title, width, height)]
    parts.append(f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - 10}" y2="{y(0):.1f}" '
                 f'stroke="{GREY}"/>')  # fmt: skip
    parts.append(f'<text x="{left - 4}" y="{y(peak) + 4:.1f}" text-anchor="end" '
                 f'font-size="12">{_label(peak, protect) or "&lt;5"}</text>')  # fmt: skip
    parts.append(
        f'<text x="{left - 4}" y="{y(0) + 4:.1f}" text-anchor="end" font-size="12">0</text>'
    )
    for i, (label, colour, vs) in enumerate(series):
        points = " ".join(
            f"{left + j * step:.1f},{y(_shown(v, protect)):.1f}" for j, v in enumerate(vs)
        )
        if len(vs) == 1:
            parts.append(f'<circle cx="{left}" cy="{y(_shown(vs[0], protect)):.1f}" r="3" '
                         f'fill="{colour}"/>')  # fmt: skip
        else:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                         f'points="{points}"/>')  # fmt: skip
        parts.append(
            f'<rect x="{left + i * 120}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text x="{left + i * 120 + 16}" y="16" font-size="12">{escape(label)}</text>'
        )
    if days:
        parts.append(f'<text x="{left}" y="{height - 8}" font-size="12">{escape(days[0])}</text>')
        parts.append(f'<text x="{width - 10}" y="{height - 8}" text-anchor="end" '
                     f'font-size="12">{escape(days[-1])}</text>')  # fmt: skip
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def bars(
    title: str,
    items: Sequence[tuple[str, float, str]],
    *,
    protect: bool,
    unit: str = "",
    maximum: float | None = None,
    counts: bool = True,
    hidden: frozenset[str] | set[str] = frozenset(),
) -> SafeString:
    """Horizontal bars (label, value, colour), one per line: long labels stay readable. The
    bars labelled in ``hidden`` are drawn empty with "×" for a protected viewer."""
    row, left, width = 24, 150, 400
    height = row * max(len(items), 1) + 30
    peak = maximum or max([v for _, v, _ in items] + [1])
    parts = [_frame(title, width, height)]
    for i, (label, value, colour) in enumerate(items):
        shown = _shown(value, protect) if counts else value
        y = 20 + i * row
        length = (width - left - 60) * (shown / peak if peak else 0)
        text = _label(value, protect) if counts else f"{value:.1f}".replace(".", ",")
        if counts and protect and is_small(int(value)):
            text = "&lt;5"
        elif counts and protect and label in hidden:  # a complement of a "<5" (no length)
            text, length = "×", 0
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end" font-size="12">'
                     f'{escape(label[:19])}</text>')  # fmt: skip
        parts.append(f'<rect x="{left}" y="{y}" width="{length:.1f}" height="18" fill="{colour}"/>')
        parts.append(f'<text x="{left + length + 4:.1f}" y="{y + 14}" font-size="12">'
                     f'{text}{escape(unit)}</text>')  # fmt: skip
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _frame(title: str, width: int, height: int) -> str:
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui,sans-serif"><title>{escape(title)}</title>'
    )
