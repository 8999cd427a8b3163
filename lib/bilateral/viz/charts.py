"""Altair charts with the source in a footnote and in every tooltip, and reader controls as Vega-Lite params.

Controls are Vega-Lite bound params (select, range), not ipywidgets: they keep working in a static
HTML report opened from disk, where no kernel exists to run widget callbacks.
"""

from __future__ import annotations

import altair as alt
import polars as pl

WIDTH = 640
HEIGHT = 300
BASIS_COLORS = {
    "Chinese customs": "#c0392b",
    "Russian customs": "#2c6fbb",
    "Chinese official figure": "#e67e22",
    "Russian official figure": "#5dade2",
    "Russian estimate": "#85c1e9",
    "basis not stated": "#7f8c8d",
}
SOURCE_TOOLTIP = [
    alt.Tooltip("publisher_named:N", title="Publisher"),
    alt.Tooltip("source_url:N", title="Source"),
    alt.Tooltip("quote:N", title="Quote"),
]


def footnote(text: str) -> alt.TitleParams:
    return alt.TitleParams(text=text, orient="bottom", anchor="start", fontSize=10, fontWeight="normal", color="#555")


def headline_chart(points: pl.DataFrame, statements: pl.DataFrame, *, source_note: str) -> alt.LayerChart:
    """Line of the headline series for the metric picked in a dropdown, over a year range picked by a slider.

    Hollow circles show every cited statement for the same metric, so disagreeing sources are visible
    next to the chosen figure. Colours encode the statistical basis.
    """
    metrics = [m for m in ("Turnover", "Exports", "Imports", "Balance") if m in set(points.get_column("metric"))]
    first, last = int(points.get_column("year").min()), int(points.get_column("year").max())
    metric = alt.param(
        name="metric", value=metrics[0], bind=alt.binding_select(options=metrics, name="Metric: ")
    )
    since = alt.param(
        name="since_year", value=first, bind=alt.binding_range(min=first, max=last, step=1, name="From year: ")
    )
    year = alt.X(
        "year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True), scale=alt.Scale(domain=[first, last])
    )
    value = alt.Y("value_usd_bn:Q", title="US$ billion")
    basis = alt.Color(
        "basis:N",
        title="Basis",
        scale=alt.Scale(domain=list(BASIS_COLORS), range=list(BASIS_COLORS.values())),
    )
    in_view = (alt.datum.metric == metric) & (alt.datum.year >= since)
    base = alt.Chart(points).transform_filter(in_view)
    line = base.mark_line(color="#444", strokeWidth=1.5).encode(x=year, y=value)
    dots = base.mark_circle(size=70, opacity=1).encode(
        x=year,
        y=value,
        color=basis,
        tooltip=[
            alt.Tooltip("year:Q", format="d", title="Year"),
            alt.Tooltip("metric:N", title="Metric"),
            alt.Tooltip("value_usd_bn:Q", format=",.2f", title="US$ bn"),
            alt.Tooltip("basis:N", title="Basis"),
            alt.Tooltip("n_statements:Q", title="Statements"),
            alt.Tooltip("is_disputed:N", title="Sources disagree"),
            *SOURCE_TOOLTIP,
        ],
    )
    others = (
        alt.Chart(statements)
        .transform_filter(in_view)
        .mark_point(size=120, filled=False, strokeWidth=1.2)
        .encode(
            x=year,
            y=value,
            color=basis,
            tooltip=[
                alt.Tooltip("year:Q", format="d", title="Year"),
                alt.Tooltip("value_usd_bn:Q", format=",.3f", title="US$ bn (as stated)"),
                alt.Tooltip("basis:N", title="Basis"),
                *SOURCE_TOOLTIP,
            ],
        )
    )
    return (
        alt.layer(line, others, dots)
        .add_params(metric, since)
        .properties(width=WIDTH, height=HEIGHT, title=footnote(source_note))
    )


def growth_chart(growth: pl.DataFrame, *, source_note: str) -> alt.LayerChart:
    """Bars: growth computed within one customs basis; ticks: the growth rate the source itself stated."""
    bars = (
        alt.Chart(growth)
        .mark_bar(color="#888")
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("growth_pct:Q", title="Turnover growth, % on previous year"),
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("growth_pct:Q", format=".1f", title="Computed, %"),
                alt.Tooltip("growth_stated_pct:Q", format=".1f", title="As stated, %"),
            ],
        )
    )
    ticks = (
        alt.Chart(growth)
        .mark_tick(color="#c0392b", thickness=3, size=18)
        .encode(x="year:O", y="growth_stated_pct:Q", tooltip=[alt.Tooltip("growth_stated_pct:Q", format=".1f", title="As stated, %")])
    )
    return alt.layer(bars, ticks).properties(width=WIDTH, height=220, title=footnote(source_note))
