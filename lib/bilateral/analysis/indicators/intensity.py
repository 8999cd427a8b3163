"""Trade intensity and the mirror gap: is a pair's trade larger than the two countries' weight in world trade
suggests, and how far apart are the two declarations of the same flow?

References: WITS, "Trade indicators": Trade Intensity Index, T_ij = (x_ij / X_it) / (x_wj / X_wt); Mikic and
Gilbert, *Trade Statistics in Policymaking*, UNESCAP/ARTNeT 2009, chapter 2 (trade intensity index); for
mirror statistics, WTO/UNCTAD *A Practical Guide to Trade Policy Analysis* (2012), chapter 1 (data: mirror
data and their discrepancies) and UN *International Merchandise Trade Statistics: Concepts and Definitions*
(FOB/CIF valuation).
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis import mirror
from bilateral.analysis.indicators._common import (
    WORLD,
    require_columns,
    require_non_negative,
    require_unique,
    safe_ratio,
)
from bilateral.errors import ParameterError


def trade_intensity(exports: pl.DataFrame, *, value: str = "value_usd") -> pl.DataFrame:
    """Trade intensity index for every exporter i and partner j in the frame, per year.

    Formula: TII_ij = (x_ij / X_i) / (x_wj / X_w), where x_ij is i's exports to j, X_i i's exports to the
    world (its WLD row), x_wj the world's exports to j and X_w the world's total exports. Above 1: i sends j a
    larger share of its exports than the world does.

    "World" is the set of reporters in the frame that have a WLD row that year (`reporters_in_world`): x_wj is
    their summed exports to j and X_w their summed WLD rows, so numerator and denominator cover the same
    reporters. With IMF DOTS (every reporter, partner WLD) that is the world as the IMF records it.

    Input: all-products export rows (flow = export where a flow column exists) with reporter_iso3,
    partner_iso3, year and value; when `reported_by` exists only each reporter's own declarations are used
    (mirror rows would double count). Edge cases: X_i missing or zero, x_wj or X_w zero -> null; an exporter
    without a WLD row that year gets null and is not part of the world; missing pairs are not zeros.
    """
    require_columns(exports, ["reporter_iso3", "partner_iso3", "year", value], function="trade_intensity")
    rows = exports
    if "flow" in rows.columns:
        rows = rows.filter(pl.col("flow") == "export")
    if "reported_by" in rows.columns:
        rows = rows.filter(pl.col("reported_by") == pl.col("reporter_iso3"))
    if rows.is_empty():
        raise ParameterError("trade_intensity needs export rows declared by their reporters; the frame has none.")
    require_non_negative(rows, value, function="trade_intensity")
    require_unique(rows, ["reporter_iso3", "partner_iso3", "year"], function="trade_intensity")
    totals = rows.filter((pl.col("partner_iso3") == WORLD) & pl.col(value).is_not_null()).select(
        "reporter_iso3", "year", pl.col(value).alias("exporter_total_value")
    )
    world_total = totals.group_by("year").agg(
        pl.col("exporter_total_value").sum().alias("world_total_value"),
        pl.len().cast(pl.Int32).alias("reporters_in_world"),
    )
    bilateral = rows.filter(pl.col("partner_iso3") != WORLD).join(
        totals, on=["reporter_iso3", "year"], how="left", validate="m:1"
    )
    world_to_partner = (
        bilateral.filter(pl.col("exporter_total_value").is_not_null())
        .group_by("partner_iso3", "year")
        .agg(pl.col(value).sum().alias("world_to_partner_value"))
    )
    table = bilateral.join(world_to_partner, on=["partner_iso3", "year"], how="left", validate="m:1").join(
        world_total, on="year", how="left", validate="m:1"
    )
    in_world = pl.col("exporter_total_value").is_not_null()
    return table.select(
        "year",
        pl.col("reporter_iso3").alias("exporter_iso3"),
        pl.col("partner_iso3"),
        pl.col(value).alias("exports_to_partner_value"),
        "exporter_total_value",
        pl.when(in_world).then(pl.col("world_to_partner_value")).alias("world_to_partner_value"),
        "world_total_value",
        "reporters_in_world",
        pl.when(in_world)
        .then(
            safe_ratio(
                safe_ratio(pl.col(value), pl.col("exporter_total_value")),
                safe_ratio(pl.col("world_to_partner_value"), pl.col("world_total_value")),
            )
        )
        .alias("trade_intensity"),
    ).sort("year", "exporter_iso3", "partner_iso3")


def mirror_gap(trade_flows: pl.DataFrame, a: str, b: str) -> pl.DataFrame:
    """Both declarations of each A<->B flow with the gap between them (extends `mirror.mirror_view`).

    Adds to the mirror view (exporter's FOB figure X, importer's CIF figure M, discrepancy_usd = M - X and
    discrepancy_pct = (M - X) / X x 100):
    - mirror_ratio = M / X (about 1.05-1.10 expected from freight and insurance alone);
    - gap_pct_of_mean = (M - X) / ((M + X) / 2) x 100, symmetric in the two sides, so it can serve as "the
      sources' own disagreement" when judging whether a margin is a close call.
    A flow declared by one side only keeps the other side null and all gap measures null.
    """
    view = mirror.mirror_view(trade_flows, a, b)
    x, m = pl.col("exporter_reported_value_usd"), pl.col("importer_reported_value_usd")
    return view.with_columns(
        safe_ratio(m, x).alias("mirror_ratio"),
        (safe_ratio(m - x, (m + x) / 2) * 100).alias("gap_pct_of_mean"),
    )


def declared_turnover_gap(trade_flows: pl.DataFrame, a: str, b: str) -> pl.DataFrame:
    """The pair's turnover (exports + imports) as each side declares it, per year, and the gap between them.

    turnover_declared_by_a = A's exports to B + A's imports from B, both as A declares them (likewise for B);
    gap_pct_of_mean = (by_b - by_a) / ((by_a + by_b) / 2) x 100. Uses all-products annual rows (hs_level 0).
    A side that declares only one of the two directions in a year has a null turnover (not a partial sum).
    """
    require_columns(trade_flows, ["hs_level", "period"], function="declared_turnover_gap")
    totals = trade_flows.filter((pl.col("hs_level") == 0) & (pl.col("period").str.len_chars() == 4))
    gaps = mirror_gap(totals, a, b)
    forward = gaps.filter(pl.col("exporter_iso3") == a).select(
        "year",
        pl.col("exporter_reported_value_usd").alias("_a_exports"),
        pl.col("importer_reported_value_usd").alias("_b_imports"),
    )
    backward = gaps.filter(pl.col("exporter_iso3") == b).select(
        "year",
        pl.col("exporter_reported_value_usd").alias("_b_exports"),
        pl.col("importer_reported_value_usd").alias("_a_imports"),
    )
    both = forward.join(backward, on="year", how="full", coalesce=True, validate="1:1")
    by_a = pl.col("_a_exports") + pl.col("_a_imports")  # null if either is null: no partial sums
    by_b = pl.col("_b_exports") + pl.col("_b_imports")
    return both.select(
        "year",
        pl.lit(a).alias("country_a"),
        pl.lit(b).alias("country_b"),
        by_a.alias("turnover_declared_by_a"),
        by_b.alias("turnover_declared_by_b"),
        (safe_ratio(by_b - by_a, (by_a + by_b) / 2) * 100).alias("gap_pct_of_mean"),
    ).sort("year")
