"""Comparing one energy flow across kinds of sources: tiny frames, values worked out by hand."""

from __future__ import annotations

import polars as pl
import pytest

from bilateral.analysis import energy_compare as ec


def headlines(*rows: tuple) -> pl.DataFrame:
    """rows: (year, metric, value, unit, basis)."""
    return pl.DataFrame(
        [
            {
                "year": y,
                "metric": m,
                "value": v,
                "unit": u,
                "basis": b,
                "publisher_named": "p",
                "source_url": "https://x.org",
                "quote": "q",
            }
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
    assert long.select("year", "commodity", "value", "unit").rows() == [
        (2022, "crude_oil", 86.25, "Mt"),
        (2022, "pipeline_gas", 15.5, "bcm"),
    ]
    assert long["source_label"].to_list() == [
        "Chinese customs, as reported in the press",
        "Gazprom and officials, as reported",
    ]


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


def test_comparison_counts_independent_origins_not_publications():
    long = pl.DataFrame(
        {
            "year": [2022, 2022, 2022, 2022, 2021, 2022],
            "commodity": ["pipeline_gas"] * 5 + ["crude_oil"],
            "value": [15.5, 15.1, 14.67, 15.4, 7.58, 86.25],
            "unit": ["bcm"] * 5 + ["Mt"],
            "origin": [
                "Gazprom and officials",
                "Gazprom and officials",
                "Statistical Review",
                "Gazprom and officials",
                "Statistical Review",
                "Chinese customs",
            ],
            "source_label": ["g", "g", "ei", "g", "ei", "press"],
            "detail": [""] * 6,
            "source_url": [""] * 6,
            "quote": [""] * 6,
            "value_text": ["15.5", "15.1", "14.67", "15.4", "7.58", "86.25"],
        },
        schema=ec.LONG_SCHEMA,
    ).vstack(
        pl.DataFrame(
            {
                "year": [2022],
                "commodity": ["crude_oil"],
                "value": [86.248],
                "unit": ["Mt"],
                "origin": ["Chinese customs"],
                "source_label": ["wind"],
                "detail": [""],
                "source_url": [""],
                "quote": [""],
                "value_text": ["86.25"],
            },
            schema=ec.LONG_SCHEMA,
        )
    )
    compared = ec.comparison(long)
    assert compared.height == 1, "2021 has one origin; crude has two publications of one origin (Chinese customs)"
    row = compared.row(0, named=True)
    assert (row["origins"], row["publications"], row["low"], row["high"]) == (2, 4, 14.67, 15.5)
    assert row["spread_pct"] == pytest.approx((15.5 - 14.67) / 14.67 * 100)
    # one figure per origin: 15.1 against 14.67 is the smallest choice, (15.1 - 14.67) / 14.67 = 2.93%
    assert row["spread_low_pct"] == pytest.approx((15.1 - 14.67) / 14.67 * 100)
    assert row["figures"] == "Gazprom and officials: 15.1, 15.4, 15.5; Statistical Review: 14.67"
    assert ec.comparison_findings(compared, "Russia") == (
        "Pipeline gas from Russia to China in 2022, bcm: 2 independent sources give Gazprom and officials: 15.1, 15.4, "
        "15.5; Statistical Review: 14.67 (as stated; spread 2.9–5.7% depending on which figure of a source is taken)."
    )


def test_spreads_are_listed_per_year_with_the_number_of_years_and_no_cause_is_claimed():
    """Issue 8: "the same 5.7% in every compared year -> a different volume standard" rested on two years and on the
    higher of two 2022 operator figures (15.4 gives (15.4 - 14.67) / 14.67 = 5.0%, 15.5 gives 5.7%)."""
    compared = pl.DataFrame(
        {
            "commodity": ["pipeline_gas", "pipeline_gas"],
            "year": [2020, 2022],
            "unit": ["bcm", "bcm"],
            "origins": [2, 2],
            "publications": [2, 3],
            "low": [3.88, 14.67],
            "high": [4.1, 15.5],
            "origin_names": ["a; b", "a; b"],
            "figures": ["a: 4.1; b: 3.88", "a: 15.4, 15.5; b: 14.67"],
            "spread_pct": [(4.1 - 3.88) / 3.88 * 100, (15.5 - 14.67) / 14.67 * 100],
            "spread_low_pct": [(4.1 - 3.88) / 3.88 * 100, (15.4 - 14.67) / 14.67 * 100],
        }
    )
    text = ec.comparison_findings(compared, "Russia")
    assert text.endswith("Spread by year (2 years compared): 2020 5.7%, 2022 5.0–5.7%.")
    assert "standard" not in text and "same" not in text


def test_the_two_customs_downloads_of_2017_crude_are_both_shown():
    """Issue 8: 2017 crude was 59.54 Mt in the chart and 59.70 Mt in the table. Both are Wind series S5429087, in two
    downloads; expected values summed by hand from the raw CSVs (kg): 59,699,133,926 and 59,538,211,141."""
    from bilateral.analysis import energy
    from bilateral.data import catalog

    annual = energy.annual_energy_imports(catalog.load("china_energy_imports"), complete_years_only=False)
    revisions = ec.customs_file_revisions(annual, "RUS")
    row = revisions.filter(pl.col("year") == 2017).row(0, named=True)
    assert row["by_origin_mt"] == pytest.approx(59.699133926)
    assert row["own_file_mt"] == pytest.approx(59.538211141)
    assert ec.customs_file_revisions(annual, "SAU").is_empty(), "Saudi Arabia has one file only"


def test_lng_statements_keep_their_qualifier():
    frame = headlines(("2020", "russia_lng_to_china", 2.0, "bcm ('nearly')", "RU_official"))
    long = ec.from_headlines(frame, "RUS")
    assert long.select("year", "commodity", "value", "unit", "value_text").rows() == [
        (2020, "lng", 2.0, "bcm", "nearly 2")
    ]


def test_rank_sentence_names_the_latest_rank_and_the_best_one():
    ranking = pl.DataFrame(
        {
            "year": [2016, 2021, 2021],
            "origin_iso3": ["RUS", "RUS", "SAU"],
            "rank": [1, 2, 1],
            "share_pct": [13.77, 15.52, 17.06],
        }
    )
    assert ec.supplier_rank_sentence(ranking, "RUS", "Russia", 2021) == (
        "By Chinese customs, Russia was China's 2nd largest crude oil supplier in 2021 (15.5% of volume); "
        "it was the largest in 2016."
    )
    assert ec.supplier_rank_sentence(ranking, "SAU", "Saudi Arabia", 2024).endswith(
        "2021 is the last year with a full year of China's total imports in the customs file."
    )
    assert ec.supplier_rank_sentence(ranking, "KAZ", "Kazakhstan", 2024) == ""


def test_a_supplier_with_unpublished_months_is_still_ranked():
    """Real data: the USA shipped crude in 9 of 12 months of 2020 and belongs 9th, ahead of Norway."""
    from bilateral.analysis import energy
    from bilateral.data import catalog

    annual_all = energy.annual_energy_imports(catalog.load("china_energy_imports"), complete_years_only=False)
    ranking = energy.ranking_in_complete_years(annual_all, "crude_oil").filter(pl.col("year") == 2020)
    ranks = dict(zip(ranking["origin_iso3"], ranking["rank"], strict=False))
    assert (ranks["SAU"], ranks["RUS"], ranks["USA"], ranks["NOR"]) == (1, 2, 9, 10)
    assert ranking.filter(pl.col("origin_iso3") == "USA")["months_reported"].item() == 9


def test_ranks_after_the_customs_ranking_are_given_from_statements_marked_as_such():
    """Issue 8: the energy answer stopped at 2021. The shipped statements (russia_china_energy_headlines.csv) rank
    Russia 2nd in 2022 (two pages), 1st in 2023 and 1st in 2024."""
    from bilateral.data import catalog

    text = ec.stated_rank_sentence(catalog.load("energy_headlines"), "RUS", "Russia", 2021)
    assert text.startswith(" After 2021 only cited statements give Russia's rank among China's crude oil suppliers: ")
    assert "2nd largest in 2022 (" in text and "largest in 2023 (GAC via TASS)" in text
    assert "largest in 2024 (GAC via Reuters (UNN))" in text and text.endswith("statements, not data.")
    assert ec.stated_rank_sentence(catalog.load("energy_headlines"), "RUS", "Russia", 2024) == ""
    assert ec.stated_rank_sentence(catalog.load("energy_headlines"), "SAU", "Saudi Arabia", 2021) == ""
