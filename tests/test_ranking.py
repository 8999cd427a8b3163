"""Partner rankings from statistics and from cited statements: tiny frames, values worked out by hand."""

from __future__ import annotations

import polars as pl
import pytest
from flows import total_row

from bilateral.analysis import ranking
from bilateral.data.schemas import TRADE_FLOWS


def row(year: int, partner: str, flow: str, value: float) -> dict:
    return total_row(year, "RUS", partner, flow, value, source="imf")


FLOWS = pl.DataFrame(
    [
        row(2021, "CHN", "export", 70.0),
        row(2021, "CHN", "import", 70.0),
        row(2021, "DEU", "export", 40.0),
        row(2021, "DEU", "import", 30.0),
        row(2021, "TUR", "export", 30.0),
        row(2021, "WLD", "export", 400.0),
        row(2021, "WLD", "import", 300.0),
    ],
    schema=TRADE_FLOWS.polars_schema(),
)


def test_partners_are_ranked_by_turnover_with_shares_of_the_world_total():
    ranked = ranking.ranking_from_flows(FLOWS, "RUS", 2021, 2021)
    assert ranked.select("partner_iso3", "rank", "directions").rows() == [("CHN", 1, 2), ("DEU", 2, 2), ("TUR", 3, 1)]
    china = ranked.row(0, named=True)
    assert china["share_pct"] == pytest.approx(20.0) and china["share_basis"] == "world total"


def test_without_a_world_row_shares_are_of_the_partners_sum():
    ranked = ranking.ranking_from_flows(FLOWS.filter(pl.col("partner_iso3") != "WLD"), "RUS", 2021, 2021)
    assert ranked.row(0, named=True)["share_pct"] == pytest.approx(140 / 240 * 100)
    assert set(ranked["share_basis"]) == {"sum of partners"}


def test_findings_flag_a_partner_with_one_direction_only():
    ranked = ranking.ranking_from_flows(FLOWS, "RUS", 2021, 2021).filter(pl.col("partner_iso3") == "TUR")
    assert ranking.ranking_findings(ranked, "Russia", "Turkey") == (
        "Turkey ranked 3 of 3 among Russia's trading partners in 2021, with 4.3% of its trade (world total). "
        "Only one direction of 2021 trade is reported for Turkey."
    )


def test_cited_statements_are_oriented_by_who_ranks_whom():
    share_rank = pl.DataFrame(
        {
            "year": ["2010", "2012H1", "2021"],
            "metric": ["china_rank_among_russia_partners"] * 2 + ["russia_rank_among_china_partners"],
            "value": [1.0, 2.0, 11.0],
            "unit": ["rank"] * 3,
            "basis": ["b"] * 3,
            "publisher_named": ["p"] * 3,
            "source_url": ["u"] * 3,
            "quote": ["q"] * 3,
        }
    )
    china_for_russia = ranking.cited_ranking(share_rank, "RUS", "CHN")
    assert china_for_russia.select("year", "measure", "value").rows() == [(2010, "rank", 1.0)], "half-years left out"
    assert ranking.cited_ranking(share_rank, "CHN", "RUS")["value"].to_list() == [11.0]
    assert ranking.cited_ranking(share_rank, "CHN", "KAZ").is_empty()


def test_cited_findings_report_rank_share_and_the_streak_of_years_on_top():
    cited = pl.DataFrame(
        {
            "year": [2017, 2020, 2021, 2022],
            "measure": ["rank", "share_pct", "years_as_top_partner", "years_as_top_partner"],
            "value": [1.0, 18.0, 12.0, 13.0],
            "basis": ["b", "IW study", "s", "s"],
            "publisher_named": ["p", "p", "p", "Xi Jinping"],
            "source_url": ["u"] * 4,
            "quote": ["q"] * 4,
        }
    )
    assert ranking.cited_findings(cited, "China", "Russia") == (
        "Cited statements put China at rank 1 among Russia's trading partners in 2017, with 18.0% of its trade in 2020 "
        "(IW study). Statements count 13 consecutive years as Russia's largest partner by 2022 (Xi Jinping)."
    )


def mirror_row(year: int, declarant: str, flow: str, value: float) -> dict:
    """A partner's own declaration of its trade with Russia (reporter = the partner)."""
    return {**row(year, "RUS", flow, value), "reporter_iso3": declarant, "reported_by": declarant}


# Russia declares CHN 140 (70+70), DEU 70 (40+30); China declares 60 exports to and 90 imports from Russia
# (= Russia's imports 60, exports 90: 150), Germany 25 + 50 = 75.
MIRROR = pl.DataFrame(
    [
        mirror_row(2021, "CHN", "export", 60.0),
        mirror_row(2021, "CHN", "import", 90.0),
        mirror_row(2021, "DEU", "export", 25.0),
        mirror_row(2021, "DEU", "import", 50.0),
    ],
    schema=TRADE_FLOWS.polars_schema(),
)


def test_one_direction_alone_is_ranked_on_that_direction():
    exports = ranking.ranking_from_flows(FLOWS, "RUS", 2021, 2021, measure="exports")
    assert exports.select("partner_iso3", "turnover_usd", "rank").rows() == [
        ("CHN", 70.0, 1),
        ("DEU", 40.0, 2),
        ("TUR", 30.0, 3),
    ]
    assert exports.row(0, named=True)["share_pct"] == pytest.approx(70 / 400 * 100)


def test_the_mirror_view_reads_partners_declarations_from_the_reporters_side():
    mirror = ranking.ranking_from_flows(pl.concat([FLOWS, MIRROR]), "RUS", 2021, 2021, view="mirror")
    assert mirror.select("partner_iso3", "turnover_usd").rows() == [("CHN", 150.0), ("DEU", 75.0)]
    russia_exports = ranking.ranking_from_flows(MIRROR, "RUS", 2021, 2021, measure="exports", view="mirror")
    # Russia's exports to China as China declares them = China's imports from Russia (90)
    assert russia_exports.row(0, named=True)["turnover_usd"] == 90.0
    assert set(mirror["share_basis"]) == {"sum of partners"}


def test_leaders_give_the_runner_up_and_margin_and_call_a_lead_inside_the_sources_gap_close():
    own = ranking.ranking_from_flows(FLOWS, "RUS", 2021, 2021)
    mirror = ranking.ranking_from_flows(MIRROR, "RUS", 2021, 2021, view="mirror")
    row_ = ranking.leaders(own, mirror).row(0, named=True)
    assert (row_["leader_iso3"], row_["runner_up_iso3"], row_["margin_usd"]) == ("CHN", "DEU", 70.0)
    assert row_["margin_pct"] == pytest.approx(100.0)  # 140 is 100% above 70
    # gaps: China |150-140|/140 = 7.14%, Germany |75-70|/70 = 7.14%; China's lower value 140 > Germany's higher 75
    assert row_["disagreement_pct"] == pytest.approx(10 / 140 * 100) and row_["close_call"] is False


def test_a_lead_the_other_declarations_could_reverse_is_close_and_without_mirror_closeness_is_unknown():
    tight = pl.DataFrame(
        [row(2009, "CHN", "export", 39.0), row(2009, "NLD", "export", 38.7)], schema=TRADE_FLOWS.polars_schema()
    )
    tight_mirror = pl.DataFrame(
        [mirror_row(2009, "CHN", "import", 40.0), mirror_row(2009, "NLD", "import", 38.7)],
        schema=TRADE_FLOWS.polars_schema(),
    )
    own = ranking.ranking_from_flows(tight, "RUS", 2009, 2009)
    row_ = ranking.leaders(own, ranking.ranking_from_flows(tight_mirror, "RUS", 2009, 2009, view="mirror")).row(
        0, named=True
    )
    assert row_["margin_pct"] == pytest.approx(0.3 / 38.7 * 100)  # 0.78%
    # China 39.0 own / 40.0 mirror, Netherlands 38.7 own / 38.7 mirror: 39.0 > 38.7, so the lead holds either way
    assert row_["disagreement_pct"] == pytest.approx(1 / 39 * 100) and row_["close_call"] is False
    reversed_mirror = tight_mirror.with_columns(
        pl.when(pl.col("reporter_iso3") == "NLD").then(39.5).otherwise(pl.col("value_usd")).alias("value_usd")
    )
    flipped = ranking.leaders(own, ranking.ranking_from_flows(reversed_mirror, "RUS", 2009, 2009, view="mirror")).row(
        0, named=True
    )
    assert flipped["close_call"] is True  # the Netherlands declares 39.5 > China's lower 39.0
    assert ranking.leaders(own).row(0, named=True)["close_call"] is None


def test_trade_assigned_to_no_partner_is_the_world_total_minus_the_partners():
    ranked = ranking.ranking_from_flows(FLOWS, "RUS", 2021, 2021)
    # world 400 + 300 = 700; partners 140 + 70 + 30 = 240 -> 460 unassigned
    assert set(ranked["unallocated_usd"]) == {460.0}
    assert ranking.leaders(ranked).row(0, named=True)["unallocated_usd"] == 460.0
