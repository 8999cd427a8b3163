"""bilateral.data.schemas: the one validation function, here its key check, on tiny hand-made frames."""

from __future__ import annotations

import polars as pl
import pytest

from bilateral.data.schemas import TRADE_FLOWS, Column, Schema, validate
from bilateral.errors import DataError

PRICES = Schema(
    "prices",
    {"country": Column(pl.String), "year": Column(pl.Int32), "price_usd": Column(pl.Float64)},
    key=("country", "year"),
)


def trade_row(**changes: object) -> dict[str, object]:
    """One valid trade_flows row: China's 2023 exports of crude oil (HS 2709) to Russia."""
    row = {
        "year": 2023, "period": "2023", "reporter_iso3": "CHN", "partner_iso3": "RUS", "flow": "export",
        "classification": "HS22", "hs_level": 4, "product_code": "2709", "value_usd": 100.0, "quantity": None,
        "quantity_unit": None, "net_weight_kg": None, "reported_by": "CHN", "source": "test", "dataset_version": "v1",
    }  # fmt: skip
    return {**row, **changes}


def trade_frame(*rows: dict[str, object]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=TRADE_FLOWS.polars_schema())


def test_rows_with_distinct_keys_pass() -> None:
    frame = pl.DataFrame({"country": ["CHN", "CHN", "RUS"], "year": [2022, 2023, 2022], "price_usd": [1.0, 2.0, 3.0]})

    assert validate(frame, PRICES, dataset="prices.csv").height == 3


def test_repeated_key_raises_naming_dataset_key_columns_and_the_key() -> None:
    frame = pl.DataFrame({"country": ["CHN", "RUS", "CHN"], "year": [2022, 2022, 2022], "price_usd": [1.0, 2.0, 9.0]})

    with pytest.raises(DataError) as caught:
        validate(frame, PRICES, dataset="prices.csv")

    message = str(caught.value)
    assert message.startswith("prices.csv: 2 rows share their key (country, year)")
    assert "country='CHN', year=2022" in message


def test_a_key_column_holding_one_value_still_counts() -> None:
    # every row has year 2022; the rows differ in country, so the keys are distinct
    frame = pl.DataFrame({"country": ["CHN", "RUS"], "year": [2022, 2022], "price_usd": [1.0, 1.0]})

    assert validate(frame, PRICES, dataset="prices.csv").height == 2


def test_identical_rows_are_a_repeated_key() -> None:
    frame = pl.DataFrame({"country": ["CHN", "CHN"], "year": [2022, 2022], "price_usd": [1.0, 1.0]})

    with pytest.raises(DataError, match="country='CHN', year=2022"):
        validate(frame, PRICES, dataset="prices.csv")


def test_schema_without_key_allows_repeated_rows() -> None:
    schema = Schema("notes", {"country": Column(pl.String)})

    assert validate(pl.DataFrame({"country": ["CHN", "CHN"]}), schema, dataset="notes").height == 2


def test_key_must_name_columns_of_the_table() -> None:
    with pytest.raises(ValueError, match="key column.s. month are not columns"):
        Schema("prices", {"year": Column(pl.Int32)}, key=("year", "month"))


def test_trade_flows_key_tells_hs_revisions_and_declarants_apart() -> None:
    frame = trade_frame(
        trade_row(),
        trade_row(classification="HS17"),  # the same code in another HS revision
        trade_row(reported_by="RUS"),  # the mirror declaration
        trade_row(dataset_version="v2"),  # a later release
    )

    assert validate(frame, TRADE_FLOWS, dataset="four declarations").height == 4


def test_trade_flows_row_differing_only_in_value_is_a_repeat() -> None:
    frame = trade_frame(trade_row(), trade_row(value_usd=250.0))

    with pytest.raises(DataError, match=r"^two values: 2 rows share their key \(year, period, .*product_code='2709'"):
        validate(frame, TRADE_FLOWS, dataset="two values")


def test_empty_frame_has_every_column_typed_and_in_order() -> None:
    frame = TRADE_FLOWS.empty_frame()

    assert frame.height == 0
    assert frame.schema == pl.Schema(TRADE_FLOWS.polars_schema())
    assert validate(frame, TRADE_FLOWS, dataset="empty").equals(frame)
