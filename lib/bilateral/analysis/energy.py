"""China's energy imports by origin: annual totals, supplier rankings and Russia's share.

Pure functions over the `china_energy_imports` table (bilateral.data.sources.china_customs_energy):
no I/O, no drawing. Two rules run through all of them:

- A month counts only if it was published (`is_published`). The source prints 0 for "not
  published", so the loader keeps such months as nulls; a year is *complete* only with 12
  published months, and by default only complete years are summed, ranked or shared out.
- Rows of different `file`s are never added: the two Wind exports overlap (same Russia series)
  and differ by revisions. Rankings work within one file; `russia_share` reports each file apart.
"""

from __future__ import annotations

import polars as pl

from bilateral.errors import ParameterError

MONTHLY_COLUMNS = (
    "file", "year", "period", "importer_iso3", "origin_iso3", "origin_name", "commodity", "measure",
    "value", "unit", "series_id", "is_published", "source",
)  # fmt: skip
# One annual row per series: series_id is one-to-one with (file, commodity, measure, origin) in the loader.
ANNUAL_KEYS = (
    "file", "year", "importer_iso3", "origin_iso3", "origin_name", "commodity", "measure", "unit", "series_id", "source",
)  # fmt: skip
MEASURES = ("volume", "value")
MONTHS_IN_YEAR = 12


def annual_energy_imports(frame: pl.DataFrame, *, complete_years_only: bool = True) -> pl.DataFrame:
    """Sum published months to calendar years, one row per file x series x year.

    `value` is the sum of published months in the series' unit (t or usd), null when none was
    published; `months_reported` counts them and `is_complete_year` is True at 12. With
    `complete_years_only` (default) incomplete years are dropped, so a partial year (e.g. 2022 in
    the by-origin file, which ends in November) is never compared with full ones.
    """
    _require_columns(frame, MONTHLY_COLUMNS, "annual_energy_imports")
    annual = (
        frame.group_by(ANNUAL_KEYS)
        .agg(
            pl.col("value").filter(pl.col("is_published")).sum().alias("value"),
            pl.col("is_published").sum().cast(pl.Int8).alias("months_reported"),
        )
        .with_columns(
            # polars sums an all-null group to 0; a year with nothing published has no value at all.
            pl.when(pl.col("months_reported") > 0).then(pl.col("value")).alias("value"),
            (pl.col("months_reported") == MONTHS_IN_YEAR).alias("is_complete_year"),
        )
    )
    if complete_years_only:
        annual = annual.filter(pl.col("is_complete_year"))
    return annual.sort("file", "commodity", "measure", "origin_name", "year")


def supplier_ranking(
    annual: pl.DataFrame, commodity: str, measure: str = "volume", *, file: str = "by_origin"
) -> pl.DataFrame:
    """China's suppliers of `commodity` ranked by `measure` per year, within one `file`.

    Takes the output of `annual_energy_imports`. Returns year, rank (1 = largest; ties share the
    best rank), origin_iso3, origin_name, value (t or US$), unit, share_pct, share_basis,
    total_value, origins_listed (how many origins the file lists that year) and context columns.
    `share_pct` is the origin's share of the file's China-total series when it has one for that
    year (`share_basis` "china_total_series"), else of the sum over listed origins
    ("sum_of_listed_origins", an upper bound since minor origins are not listed), else null
    ("unavailable": e.g. the Russia-only file without a total). China-total rows are not ranked.
    """
    rows = _select(annual, commodity, measure, file)
    published = rows.filter(pl.col("value").is_not_null())
    origins = published.filter(pl.col("origin_iso3").is_not_null())
    totals = published.filter(pl.col("origin_iso3").is_null()).select("year", pl.col("value").alias("china_total"))
    listed = origins.group_by("year").agg(
        pl.col("value").sum().alias("listed_sum"), pl.len().cast(pl.Int32).alias("origins_listed")
    )
    basis = (
        pl.when(pl.col("china_total").is_not_null())
        .then(pl.lit("china_total_series"))
        .when(pl.col("origins_listed") >= 2)
        .then(pl.lit("sum_of_listed_origins"))
        .otherwise(pl.lit("unavailable"))
    )
    ranked = (
        origins.join(listed, on="year", how="left", validate="m:1")
        .join(totals, on="year", how="left", validate="m:1")
        .with_columns(basis.alias("share_basis"))
        .with_columns(
            pl.when(pl.col("share_basis") == "china_total_series")
            .then(pl.col("china_total"))
            .when(pl.col("share_basis") == "sum_of_listed_origins")
            .then(pl.col("listed_sum"))
            .alias("total_value"),
            pl.col("value").rank("min", descending=True).over("year").cast(pl.Int32).alias("rank"),
        )
        .with_columns((pl.col("value") / pl.col("total_value") * 100).alias("share_pct"))
    )
    return ranked.select(
        "year", "rank", "origin_iso3", "origin_name", "value", "unit", "share_pct", "share_basis", "total_value",
        "origins_listed", "months_reported", "commodity", "measure", "file", "series_id",
    ).sort("year", "rank", "origin_iso3")  # fmt: skip


def ranking_in_complete_years(
    annual_all: pl.DataFrame, commodity: str, measure: str = "volume", *, file: str = "by_origin"
) -> pl.DataFrame:
    """Rank every origin in the years where China's own total for the commodity has 12 published months.

    Takes `annual_energy_imports(..., complete_years_only=False)`. An origin with fewer published months in
    such a year is still ranked (its missing months are unpublished, usually no trade), so a large supplier with
    a gap is not silently dropped from the ranking; `months_reported` shows the gap.
    """
    totals = annual_all.filter(
        (pl.col("file") == file)
        & (pl.col("commodity") == commodity)
        & (pl.col("measure") == measure)
        & pl.col("origin_iso3").is_null()
        & pl.col("is_complete_year")
    )
    years = totals.get_column("year").unique().to_list()
    return supplier_ranking(annual_all.filter(pl.col("year").is_in(years)), commodity, measure, file=file)


def russia_share(annual: pl.DataFrame, commodity: str) -> pl.DataFrame:
    """Russia's share of China's imports of `commodity`, per file, measure and year.

    Each file is ranked on its own (see `supplier_ranking`), so the same year may appear once per
    file with slightly different figures (revisions); choose a file, do not add them. Rows where no
    basis exists (the Russia-only file has no China total for crude or coal) keep the Russian value
    with share_pct null and share_basis "unavailable".
    """
    _require_columns(annual, (*ANNUAL_KEYS, "value", "months_reported"), "russia_share")
    present = annual.filter(pl.col("commodity") == commodity).select("file", "measure").unique().sort("file", "measure")
    if present.is_empty():
        raise ParameterError(
            f"No {commodity!r} rows in the annual table; known commodities: {_known(annual, 'commodity')}."
        )
    parts = [
        supplier_ranking(annual, commodity, measure, file=file).filter(pl.col("origin_iso3") == "RUS")
        for file, measure in present.iter_rows()
    ]
    return pl.concat(parts).select(
        "file", "year", "measure", "value", "unit", "share_pct", "share_basis", "total_value", "rank",
        "origins_listed", "months_reported", "commodity", "series_id",
    ).sort("file", "measure", "year")  # fmt: skip


def _select(annual: pl.DataFrame, commodity: str, measure: str, file: str) -> pl.DataFrame:
    """Rows of one file, commodity and measure; an absent combination is a parameter error."""
    _require_columns(annual, (*ANNUAL_KEYS, "value", "months_reported"), "supplier_ranking")
    if measure not in MEASURES:
        raise ParameterError(f"Unknown measure {measure!r}; use 'volume' (tonnes) or 'value' (US$).")
    in_file = annual.filter(pl.col("file") == file)
    if in_file.is_empty():
        raise ParameterError(
            f"No rows from file {file!r} in the annual table; files present: {_known(annual, 'file')}."
        )
    rows = in_file.filter((pl.col("commodity") == commodity) & (pl.col("measure") == measure))
    if rows.is_empty():
        raise ParameterError(
            f"No {measure} rows for commodity {commodity!r} in file {file!r}; "
            f"commodities there: {_known(in_file.filter(pl.col('measure') == measure), 'commodity')}."
        )
    return rows


def _known(frame: pl.DataFrame, column: str) -> str:
    return ", ".join(sorted(frame.get_column(column).drop_nulls().unique().to_list())) or "none"


def _require_columns(frame: pl.DataFrame, columns: tuple[str, ...], caller: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"{caller} needs the china_energy_imports columns; missing {', '.join(missing)}. "
            "Pass load_china_energy_imports() (or annual_energy_imports() of it)."
        )
