"""Altair charts with the source in a footnote and in every tooltip, and reader controls as Vega-Lite params.

Controls are Vega-Lite bound params (select, range), not ipywidgets: they keep working in a static
HTML report opened from disk, where no kernel exists to run widget callbacks.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from bilateral.analysis.consistency import qualifier_of
from bilateral.analysis.energy_compare import COMMODITY_LABELS, UNITS
from bilateral.analysis.trade import BASIS_LABELS
from bilateral.viz import tables, theme

WIDTH = 640
HEIGHT = 300
# Bases in legend order; their colours come from the theme (theme.SERIES_COLORS by label), so chart, table
# and text say the same and every report paints a basis alike.
BASIS_COLORS = {code: theme.color_for(label) for code, label in BASIS_LABELS.items()}
SOURCE_TOOLTIP = [
    alt.Tooltip("publisher_named:N", title="Publisher"),
    alt.Tooltip("source_url:N", title="Source"),
    alt.Tooltip("quote:N", title="Quote"),
]


def footnote(text: str) -> alt.TitleParams:
    """A source line under a chart (kept for callers; charts here use `theme.title`, which puts it in the subtitle)."""
    return alt.TitleParams(text=text, orient="bottom", anchor="start", fontSize=10, fontWeight="normal", color="#555")


def headline_chart(
    points: pl.DataFrame, statements: pl.DataFrame, *, source_note: str, title: str = ""
) -> alt.LayerChart:
    """Lines of the headline series for the metric picked in a dropdown, zoomed to the years picked in two sliders.

    Hollow circles show every cited statement for the same metric, so disagreeing sources are visible next to
    the chosen figure; a black ring marks a year where the sources disagree. Colours encode the statistical
    basis (theme colours: the same basis has the same colour in every report, whatever the metric). Gaps are
    gaps: a line joins only consecutive years of the same basis (`theme.segments`). The sliders set the x
    domain (zoom), so nothing is filtered away.
    """
    metrics = [m for m in ("Turnover", "Exports", "Imports", "Balance") if m in set(points.get_column("metric"))]
    years = [*points.get_column("year").to_list(), *statements.get_column("year").to_list()]
    first, last = int(min(years)), int(max(years))
    metric = alt.param(name="metric", value=metrics[0], bind=alt.binding_select(options=metrics, name="Metric: "))
    since, until, domain = theme.year_range_params(first, last)
    year = alt.X("year:Q", title=None, axis=theme.year_axis(), scale=alt.Scale(domain=domain, nice=False))
    value = alt.Y("value_usd_bn:Q", title="US$ billion")
    known = [BASIS_LABELS[code] for code in BASIS_COLORS]
    present = [*points.get_column("basis").to_list(), *statements.get_column("basis").to_list()]
    basis = alt.Color(
        "basis:N",
        title="Basis",
        scale=theme.color_scale([*(b for b in known if b in present), *sorted(set(present) - set(known))]),
        legend=alt.Legend(orient="bottom", columns=1),
    )
    in_view = alt.datum.metric == metric
    base = alt.Chart(with_segments(points, by=("metric",))).transform_filter(in_view)
    line = base.mark_line(strokeWidth=1.8, clip=True).encode(x=year, y=value, color=basis, detail="segment:N")
    tooltip = [
        alt.Tooltip("year:Q", format="d", title="Year"),
        alt.Tooltip("metric:N", title="Metric"),
        alt.Tooltip("value_usd_bn:Q", format=",.2f", title="US$ bn"),
        alt.Tooltip("basis:N", title="Basis"),
        alt.Tooltip("n_statements:Q", title="Statements"),
        alt.Tooltip("is_disputed:N", title="Sources disagree"),
        *SOURCE_TOOLTIP,
    ]
    dots = base.mark_circle(size=60, opacity=1, clip=True).encode(x=year, y=value, color=basis, tooltip=tooltip)
    disputed = (
        base.transform_filter(alt.datum.is_disputed == True)  # noqa: E712 - a Vega expression, not Python
        .mark_point(size=220, filled=False, strokeWidth=1.5, clip=True)
        .encode(
            x=year, y=value, tooltip=tooltip,
            stroke=alt.value("#111"),
        )
    )  # fmt: skip
    stated = with_qualifiers(statements)
    said = alt.Chart(stated).transform_filter(in_view)
    said_tooltip = [
        alt.Tooltip("year:Q", format="d", title="Year"),
        # the figure as its page printed it, qualifier included ("around 29", "146.887"): no padded digits
        alt.Tooltip(
            "as_stated:N" if "as_stated" in statements.columns else "value_usd_bn:Q", title="US$ bn (as stated)"
        ),
        alt.Tooltip("basis:N", title="Basis"),
        *SOURCE_TOOLTIP,
    ]
    others = said.mark_point(size=120, filled=False, strokeWidth=1.2, clip=True).encode(
        x=year, y=value, color=basis, tooltip=said_tooltip
    )
    # a qualified statement ("around 29", "more than 200") carries its word beside the point
    words = (
        said.transform_filter("datum.qualifier != ''")
        .mark_text(align="left", dx=8, dy=-8, fontSize=10, color="#333", clip=True)
        .encode(x=year, y=value, text="qualifier:N", tooltip=said_tooltip)
    )
    heading = theme.title(
        title or "Trade, US$ billion",
        source=source_note,
        years=years,
        note="Line: the series; hollow circles: every cited statement (its qualifier written beside it); "
        "ring: sources disagree.",
    )
    # dots last: on top of the rings, so hovering a point always reaches its tooltip
    chart = alt.layer(line, others, words, disputed, dots).add_params(metric, since, until)
    return theme.fit_width(chart.properties(height=HEIGHT, title=heading))


def with_qualifiers(statements: pl.DataFrame) -> pl.DataFrame:
    """`statements` with a `qualifier` column: the word the quote puts before the figure ("around", "more than"),
    or "" for a plain figure (analysis.consistency.qualifier_of reads it from the quote)."""
    if statements.is_empty() or "quote" not in statements.columns:
        return statements.with_columns(pl.lit("").alias("qualifier"))
    words = [
        qualifier_of(quote, value * 1e9 if value is not None else None) or ""
        for quote, value in zip(statements.get_column("quote"), statements.get_column("value_usd_bn"), strict=True)
    ]
    return statements.with_columns(pl.Series("qualifier", words, dtype=pl.String))


def with_segments(frame: pl.DataFrame, *, by: tuple[str, ...] = (), basis: str = "basis") -> pl.DataFrame:
    """`frame` with a `segment` id that changes at a missing year or a change of basis, so lines break there."""
    return theme.segments(frame, by=by, basis=basis)


def growth_chart(growth: pl.DataFrame, *, source_note: str, title: str = "") -> alt.LayerChart:
    """Bars: growth computed within one customs basis; ticks: the growth rate the source itself stated.

    The legend names both marks; a year with no computable growth (first year, a change of basis, a missing
    previous year) has no bar, and a year without a stated rate has no tick.
    """
    stated = growth.get_column("growth_stated_pct").drop_nulls().len() > 0
    names = ["Computed (same basis)", *(["As stated by the source"] if stated else [])]
    kinds = alt.Color(
        "kind:N", title=None, scale=theme.color_scale(names), legend=alt.Legend(orient="top", symbolType="square")
    )
    years = [int(y) for y in growth.get_column("year").to_list()]
    x = alt.X("year:O", title=None, scale=alt.Scale(domain=sorted(set(years))), axis=theme.year_axis(labelAngle=0))
    bars = (
        alt.Chart(growth)
        .transform_filter("isValid(datum.growth_pct)")
        .transform_calculate(kind="'Computed (same basis)'")
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("growth_pct:Q", title="% on previous year"),
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
        .transform_filter("isValid(datum.growth_stated_pct)")
        .transform_calculate(kind="'As stated by the source'")
        .mark_tick(thickness=3, size=18)
        .encode(
            x=x,
            y="growth_stated_pct:Q",
            color=kinds,
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("growth_stated_pct:Q", format=".1f", title="As stated, %"),
            ],
        )  # fmt: skip
    )
    heading = theme.title(title or "Turnover growth, % on the previous year", source=source_note, years=years)
    layers = [bars, ticks] if stated else [bars]  # no stated rate: no empty layer (and no legend entry for it)
    return theme.fit_width(alt.layer(*layers).properties(height=220, title=heading))


def product_chart(table: pl.DataFrame, *, source_note: str, title: str = "") -> alt.VConcatChart:
    """Annual value by product (stacked bars) above the partner's share of the covered total, per product.

    A dropdown picks one product or all; both panels follow it, and tooltips carry description, months
    reported, rank among covered partners and the source. The legend names products ('2805 Rare-earth
    metals…'), not bare codes; colours are fixed per product (theme), so the dropdown never repaints them.
    The share line joins consecutive years only (`theme.segments`).
    """
    data = table.with_columns(
        (pl.col("value_usd") / 1e6).alias("value_usd_m"),
        pl.lit(source_note).alias("source_note"),
        # the same label (and so the same colour) as the hi-tech report's minerals chart gives the product
        (
            pl.col("product_code")
            + " "
            + pl.col("product")
            .map_elements(lambda text: tables.shorten(text, 50), return_dtype=pl.String)
            .fill_null("–")
        ).alias("product_label"),
    )
    data = theme.segments(data, by=("product_code",))
    named = data.select("product_code", "product_label").unique().sort("product_code")
    labels = named.get_column("product_label").to_list()
    codes = named.get_column("product_code").to_list()
    product = alt.param(name="product", value="All", bind=alt.binding_select(
        options=["All", *codes], labels=theme.option_labels(["All", *labels]), name="Product: "))  # fmt: skip
    chosen = (product == "All") | (alt.datum.product_code == product)
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
    years = sorted({int(y) for y in data.get_column("year").to_list()})
    base = alt.Chart(data).transform_filter(chosen)
    color = alt.Color("product_label:N", title="Product (HS)", scale=theme.color_scale(labels),
                      legend=alt.Legend(orient="bottom", columns=1))  # fmt: skip
    bars = (
        base.mark_bar()
        .encode(
            x=alt.X("year:O", title=None, scale=alt.Scale(domain=years), axis=theme.year_axis(labelAngle=0)),
            y=alt.Y("sum(value_usd_m):Q", title="US$ million"),
            color=color,
            tooltip=tooltip,
        )
        .properties(height=240)
    )
    share_x = theme.year_x(first=years[0], last=years[-1]) if years else alt.X("year:Q")
    share_y = alt.Y("share_pct:Q", title="Partner's share of covered total, %")
    share = alt.layer(
        base.mark_line().encode(x=share_x, y=share_y, color=color, detail="segment:N"),
        base.mark_circle(size=45).encode(x=share_x, y=share_y, color=color, tooltip=tooltip),
    ).properties(height=180)
    heading = theme.title(
        title or "Trade by product, US$ million, and the partner's share, %", source=source_note, years=years
    )
    return theme.fit_width(alt.vconcat(bars, share).add_params(product).properties(title=heading))


ENERGY_UNITS_TITLE = "Volume (Mt for oil and coal, bcm for gas)"


def energy_chart(long: pl.DataFrame, *, source_note: str, title: str = "") -> alt.LayerChart:
    """Each source's series for the commodity picked in a dropdown; every point carries its source in the tooltip.

    One line per source, joining consecutive years only (a year a source did not publish is a gap), zoomed
    with two year sliders; colours are fixed per source (theme) whatever the commodity.
    """
    labels = {code: f"{label} ({UNITS[code]})" for code, label in COMMODITY_LABELS.items()}
    data = long.with_columns(
        pl.col("commodity").replace_strict(labels, default=pl.col("commodity")).alias("commodity_label")
    )
    data = theme.segments(data, by=("commodity", "source_label"))
    options = [labels[c] for c in labels if c in set(long.get_column("commodity"))]
    commodity = alt.param(
        name="commodity", value=options[0], bind=alt.binding_select(options=options, name="Commodity: ")
    )
    years = [int(y) for y in data.get_column("year").to_list()]
    since, until, domain = theme.year_range_params(min(years), max(years))
    sources = sorted(set(data.get_column("source_label")))
    base = alt.Chart(data).transform_filter(alt.datum.commodity_label == commodity)
    encoding = {
        "x": alt.X("year:Q", title=None, axis=theme.year_axis(), scale=alt.Scale(domain=domain, nice=False)),
        "y": alt.Y("value:Q", title=ENERGY_UNITS_TITLE),
        "color": alt.Color(
            "source_label:N",
            title="Source",
            scale=theme.color_scale(sources),
            legend=alt.Legend(orient="bottom", columns=1),
        ),  # fmt: skip
    }
    lines = base.mark_line(strokeWidth=1.8, clip=True).encode(**encoding, detail="segment:N")
    points = base.mark_point(filled=True, size=60, clip=True).encode(
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
    heading = theme.title(title or "Energy imports, Mt (oil, coal) or bcm (gas), by source", source=source_note, years=years,
                          note="Pick the commodity below; a missing point is a year the source did not publish.")  # fmt: skip
    chart = alt.layer(lines, points).add_params(commodity, since, until)
    return theme.fit_width(chart.properties(height=HEIGHT, title=heading))


def group_chart(
    member_turnover: pl.DataFrame, group_totals_cited: pl.DataFrame, *, source_note: str, title: str = ""
) -> alt.LayerChart:
    """Stacked bars of each member's turnover per year; diamonds for totals cited for the whole group.

    A dropdown shows all members or one (colours fixed per member, so they do not change with it); tooltips give
    the figure's basis and page. A year a member has no figure is an empty slot in its stack, not a zero.
    """
    members = sorted(set(member_turnover.get_column("member")))
    member = alt.param(name="member", value="All", bind=alt.binding_select(options=["All", *members], name="Member: "))
    data = member_turnover.with_columns((pl.col("turnover_usd") / 1e9).alias("turnover_usd_bn"))
    years = sorted(
        {int(y) for y in [*data.get_column("year").to_list(), *group_totals_cited.get_column("year").to_list()]}
    )
    x = alt.X("year:O", title=None, scale=alt.Scale(domain=years), axis=theme.year_axis(labelAngle=0))
    bars = (
        alt.Chart(data)
        .transform_filter((member == "All") | (alt.datum.member == member))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("sum(turnover_usd_bn):Q", title="Turnover, US$ billion"),
            color=alt.Color("member:N", title="Member", scale=theme.color_scale(members)),
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
                x=x,
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
    heading = theme.title(title or "Turnover with each member, US$ billion", source=source_note, years=years)
    return theme.fit_width(alt.layer(*layers).add_params(member).properties(height=HEIGHT, title=heading))


def rank_chart(points: pl.DataFrame, *, source_note: str, title: str = "") -> alt.VConcatChart:
    """The partner's rank (integers, 1 at the top) above its share of trade, %; tooltips carry the source.

    `points`: year, measure ("Rank" | "Share %"), value, basis, source_url. Lines join consecutive years only.
    """
    data = theme.segments(points, by=("measure",))
    years = [int(y) for y in data.get_column("year").to_list()]
    x = theme.year_x(first=min(years), last=max(years)) if years else alt.X("year:Q")
    tooltip = [
        alt.Tooltip("year:Q", format="d", title="Year"),
        alt.Tooltip("measure:N", title="Measure"),
        alt.Tooltip("value:Q", format=",.1f", title="Value"),
        alt.Tooltip("basis:N", title="Basis"),
        alt.Tooltip("source_url:N", title="Source"),
    ]
    panels = []
    for measure, y in (
        ("Rank", theme.rank_y()),
        ("Share %", alt.Y("value:Q", title="Share of trade, %", scale=alt.Scale(zero=True))),
    ):
        rows = alt.Chart(data).transform_filter(alt.datum.measure == measure)
        line = rows.mark_line(color="#444").encode(x=x, y=y, detail="segment:N")
        dots = rows.mark_circle(size=70, color="#c0392b").encode(x=x, y=y, tooltip=tooltip)
        panels.append(alt.layer(line, dots).properties(height=160))
    heading = theme.title(
        title or "Rank among partners (1 = largest) and share of trade, %", source=source_note, years=years
    )
    return theme.fit_width(alt.vconcat(*panels).properties(title=heading))
