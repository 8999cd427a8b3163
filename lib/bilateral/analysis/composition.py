"""What two countries trade with each other, product by product: composition, concentration and "quality".

Pure functions over product-level `trade_flows` (no I/O, no drawing). Rows are first put in one shape,
`directional`: year, exporter_iso3, importer_iso3, direction ("China → Russia"), product_code (HS6),
value_usd, quantity (t) and the basis, so reconciled data (BACI: one value per exporter, importer and
product) and declared data (one side's own exports and imports) are handled alike.

What "the quality of trade" can be measured by here, and what it cannot show:
- the mix (sections, chapters, sector lenses) and its concentration over products (HHI and its effective
  number: how many equally sized products would give the same concentration);
- two-way trade within products (Grubel-Lloyd): high values mean both sides sell each other similar goods;
- unit values of the top products (US$ per tonne): a price-and-quality mix, not quality itself;
- the Product Complexity Index (OEC PCI, HS4) weighted by what Russia sold to China: how complex the
  products are on average, by the OEC's measure over world trade, for the products actually sold.
None of these measures says whether a product is well made, who captures the value, or what technology
moves; none can be computed for trade the data do not cover (services, unrecorded trade).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from bilateral.analysis.indicators import grubel_lloyd, grubel_lloyd_aggregate, hhi

RECONCILED = "RECONCILED"


def directional(flows: pl.DataFrame, a: str, b: str, names: Mapping[str, str]) -> pl.DataFrame:
    """Both directions of a-b trade at the finest HS level, one row per year, exporter, importer and product.

    Reconciled rows (BACI) are taken as they are, per exporter; declared rows are `a`'s own declarations
    (its exports to b, and its imports from b read as b -> a), so one basis is used for both directions.
    """
    product_rows = flows.filter(
        (pl.col("hs_level") == 6) & (pl.col("period").str.len_chars() == 4) & pl.col("value_usd").is_not_null()
    )
    reconciled = product_rows.filter(pl.col("reported_by") == RECONCILED)
    if not reconciled.is_empty():
        rows = reconciled.filter(
            ((pl.col("reporter_iso3") == a) & (pl.col("partner_iso3") == b)) | ((pl.col("reporter_iso3") == b) & (pl.col("partner_iso3") == a))
        ).filter(pl.col("flow") == "export").select(
            "year", pl.col("reporter_iso3").alias("exporter_iso3"), pl.col("partner_iso3").alias("importer_iso3"),
            "product_code", "value_usd", "quantity", "quantity_unit", "reported_by",
        )  # fmt: skip
    else:
        own = product_rows.filter(
            (pl.col("reporter_iso3") == a) & (pl.col("partner_iso3") == b) & (pl.col("reported_by") == a)
        )
        is_export = pl.col("flow") == "export"
        rows = own.select(
            "year",
            pl.when(is_export).then(pl.lit(a)).otherwise(pl.lit(b)).alias("exporter_iso3"),
            pl.when(is_export).then(pl.lit(b)).otherwise(pl.lit(a)).alias("importer_iso3"),
            "product_code", "value_usd", "quantity", "quantity_unit", "reported_by",
        )  # fmt: skip
    arrow = (
        pl.col("exporter_iso3").replace_strict(names, default=pl.col("exporter_iso3"))
        + " → "
        + pl.col("importer_iso3").replace_strict(names, default=pl.col("importer_iso3"))
    )
    return rows.with_columns(arrow.alias("direction")).sort("year", "direction", "product_code")


def totals(rows: pl.DataFrame) -> pl.DataFrame:
    """year x direction: value_usd and products traded."""
    return (
        rows.group_by("year", "direction")
        .agg(pl.col("value_usd").sum(), pl.col("product_code").n_unique().alias("products"))
        .sort("year", "direction")
    )


def by_group(rows: pl.DataFrame, group_of: pl.DataFrame, group: str) -> pl.DataFrame:
    """year x direction x group (a column of `group_of`, keyed by product_code): value_usd and share_pct.

    `group_of` maps product_code to e.g. `section` or `chapter` (with a `<group>_name`). Products without a
    group are kept under null, so shares add up to 100.
    """
    joined = rows.join(group_of, on="product_code", how="left", validate="m:1")
    name = f"{group}_name"
    summed = joined.group_by("year", "direction", group, name).agg(pl.col("value_usd").sum())
    return summed.with_columns(
        (pl.col("value_usd") / pl.col("value_usd").sum().over("year", "direction") * 100).alias("share_pct")
    ).sort("year", "direction", "value_usd", descending=[False, False, True])


def top_products(rows: pl.DataFrame, year: int, n: int = 20) -> pl.DataFrame:
    """The n largest products of each direction in `year`, with rank, share of the direction and unit value."""
    in_year = rows.filter(pl.col("year") == year)
    return (
        in_year.with_columns(
            (pl.col("value_usd") / pl.col("value_usd").sum().over("direction") * 100).alias("share_pct"),
            pl.col("value_usd").rank("ordinal", descending=True).over("direction").alias("rank"),
            unit_value(),
        )
        .filter(pl.col("rank") <= n)
        .sort("direction", "rank")
    )


def unit_value() -> pl.Expr:
    """US$ per tonne where a positive weight in tonnes is given; null otherwise (never a division by zero)."""
    usable = (pl.col("quantity_unit") == "t") & (pl.col("quantity") > 0)
    return pl.when(usable).then(pl.col("value_usd") / pl.col("quantity")).alias("unit_value_usd_per_t")


def unit_values(rows: pl.DataFrame, products: list[str]) -> pl.DataFrame:
    """year x direction x product: value, tonnes and US$ per tonne, for the listed products."""
    return (
        rows.filter(pl.col("product_code").is_in(products))
        .with_columns(unit_value())
        .sort("direction", "product_code", "year")
    )


def lens_shares(rows: pl.DataFrame, lenses: Mapping[str, pl.Expr]) -> pl.DataFrame:
    """year x direction x lens: value_usd and share_pct of the direction's total. Lenses may overlap: never add them."""
    total = rows.group_by("year", "direction").agg(pl.col("value_usd").sum().alias("_total"))
    parts = [
        rows.with_columns(pl.lit(6, pl.Int8).alias("hs_level")).filter(expression).group_by("year", "direction").agg(pl.col("value_usd").sum())
        .with_columns(pl.lit(name).alias("lens"))
        for name, expression in lenses.items()
    ]  # fmt: skip
    if not parts:
        return pl.DataFrame(
            schema={
                "year": pl.Int32,
                "direction": pl.String,
                "lens": pl.String,
                "value_usd": pl.Float64,
                "share_pct": pl.Float64,
            }
        )
    # a lens with no product in a year is a real 0 for that year (the extract covers every traded product)
    grid = total.join(pl.DataFrame({"lens": list(lenses)}), how="cross")
    joined = grid.join(pl.concat(parts), on=["year", "direction", "lens"], how="left", validate="1:1").with_columns(
        pl.col("value_usd").fill_null(0.0)
    )
    return (
        joined.with_columns((pl.col("value_usd") / pl.col("_total") * 100).alias("share_pct"))
        .drop("_total")
        .sort("lens", "direction", "year")
    )


def concentration(rows: pl.DataFrame) -> pl.DataFrame:
    """year x direction: HHI over products and its effective number (1 / HHI)."""
    return hhi(rows, over="product_code", by=("year", "direction")).sort("direction", "year")


def intra_industry(
    rows: pl.DataFrame, a: str, group_of: pl.DataFrame | None = None, group: str | None = None
) -> pl.DataFrame:
    """Grubel-Lloyd from `a`'s side per year (and per `group`, e.g. section): aggregate and imbalance-adjusted."""
    as_a = rows.select(
        "year", "product_code", "value_usd",
        pl.when(pl.col("exporter_iso3") == a).then(pl.lit("export")).otherwise(pl.lit("import")).alias("flow"),
        pl.lit(a).alias("reporter_iso3"),
    )  # fmt: skip
    per_product = grubel_lloyd(as_a, by=("year",))
    if group is None or group_of is None:
        return grubel_lloyd_aggregate(per_product, by=("year",))
    grouped = per_product.join(group_of, on="product_code", how="left", validate="m:1")
    return grubel_lloyd_aggregate(grouped, by=("year", group, f"{group}_name"))


def complexity_weighted(complexity: pl.DataFrame) -> pl.DataFrame:
    """year: export-weighted mean PCI (sum pci x value / sum value over products with a PCI), and coverage.

    `complexity` is the product_complexity table (hs4, year, pci, export_value_usd). Products without a
    PCI are left out of the mean; `covered_pct` says how much of the value had one.
    """
    with_pci = pl.col("pci").is_not_null() & pl.col("export_value_usd").is_not_null()
    return (
        complexity.group_by("year")
        .agg(
            (
                (pl.col("pci") * pl.col("export_value_usd")).filter(with_pci).sum()
                / pl.col("export_value_usd").filter(with_pci).sum()
            ).alias("pci_weighted"),
            (pl.col("export_value_usd").filter(with_pci).sum() / pl.col("export_value_usd").sum() * 100).alias(
                "covered_pct"
            ),
            pl.col("pci").filter(with_pci).mean().alias("pci_unweighted"),
            pl.col("hs4").filter(with_pci).n_unique().alias("products"),
        )
        .sort("year")
    )
