"""Charts of what two countries trade: totals by direction, the mix by HS section, sector lenses over time.

The direction is picked in a dropdown (a Vega-Lite param, works offline); colours are fixed per section and
per lens so they do not change with the filter or between reports; the year axis labels every year once.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from bilateral.viz import theme

YEAR_AXIS = theme.year_axis()


def _title(text: str, note: str, data: pl.DataFrame) -> alt.TitleParams:
    return theme.title(text, source=note, years=data.get_column("year").to_list() if "year" in data.columns else ())


def direction_totals_chart(totals: pl.DataFrame, *, title: str, source_note: str) -> alt.Chart:
    """Grouped bars: US$ bn per year, one bar per direction."""
    data = totals.with_columns((pl.col("value_usd") / 1e9).alias("value_usd_bn"))
    directions = sorted(data.get_column("direction").unique().to_list())
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("year:O", axis=theme.year_axis(labelAngle=0)),
            xOffset="direction:N",
            y=alt.Y("value_usd_bn:Q", title="US$ bn"),
            color=alt.Color(
                "direction:N",
                title=None,
                scale=theme.color_scale(directions),
                legend=alt.Legend(orient="top"),
            ),  # fmt: skip
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("direction:N", title="Direction"),
                alt.Tooltip("value_usd_bn:Q", format=",.2f", title="US$ bn"),
                alt.Tooltip("products:Q", title="HS6 products"),
            ],  # fmt: skip
        )
        .properties(height=240, title=_title(title, source_note, data))
    )
    return theme.fit_width(chart)


def section_share_chart(shares: pl.DataFrame, sections: list[str], *, title: str, source_note: str) -> alt.Chart:
    """Stacked bars of section shares per year for the direction picked in a dropdown."""
    data = shares.with_columns(
        pl.concat_str(
            pl.col("section").fill_null("–"), pl.lit(" "), pl.col("section_name").fill_null("not in HS 2022")
        ).alias("label")
    )
    directions = sorted(data.get_column("direction").unique().to_list())
    pick = alt.param(
        name="direction", value=directions[0], bind=alt.binding_select(options=directions, name="Direction: ")
    )
    numbered = data.with_columns(pl.col("section").map_elements(_roman, return_dtype=pl.Int32).alias("section_number"))
    ordered = numbered.select("label", "section_number").unique().sort("section_number", "label", nulls_last=True)
    labels = ordered.get_column("label").to_list()
    data = numbered
    chart = (
        alt.Chart(data)
        .transform_filter(alt.datum.direction == pick)
        .mark_bar()
        .encode(
            x=alt.X("year:O", axis=theme.year_axis(labelAngle=0)),
            y=alt.Y("share_pct:Q", title="Share of the direction's trade, %", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "label:N",
                title="HS section",
                scale=theme.ordered_scale(labels, ordered.get_column("section_number").to_list()),
                legend=alt.Legend(columns=1, symbolLimit=30),
            ),  # fmt: skip
            order=alt.Order("section_number:Q"),
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("label:N", title="Section"),
                alt.Tooltip("share_pct:Q", format=".1f", title="Share %"),
                alt.Tooltip("value_usd:Q", format=",.0f", title="US$"),
            ],  # fmt: skip
        )
        .add_params(pick)
        .properties(height=300, title=_title(title, source_note, data))
    )
    return theme.fit_width(chart)


def lens_share_chart(shares: pl.DataFrame, lens_titles: dict[str, str], *, title: str, source_note: str) -> alt.Chart:
    """One line per sector lens (share of the direction's trade, %), for the direction picked in a dropdown."""
    data = shares.with_columns(pl.col("lens").replace_strict(lens_titles, default=pl.col("lens")).alias("lens_title"))
    directions = sorted(data.get_column("direction").unique().to_list())
    pick = alt.param(
        name="lens_direction", value=directions[0], bind=alt.binding_select(options=directions, name="Direction: ")
    )
    names = list(lens_titles.values())
    data = theme.segments(data, by=("direction", "lens"))
    chart = (
        alt.Chart(data)
        .transform_filter(alt.datum.direction == pick)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", axis=YEAR_AXIS),
            y=alt.Y("share_pct:Q", title="Share of the direction's trade, %"),
            color=alt.Color(
                "lens_title:N",
                title="Lens (may overlap)",
                scale=theme.color_scale(names),
                legend=alt.Legend(columns=1),
            ),  # fmt: skip
            tooltip=[
                alt.Tooltip("year:Q", format="d", title="Year"),
                alt.Tooltip("lens_title:N", title="Lens"),
                alt.Tooltip("share_pct:Q", format=".1f", title="Share %"),
                alt.Tooltip("value_usd:Q", format=",.0f", title="US$"),
            ],  # fmt: skip
        )
        .add_params(pick)
        .encode(detail="segment:N")
        .properties(height=260, title=_title(title, source_note, data))
    )
    return theme.fit_width(chart)


def _roman(numeral: str | None) -> int | None:
    """'XVI' -> 16, so sections sort in their own order rather than alphabetically."""
    if not numeral:
        return None
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    total = 0
    for here, after in zip(numeral, [*numeral[1:], ""], strict=True):
        total += -values[here] if after and values[after] > values[here] else values[here]
    return total
