"""Trade composition: tiny frames with values worked out by hand, and the shipped BACI extract's own totals."""

from __future__ import annotations

import polars as pl
import pytest

from bilateral.analysis import composition
from bilateral.data.schemas import TRADE_FLOWS

NAMES = {"CHN": "China", "RUS": "Russia"}


def flow(reporter: str, partner: str, product: str, value: float, *, reported_by: str = "RECONCILED", flow: str = "export",
         quantity: float | None = None, year: int = 2023) -> dict:  # fmt: skip
    return {
        "year": year, "period": str(year), "reporter_iso3": reporter, "partner_iso3": partner, "flow": flow,
        "classification": "HS17", "hs_level": 6, "product_code": product, "value_usd": value, "quantity": quantity,
        "quantity_unit": "t" if quantity is not None else None, "net_weight_kg": None, "reported_by": reported_by,
        "source": "test", "dataset_version": "t",
    }  # fmt: skip


def frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=TRADE_FLOWS.polars_schema())


RECONCILED = frame([
    flow("CHN", "RUS", "870323", 60.0, quantity=6.0), flow("CHN", "RUS", "270900", 40.0, quantity=0.0),
    flow("RUS", "CHN", "270900", 300.0, quantity=0.5), flow("RUS", "CHN", "440711", 100.0),
])  # fmt: skip


def test_reconciled_rows_are_taken_per_exporter_and_named_by_direction():
    rows = composition.directional(RECONCILED, "CHN", "RUS", NAMES)
    assert composition.totals(rows).select("direction", "value_usd", "products").rows() == [
        ("China → Russia", 100.0, 2),
        ("Russia → China", 400.0, 2),
    ]


def test_declared_rows_use_one_sides_declarations_for_both_directions():
    declared = frame([
        flow("CHN", "RUS", "870323", 60.0, reported_by="CHN"), flow("CHN", "RUS", "270900", 250.0, reported_by="CHN", flow="import"),
        flow("RUS", "CHN", "270900", 300.0, reported_by="RUS"),  # Russia's own declaration: not mixed in
    ])  # fmt: skip
    rows = composition.directional(declared, "CHN", "RUS", NAMES)
    assert rows.select("exporter_iso3", "importer_iso3", "value_usd").sort("value_usd").rows() == [
        ("CHN", "RUS", 60.0),
        ("RUS", "CHN", 250.0),
    ]


def test_top_products_rank_within_a_direction_and_unit_values_need_a_positive_weight():
    top = composition.top_products(composition.directional(RECONCILED, "CHN", "RUS", NAMES), 2023, n=1)
    assert top.select("direction", "product_code", "share_pct", "unit_value_usd_per_t").rows() == [
        ("China → Russia", "870323", 60.0, 10.0),  # 60 of 100; 60 / 6 t
        ("Russia → China", "270900", 75.0, 600.0),  # 300 of 400; 300 / 0.5 t
    ]
    crude_to_russia = composition.top_products(composition.directional(RECONCILED, "CHN", "RUS", NAMES), 2023)
    assert (
        crude_to_russia.filter(pl.col("product_code") == "270900", pl.col("exporter_iso3") == "CHN")[
            "unit_value_usd_per_t"
        ][0]
        is None
    )


def test_a_lens_without_products_in_a_year_is_a_zero_share_and_overlapping_lenses_are_kept_apart():
    rows = composition.directional(RECONCILED, "CHN", "RUS", NAMES)
    lenses = {
        "energy": pl.col("product_code").str.starts_with("27"),
        "wood": pl.col("product_code").str.starts_with("44"),
    }
    shares = composition.lens_shares(rows, lenses)
    assert shares.filter(pl.col("direction") == "China → Russia").select("lens", "share_pct").rows() == [
        ("energy", 40.0),
        ("wood", 0.0),
    ]
    assert shares.filter(pl.col("direction") == "Russia → China").select("lens", "share_pct").rows() == [
        ("energy", 75.0),
        ("wood", 25.0),
    ]


def test_grubel_lloyd_from_one_side_counts_a_product_sold_both_ways():
    # China: 270900 exported 40, imported 300 -> |40-300| = 260 of 340; 870323 60 one way; 440711 100 one way
    # GL = 1 - (260 + 60 + 100) / (340 + 60 + 100) = 1 - 420/500 = 0.16
    two_way = composition.intra_industry(composition.directional(RECONCILED, "CHN", "RUS", NAMES), "CHN")
    assert two_way.row(0, named=True)["gl_aggregate"] == pytest.approx(0.16)


def test_complexity_is_weighted_by_value_over_products_with_a_pci():
    table = pl.DataFrame({
        "hs4": ["2709", "4407", "7403"], "year": [2023, 2023, 2023], "pci": [-2.0, 0.0, None],
        "export_value_usd": [300.0, 100.0, 100.0],
    })  # fmt: skip
    row = composition.complexity_weighted(table).row(0, named=True)
    assert row["pci_weighted"] == pytest.approx(-1.5)  # (-2 x 300 + 0 x 100) / 400
    assert row["covered_pct"] == pytest.approx(80.0) and row["products"] == 2


def test_shipped_baci_extract_totals_match_its_provenance():
    from bilateral.data.sources.baci_extract import load_baci_extract

    rows = composition.directional(load_baci_extract(), "CHN", "RUS", NAMES)
    totals = {(r["year"], r["direction"]): r["value_usd"] / 1e9 for r in composition.totals(rows).iter_rows(named=True)}
    # PROVENANCE.md: 2023 China->Russia 110.01, Russia->China 129.00; 2017 45.92 / 42.12 (US$ bn)
    assert totals[(2023, "China → Russia")] == pytest.approx(110.01, abs=0.01)
    assert totals[(2023, "Russia → China")] == pytest.approx(129.00, abs=0.01)
    assert totals[(2017, "Russia → China")] == pytest.approx(42.12, abs=0.01)
