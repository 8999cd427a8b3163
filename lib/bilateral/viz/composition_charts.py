"""Charts of what two countries trade: totals by direction, the mix by HS section, sector lenses over time.

The direction is picked in a dropdown (a Vega-Lite param, works offline); colours are fixed per section and
per lens so they do not change with the filter or between reports; the year axis labels every year once.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from bilateral.viz.charts import WIDTH

YEAR_AXIS = alt.Axis(format="d", tickMinStep=1, labelOverlap="greedy", title=None)
DIRECTION_COLORS = ["#c0392b", "#1f4e79"]
LENS_COLORS = ["#8c564b", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#d62728", "#17becf", "#bcbd22"]


def _title(text: str, note: str) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=note, anchor="start")


def direction_totals_chart(totals: pl.DataFrame, *, title: str, source_note: str) -> alt.Chart:
    """Grouped bars: US$ bn per year, one bar per direction."""
    data = totals.with_columns((pl.col("value_usd") / 1e9).alias("value_usd_bn"))
    directions = sorted(data.get_column("direction").unique().to_list())
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("year:O", axis=alt.Axis(labelAngle=0, title=None)),
            xOffset="direction:N",
            y=alt.Y("value_usd_bn:Q", title="US$ bn"),
            color=alt.Color(
                "direction:N",
                title=None,
                scale=alt.Scale(domain=directions, range=DIRECTION_COLORS),
                legend=alt.Legend(orient="top"),
            ),  # fmt: skip
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("direction:N", title="Direction"),
                alt.Tooltip("value_usd_bn:Q", format=",.2f", title="US$ bn"),
                alt.Tooltip("products:Q", title="HS6 products"),
            ],  # fmt: skip
        )
        .properties(width=WIDTH, height=240, title=_title(title, source_note))
    )


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
    labels = [*dict.fromkeys(numbered.sort("section_number", nulls_last=True).get_column("label").to_list())]
    data = numbered
    return (
        alt.Chart(data)
        .transform_filter(alt.datum.direction == pick)
        .mark_bar()
        .encode(
            x=alt.X("year:O", axis=alt.Axis(labelAngle=0, title=None)),
            y=alt.Y("share_pct:Q", title="Share of the direction's trade, %", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "label:N",
                title="HS section",
                scale=alt.Scale(domain=labels, scheme="tableau20"),
                legend=alt.Legend(labelLimit=260, columns=1, symbolLimit=30),
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
        .properties(width=WIDTH - 160, height=300, title=_title(title, source_note))
    )


def lens_share_chart(shares: pl.DataFrame, lens_titles: dict[str, str], *, title: str, source_note: str) -> alt.Chart:
    """One line per sector lens (share of the direction's trade, %), for the direction picked in a dropdown."""
    data = shares.with_columns(pl.col("lens").replace_strict(lens_titles, default=pl.col("lens")).alias("lens_title"))
    directions = sorted(data.get_column("direction").unique().to_list())
    pick = alt.param(
        name="lens_direction", value=directions[0], bind=alt.binding_select(options=directions, name="Direction: ")
    )
    names = list(lens_titles.values())
    return (
        alt.Chart(data)
        .transform_filter(alt.datum.direction == pick)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", axis=YEAR_AXIS),
            y=alt.Y("share_pct:Q", title="Share of the direction's trade, %"),
            color=alt.Color(
                "lens_title:N",
                title="Lens (may overlap)",
                scale=alt.Scale(domain=names, range=LENS_COLORS[: len(names)]),
                legend=alt.Legend(labelLimit=240),
            ),  # fmt: skip
            tooltip=[
                alt.Tooltip("year:Q", format="d", title="Year"),
                alt.Tooltip("lens_title:N", title="Lens"),
                alt.Tooltip("share_pct:Q", format=".1f", title="Share %"),
                alt.Tooltip("value_usd:Q", format=",.0f", title="US$"),
            ],  # fmt: skip
        )
        .add_params(pick)
        .properties(width=WIDTH - 160, height=260, title=_title(title, source_note))
    )


def _roman(numeral: str | None) -> int | None:
    """'XVI' -> 16, so sections sort in their own order rather than alphabetically."""
    if not numeral:
        return None
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    total = 0
    for here, after in zip(numeral, [*numeral[1:], ""], strict=True):
        total += -values[here] if after and values[after] > values[here] else values[here]
    return total
