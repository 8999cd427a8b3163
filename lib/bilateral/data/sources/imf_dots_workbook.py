"""Read one IMF DOTS workbook (the IMF data portal's export format) into long rows, checking its layout.

Each workbook (`DOTS_<n>.xlsx`) holds one reporting economy and two sheets, `Exports, FOB` and `Imports, CIF`.
After its empty rows, a sheet reads:

    Exports, FOB to Partner Countries          <- title (the sheet's flow)
    Russian Federation                         <- the reporter, as the IMF names it
    US Dollars, Millions                       <- the unit
    (empty)   1992   1993   ...   2020         <- years, as text; a year without any data is left out
    Australia  7.9   10     ...                <- one row per partner (col B), then IMF aggregate rows
    World      39931.4 ...

A value is a number, or a number ending in " e" (an IMF estimate, with thousands separators: "1,032.13 e"); an
empty cell means no data. The first partner row repeats a later row (460 of 470 sheets start with a copy of the
Australia row): a name listed twice must carry identical values, and one copy is kept.

This module only reads and checks; `imf_dots` harmonises names, converts units and caches the result.
"""

from __future__ import annotations

import re
from pathlib import Path

import fastexcel
import polars as pl

from bilateral.errors import DataError

UNIT = "US Dollars, Millions"
# sheet name -> (flow, title printed in the sheet's first row)
SHEETS: dict[str, tuple[str, str]] = {
    "Exports, FOB": ("export", "Exports, FOB to Partner Countries"),
    "Imports, CIF": ("import", "Imports, CIF from Partner Countries"),
}
ESTIMATE_SUFFIX = " e"
# A plain number ("12.5", "-4.8", "0") or one with thousands separators ("1,032.13"), as printed by the IMF.
_NUMBER = r"-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?"
_VALUE = re.compile(rf"^(?P<number>{_NUMBER})(?P<estimate>{re.escape(ESTIMATE_SUFFIX)})?$")
RAW_SCHEMA = {
    "workbook": pl.String,
    "reporter_name": pl.String,
    "flow": pl.String,
    "partner_name": pl.String,
    "year": pl.Int32,
    "value_text": pl.String,
}


def read_workbook(path: Path) -> pl.DataFrame:
    """Every non-empty value cell of one workbook as text, long (columns RAW_SCHEMA), after layout checks.

    Raises DataError naming the file (and sheet) when the workbook cannot be opened, a sheet is missing, the
    title, reporter, unit or year rows are not where the layout puts them, the two sheets name different
    reporters, a partner row has no name, or a partner listed twice has different values.
    """
    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as exc:  # calamine raises its own error types for a damaged or non-xlsx file
        raise DataError(f"{path}: cannot be opened as an Excel workbook ({_first_line(exc)}). Restore the file.") from exc
    missing = [name for name in SHEETS if name not in reader.sheet_names]
    if missing:
        raise DataError(
            f"{path}: sheet(s) {', '.join(map(repr, missing))} missing (found {', '.join(map(repr, reader.sheet_names))}); "
            "an IMF DOTS workbook has 'Exports, FOB' and 'Imports, CIF'."
        )
    parts = [_read_sheet(reader, path, sheet) for sheet in SHEETS]
    reporters = {part.get_column("reporter_name")[0] for part in parts if part.height}
    if len(reporters) > 1:
        raise DataError(f"{path}: the two sheets name different reporters ({', '.join(sorted(reporters))}).")
    return pl.concat(parts, how="vertical")


def _read_sheet(reader: fastexcel.ExcelReader, path: Path, sheet: str) -> pl.DataFrame:
    where = f"{path.name}, sheet {sheet!r}"
    try:
        grid = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    except Exception as exc:
        raise DataError(f"{path}: sheet {sheet!r} cannot be read ({_first_line(exc)}). Restore the file.") from exc
    grid = grid.filter(~pl.all_horizontal(pl.all().is_null()))
    flow, title = SHEETS[sheet]
    if grid.height < 4 or grid.width < 2:
        raise DataError(f"{where}: too small to be a DOTS sheet ({grid.height} rows, {grid.width} columns).")
    first = grid.get_column(grid.columns[0])
    _expect(first[0] == title, where, f"first row should read {title!r}, found {first[0]!r}")
    reporter = first[1]
    _expect(bool(reporter and reporter.strip()), where, "second row should name the reporter and is empty")
    _expect(first[2] == UNIT, where, f"third row should give the unit {UNIT!r}, found {first[2]!r}")
    years = _years(grid.row(3), where)
    body = grid.slice(4)
    body.columns = ["partner_name", *years]
    if body.get_column("partner_name").null_count():
        row = body.with_row_index().filter(pl.col("partner_name").is_null()).get_column("index")[0]
        raise DataError(f"{where}: partner row {row + 1} (after the years row) has values but no partner name.")
    body = _one_row_per_partner(body, where)
    long = body.unpivot(index="partner_name", variable_name="year", value_name="value_text").drop_nulls("value_text")
    return long.select(
        pl.lit(path.name).alias("workbook"),
        pl.lit(reporter).alias("reporter_name"),
        pl.lit(flow).alias("flow"),
        pl.col("partner_name"),
        pl.col("year").cast(pl.Int32),
        pl.col("value_text"),
    )


def _years(header: tuple[object, ...], where: str) -> list[str]:
    _expect(header[0] is None, where, f"the years row should start with an empty cell, found {header[0]!r}")
    years = list(header[1:])
    bad = [y for y in years if not (isinstance(y, str) and re.fullmatch(r"\d{4}", y))]
    _expect(not bad, where, f"the years row holds {bad[0]!r} where a year such as '2020' belongs" if bad else "")
    numbers = [int(y) for y in years]  # type: ignore[arg-type]
    _expect(numbers == sorted(set(numbers)), where, "the years in the years row are not strictly increasing")
    return years  # type: ignore[return-value]


def _one_row_per_partner(body: pl.DataFrame, where: str) -> pl.DataFrame:
    """Drop exact copies of a partner row (the leading Australia copy); a name with differing rows is an error."""
    unique = body.unique(maintain_order=True)
    repeated = unique.filter(pl.col("partner_name").is_duplicated())
    if repeated.height:
        name = repeated.get_column("partner_name")[0]
        raise DataError(
            f"{where}: partner {name!r} is listed twice with different values; the workbook is ambiguous. "
            "Restore it from the upstream repository."
        )
    return unique


def parse_values(raw: pl.DataFrame) -> pl.DataFrame:
    """`raw` with value_musd (Float64, US$ millions) and is_estimate (the ' e' flag) in place of value_text.

    Raises DataError naming the workbook, sheet, partner and year of the first cell that is neither a number
    nor a number followed by ' e' (thousands separators allowed only in groups of three digits).
    """
    text = pl.col("value_text").str.strip_chars()
    number = text.str.strip_suffix(ESTIMATE_SUFFIX)
    parsed = raw.with_columns(
        number.str.replace_all(",", "", literal=True).cast(pl.Float64, strict=False).alias("value_musd"),
        text.str.ends_with(ESTIMATE_SUFFIX).alias("is_estimate"),
        # Only the few cells with a comma need the full pattern (a stray comma must not vanish silently).
        (number.str.contains(",", literal=True) & ~text.str.contains(_VALUE.pattern)).alias("_bad_separator"),
    )
    bad = parsed.filter(pl.col("value_musd").is_null() | pl.col("_bad_separator"))
    if bad.height:
        row = bad.row(0, named=True)
        sheet = next(name for name, (flow, _) in SHEETS.items() if flow == row["flow"])
        raise DataError(
            f"{row['workbook']}, sheet {sheet!r}, partner {row['partner_name']!r}, year {row['year']}: "
            f"{row['value_text']!r} is not a number (expected e.g. '12.5', or '1,032.13 e' for an IMF estimate). "
            f"{bad.height} cell(s) like this; restore the workbook."
        )
    return parsed.drop("value_text", "_bad_separator")


def _expect(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise DataError(f"{where}: {problem}. Is this an IMF DOTS workbook in the data portal's export format?")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
