"""Cited statements on a year axis, each drawn as what the page said (`analysis.stated_values` marks).

- Points only: statements are never joined by a line (two pages are not a series, and a missing year is a gap).
- The qualifier stays visible: the shape says "as stated", "approximate", "lower bound", "target or forecast";
  a lower bound with a known ceiling (a share: more than 80% means 80-100%) and a stated range are drawn as a
  vertical rule between their ends; qualified figures carry their words as a label ("more than 80"), placed by
  `label_layout` clear of every other label and inside the plot from phone width up (a dotted leader joins a
  label set further off to its point).
- Part-year figures are labelled with their months ("Jan–Sep", "Q1") and academic years with "2023/24".
- Colour is the series (definition or basis), from a domain the caller fixes, so colours do not move when a
  control filters the view. An optional shaded band marks a period (e.g. a border closure).
- Controls are Vega-Lite params bound to a dropdown (they work in a static HTML file, offline).
Every tooltip carries the page URL and the quote.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from bilateral.analysis import stated_values as sv
from bilateral.viz import label_layout, theme
from bilateral.viz.charts import WIDTH

MARK_SHAPES = {
    sv.EXACT: "circle",
    sv.APPROXIMATE: "diamond",
    sv.LOWER_BOUND: "triangle-up",
    sv.RANGE: "square",
    sv.TARGET: "cross",
}
BAND_COLOR = "#d9d9d9"
ALL = "All"
COLUMNS = ("x", "x_draw", "label_dx", "label_dy", "label_align", "series", "point", "low", "high", "mark", "stated",
           "period", "period_note", "unit", "basis", "publisher_named", "source_url", "quote")  # fmt: skip


def year_axis(start: float, end: float) -> alt.X:
    """A year axis from start to end (half a year of margin), one label per year at most, no thousands comma.
    It encodes `x_draw` (the dodged position, see `dodge`)."""
    return alt.X(
        "x_draw:Q", title=None, scale=alt.Scale(domain=[start - 0.5, end + 0.5], nice=False), axis=theme.year_axis()
    )


def compact(value: float) -> str:
    """1540000 -> '1.54 m', 56000 -> '56,000', 0.5 -> '0.5': short enough for a label, no digit changed."""
    return f"{value / 1e6:g} m" if abs(value) >= 1e6 else sv.format_number(value)


def _label(row: dict, qualifiers: bool = True) -> str:
    """The text beside a point: its qualifier words ('more than 1.1 m'), 'forecast' for a forecast, then its part
    of the year ('Jan–Sep'); nothing for a plain full-year figure (its value is on the axis and in the tooltip).
    Without `qualifiers` (a crowded chart) the shape alone says lower bound or approximate; ranges, targets,
    forecasts and part-year periods are still labelled."""
    mark, point = row["mark"], row["point"]
    if mark == sv.EXACT or point is None:
        words = row["stated"] if mark == sv.RANGE else ""
    elif not qualifiers:
        words = ("target" if "target" in row["stated"] else "forecast") if mark == sv.TARGET else ""
    else:
        words = f"{row['qualifier']} {compact(point)}" if row.get("qualifier") else compact(point)
        if mark == sv.TARGET and "target" not in words:
            words += " (forecast)"
    return label_layout.two_lines(words, row["period_note"])


def _in_band(row: dict, band: tuple[int, int, str] | None) -> bool:
    return band is not None and band[0] <= row["x"] <= band[1]


def _band_label(row: dict, band: tuple[int, int, str] | None) -> str:
    """The figure as stated (qualifier included) and its part of the year: '800', '563 Jan–Sep'."""
    return label_layout.two_lines(row["stated"], row["period_note"])


def dodge(frame: pl.DataFrame, step: float = 0.18) -> pl.DataFrame:
    """`x_draw`: statements sharing a position are spread side by side (ordered by series, then value), at most
    `step` years apart and within ±0.4 of their year, so none hides another; `x` itself is unchanged."""
    ordered = frame.with_row_index("_row").sort("x", "series", "point", "low", nulls_last=True)
    rank = pl.int_range(pl.len()).over("x")
    count = pl.len().over("x")
    width = pl.min_horizontal(pl.lit(step), 0.8 / count)
    return (
        ordered.with_columns(
            (pl.col("x") + (rank - (count - 1) / 2) * width).alias("x_draw"),
        )
        .sort("_row")
        .drop("_row")
    )


def statement_layers(
    marked: pl.DataFrame, *, series_domain: list[str], x: alt.X, y_title: str, log: bool = False, y_domain: list[float] | None = None,
    value_format: str = ",.0f", pick: alt.Parameter | None = None, pick_field: str | None = None,
    band: tuple[int, int, str] | None = None, height: int = 260, width: int = WIDTH, dodge_step: float = 0.18,
    qualifier_labels: bool = True, values_in_band: bool = False,
) -> alt.LayerChart:  # fmt: skip
    """Points, rules and labels of `marked` (stated_marks output with a `series` column, plus `pick_field`).

    `pick`/`pick_field`: a select param and the column it filters ('All' shows everything); the param is added
    here. `band`: (first year, last year, label) shaded behind the points; `values_in_band` writes the stated
    figure beside every point inside it (e.g. the near-zero counts of a closure year).
    """
    labelled = dodge(marked, dodge_step).with_columns(
        pl.Series(
            "label",
            [
                _band_label(row, band) if values_in_band and _in_band(row, band) else _label(row, qualifier_labels)
                for row in marked.iter_rows(named=True)
            ],
            dtype=pl.String,
        )  # fmt: skip
    )
    domain = _y_domain(labelled, log=log, y_domain=y_domain)
    placements = _label_placements(labelled, x, band, height, log=log, domain=domain)
    labelled = labelled.with_columns(
        pl.Series("label_dx", [p.dx for p in placements], dtype=pl.Int64),
        pl.Series("label_dy", [p.dy for p in placements], dtype=pl.Int64),
        pl.Series("label_align", [p.align for p in placements], dtype=pl.String),
    )
    keep = [c for c in (*COLUMNS, "label", pick_field) if c and c in labelled.columns]
    data = labelled.select(keep)
    scale = alt.Scale(type="log") if log else alt.Scale(domain=y_domain) if y_domain else alt.Scale(zero=True)
    if pick is not None and domain is not None:
        # a dropdown keeps the axis as drawn for all rows (as it keeps the colours): labels were placed on it
        scale = alt.Scale(type="log", domain=list(domain)) if log else alt.Scale(domain=list(domain))
    # a log axis gets one tick and grid line per power of ten (minor lines crowd it)
    ticks = [10.0**k for k in range(0, 10)] if log else alt.Undefined
    color = alt.Color("series:N", title=None, scale=theme.color_scale(series_domain),
                      legend=alt.Legend(orient="bottom", columns=1, symbolLimit=40))  # fmt: skip
    shape = alt.Shape("mark:N", title="Stated as", scale=alt.Scale(domain=list(MARK_SHAPES), range=list(MARK_SHAPES.values())),
                      legend=theme.legend_beside_labels(0, columns=3, orient="top"))  # fmt: skip
    tooltip = [
        alt.Tooltip("period:N", title="Period"), alt.Tooltip("series:N", title="Series"), alt.Tooltip("stated:N", title="Stated"),
        alt.Tooltip("unit:N", title="Unit"), alt.Tooltip("mark:N", title="Read as"), alt.Tooltip("basis:N", title="Basis"),
        alt.Tooltip("publisher_named:N", title="Publisher"), alt.Tooltip("source_url:N", title="Page"),
        alt.Tooltip("quote:N", title="Quote"),
    ]  # fmt: skip
    base = alt.Chart(data)
    if pick is not None and pick_field:
        base = base.transform_filter((pick == ALL) | (alt.datum[pick_field] == pick))
    layers = []
    if band is not None:
        first, last, text = band
        shade = pl.DataFrame({"x_draw": [first - 0.5], "x2": [last + 0.5], "label": [text]})
        layers.append(alt.Chart(shade).mark_rect(color=BAND_COLOR, opacity=0.5).encode(x=x, x2="x2:Q"))
        # the caption centred over the band, on two lines if long, so that a phone shows it whole
        caption = pl.DataFrame({"x_draw": [(first + last) / 2], "label": [label_layout.wrap_middle(text)]})
        layers.append(alt.Chart(caption).mark_text(align="center", baseline="top", dy=3, lineBreak=label_layout.LINE_BREAK,
                                                   fontSize=10, color="#555").encode(x=x, y=alt.value(0), text="label:N"))  # fmt: skip
    spans = base.transform_filter("isValid(datum.low) && isValid(datum.high)")
    layers.append(spans.mark_rule(strokeWidth=2, opacity=0.6).encode(
        x=x, y=alt.Y("low:Q", scale=scale, title=y_title, axis=alt.Axis(values=ticks, format="~s" if log else value_format)), y2="high:Q",
        color=color, tooltip=tooltip,
        strokeDash=alt.condition(alt.datum.mark == sv.LOWER_BOUND, alt.value([4, 3]), alt.value([1, 0])),
    ))  # fmt: skip
    # a range without a single stated number sits at its low end, the rule shows the rest
    centre = base.transform_calculate(y_at="isValid(datum.point) ? datum.point : datum.low")
    y_at = alt.Y(
        "y_at:Q", scale=scale, title=y_title, axis=alt.Axis(format="~s" if log else value_format, values=ticks)
    )
    dots = centre.mark_point(filled=True, size=80, opacity=0.9).encode(
        x=x, y=y_at, color=color, shape=shape, tooltip=tooltip
    )
    if pick is not None:
        dots = dots.add_params(pick)
    layers.append(dots)
    # a label moved beyond the nearest rows gets a dotted leader from its point, so it is not read as a neighbour's
    far = f"datum.label != '' && abs(datum.label_dy) > {label_layout.LEADER_BEYOND_PX}"
    layers.append(centre.transform_filter(far).mark_rule(
        color="#8a8f94", strokeWidth=0.8, strokeDash=[2, 2], y2Offset=alt.ExprRef("datum.label_dy"),
        x2Offset=alt.ExprRef("datum.label_dx > 0 ? datum.label_dx - 2 : datum.label_dx + 2"),
    ).encode(x=x, y=y_at, x2=alt.X2(f"{x.to_dict()['field']}:Q"), y2=alt.Y2("y_at:Q")))  # fmt: skip
    # each label where label_layout placed it, read from its row (a yOffset channel is ignored on a continuous y scale)
    layers.append(centre.transform_filter("datum.label != ''").mark_text(
        align=alt.ExprRef("datum.label_align"), dx=alt.ExprRef("datum.label_dx"), dy=alt.ExprRef("datum.label_dy"),
        lineBreak=label_layout.LINE_BREAK, fontSize=10, color="#333").encode(x=x, y=y_at, text="label:N"))  # fmt: skip
    return alt.layer(*layers).properties(width=width, height=height)


def _y_domain(labelled: pl.DataFrame, *, log: bool, y_domain: list[float] | None) -> tuple[float, float] | None:
    """The y domain Vega draws for these rows: `y_domain` as given, else the nice domain over every point and end of
    a range (zero included on a linear scale); None without a value to draw."""
    if y_domain:
        return float(y_domain[0]), float(y_domain[1])
    values = [v for column in ("point", "low", "high") for v in labelled.get_column(column).drop_nulls().to_list()]
    values = [v for v in values if v > 0] if log else values
    if not values:
        return None
    low, high = min(values), max(values)
    if log:
        return label_layout.nice_domain(low, high, log=True)
    return label_layout.nice_domain(min(low, 0.0), max(high, 0.0), log=False)


def _label_placements(
    labelled: pl.DataFrame, x: alt.X, band: tuple[int, int, str] | None, height: int, *, log: bool,
    domain: tuple[float, float] | None,
) -> list[label_layout.Placement]:  # fmt: skip
    """`label_layout.place_labels` for the labels of `statement_layers`, on its x domain and y `domain`; a band's
    caption is kept clear too."""
    if domain is None:  # nothing to draw (no value, or an empty frame)
        return [label_layout.EMPTY] * labelled.height
    xs = labelled.get_column("x_draw").to_list()
    scale = x.to_dict().get("scale", {})
    x_domain = tuple(scale["domain"]) if "domain" in scale else (min(xs) - 0.5, max(xs) + 0.5)
    y_at = [
        p if p is not None else lo
        for p, lo in zip(labelled.get_column("point"), labelled.get_column("low"), strict=True)
    ]
    drawable = [v is not None and (v > 0 or not log) for v in y_at]
    ys = label_layout.y_pixels(
        [v if ok else domain[0] for v, ok in zip(y_at, drawable, strict=True)], domain, height, log=log
    )
    texts = [text if ok else "" for text, ok in zip(labelled.get_column("label"), drawable, strict=True)]
    caption = label_layout.wrap_middle(band[2]) if band is not None else ""
    fixed = [label_layout.caption_box((band[0] + band[1]) / 2, caption, x_domain)] if band is not None else []
    markers = [(x_at, y) for x_at, y, ok in zip(xs, ys, drawable, strict=True) if ok]
    return label_layout.place_labels(xs, ys, texts, x_domain=x_domain, height=height, fixed=fixed, markers=markers)


def statement_chart(marked: pl.DataFrame, *, title: str, source_note: str, **kwargs: object) -> alt.LayerChart:
    """`statement_layers` with a title, the years covered and the source as subtitle, sized to its container."""
    heading = theme.title(title, source=source_note, years=statement_years(marked),
                          note="Shapes: as stated, approximate, lower bound, range, target; points are never joined.")  # fmt: skip
    return theme.fit_width(statement_layers(marked, **kwargs).properties(title=heading))  # type: ignore[arg-type]


def statement_years(*frames: pl.DataFrame) -> list[int]:
    """The calendar years the statements of `frames` fall in (their `x` position, rounded down)."""
    return [int(x) for frame in frames for x in frame.get_column("x").drop_nulls().to_list()]


def select_param(name: str, options: list[str], initial: str, label: str) -> alt.Parameter:
    """A dropdown ('All' first) that filters a chart in the browser, with no kernel."""
    return alt.param(name=name, value=initial, bind=alt.binding_select(options=[ALL, *options], name=label))
