"""Country groups: cited memberships, expansion of partner lists, group totals and members' split."""

from __future__ import annotations

import polars as pl
import pytest

from bilateral.data import groups
from bilateral.errors import ParameterError


def _flows(partners: list[str], values: list[float | None], **extra: list) -> pl.DataFrame:
    n = len(partners)
    return pl.DataFrame(
        {
            "reporter_iso3": ["CHN"] * n,
            "year": extra.get("year", [2023] * n),
            "flow": ["export"] * n,
            "product_code": ["TOTAL"] * n,
            "partner_iso3": partners,
            "value_usd": values,
        },
        schema_overrides={"value_usd": pl.Float64},
    )


def test_eaeu_has_the_five_members_of_the_treaty_and_accessions() -> None:
    assert groups.group_members("EAEU") == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]


def test_group_names_are_case_insensitive() -> None:
    assert groups.group_members("eaeu") == groups.group_members("EAEU")


def test_brics_lists_the_2025_members_including_indonesia() -> None:
    members = groups.group_members("BRICS")
    assert len(members) == 11
    assert "IDN" in members
    assert "ARG" not in members  # invited in 2023, not on the presidency's member list


def test_sco_includes_belarus_from_july_2024() -> None:
    info = groups.group_info("SCO")
    assert "BLR" in info.members and len(info.members) == 10
    assert info.as_of == "2024-07-04"


def test_eu27_has_27_members_and_no_united_kingdom() -> None:
    members = groups.group_members("EU27")
    assert len(members) == 27
    assert "GBR" not in members


def test_unknown_group_lists_the_known_groups() -> None:
    with pytest.raises(ParameterError, match=r"Unknown group 'EAU'; known groups: EAEU, BRICS, SCO, EU27"):
        groups.group_members("EAU")


def test_every_group_has_an_as_of_date_and_a_citation_with_url_and_content() -> None:
    for name in groups.known_groups():
        info = groups.group_info(name)
        assert info.as_of, name
        assert info.sources, name
        for source in info.sources:
            assert source.url.startswith("http"), (name, source.url)
            assert source.says.strip() and source.accessed, name


def test_expand_partners_replaces_groups_by_members_and_keeps_order_without_repeats() -> None:
    assert groups.expand_partners(["CHN", "EAEU", "kaz"]) == ["CHN", "ARM", "BLR", "KAZ", "KGZ", "RUS"]


def test_expand_partners_accepts_a_single_string() -> None:
    assert groups.expand_partners("RUS") == ["RUS"]


def test_expand_partners_suggests_a_fix_for_a_typo_and_mentions_groups() -> None:
    with pytest.raises(ParameterError, match=r"Did you mean 'RUS'.*Groups can be used too: EAEU"):
        groups.expand_partners(["RUSS"])


def test_group_total_sums_members_only() -> None:
    flows = _flows(["RUS", "KAZ", "DEU"], [60.0, 30.0, 5.0])
    totals, _ = groups.aggregate_partner_group(flows, "EAEU")
    assert totals.select("partner_group", "value_usd", "members_reporting").to_dicts() == [
        {"partner_group": "EAEU", "value_usd": 90.0, "members_reporting": 2}
    ]


def test_members_split_gives_value_and_share_of_the_group_total() -> None:
    flows = _flows(["RUS", "KAZ", "DEU"], [60.0, 30.0, 5.0])
    _, members = groups.aggregate_partner_group(flows, "EAEU")
    # 60 / 90 = 66.67 %, 30 / 90 = 33.33 %
    assert members.select("partner_iso3", "value_usd").to_dicts() == [
        {"partner_iso3": "KAZ", "value_usd": 30.0},
        {"partner_iso3": "RUS", "value_usd": 60.0},
    ]
    assert members.get_column("share_pct").to_list() == pytest.approx([100 * 30 / 90, 100 * 60 / 90])


def test_group_totals_are_kept_apart_by_year() -> None:
    flows = _flows(["RUS", "RUS", "BLR"], [10.0, 20.0, 5.0], year=[2022, 2023, 2023])
    totals, _ = groups.aggregate_partner_group(flows, "EAEU")
    assert totals.select("year", "value_usd").to_dicts() == [
        {"year": 2022, "value_usd": 10.0},
        {"year": 2023, "value_usd": 25.0},
    ]


def test_a_member_with_a_null_value_is_not_counted_as_zero() -> None:
    flows = _flows(["RUS", "BLR"], [40.0, None])
    totals, members = groups.aggregate_partner_group(flows, "EAEU")
    assert totals.get_column("value_usd").to_list() == [40.0]
    assert totals.get_column("members_reporting").to_list() == [1]
    assert members.filter(pl.col("partner_iso3") == "BLR").get_column("share_pct").to_list() == [None]


def test_group_total_is_null_when_no_member_has_a_value() -> None:
    totals, _ = groups.aggregate_partner_group(_flows(["RUS"], [None]), "EAEU")
    assert totals.get_column("value_usd").to_list() == [None]


def test_aggregate_refuses_a_frame_without_trade_flow_columns() -> None:
    with pytest.raises(ParameterError, match="missing column"):
        groups.aggregate_partner_group(pl.DataFrame({"partner_iso3": ["RUS"]}), "EAEU")
