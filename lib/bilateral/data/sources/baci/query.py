"""Querying converted BACI parquet lazily, with filters checked against the release."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from bilateral.data.schemas import TRADE_FLOWS
from bilateral.data.sources.baci.settings import PARTITION_FILE
from bilateral.errors import DataError, ParameterError


def scan_baci(parquet_dir: Path) -> pl.LazyFrame:
    """Lazy trade_flows frame over converted BACI parquet; nothing is read until collect().

    Filters on `year` prune whole partitions; filters on reporter/partner/product are pushed into the
    parquet reader, which skips row groups by their min/max statistics.
    """
    parquet_dir = Path(parquet_dir)
    if not any(parquet_dir.glob(f"year=*/{PARTITION_FILE}")):
        raise DataError(
            f"{parquet_dir}: no converted BACI partitions (year=YYYY/{PARTITION_FILE}). "
            "Convert a release first with convert_baci_release(zip_path, out_dir) or fetch_baci_snapshot(zip_path)."
        )
    frame = pl.scan_parquet(
        str(parquet_dir / "year=*" / PARTITION_FILE),
        hive_partitioning=True,
        hive_schema={"year": pl.Int32},
    )
    return frame.select(list(TRADE_FLOWS.columns))


def query_baci(
    parquet_dir: Path,
    *,
    reporters: str | Sequence[str] | None = None,
    partners: str | Sequence[str] | None = None,
    years: int | Sequence[int] | None = None,
    products: str | Sequence[str] | None = None,
) -> pl.DataFrame:
    """Rows of converted BACI matching every given filter (None = no filter), as trade_flows.

    reporters/partners: ISO3 codes (exporter/importer), checked against the release's country table.
    years: calendar years; only those partitions are read. products: HS prefixes of 2, 4 or 6 digits
    ("27", "2709", "270900"); a row matches if its product code starts with any of them.
    """
    parquet_dir = Path(parquet_dir)
    known = _release_iso3(parquet_dir)
    predicates = [
        _member_of("reporter_iso3", _check_iso3(reporters, known, "reporter")),
        _member_of("partner_iso3", _check_iso3(partners, known, "partner")),
        _member_of("year", _check_years(years)),
        _product_filter(_check_prefixes(products)),
    ]
    frame = scan_baci(parquet_dir)
    active = [p for p in predicates if p is not None]
    if active:
        frame = frame.filter(pl.all_horizontal(active))
    return frame.collect()


def _as_list(value: Any) -> list[Any] | None:
    if value is None:
        return None
    return [value] if isinstance(value, (str, int)) else list(value)


def _release_iso3(parquet_dir: Path) -> set[str] | None:
    path = parquet_dir / "countries.parquet"
    return set(pl.read_parquet(path, columns=["iso3"])["iso3"]) if path.is_file() else None


def _check_iso3(codes: str | Sequence[str] | None, known: set[str] | None, role: str) -> list[str] | None:
    items = _as_list(codes)
    if items is None:
        return None
    cleaned = []
    for code in items:
        text = str(code).strip().upper()
        if known is not None and text not in known:
            hints = difflib.get_close_matches(text, sorted(known), n=3, cutoff=0.5)
            hint = f" Did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
            raise ParameterError(f"Unknown {role} {code!r}: not in this BACI release's country table.{hint}")
        if not re.fullmatch(r"[A-Z]{3}", text):
            raise ParameterError(f"The {role} must be an ISO3 code such as 'CHN'; got {code!r}.")
        cleaned.append(text)
    return cleaned


def _check_years(years: int | Sequence[int] | None) -> list[int] | None:
    items = _as_list(years)
    if items is None:
        return None
    if not all(isinstance(y, int) and not isinstance(y, bool) for y in items):
        raise ParameterError(f"years must be whole years such as 2022; got {years!r}.")
    return items


def _check_prefixes(products: str | Sequence[str] | None) -> list[str] | None:
    items = _as_list(products)
    if items is None:
        return None
    for code in items:
        if not (isinstance(code, str) and re.fullmatch(r"\d{2}|\d{4}|\d{6}", code)):
            raise ParameterError(
                f"Product {code!r} is not an HS prefix: give 2, 4 or 6 digits as text, with leading zeros ('01', '2709', '270900')."
            )
    return items


def _member_of(column: str, values: list[Any] | None) -> pl.Expr | None:
    if values is None:
        return None
    if len(values) == 1:  # equality prunes row groups most reliably
        return pl.col(column) == values[0]
    return pl.col(column).is_in(values)


def _product_filter(prefixes: list[str] | None) -> pl.Expr | None:
    """Prefix match written as ranges ('27' -> '270000'..'279999') so row-group statistics can prune."""
    if prefixes is None:
        return None
    ranges = [pl.col("product_code").is_between(pl.lit(p.ljust(6, "0")), pl.lit(p.ljust(6, "9"))) for p in prefixes]
    return pl.any_horizontal(ranges)
