"""Build the energy_flows report: China's crude oil, pipeline gas, LNG and coal from one supplier, three sources.

Chinese customs (monthly by origin, via Wind), customs and operator figures as the press reported them (cited
pages), and the Energy Institute / bp Statistical Review measure the same flows; values are compared only in the
same unit (Mt for oil and coal, bcm for gas), nothing is converted across units.
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis import energy, energy_compare, labels
from bilateral.data import catalog
from bilateral.data.countries import country_name
from bilateral.reports.pages import KeyNumber, Page, method_text
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
    # one spread text per row: a single figure, or a range when a source gave several ("5.0–5.7%")
    compared = compared.with_columns(
        pl.struct(compared.columns).map_elements(energy_compare.spread_text, return_dtype=pl.String).alias("spread")
    )
    crude_ranking = energy.ranking_in_complete_years(annual_all, "crude_oil").filter(pl.col("year").is_between(*span))
    page = Page(
        title=params.title(), answer="", has_data=long.height > 0, sources=[catalog.citation(s) for s in SOURCES]
    )
    page.method = method_text("energy_flows")
    page.notes = NOTES
    if not page.has_data:
        page.answer = (
            f"**No energy flows from {name} to China in {params.start_year}–{params.end_year}.** None of the shipped sources "
            "records crude oil, pipeline gas, LNG or coal from this supplier in these years, so this report shows no chart. For "
            "other goods or importers, fetch official statistics (`bilateral data fetch comtrade ...`) and run `product_lens` "
            "with `-p lens=energy -p source=comtrade`."
        )
        return page
    last_ranked = crude_ranking.get_column("year").max() if not crude_ranking.is_empty() else params.start_year - 1
    page.answer = " ".join(filter(None, [
        energy_compare.supplier_rank_sentence(crude_ranking, params.exporter, name, params.end_year)
        + energy_compare.stated_rank_sentence(
            catalog.load("energy_headlines").filter(pl.col("year").str.slice(0, 4).cast(pl.Int32, strict=False) <= params.end_year),
            params.exporter, name, int(last_ranked),
        ),
        energy_compare.comparison_findings(compared, name),
    ]))  # fmt: skip
    page.add_chart(f"Energy from {name} to China, by source", lambda: charts.energy_chart(
        long, source_note=NOTE, title=f"China's energy imports from {name}, Mt (oil, coal) or bcm (gas), by source"
    ))  # fmt: skip
    page.tables["Where the sources meet"] = tables.Table(
        compared,
        {"commodity": "Commodity", "year": "Year", "unit": "Unit", "origins": "Independent sources",
         "publications": "Figures", "low": "Lowest", "high": "Highest", "spread": "Spread",
         "figures": "Every figure, by source (as stated)"},
        {"commodity": energy_compare.COMMODITY_LABELS.get, "low": tables.trimmed, "high": tables.trimmed},
        intro="Years in which two or more *independent* sources give a figure for the same commodity in the same nominal "
        "unit (Mt, bcm), with the range of their values (as printed; the qualifiers are in the last column). Chinese "
        "customs data seen twice (monthly via Wind, and the press release) count as one source. The Review standardises "
        "gas volumes to a gross calorific value of 40 MJ/m³, while Gazprom reports cubic metres on its own standard: "
        "nominally both bcm, the two are not the same unit. Every figure is listed, a source's several figures "
        "included; the spread is a range when it depends on which of them is taken.",
        empty="No year in the selection is covered by two or more sources in the same unit.",
    )  # fmt: skip
    own = (
        crude_ranking.filter(pl.col("origin_iso3") == params.exporter)
        .with_columns((pl.col("value") / 1e6).alias("volume_mt"))
        # the same customs series in the origin's own (later) download, where it was revised: both shown
        .join(
            energy_compare.customs_file_revisions(annual_all, params.exporter).select("year", "own_file_mt"),
            on="year", how="left", validate="1:1",
        )
    )  # fmt: skip
    page.tables["Among China's crude oil suppliers"] = tables.Table(
        own,
        {"year": "Year", "rank": "Rank", "volume_mt": "Volume, Mt (all-origins file)",
         **({"own_file_mt": f"Volume, Mt ({name}'s own file, where revised)"} if own["own_file_mt"].is_not_null().any() else {}),
         "months_reported": "Months with imports",
         "share_pct": "Share %", "origins_listed": "Origins listed", "share_basis": "Share of"},
        {"volume_mt": tables.number, "own_file_mt": tables.number, "share_pct": tables.pct_plain,
         "share_basis": labels.label},
        intro="Rank and share of China's crude imports by volume, Chinese customs, in years where China's own total has 12 "
        "published months (the all-origins file ends in November 2022). *Months with imports* shows suppliers with months "
        "not published; *Share of* says whether the denominator is China's own total or the sum of the origins listed. Where "
        "the origin's own customs file (a later download of the same series) was revised, its figure is shown beside.",
        empty=f"Chinese customs list no complete year of crude oil imports from {name} in the selection.",
    )  # fmt: skip
    page.key_numbers = _key_numbers(own)
    return page


def _key_numbers(own: pl.DataFrame) -> list[KeyNumber]:
    """The supplier's crude oil to China in the last complete year Chinese customs cover: volume, rank, share."""
    if own.is_empty():
        return []
    last = own.sort("year").row(-1, named=True)
    year = str(last["year"])
    numbers = [KeyNumber("Crude oil to China", last["volume_mt"], "Mt", year, "declared", by="by China")]
    if last["rank"] is not None:
        numbers.append(
            KeyNumber(
                "Rank among China's crude suppliers",
                last["rank"],
                "by volume",
                year,
                "declared",
                digits=0,
                by="by China",
            )
        )
    if last["share_pct"] is not None:
        numbers.append(
            KeyNumber("Share of China's crude imports", last["share_pct"], "%", year, "declared", by="by China")
        )
    return numbers


NOTES = [
    "Chinese customs publish no pipeline-gas imports by origin from 2022, and an empty or zero month means *not published*, "
    "not zero trade; only years with 12 published months are used.",
    "The Statistical Review's bilateral matrices cover one year per edition (2020 in the bp 2021 edition, 2022 in the EI 2023 "
    "edition); its pipeline-gas series by partner exists for Russia only.",
    "Press figures are first releases; Gazprom's delivery figures exceed the Review's standardised volumes.",
]
