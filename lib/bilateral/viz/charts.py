"""Altair charts with the source in a footnote and in every tooltip, and reader controls as Vega-Lite params.

Controls are Vega-Lite bound params (select, range), not ipywidgets: they keep working in a static
HTML report opened from disk, where no kernel exists to run widget callbacks.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from bilateral.analysis.energy_compare import COMMODITY_LABELS, UNITS
from bilateral.analysis.trade import BASIS_LABELS

WIDTH = 640
HEIGHT = 300
# Colours by basis code; labels come from the analysis layer so chart, table and text say the same.
BASIS_COLORS = {
    "CN_GAC": "#c0392b",
    "RU_FCS": "#2c6fbb",
    "CN_official": "#e67e22",
    "RU_official": "#5dade2",
    "RU_unspecified": "#85c1e9",
    "unspecified": "#7f8c8d",
}
SOURCE_TOOLTIP = [
    alt.Tooltip("publisher_named:N", title="Publisher"),
    alt.Tooltip("source_url:N", title="Source"),
    alt.Tooltip("quote:N", title="Quote"),
]


def footnote(text: str) -> alt.TitleParams:
    return alt.TitleParams(text=text, orient="bottom", anchor="start", fontSize=10, fontWeight="normal", color="#555")


def headline_chart(
    points: pl.DataFrame, statements: pl.DataFrame, *, source_note: str, title: str = ""
) -> alt.LayerChart:
    """Line of the headline series for the metric picked in a dropdown, over a year range picked by a slider.

    Hollow circles show every cited statement for the same metric, so disagreeing sources are visible
    next to the chosen figure. Colours encode the statistical basis. Gaps are gaps: the line is drawn only
    between consecutive years of the same basis (a change of basis or a missing year breaks it). The slider
    zooms the year axis (its lower bound follows the slider) instead of blanking part of the chart.
    """
    metrics = [m for m in ("Turnover", "Exports", "Imports", "Balance") if m in set(points.get_column("metric"))]
    years = [*points.get_column("year").to_list(), *statements.get_column("year").to_list()]
    first, last = int(min(years)), int(max(years))
    metric = alt.param(name="metric", value=metrics[0], bind=alt.binding_select(options=metrics, name="Metric: "))
    since = alt.param(
        name="since_year", value=first, bind=alt.binding_range(min=first, max=last - 1, step=1, name="From year: ")
    )
    year = alt.X(
        "year:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1, labelOverlap="greedy", labelFlush=False),
        scale=alt.Scale(domain=[alt.ExprRef("since_year - 0.5"), last + 0.5], nice=False),  # half a year of air each side
    )  # fmt: skip
    value = alt.Y("value_usd_bn:Q", title="US$ billion")
    present = set(points.get_column("basis")) | set(statements.get_column("basis"))
    known = [BASIS_LABELS[code] for code in BASIS_COLORS]
    basis = alt.Color(
        "basis:N",
        title="Basis",
        # cited bases keep their colours across reports; declared statistics (fetched) get the default palette
        scale=alt.Scale(domain=known, range=list(BASIS_COLORS.values())) if present <= set(known) else alt.Undefined,
        legend=alt.Legend(orient="bottom", columns=2, labelLimit=280),
    )
    in_view = (alt.datum.metric == metric) & (alt.datum.year >= since)
    base = alt.Chart(with_segments(points, by=("metric",))).transform_filter(in_view)
    line = base.mark_line(color="#444", strokeWidth=1.5).encode(x=year, y=value, detail="segment:N")
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
        .mark_point(size=120, filled=False, strokeWidth=1.2, clip=True)
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
    heading = alt.TitleParams(text=title, subtitle=source_note, anchor="start") if title else footnote(source_note)
    return alt.layer(line, others, dots).add_params(metric, since).properties(width=WIDTH, height=HEIGHT, title=heading)


def with_segments(frame: pl.DataFrame, *, by: tuple[str, ...] = (), basis: str = "basis") -> pl.DataFrame:
    """`frame` with a `segment` id that changes at a missing year or a change of basis, so lines break there."""
    ordered = frame.sort([*by, "year"])
    new_run = (pl.col("year").diff().over(list(by) or None) != 1) | (
        pl.col(basis) != pl.col(basis).shift().over(list(by) or None)
    )
    return ordered.with_columns(new_run.fill_null(True).cum_sum().cast(pl.Int32).alias("segment"))


def growth_chart(growth: pl.DataFrame, *, source_note: str, title: str = "") -> alt.LayerChart:
    """Bars: growth computed within one customs basis; ticks: the growth rate the source itself stated."""
    kinds = alt.Color("kind:N", title=None, scale=alt.Scale(domain=["Computed (same basis)", "As stated by the source"],
                                                           range=["#888", "#c0392b"]), legend=alt.Legend(orient="top"))  # fmt: skip
    bars = (
        alt.Chart(growth)
        .transform_calculate(kind="'Computed (same basis)'")
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, labelOverlap="greedy")),
            y=alt.Y("growth_pct:Q", title="Turnover growth, % on previous year"),
            color=kinds,
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("growth_pct:Q", format=".1f", title="Computed, %"),
                alt.Tooltip("growth_stated_pct:Q", format=".1f", title="As stated, %"),
            ],
        )
    )
    ticks = (
        alt.Chart(growth)
        .transform_calculate(kind="'As stated by the source'")
        .mark_tick(thickness=3, size=18)
        .encode(
            x="year:O",
            y="growth_stated_pct:Q",
            color=kinds,
            tooltip=[alt.Tooltip("growth_stated_pct:Q", format=".1f", title="As stated, %")],
        )  # fmt: skip
    )
    heading = alt.TitleParams(text=title, subtitle=source_note, anchor="start") if title else footnote(source_note)
    return alt.layer(bars, ticks).properties(width=WIDTH, height=220, title=heading)


def product_chart(table: pl.DataFrame, *, source_note: str) -> alt.VConcatChart:
    """Annual value by product (stacked bars) above the partner's share of the covered total, per product.

    A dropdown picks one product or all; both panels follow it, and tooltips carry description,
    months reported, rank among covered partners and the source.
    """
    codes = sorted(set(table.get_column("product_code")))
    product = alt.param(
        name="product", value="All", bind=alt.binding_select(options=["All", *codes], name="Product (HS): ")
    )
    chosen = (product == "All") | (alt.datum.product_code == product)
    data = table.with_columns((pl.col("value_usd") / 1e6).alias("value_usd_m"))
    tooltip = [
        alt.Tooltip("year:O", title="Year"),
        alt.Tooltip("product_code:N", title="HS code"),
        alt.Tooltip("product:N", title="Product"),
        alt.Tooltip("value_usd_m:Q", format=",.2f", title="US$ m"),
        alt.Tooltip("months_reported:Q", title="Months with trade"),
        alt.Tooltip("share_pct:Q", format=".2f", title="Share of covered total, %"),
        alt.Tooltip("partner_rank:Q", title="Rank among covered partners"),
        alt.Tooltip("source_note:N", title="Source"),
    ]
    base = alt.Chart(data.with_columns(pl.lit(source_note).alias("source_note"))).transform_filter(chosen)
    color = alt.Color("product_code:N", title="HS code")
    bars = (
        base.mark_bar()
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("sum(value_usd_m):Q", title="US$ million"),
            color=color,
            tooltip=tooltip,
        )
        .properties(width=WIDTH, height=240)
    )
    share = (
        base.mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("share_pct:Q", title="Partner's share of covered total, %"),
            color=color,
            tooltip=tooltip,
        )
        .properties(width=WIDTH, height=180)
    )
    return alt.vconcat(bars, share).add_params(product).properties(title=footnote(source_note))


def energy_chart(long: pl.DataFrame, *, source_note: str) -> alt.LayerChart:
    """Each source's series for the commodity picked in a dropdown; every point carries its source in the tooltip."""
    labels = {code: f"{label} ({UNITS[code]})" for code, label in COMMODITY_LABELS.items()}
    data = long.with_columns(
        pl.col("commodity").replace_strict(labels, default=pl.col("commodity")).alias("commodity_label")
    )
    options = [labels[c] for c in labels if c in set(long.get_column("commodity"))]
    commodity = alt.param(
        name="commodity", value=options[0], bind=alt.binding_select(options=options, name="Commodity: ")
    )
    base = alt.Chart(data).transform_filter(alt.datum.commodity_label == commodity)
    encoding = {
        "x": alt.X("year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True)),
        "y": alt.Y("value:Q", title="Volume (Mt for oil and coal, bcm for gas)"),
        "color": alt.Color(
            "source_label:N", title="Source", legend=alt.Legend(orient="bottom", columns=1, labelLimit=400)
        ),
    }
    lines = base.mark_line(strokeWidth=1.5).encode(**encoding, detail="source_label:N")
    points = base.mark_point(filled=True, size=60).encode(
        **encoding,
        shape=alt.Shape("source_label:N", legend=None),
        tooltip=[
            alt.Tooltip("year:Q", format="d", title="Year"),
            alt.Tooltip("commodity_label:N", title="Commodity"),
            alt.Tooltip("value:Q", format=",.2f", title="Volume"),
            alt.Tooltip("unit:N", title="Unit"),
            alt.Tooltip("source_label:N", title="Source"),
            alt.Tooltip("detail:N", title="Detail"),
            alt.Tooltip("source_url:N", title="Page / dataset"),
            alt.Tooltip("quote:N", title="Quote"),
        ],
    )
    return (
        alt.layer(lines, points)
        .add_params(commodity)
        .properties(width=WIDTH, height=HEIGHT, title=footnote(source_note))
    )


def group_chart(member_turnover: pl.DataFrame, group_totals_cited: pl.DataFrame, *, source_note: str) -> alt.LayerChart:
    """Stacked bars of each member's turnover per year; diamonds for totals cited for the whole group.

    A dropdown shows all members or one; tooltips give the figure's basis and page.
    """
    members = sorted(set(member_turnover.get_column("member")))
    member = alt.param(name="member", value="All", bind=alt.binding_select(options=["All", *members], name="Member: "))
    data = member_turnover.with_columns((pl.col("turnover_usd") / 1e9).alias("turnover_usd_bn"))
    bars = (
        alt.Chart(data)
        .transform_filter((member == "All") | (alt.datum.member == member))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("sum(turnover_usd_bn):Q", title="Turnover, US$ billion"),
            color=alt.Color("member:N", title="Member"),
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("member:N", title="Member"),
                alt.Tooltip("turnover_usd_bn:Q", format=",.2f", title="US$ bn"),
                alt.Tooltip("basis:N", title="Basis"),
                alt.Tooltip("source_url:N", title="Source"),
            ],
        )
    )
    layers = [bars]
    if not group_totals_cited.is_empty():
        cited = group_totals_cited.with_columns(
            (pl.col("value_usd") / 1e9).alias("value_usd_bn"),
            pl.when(pl.col("is_target_or_threshold"))
            .then(pl.lit("lower bound"))
            .otherwise(pl.lit("outturn"))
            .alias("kind"),
        )
        layers.append(
            alt.Chart(cited)
            .transform_filter(member == "All")
            .mark_point(size=140, filled=True, color="black")
            .encode(
                x="year:O",
                y="value_usd_bn:Q",
                # a threshold ("more than 166.5") is a lower bound: drawn as an upward triangle
                shape=alt.Shape(
                    "kind:N",
                    title="Cited group total",
                    scale=alt.Scale(domain=["outturn", "lower bound"], range=["diamond", "triangle-up"]),
                ),
                tooltip=[
                    alt.Tooltip("period:N", title="Period"),
                    alt.Tooltip("value_text:N", title="Cited group total, US$ bn"),
                    alt.Tooltip("publisher_named:N", title="Publisher"),
                    alt.Tooltip("source_url:N", title="Source"),
                    alt.Tooltip("quote:N", title="Quote"),
                ],
            )
        )
    return alt.layer(*layers).add_params(member).properties(width=WIDTH, height=HEIGHT, title=footnote(source_note))


def rank_chart(points: pl.DataFrame, *, source_note: str) -> alt.LayerChart:
    """The partner's rank (1 at the top) or share over the years, picked in a dropdown; tooltips carry the source.

    `points`: year, measure ("Rank" | "Share %"), value, basis, source_url.
    """
    measures = [m for m in ("Rank", "Share %") if m in set(points.get_column("measure"))]
    measure = alt.param(name="measure", value=measures[0], bind=alt.binding_select(options=measures, name="Show: "))
    base = alt.Chart(points).transform_filter(alt.datum.measure == measure)
    encoding = {
        "x": alt.X("year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True)),
        # ranks read top-down (1 = largest partner); the same axis shows shares when picked
        "y": alt.Y("value:Q", title="Rank (1 = largest) or share of trade, %", scale=alt.Scale(zero=False)),
    }
    tooltip = [
        alt.Tooltip("year:Q", format="d", title="Year"),
        alt.Tooltip("measure:N", title="Measure"),
        alt.Tooltip("value:Q", format=",.1f", title="Value"),
        alt.Tooltip("basis:N", title="Basis"),
        alt.Tooltip("source_url:N", title="Source"),
    ]
    line = base.mark_line(color="#444").encode(**encoding)
    dots = base.mark_circle(size=80, color="#c0392b").encode(**encoding, tooltip=tooltip)
    return alt.layer(line, dots).add_params(measure).properties(width=WIDTH, height=260, title=footnote(source_note))
