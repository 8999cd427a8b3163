"""Headline series rule (docs/decisions/0002): tiny frames, values worked out by hand."""

from __future__ import annotations

import polars as pl
import pytest
from flows import total_row

from bilateral.analysis import trade


def statements(*rows: tuple) -> pl.DataFrame:
    """rows: (year, metric, value_bn, basis_code, decimals, yoy_pct)."""
    return pl.DataFrame(
        [
            {
                "year": year,
                "reporter_iso3": "CHN",
                "partner_iso3": "RUS",
                "metric": metric,
                "value_usd": None if value is None else value * 1e9,
                "yoy_pct": yoy,
                "basis_code": basis,
                "basis": basis,
                "reported_by": "RUS" if basis.startswith("RU") else "CHN",
                "publisher_named": f"publisher {i}",
                "source_url": f"https://example.org/{i}",
                "quote": f"quote {i}",
                "value_decimals": decimals,
            }
            for i, (year, metric, value, basis, decimals, yoy) in enumerate(rows)
        ],
        schema_overrides={"year": pl.Int32, "value_decimals": pl.Int8, "yoy_pct": pl.Float64, "value_usd": pl.Float64},
    )


def test_seen_from_the_partner_exports_and_imports_swap():
    frame = statements((2024, "exports", 115.49, "CN_GAC", 2, None), (2024, "imports", 129.32, "CN_GAC", 2, None))
    flipped = trade.pair_statements(frame, "RUS", "CHN")
    assert dict(zip(flipped["metric"], flipped["value_usd"] / 1e9, strict=True)) == pytest.approx(
        {"exports": 129.32, "imports": 115.49}
    )
    assert set(flipped["reporter_iso3"]) == {"RUS"}


def test_the_basis_covering_most_years_is_preferred():
    frame = statements(
        (2018, "turnover", 108.3, "RU_FCS", 1, None),
        (2018, "turnover", 107.06, "CN_GAC", 2, None),
        (2019, "turnover", 110.75, "CN_GAC", 2, None),
    )
    assert trade.basis_preference(frame) == ["CN_GAC", "RU_FCS"]
    series = trade.headline_series(frame)
    assert series.filter(pl.col("year") == 2018)["value_usd"].item() == pytest.approx(107.06e9)


def test_customs_win_over_officials_when_coverage_ties():
    frame = statements((2020, "turnover", 104, "RU_official", 0, None), (2020, "turnover", 107.76, "CN_GAC", 2, None))
    assert trade.basis_preference(frame)[0] == "CN_GAC"


def test_within_a_basis_the_most_precise_figure_is_chosen():
    frame = statements((2017, "turnover", 84, "CN_GAC", 0, None), (2017, "turnover", 84.07, "CN_GAC", 2, None))
    assert trade.headline_series(frame)["value_usd"].item() == pytest.approx(84.07e9)


def test_rounded_figures_agree_and_different_figures_are_disputed():
    agree = statements((2017, "turnover", 84, "CN_GAC", 0, None), (2017, "turnover", 84.07, "CN_GAC", 2, None))
    assert trade.disputed_cells(agree).is_empty()
    typo = statements((2017, "turnover", 84.07, "CN_GAC", 2, None), (2017, "turnover", 80.07, "CN_GAC", 2, None))
    disputes = trade.disputed_cells(typo)
    assert disputes.height == 2
    assert disputes["spread_usd"][0] == pytest.approx(4e9)
    assert trade.headline_series(typo)["is_disputed"].item() is True


def test_thresholds_and_projections_are_not_outturns():
    frame = statements(
        (2022, "turnover_exceeds", 190, "CN_official", 0, None), (2022, "turnover_projection", 160, "RU_FCS", 0, None)
    )
    assert trade.headline_series(frame).is_empty()


def test_growth_is_computed_only_within_one_customs_basis():
    frame = statements(
        (2014, "turnover", 95.4, "CN_official", 1, None),
        (2015, "turnover", 64.2, "CN_GAC", 1, -27.8),
        (2016, "turnover", 69.525, "CN_GAC", 3, 2.2),
    )
    growth = trade.growth_series(trade.headline_series(frame)).sort("year")
    assert growth["growth_pct"].to_list()[:2] == [None, None]  # 2014 has no predecessor; 2015 changes basis
    assert growth["growth_pct"][2] == pytest.approx((69.525 / 64.2 - 1) * 100)
    assert growth["growth_stated_pct"].to_list() == [None, -27.8, 2.2]


def test_balance_is_exports_minus_imports_of_the_same_basis_only():
    frame = statements(
        (2022, "exports", 76.12, "CN_GAC", 2, None),
        (2022, "imports", 114.15, "CN_GAC", 2, None),
        (2007, "exports", 28.48, "RU_official", 2, None),
        (2007, "imports", 19.67, "CN_official", 2, None),
    )
    table = trade.overview_table(trade.headline_series(frame), 2000, 2024)
    balances = dict(zip(table["year"], table["balance_usd"], strict=True))
    assert balances[2022] == pytest.approx(-38.03e9)
    assert balances[2007] is None


def test_findings_are_computed_from_the_table():
    frame = statements(
        (2015, "turnover", 64.2, "CN_GAC", 1, None),
        (2024, "turnover", 244.81, "CN_GAC", 2, None),
        (2024, "exports", 115.49, "CN_GAC", 2, None),
        (2024, "imports", 129.32, "CN_GAC", 2, None),
    )
    text = trade.findings(trade.overview_table(trade.headline_series(frame), 2015, 2024), "China", "Russia")
    assert text == (
        "Trade between China and Russia was stated as US$244.8 bn in 2024 (Chinese customs (GAC)), 3.8 times the US$64.2 bn "
        "of 2015. In 2024 the stated figures give China a deficit of US$13.8 bn with Russia (exports and imports both: "
        "Chinese customs (GAC))."
    )


def test_findings_say_when_compared_years_rest_on_different_bases():
    frame = statements((2005, "turnover", 29.1, "CN_official", 1, None), (2024, "turnover", 244.81, "CN_GAC", 2, None))
    text = trade.findings(trade.overview_table(trade.headline_series(frame), 2005, 2024), "China", "Russia")
    assert "8.4 times the US$29.1 bn of 2005 (Chinese official figure: the two years rest on different bases)." in text


def test_the_balance_point_cites_both_pages():
    frame = statements((2022, "exports", 76.12, "CN_GAC", 2, None), (2022, "imports", 114.15, "CN_GAC", 2, None))
    series = trade.headline_series(frame)
    points = trade.chart_points(series, trade.overview_table(series, 2022, 2022), 2022, 2022)
    balance = points.filter(pl.col("metric") == "Balance").row(0, named=True)
    assert balance["value_usd_bn"] == pytest.approx(-38.03)
    assert balance["source_url"] == "https://example.org/0 ; https://example.org/1"


def test_a_pair_without_figures_gets_a_polite_message_naming_the_covered_pairs():
    frame = statements((2024, "turnover", 244.81, "CN_GAC", 2, None))
    assert trade.headline_series(trade.pair_statements(frame, "CHN", "KAZ")).is_empty()
    message = trade.no_data_message("China", "Kazakhstan", 2015, 2024, trade.covered_pairs(frame))
    assert "No cited figures for China–Kazakhstan, 2015–2024" in message and "CHN–RUS" in message


def test_fetched_declarations_become_one_basis_per_declarant():
    from bilateral.data.schemas import TRADE_FLOWS

    def row(reporter, partner, flow, value):
        return total_row(2023, reporter, partner, flow, value, source="imf", dataset_version="v")

    flows = pl.DataFrame(
        [
            row("CHN", "RUS", "export", 110e9),
            row("CHN", "RUS", "import", 125e9),
            row("RUS", "CHN", "export", 120e9),
            row("RUS", "CHN", "import", 110e9),
            row("CHN", "KAZ", "export", 5e9),
        ],
        schema=TRADE_FLOWS.polars_schema(),
    )
    statements = trade.pair_statements(trade.statements_from_flows(flows, "CHN", "RUS"), "CHN", "RUS")
    series = trade.headline_series(statements, prefer="CHN_declared")
    turnover = series.filter(pl.col("metric") == "turnover").row(0, named=True)
    # China declares 235 bn, Russia 230 bn: a mirror difference (shown in the mirror view), not a dispute (0002, rule 4)
    assert (turnover["value_usd"], turnover["basis_code"], turnover["is_disputed"]) == (235e9, "CHN_declared", False)
    imports = statements.filter((pl.col("metric") == "imports") & (pl.col("basis_code") == "RUS_declared"))
    assert imports["value_usd"].to_list() == [120e9], "Russia's exports are China's imports, seen from China"
    assert trade.basis_label("CHN_declared") == "declared by China"
