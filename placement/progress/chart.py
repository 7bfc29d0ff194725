"""A grouped bar chart as an inline SVG element, drawn on the server (the CSP allows no script or inline style).

Pure: no Flask, no ORM. The caller passes translated text; every value is escaped by ``Markup.format``. The
chart carries a ``<title>`` and a ``<desc>`` and is meant to stand beside a table of the same numbers, which is
what a screen reader reads.
"""

from collections.abc import Sequence

from markupsafe import Markup

WIDTH, HEIGHT = 560, 270
_LEFT, _RIGHT, _TOP, _BOTTOM = 34, 8, 34, 30
#: Light, then dark: the two series stay apart in grey-scale and for colour-blind readers too.
FILLS = ("#a9c1dc", "#1f5c99")
_STROKE = "#1f3d5c"
_GRID = "#d0d7de"


def _number(value: float) -> str:
    return f"{value:g}"


def grouped_bar_chart(groups: Sequence[tuple[str, Sequence[float]]], series: Sequence[str], *, title: str,
                      desc: str, ident: str, max_value: float = 10, ticks: Sequence[float] = (0, 2, 4, 6, 8, 10),
                      ) -> Markup:
    """Return an SVG with one group of bars per ``(label, values)``, one bar per series, and a legend.

    ``ident`` makes the element ids unique on the page; values are clamped to ``0 … max_value``.
    """
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM
    baseline = _TOP + plot_h
    group_w = plot_w / max(len(groups), 1)
    bar_w = group_w * 0.72 / max(len(series), 1)

    def y(value: float) -> float:
        return baseline - plot_h * min(max(value, 0), max_value) / max_value

    def n(value: float) -> str:
        return f"{value:.1f}"

    parts = [
        Markup('<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" width="{w}" height="{h}" '
               'viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" font-size="12">'
               ).format(w=WIDTH, h=HEIGHT, id=ident),
        Markup('<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>').format(ident, title, ident, desc),
    ]
    for tick in ticks:
        parts.append(Markup('<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{}" stroke-width="1"/>'
                            '<text x="{}" y="{}" text-anchor="end" fill="currentColor">{}</text>').format(
            _LEFT, WIDTH - _RIGHT, _GRID, _LEFT - 6, n(y(tick) + 4), _number(tick), y=n(y(tick))))
    for g, (label, values) in enumerate(groups):
        left = _LEFT + g * group_w + (group_w - bar_w * len(series)) / 2
        for s, name in enumerate(series):
            value = values[s] if s < len(values) else 0
            x, top = left + s * bar_w, y(value)
            parts.append(Markup(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-width="1">'
                '<title>{}, {}: {}</title></rect>'
                '<text x="{}" y="{}" text-anchor="middle" fill="currentColor">{}</text>').format(
                n(x), n(top), n(bar_w - 2), n(baseline - top), FILLS[s % len(FILLS)], _STROKE, label, name,
                _number(value), n(x + (bar_w - 2) / 2), n(top - 4), _number(value)))
        parts.append(Markup('<text x="{}" y="{}" text-anchor="middle" fill="currentColor">{}</text>').format(
            n(_LEFT + g * group_w + group_w / 2), baseline + 18, label))
    parts.append(Markup('<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{}" stroke-width="1"/>').format(
        _LEFT, WIDTH - _RIGHT, _STROKE, y=baseline))
    x = _LEFT
    for s, name in enumerate(series):
        parts.append(Markup('<rect x="{}" y="8" width="14" height="14" fill="{}" stroke="{}" stroke-width="1"/>'
                            '<text x="{}" y="19" fill="currentColor">{}</text>').format(
            x, FILLS[s % len(FILLS)], _STROKE, x + 20, name))
        x += 30 + 7 * len(name)
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
