"""High-tech trade between two countries through sector lenses: series over time and top products per lens.

Pure functions over the `directional` rows of `bilateral.analysis.composition` (year, exporter, importer,
direction, HS6 product, value, tonnes). A lens is a polars expression on product_code and hs_level (the data
layer's `lens_filter`); lenses overlap, so their values are never added. `with_segments` numbers runs of
consecutive years so a chart never draws a line across a missing year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from bilateral.analysis import composition


def with_segments(frame: pl.DataFrame, by: Sequence[str], year: str = "year") -> pl.DataFrame:
    """Adds `segment`: within each `by` group, a new number wherever a year is missing before the row."""
    ordered = frame.sort(*by, year)
    gap = (pl.col(year).diff().over(by).fill_null(1) != 1).cast(pl.Int32)
    return ordered.with_columns(gap.cum_sum().over(by).alias("segment"))


def in_lens(rows: pl.DataFrame, lens: pl.Expr) -> pl.DataFrame:
    """Directional HS6 rows inside one lens (lens expressions need an hs_level column; directional rows are HS6)."""
    return rows.with_columns(pl.lit(6, pl.Int8).alias("hs_level")).filter(lens).drop("hs_level")


def lens_series(rows: pl.DataFrame, lenses: Mapping[str, pl.Expr]) -> pl.DataFrame:
    """year x direction x lens: value_usd, share_pct of the direction's trade, and `segment` (runs of years)."""
    return with_segments(composition.lens_shares(rows, lenses), ("direction", "lens"))


def lens_top_products(rows: pl.DataFrame, lenses: Mapping[str, pl.Expr], year: int, n: int) -> pl.DataFrame:
    """The n largest products of each direction within each lens in `year`; share_pct = share of the lens's value."""
    parts = [composition.top_products(in_lens(rows, expression), year, n).with_columns(pl.lit(name).alias("lens"))
             for name, expression in lenses.items()]  # fmt: skip
    parts = [part for part in parts if not part.is_empty()]
    return pl.concat(parts).sort("lens", "direction", "rank") if parts else pl.DataFrame()


def change(series: pl.DataFrame, lens: str, direction: str) -> dict[str, object] | None:
    """First and last year of one lens and direction with value and share, or None when it has no rows."""
    rows = series.filter((pl.col("lens") == lens) & (pl.col("direction") == direction)).sort("year")
    if rows.is_empty():
        return None
    first, last = rows.row(0, named=True), rows.row(-1, named=True)
    return {"first_year": first["year"], "first_usd": first["value_usd"], "first_pct": first["share_pct"],
            "last_year": last["year"], "last_usd": last["value_usd"], "last_pct": last["share_pct"]}  # fmt: skip
