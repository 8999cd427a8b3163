"""Trade with a group, total and members' split: tiny frames, values worked out by hand."""

from __future__ import annotations

import polars as pl
import pytest

from bilateral.analysis import group_link
from bilateral.data.schemas import TRADE_FLOWS

EAEU = ["ARM", "BLR", "KAZ", "KGZ", "RUS"]


def row(year: int, partner: str, flow: str, value: float, level: int = 0, reported_by: str = "CHN") -> dict:
    return {
        "year": year,
        "period": str(year),
        "reporter_iso3": "CHN",
        "partner_iso3": partner,
        "flow": flow,
        "classification": "HS",
        "hs_level": level,
        "product_code": "TOTAL" if level == 0 else "27",
        "value_usd": value,
        "quantity": None,
        "quantity_unit": None,
        "net_weight_kg": None,
        "reported_by": reported_by,
        "source": "comtrade",
        "dataset_version": "test",
    }


def flows(*rows: tuple) -> pl.DataFrame:
    """rows: arguments of row()."""
    return pl.DataFrame([row(*r) for r in rows], schema=TRADE_FLOWS.polars_schema())


SAMPLE = flows(
    (2022, "RUS", "export", 76.0),
    (2022, "RUS", "import", 114.0),
    (2022, "KAZ", "export", 16.0),
    (2022, "KAZ", "import", 15.0),
    (2022, "BLR", "export", 3.0),  # one direction only: no turnover
    (2022, "RUS", "export", 50.0, 2),  # a chapter row: not all products
    (2022, "DEU", "export", 100.0),  # not a member
)


def test_turnover_needs_both_directions_at_the_all_products_level():
    turnover = group_link.turnover_from_flows(SAMPLE, "CHN", EAEU, 2020, 2024)
    assert turnover.select("partner_iso3", "turnover_usd").rows() == [("KAZ", 31.0), ("RUS", 190.0)]


def test_group_total_says_how_many_members_it_covers():
    totals = group_link.group_totals(group_link.turnover_from_flows(SAMPLE, "CHN", EAEU, 2020, 2024), EAEU)
    row = totals.row(0, named=True)
    assert (row["members_turnover_usd"], row["members_covered"], row["members_listed"], row["is_complete"]) == (
        221.0,
        2,
        "KAZ, RUS",
        False,
    )


def test_shares_and_findings_name_the_coverage():
    turnover = group_link.turnover_from_flows(SAMPLE, "CHN", EAEU, 2020, 2024)
    totals = group_link.group_totals(turnover, EAEU)
    shares = group_link.member_shares(turnover, totals)
    assert shares.filter(pl.col("partner_iso3") == "RUS")["share_pct"].item() == pytest.approx(190 / 221 * 100)
    text = group_link.group_findings(
        totals.with_columns(pl.col("members_turnover_usd") * 1e9), shares, "China", "EAEU", {"RUS": "Russia"}
    )
    assert text == (
        "In 2022, China's trade with the EAEU came to US$221.0 bn over the members with a figure (KAZ, Russia); "
        "Russia accounted for 86% of it. No year in the selection has a figure for every member, so no total for "
        "the whole EAEU is given."
    )


def test_cited_figures_prefer_chinese_side_data_then_exact_figures():
    registry = pl.DataFrame(
        {
            "year": [2022, 2022, 2022, 2022, 2023],
            "partner_iso3": ["KAZ", "KAZ", "BLR", "BLR", "KAZ"],
            "metric": ["turnover"] * 5,
            "is_full_year": [True] * 5,
            "is_target_or_threshold": [False, False, False, False, True],
            "value_usd": [24.1e9, 31.2e9, 6.0e9, 5.9e9, 40e9],
            "qualifier": [None, None, "nearly", None, "more than"],
            "basis": ["KZ national statistics", "CN_GAC via embassy", "state media", "state media", "x"],
            "source_url": ["u1", "u2", "u3", "u4", "u5"],
        }
    )
    russia = pl.DataFrame({"year": [2022], "value_usd": [190.27e9], "basis": ["GAC"], "source_url": ["u0"]})
    chosen = group_link.turnover_from_statements(russia, registry, EAEU)
    assert chosen.select("year", "partner_iso3", "turnover_usd").rows() == [
        (2022, "BLR", 5.9e9),
        (2022, "KAZ", 31.2e9),
        (2022, "RUS", 190.27e9),
    ]


def test_notes_about_chinese_side_magnitude_do_not_make_a_figure_china_side():
    registry = pl.DataFrame(
        {
            "year": [2023],
            "partner_iso3": ["KGZ"],
            "metric": ["turnover"],
            "is_full_year": [True],
            "is_target_or_threshold": [False],
            "value_usd": [19.8e9],
            "qualifier": [None],
            "basis": ["KG Cabinet of Ministers (magnitude matches Chinese-side data, not KG NSC)"],
            "source_url": ["u"],
        }
    )
    chosen = group_link.turnover_from_statements(
        pl.DataFrame(schema={"year": pl.Int32, "value_usd": pl.Float64, "basis": pl.String, "source_url": pl.String}),
        registry,
        EAEU,
    )
    assert chosen["is_reporter_side"].to_list() == [False]


def test_findings_flag_partner_side_and_approximate_figures():
    turnover = pl.DataFrame(
        {
            "year": [2022, 2022],
            "partner_iso3": ["RUS", "BLR"],
            "turnover_usd": [190e9, 6e9],
            "qualifier": [None, "nearly"],
            "is_reporter_side": [True, False],
            "basis": ["GAC", "state media"],
            "source_url": ["u", "v"],
        },
        schema=group_link.MEMBER_SCHEMA,
    )
    totals = group_link.group_totals(turnover, EAEU)
    text = group_link.group_findings(
        totals, group_link.member_shares(turnover, totals), "China", "EAEU", {"RUS": "Russia", "BLR": "Belarus"}
    )
    assert "The figures for Belarus are not the reporter's own statistics" in text
    assert "The figures for Belarus are approximate as stated" in text


def test_cited_group_totals_leave_out_part_years():
    registry = pl.DataFrame(
        {
            "year": [2020, 2021],
            "partner_group": ["EAEU", "EAEU"],
            "metric": ["turnover", "turnover"],
            "is_full_year": [False, True],
            "value_usd": [79.1e9, 166.5e9],
        }
    )
    assert group_link.group_statements(registry, "EAEU")["year"].to_list() == [2021]


def test_years_after_the_data_name_each_member_without_a_cited_figure_as_a_gap():
    # EAEU, declared data to 2020; the shipped statements give Belarus 8.5, Kyrgyzstan 19.8 and Russia 240.1 for 2023
    # and no full-year figure for Armenia or Kazakhstan (Kazakhstan's 13.6 is a first half): a gap, never filled
    declared = pl.DataFrame({"year": [2020], "partner_iso3": ["KAZ"], "turnover_usd": [21.43e9]})
    cited = pl.DataFrame(
        {"year": [2023, 2023, 2023], "partner_iso3": ["BLR", "KGZ", "RUS"], "turnover_usd": [8.5e9, 19.8e9, 240.1e9]}
    )
    names = {"ARM": "Armenia", "BLR": "Belarus", "KAZ": "Kazakhstan", "KGZ": "Kyrgyzstan", "RUS": "Russia"}
    sentence = group_link.after_data_sentence(declared, cited, names, list(names))
    assert (
        "2023: Belarus 8.5, Kyrgyzstan 19.8, Russia 240.1 (no full-year figure cited for Armenia and Kazakhstan)"
        in (sentence)
    )
    assert "The declared data end in 2020" in sentence
    assert group_link.after_data_sentence(declared, cited.clear(), names, list(names)) == ""
