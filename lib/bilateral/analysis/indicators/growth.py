"""Growth between years: year-on-year change and compound annual growth (CAGR).

References: WITS, "Trade indicators" (growth of exports/imports); Mikic and Gilbert, *Trade Statistics in
Policymaking: A Handbook of Commonly Used Trade Indices and Indicators*, UNESCAP/ARTNeT, revised edition 2009
(ST/ESCAP/2559), chapter on growth rates.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from bilateral.analysis.indicators._common import partial_flag, require_columns, require_unique
from bilateral.errors import ParameterError


def yoy_growth(
    frame: pl.DataFrame, *, value: str = "value_usd", by: Sequence[str] = (), year: str = "year"
) -> pl.DataFrame:
    """Year-on-year growth of `value` within each `by` group.

    Formula: g_t = (V_t / V_{t-1} - 1) x 100, in percent (`growth_pct`).

    Edge cases, by design:
    - the previous year has no row (a gap): null, the gap is not bridged to an older year;
    - V_{t-1} is zero, negative or null, or V_t is null: null;
    - either year is partial (`is_partial`, or `months_reported` < 12): null, and `is_partial` is true,
      because three months against twelve looks like a collapse.
    Returns the input rows (by, year, value) with `previous_value`, `growth_pct` and `is_partial`.
    """
    by = list(by)
    require_columns(frame, [*by, year, value], function="yoy_growth")
    require_unique(frame, [*by, year], function="yoy_growth")
    rows = frame.select(*by, year, value, partial_flag(frame).alias("is_partial"))
    previous = rows.select(
        *by,
        (pl.col(year) + 1).alias(year),
        pl.col(value).alias("previous_value"),
        pl.col("is_partial").alias("_previous_partial"),
    )
    joined = rows.join(previous, on=[*by, year], how="left", validate="1:1", nulls_equal=True)
    any_partial = pl.col("is_partial") | pl.col("_previous_partial").fill_null(False)
    computable = (pl.col("previous_value") > 0) & pl.col(value).is_not_null() & ~any_partial
    return joined.select(
        *by,
        year,
        value,
        "previous_value",
        pl.when(computable).then((pl.col(value) / pl.col("previous_value") - 1) * 100).alias("growth_pct"),
        any_partial.alias("is_partial"),
    ).sort([*by, year])


def cagr(
    frame: pl.DataFrame,
    start_year: int,
    end_year: int,
    *,
    value: str = "value_usd",
    by: Sequence[str] = (),
    year: str = "year",
) -> pl.DataFrame:
    """Compound annual growth rate between two years, per `by` group.

    Formula: CAGR = ((V_end / V_start) ^ (1 / (end_year - start_year)) - 1) x 100, in percent (`cagr_pct`).
    Only the two end points enter: years in between may be missing without changing the result, and
    `years_with_data` says how many of the years in the span had a row, so a reader sees thin coverage.

    Edge cases: either end point missing or null, V_start <= 0, V_end < 0, or either end point partial: null
    (`is_partial` says when that is the reason). end_year <= start_year is a ParameterError.
    """
    if end_year <= start_year:
        raise ParameterError(f"cagr needs end_year after start_year; got {start_year} to {end_year}.")
    by = list(by)
    require_columns(frame, [*by, year, value], function="cagr")
    require_unique(frame, [*by, year], function="cagr")
    rows = frame.with_columns(partial_flag(frame).alias("_partial"))
    span = rows.filter(pl.col(year).is_between(start_year, end_year))
    keys = span.select(by).unique() if by else pl.DataFrame({"_k": [0]})

    def point(at: int, name: str) -> pl.DataFrame:
        picked = rows.filter(pl.col(year) == at).select(
            *by, pl.col(value).alias(name), pl.col("_partial").alias(f"_{name}_partial")
        )
        return picked if by else picked.with_columns(pl.lit(0).alias("_k"))

    on = by or ["_k"]
    counts = (
        span.group_by(by).agg(pl.col(value).is_not_null().sum().alias("years_with_data"))
        if by
        else pl.DataFrame({"_k": [0], "years_with_data": [span.get_column(value).is_not_null().sum()]})
    )
    table = (
        keys.join(point(start_year, "start_value"), on=on, how="left", validate="1:1", nulls_equal=True)
        .join(point(end_year, "end_value"), on=on, how="left", validate="1:1", nulls_equal=True)
        .join(counts, on=on, how="left", validate="1:1", nulls_equal=True)
    )
    n = end_year - start_year
    partial = pl.col("_start_value_partial").fill_null(False) | pl.col("_end_value_partial").fill_null(False)
    ok = (pl.col("start_value") > 0) & (pl.col("end_value") >= 0) & ~partial
    out = table.select(
        *by,
        pl.lit(start_year).alias("start_year"),
        pl.lit(end_year).alias("end_year"),
        "start_value",
        "end_value",
        pl.col("years_with_data").fill_null(0).cast(pl.UInt32),
        pl.when(ok).then(((pl.col("end_value") / pl.col("start_value")) ** (1 / n) - 1) * 100).alias("cagr_pct"),
        partial.alias("is_partial"),
    )
    return out.sort(by) if by else out
