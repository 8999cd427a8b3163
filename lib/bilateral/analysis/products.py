"""What a reporter trades with a partner, product by product, from any `trade_flows` table.

Pure functions (no I/O). Monthly rows are summed to years and keep a count of the months reported,
so a partial year is visible instead of looking like a collapse. Shares are shares of what the table
covers: for an extract with a limited set of destinations, the denominator is those destinations,
not the world, and `partners_covered` says how many there were.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl


def pair_flows(
    flows: pl.DataFrame, reporter: str, partner: str, flow: str, start_year: int, end_year: int
) -> pl.DataFrame:
    """Rows of one reporter -> partner flow within the years (inclusive)."""
    return flows.filter(
        (pl.col("reporter_iso3") == reporter)
        & (pl.col("partner_iso3") == partner)
        & (pl.col("flow") == flow)
        & pl.col("year").is_between(start_year, end_year)
    )


def finest_level(flows: pl.DataFrame) -> tuple[pl.DataFrame, int | None]:
    """Rows at the most detailed HS level present, and that level.

    A table fetched at several levels (chapter 27 and heading 2709) holds the same trade twice; summing
    across levels would double count, so one level is kept and the report says which.
    """
    levels = flows.filter(pl.col("hs_level") > 0).get_column("hs_level").unique().to_list()
    if not levels:
        return flows.clear(), None
    level = max(levels)
    return flows.filter(pl.col("hs_level") == level), level


def annual_by_product(flows: pl.DataFrame) -> pl.DataFrame:
    """year x product: value (US$), quantity, unit value (US$ per quantity unit) and months reported.

    Quantity is summed only when every row of the product-year has the same unit; otherwise quantity,
    unit and unit value are left empty rather than adding kilograms to litres.
    """
    return (
        flows.group_by("year", "product_code")
        .agg(
            pl.col("value_usd").sum().alias("value_usd"),
            pl.col("quantity").sum().alias("_quantity"),
            pl.col("quantity_unit").drop_nulls().unique().alias("_units"),
            pl.col("quantity_unit").null_count().alias("_unitless"),
            pl.col("period").n_unique().alias("periods_reported"),
            (pl.col("period").str.len_chars() == 7).any().alias("is_monthly"),
        )
        .with_columns(
            ((pl.col("_units").list.len() == 1) & (pl.col("_unitless") == 0)).alias("_one_unit"),
        )
        .with_columns(
            pl.when(pl.col("_one_unit")).then(pl.col("_units").list.first()).alias("quantity_unit"),
            pl.when(pl.col("_one_unit")).then(pl.col("_quantity")).alias("quantity"),
        )
        .with_columns(
            pl.when(pl.col("quantity") > 0).then(pl.col("value_usd") / pl.col("quantity")).alias("unit_value_usd"),
            pl.when(pl.col("is_monthly")).then(pl.col("periods_reported")).alias("months_reported"),
        )
        .select("year", "product_code", "quantity_unit", "value_usd", "quantity", "unit_value_usd", "months_reported")
        .sort("product_code", "year")
    )


def partner_share(
    flows: pl.DataFrame, reporter: str, partner: str, flow: str, start_year: int, end_year: int
) -> pl.DataFrame:
    """year x product: the partner's value, the reporter's total over covered partners, share_pct and rank.

    Rank 1 = the partner is the largest destination (or origin) of that product among those covered.
    """
    reporter_rows = flows.filter(
        (pl.col("reporter_iso3") == reporter)
        & (pl.col("flow") == flow)
        & pl.col("year").is_between(start_year, end_year)
        & (pl.col("partner_iso3") != "WLD")
    )
    by_partner = reporter_rows.group_by("year", "product_code", "partner_iso3").agg(pl.col("value_usd").sum())
    ranked = by_partner.with_columns(
        pl.col("value_usd")
        .rank(method="min", descending=True)
        .over("year", "product_code")
        .cast(pl.Int32)
        .alias("partner_rank"),
        pl.col("value_usd").sum().over("year", "product_code").alias("covered_total_usd"),
        pl.len().over("year", "product_code").alias("partners_covered"),
    )
    return (
        ranked.filter(pl.col("partner_iso3") == partner)
        .with_columns((pl.col("value_usd") / pl.col("covered_total_usd") * 100).alias("share_pct"))
        .select(
            "year", "product_code", "value_usd", "covered_total_usd", "share_pct", "partner_rank", "partners_covered"
        )
        .sort("product_code", "year")
    )


def product_table(annual: pl.DataFrame, shares: pl.DataFrame, descriptions: dict[str, str]) -> pl.DataFrame:
    """The report's key table: one row per product and year with value, share, rank and completeness."""
    return (
        annual.join(
            shares.select("year", "product_code", "share_pct", "partner_rank", "partners_covered"),
            on=["year", "product_code"],
            how="left",
            validate="1:1",
        )
        .with_columns(pl.col("product_code").replace_strict(descriptions, default=None).alias("product"))
        .select(
            "product_code",
            "product",
            "year",
            "value_usd",
            "quantity",
            "quantity_unit",
            "unit_value_usd",
            "months_reported",
            "share_pct",
            "partner_rank",
            "partners_covered",
        )
        .sort("product_code", "year")
    )


def lens_table(
    in_lens: pl.DataFrame,
    reporter: str,
    partner: str,
    flow: str,
    start_year: int,
    end_year: int,
    describe: Callable[[list[str], str | None], dict[str, str]],
) -> tuple[pl.DataFrame, int | None]:
    """The product table of one pair within a lens, at the finest HS level present, and that level.

    `describe(codes, classification)` gives display names (the data layer's `descriptions_for`), so
    this stays free of I/O.
    """
    level_rows, level = finest_level(in_lens)
    pair = pair_flows(level_rows, reporter, partner, flow, start_year, end_year)
    annual = annual_by_product(pair)
    shares = partner_share(level_rows, reporter, partner, flow, start_year, end_year)
    revisions = pair.get_column("classification").unique().to_list()
    names = describe(
        annual.get_column("product_code").unique().to_list(), revisions[0] if len(revisions) == 1 else None
    )
    return product_table(annual, shares, names), level


def product_findings(table: pl.DataFrame, reporter_name: str, partner_name: str, flow: str) -> str:
    """Sentences computed from the product table: the largest product in the last year and its trend."""
    if table.is_empty():
        return ""
    last_year = int(table.get_column("year").max())
    latest = table.filter(pl.col("year") == last_year).sort("value_usd", descending=True)
    top = latest.row(0, named=True)
    verb = "exports to" if flow == "export" else "imports from"
    total = latest.get_column("value_usd").sum()
    text = (
        f"In {last_year}, {reporter_name}'s {verb} {partner_name} in this lens came to US${total / 1e6:,.1f} m; the largest "
        f"line was {top['product_code']} ({top['product']}) at US${top['value_usd'] / 1e6:,.1f} m"
    )
    text += "."
    if top["share_pct"] is not None:
        # the denominator is this product's trade with the partners the table covers, not the lens total above it
        # and not the world: an extract with named destinations says how many
        n = top["partners_covered"]
        places = ("destination" if flow == "export" else "origin") + ("" if n == 1 else "s")
        text += (
            f" {partner_name} took {top['share_pct']:.1f}% of {reporter_name}'s {'exports' if flow == 'export' else 'imports'}"
            f" of that product {'to' if flow == 'export' else 'from'} the {n} {places} the data cover"
            f" (rank {top['partner_rank']} of {n}); it is not a share of the lens total or of world trade."
        )
    first = table.filter(pl.col("product_code") == top["product_code"]).sort("year").row(0, named=True)
    if first["year"] != last_year and first["value_usd"]:
        ratio = top["value_usd"] / first["value_usd"]
        text += f" That line was {ratio:.1f} times its {first['year']} value."
    if top["months_reported"] is not None and top["months_reported"] < 12:
        months = top["months_reported"]
        text += f" {last_year} has only {months} {'month' if months == 1 else 'months'} with trade reported."
    return text


def coverage(flows: pl.DataFrame) -> dict[str, object]:
    """What a trade_flows table covers, for 'no data' messages: reporters, flows, years, products."""
    if flows.is_empty():
        return {"reporters": [], "flows": [], "years": None, "products": [], "partners": 0}
    return {
        "reporters": sorted(flows.get_column("reporter_iso3").unique().to_list()),
        "flows": sorted(flows.get_column("flow").unique().to_list()),
        "years": (int(flows.get_column("year").min()), int(flows.get_column("year").max())),
        "products": sorted(flows.get_column("product_code").unique().to_list())[:12],
        "partners": flows.get_column("partner_iso3").n_unique(),
    }


def no_data_message(
    params: Any, reporter_name: str, partner_name: str, lens_title: str, source_label: str, covered: dict[str, Any]
) -> str:
    """A polite report section saying what the source does cover and how to get the missing data."""
    years = covered["years"]
    scope = (
        f"For {reporter_name} it has {', '.join(covered['flows'])} rows for {years[0]}–{years[1]} with "
        f"{covered['partners']} partners."
        if years
        else f"It has no rows with {reporter_name} as reporter."
    )
    return (
        f"### No {params.flow} rows for {reporter_name}–{partner_name} in the {lens_title} lens, "
        f"{params.start_year}–{params.end_year}\n\n"
        f"The selected source ({source_label}) has no such rows, so this report shows no chart rather than an "
        f"empty one. {scope} To fill the gap, fetch official statistics for the pair, e.g. "
        f"`bilateral data fetch comtrade --reporter {params.reporter} --partner {params.partner} "
        f"--years {params.start_year}-{params.end_year} --hs-level 6`, then run this report with `-p source=comtrade`."
    )
