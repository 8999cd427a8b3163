"""Growth, shares, ranks, runner-up margins and runs at a rank: tiny frames, expected values worked out by hand."""

from __future__ import annotations

import polars as pl
import pytest

from bilateral.analysis import indicators as ind
from bilateral.errors import ParameterError

# --- growth ------------------------------------------------------------------------------------------------


def test_yoy_growth_is_computed_only_between_adjacent_full_years():
    frame = pl.DataFrame(
        {
            "year": [2018, 2019, 2021, 2022],
            "value_usd": [100.0, 110.0, 121.0, 60.5],
            "months_reported": [None, None, None, 6],
        }
    )
    growth = ind.yoy_growth(frame)
    by_year = {r["year"]: r for r in growth.iter_rows(named=True)}
    assert by_year[2018]["growth_pct"] is None, "no previous year"
    assert by_year[2019]["growth_pct"] == pytest.approx(10.0), "110 / 100 - 1"
    assert by_year[2021]["growth_pct"] is None, "2020 is missing: the gap is not bridged to 2019"
    assert by_year[2022]["growth_pct"] is None and by_year[2022]["is_partial"], "six months against twelve"


def test_yoy_growth_from_zero_is_null_not_infinite():
    growth = ind.yoy_growth(pl.DataFrame({"year": [2019, 2020], "value_usd": [0.0, 50.0]}))
    assert growth.get_column("growth_pct").to_list() == [None, None]


def test_yoy_growth_by_group_and_duplicate_rows_refused():
    frame = pl.DataFrame(
        {"partner_iso3": ["CHN", "CHN", "DEU", "DEU"], "year": [2020, 2021] * 2, "value_usd": [50.0, 75.0, 40.0, 30.0]}
    )
    growth = ind.yoy_growth(frame, by=["partner_iso3"]).filter(pl.col("year") == 2021)
    assert growth.get_column("growth_pct").to_list() == pytest.approx([50.0, -25.0])
    with pytest.raises(ParameterError, match="more than one row"):
        ind.yoy_growth(frame)


def test_cagr_uses_the_end_points_and_counts_years_with_data():
    frame = pl.DataFrame({"year": [2019, 2021], "value_usd": [100.0, 121.0]})
    row = ind.cagr(frame, 2019, 2021).row(0, named=True)
    assert row["cagr_pct"] == pytest.approx(10.0), "(121 / 100) ** (1 / 2) - 1"
    assert row["years_with_data"] == 2, "2020 missing, so 2 of the 3 years have data"


def test_cagr_edge_cases_are_null():
    frame = pl.DataFrame(
        {
            "partner_iso3": ["A", "A", "B", "C", "C"],
            "year": [2019, 2021, 2019, 2019, 2021],
            "value_usd": [0.0, 50.0, 10.0, 10.0, 40.0],
            "is_partial": [False, False, False, False, True],
        }
    )
    rows = {r["partner_iso3"]: r for r in ind.cagr(frame, 2019, 2021, by=["partner_iso3"]).iter_rows(named=True)}
    assert rows["A"]["cagr_pct"] is None, "start value zero"
    assert rows["B"]["cagr_pct"] is None and rows["B"]["end_value"] is None, "end year missing"
    assert rows["C"]["cagr_pct"] is None and rows["C"]["is_partial"], "partial end year"
    with pytest.raises(ParameterError, match="end_year after start_year"):
        ind.cagr(frame, 2021, 2021)


# --- shares and ranks ------------------------------------------------------------------------------------

TRADE_2021 = pl.DataFrame(
    {
        "year": [2021] * 5,
        "partner_iso3": ["WLD", "CHN", "DEU", "NLD", "TUR"],
        "value_usd": [400.0, 140.0, 70.0, 70.0, None],
    }
)


def test_shares_use_the_world_row_when_there_is_one():
    share = ind.shares(TRADE_2021)
    assert share.get_column("partner_iso3").to_list() == ["CHN", "DEU", "NLD", "TUR"], "WLD is the total, not a partner"
    assert share.get_column("share_pct").to_list()[:3] == pytest.approx([35.0, 17.5, 17.5])
    assert share.get_column("share_pct")[3] is None
    assert set(share.get_column("share_basis")) == {"world total"}


def test_shares_fall_back_to_the_sum_of_partners_and_zero_totals_give_null():
    share = ind.shares(TRADE_2021.filter(pl.col("partner_iso3") != "WLD"))
    assert share.row(0, named=True)["share_pct"] == pytest.approx(140 / 280 * 100)
    assert share.row(0, named=True)["share_basis"] == "sum of items"
    zeros = ind.shares(pl.DataFrame({"year": [2022, 2022], "partner_iso3": ["CHN", "DEU"], "value_usd": [0.0, 0.0]}))
    assert zeros.get_column("share_pct").to_list() == [None, None]


def test_rank_over_time_shares_ties_and_leaves_missing_values_unranked():
    ranked = ind.rank_over_time(TRADE_2021)
    rows = {r["partner_iso3"]: r for r in ranked.iter_rows(named=True)}
    assert (rows["CHN"]["rank"], rows["DEU"]["rank"], rows["NLD"]["rank"], rows["TUR"]["rank"]) == (1, 2, 2, None)
    assert rows["DEU"]["is_tied"] and not rows["CHN"]["is_tied"]
    assert rows["CHN"]["n_ranked"] == 3
    assert "WLD" not in rows


def test_leaders_give_runner_up_and_margin():
    lead = ind.leaders(TRADE_2021).row(0, named=True)
    assert (lead["leader"], lead["runner_up"]) == ("CHN", "DEU"), "tie between DEU and NLD broken by code"
    assert lead["margin_value"] == pytest.approx(70.0)
    assert lead["margin_pct"] == pytest.approx(100.0), "(140 - 70) / 70"


def test_rival_margin_is_signed_and_a_year_without_the_focus_has_no_rank():
    frame = pl.concat(
        [TRADE_2021, pl.DataFrame({"year": [2020, 2020], "partner_iso3": ["DEU", "NLD"], "value_usd": [50.0, 45.0]})]
    )
    nld = ind.rival_margin(frame, "NLD").filter(pl.col("year") == 2021).row(0, named=True)
    assert (nld["rank"], nld["rival"]) == (2, "CHN")
    assert nld["margin_pct"] == pytest.approx(-50.0), "(70 - 140) / 140"
    china = {r["year"]: r for r in ind.rival_margin(frame, "CHN").iter_rows(named=True)}
    assert china[2021]["rival"] == "DEU" and china[2021]["margin_pct"] == pytest.approx(100.0)
    assert china[2020]["rank"] is None and china[2020]["rival"] is None, "no CHN row in 2020"


RANKS = pl.DataFrame(
    {
        "year": [2009, 2010, 2011, 2012, 2013, 2014, 2016, 2017],
        "rank": [1, 1, 2, 1, 1, 1, 1, None],
    }
)


def test_runs_at_rank_are_broken_by_a_lower_rank_and_by_a_year_without_data():
    runs = ind.runs_at_rank(RANKS)
    assert runs.rows() == [(2009, 2010, 2), (2012, 2014, 3), (2016, 2016, 1)], "2011 rank 2; 2015 has no row"


def test_consecutive_years_at_rank_count_back_from_a_year():
    assert ind.consecutive_years_at_rank(RANKS, 2014) == 3
    assert ind.consecutive_years_at_rank(RANKS, 2016) == 1, "the 2015 gap breaks the run"
    assert ind.consecutive_years_at_rank(RANKS, 2015) == 0, "a year without data is not a year at rank"
    assert ind.consecutive_years_at_rank(RANKS, 2017) == 0, "null rank"
    assert ind.consecutive_years_at_rank(RANKS, 2014, max_rank=2) == 6, "top two: 2009-2014"
