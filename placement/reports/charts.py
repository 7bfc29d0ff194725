"""The dashboard's charts as server-rendered SVG: horizontal bars, one stacked bar, a funnel.

Pure functions over plain data (no Flask, no ORM): the caller passes labels and the texts the values read as,
already formatted in the user's language, and gets markup back. The strict CSP allows neither scripts nor
``style`` attributes, so every colour is a presentation attribute, taken from the palette of ``app.css``.
Each chart has a ``<title>``, ``role="img"`` and an ``aria-label``, and a ``<desc>`` that lists its values;
the page always shows the data table beside it. Every value is escaped by ``Markup.format``.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

#: The palette of ``placement/static/css/app.css``.
ACCENT = "#1b4f8a"
ACCENT_LIGHT = "#5b86b8"
SUCCESS = "#1e6b34"
WARNING = "#8a5300"
ERROR = "#b3261e"
MUTED = "#4a5563"
TEXT = "#1a1f26"
TRACK = "#e8f0f9"
BORDER = "#c9d1da"
#: Colours of the parts of a stacked bar, in order.
SERIES = (ACCENT, ACCENT_LIGHT, SUCCESS, WARNING, MUTED, ERROR)

WIDTH = 560
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"
FONT_SIZE = 13
#: Characters of a label shown in a chart; the full label is in the table and in the bar's tooltip.
LABEL_CHARS = 70
#: Room right of the bars for the value text ("12 of 20 (60 %)").
VALUE_ROOM = 170
PAD = 8


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its value, and the text the value reads as."""

    label: str
    value: float
    text: str
    #: This bar's own scale (e.g. a count against its target); default: the chart's largest value.
    maximum: float | None = None
    #: A target on the same scale, drawn as a tick across the bar.
    target: float | None = None
    colour: str = ACCENT


@dataclass(frozen=True, slots=True)
class Segment:
    """One part of a stacked bar."""

    label: str
    value: float
    text: str
    colour: str | None = None


def _n(x: float) -> str:
    return f"{x:.1f}".removesuffix(".0")


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"


def _open(title: str, height: float, desc: str, width: int = WIDTH) -> list[Markup]:
    return [
        Markup('<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {w} {h}" width="{w}" '
               'height="{h}" role="img" aria-label="{title}" font-family="{font}" font-size="{size}" fill="{fill}">'
               ).format(w=width, h=_n(height), title=title, font=FONT, size=FONT_SIZE, fill=TEXT),
        Markup("<title>{}</title><desc>{}</desc>").format(title, desc),
    ]


def _close(parts: list[Markup]) -> Markup:
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _describe(items: Sequence[Bar | Segment]) -> str:
    return "; ".join(f"{item.label}: {item.text}" for item in items)


def _fraction(value: float, maximum: float) -> float:
    if maximum <= 0 or value <= 0:
        return 0.0
    return min(value / maximum, 1.0)


def bar_chart(bars: Sequence[Bar], *, title: str, width: int = WIDTH) -> Markup:
    """Draw horizontal bars, each with its label above it and its value text to its right."""
    row = 44
    area = width - 2 * PAD - VALUE_ROOM
    largest = max((bar.value for bar in bars), default=0)
    height = 2 * PAD + row * max(len(bars), 1)
    parts = _open(title, height, _describe(bars), width)
    for index, bar in enumerate(bars):
        y = PAD + index * row
        scale = bar.maximum if bar.maximum is not None else largest
        length = area * _fraction(bar.value, scale)
        if 0 < length < 2:
            length = 2  # a value above zero stays visible
        parts.append(Markup('<g><title>{label}: {text}</title><text x="{x}" y="{ty}">{short}</text>'
                            '<rect x="{x}" y="{by}" width="{area}" height="16" fill="{track}" rx="3"/>').format(
            label=bar.label, text=bar.text, short=_short(bar.label), x=PAD, ty=y + 14, by=y + 20, area=_n(area),
            track=TRACK))
        if length:
            parts.append(Markup('<rect x="{}" y="{}" width="{}" height="16" fill="{}" rx="3"/>').format(
                PAD, y + 20, _n(length), bar.colour))
        if bar.target is not None and scale:
            x = _n(PAD + area * _fraction(bar.target, scale))
            parts.append(Markup('<line x1="{x}" x2="{x}" y1="{}" y2="{}" stroke="{}" stroke-width="2"/>').format(
                y + 16, y + 40, TEXT, x=x))
        parts.append(Markup('<text x="{}" y="{}">{}</text></g>').format(_n(PAD + area + 8), y + 33, bar.text))
    if not bars:
        parts.append(Markup('<text x="{}" y="{}" fill="{}">–</text>').format(PAD, PAD + 26, MUTED))
    return _close(parts)


def stacked_bar(segments: Sequence[Segment], *, title: str, target: float | None = None, target_text: str = "",
                empty_text: str = "–", width: int = WIDTH) -> Markup:
    """Draw one bar split into its parts, with a legend below and an optional target (a share 0–1) as a tick."""
    bar_y, bar_height, legend_row = PAD + 4, 28, 22
    area = width - 2 * PAD
    total = sum(segment.value for segment in segments)
    legend_y = bar_y + bar_height + (30 if target is not None else 14)
    height = legend_y + legend_row * len(segments) + PAD
    parts = _open(title, height, _describe(segments) + (f"; {target_text}" if target_text else ""), width)
    parts.append(Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="3"/>').format(
        PAD, bar_y, area, bar_height, TRACK))
    x = float(PAD)
    for index, segment in enumerate(segments):
        colour = segment.colour or SERIES[index % len(SERIES)]
        length = area * _fraction(segment.value, total)
        if length:
            parts.append(Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff" '
                                'stroke-width="1"><title>{}: {}</title></rect>').format(
                _n(x), bar_y, _n(length), bar_height, colour, segment.label, segment.text))
        x += length
    if not total:
        parts.append(Markup('<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>').format(
            _n(width / 2), bar_y + 19, MUTED, empty_text))
    if target is not None:
        tx = PAD + area * min(max(target, 0.0), 1.0)
        anchor = "end" if tx > width - 80 else ("start" if tx < 80 else "middle")
        parts.append(Markup('<line x1="{x}" x2="{x}" y1="{}" y2="{}" stroke="{}" stroke-width="2"/>'
                            '<text x="{x}" y="{}" text-anchor="{}">{}</text>').format(
            bar_y - 4, bar_y + bar_height + 4, TEXT, bar_y + bar_height + 20, anchor, target_text, x=_n(tx)))
    for index, segment in enumerate(segments):
        y = legend_y + index * legend_row
        colour = segment.colour or SERIES[index % len(SERIES)]
        parts.append(Markup('<rect x="{}" y="{}" width="14" height="14" fill="{}" rx="2"/>'
                            '<text x="{}" y="{}">{}: {}</text>').format(
            PAD, y, colour, PAD + 22, y + 12, _short(segment.label), segment.text))
    return _close(parts)


def funnel_chart(steps: Sequence[Bar], *, title: str, width: int = WIDTH) -> Markup:
    """Draw a funnel: one centred bar per step, as wide as its value against the largest, its text above it."""
    row = 48
    area = width - 2 * PAD
    largest = max((step.value for step in steps), default=0)
    height = 2 * PAD + row * max(len(steps), 1)
    parts = _open(title, height, _describe(steps), width)
    middle = width / 2
    for index, step in enumerate(steps):
        y = PAD + index * row
        length = area * _fraction(step.value, largest)
        if 0 < length < 2:
            length = 2
        parts.append(Markup('<g><title>{label}: {text}</title>'
                            '<text x="{mid}" y="{ty}" text-anchor="middle">{short}: {text}</text>'
                            '<rect x="{x}" y="{by}" width="{area}" height="20" fill="{track}" rx="3"/>').format(
            label=step.label, text=step.text, short=_short(step.label), mid=_n(middle), ty=y + 14, x=PAD,
            by=y + 20, area=area, track=TRACK))
        if length:
            parts.append(Markup('<rect x="{}" y="{}" width="{}" height="20" fill="{}" rx="3"/>').format(
                _n(middle - length / 2), y + 20, _n(length), step.colour))
        parts.append(Markup("</g>"))
    return _close(parts)
