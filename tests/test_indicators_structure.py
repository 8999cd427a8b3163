"""Concentration, dependency, intensity, mirror gap, Grubel-Lloyd, RCA and complementarity on tiny frames
whose expected values are worked out by hand in each test."""

from __future__ import annotations

import polars as pl
import pytest
from flows import total_row

from bilateral.analysis import indicators as ind
from bilateral.data.schemas import TRADE_FLOWS
from bilateral.errors import ParameterError

# --- HHI ---------------------------------------------------------------------------------------------------


def test_hhi_over_partners_with_normalised_form_and_effective_number():
    frame = pl.DataFrame(
        {"year": [2021] * 4, "partner_iso3": ["WLD", "A", "B", "C"], "value_usd": [999.0, 50.0, 30.0, 20.0]}
    )
    row = ind.hhi(frame).row(0, named=True)
    assert row["n_items"] == 3, "the WLD row is a total, not a partner"
    assert row["hhi"] == pytest.approx(0.38), "0.5^2 + 0.3^2 + 0.2^2"
    assert row["hhi_normalized"] == pytest.approx(0.07), "(0.38 - 1/3) / (1 - 1/3)"
    assert row["effective_number"] == pytest.approx(1 / 0.38)


def test_hhi_edge_cases_one_item_and_zero_total():
    frame = pl.DataFrame(
        {"year": [2020, 2021, 2021], "product_code": ["2709", "2709", "2701"], "value_usd": [80.0, 0.0, 0.0]}
    )
    rows = {r["year"]: r for r in ind.hhi(frame, over="product_code").iter_rows(named=True)}
    assert (rows[2020]["hhi"], rows[2020]["effective_number"], rows[2020]["hhi_normalized"]) == (1.0, 1.0, None)
    assert (rows[2021]["hhi"], rows[2021]["effective_number"]) == (None, None), "zero total: null, not NaN"


def test_hhi_refuses_negative_values():
    with pytest.raises(ParameterError, match="negative"):
        ind.hhi(pl.DataFrame({"year": [2021, 2021], "partner_iso3": ["A", "B"], "value_usd": [5.0, -1.0]}))


IMPORTS = pl.DataFrame(
    {
        "year": [2021] * 6,
        "reporter_iso3": ["CHN"] * 6,
        "flow": ["import"] * 6,
        "product_code": ["2709", "2709", "2709", "2709", "2701", "2701"],
        "partner_iso3": ["WLD", "RUS", "SAU", "AGO", "IDN", "RUS"],
        "value_usd": [100.0, 60.0, 30.0, 10.0, 80.0, 20.0],
    }
)


def test_import_dependency_per_product_with_supplier_rank_and_concentration():
    dep = {r["product_code"]: r for r in ind.import_dependency(IMPORTS, "RUS").iter_rows(named=True)}
    crude, coal = dep["2709"], dep["2701"]
    assert crude["dependency_pct"] == pytest.approx(60.0) and crude["share_basis"] == "world total"
    assert (crude["supplier_rank"], crude["n_suppliers"]) == (1, 3)
    assert crude["hhi"] == pytest.approx(0.46), "0.6^2 + 0.3^2 + 0.1^2"
    assert coal["dependency_pct"] == pytest.approx(20.0) and coal["share_basis"] == "sum of items"
    assert coal["supplier_rank"] == 2 and coal["hhi"] == pytest.approx(0.68), "0.8^2 + 0.2^2"


def test_supplier_concentration_needs_one_importers_imports():
    conc = ind.supplier_concentration(IMPORTS).filter(pl.col("product_code") == "2709").row(0, named=True)
    assert conc["effective_suppliers"] == pytest.approx(1 / 0.46)
    with pytest.raises(ParameterError, match="one importer"):
        ind.supplier_concentration(IMPORTS.with_columns(pl.lit("export").alias("flow")))


# --- trade intensity -----------------------------------------------------------------------------------------


def test_trade_intensity_against_the_reporters_world():
    rows = [
        ("A", "B", 20.0),
        ("A", "C", 30.0),
        ("A", "WLD", 100.0),
        ("B", "A", 10.0),
        ("B", "C", 40.0),
        ("B", "WLD", 50.0),
        ("C", "A", 25.0),
        ("C", "B", 25.0),
        ("C", "WLD", 150.0),
        ("D", "A", 5.0),  # no WLD row: D is not part of the world and gets no index
    ]
    exports = pl.DataFrame(rows, schema=["reporter_iso3", "partner_iso3", "value_usd"], orient="row").with_columns(
        pl.lit(2020).alias("year"), pl.lit("export").alias("flow")
    )
    tii = {(r["exporter_iso3"], r["partner_iso3"]): r for r in ind.trade_intensity(exports).iter_rows(named=True)}
    assert tii[("A", "B")]["trade_intensity"] == pytest.approx(4 / 3), "(20/100) / ((20+25)/300)"
    assert tii[("A", "C")]["trade_intensity"] == pytest.approx(9 / 7), "(30/100) / ((30+40)/300)"
    assert tii[("B", "A")]["trade_intensity"] == pytest.approx(12 / 7), "(10/50) / ((10+25)/300): D's 5 left out"
    assert tii[("D", "A")]["trade_intensity"] is None
    assert tii[("A", "B")]["reporters_in_world"] == 3


# --- mirror gap -------------------------------------------------------------------------------------------------


def flow_row(year: int, reporter: str, partner: str, flow: str, value: float) -> dict:
    return total_row(year, reporter, partner, flow, value)


MIRROR = pl.DataFrame(
    [
        flow_row(2020, "CHN", "RUS", "export", 100.0),
        flow_row(2020, "RUS", "CHN", "import", 110.0),
        flow_row(2020, "RUS", "CHN", "export", 80.0),
        flow_row(2020, "CHN", "RUS", "import", 100.0),
        flow_row(2019, "CHN", "RUS", "export", 90.0),
        flow_row(2019, "RUS", "CHN", "import", 95.0),
        flow_row(2019, "CHN", "RUS", "import", 70.0),  # Russia's own 2019 exports to China are not in the frame
    ],
    schema=TRADE_FLOWS.polars_schema(),
)


def test_mirror_gap_ratio_and_symmetric_percentage():
    gap = (
        ind.mirror_gap(MIRROR, "CHN", "RUS")
        .filter((pl.col("year") == 2020) & (pl.col("exporter_iso3") == "CHN"))
        .row(0, named=True)
    )
    assert gap["mirror_ratio"] == pytest.approx(1.1), "110 CIF / 100 FOB"
    assert gap["gap_pct_of_mean"] == pytest.approx(10 / 105 * 100)


def test_declared_turnover_gap_needs_both_directions_from_a_side():
    gap = {r["year"]: r for r in ind.declared_turnover_gap(MIRROR, "CHN", "RUS").iter_rows(named=True)}
    assert (gap[2020]["turnover_declared_by_a"], gap[2020]["turnover_declared_by_b"]) == (200.0, 190.0)
    assert gap[2020]["gap_pct_of_mean"] == pytest.approx(-10 / 195 * 100)
    assert gap[2019]["turnover_declared_by_a"] == 160.0
    assert gap[2019]["turnover_declared_by_b"] is None, "Russia declared only its imports in 2019: no partial sum"


# --- Grubel-Lloyd ------------------------------------------------------------------------------------------------


def gl_frame() -> pl.DataFrame:
    rows = [
        (2021, "p1", "export", 60.0),
        (2021, "p1", "import", 40.0),
        (2021, "p2", "export", 30.0),  # exported only
        (2021, "p3", "export", 10.0),
        (2021, "p3", "import", 20.0),
        (2022, "p1", "export", 5.0),  # 2022 has no import rows at all
    ]
    return pl.DataFrame(rows, schema=["year", "product_code", "flow", "value_usd"], orient="row").with_columns(
        pl.lit("CHN").alias("reporter_iso3")
    )


def test_grubel_lloyd_per_product():
    gl = {(r["year"], r["product_code"]): r["gl_index"] for r in ind.grubel_lloyd(gl_frame()).iter_rows(named=True)}
    assert gl[(2021, "p1")] == pytest.approx(0.8), "1 - |60-40| / 100"
    assert gl[(2021, "p2")] == 0.0, "one-way trade"
    assert gl[(2021, "p3")] == pytest.approx(2 / 3), "1 - 10 / 30"
    assert gl[(2022, "p1")] is None, "no imports declared at all in 2022: missing, not zero"


def test_grubel_lloyd_aggregate_and_imbalance_adjusted():
    agg = {r["year"]: r for r in ind.grubel_lloyd_aggregate(ind.grubel_lloyd(gl_frame())).iter_rows(named=True)}
    year = agg[2021]
    assert year["gl_aggregate"] == pytest.approx(0.625), "1 - (20+30+10) / 160"
    assert year["gl_adjusted"] == pytest.approx(100 / 120), "(160 - 60) / (160 - |100 - 60|)"
    assert year["trade_imbalance_pct"] == pytest.approx(25.0), "40 / 160"
    assert agg[2022]["gl_aggregate"] is None


def test_grubel_lloyd_zero_trade_in_a_product_is_null():
    frame = pl.DataFrame(
        {
            "year": [2021] * 3,
            "product_code": ["p1", "p1", "p2"],
            "flow": ["export", "import", "export"],
            "value_usd": [0.0, 0.0, 4.0],
        }
    )
    gl = dict(ind.grubel_lloyd(frame).select("product_code", "gl_index").iter_rows())
    assert gl == {"p1": None, "p2": 0.0}


# --- RCA and complementarity -------------------------------------------------------------------------------------


def world_exports() -> pl.DataFrame:
    rows = [("A", "p1", 30.0), ("A", "p2", 10.0), ("B", "p1", 20.0), ("B", "p2", 40.0)]
    return pl.DataFrame(rows, schema=["reporter_iso3", "product_code", "value_usd"], orient="row").with_columns(
        pl.lit(2021).alias("year"), pl.lit("export").alias("flow"), pl.lit("WLD").alias("partner_iso3")
    )


def test_balassa_rca_against_the_exporters_in_the_frame():
    rca = {
        (r["exporter_iso3"], r["product_code"]): r["rca"]
        for r in ind.balassa_rca(world_exports()).iter_rows(named=True)
    }
    assert rca[("A", "p1")] == pytest.approx(1.5), "(30/40) / (50/100)"
    assert rca[("A", "p2")] == pytest.approx(0.5), "(10/40) / (50/100)"
    assert rca[("B", "p1")] == pytest.approx(2 / 3), "(20/60) / (50/100)"
    assert rca[("B", "p2")] == pytest.approx(4 / 3)


def test_rca_refuses_mixed_levels_and_world_rows_beside_partner_rows():
    mixed = pl.concat([world_exports(), world_exports().head(1).with_columns(pl.lit("270900").alias("product_code"))])
    with pytest.raises(ParameterError, match="HS levels"):
        ind.balassa_rca(mixed)
    doubled = pl.concat([world_exports(), world_exports().head(1).with_columns(pl.lit("CHN").alias("partner_iso3"))])
    with pytest.raises(ParameterError, match="counted twice"):
        ind.balassa_rca(doubled)


def test_trade_complementarity_and_a_year_without_the_importer():
    imports = pl.DataFrame(
        {
            "reporter_iso3": ["C", "C"],
            "product_code": ["p1", "p3"],
            "value_usd": [20.0, 60.0],
            "year": [2021, 2021],
            "flow": ["import", "import"],
            "partner_iso3": ["WLD", "WLD"],
        },
        schema_overrides={"year": pl.Int32},
    )
    later = world_exports().filter(pl.col("reporter_iso3") == "A").with_columns(pl.lit(2022).alias("year"))
    frame = pl.concat([world_exports(), imports, later], how="diagonal")
    tc = {
        r["year"]: r["trade_complementarity"] for r in ind.trade_complementarity(frame, "A", "C").iter_rows(named=True)
    }
    # A's export shares p1 .75, p2 .25; C's import shares p1 .25, p3 .75: sum |m - x| = .5 + .25 + .75 = 1.5
    assert tc[2021] == pytest.approx(25.0), "100 * (1 - 1.5 / 2)"
    assert tc[2022] is None, "no imports of C in 2022: not computable, not zero"
