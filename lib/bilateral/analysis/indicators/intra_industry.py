"""Intra-industry trade: the Grubel-Lloyd index per product and for a whole trade relation.

References: Grubel and Lloyd (1975), *Intra-Industry Trade: The Theory and Measurement of International
Trade in Differentiated Products*, Macmillan/Wiley (the index and its adjustment for an overall trade
imbalance); WITS, "Trade indicators": Grubel-Lloyd intra-industry trade index; Mikic and Gilbert, *Trade
Statistics in Policymaking*, UNESCAP/ARTNeT 2009, chapter 4 (intra-industry trade indices).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from bilateral.analysis.indicators._common import (
    ALL_PRODUCTS,
    partial_flag,
    require_columns,
    require_non_negative,
    safe_ratio,
)
from bilateral.errors import ParameterError


def grubel_lloyd(
    flows: pl.DataFrame, *, by: Sequence[str] = ("year",), product: str = "product_code", value: str = "value_usd"
) -> pl.DataFrame:
    """Grubel-Lloyd index per product: GL_k = 1 - |X_k - M_k| / (X_k + M_k), from 0 (one-way trade) to 1.

    Input: one reporter's trade with one partner (or the world) at one product level, long, with flow in
    {export, import} (X = exports, M = imports). A product present in one direction only counts as zero trade in
    the other, because trade tables list non-zero flows; but if a whole direction has no rows in a group (a year
    with exports only), that direction is missing, not zero, and every GL of the group is null.

    Edge cases: X_k + M_k = 0 -> null; a product with a null value (not published) -> null; all-products rows (TOTAL) are left out; partial years flagged.
    Returns by, product, exports_value, imports_value, gl_index, is_partial.
    """
    by = list(by)
    require_columns(flows, [*by, product, "flow", value], function="grubel_lloyd")
    require_non_negative(flows, value, function="grubel_lloyd")
    reporters = flows.get_column("reporter_iso3").n_unique() if "reporter_iso3" in flows.columns else 1
    if reporters > 1:
        raise ParameterError("grubel_lloyd needs one reporter's trade; filter the frame to one reporter_iso3 first.")
    rows = flows.filter(pl.col(product) != ALL_PRODUCTS).with_columns(partial_flag(flows).alias("_partial"))
    summed = rows.group_by([*by, product]).agg(
        pl.col(value).filter(pl.col("flow") == "export").sum().alias("exports_value"),
        pl.col(value).filter(pl.col("flow") == "import").sum().alias("imports_value"),
        pl.col("_partial").any().alias("is_partial"),
        pl.col(value).is_null().any().alias("_has_null"),
    )
    directions = rows.group_by(by).agg(pl.col("flow").n_unique().alias("_directions")) if by else None
    if directions is not None:
        summed = summed.join(directions, on=by, how="left", validate="m:1")
    else:
        summed = summed.with_columns(pl.lit(rows.get_column("flow").n_unique()).alias("_directions"))
    both = (pl.col("_directions") == 2) & ~pl.col("_has_null")  # a null value is "not published", not zero
    x, m = pl.col("exports_value"), pl.col("imports_value")
    return summed.select(
        *by,
        product,
        pl.when(both).then(x).alias("exports_value"),
        pl.when(both).then(m).alias("imports_value"),
        pl.when(both).then(1 - safe_ratio((x - m).abs(), x + m)).alias("gl_index"),
        "is_partial",
    ).sort([*by, product])


def grubel_lloyd_aggregate(per_product: pl.DataFrame, *, by: Sequence[str] = ("year",)) -> pl.DataFrame:
    """Aggregate Grubel-Lloyd indices over products, from `grubel_lloyd` output.

    - gl_aggregate = 1 - sum_k |X_k - M_k| / sum_k (X_k + M_k): the trade-weighted mean of GL_k.
    - gl_adjusted = (sum_k (X_k + M_k) - sum_k |X_k - M_k|) / (sum_k (X_k + M_k) - |sum_k X_k - sum_k M_k|):
      Grubel and Lloyd's (1975) adjustment, which removes the part of one-way trade explained by the overall
      imbalance, so a relation with a large surplus is not read as inter-industry trade for that reason alone.
    - trade_imbalance_pct = |sum X - sum M| / sum (X + M) x 100, the imbalance the adjustment removes.

    Edge cases: total trade zero -> null; a fully one-sided relation (sum X or sum M = 0) makes the adjusted
    denominator zero -> gl_adjusted null; groups whose per-product values are null (a direction missing) -> null.
    """
    by = list(by)
    require_columns(per_product, [*by, "exports_value", "imports_value"], function="grubel_lloyd_aggregate")
    x, m = pl.col("exports_value"), pl.col("imports_value")
    aggs = [
        (x + m).sum().alias("_gross"),
        (x - m).abs().sum().alias("_net"),
        x.sum().alias("_x"),
        m.sum().alias("_m"),
        x.is_null().any().alias("_missing"),
        pl.col("is_partial").any().alias("is_partial")
        if "is_partial" in per_product.columns
        else pl.lit(False).alias("is_partial"),
    ]
    table = per_product.group_by(by).agg(aggs) if by else per_product.select(aggs)
    gross, net, imbalance = pl.col("_gross"), pl.col("_net"), (pl.col("_x") - pl.col("_m")).abs()
    valid = ~pl.col("_missing")
    out = table.select(
        *by,
        pl.when(valid).then(pl.col("_x")).alias("exports_value"),
        pl.when(valid).then(pl.col("_m")).alias("imports_value"),
        pl.when(valid).then(1 - safe_ratio(net, gross)).alias("gl_aggregate"),
        pl.when(valid).then(safe_ratio(gross - net, gross - imbalance)).alias("gl_adjusted"),
        pl.when(valid).then(safe_ratio(imbalance, gross) * 100).alias("trade_imbalance_pct"),
        "is_partial",
    )
    return out.sort(by) if by else out
