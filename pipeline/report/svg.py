"""Tiny hand-made SVG charts for the report: a stacked bar, a histogram, a trend line, bar lists.

Why by hand and not altair + vl-convert: four simple chart shapes, no JavaScript runtime, no
extra dependency, byte-stable output (a re-run of the same data gives the same report), and text
that stays selectable and searchable in the page.
"""

from __future__ import annotations

from html import escape

FONT = 'font-family="system-ui, sans-serif"'


def stacked_bar(
    segments: list[tuple[str, int, str]], width: int = 320, height: int = 18, css_class: str = ""
) -> str:
    """One horizontal bar split into (label, value, colour) segments; each has a hover title.

    With a `css_class` the bar stretches to its container (no fixed size, aspect not kept).
    """
    total = sum(value for _, value, _ in segments) or 1
    x = 0.0
    parts = []
    for label, value, colour in segments:
        if value <= 0:
            continue
        share = width * value / total
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{share:.1f}" height="{height}" fill="{colour}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        x += share
    if css_class:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {width} '
            f'{height}" preserveAspectRatio="none" role="img" aria-label="stacked bar">'
            f'{"".join(parts)}</svg>'
        )
    return _svg(width, height, "".join(parts), "stacked bar")


def histogram(
    bins: list[tuple[str, dict[str, int]]], colours: dict[str, str], width: int = 520,
    height: int = 180,
) -> str:
    """Vertical stacked bars, one per (label, {series: count}) bin, with axis labels and counts."""
    top = max((sum(counts.values()) for _, counts in bins), default=0) or 1
    plot_h, base = height - 36, height - 20
    slot = width / max(len(bins), 1)
    parts = [f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="#9aa3ad"/>']
    for index, (label, counts) in enumerate(bins):
        x, y = index * slot + 3, float(base)
        for series, count in counts.items():
            bar = plot_h * count / top
            if count:
                y -= bar
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot - 6:.1f}" height="{bar:.1f}" '
                    f'fill="{colours.get(series, "#888")}"><title>{escape(label)} {escape(series)}: '
                    f"{count}</title></rect>"
                )
        total = sum(counts.values())
        centre = index * slot + slot / 2
        if total:
            parts.append(_text(centre, y - 4, str(total), "middle", 11))
        parts.append(_text(centre, height - 6, label, "middle", 10))
    return _svg(width, height, "".join(parts), "histogram")


def line_chart(
    labels: list[str], series: dict[str, list[float]], colours: dict[str, str], width: int = 640,
    height: int = 220,
) -> str:
    """One polyline per series over the x labels (runs), points with titles, legend below."""
    top = max((max(values, default=0) for values in series.values()), default=0) or 1
    left, right, plot_top, base = 36, width - 12, 10, height - 58
    step = (right - left) / max(len(labels) - 1, 1)
    parts = [
        f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="#9aa3ad"/>',
        _text(left - 6, base, "0", "end", 10),
        _text(left - 6, plot_top + 8, f"{top:g}", "end", 10),
    ]
    for name, values in series.items():
        points = [
            (left + i * step, base - (base - plot_top) * value / top) for i, value in enumerate(values)
        ]
        colour = colours.get(name, "#555")
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{escape(name)} '
            f"({escape(labels[i])}): {values[i]:g}</title></circle>"
            for i, (x, y) in enumerate(points)
        ]
    parts += [
        _text(left + i * step, base + 14, label, "middle", 10) for i, label in enumerate(labels)
    ]
    parts.append(_legend(list(series), colours, height - 22, width))
    return _svg(width, height, "".join(parts), "trend chart")


def bar_list(items: list[tuple[str, float]], colour: str = "#3b6ea8", width: int = 520,
             unit: str = "") -> str:
    """Labelled horizontal bars, one row each (stage timings, checks by count)."""
    row, label_w = 22, 170
    top = max((value for _, value in items), default=0) or 1
    parts = []
    for index, (label, value) in enumerate(items):
        y = index * row
        bar = (width - label_w - 70) * value / top
        parts += [
            _text(label_w - 8, y + 15, label, "end", 12),
            f'<rect x="{label_w}" y="{y + 4}" width="{max(bar, 1):.1f}" height="14" '
            f'fill="{colour}"/>',
            _text(label_w + bar + 6, y + 15, f"{value:g}{unit}", "start", 12),
        ]
    return _svg(width, max(row * len(items), row), "".join(parts), "bar chart")


def _legend(names: list[str], colours: dict[str, str], y: int, width: int) -> str:
    slot = width / max(len(names), 1)
    parts = []
    for index, name in enumerate(names):
        x = index * slot + 8
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="10" height="10" fill="{colours.get(name)}"/>')
        parts.append(_text(x + 14, y + 9, name, "start", 11))
    return "".join(parts)


def _text(x: float, y: float, text: str, anchor: str, size: int) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" {FONT} '
        f'fill="#33404d">{escape(text)}</text>'
    )


def _svg(width: float, height: float, body: str, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-label="{label}">{body}</svg>'
    )
