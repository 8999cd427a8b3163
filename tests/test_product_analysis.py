"""Products within a lens, from any trade_flows table: tiny frames, values worked out by hand."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from bilateral.analysis import products as analysis
from bilateral.data import fetch as fetching
from bilateral.data.schemas import TRADE_FLOWS
from bilateral.data.trade_flows import load_trade_flows, provenance_folder
from bilateral.errors import DataError, ParameterError


def flows(*rows: tuple) -> pl.DataFrame:
    """rows: (period, partner, product_code, value_usd, quantity_kg)."""
    return pl.DataFrame(
        [
            {
                "year": int(period[:4]),
                "period": period,
                "reporter_iso3": "CHN",
                "partner_iso3": partner,
                "flow": "export",
                "classification": "HS",
                "hs_level": 6,
                "product_code": code,
                "value_usd": value,
                "quantity": qty,
                "quantity_unit": "kg",
                "net_weight_kg": None,
                "reported_by": "CHN",
                "source": "test",
                "dataset_version": "test",
            }
            for period, partner, code, value, qty in rows
        ],
        schema=TRADE_FLOWS.polars_schema(),
    )


SAMPLE = flows(
    ("2023-01", "RUS", "380110", 100.0, 50.0),
    ("2023-02", "RUS", "380110", 300.0, 150.0),
    ("2023-01", "USA", "380110", 600.0, 200.0),
    ("2024-03", "RUS", "380110", 200.0, 100.0),
    ("2024-03", "KAZ", "380110", 200.0, 100.0),
    ("2023-05", "RUS", "280461", 50.0, 0.0),
)


def test_months_are_summed_to_years_with_a_count_of_months_reported():
    annual = analysis.annual_by_product(analysis.pair_flows(SAMPLE, "CHN", "RUS", "export", 2023, 2024))
    row = annual.filter((pl.col("product_code") == "380110") & (pl.col("year") == 2023)).row(0, named=True)
    assert (row["value_usd"], row["quantity"], row["months_reported"]) == (400.0, 200.0, 2)
    assert row["unit_value_usd"] == pytest.approx(2.0)


def test_unit_value_is_empty_when_no_quantity_is_reported():
    annual = analysis.annual_by_product(analysis.pair_flows(SAMPLE, "CHN", "RUS", "export", 2023, 2023))
    assert annual.filter(pl.col("product_code") == "280461")["unit_value_usd"].item() is None


def test_partner_share_and_rank_among_covered_partners():
    shares = analysis.partner_share(SAMPLE, "CHN", "RUS", "export", 2023, 2024).filter(
        pl.col("product_code") == "380110"
    )
    assert shares["share_pct"].to_list() == pytest.approx([40.0, 50.0])  # 400 of 1000; 200 of 400
    assert shares["partner_rank"].to_list() == [2, 1]  # behind the USA in 2023; tied first in 2024
    assert shares["partners_covered"].to_list() == [2, 2]


def test_findings_name_the_largest_line_and_its_growth():
    pair = analysis.pair_flows(SAMPLE, "CHN", "RUS", "export", 2023, 2024)
    table = analysis.product_table(
        analysis.annual_by_product(pair),
        analysis.partner_share(SAMPLE, "CHN", "RUS", "export", 2023, 2024),
        {"380110": "Graphite; artificial", "280461": "Silicon"},
    )
    assert analysis.product_findings(table, "China", "Russia", "export") == (
        "In 2024, China's exports to Russia in this lens came to US$0.0 m; the largest line was 380110 "
        "(Graphite; artificial) at US$0.0 m. Russia took 50.0% of China's exports of that product to the 2 destinations "
        "the data cover (rank 1 of 2); it is not a share of the lens total or of world trade. That line was 0.5 times its "
        "2023 value. 2024 has only 1 month with trade reported."
    )


def test_the_polysilicon_share_says_it_is_a_share_of_eight_destinations_computed_from_the_source_file():
    """Issue 8: "5.3% of the covered total" read as a share of the lens total; it is Russia's share of China's
    polysilicon (HS 280461) exports to the extract's 8 destinations. Expected values from the raw CSV, by hand."""
    import csv

    from bilateral.data.paths import data_dir
    from bilateral.data.trade_flows import load_trade_flows

    by_partner: dict[str, float] = {}
    with open(data_dir() / "raw/comtrade_china_critical_minerals/country_monthly_stats.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["broad_group"] == "Polysilicon" and row["period_dt"].startswith("2024"):
                by_partner[row["partner_name"]] = by_partner.get(row["partner_name"], 0.0) + float(row["val"])
    expected_share = by_partner["Russia"] / sum(by_partner.values()) * 100  # 29,240,157 / 554,954,730 = 5.27%
    expected_rank = sorted(by_partner.values(), reverse=True).index(by_partner["Russia"]) + 1
    flows = load_trade_flows("comtrade_china_critical_minerals")
    table, _ = analysis.lens_table(flows, "CHN", "RUS", "export", 2017, 2024, lambda codes, _rev: {c: c for c in codes})
    text = analysis.product_findings(table, "China", "Russia", "export")
    assert (len(by_partner), expected_rank, f"{expected_share:.1f}") == (8, 5, "5.3")
    assert (
        f"Russia took {expected_share:.1f}% of China's exports of that product to the 8 destinations the data cover "
        f"(rank {expected_rank} of 8); it is not a share of the lens total or of world trade." in text
    )


def test_coverage_describes_what_a_source_holds():
    assert analysis.coverage(SAMPLE) == {
        "reporters": ["CHN"],
        "flows": ["export"],
        "years": (2023, 2024),
        "products": ["280461", "380110"],
        "partners": 3,
    }


def test_the_shipped_extract_loads_through_the_same_door():
    frame = load_trade_flows("comtrade_china_critical_minerals", reporters=["CHN"], years=[2023])
    assert set(frame["year"]) == {2023} and frame.columns[:15] == list(TRADE_FLOWS.columns)
    assert provenance_folder("comtrade_china_critical_minerals") == "comtrade_china_critical_minerals"


def test_a_fetched_snapshot_loads_through_the_same_door(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path))
    record = {
        "name": "comtrade",
        "title": "t",
        "publisher": "UNSD",
        "origin": {"api": "test"},
        "licence": "t",
        "description": "written by a test",
        "is_format_sample": True,
    }
    folder = fetching.write_trade_snapshot(
        "comtrade", {"response_001.json": b"{}"}, SAMPLE, record=record, stamp="2026-11-28T000000Z"
    )
    frame = load_trade_flows("comtrade", reporters=["CHN"])
    assert frame.height == SAMPLE.height
    assert provenance_folder("comtrade") == f"comtrade/{folder.name}"


def test_unknown_source_and_missing_snapshot_are_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path))
    with pytest.raises(
        ParameterError,
        match="Choose one of: comtrade_china_critical_minerals, imf_dots, baci_china_russia_hs17, comtrade, imf, baci",
    ):
        load_trade_flows("wto")
    with pytest.raises(DataError, match="No snapshot of 'imf'.*bilateral data fetch imf"):
        load_trade_flows("imf")


def test_descriptions_never_fail_on_codes_from_other_revisions():
    from bilateral.data.products import descriptions_for

    assert descriptions_for(["380110"], "HS") == {"380110": "Graphite; artificial"}
    older = descriptions_for(["380110", "27"], "HS92")
    assert older["380110"] == "[HS 2022 text; data in HS92] Graphite; artificial"
    assert older["27"].startswith("Mineral fuels")  # chapters are stable across revisions
    assert descriptions_for(["000000"]) == {"000000": "(not in the HS 2022 table)"}


def test_rows_at_several_hs_levels_are_not_added_together():
    two_levels = flows(("2023-01", "RUS", "380110", 40.0, 1.0)).vstack(
        flows(("2023-01", "RUS", "380110", 40.0, 1.0)).with_columns(
            pl.lit("38").alias("product_code"), pl.lit(2, pl.Int8).alias("hs_level")
        )
    )
    rows, level = analysis.finest_level(two_levels)
    assert level == 6 and rows["product_code"].to_list() == ["380110"]


def test_mixed_quantity_units_leave_quantity_empty_instead_of_failing():
    mixed = flows(("2023-01", "RUS", "380110", 10.0, 5.0), ("2023-02", "RUS", "380110", 20.0, 7.0)).with_columns(
        pl.Series("quantity_unit", ["kg", None])
    )
    annual = analysis.annual_by_product(mixed)
    assert annual.select("value_usd", "quantity", "quantity_unit", "months_reported").row(0) == (30.0, None, None, 2)
    table = analysis.product_table(annual, analysis.partner_share(mixed, "CHN", "RUS", "export", 2023, 2023), {})
    assert table.height == 1
