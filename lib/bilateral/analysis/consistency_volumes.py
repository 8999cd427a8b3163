"""Consistency of stated energy volumes: the same volume on several pages, and a stated volume against China's customs.

The cited energy statements (`energy_headlines`: one row per page, a unit per row) give Russia's crude oil to China in
million tonnes and Power of Siberia gas in bcm. The rules are those of `consistency`: intervals from the printed
rounding, a revision allowance of REVISION_ALLOWANCE_PCT between statements and DECLARED_ALLOWANCE_PCT against
statistics, findings that name both figures and both sources, nothing corrected. Other units (barrels per day),
part-year figures and projections are left out. Pure functions; no I/O.
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis import consistency as cs

# (metric, unit as written) -> (measure, unit shown)
VOLUMES = {
    ("china_crude_imports_from_russia", "million tonnes"): ("crude oil, Russia to China", "Mt"),
    ("power_of_siberia_gas_to_china", "bcm"): ("Power of Siberia gas to China", "bcm"),
}
CUSTOMS_BASES = {"CN_GAC": "CHN"}  # a GAC volume is China's own declaration


def prepare_volumes(energy_headlines: pl.DataFrame) -> pl.DataFrame:
    """Full-year volume statements with the columns the checks read (measure, value, unit, rounding, figure, ...)."""
    keys = pl.concat_str(pl.col("metric"), pl.lit("|"), pl.col("unit"))
    names = {f"{m}|{u}": target for (m, u), target in VOLUMES.items()}
    rows = energy_headlines.filter(pl.col("year").str.contains(r"^\d{4}$") & keys.is_in(list(names)))
    decimals = rows.get_column("value").map_elements(cs.decimals_of, return_dtype=pl.Int64)
    return rows.with_columns(decimals.alias("_decimals")).select(
        pl.col("year").cast(pl.Int32),
        keys.replace_strict({k: v[0] for k, v in names.items()}).alias("measure"),
        "value",
        keys.replace_strict({k: v[1] for k, v in names.items()}).alias("unit"),
        (pl.lit(10.0).pow(-pl.col("_decimals").cast(pl.Float64)) * 0.5).alias("rounding"),
        pl.lit("point").alias("bound"),
        pl.format("{} {}", pl.col("value"), keys.replace_strict({k: v[1] for k, v in names.items()})).alias("figure"),
        "publisher_named", "source_url", pl.col("basis").alias("basis_code"), pl.col("basis"),
        pl.col("basis").replace_strict(CUSTOMS_BASES, default=None).alias("reported_by"),
    )  # fmt: skip


def same_volume(volumes: pl.DataFrame) -> list[dict]:
    """Statements of one year and measure that disagree beyond rounding: one finding per disagreeing pair."""
    findings = []
    for _, group in volumes.group_by("year", "measure", maintain_order=True):
        items = list(group.iter_rows(named=True))
        for n, row in enumerate(items):
            for other in items[n + 1 :]:
                distance, beyond = cs.apart(cs.interval(row["value"], row["rounding"], "point"),
                                             cs.interval(other["value"], other["rounding"], "point"), other["value"])  # fmt: skip
                if distance == 0:
                    continue
                gap = (row["value"] - other["value"]) / other["value"] * 100
                findings.append(cs.finding(
                    "same_figure", row, other, other_figure=other["figure"], expected=other["value"], gap_pct=gap, inconsistent=beyond,
                    explanation=f"{row['year']} {row['measure']}: {row['figure']} ({row['publisher_named']}) vs {other['figure']} "
                    f"({other['publisher_named']}), {abs(gap):.1f}% apart",
                ))  # fmt: skip
    return findings


def volume_vs_declared(volumes: pl.DataFrame, declared: pl.DataFrame) -> list[dict]:
    """A customs volume statement against the same declarant's series (`declared`: year, measure, value, unit,
    reported_by, dataset), allowing DECLARED_ALLOWANCE_PCT."""
    findings = []
    for row in volumes.filter(pl.col("reported_by").is_not_null()).iter_rows(named=True):
        data = declared.filter(
            (pl.col("year") == row["year"])
            & (pl.col("measure") == row["measure"])
            & (pl.col("reported_by") == row["reported_by"])
        )
        for other in data.iter_rows(named=True):
            distance, beyond = cs.apart(cs.interval(row["value"], row["rounding"], "point"), (other["value"], other["value"]),
                                         other["value"], cs.DECLARED_ALLOWANCE_PCT)  # fmt: skip
            if distance == 0:
                continue
            gap = (row["value"] - other["value"]) / other["value"] * 100
            side = f"{other['dataset']}, declared by {other['reported_by']}"
            findings.append(cs.finding(
                "stated_vs_declared", row, None, other_figure=f"{other['value']:,.2f} {other['unit']}", expected=other["value"],
                gap_pct=gap, inconsistent=beyond, other_publisher=side, other_basis=f"declared by {other['reported_by']}",
                explanation=f"{row['year']} {row['measure']}: stated {row['figure']} ({row['publisher_named']}) vs "
                f"{other['value']:,.2f} {other['unit']} ({side}), {abs(gap):.1f}% apart",
            ))  # fmt: skip
    return findings


def check_volumes(energy_headlines: pl.DataFrame, declared: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every finding over the stated volumes, in the `consistency.FINDING_SCHEMA` shape."""
    volumes = prepare_volumes(energy_headlines)
    findings = same_volume(volumes)
    if declared is not None and declared.height:
        findings += volume_vs_declared(volumes, declared)
    return pl.DataFrame(findings, schema=cs.FINDING_SCHEMA)


def declared_crude(customs_rows: pl.DataFrame) -> pl.DataFrame:
    """China's declared crude oil imports from Russia per year (Mt) in the `declared` shape, from the evidence rows
    of `claims_evidence.energy_volume_evidence` (full years only)."""
    rows = customs_rows.filter(pl.col("series") == "crude_oil_russia_to_china_mt")
    return rows.select(
        "year", pl.lit(VOLUMES[("china_crude_imports_from_russia", "million tonnes")][0]).alias("measure"), "value",
        pl.lit("Mt").alias("unit"), "reported_by", pl.lit("China's customs (GAC), 12 months summed").alias("dataset"),
    )  # fmt: skip
