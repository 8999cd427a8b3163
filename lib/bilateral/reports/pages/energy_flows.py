"""Build the energy_flows report: China's crude oil, pipeline gas, LNG and coal from one supplier, three sources.

Chinese customs (monthly by origin, via Wind), customs and operator figures as the press reported them (cited
pages), and the Energy Institute / bp Statistical Review measure the same flows; values are compared only in the
same unit (Mt for oil and coal, bcm for gas), nothing is converted across units.
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis import energy, energy_compare
from bilateral.data import catalog
from bilateral.data.countries import country_name
from bilateral.reports.pages import Page
from bilateral.reports.params import EnergyFlowsParams
from bilateral.viz import charts, tables

SOURCES = (
    "china_customs_energy_imports_by_origin",
    "official_headlines",
    "energy_institute_statreview",
    "energy_institute_statreview_2021",
)
NOTE = "Sources: Chinese customs via Wind (CREA), cited press statements, Energy Institute / bp Statistical Review; see tooltips."


def build(params: EnergyFlowsParams) -> Page:
    name = country_name(params.exporter)
    span = (params.start_year, params.end_year)
    annual_all = energy.annual_energy_imports(catalog.load("china_energy_imports"), complete_years_only=False)
    annual = annual_all.filter(pl.col("is_complete_year"))
    long = pl.concat([
        energy_compare.from_customs(annual, params.exporter),
        energy_compare.from_headlines(catalog.load("energy_headlines"), params.exporter),
        energy_compare.from_ei_matrices(catalog.load("energy_trade_2022"), params.exporter),
        energy_compare.from_ei_matrices(catalog.load("energy_trade_2020"), params.exporter),
        energy_compare.from_ei_pipeline_series(catalog.load("gas_interregional_trade"), params.exporter),
    ]).filter(pl.col("year").is_between(*span))  # fmt: skip
    compared = energy_compare.comparison(long)
    crude_ranking = energy.ranking_in_complete_years(annual_all, "crude_oil").filter(pl.col("year").is_between(*span))
    page = Page(
        title=params.title(), answer="", has_data=long.height > 0, sources=[catalog.citation(s) for s in SOURCES]
    )
    page.notes = NOTES
    if not page.has_data:
        page.answer = (
            f"**No energy flows from {name} to China in {params.start_year}–{params.end_year}.** None of the shipped sources "
            "records crude oil, pipeline gas, LNG or coal from this supplier in these years, so this report shows no chart. For "
            "other goods or importers, fetch official statistics (`bilateral data fetch comtrade ...`) and run `product_lens` "
            "with `-p lens=energy -p source=comtrade`."
        )
        return page
    page.answer = " ".join(filter(None, [
        energy_compare.supplier_rank_sentence(crude_ranking, params.exporter, name, params.end_year),
        energy_compare.comparison_findings(compared, name),
    ]))  # fmt: skip
    page.charts[f"Energy from {name} to China, by source"] = charts.energy_chart(
        long, source_note=NOTE, title=f"China's energy imports from {name}, Mt (oil, coal) or bcm (gas), by source"
    )
    page.tables["Where the sources meet"] = (
        "Years in which two or more *independent* sources measure the same commodity in the same unit, with the range of "
        "their values. Chinese customs data seen twice (monthly via Wind, and the press release) count as one source. The "
        "Review standardises gas volumes to a gross calorific value of 40 MJ/m³, while Gazprom reports cubic metres on its "
        "own standard, so a constant ratio between the two is a difference of units, not of flows.\n\n"
        + (
            "No year in the selection is covered by two or more sources in the same unit." if compared.is_empty()
            else tables.markdown_table(
                compared,
                {"commodity": "Commodity", "year": "Year", "unit": "Unit", "origins": "Independent sources",
                 "publications": "Figures", "low": "Lowest", "high": "Highest", "spread_pct": "Spread %",
                 "origin_names": "Which sources"},
                {"commodity": energy_compare.COMMODITY_LABELS.get, "low": tables.number, "high": tables.number,
                 "spread_pct": tables.pct_plain},
            )
        )
    )  # fmt: skip
    own = crude_ranking.filter(pl.col("origin_iso3") == params.exporter).with_columns(
        (pl.col("value") / 1e6).alias("volume_mt")
    )
    page.tables["Among China's crude oil suppliers"] = (
        "Rank and share of China's crude imports by volume, Chinese customs, in years where China's own total has 12 "
        "published months (the all-origins file ends in November 2022). *Months with imports* shows suppliers with months "
        "not published; *Share basis* says whether the denominator is China's own total or the sum of the origins listed.\n\n"
        + (
            f"Chinese customs list no complete year of crude oil imports from {name} in the selection." if own.is_empty()
            else tables.markdown_table(
                own,
                {"year": "Year", "rank": "Rank", "volume_mt": "Volume, Mt", "months_reported": "Months with imports",
                 "share_pct": "Share %", "origins_listed": "Origins listed", "share_basis": "Share basis"},
                {"volume_mt": tables.number, "share_pct": tables.pct_plain},
            )
        )
    )  # fmt: skip
    return page


NOTES = [
    "Chinese customs publish no pipeline-gas imports by origin from 2022, and an empty or zero month means *not published*, "
    "not zero trade; only years with 12 published months are used.",
    "The Statistical Review's bilateral matrices cover one year per edition (2020 in the bp 2021 edition, 2022 in the EI 2023 "
    "edition); its pipeline-gas series by partner exists for Russia only.",
    "Press figures are first releases; Gazprom's delivery figures exceed the Review's standardised volumes.",
]
