"""Tiny statement frames in the cooperation registry's shape (one row per stated figure), for analysis tests."""

from __future__ import annotations

import polars as pl

from bilateral.data.sources.cooperation_registry import STATEMENTS


def statement(period: str, metric: str, value: float | None, *, unit: str = "persons", qualifier: str | None = None,
              value_text: str | None = None, kind: str = "number", publisher: str = "Agency", url: str = "https://example.org/a",
              basis: str = "as stated") -> dict:  # fmt: skip
    """One row; `year` and `is_full_year` follow the registry's rules (an academic year has no calendar year)."""
    year = None if "/" in period else int(period[:4])
    return {
        "period": period, "year": year, "is_full_year": period.isdigit(), "metric": metric, "value": value,
        "value_usd": value * 1e9 if value is not None and unit.startswith("US$ bn") else None,
        "value_text": value_text if value_text is not None else (f"{value:g}" if value is not None else ""),
        "value_kind": kind, "value_date": None, "qualifier": qualifier, "unit": unit,
        "is_target_or_threshold": qualifier in ("more than", "exceeding", "at least", "target") or metric.endswith("_target"),
        "basis": basis, "publisher_named": publisher, "source_url": url, "quote": f"quote for {metric} {period}",
    }  # fmt: skip


def frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=STATEMENTS.polars_schema(), orient="row")


def currency_frame(rows: list[dict]) -> pl.DataFrame:
    """Settlement statements: `is_bilateral` False for metrics about all of Russia's trade, as the loader sets it."""
    return frame(rows).with_columns((~pl.col("metric").str.ends_with("_all_partners")).alias("is_bilateral"))
