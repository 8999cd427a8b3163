"""Fetched statistics of a pair as headline statements, one basis per declarant (docs/decisions/0002, last part)."""

from __future__ import annotations

import polars as pl

DECLARED_SUFFIX = "_declared"  # basis codes of fetched statistics: "<ISO3 of the declarant>_declared"


def statements_from_flows(flows: pl.DataFrame, reporter: str, partner: str) -> pl.DataFrame:
    """Turn fetched all-products trade_flows of a pair into headline statements, one basis per declarant.

    Each side's own declarations become statements with basis `<ISO3>_declared` (exports, imports and their
    sum as turnover when both are declared), phrased from the declarant's side; `pair_statements` then turns
    them round. Values are exact (no printed rounding), so any two declarations that differ are disputed —
    which is what a mirror comparison shows.
    """
    rows = flows.filter(
        (pl.col("hs_level") == 0)
        & (pl.col("period").str.len_chars() == 4)
        & (pl.col("reported_by") == pl.col("reporter_iso3"))
        & (
            ((pl.col("reporter_iso3") == reporter) & (pl.col("partner_iso3") == partner))
            | ((pl.col("reporter_iso3") == partner) & (pl.col("partner_iso3") == reporter))
        )
        & pl.col("value_usd").is_not_null()
    )
    directional = (
        rows.group_by("year", "reporter_iso3", "partner_iso3", "flow")
        .agg(pl.col("value_usd").sum(), pl.col("source").first(), pl.col("dataset_version").first())
        .with_columns(pl.col("flow").replace_strict({"export": "exports", "import": "imports"}).alias("metric"))
    )
    turnover = (
        directional.group_by("year", "reporter_iso3", "partner_iso3")
        .agg(
            pl.col("value_usd").sum(), pl.len().alias("_n"), pl.col("source").first(), pl.col("dataset_version").first()
        )
        .filter(pl.col("_n") == 2)
        .drop("_n")
        .with_columns(pl.lit("turnover").alias("metric"))
    )
    both = pl.concat([directional.drop("flow"), turnover], how="diagonal")
    return both.select(
        pl.col("year").cast(pl.Int32),
        "reporter_iso3",
        "partner_iso3",
        "metric",
        pl.col("value_usd").cast(pl.Float64),
        pl.lit(None, pl.Float64).alias("yoy_pct"),
        (pl.col("reporter_iso3") + DECLARED_SUFFIX).alias("basis_code"),
        pl.concat_str(pl.col("reporter_iso3"), pl.lit(" declared statistics")).alias("basis"),
        pl.col("reporter_iso3").alias("reported_by"),
        pl.col("source").alias("publisher_named"),
        pl.concat_str(pl.lit("snapshot "), pl.col("dataset_version")).alias("source_url"),
        pl.lit("declared value, all products").alias("quote"),
        pl.lit(6, pl.Int8).alias("value_decimals"),
    ).sort("year", "reporter_iso3", "metric")
