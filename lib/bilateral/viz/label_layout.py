"""Labels beside points, placed so that no two overlap on the narrowest screen a report is read on, or any wider.

Vega-Lite cannot place labels (Vega's label transform is not exposed to it), and a chart sized to its container is
about 190 px wide on a 390 px phone: qualified statements a few months apart ("about 200", "more than 200") were
written over each other. A label sits at a fixed pixel offset from its point, and points only move apart as the
chart widens, so labels that are clear of each other at the narrowest width are clear at every wider one, as long
as no label written leftwards from a point has to pass through one written rightwards from a point to its left
(`Box.overlaps` refuses that too). Each label therefore gets a side and a vertical offset in pixels (`Placement`),
chosen left to right from a few rows above and below its point, on an estimate of the narrow chart: the plot's
width, the y scale in pixels (Vega's "nice" domain included), and the label's width from its characters. The
estimate errs on the large side, and tests/test_chart_browser.py measures the drawn labels of every report at 390
and 1280 px.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

NARROW_PLOT_PX = 170.0  # the plot's width at 390 px (measured 190-200 px beside a y axis)
CHAR_PX = 6.4  # widest average character of 10 px text among the fonts browsers fall back to (DejaVu Sans: 6.1)
LINE_PX = 12.0  # height of a 10 px label
GAP_PX = 2.0  # clear space between two labels
MARKER_HALF_PX = 5.0  # half a point marker's width (`size` 80 in square pixels)
LINE_BREAK = "\n"  # where a label's text goes on to a second line (the text mark's lineBreak)
# Vertical offsets tried, nearest first: just above or below the point, then rows further away.
OFFSETS = (-6, 10, -18, 22, -30, 34, -42, 46)
LEADER_BEYOND_PX = 10  # a label further from its point than this gets a leader line to it


@dataclass(frozen=True)
class Box:
    """A label's (or a caption's, or a marker's) extent in pixels on the narrow plot (y grows downwards, as in SVG),
    and the x of the point it is anchored to: on a wider plot the box keeps its size and its offset from the anchor,
    and the anchor moves right in proportion."""

    left: float
    right: float
    top: float
    bottom: float
    anchor: float

    def overlaps(self, other: Box) -> bool:
        """Whether the two boxes overlap on this plot or on any wider one. Boxes anchored at different points move
        apart as the plot widens, but a box written leftwards from a point to the right of another's rightward box
        passes through it on the way: so the box of the left anchor must already end before the other begins."""
        if not (self.top < other.bottom + GAP_PX and other.top < self.bottom + GAP_PX):
            return False
        if self.anchor == other.anchor:
            return self.left < other.right + GAP_PX and other.left < self.right + GAP_PX
        first, second = (self, other) if self.anchor < other.anchor else (other, self)
        return first.right + GAP_PX > second.left


def text_box(x: float, y: float, text: str, *, dx: float, dy: float, align: str = "left") -> Box:
    """The box of `text` (lines split at LINE_BREAK) written at (x + dx, y + dy) with Vega-Lite's default baseline,
    "middle": the first line is centred on y + dy."""
    lines = text.split(LINE_BREAK)
    width = max(len(line) for line in lines) * CHAR_PX
    left = x + dx if align == "left" else x + dx - width
    top = y + dy - LINE_PX / 2  # Vega centres the first line on y + dy; further lines go below it
    return Box(left, left + width, top, top + LINE_PX * len(lines), anchor=x)


def marker_box(x: float, y: float) -> Box:
    """A point's marker (80 square pixels: about 10 px across) as an obstacle; a label 7 px beside its own point
    just clears it."""
    return Box(x - MARKER_HALF_PX, x + MARKER_HALF_PX, y - MARKER_HALF_PX, y + MARKER_HALF_PX, anchor=x)


def two_lines(first: str, second: str, *, longest: int = 16) -> str:
    """`first second` on one line, or on two (split at LINE_BREAK) when one line would be longer than `longest`
    characters: a long label beside a point near the plot's edge fits on neither side of it at phone width."""
    joined = " ".join(filter(None, [first, second]))
    return f"{first}{LINE_BREAK}{second}" if first and second and len(joined) > longest else joined


def wrap_middle(text: str, *, longest: int = 24) -> str:
    """`text` on two lines, broken at the space nearest its middle, when it is longer than `longest` characters (a
    caption over a few years of a phone-width plot); otherwise unchanged."""
    spaces = [i for i, char in enumerate(text) if char == " "]
    if len(text) <= longest or not spaces:
        return text
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return f"{text[:cut]}{LINE_BREAK}{text[cut + 1 :]}"


def caption_box(x: float, text: str, x_domain: tuple[float, float], *, dy: float = 3.0) -> Box:
    """The box of a caption centred on data position `x` at the top of the narrow plot (baseline "top")."""
    anchor = (x - x_domain[0]) * NARROW_PLOT_PX / ((x_domain[1] - x_domain[0]) or 1.0)
    lines = text.split(LINE_BREAK)
    half = max(len(line) for line in lines) * CHAR_PX / 2
    return Box(anchor - half, anchor + half, dy, dy + LINE_PX * len(lines), anchor=anchor)


def nice_domain(low: float, high: float, *, log: bool) -> tuple[float, float]:
    """The domain Vega draws for data from `low` to `high` with `nice: true`: whole powers of ten on a log scale,
    otherwise d3's `nice(10)`: rounded out to a tick step of 1, 2 or 5 times a power of ten, again until the step no
    longer changes (0-70.5 rounds to 0-75, whose step is 10: 0-80)."""
    if log:
        return 10.0 ** math.floor(math.log10(low)), 10.0 ** math.ceil(math.log10(high))
    if high <= low:
        return low, low + 1.0
    previous = None
    for _ in range(10):
        step = _tick_increment(low, high)
        if step == previous:
            break
        if step > 0:
            low, high = math.floor(low / step) * step, math.ceil(high / step) * step
        else:  # a step below 1, kept as its inverse (d3 does so to avoid floating-point drift)
            low, high = math.ceil(low * step) / step, math.floor(high * step) / step
        previous = step
    return low, high


def _tick_increment(low: float, high: float, count: int = 10) -> float:
    """d3's tickIncrement: the tick step for about `count` ticks, or minus its inverse when below 1."""
    rough = (high - low) / count
    power = math.floor(math.log10(rough))
    error = rough / 10.0**power
    factor = 10 if error >= math.sqrt(50) else 5 if error >= math.sqrt(10) else 2 if error >= math.sqrt(2) else 1
    return factor * 10.0**power if power >= 0 else -(10.0**-power) / factor


def y_pixels(values: Sequence[float], domain: tuple[float, float], height: float, *, log: bool) -> list[float]:
    """Each value's distance in pixels from the top of a plot `height` tall over `domain`."""
    lo, hi = (math.log10(d) for d in domain) if log else domain
    span = (hi - lo) or 1.0
    return [height * (1 - ((math.log10(v) if log else v) - lo) / span) for v in values]


@dataclass(frozen=True)
class Placement:
    """Where a label is written relative to its point: `dx`, `dy` in pixels and the text's `align`."""

    dx: int
    dy: int
    align: str


# Positions tried, nearest first: right of the point above and below it, then left of it, then further rows.
CANDIDATES = tuple(
    Placement(dx, dy, align)
    for pair in zip(OFFSETS[::2], OFFSETS[1::2], strict=True)
    for dx, align in ((7, "left"), (-7, "right"))
    for dy in pair
)
EMPTY = Placement(7, 0, "left")


def place_labels(
    xs: Sequence[float],
    ys: Sequence[float],
    texts: Sequence[str],
    *,
    x_domain: tuple[float, float],
    height: float,
    fixed: Sequence[Box] = (),
    markers: Sequence[tuple[float, float]] = (),
) -> list[Placement]:
    """A placement for each label (EMPTY for an empty one) such that no two labels overlap, nor a label and a
    `fixed` box (e.g. a band's caption) or a point's marker, and each stays inside the plot, on a plot
    NARROW_PLOT_PX wide and `height` tall. A label kept inside at the narrowest width is inside at every wider one:
    it is anchored to its point.

    `xs` and `markers`' first items are data positions on `x_domain`; `ys` and `markers`' second items pixel
    distances from the top (`y_pixels`). Labels are placed left to right; each takes the first of CANDIDATES with the
    fewest labels (and captions) under it, then inside the plot, then with the fewest points under it.
    """
    lo, hi = x_domain
    scale = NARROW_PLOT_PX / ((hi - lo) or 1.0)
    placed: list[Box] = list(fixed)
    points = [marker_box((mx - lo) * scale, my) for mx, my in markers]
    chosen = [EMPTY] * len(texts)
    for i in sorted(range(len(texts)), key=lambda i: (xs[i], ys[i])):
        if not texts[i]:
            continue
        x = (xs[i] - lo) * scale
        boxes = [text_box(x, ys[i], texts[i], dx=c.dx, dy=c.dy, align=c.align) for c in CANDIDATES]
        # text over text is worst, text cut at the plot's edge next, text over a point last
        costs = [
            (
                sum(b.overlaps(p) for p in placed),
                not (b.left >= 0 and b.right <= NARROW_PLOT_PX and b.top >= 0 and b.bottom <= height),
                sum(b.overlaps(p) for p in points),
            )
            for b in boxes
        ]
        best = min(range(len(CANDIDATES)), key=lambda k: costs[k])  # the first of the cheapest: nearest
        chosen[i] = CANDIDATES[best]
        placed.append(boxes[best])
    return chosen
