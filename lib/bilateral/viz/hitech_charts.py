"""Charts of hi-tech trade: each side's exports through a lens over time, top products, critical minerals.

Lens, direction and product are picked in Vega-Lite dropdowns (they work in a static file). Lines are drawn
only between consecutive years (`segment`), so a missing year is a gap; colours are fixed per direction (the
same as the trade_composition report) and per product.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from bilateral.viz import theme


def _title(text: str, note: str, data: pl.DataFrame) -> alt.TitleParams:
    return theme.title(text, source=note, years=data.get_column("year").to_list() if "year" in data.columns else ())


def _directions(data: pl.DataFrame) -> alt.Color:
    directions = sorted(data.get_column("direction").unique().to_list())
    return alt.Color(
        "direction:N", title=None, scale=theme.color_scale(directions), legend=alt.Legend(orient="top", columns=1)
    )


def lens_trade_chart(
    series: pl.DataFrame, lens_titles: dict[str, str], *, title: str, source_note: str
) -> alt.VConcatChart:
    """Each side's exports to the other in the lens picked in a dropdown: US$ m above, share of its exports below."""
    data = series.with_columns(
        (pl.col("value_usd") / 1e6).alias("value_usd_m"), pl.col("lens").replace_strict(lens_titles).alias("lens_title")
    )
    options = [lens_titles[name] for name in lens_titles if name in set(data.get_column("lens"))]
    lens = alt.param(
        name="lens",
        value=options[0],
        bind=alt.binding_select(options=options, labels=theme.option_labels(options), name="Lens: "),
    )
    color = _directions(data)
    tooltip = [alt.Tooltip("year:Q", format="d", title="Year"), alt.Tooltip("direction:N", title="Exports"),
               alt.Tooltip("lens_title:N", title="Lens"), alt.Tooltip("value_usd_m:Q", format=",.1f", title="US$ m"),
               alt.Tooltip("share_pct:Q", format=".2f", title="Share of the direction's trade, %")]  # fmt: skip
    data = theme.segments(data.drop("segment", strict=False), by=("lens", "direction"))
    base = alt.Chart(data).transform_filter(alt.datum.lens_title == lens)
    years = data.get_column("year").to_list()
    x = theme.year_x(first=min(years), last=max(years))

    def panel(field: str, axis_title: str, height: int) -> alt.LayerChart:
        y = alt.Y(f"{field}:Q", title=axis_title)
        line = base.mark_line().encode(x=x, y=y, color=color, detail="segment:N")
        dots = base.mark_circle(size=50).encode(x=x, y=y, color=color, tooltip=tooltip)
        return alt.layer(line, dots).properties(height=height)

    return theme.fit_width(
        alt.vconcat(
            panel("value_usd_m", "US$ million", 220),
            panel("share_pct", "Share of the exporter's trade with the other, %", 150),
        )
        .add_params(lens)
        .properties(title=_title(title, source_note, data))
    )


def top_products_chart(top: pl.DataFrame, lens_titles: dict[str, str], *, title: str, source_note: str) -> alt.Chart:
    """The largest products of the lens and direction picked in dropdowns, as bars with code and name."""
    data = top.with_columns(
        (pl.col("value_usd") / 1e6).alias("value_usd_m"),
        pl.col("lens").replace_strict(lens_titles).alias("lens_title"),
        (pl.col("product_code") + " " + pl.col("product_label")).alias("label"),
    )
    lenses = [lens_titles[name] for name in lens_titles if name in set(data.get_column("lens"))]
    directions = sorted(data.get_column("direction").unique().to_list())
    lens = alt.param(
        name="top_lens",
        value=lenses[0],
        bind=alt.binding_select(options=lenses, labels=theme.option_labels(lenses), name="Lens: "),
    )
    direction = alt.param(
        name="top_direction", value=directions[0], bind=alt.binding_select(options=directions, name="Exports: ")
    )
    return theme.fit_width(
        alt.Chart(data)
        .transform_filter((alt.datum.lens_title == lens) & (alt.datum.direction == direction))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=140)),
            x=alt.X("value_usd_m:Q", title="US$ million"),
            color=_directions(data),
            tooltip=[
                alt.Tooltip("product_code:N", title="HS6 (HS 2017)"),
                alt.Tooltip("product_name:N", title="Name"),
                alt.Tooltip("product_name_basis:N", title="Name from"),
                alt.Tooltip("value_usd_m:Q", format=",.1f", title="US$ m"),
                alt.Tooltip("share_pct:Q", format=".1f", title="Share of the lens, %"),
                alt.Tooltip("rank:Q", title="Rank"),
            ],  # fmt: skip
        )
        .add_params(lens, direction)
        .properties(height=alt.Step(20), title=_title(title, source_note, data))
    )


def minerals_chart(table: pl.DataFrame, years: list[int], *, title: str, source_note: str) -> alt.VConcatChart:
    """Value by product and year (stacked bars) above Russia's share of the covered destinations, per product.

    A dropdown picks one product or all; a year with no trade reported is an empty slot, never a line.
    """
    data = table.with_columns(
        (pl.col("value_usd") / 1e6).alias("value_usd_m"),
        (pl.col("product_code") + " " + pl.col("short_name")).alias("label"),
    )
    labels = sorted(data.get_column("label").unique().to_list())
    named = data.select("product_code", "label").unique().sort("product_code")
    codes = named.get_column("product_code").to_list()
    product = alt.param(name="mineral", value="All", bind=alt.binding_select(
        options=["All", *codes], labels=theme.option_labels(["All", *named.get_column("label").to_list()]), name="Product: "))  # fmt: skip
    data = theme.segments(data.drop("segment", strict=False), by=("product_code",))
    base = alt.Chart(data).transform_filter((product == "All") | (alt.datum.product_code == product))
    color = alt.Color("label:N", title="HS6 product", scale=theme.color_scale(labels),
                      legend=alt.Legend(orient="top", columns=1))  # fmt: skip
    tooltip = [alt.Tooltip("year:O", title="Year"), alt.Tooltip("product_code:N", title="HS6"), alt.Tooltip("product:N", title="Product"),
               alt.Tooltip("value_usd_m:Q", format=",.2f", title="US$ m"), alt.Tooltip("months_reported:Q", title="Months with trade"),
               alt.Tooltip("share_pct:Q", format=".2f", title="Russia's share of covered destinations, %"),
               alt.Tooltip("partner_rank:Q", title="Russia's rank"), alt.Tooltip("partners_covered:Q", title="Destinations covered")]  # fmt: skip
    bars = base.mark_bar().encode(
        x=alt.X("year:O", scale=alt.Scale(domain=years), axis=theme.year_axis(labelAngle=0)),
        y=alt.Y("sum(value_usd_m):Q", title="US$ million"), color=color, tooltip=tooltip,
    ).properties(height=220)  # fmt: skip
    share_x = alt.X("year:O", scale=alt.Scale(domain=years), axis=theme.year_axis(labelAngle=0))
    share_y = alt.Y("share_pct:Q", title="Russia's share of covered destinations, %")
    share = alt.layer(
        base.mark_line().encode(x=share_x, y=share_y, color=color, detail="segment:N"),
        base.mark_circle(size=45).encode(x=share_x, y=share_y, color=color, tooltip=tooltip),
    ).properties(height=150)
    return theme.fit_width(
        alt.vconcat(bars, share).add_params(product).properties(title=_title(title, source_note, data))
    )
