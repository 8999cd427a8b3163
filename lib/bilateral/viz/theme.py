"""One look for every chart: fonts, sizes, axis formats, a fixed colour per named series, titles, gaps.

Why one module: a reader compares reports side by side, so "Chinese customs" must be the same red in the
overview, the ranking and the claims ledger, and a dropdown that filters a chart must not repaint the
series that stay. Every chart function takes its colours from `color_scale` (an explicit domain and
range, so Vega never assigns colours by order of appearance), its year axis from `year_x`, its title
from `title` (unit in the title, source and years in a subtitle inside the spec, so vega-embed's SVG and
PNG export keeps them), and breaks its lines with `segments` (a new segment at a missing year or a change
of basis: gaps are gaps).

The altair theme is registered and enabled when this module is imported (every chart module imports it),
so rendered reports and JupyterLab sessions draw with the same fonts and formats.
"""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Iterable, Sequence

import altair as alt
import polars as pl

THEME_NAME = "bilateral"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
# Charts fill their container (the report column, a phone screen); concatenated panels, which Vega-Lite
# cannot size to a container, use NARROW_WIDTH so they fit a 390 px phone without shrinking the text.
CONTAINER = "container"
NARROW_WIDTH = 330
# A legend label may use the chart's width less its symbol and margins, between 120 and 420 px (a Vega
# expression, so a phone truncates a long name with "…" instead of widening the chart; the tooltip has it whole).
LEGEND_LABEL_LIMIT = {"expr": "clamp(containerSize()[0] - 90, 120, 420)"}


def legend_beside_labels(room: int, columns: int = 1, **options: object) -> alt.Legend:
    """A legend for a chart whose y axis carries long labels (`room` px of them): Vega places the legend at the
    plot's left edge, so its labels share the container's width less that room (a phone truncates them with "…"),
    and its columns collapse to one below 600 px."""
    width, narrow = "containerSize()[0]", "containerSize()[0] < 600"
    return alt.Legend(
        labelLimit={"expr": f"clamp(({width} - {room + 90}) / ({narrow} ? 1 : {columns}), 70, 420)"},
        columns={"expr": f"{narrow} ? 1 : {columns}"},
        **options,
    )


# Characters per title and subtitle line: what fits a 390 px phone at the theme's font sizes.
TITLE_CHARS, SUBTITLE_CHARS = 32, 44

# A colour per series name, for every report. Chinese sources are reds and oranges, Russian ones blues,
# reconciled estimates green, statements (what someone said) dark red hollow marks, restatements grey.
SERIES_COLORS: dict[str, str] = {
    # customs declarations and their cited headline bases (analysis.trade.BASIS_LABELS)
    "Chinese customs (GAC)": "#c0392b",
    "Russian customs (FCS)": "#2c6fbb",
    "Chinese official figure": "#e67e22",
    "Russian official figure": "#5dade2",
    "Russian estimate": "#85c1e9",
    "basis not stated": "#7f8c8d",
    # declared statistics (IMF DOTS, Comtrade): the declarant's colour, whichever side of the report it is on
    "declared by China": "#7b241c",
    "declared by Russia": "#1a4a80",
    "declared by Kazakhstan": "#16a085",
    "Declared by China": "#7b241c",
    "Declared by Russia": "#1a4a80",
    "Declared by each partner (mirror)": "#7fa7d6",
    "Declared by partners (mirror)": "#7fa7d6",
    "Reconciled (BACI)": "#2e8b57",
    "Reconciled (CEPII BACI)": "#2e8b57",
    # statements
    "Statement (counted)": "#8e1b10",
    "Statement (cited page)": "#8e1b10",
    "Restatement by the claimant's side (not counted)": "#8a8f94",
    # countries as members of a group (bars per member)
    "China": "#c0392b",
    "Russia": "#2c6fbb",
    "Kazakhstan": "#16a085",
    "Belarus": "#8e44ad",
    "Kyrgyzstan": "#d68910",
    "Armenia": "#a04000",
    # directions and sides
    "China → Russia": "#c0392b",
    "Russia → China": "#2c6fbb",
    "China's exports to Russia": "#c0392b",
    "Russia's exports to China": "#2c6fbb",
    "Exports": "#c0392b",
    "Imports": "#2c6fbb",
    "Balance": "#7f8c8d",
    "Turnover": "#444444",
    # growth
    "Computed (same basis)": "#888888",
    "As stated by the source": "#8e1b10",
    # energy sources
    "Chinese customs (GACC, monthly, via Wind)": "#c0392b",
    "Chinese customs, as reported in the press": "#e67e22",
    "Gazprom and officials, as reported": "#2c6fbb",
    "Media reports": "#8a8f94",
    "Statistical Review (EI 2023)": "#2e8b57",
    "Statistical Review (bp 2021)": "#8fbc8f",
    "Statistical Review (EI 2024)": "#1e6b40",
}
# Names not listed above get a colour from this palette chosen by a hash of the name: the same name has the
# same colour in every chart and report, whatever else the chart shows (unlike Vega's order-based scheme).
# Tableau 10 and two more, chosen to stay apart from each other (no two browns or two near-blues).
PALETTE = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    "#2f4b7c", "#a0cbe8",
]  # fmt: skip


def color_for(name: str) -> str:
    """The colour of a series name: the registered one, else a stable pick from PALETTE."""
    if name in SERIES_COLORS:
        return SERIES_COLORS[name]
    digest = hashlib.sha1(name.encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def color_scale(names: Iterable[str]) -> alt.Scale:
    """A colour scale with an explicit domain (the names, in the given order, duplicates and None dropped) and
    the matching range, so a filter that hides some names never repaints the others.

    Registered names keep their colour; an unregistered name whose hashed colour is already taken in this
    domain moves to the next free palette colour, so two series of one chart never share a colour.
    """
    domain = [n for n in dict.fromkeys(names) if n is not None]
    colors = [SERIES_COLORS[n] for n in domain if n in SERIES_COLORS]
    taken = set(colors)
    chosen = []
    for name in domain:
        color = SERIES_COLORS.get(name)
        if color is None:
            start = PALETTE.index(color_for(name))
            free = [PALETTE[(start + k) % len(PALETTE)] for k in range(len(PALETTE))]
            color = next((c for c in free if c not in taken), free[0])
            taken.add(color)
        chosen.append(color)
    return alt.Scale(domain=domain, range=chosen)


# For a fixed, ordered set (HS sections I-XXI): colour by position in the set, never by what a report happens to hold.
ORDERED_PALETTE = [
    "#4e79a7", "#a0cbe8", "#f28e2b", "#ffbe7d", "#59a14f", "#8cd17d", "#b6992d", "#f1ce63", "#499894", "#86bcb6",
    "#e15759", "#ff9d9a", "#79706e", "#bab0ac", "#d37295", "#fabfd2", "#b07aa1", "#d4a6c8", "#9d7660", "#d7b5a6",
    "#2f4b7c",
]  # fmt: skip


def ordered_scale(names: Sequence[str], positions: Sequence[int | None]) -> alt.Scale:
    """A colour scale for members of a fixed ordered set: name i gets ORDERED_PALETTE[position - 1] (grey without
    a position), so section XVI is the same colour in every report whichever sections are present."""
    colors = [ORDERED_PALETTE[(p - 1) % len(ORDERED_PALETTE)] if p else "#7f7f7f" for p in positions]
    return alt.Scale(domain=list(names), range=colors)


def years_text(years: Iterable[int | None]) -> str:
    """'2005–2024' (or '2024' for one year, '' for none): the years a chart covers, for its subtitle."""
    present = sorted({int(y) for y in years if y is not None})
    if not present:
        return ""
    return str(present[0]) if present[0] == present[-1] else f"{present[0]}–{present[-1]}"


def title(text: str, *, source: str, years: Iterable[int | None] = (), note: str = "") -> alt.TitleParams:
    """A chart title (say the unit in `text`) with a subtitle naming the years covered and the source.

    Inside the spec, so an SVG/PNG export from the chart's menu keeps the source line.
    """
    covered = years_text(years)
    lines = [f"Years covered: {covered}." if covered else "", note, source]
    # Wrapped here, not by the browser (Vega titles do not wrap): lines short enough for a 390 px phone, so a
    # long source line never widens the chart beyond its container.
    return alt.TitleParams(
        text=wrap(text, TITLE_CHARS),
        subtitle=[part for line in lines if line for part in wrap(line, SUBTITLE_CHARS)],
        anchor="start",
        subtitleFontSize=11,
        subtitleColor="#555",
    )


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, broken at spaces (a longer word stays whole)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [text]


def year_axis(**overrides: object) -> alt.Axis:
    """Years as integers ('2005', never '2,005' or '2005.5'), labels that never collide or overflow the ends."""
    options: dict[str, object] = {
        "format": "d", "tickMinStep": 1, "labelOverlap": "greedy", "labelBound": True, "labelFlush": True,
        "labelSeparation": 4, "grid": False, "title": None,
    }  # fmt: skip
    return alt.Axis(**{**options, **overrides})


def year_x(field: str = "year", first: float | None = None, last: float | None = None, **axis: object) -> alt.X:
    """A quantitative year axis, with half a year of air at both ends when the span is given."""
    scale = (
        alt.Scale(domain=[first - 0.5, last + 0.5], nice=False)
        if first is not None and last is not None
        else alt.Undefined
    )
    return alt.X(f"{field}:Q", title=None, scale=scale, axis=year_axis(**axis))


def rank_y(field: str = "value", title_text: str = "Rank (1 = largest)", **kwargs: object) -> alt.Y:
    """A rank axis: integers only, reversed so rank 1 is on top."""
    return alt.Y(f"{field}:Q", title=title_text, scale=alt.Scale(reverse=True, zero=False, domainMin=1, nice=False),
                 axis=alt.Axis(format="d", tickMinStep=1), **kwargs)  # fmt: skip


def segments(
    frame: pl.DataFrame, *, by: Sequence[str] = (), basis: str | None = None, name: str = "segment"
) -> pl.DataFrame:
    """`frame` sorted by `by` and year, with an integer `segment` column that starts a new run at a missing year
    (the previous row of the same `by` group is not the year before) or a change of `basis`.

    The one rule for every line chart: draw lines with `detail=segment`, so Vega never joins two points
    across a gap or across two bases. Segment ids are unique across groups.
    """
    group = list(by) or None
    ordered = frame.sort([*by, "year"])
    if ordered.is_empty():
        return ordered.with_columns(pl.lit(None, dtype=pl.Int32).alias(name))

    def within(expr: pl.Expr) -> pl.Expr:
        return expr.over(group) if group else expr

    new_run = within(pl.col("year").diff()) != 1
    if basis is not None:
        new_run = new_run | (pl.col(basis) != within(pl.col(basis).shift()))
    first_of_group = within(pl.int_range(pl.len())) == 0
    return ordered.with_columns((new_run.fill_null(True) | first_of_group).cum_sum().cast(pl.Int32).alias(name))


def year_range_params(first: int, last: int, *, prefix: str = "") -> tuple[alt.Parameter, alt.Parameter, list]:
    """Two sliders, 'From year' and 'To year', and the x-scale domain they set: the chart zooms to the years
    picked (every series keeps its data; nothing is filtered away). Use `prefix` when a page has several."""
    since = alt.param(name=f"{prefix}from_year", value=first,
                      bind=alt.binding_range(min=first, max=last, step=1, name="From year: "))  # fmt: skip
    until = alt.param(name=f"{prefix}to_year", value=last,
                      bind=alt.binding_range(min=first, max=last, step=1, name="To year: "))  # fmt: skip
    # half a year of air each side; a reversed pick still shows at least one year
    domain = [
        alt.ExprRef(f"min({prefix}from_year, {prefix}to_year) - 0.5"),
        alt.ExprRef(f"max({prefix}from_year, {prefix}to_year) + 0.5"),
    ]
    return since, until, domain


def theme() -> alt.theme.ThemeConfig:
    """The shared Vega-Lite config: system fonts, readable sizes, integer-friendly axes, legends below."""
    return {
        "config": {
            "font": FONT,
            "title": {"font": FONT, "fontSize": 14, "fontWeight": 600, "anchor": "start", "subtitleFont": FONT,
                      "subtitleFontSize": 11, "subtitleColor": "#555", "limit": 0, "offset": 8},
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "titleFontSize": 11, "titleFontWeight": 500,
                     "labelOverlap": True, "labelColor": "#333", "titleColor": "#333", "gridColor": "#e6e6e6"},
            "axisX": {"labelAngle": 0, "labelBound": True},
            "legend": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "titleFontSize": 11, "orient": "bottom",
                       "labelLimit": LEGEND_LABEL_LIMIT, "symbolLimit": 40, "columns": 1},
            "header": {"labelFont": FONT, "titleFont": FONT},
            "text": {"font": FONT},
            "view": {"stroke": None, "continuousWidth": 640, "continuousHeight": 300},
            "line": {"strokeWidth": 2},
            "range": {"category": PALETTE},
        }
    }  # fmt: skip


# vega-embed options for reports: SVG (crisp in print, text a browser test can read), the menu's "Save as SVG/PNG"
# (the title and source line are in the spec, so an export keeps them), and no "Open in Vega Editor", which would
# send the chart to a public website from an offline report.
EMBED_OPTIONS = {"renderer": "svg", "actions": {"export": True, "source": True, "compiled": True, "editor": False}}


def enable() -> None:
    """Register and enable the theme and the embed options (idempotent); called on import."""
    if alt.theme.active != THEME_NAME:
        alt.theme.register(THEME_NAME, enable=True)(theme)
    if alt.renderers.options.get("embed_options") != EMBED_OPTIONS:
        alt.renderers.set_embed_options(**EMBED_OPTIONS)


enable()


def fit_width(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart sized to its container's width (a report column, a 390 px phone) instead of a fixed 640 px.

    A single or layered view gets `width="container"`; a vertical concatenation gets it on every panel plus
    `autosize: fit-x` at the top (Vega-Lite sizes concatenations only that way). Text keeps its size: a
    narrow screen gets a narrower plot, not smaller letters. The chart is changed in place and returned.
    """
    if isinstance(chart, alt.VConcatChart):
        for panel in chart.vconcat:
            _container(panel)
    else:
        _container(chart)
    # set in place, as the widths above: `.properties()` would deep-copy the whole chart once more
    chart.autosize = alt.AutoSizeParams(type="fit-x", contains="padding", resize=True)
    return chart


def _container(chart: alt.TopLevelMixin) -> None:
    chart.width = CONTAINER
    if isinstance(chart, alt.LayerChart):
        for layer in chart.layer:
            if getattr(layer, "width", alt.Undefined) is not alt.Undefined:
                layer.width = alt.Undefined


def option_labels(options: Sequence[str], limit: int = 44) -> list[str]:
    """Dropdown labels short enough for a 390 px phone (a long option widens the page); values stay whole."""
    return [o if len(o) <= limit else o[:limit].rsplit(" ", 1)[0].rstrip(",;:( ") + "…" for o in options]
