"""Concentration: Herfindahl-Hirschman index over partners or products, import dependency and supplier concentration.

References: WITS, "Trade indicators": Hirschman-Herfindahl index (market concentration, normalised form);
Mikic and Gilbert, *Trade Statistics in Policymaking*, UNESCAP/ARTNeT 2009, chapter 3 (concentration and
diversification indices); the effective number 1/HHI follows Adelman (1969), "Comment on the H concentration
measure as a numbers-equivalent", Review of Economics and Statistics 51(1).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from bilateral.analysis.indicators._common import (
    drop_aggregates,
    partial_flag,
    require_columns,
    require_non_negative,
    require_unique,
    safe_ratio,
    with_group_keys,
)
from bilateral.analysis.indicators.ranks import rank_over_time, shares
from bilateral.errors import ParameterError


def hhi(
    frame: pl.DataFrame, *, over: str = "partner_iso3", by: Sequence[str] = ("year",), value: str = "value_usd"
) -> pl.DataFrame:
    """Herfindahl-Hirschman index of `value` over the items in `over`, per group.

    Formulas, with s_k = v_k / sum(v) the share of item k (as a fraction) and N the number of items with a value:
    - hhi = sum_k s_k^2, from 1/N (equal shares) to 1 (one item takes all);
    - hhi_normalized = (hhi - 1/N) / (1 - 1/N), from 0 to 1 (the WITS form, comparable across N);
    - effective_number = 1 / hhi, the number of equal-sized items that would give the same hhi.

    Shares are of the sum over items present (world rows WLD and all-products rows TOTAL are left out), so the
    index describes what the frame covers. Edge cases: total zero or no item with a value -> all three null;
    N = 1 -> hhi 1, effective_number 1, hhi_normalized null (0/0: undefined with one item); null values are
    left out and not counted in N; partial years flagged (`is_partial`); negative values are an error.
    """
    by = list(by)
    require_columns(frame, [*by, over, value], function="hhi")
    require_non_negative(frame, value, function="hhi")
    require_unique(frame, [*by, over], function="hhi")
    keys, rows = with_group_keys(frame.with_columns(partial_flag(frame).alias("_partial")), by)
    items = drop_aggregates(rows, over).filter(pl.col(value).is_not_null())
    table = items.group_by(keys).agg(
        pl.len().cast(pl.Int32).alias("n_items"),
        pl.col(value).sum().alias("_total"),
        (pl.col(value) ** 2).sum().alias("_squares"),
        pl.col("_partial").any().alias("is_partial"),
    )
    index = safe_ratio(pl.col("_squares"), pl.col("_total") ** 2)
    n = pl.col("n_items").cast(pl.Float64)
    out = table.with_columns(index.alias("hhi")).select(
        *by,
        "n_items",
        "hhi",
        pl.when(pl.col("n_items") > 1).then((pl.col("hhi") - 1 / n) / (1 - 1 / n)).alias("hhi_normalized"),
        safe_ratio(pl.lit(1.0), pl.col("hhi")).alias("effective_number"),
        "is_partial",
    )
    return out.sort(by) if by else out


def supplier_concentration(
    imports: pl.DataFrame, *, by: Sequence[str] = ("year", "product_code"), value: str = "value_usd"
) -> pl.DataFrame:
    """HHI over the suppliers (partners) of one importer's imports, per year and product.

    Pass one importer's import rows by partner (reporter_iso3 = importer, flow = import). Same formulas and edge
    cases as `hhi` with over = partner_iso3; a high value means the importer relies on few suppliers.
    """
    require_columns(imports, ["reporter_iso3", "flow", "partner_iso3"], function="supplier_concentration")
    _one_importer(imports, "supplier_concentration")
    return hhi(imports, over="partner_iso3", by=by, value=value).rename(
        {"n_items": "n_suppliers", "effective_number": "effective_suppliers"}
    )


def import_dependency(
    imports: pl.DataFrame, supplier: str, *, by: Sequence[str] = ("year", "product_code"), value: str = "value_usd"
) -> pl.DataFrame:
    """The supplier's share of one importer's imports of each product, its rank among suppliers, and the
    concentration of those imports.

    Formula: d_jik = m_jik / M_jk x 100, where m_jik is importer j's imports of product k from supplier i and
    M_jk its imports of k from the world (the WLD row when the frame has one, otherwise the sum over suppliers
    present; `share_basis` says which). Beside it: supplier_rank (1 = the largest supplier), n_suppliers, hhi
    and effective_suppliers (see `supplier_concentration`).

    Edge cases: a product the supplier does not supply has no row here (its share is not computed as 0 from a
    missing row: absent from a full matrix such as BACI means no trade, but from an extract it means not asked);
    M_jk zero -> share null; partial years flagged. The importer's own totals must be in the frame: with only
    the supplier's rows every share would be 100%.
    """
    by = list(by)
    require_columns(imports, [*by, "reporter_iso3", "flow", "partner_iso3", value], function="import_dependency")
    _one_importer(imports, "import_dependency")
    share = shares(imports, over="partner_iso3", by=by, value=value)
    ranked = rank_over_time(imports, over="partner_iso3", by=by, value=value).select(*by, "partner_iso3", "rank")
    concentration = supplier_concentration(imports, by=by, value=value)
    return (
        share.filter(pl.col("partner_iso3") == supplier)
        .join(ranked, on=[*by, "partner_iso3"], how="left", validate="1:1")
        .join(concentration.drop("is_partial"), on=by, how="left", validate="1:1")
        .select(
            *by,
            pl.col("partner_iso3").alias("supplier_iso3"),
            pl.col(value).alias("supplier_value"),
            pl.col("total_value").alias("importer_total_value"),
            "share_basis",
            pl.col("share_pct").alias("dependency_pct"),
            pl.col("rank").alias("supplier_rank"),
            "n_suppliers",
            "hhi",
            "effective_suppliers",
            "is_partial",
        )
        .sort(by)
    )


def _one_importer(imports: pl.DataFrame, function: str) -> None:
    flows = imports.get_column("flow").unique().to_list()
    importers = imports.get_column("reporter_iso3").unique().to_list()
    if flows != ["import"] or len(importers) > 1:
        raise ParameterError(
            f"{function} needs one importer's import rows; got reporter(s) {', '.join(sorted(map(str, importers))) or 'none'} "
            f"and flow(s) {', '.join(sorted(map(str, flows))) or 'none'}. Filter to reporter_iso3 == importer and flow == 'import'."
        )
