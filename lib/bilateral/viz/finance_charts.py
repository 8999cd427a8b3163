"""Charts of Chinese policy-bank energy loans (BU GDP Center, China's Global Energy Finance).

- Loans to one country by year: one bar segment per loan (its borrower, lender and description in the
  tooltip), coloured by energy source; a year without a loan has no bar (the axis lists every year covered).
- Borrowers for scale: lending per borrower country over the window, the largest ones and the chosen country,
  which is highlighted; recomputed in the browser for the energy source picked.
Controls are Vega-Lite params bound to dropdowns, so they work offline in a static report. Colours per energy
source are fixed (the same source has the same colour in every report and whatever the filter).
"""

from __future__ import annotations

import altair as alt
import polars as pl

from bilateral.viz import theme

ALL = "All"
# Every energy source of the CGEF file, in a fixed order and colour; an unknown one falls back to grey.
SOURCE_COLORS = {
    "Oil": "#1f4e79", "Gas/LNG": "#2c6fbb", "Coal": "#555555", "Hydropower": "#17becf", "Nuclear": "#9467bd",
    "Solar": "#ff7f0e", "Wind": "#2ca02c", "Geothermal": "#8c564b", "Biomass": "#bcbd22", "Unspecified": "#c7c7c7",
}  # fmt: skip
HIGHLIGHT, OTHERS = "#c0392b", "#9fb6cd"
LOAN_COLUMNS = ("year", "country_name", "country_iso3", "borrower", "lender", "energy_source", "energy_subsector", "amount_usd",
                "description")  # fmt: skip


def _title(text: str, note: str, years: list[int]) -> alt.TitleParams:
    return theme.title(text, source=note, years=years)


def _source_scale(present: list[str]) -> alt.Scale:
    known = [s for s in SOURCE_COLORS if s in present] + sorted(s for s in present if s not in SOURCE_COLORS)
    return alt.Scale(domain=known, range=[SOURCE_COLORS.get(s, theme.color_for(s)) for s in known])


def loans_by_year_chart(
    loans: pl.DataFrame, years: list[int], lenders: list[str], initial_lender: str, *, title: str, source_note: str
) -> alt.Chart:
    """Stacked bars per year for the lender picked ('All' = every lender), one segment per loan, US$ bn."""
    data = loans.select(LOAN_COLUMNS).with_columns((pl.col("amount_usd") / 1e9).alias("amount_usd_bn"))
    pick = alt.param(
        name="loan_lender", value=initial_lender, bind=alt.binding_select(options=[ALL, *lenders], name="Lender: ")
    )
    present = data.get_column("energy_source").unique().to_list()
    return theme.fit_width(
        alt.Chart(data)
        .transform_filter((pick == ALL) | (alt.datum.lender == pick))
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("year:O", title=None, scale=alt.Scale(domain=years), axis=theme.year_axis(labelAngle=0)),
            y=alt.Y("sum(amount_usd_bn):Q", title="US$ bn lent", stack="zero"),
            color=alt.Color(
                "energy_source:N",
                title="Energy source",
                scale=_source_scale(present),
                legend=alt.Legend(orient="top", columns=2),
            ),
            detail="description:N",
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("borrower:N", title="Borrower"),
                alt.Tooltip("lender:N", title="Lender"),
                alt.Tooltip("energy_source:N", title="Energy source"),
                alt.Tooltip("energy_subsector:N", title="Subsector"),
                alt.Tooltip("amount_usd_bn:Q", format=",.2f", title="US$ bn"),
                alt.Tooltip("description:N", title="Project"),
            ],  # fmt: skip
        )
        .add_params(pick)
        .properties(height=260, title=_title(title + ", US$ billion", source_note, years))
    )


def borrowers_chart(
    loans: pl.DataFrame,
    country: str,
    sectors: list[str],
    initial_sector: str,
    *,
    top: int,
    title: str,
    source_note: str,
) -> alt.Chart:
    """Horizontal bars: lending per borrower over the window for the energy source picked, the `top` largest
    and `country` (highlighted, shown even when it is not among them), largest first."""
    data = loans.select(LOAN_COLUMNS).with_columns((pl.col("amount_usd") / 1e9).alias("amount_usd_bn"))
    pick = alt.param(
        name="borrower_sector",
        value=initial_sector,
        bind=alt.binding_select(options=[ALL, *sectors], name="Energy source: "),
    )
    years = data.get_column("year").to_list()
    return theme.fit_width(
        alt.Chart(data)
        .transform_filter((pick == ALL) | (alt.datum.energy_source == pick))
        .transform_aggregate(amount_usd_bn="sum(amount_usd_bn)", loans="count()", groupby=["country_name"])
        .transform_joinaggregate(total="sum(amount_usd_bn)")
        .transform_window(rank="rank()", sort=[alt.SortField("amount_usd_bn", order="descending")])
        .transform_calculate(
            share_pct="100 * datum.amount_usd_bn / datum.total", is_chosen=f"datum.country_name === {country!r}"
        )
        .transform_filter((alt.datum.rank <= top) | alt.datum.is_chosen)
        .mark_bar()
        .encode(
            y=alt.Y(
                "country_name:N",
                title=None,
                sort=alt.EncodingSortField("amount_usd_bn", order="descending"),
                axis=alt.Axis(labelLimit=120),
            ),
            x=alt.X("amount_usd_bn:Q", title="US$ bn lent in the window"),
            color=alt.condition(alt.datum.is_chosen, alt.value(HIGHLIGHT), alt.value(OTHERS)),
            tooltip=[
                alt.Tooltip("country_name:N", title="Borrower"),
                alt.Tooltip("amount_usd_bn:Q", format=",.2f", title="US$ bn"),
                alt.Tooltip("loans:Q", title="Loans"),
                alt.Tooltip("rank:Q", title="Rank"),
                alt.Tooltip("share_pct:Q", format=".1f", title="Share of all lending %"),
            ],  # fmt: skip
        )
        .add_params(pick)
        .properties(height=alt.Step(18), title=_title(title + ", US$ billion", source_note, years))
    )
