"""Cited headline figures as stated, and when they are disputed (docs/decisions/0002, rules 4 and 7).

A printed figure stands for an interval, not a point: "146.88" may be 146.887 rounded or cut (truncated) at the
second decimal, so it stands for [146.875, 146.89). Two statements of one year and metric *disagree* only when
their intervals do not overlap, i.e. no rounding or truncation of one gives the other (146.87 and 146.88 agree;
146.887 and 146.87 do not). A qualifier widens the interval: "over 107" is open above, "nearly 30" open below,
"around 29" is shown but widens nothing (as in `consistency`). Differences between two *declarants* of fetched
statistics are mirror differences (shown in the mirror view), not disputes.

A statement the consistency checks name (`consistency.disputed_statements`: stated growth vs the levels it links,
parts vs total, the same figure on several pages, stated vs declared statistics) is *contested*: it stays in the
table, marked disputed with the reason and both figures, and the headline rule prefers an uncontested statement of
the same basis when there is one. Nothing is replaced by a declared or computed figure. Pure functions; no I/O.
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis.consistency import bound_of, qualifier_of
from bilateral.analysis.declared_statements import DECLARED_SUFFIX

SERIES_METRICS = ("turnover", "exports", "imports")


def as_stated(value_usd: float | None, decimals: int | None, qualifier: str | None = None) -> str | None:
    """The figure in US$ bn as the page printed it, with its qualifier: (29e9, 0, 'around') -> 'around 29'."""
    if value_usd is None:
        return None
    number = f"{value_usd / 1e9:,.{decimals if decimals is not None else 2}f}"
    return f"{qualifier} {number}" if qualifier else number


def with_stated(statements: pl.DataFrame) -> pl.DataFrame:
    """Statements plus `qualifier`, `as_stated` and the interval each printed figure stands for (`_low`, `_high`,
    US$): rounding or truncation at the last printed digit, opened on one side by a bound qualifier."""
    qualifiers = [qualifier_of(q, v) for q, v in zip(statements["quote"], statements["value_usd"], strict=True)]
    rows = statements.with_columns(pl.Series("qualifier", qualifiers, dtype=pl.String))
    bounds = [bound_of(q, m) for q, m in zip(rows["qualifier"], rows["metric"], strict=True)]
    unit = pl.lit(10.0).pow(-pl.col("value_decimals").fill_null(0).cast(pl.Float64)) * 1e9
    bound = pl.Series("_bound", bounds, dtype=pl.String)
    # exact declared values are shown to two decimals: they were not printed by a page
    shown = pl.when(pl.col("basis_code").str.ends_with(DECLARED_SUFFIX)).then(2).otherwise(pl.col("value_decimals"))
    return (
        rows.with_columns(bound, shown.alias("_shown_decimals"))
        .with_columns(
            pl.struct("value_usd", pl.col("_shown_decimals").alias("value_decimals"), "qualifier")
            .map_elements(
                lambda r: as_stated(r["value_usd"], r["value_decimals"], r["qualifier"]), return_dtype=pl.String
            )
            .alias("as_stated"),
            pl.when(pl.col("_bound") == "upper")
            .then(float("-inf"))
            .otherwise(pl.col("value_usd") - 0.5 * unit)
            .alias("_low"),
            pl.when(pl.col("_bound") == "lower")
            .then(float("inf"))
            .otherwise(pl.col("value_usd") + unit)
            .alias("_high"),
        )
        .drop("_shown_decimals")
    )


def disagreements(outturns: pl.DataFrame) -> pl.DataFrame:
    """Per statement (row index `_id` of `outturns`): the statements of the same year and metric it disagrees with,
    as 'figure (publisher)' joined by '; ' in `disagrees_with`. Only statements with a disagreement are returned."""
    rows = with_stated(outturns).with_row_index("_id")
    pairs = rows.join(rows, on=["year", "metric"], suffix="_other").filter(pl.col("_id") != pl.col("_id_other"))
    both_declared = pl.col("basis_code").str.ends_with(DECLARED_SUFFIX) & pl.col("basis_code_other").str.ends_with(
        DECLARED_SUFFIX
    )
    apart = (pl.col("_low") > pl.col("_high_other") + 1e-3) | (pl.col("_low_other") > pl.col("_high") + 1e-3)
    return (
        pairs.filter(apart & ~both_declared)
        .sort("_id", "value_usd_other")
        .group_by("_id", maintain_order=True)
        .agg(
            pl.concat_str(pl.col("as_stated_other"), pl.lit(" ("), pl.col("publisher_named_other"), pl.lit(")"))
            .unique(maintain_order=True)
            .str.join("; ")
            .alias("disagrees_with")
        )
    )


def disputed_cells(outturns: pl.DataFrame) -> pl.DataFrame:
    """Every statement of a (year, metric) cell in which some two statements disagree beyond their printed
    precision, with the spread of the cell, the figure as stated and what each statement disagrees with (null for
    a statement that agrees with all others of its cell)."""
    rows = with_stated(outturns).with_row_index("_id")
    clashes = disagreements(outturns)
    cells = rows.join(clashes, on="_id", how="semi").select("year", "metric").unique()
    return (
        rows.join(cells, on=["year", "metric"], how="semi")
        .join(clashes, on="_id", how="left", validate="1:1")
        .with_columns(
            (pl.col("value_usd").max() - pl.col("value_usd").min()).over(["year", "metric"]).alias("spread_usd"),
            pl.col("as_stated").alias("value_as_stated_usd_bn"),
        )
        .drop("_id", "_low", "_high", "_bound")
        .sort("year", "metric", "basis_code", "value_usd")
    )


CHECK_WORDS = {
    "stated_vs_declared": "declared data",
    "growth_vs_levels": "growth arithmetic",
    "parts_vs_total": "exports + imports",
    "same_figure": "another page",
}


def contested_statements(findings: pl.DataFrame) -> pl.DataFrame:
    """(year, source_url, value, check, against) for every statement an inconsistency of `consistency.check_statements`
    names, on either side of it, with the other figure in a few words: what a report shows beside a disputed figure.

    stated vs declared: 'IMF DOTS, declared by China: 67.95 bn'; growth (the stating year): 'its +2.2% implies
    68.03 bn for 2015; stated 64.2 bn (publisher)'; growth (last year's figure): '68.03 bn implied by 2016's +2.2%
    to 69.525 bn (publisher)'; parts vs total: 'exports 42.9 bn + imports 41.2 bn = 84.10 bn'; the same figure on
    another page: '80.07 bn (publisher)'. Minor differences (within the allowance) are not listed."""
    rows = []
    for f in findings.filter(pl.col("is_inconsistent")).iter_rows(named=True):
        check, year = f["check"], f["year"]
        if check == "stated_vs_declared":
            rows.append(
                (year, f["source_url"], f["value"], check, f"{_declarant(f['other_publisher'])}: {f['other_figure']}")
            )
        elif check == "parts_vs_total":
            rows.append((year, f["source_url"], f["value"], check, f["other_figure"]))
        elif check == "same_figure":
            rows.append((year, f["source_url"], f["value"], check, f"{f['other_figure']} ({f['other_publisher']})"))
            rows.append((year, f["other_source_url"], f["other_value"], check, f"{f['figure']} ({f['publisher']})"))
        elif check == "growth_vs_levels" and f["value"] is not None and f["expected"]:
            rate = (f["value"] / f["expected"] - 1) * 100
            implied = f"{f['expected'] / 1e9:,.2f} bn"
            rows.append(
                (
                    year,
                    f["source_url"],
                    f["value"],
                    check,
                    f"its {rate:+.1f}% implies {implied} for {year - 1}; stated {f['other_figure']} ({f['other_publisher']})",
                )
            )
            rows.append(
                (
                    year - 1,
                    f["other_source_url"],
                    f["other_value"],
                    check,
                    f"{implied} implied by {year}'s {rate:+.1f}% to {f['figure']} ({f['publisher']})",
                )
            )
        elif check == "growth_vs_levels":  # a rate stated without a level, against two years of levels
            rows.append((year - 1, f["other_source_url"], f["other_value"], check,
                         f"{year}'s stated {f['figure']} vs {f['other_figure']}"))  # fmt: skip
    schema = {"year": pl.Int32, "source_url": pl.String, "value": pl.Float64, "check": pl.String, "against": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row").unique(maintain_order=True)


def _declarant(dataset: str | None) -> str:
    """'IMF DOTS, declared by CHN' -> 'IMF DOTS, declared by China'."""
    from bilateral.data.countries import country_name

    if not dataset or ", declared by " not in dataset:
        return dataset or "declared data"
    name, code = dataset.rsplit(", declared by ", 1)
    return f"{name}, declared by {country_name(code)}"


def contested_reasons(outturns: pl.DataFrame, contested: pl.DataFrame | None) -> pl.DataFrame:
    """Per row of `outturns` (same order): `contested_reason`, the consistency checks' reasons against that statement
    ('against declared data: IMF DOTS, declared by China: 67.95 bn; ...'), `contested_kinds` ('declared data, growth
    arithmetic') and `contested_n` (how many findings; 0 when none).

    `contested`: `contested_statements` output; a statement is matched by year, page and value (a flipped pair keeps
    both)."""
    keyed = outturns.select(pl.col("year").cast(pl.Int32), "source_url", pl.col("value_usd").alias("value"))
    if contested is None or contested.is_empty():
        contested = pl.DataFrame(schema={"year": pl.Int32, "source_url": pl.String, "value": pl.Float64,
                                         "check": pl.String, "against": pl.String})  # fmt: skip
    kind = pl.col("check").replace_strict(CHECK_WORDS)
    reasons = (
        contested.filter(pl.col("value").is_not_null())
        .with_columns((pl.lit("against ") + kind + pl.lit(": ") + pl.col("against")).alias("_r"), kind.alias("_k"))
        .group_by("year", "source_url", "value", maintain_order=True)
        .agg(
            pl.col("_r").unique(maintain_order=True).str.join("; ").alias("contested_reason"),
            pl.col("_k").unique(maintain_order=True).str.join(", ").alias("contested_kinds"),
            pl.len().cast(pl.UInt32).alias("contested_n"),
        )
        .with_columns(pl.col("year").cast(pl.Int32))
    )
    return (
        keyed.join(reasons, on=["year", "source_url", "value"], how="left", maintain_order="left")
        .with_columns(pl.col("contested_n").fill_null(0))
        .select("contested_reason", "contested_kinds", "contested_n")
    )


def disputed_rows(outturns: pl.DataFrame, contested: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every statement that is disputed, and why: it disagrees beyond printed precision with another statement of
    its year and metric, or a consistency check names it (`contested`). Columns: year, metric, as_stated,
    basis_code, publisher_named, source_url, why (both figures named). A statement of a disputed cell that itself
    agrees with the others is listed too, so the whole cell is visible, with why = null."""
    rows = with_stated(outturns).with_row_index("_id")
    clashes = disagreements(outturns)
    reasons = rows.select("_id").hstack(contested_reasons(outturns, contested))
    cells = rows.join(clashes, on="_id", how="semi").select("year", "metric").unique()
    flagged = rows.join(reasons.filter(pl.col("contested_n") > 0), on="_id", how="semi").select("_id")
    keep = pl.concat([rows.join(cells, on=["year", "metric"], how="semi").select("_id"), flagged]).unique()
    spread = pl.lit("differs beyond rounding from ") + pl.col("disagrees_with")
    return (
        rows.join(keep, on="_id", how="semi")
        .join(clashes, on="_id", how="left", validate="1:1")
        .join(reasons, on="_id", how="left", validate="1:1")
        .with_columns(
            pl.concat_str([pl.col("contested_reason"), spread], separator="; ", ignore_nulls=True)
            .replace("", None)
            .alias("why")
        )
        .select("year", "metric", "as_stated", "basis_code", "publisher_named", "source_url", "why")
        .sort("year", "metric", "basis_code", "as_stated")
    )


def stated_columns(series: pl.DataFrame, statements: pl.DataFrame | None) -> pl.DataFrame:
    """Per year: each metric as stated (`turnover_as_stated`, ...; a year without a figure reads 'not stated', or
    'not stated (growth +46.9% stated)' when a page gave only the rate), why the year is disputed (`disputed_why`,
    each metric's reasons, null when none) and a basis note naming every basis used that year (`basis_note`)."""
    years = series.select("year").unique()
    out = years
    rates = _stated_rates(statements)
    for metric in SERIES_METRICS:
        chosen = series.filter(pl.col("metric") == metric).select(
            "year",
            pl.col("as_stated").alias(f"{metric}_as_stated"),
            pl.col("disputed_against").alias(f"_{metric}_why"),
            pl.col("basis_code").alias(f"_{metric}_basis"),
        )
        out = out.join(chosen, on="year", how="left", validate="1:1").join(
            rates.filter(pl.col("metric") == metric).drop("metric"), on="year", how="left", validate="1:1"
        )
        missing = pl.lit("not stated") + pl.when(pl.col("_rate").is_not_null()).then(
            pl.lit(" (growth ") + pl.col("_rate") + pl.lit(" stated)")
        ).otherwise(pl.lit(""))
        out = out.with_columns(pl.col(f"{metric}_as_stated").fill_null(missing)).drop("_rate")
    why = [
        pl.when(pl.col(f"_{m}_why").is_not_null()).then(pl.lit(f"{m}: ") + pl.col(f"_{m}_why")) for m in SERIES_METRICS
    ]
    return out.with_columns(
        pl.concat_str(why, separator=" | ", ignore_nulls=True).replace("", None).alias("disputed_why"),
        pl.struct("_turnover_basis", "_exports_basis", "_imports_basis")
        .map_elements(_basis_note, return_dtype=pl.String)
        .alias("basis_note"),
        pl.col("_turnover_why").alias("turnover_disputed_why"),
    ).select("year", *(f"{m}_as_stated" for m in SERIES_METRICS), "disputed_why", "turnover_disputed_why", "basis_note")


def _stated_rates(statements: pl.DataFrame | None) -> pl.DataFrame:
    """(year, metric, _rate) of growth rates stated without a level, e.g. '+46.9%'."""
    schema = {"year": pl.Int32, "metric": pl.String, "_rate": pl.String}
    if statements is None or statements.is_empty():
        return pl.DataFrame(schema=schema)
    return (
        statements.filter(pl.col("value_usd").is_null() & pl.col("yoy_pct").is_not_null())
        .group_by("year", "metric", maintain_order=True)
        .agg(pl.col("yoy_pct").map_elements(lambda v: f"{v:+g}%", return_dtype=pl.String).unique().str.join(", "))
        .select(pl.col("year").cast(pl.Int32), "metric", pl.col("yoy_pct").alias("_rate"))
    )


def _basis_note(row: dict) -> str:
    """'Chinese official figure', or 'Chinese official figure; exports and imports: Russian official figure' when a
    year's exports or imports come from another basis than its turnover (each figure keeps its own label)."""
    from bilateral.analysis.labels import basis_label

    present = {m: row[f"_{m}_basis"] for m in SERIES_METRICS if row[f"_{m}_basis"] is not None}
    if not present:
        return "–"
    head = present.get("turnover") or next(iter(present.values()))
    differing = {m: b for m, b in present.items() if b != head}
    parts = [basis_label(head)]
    if differing and len(set(differing.values())) == 1:
        parts.append(f"{' and '.join(differing)}: {basis_label(next(iter(differing.values())))}")
    else:
        parts.extend(f"{m}: {basis_label(b)}" for m, b in differing.items())
    return "; ".join(parts)
