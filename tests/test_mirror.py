"""Mirror view: each side's declaration of the same flow, and the gap between them."""

from __future__ import annotations

import polars as pl
import pytest

from bilateral.analysis.mirror import VALUATION_NOTE, mirror_view
from bilateral.errors import ParameterError


def _row(
    reporter: str,
    partner: str,
    flow: str,
    value: float | None,
    *,
    code: str = "TOTAL",
    reported_by: str | None = None,
    classification: str = "HS",
) -> dict:
    return {
        "year": 2023,
        "period": "2023",
        "reporter_iso3": reporter,
        "partner_iso3": partner,
        "flow": flow,
        "classification": classification,
        "hs_level": 0 if code == "TOTAL" else len(code),
        "product_code": code,
        "value_usd": value,
        "reported_by": reported_by or reporter,
    }


def _frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema_overrides={"value_usd": pl.Float64, "hs_level": pl.Int8})


def test_chinas_exports_are_set_against_russias_imports_from_china() -> None:
    flows = _frame(_row("CHN", "RUS", "export", 100.0), _row("RUS", "CHN", "import", 110.0))
    view = mirror_view(flows, "CHN", "RUS").filter(pl.col("exporter_iso3") == "CHN")
    # importer 110 - exporter 100 = +10 US$, +10 % of the exporter's figure
    assert view.select(
        "importer_iso3",
        "exporter_reported_value_usd",
        "importer_reported_value_usd",
        "discrepancy_usd",
        "discrepancy_pct",
    ).to_dicts() == [
        {
            "importer_iso3": "RUS",
            "exporter_reported_value_usd": 100.0,
            "importer_reported_value_usd": 110.0,
            "discrepancy_usd": 10.0,
            "discrepancy_pct": 10.0,
        }
    ]


def test_both_directions_are_returned() -> None:
    flows = _frame(
        _row("CHN", "RUS", "export", 100.0),
        _row("RUS", "CHN", "import", 110.0),
        _row("RUS", "CHN", "export", 80.0),
        _row("CHN", "RUS", "import", 76.0),
    )
    view = mirror_view(flows, "CHN", "RUS")
    # Russia -> China: China declares 76 against Russia's 80: -4 US$, -5 %
    assert view.select("exporter_iso3", "discrepancy_usd", "discrepancy_pct").to_dicts() == [
        {"exporter_iso3": "CHN", "discrepancy_usd": 10.0, "discrepancy_pct": 10.0},
        {"exporter_iso3": "RUS", "discrepancy_usd": -4.0, "discrepancy_pct": -5.0},
    ]


def test_a_flow_declared_by_one_side_only_keeps_the_other_side_null() -> None:
    view = mirror_view(_frame(_row("CHN", "RUS", "export", 100.0)), "CHN", "RUS")
    assert view.select("importer_reported_value_usd", "discrepancy_usd").to_dicts() == [
        {"importer_reported_value_usd": None, "discrepancy_usd": None}
    ]


def test_products_are_matched_code_by_code() -> None:
    flows = _frame(
        _row("CHN", "RUS", "export", 5.0, code="8703"),
        _row("RUS", "CHN", "import", 6.0, code="8703"),
        _row("CHN", "RUS", "export", 2.0, code="8471"),
        _row("RUS", "CHN", "import", 1.0, code="8471"),
    )
    view = mirror_view(flows, "CHN", "RUS")
    assert view.select("product_code", "discrepancy_usd").to_dicts() == [
        {"product_code": "8471", "discrepancy_usd": -1.0},
        {"product_code": "8703", "discrepancy_usd": 1.0},
    ]


def test_each_side_keeps_its_own_classification() -> None:
    flows = _frame(
        _row("CHN", "RUS", "export", 1.0, classification="HS22"),
        _row("RUS", "CHN", "import", 1.0, classification="HS17"),
    )
    view = mirror_view(flows, "CHN", "RUS")
    assert view.select("exporter_classification", "importer_classification").row(0) == ("HS22", "HS17")


def test_every_row_carries_the_fob_cif_valuation_note() -> None:
    view = mirror_view(_frame(_row("CHN", "RUS", "export", 1.0)), "CHN", "RUS")
    assert view.get_column("valuation_note").to_list() == [VALUATION_NOTE]
    assert "FOB" in VALUATION_NOTE and "CIF" in VALUATION_NOTE and "freight and insurance" in VALUATION_NOTE


def test_discrepancy_pct_is_null_when_the_exporter_declared_zero() -> None:
    flows = _frame(_row("CHN", "RUS", "export", 0.0), _row("RUS", "CHN", "import", 3.0))
    assert mirror_view(flows, "CHN", "RUS").get_column("discrepancy_pct").to_list() == [None]


def test_reconciled_rows_are_not_taken_as_a_declaration() -> None:
    flows = _frame(_row("CHN", "RUS", "export", 100.0), _row("RUS", "CHN", "import", 999.0, reported_by="RECONCILED"))
    assert mirror_view(flows, "CHN", "RUS").get_column("importer_reported_value_usd").to_list() == [None]


def test_two_rows_for_the_same_flow_are_refused() -> None:
    flows = _frame(_row("CHN", "RUS", "export", 1.0), _row("CHN", "RUS", "export", 2.0))
    with pytest.raises(ParameterError, match="more than one row.*filter the frame to one source"):
        mirror_view(flows, "CHN", "RUS")


def test_the_same_country_twice_is_refused() -> None:
    with pytest.raises(ParameterError, match="two different countries"):
        mirror_view(_frame(_row("CHN", "RUS", "export", 1.0)), "CHN", "chn")


def test_an_unknown_country_gets_a_suggestion() -> None:
    with pytest.raises(ParameterError, match="Did you mean 'RUS'"):
        mirror_view(_frame(_row("CHN", "RUS", "export", 1.0)), "CHN", "RUSS")
