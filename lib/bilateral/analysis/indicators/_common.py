"""Helpers shared by the indicator modules: safe ratios, partial-year flags and input checks.

Every indicator follows the same edge-case contract, kept here so it is written once:
- a ratio whose denominator is zero or missing is null, never inf or NaN (polars would give inf);
- a missing row is missing, never a zero: no function fills a gap;
- a partial year (fewer than 12 months, or flagged by the loader) is carried as `is_partial` so a
  reader never compares three months with twelve without being told.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

from bilateral.errors import ParameterError

WORLD = "WLD"  # partner code of a reporter's trade with the world (IMF DOTS, Comtrade)
ALL_PRODUCTS = "TOTAL"  # product code of all-products rows in trade_flows


def safe_ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator, null when the denominator is zero or null (never inf or NaN)."""
    return pl.when(denominator.is_not_null() & (denominator != 0)).then(numerator / denominator).otherwise(None)


def partial_flag(frame: pl.DataFrame) -> pl.Expr:
    """Boolean expression: is this row a partial year?

    Uses `is_partial` when the frame has it, otherwise `months_reported < 12` (null months = an annual
    figure, complete), otherwise False (annual statistics such as DOTS or BACI are complete years).
    """
    if "is_partial" in frame.columns:
        return pl.col("is_partial").fill_null(False)
    if "months_reported" in frame.columns:
        return (pl.col("months_reported") < 12).fill_null(False)
    return pl.lit(False)


def require_columns(frame: pl.DataFrame, columns: Iterable[str], *, function: str) -> None:
    """ParameterError naming the function and the missing columns."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"{function} needs column(s) {', '.join(missing)}; the frame has {', '.join(frame.columns) or 'no columns'}. "
            "Pass a canonical table (ARCHITECTURE.md, 'Canonical tables') or name the columns with the keyword arguments."
        )


def require_non_negative(frame: pl.DataFrame, value: str, *, function: str) -> None:
    """Trade values are never negative; a negative one means a wrong column or a corrupt table."""
    negative = frame.filter(pl.col(value) < 0)
    if negative.height:
        raise ParameterError(
            f"{function}: column {value} has a negative value ({negative.get_column(value)[0]}); shares and indices "
            "are defined for non-negative trade values only. Check that you passed values, not balances or changes."
        )


def require_unique(frame: pl.DataFrame, keys: Sequence[str], *, function: str) -> None:
    """One row per key, or a sum would count a flow twice (e.g. two sources or two releases in one frame)."""
    if not keys or frame.height < 2:
        return
    repeated = frame.select(keys).is_duplicated()
    if repeated.any():
        example = frame.filter(repeated).select(keys).row(0, named=True)
        raise ParameterError(
            f"{function}: more than one row for {', '.join(f'{k}={v!r}' for k, v in example.items())}. "
            "Filter the frame to one source, release and declarant (reported_by) first, or aggregate it."
        )


def drop_aggregates(frame: pl.DataFrame, over: str) -> pl.DataFrame:
    """Leave out the rows that are totals of the others: partner WLD, product TOTAL."""
    if over == "partner_iso3":
        return frame.filter(pl.col(over) != WORLD)
    if over == "product_code":
        return frame.filter(pl.col(over) != ALL_PRODUCTS)
    return frame


def with_group_keys(frame: pl.DataFrame, by: Sequence[str]) -> tuple[list[str], pl.DataFrame]:
    """Grouping keys for `by`, adding a constant key when `by` is empty so one code path serves both."""
    if by:
        return list(by), frame
    return ["_all"], frame.with_columns(pl.lit(0).alias("_all"))
