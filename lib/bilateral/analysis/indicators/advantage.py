"""Comparative advantage and complementarity: Balassa's revealed comparative advantage and the trade
complementarity index. Both need world trade by product (every exporter, every product), which the shipped data
does not have: the China-Russia BACI extract covers one pair only. A full BACI release
(`bilateral data fetch baci <release zip>`) gives it.

References: Balassa (1965), "Trade liberalisation and 'revealed' comparative advantage", The Manchester School
33(2); WITS, "Trade indicators": Revealed comparative advantage, Trade complementarity index (after Michaely,
1996, "Trade preferential agreements in Latin America: an ex-ante assessment", World Bank Policy Research
Working Paper 1583); Mikic and Gilbert, *Trade Statistics in Policymaking*, UNESCAP/ARTNeT 2009, chapter 3.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from bilateral.analysis.indicators._common import (
    ALL_PRODUCTS,
    WORLD,
    partial_flag,
    require_columns,
    require_non_negative,
    safe_ratio,
)
from bilateral.errors import ParameterError


def _by_product(frame: pl.DataFrame, flow: str, value: str, function: str) -> pl.DataFrame:
    """One row per (year, reporter, product) of `flow` with the world: WLD rows, or the sum over partners."""
    rows = frame.filter(pl.col("flow") == flow) if "flow" in frame.columns else frame
    rows = rows.filter(pl.col("product_code") != ALL_PRODUCTS)
    if rows.is_empty():
        return rows.select("year", "reporter_iso3", "product_code", pl.col(value), pl.lit(False).alias("is_partial"))
    lengths = rows.get_column("product_code").str.len_chars().unique().to_list()
    if len(lengths) > 1:
        raise ParameterError(
            f"{function}: product codes of different HS levels ({', '.join(str(n) for n in sorted(lengths))} digits) "
            "are mixed; the same trade would count twice. Keep one level (e.g. hs_level == 6)."
        )
    require_non_negative(rows, value, function=function)
    if "partner_iso3" in rows.columns:
        mixed = (
            rows.group_by("year", "reporter_iso3")
            .agg((pl.col("partner_iso3") == WORLD).any().alias("w"), (pl.col("partner_iso3") != WORLD).any().alias("p"))
            .filter(pl.col("w") & pl.col("p"))
        )
        if mixed.height:
            first = mixed.row(0, named=True)
            raise ParameterError(
                f"{function}: {first['reporter_iso3']} {first['year']} has both world (WLD) rows and partner rows; "
                "pass one or the other, or the world would be counted twice."
            )
    return (
        rows.with_columns(partial_flag(rows).alias("_partial"))
        .group_by("year", "reporter_iso3", "product_code")
        .agg(pl.col(value).sum().alias(value), pl.col("_partial").any().alias("is_partial"))
    )


def balassa_rca(exports: pl.DataFrame, *, value: str = "value_usd") -> pl.DataFrame:
    """Balassa's revealed comparative advantage of each exporter in each product, per year.

    Formula: RCA_ik = (x_ik / X_i) / (x_wk / X_w), where x_ik is i's exports of product k, X_i = sum_k x_ik, x_wk
    the exports of k by all exporters in the frame and X_w their total. Above 1: k weighs more in i's exports
    than in the world's ("revealed" advantage).

    The world is the exporters in the frame: pass every exporter (a full BACI year, one HS level), or the index
    compares i with a club, not the world (`exporters_in_world` says how many). Edge cases: X_i, x_wk or X_w
    zero -> null; a product i does not export has no row (its RCA is 0 only if the frame is a full matrix, which
    this function cannot know); mixed HS levels and mixed world/partner rows are errors; partial years flagged.
    """
    require_columns(exports, ["year", "reporter_iso3", "product_code", value], function="balassa_rca")
    rows = _by_product(exports, "export", value, "balassa_rca")
    x = pl.col(value)
    table = rows.with_columns(
        x.sum().over("year", "reporter_iso3").alias("exporter_total_value"),
        x.sum().over("year", "product_code").alias("world_product_value"),
        x.sum().over("year").alias("world_total_value"),
        pl.col("reporter_iso3").n_unique().over("year").cast(pl.Int32).alias("exporters_in_world"),
    )
    return table.select(
        "year",
        pl.col("reporter_iso3").alias("exporter_iso3"),
        "product_code",
        pl.col(value).alias("exports_value"),
        "exporter_total_value",
        "world_product_value",
        "world_total_value",
        "exporters_in_world",
        safe_ratio(
            safe_ratio(x, pl.col("exporter_total_value")),
            safe_ratio(pl.col("world_product_value"), pl.col("world_total_value")),
        ).alias("rca"),
        "is_partial",
    ).sort("year", "exporter_iso3", "product_code")


def trade_complementarity(
    flows: pl.DataFrame, exporter: str, importer: str, *, value: str = "value_usd", by: Sequence[str] = ("year",)
) -> pl.DataFrame:
    """Trade complementarity index between an exporter's exports and an importer's imports, per year.

    Formula: TC_ij = 100 x (1 - sum_k |m_jk - x_ik| / 2), where x_ik is product k's share of i's exports to the
    world and m_jk its share of j's imports from the world. 0: i exports nothing j imports; 100: the
    two structures match exactly.

    Input: a trade_flows-like frame holding the exporter's export rows and the importer's import rows by product
    (to/from WLD, or by partner, summed). A product on one side only has share 0 on the other. Edge cases: a year
    in which either side has no rows or a zero total -> null (not 0, which would claim no complementarity);
    mixed HS levels are an error; partial years flagged.
    """
    by = list(by)
    if by != ["year"]:
        raise ParameterError("trade_complementarity groups by year only (by=('year',)).")
    require_columns(flows, ["year", "reporter_iso3", "product_code", "flow", value], function="trade_complementarity")
    side_x = _by_product(flows.filter(pl.col("reporter_iso3") == exporter), "export", value, "trade_complementarity")
    side_m = _by_product(flows.filter(pl.col("reporter_iso3") == importer), "import", value, "trade_complementarity")
    x_share = side_x.select(
        "year",
        "product_code",
        safe_ratio(pl.col(value), pl.col(value).sum().over("year")).alias("x_share"),
        pl.col("is_partial").alias("_px"),
    )
    m_share = side_m.select(
        "year",
        "product_code",
        safe_ratio(pl.col(value), pl.col(value).sum().over("year")).alias("m_share"),
        pl.col("is_partial").alias("_pm"),
    )
    years_x = x_share.group_by("year").agg(pl.col("x_share").is_not_null().all().alias("_ok_x"))
    years_m = m_share.group_by("year").agg(pl.col("m_share").is_not_null().all().alias("_ok_m"))
    joined = x_share.join(m_share, on=["year", "product_code"], how="full", coalesce=True, validate="1:1")
    table = joined.group_by("year").agg(
        (pl.col("m_share").fill_null(0) - pl.col("x_share").fill_null(0)).abs().sum().alias("_distance"),
        (pl.col("_px").fill_null(False) | pl.col("_pm").fill_null(False)).any().alias("is_partial"),
        pl.len().cast(pl.Int32).alias("n_products"),
    )
    table = table.join(years_x, on="year", how="left", validate="1:1").join(
        years_m, on="year", how="left", validate="1:1"
    )
    valid = pl.col("_ok_x").fill_null(False) & pl.col("_ok_m").fill_null(False)
    return table.select(
        "year",
        pl.lit(exporter).alias("exporter_iso3"),
        pl.lit(importer).alias("importer_iso3"),
        "n_products",
        pl.when(valid).then(100 * (1 - pl.col("_distance") / 2)).alias("trade_complementarity"),
        "is_partial",
    ).sort("year")
