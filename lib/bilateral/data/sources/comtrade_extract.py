"""Loader for the shipped UN Comtrade critical-minerals extract (China's exports by destination, monthly, HS6).

Source: data/raw/comtrade_china_critical_minerals, derived tables of qennis/ChinaCriticalMineralComtrade
(Ennis) built from UN Comtrade API v1 pulls (reporter China, flow X). Read its PROVENANCE.md. What it is not:
- Only a few HS6 lines (250410, 380110, 811292 for 39 named destinations; 280461 polysilicon for its top-8
  destinations only). It is NOT total China-Russia trade and not China's full destination list.
- Months with no trade are absent rows, not zeros; do not read a missing month as 0.
- Quantities look Comtrade-estimated; a quantity of 0 next to a positive value means "not reported" and is
  loaded as null (the file's own unit value is then infinite).
Revision: the upstream called Comtrade's `HS` classification, i.e. the HS revision China reported in for each
year (the extract does not keep which), so rows carry classification "HS". All four codes exist in HS 2022.
Partners: the upstream author turned Comtrade partner codes into English names (scripts/make_tables.py,
CODE_TO_NAME) and the extract keeps only the names, mapped to ISO3 by the harmoniser (ISO 3166 names directly; the
author's "Russia", "Turkey", "UAE", "USA" by reference/country_names/comtrade_china_critical_minerals.csv). Two
names carry Comtrade's definitions, not ISO's: "France" is Comtrade code 251, France's customs area incl. Monaco;
"Taiwan" is code 490 "Other Asia, nes", which the author labelled Taiwan (a common reading; it may include small
amounts for other Asian areas not elsewhere specified).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from bilateral.data import harmonise
from bilateral.data.paths import raw_dir
from bilateral.data.provenance import read_source, require_verified
from bilateral.data.schemas import TRADE_FLOWS, validate
from bilateral.errors import DataError

SOURCE_NAME = "comtrade_china_critical_minerals"
DEEP_DIVE_FILE = "deep_dive_hs6_monthly.csv"  # 250410, 380110, 811292 x 39 destinations
GROUP_STATS_FILE = "country_monthly_stats.csv"  # broad groups x top-8 destinations
# The only broad group of the stats file that is a single HS6 line (upstream HS6_TO_SUBGROUP); the others
# (Graphite, Gallium/Germanium, Rare Earths) mix several lines and cannot go into an HS6 table.
SINGLE_LINE_GROUPS = {"Polysilicon": "280461"}


def load_critical_minerals(folder: Path | None = None, *, include_polysilicon: bool = True) -> pl.DataFrame:
    """The extract as a validated trade_flows frame (monthly, HS6, reporter CHN, flow export).

    Rows come from deep_dive_hs6_monthly.csv (3 HS6 lines, 39 destinations) and, with `include_polysilicon`,
    the Polysilicon rows of country_monthly_stats.csv (HS6 280461, top-8 destinations only). An extra column
    `upstream_file` says which. Files are checksum-verified; an unmapped partner name raises DataError naming it
    and the table to edit.
    """
    # load inputs
    folder = folder or raw_dir() / SOURCE_NAME
    record = read_source(folder)
    version = _dataset_version(record.origin.repository, record.origin.commit)
    parts = [_read_deep_dive(require_verified(folder, record, DEEP_DIVE_FILE))]
    if include_polysilicon:
        parts.append(_read_single_line_groups(require_verified(folder, record, GROUP_STATS_FILE)))
    # process data
    rows = pl.concat(parts, how="vertical")
    rows = harmonise.harmonise(rows, "partner_name", "partner_iso3", source=SOURCE_NAME)
    frame = _to_trade_flows(rows, dataset_version=version)
    return validate(frame, TRADE_FLOWS, dataset=SOURCE_NAME).sort(["period", "product_code", "partner_iso3"])


def _dataset_version(repository: str | None, commit: str | None) -> str:
    if not repository or not commit:
        raise DataError(
            f"{SOURCE_NAME}/source.yml: origin.repository and origin.commit are needed for dataset_version."
        )
    return f"{repository}@{commit}"


def _read_deep_dive(path: Path) -> pl.DataFrame:
    raw = pl.read_csv(path, schema_overrides={"hs6": pl.String, "period_dt": pl.String})
    _require(raw, ["period_dt", "partner_name", "hs6", "val", "qty"], path)
    return raw.select(
        "period_dt",
        "partner_name",
        pl.col("hs6").alias("product_code"),
        "val",
        "qty",
        pl.lit(path.name).alias("upstream_file"),
    )


def _read_single_line_groups(path: Path) -> pl.DataFrame:
    raw = pl.read_csv(path, schema_overrides={"period_dt": pl.String})
    _require(raw, ["period_dt", "partner_name", "broad_group", "val", "qty"], path)
    return raw.filter(pl.col("broad_group").is_in(list(SINGLE_LINE_GROUPS))).select(
        "period_dt",
        "partner_name",
        pl.col("broad_group").replace_strict(SINGLE_LINE_GROUPS).alias("product_code"),
        "val",
        "qty",
        pl.lit(path.name).alias("upstream_file"),
    )


def _to_trade_flows(rows: pl.DataFrame, *, dataset_version: str) -> pl.DataFrame:
    """Map upstream columns (partner_iso3 already added by the harmoniser) to the canonical schema.

    A quantity of 0 next to a positive value becomes null (not reported).
    """
    return rows.select(
        pl.col("period_dt").str.slice(0, 4).cast(pl.Int32).alias("year"),
        pl.col("period_dt").str.slice(0, 7).alias("period"),
        pl.lit("CHN").alias("reporter_iso3"),
        pl.col("partner_iso3"),
        pl.lit("export").alias("flow"),
        pl.lit("HS").alias("classification"),
        pl.lit(6, dtype=pl.Int8).alias("hs_level"),
        pl.col("product_code"),
        pl.col("val").cast(pl.Float64).alias("value_usd"),
        pl.when((pl.col("qty") == 0) & (pl.col("val") > 0)).then(None).otherwise(pl.col("qty")).alias("quantity"),
        pl.lit("kg").alias("quantity_unit"),
        pl.lit(None, dtype=pl.Float64).alias("net_weight_kg"),
        pl.lit("CHN").alias("reported_by"),
        pl.lit(SOURCE_NAME).alias("source"),
        pl.lit(dataset_version).alias("dataset_version"),
        pl.col("upstream_file"),
    )


def _require(frame: pl.DataFrame, columns: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(frame.columns)}.")
