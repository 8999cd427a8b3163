"""Comparing one energy flow across kinds of sources: tiny frames, values worked out by hand."""

from __future__ import annotations

import polars as pl
import pytest

from bilateral.analysis import energy_compare as ec


def headlines(*rows: tuple) -> pl.DataFrame:
    """rows: (year, metric, value, unit, basis)."""
    return pl.DataFrame(
        [
            {"year": y, "metric": m, "value": v, "unit": u, "basis": b, "publisher_named": "p", "source_url": "https://x.org", "quote": "q"}
            for y, m, v, u, b in rows
        ]
    )


def test_only_comparable_units_are_taken_from_press_statements():
    frame = headlines(
        ("2022", "china_crude_imports_from_russia", 86.25, "million tonnes", "CN_GAC"),
        ("2021", "china_crude_imports_from_russia", 1.59, "million barrels per day", "CN_GAC"),
        ("2024H1", "power_of_siberia_gas_to_china", 20.0, "bcm", "RU_operator"),
        ("2022", "power_of_siberia_gas_to_china", 15.5, "bcm", "RU_operator"),
    )
    long = ec.from_headlines(frame, "RUS")
    assert long.select("year", "commodity", "value", "unit").rows() == [(2022, "crude_oil", 86.25, "Mt"), (2022, "pipeline_gas", 15.5, "bcm")]
    assert long["source_label"].to_list() == ["Chinese customs, as reported in the press", "Gazprom and officials, as reported"]


def test_press_statements_exist_for_russia_only():
    frame = headlines(("2022", "china_crude_imports_from_russia", 86.25, "million tonnes", "CN_GAC"))
    assert ec.from_headlines(frame, "SAU").is_empty()


def test_matrices_keep_crude_and_gas_but_not_coal_in_exajoules():
    matrix = pl.DataFrame(
        {
            "year": [2022, 2022, 2022],
            "commodity": ["crude_oil", "coal", "natural_gas_pipeline"],
            "exporter_iso3": ["RUS", "RUS", "RUS"],
            "importer_iso3": ["CHN", "CHN", "CHN"],
            "exporter_name": ["Russia"] * 3,
            "importer_name": ["China"] * 3,
            "value": [86.24, 1.79, 14.67],
            "unit": ["million tonnes", "exajoules", "bcm"],
            "edition": ["EI 2023"] * 3,
            "sheet": ["s"] * 3,
            "source": ["energy_institute_statreview"] * 3,
        }
    )
    long = ec.from_ei_matrices(matrix, "RUS")
    assert sorted(long["commodity"].to_list()) == ["crude_oil", "pipeline_gas"]


def test_comparison_counts_sources_not_statements_and_measures_the_spread():
    long = pl.DataFrame(
        {
            "year": [2022, 2022, 2022, 2022, 2021],
            "commodity": ["pipeline_gas"] * 5,
            "value": [15.5, 15.1, 14.67, 15.4, 7.58],
            "unit": ["bcm"] * 5,
            "source_label": ["Gazprom", "Gazprom", "EI", "Gazprom", "EI"],
            "detail": [""] * 5,
            "source_url": [""] * 5,
            "quote": [""] * 5,
        },
        schema=ec.LONG_SCHEMA,
    )
    compared = ec.comparison(long)
    assert compared.height == 1, "2021 has one source only"
    row = compared.row(0, named=True)
    assert (row["sources"], row["low"], row["high"]) == (2, 14.67, 15.5)
    assert row["spread_pct"] == pytest.approx((15.5 - 14.67) / 14.67 * 100)
    assert ec.comparison_findings(compared, "Russia") == (
        "Pipeline gas from Russia to China in 2022: 2 sources give 14.67 to 15.50 bcm (spread 5.7%)."
    )


def test_rank_sentence_names_the_latest_rank_and_the_best_one():
    ranking = pl.DataFrame({
        "year": [2016, 2021, 2021], "origin_iso3": ["RUS", "RUS", "SAU"], "rank": [1, 2, 1],
        "share_pct": [13.77, 15.52, 17.06],
    })
    assert ec.supplier_rank_sentence(ranking, "RUS", "Russia") == (
        "By Chinese customs, Russia was China's 2nd largest crude oil supplier in 2021 (15.5% of volume); "
        "it was the largest in 2016."
    )
    assert ec.supplier_rank_sentence(ranking, "SAU", "Saudi Arabia").startswith("By Chinese customs, Saudi Arabia was China's largest")
    assert ec.supplier_rank_sentence(ranking, "KAZ", "Kazakhstan") == ""
