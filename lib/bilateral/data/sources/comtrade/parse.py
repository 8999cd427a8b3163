"""Comtrade answers -> trade_flows: pure parsing (no network, no files), with SourceWarnings for dropped rows."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import polars as pl
import polars.selectors as cs
import pycountry

from bilateral.data import fetch as fetching
from bilateral.data.schemas import TRADE_FLOWS, validate
from bilateral.data.sources.comtrade.areas import ComtradeArea, area_for_code
from bilateral.data.sources.comtrade.settings import (
    AREAS_CSV,
    CLASSIFICATION_NAMES,
    FLOW_NAMES,
    REQUIRED_COLUMNS,
    SOURCE,
)
from bilateral.errors import DataError

log = logging.getLogger(__name__)


def parse_comtrade_frame(
    data: pd.DataFrame | pl.DataFrame | Iterable[Mapping[str, Any]], *, dataset_version: str
) -> pl.DataFrame:
    """Turn comtradeapicall's frame (or the records of a v1 JSON `data` list) into trade_flows.

    Pure: no network, no files. Empty input gives an empty, validated frame. Raises DataError for a
    missing column, an area code not in comtrade_areas.csv, or rows repeating a trade_flows key
    (schemas.TRADE_FLOWS.key); warns (SourceWarning) about rows it drops (non-country areas,
    re-exports, breakdown rows).
    """
    frame, notes = parse_records(data, dataset_version)
    for note in notes:
        fetching.warn_source(note)
    return frame


def parse_comtrade_body(body: bytes | str, *, dataset_version: str) -> pl.DataFrame:
    """Parse one raw v1 JSON response body (as stored in a snapshot) into trade_flows."""
    try:
        payload = json.loads(body)
        records = payload["data"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"Not a UN Comtrade v1 JSON body with a 'data' list: {exc}") from exc
    return parse_comtrade_frame(records, dataset_version=dataset_version)


def parse_records(data: Any, dataset_version: str) -> tuple[pl.DataFrame, list[str]]:
    raw = _to_polars(data)
    if raw.height == 0:
        return TRADE_FLOWS.empty_frame(), []
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"UN Comtrade response lacks column(s) {', '.join(missing)}; is it a v1 'get' answer?")
    notes: list[str] = []
    raw = _keep_totals(raw, notes)
    raw = _keep_export_import(raw, notes)
    raw = _attach_iso3(raw, "reporter", notes)
    raw = _attach_iso3(raw, "partner", notes)
    frame = _to_trade_flows(raw, dataset_version)
    return validate(frame, TRADE_FLOWS, dataset="UN Comtrade response"), notes


def _to_polars(data: Any) -> pl.DataFrame:
    if isinstance(data, pl.DataFrame):
        frame = data
    else:
        records = data.to_dict(orient="records") if isinstance(data, pd.DataFrame) else list(data)
        frame = pl.from_dicts(records, infer_schema_length=None) if records else pl.DataFrame()
    return frame.with_columns(cs.float().fill_nan(None))  # pandas stores JSON null as NaN


def _keep_totals(raw: pl.DataFrame, notes: list[str]) -> pl.DataFrame:
    """Drop breakdown rows (by customs procedure, transport mode, second partner): totals only."""
    conditions = []
    if "customsCode" in raw.columns:
        conditions.append(pl.col("customsCode").is_null() | (pl.col("customsCode") == "C00"))
    if "motCode" in raw.columns:
        conditions.append(pl.col("motCode").is_null() | (pl.col("motCode").cast(pl.Int64) == 0))
    if "partner2Code" in raw.columns:
        conditions.append(pl.col("partner2Code").is_null() | (pl.col("partner2Code").cast(pl.Int64) == 0))
    if not conditions:
        return raw
    kept = raw.filter(pl.all_horizontal(conditions))
    if kept.height < raw.height:
        notes.append(
            f"UN Comtrade: dropped {raw.height - kept.height} breakdown row(s) (customs procedure, mode of transport "
            "or second partner other than the total), so values are not counted twice."
        )
    return kept


def _keep_export_import(raw: pl.DataFrame, notes: list[str]) -> pl.DataFrame:
    kept = raw.filter(pl.col("flowCode").is_in(list(FLOW_NAMES)))
    if kept.height < raw.height:
        others = sorted(set(raw.get_column("flowCode").drop_nulls()) - set(FLOW_NAMES))
        notes.append(
            f"UN Comtrade: dropped {raw.height - kept.height} row(s) with flow code(s) {', '.join(others)} "
            "(re-exports, re-imports or processing); exports (X) and imports (M) already include them."
        )
    return kept


def _attach_iso3(raw: pl.DataFrame, role: str, notes: list[str]) -> pl.DataFrame:
    """Add `<role>_iso3` from the area table; drop (and note) rows of areas that are not countries."""
    codes = raw.get_column(f"{role}Code").cast(pl.Int64)
    areas = {code: area_for_code(code, role=role) for code in codes.unique().to_list()}
    _check_against_response_iso(raw, role, areas)
    mapping = {code: area.iso3 for code, area in areas.items()}
    mapped = raw.with_columns(
        pl.col(f"{role}Code").cast(pl.Int64).replace_strict(mapping, return_dtype=pl.String).alias(f"{role}_iso3")
    )
    kept = mapped.filter(pl.col(f"{role}_iso3").is_not_null())
    if kept.height < mapped.height:
        dropped = mapped.filter(pl.col(f"{role}_iso3").is_null())
        names = sorted({areas[c].name for c in dropped.get_column(f"{role}Code").cast(pl.Int64).to_list()})
        value = dropped.get_column("primaryValue").sum()
        notes.append(
            f"UN Comtrade: dropped {dropped.height} row(s) whose {role} is not a country ({'; '.join(names)}), "
            f"USD {value:,.0f} in total; see {AREAS_CSV.name} for why these areas have no ISO3."
        )
    return kept


def _check_against_response_iso(raw: pl.DataFrame, role: str, areas: dict[int, ComtradeArea]) -> None:
    """Where the answer carries a real ISO3 of its own, it must agree with our table."""
    column = f"{role}ISO"
    if column not in raw.columns:
        return
    pairs = raw.select(pl.col(f"{role}Code").cast(pl.Int64), pl.col(column)).unique().rows()
    for code, iso in pairs:
        ours = areas[code].iso3
        if ours and iso and pycountry.countries.get(alpha_3=iso) and iso != ours:
            raise DataError(
                f"UN Comtrade says {role} code {code} is {iso}, but {AREAS_CSV.name} maps it to {ours}. "
                "Check the code in Comtrade's reference list and correct the table."
            )


def _to_trade_flows(raw: pl.DataFrame, dataset_version: str) -> pl.DataFrame:
    frequencies = set(raw.get_column("freqCode").to_list())
    if not frequencies <= {"A", "M"}:
        unexpected = sorted(str(f) for f in frequencies - {"A", "M"})
        raise DataError(f"UN Comtrade response has frequency code(s) {unexpected}; expected A or M.")
    cmd = pl.col("cmdCode").cast(pl.String)
    unit = pl.col("qtyUnitAbbr").cast(pl.String)
    has_unit = unit.is_not_null() & (unit != "N/A")
    if "qtyUnitCode" in raw.columns:
        has_unit = has_unit & (pl.col("qtyUnitCode").cast(pl.Int64) != -1)
    month = pl.col("refMonth").cast(pl.Int64).cast(pl.String).str.zfill(2)
    return raw.select(
        pl.col("refYear").cast(pl.Int32).alias("year"),
        pl.when(pl.col("freqCode") == "M")
        .then(pl.format("{}-{}", pl.col("refYear").cast(pl.Int64), month))
        .otherwise(pl.col("refYear").cast(pl.Int64).cast(pl.String))
        .alias("period"),
        pl.col("reporter_iso3"),
        pl.col("partner_iso3"),
        pl.col("flowCode").replace_strict(FLOW_NAMES, return_dtype=pl.String).alias("flow"),
        pl.col("classificationCode").cast(pl.String).replace(CLASSIFICATION_NAMES).alias("classification"),
        pl.when(cmd == "TOTAL").then(0).otherwise(cmd.str.len_chars()).cast(pl.Int8).alias("hs_level"),
        cmd.alias("product_code"),
        pl.col("primaryValue").cast(pl.Float64).alias("value_usd"),
        pl.when(has_unit).then(pl.col("qty").cast(pl.Float64)).alias("quantity"),
        pl.when(has_unit).then(unit).alias("quantity_unit"),
        pl.col("netWgt").cast(pl.Float64).alias("net_weight_kg"),
        pl.col("reporter_iso3").alias("reported_by"),
        pl.lit(SOURCE).alias("source"),
        pl.lit(dataset_version).alias("dataset_version"),
    )
