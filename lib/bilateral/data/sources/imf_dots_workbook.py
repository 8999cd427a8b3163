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
    """Every non-empty value cell of one workbook as text, long (columns RAW_SCHEMA); see read_workbooks."""
    return read_workbooks([path])


def read_workbooks(paths: list[Path]) -> pl.DataFrame:
    """Every non-empty value cell of the workbooks as text, long (columns RAW_SCHEMA), after layout checks.

    A partner row without any value gives one row with year and value_text null, so that every name in column B
    is still checked against the name table. Raises DataError naming the file (and sheet) when a workbook cannot
    be opened, a sheet is missing, the title, reporter, unit or year rows are not where the layout puts them, the
    two sheets name different reporters, a partner row has values but no name, or a partner listed twice in one
    sheet has different values.

    Per sheet only cheap eager steps run (checks on a few rows, slicing, naming columns); the unpivot, dropping
    empty cells and repeated rows happen once over all sheets: polars' fixed cost per operation dominates on frames
    this small, and grows when the machine is busy.
    """
    sheets: list[tuple[str, str, str]] = []  # sheet id -> (workbook, sheet, reporter)
    bodies = []
    for path in paths:
        reader = _open(path)
        reporters = set()
        for sheet in SHEETS:
            reporter, body, keep = _sheet_body(reader, path, sheet)
            body.insert_column(0, pl.Series("sheet_id", [len(sheets)], pl.Int32).new_from_index(0, body.height))
            body.insert_column(1, pl.Series("_keep", keep, pl.Boolean))
            bodies.append(body)
            reporters.add(reporter)
            sheets.append((path.name, sheet, reporter))
        if len(reporters) > 1:
            raise DataError(f"{path}: the two sheets name different reporters ({', '.join(sorted(reporters))}).")
    wide = pl.concat(bodies, how="diagonal").filter(pl.col("_keep")).drop("_keep")
    cells = wide.unpivot(index=["sheet_id", "partner_name"], variable_name="year", value_name="value_text")
    return _tidy(cells, wide.select("sheet_id", "partner_name"), sheets)


def _open(path: Path) -> fastexcel.ExcelReader:
    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as exc:  # calamine raises its own error types for a damaged or non-xlsx file
        raise DataError(
            f"{path}: cannot be opened as an Excel workbook ({_first_line(exc)}). Restore the file."
        ) from exc
    missing = [name for name in SHEETS if name not in reader.sheet_names]
    if missing:
        raise DataError(
            f"{path}: sheet(s) {', '.join(map(repr, missing))} missing (found {', '.join(map(repr, reader.sheet_names))}); "
            "an IMF DOTS workbook has 'Exports, FOB' and 'Imports, CIF'."
        )
    return reader


def _sheet_body(reader: fastexcel.ExcelReader, path: Path, sheet: str) -> tuple[str, pl.DataFrame, list[bool]]:
    """The sheet's reporter name, its partner rows (partner_name, one text column per year) and which to keep."""
    where = f"{path.name}, sheet {sheet!r}"
    try:
        grid = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    except Exception as exc:
        raise DataError(f"{path}: sheet {sheet!r} cannot be read ({_first_line(exc)}). Restore the file.") from exc
    _, title = SHEETS[sheet]
    title_row, reporter_row, unit_row, years_row = _header_rows(grid, where)
    first = grid.get_column(grid.columns[0])
    _expect(first[title_row] == title, where, f"first row should read {title!r}, found {first[title_row]!r}")
    _expect(first[unit_row] == UNIT, where, f"third row should give the unit {UNIT!r}, found {first[unit_row]!r}")
    years = _years(grid.row(years_row), where)
    body = grid.slice(years_row + 1)
    body.columns = ["partner_name", *years]
    return first[reporter_row], body, _rows_to_keep(body, where)


def _header_rows(grid: pl.DataFrame, where: str) -> list[int]:
    """Row numbers of the first four non-empty rows (blank rows vary between workbooks); checked by the caller."""
    found: list[int] = []
    for index in range(grid.height):
        if any(value is not None for value in grid.row(index)):
            found.append(index)
            if len(found) == 4:
                return found
    raise DataError(f"{where}: too small to be a DOTS sheet ({grid.height} rows, {grid.width} columns).")


def _rows_to_keep(body: pl.DataFrame, where: str) -> list[bool]:
    """False for blank rows and for repeats of a partner row (460 of 470 sheets print the Australia row twice).

    A repeated partner must repeat the same cells, and a row with values must have a name; otherwise DataError.
    """
    names = body.get_column("partner_name").to_list()
    keep = [name is not None for name in names]
    for index, name in enumerate(names):
        if name is None and any(value is not None for value in body.row(index)):
            raise DataError(f"{where}: partner row {index + 1} (after the years row) has values but no partner name.")
    first_seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name is None:
            continue
        if name not in first_seen:
            first_seen[name] = index
        elif body.row(index) != body.row(first_seen[name]):
            raise DataError(
                f"{where}: partner {name!r} is listed twice with different values; the workbook is ambiguous. "
                "Restore it from the upstream repository."
            )
        else:
            keep[index] = False
    return keep


def _tidy(cells: pl.DataFrame, names: pl.DataFrame, sheets: list[tuple[str, str, str]]) -> pl.DataFrame:
    """Drop empty cells, add one name-only row per partner without any value, attach workbook, reporter and flow."""
    values = cells.filter(pl.col("value_text").is_not_null())
    name_only = names.join(
        values.select("sheet_id", "partner_name").unique(), on=["sheet_id", "partner_name"], how="anti"
    )
    name_only = name_only.with_columns(
        pl.lit(None, pl.String).alias("year"), pl.lit(None, pl.String).alias("value_text")
    )
    table = pl.DataFrame(
        {
            "sheet_id": list(range(len(sheets))),
            "workbook": [w for w, _, _ in sheets],
            "reporter_name": [r for _, _, r in sheets],
            "flow": [SHEETS[s][0] for _, s, _ in sheets],
        },
        schema_overrides={"sheet_id": pl.Int32},
    )
    return (
        pl.concat([values, name_only], how="vertical")
        .join(table, on="sheet_id", how="left", validate="m:1")
        .select("workbook", "reporter_name", "flow", "partner_name", pl.col("year").cast(pl.Int32), "value_text")
    )


def _years(header: tuple[object, ...], where: str) -> list[str]:
    _expect(header[0] is None, where, f"the years row should start with an empty cell, found {header[0]!r}")
    years = list(header[1:])
    bad = [y for y in years if not (isinstance(y, str) and re.fullmatch(r"\d{4}", y))]
    _expect(not bad, where, f"the years row holds {bad[0]!r} where a year such as '2020' belongs" if bad else "")
    numbers = [int(y) for y in years]  # type: ignore[arg-type]
    _expect(numbers == sorted(set(numbers)), where, "the years in the years row are not strictly increasing")
    return years  # type: ignore[return-value]


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
