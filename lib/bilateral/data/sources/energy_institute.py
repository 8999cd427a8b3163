"""Loader for the Energy Institute (formerly bp) Statistical Review energy trade sheets.

Two editions are shipped, each as cell-by-cell CSV dumps of the workbook's trade sheets:
`data/raw/energy_institute_statreview/` (EI 2023 edition, matrices for 2022) and
`data/raw/energy_institute_statreview_2021/` (bp 2021 edition, matrices for 2020).

The Review's bilateral matrices cover ONE year per edition. They come in two orientations: oil and
coal are printed "From" row -> "To" column, pipeline gas and LNG the other way round (rows are the
importers). The gas matrices also interleave regional subtotal rows ("Europe", "Asia Pacific") with
their members, and the LNG sheet splits exporter names over two header rows ("Russian " /
"Federation"). This module undoes all of that into one long table, `energy_trade`, one row per
exporter -> importer cell, and checks on every load that the cells add up to the sheet's own
"Total" row and column, so a misread layout fails loudly instead of shifting numbers.

Units differ by commodity (oil in million tonnes, gas in bcm, coal in exajoules), so the amount is
in `value` with its unit in `unit`; never sum `value` across commodities.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from bilateral.data import harmonise
from bilateral.data.loader_kit import fail_on_unparsed, parse_number, parsed_once
from bilateral.data.paths import raw_dir
from bilateral.data.provenance import read_source, require_verified
from bilateral.data.schemas import Column, Schema, validate
from bilateral.errors import DataError, ParameterError

# --- editions and sheets ------------------------------------------------------------------------


@dataclass(frozen=True)
class Edition:
    """One shipped edition: where its files are and which year its matrices describe."""

    key: str  # what callers pass: "2023"
    label: str  # what rows carry in `edition`: "EI 2023"
    folder: str  # folder under data/raw/
    data_year: int  # the year of the one-year matrices

    def file(self, stem: str) -> str:
        return f"raw_sheet__{stem}_{self.data_year}.csv"


EDITIONS: dict[str, Edition] = {
    "2023": Edition("2023", "EI 2023", "energy_institute_statreview", 2022),
    "2021": Edition("2021", "bp 2021", "energy_institute_statreview_2021", 2020),
}

TIDY_FILES = {"2023": "russia_to_china_energy_flows.csv", "2021": "russia_to_china_energy_flows_2020.csv"}
GAS_INTERREGIONAL_FILES = {
    "2023": "raw_sheet__gas_inter_regional_trade_2000_2022.csv",
    "2021": "raw_sheet__gas_inter_regional_trade_2000_2020.csv",
}

UNITS = {
    "crude_oil": "million tonnes",
    "oil_products": "million tonnes",
    "natural_gas_pipeline": "bcm",
    "lng": "bcm",
    "coal": "exajoules",
}
COMMODITIES = tuple(UNITS)


@dataclass(frozen=True)
class MatrixSheet:
    """Where one commodity's matrix sits in its sheet dump and how it is oriented."""

    commodity: str
    stem: str  # file name stem; the edition appends the data year
    sheet: str  # sheet name in the workbook
    header_label: str  # first cell of the header row: also states the unit
    rows_are: str  # "exporter" (From row -> To column) or "importer" (rows = "To")
    names_from: str | None = None  # header row holding the column names, when this block's is blank


MATRIX_SHEETS: dict[str, MatrixSheet] = {
    "crude_oil": MatrixSheet(
        "crude_oil", "oil_inter_area_movements", "Oil - Inter-area movements", "Crude (million tonnes)", "exporter"
    ),
    "oil_products": MatrixSheet(
        "oil_products",
        "oil_inter_area_movements",
        "Oil - Inter-area movements",
        "Product (million tonnes)",
        "exporter",
        names_from="Crude (million tonnes)",  # the product block prints no column names of its own
    ),
    "natural_gas_pipeline": MatrixSheet(
        "natural_gas_pipeline", "gas_pipeline_trade_matrix", "Gas - Trade movts - pipeline", "To", "importer"
    ),
    "lng": MatrixSheet("lng", "gas_lng_trade_matrix", "Gas - Trade movts LNG", "To", "importer"),
    "coal": MatrixSheet("coal", "coal_inter_area_movements", "Coal - Inter area movts", "Exajoules", "exporter"),
}

# The unit caption printed in the gas sheets (the header row itself only says "To").
GAS_UNIT_CAPTION = "Billion cubic metres"

# Regional subtotal rows of the gas matrices: each equals the sum of the rows above it back to the
# previous subtotal. They are dropped (they would double count) after that identity is checked.
GAS_SUBTOTAL_ROWS = frozenset(
    {
        "North America", "S. & Cent. America", "Europe", "CIS", "Middle East", "Africa", "Asia Pacific",
        "Middle East & Africa",
    }
)  # fmt: skip

# --- names ---------------------------------------------------------------------------------------

# Both editions print the same names, so they share one exception table of the harmoniser
# (reference/country_names/energy_institute_statreview.csv): single countries the sheets spell
# differently from ISO 3166 ("US", "Russia"), and every region and "Other ..." / "Rest of ..."
# remainder as an aggregate. A name neither the table nor ISO 3166 knows raises: a new edition that
# adds a country or an area must be looked at, not guessed.
NAME_TABLE = "energy_institute_statreview"


def area_iso3(names: Iterable[str], source: str) -> dict[str, str | None]:
    """ISO3 for each area name as printed in the Review, None for a region or remainder.

    `source` is the edition's folder (it names the file in messages). An unknown name raises DataError
    naming it and the table to edit: silently calling a new country a region would hide it from
    country filters.
    """
    mapping = harmonise.to_iso3(names, source=source, table=NAME_TABLE)
    world = [name for name, code in mapping.items() if code == harmonise.WORLD]
    if world:  # the sheets' world rows are totals, which the parsers stop at; never an area of a cell
        raise DataError(f"{source}: {world[0]!r} is the world total, not an area; the sheet layout changed.")
    return mapping


def clean_name(text: str) -> str:
    """A printed area name without footnote marks (*, †) and with single spaces ("To " -> "To")."""
    return " ".join(text.replace("*", " ").replace("†", " ").split())


# --- canonical table -----------------------------------------------------------------------------

ISO3 = r"[A-Z]{3}"

ENERGY_TRADE = Schema(
    "energy_trade",
    {
        "year": Column(pl.Int32, min_value=1965, max_value=2100),
        "commodity": Column(pl.String, allowed=frozenset(COMMODITIES)),
        "exporter_name": Column(pl.String),  # as printed (footnote marks removed)
        "exporter_iso3": Column(pl.String, nullable=True, pattern=ISO3),  # null for regions and remainders
        "exporter_is_region": Column(pl.Boolean),
        "importer_name": Column(pl.String),
        "importer_iso3": Column(pl.String, nullable=True, pattern=ISO3),
        "importer_is_region": Column(pl.Boolean),
        "value": Column(pl.Float64, min_value=0),  # in `unit`; units differ by commodity
        "unit": Column(pl.String, allowed=frozenset(UNITS.values())),
        "edition": Column(pl.String, allowed=frozenset(e.label for e in EDITIONS.values())),
        "sheet": Column(pl.String),
        "source": Column(pl.String),  # folder under data/raw holding the file and its source.yml
        "source_file": Column(pl.String),
    },
)

# Russia -> China values as extracted into the tidy file shipped with each edition.
RUSSIA_CHINA_ENERGY_FLOWS = Schema(
    "russia_china_energy_flows",
    {
        "year": Column(pl.Int32, min_value=1965, max_value=2100),
        "commodity": Column(pl.String, allowed=frozenset(COMMODITIES)),
        "exporter_name": Column(pl.String),
        "exporter_iso3": Column(pl.String, pattern=ISO3),
        "importer_name": Column(pl.String),
        "importer_iso3": Column(pl.String, pattern=ISO3),
        "value": Column(pl.Float64, min_value=0),
        "unit": Column(pl.String, allowed=frozenset(UNITS.values())),
        "sheet": Column(pl.String),
        "note": Column(pl.String, nullable=True),
        "edition": Column(pl.String),
        "source": Column(pl.String),
        "source_file": Column(pl.String),
    },
)

GAS_INTERREGIONAL = Schema(
    "gas_interregional_trade",
    {
        "year": Column(pl.Int32, min_value=1965, max_value=2100),
        "exporter_name": Column(pl.String),
        "exporter_iso3": Column(pl.String, nullable=True, pattern=ISO3),
        "exporter_is_region": Column(pl.Boolean),
        "importer_name": Column(pl.String),
        "importer_iso3": Column(pl.String, nullable=True, pattern=ISO3),
        "importer_is_region": Column(pl.Boolean),
        "value": Column(pl.Float64, min_value=0),
        "unit": Column(pl.String, allowed=frozenset({"bcm"})),
        # The sheet lists each pair twice: under the importer's "Pipeline imports, of which" and
        # under the exporter's "Pipeline exports, of which"; the two can differ slightly.
        "listed_under": Column(pl.String, allowed=frozenset({"importer", "exporter"})),
        "edition": Column(pl.String),
        "sheet": Column(pl.String),
        "source": Column(pl.String),
        "source_file": Column(pl.String),
    },
)

# --- public loaders ------------------------------------------------------------------------------


def edition_for(edition: str | int) -> Edition:
    """The shipped edition for '2023' or '2021' (ints accepted); ParameterError lists the known ones."""
    key = str(edition).strip()
    if key not in EDITIONS:
        known = ", ".join(f"'{k}' ({e.label}, data to {e.data_year})" for k, e in EDITIONS.items())
        raise ParameterError(f"Unknown Statistical Review edition {edition!r}; shipped editions are {known}.")
    return EDITIONS[key]


def load_energy_trade(edition: str = "2023", commodity: str | None = None) -> pl.DataFrame:
    """The `energy_trade` table of one edition: exporter -> importer cells of its one-year matrices.

    One row per matrix cell, zeros included (a printed 0 means no movement between the areas), but
    not the diagonal (intra-area movements are excluded by the Review, so those zeros mean "not
    measured"), "Total ..." rows/columns or the gas matrices' regional subtotal rows. `value` is in
    `unit`: million tonnes (crude_oil, oil_products), bcm (natural_gas_pipeline, lng) or exajoules
    (coal). `commodity=None` returns all five commodities.
    """
    info = edition_for(edition)
    wanted = COMMODITIES if commodity is None else (_check_commodity(commodity),)
    frames = [_load_matrix(info, MATRIX_SHEETS[name]) for name in wanted]
    return validate(pl.concat(frames), ENERGY_TRADE, dataset=f"{info.folder} energy_trade")


def load_russia_china_energy_flows(edition: str = "2023") -> pl.DataFrame:
    """Russia -> China flows from the tidy extract shipped with the edition (values as in the sheets).

    EI 2023: pipeline gas 2000-2022 (bcm, from the inter-regional sheet) plus 2022 crude, products,
    pipeline gas (matrix), LNG and coal. bp 2021: the five 2020 matrix cells. The 2022 pipeline-gas
    value appears twice (time series and matrix); `sheet` tells them apart.
    """
    info = edition_for(edition)
    relative = TIDY_FILES[info.key]
    raw = _read_tidy_csv(info, relative)
    dataset = f"{info.folder}/{relative}"
    unknown = raw.filter(~pl.col("flow").is_in(COMMODITIES))
    if len(unknown):
        raise DataError(f"{dataset}: unknown flow {unknown['flow'][0]!r}; known: {', '.join(COMMODITIES)}.")
    iso3 = _country_iso3(pl.concat([raw["from"], raw["to"]]).drop_nulls(), info.folder, dataset)
    frame = raw.select(
        pl.col("year").cast(pl.Int32, strict=False),
        pl.col("flow").alias("commodity"),
        pl.col("from").alias("exporter_name"),
        pl.col("from").replace_strict(iso3, default=None, return_dtype=pl.String).alias("exporter_iso3"),
        pl.col("to").alias("importer_name"),
        pl.col("to").replace_strict(iso3, default=None, return_dtype=pl.String).alias("importer_iso3"),
        pl.col("value").cast(pl.Float64, strict=False),
        pl.col("unit"),
        pl.col("sheet").str.strip_chars(),
        pl.col("note"),
        pl.lit(info.label).alias("edition"),
        pl.lit(info.folder).alias("source"),
        pl.lit(relative).alias("source_file"),
    )
    fail_on_unparsed(raw, frame, [("year", "year"), ("value", "value")], dataset=dataset)
    _check_units(frame, dataset)
    return validate(frame, RUSSIA_CHINA_ENERGY_FLOWS, dataset=dataset)


def load_gas_interregional(edition: str = "2023") -> pl.DataFrame:
    """Pipeline-gas time series between the Review's regions, from the "of which" rows, in bcm.

    One row per year and listed pair. Regions are the sheet's own ("Europe", "Other CIS",
    "OECD Asia"); "Russia" and "China" are single countries. Intra-regional trade is excluded by the
    Review. The bp 2021 edition has no Russia -> China pair (China's imports are split only into
    "Other Asia" and "Other CIS"); the EI 2023 edition adds it.
    """
    info = edition_for(edition)
    relative = GAS_INTERREGIONAL_FILES[info.key]
    grid = _read_grid(info, relative)
    rows = _parse_gas_interregional(grid, f"{info.folder}/{relative}")
    frame = pl.DataFrame(rows, schema=["year", "exporter_name", "importer_name", "value", "listed_under"], orient="row")
    frame = _with_area_columns(frame, info.folder).with_columns(
        pl.lit("bcm").alias("unit"),
        pl.lit(info.label).alias("edition"),
        pl.lit("Gas - Inter-regional trade").alias("sheet"),
        pl.lit(info.folder).alias("source"),
        pl.lit(relative).alias("source_file"),
    )
    return validate(frame, GAS_INTERREGIONAL, dataset=f"{info.folder}/{relative}")


# --- reading files -------------------------------------------------------------------------------


def _check_commodity(commodity: str) -> str:
    if commodity not in MATRIX_SHEETS:
        raise ParameterError(f"Unknown commodity {commodity!r}; known commodities are {', '.join(COMMODITIES)}.")
    return commodity


def _verified_path(info: Edition, relative: str) -> Path:
    folder = raw_dir() / info.folder
    return require_verified(folder, read_source(folder), relative)


def _read_grid(info: Edition, relative: str) -> list[list[str]]:
    """The sheet dump as rows of cell strings (empty cells are ""), after its checksum is verified."""
    return _grid_of(_verified_path(info, relative))


def _grid_of(path: Path) -> list[list[str]]:
    """A verified sheet dump as rows of cell strings (empty cells are "")."""
    try:
        return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path}: cannot be read as a UTF-8 CSV sheet dump ({exc}). Restore it with git.") from exc


def _read_tidy_csv(info: Edition, relative: str) -> pl.DataFrame:
    path = _verified_path(info, relative)
    try:
        return pl.read_csv(path, infer_schema=False)
    except Exception as exc:
        raise DataError(f"{path}: cannot be read as CSV ({exc}). Restore it with git or re-import it.") from exc


def _cell(row: Sequence[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _number(text: str, where: str) -> float:
    """A matrix cell as a float; empty or non-numeric cells are a damaged dump, not a gap."""
    return float(parse_number(text, where))  # type: ignore[arg-type]  # never None without empty_ok


# --- matrices ------------------------------------------------------------------------------------


@dataclass
class Matrix:
    """One matrix as printed: row and column names, cells, and the sheet's own totals."""

    row_names: list[str]
    col_names: list[str]
    cells: list[list[float]]
    row_totals: list[float]  # the "Total" column, one per row
    col_totals: list[float]  # the "Total ..." row, one per column


def _load_matrix(info: Edition, spec: MatrixSheet) -> pl.DataFrame:
    """One matrix sheet as long rows; the file is verified on every call and parsed once per process
    (loader_kit.parsed_once: an energy report reads ten sheets, and parsing them was a third of its build)."""
    relative = info.file(spec.stem)
    path = _verified_path(info, relative)
    what = f"energy_institute matrix {spec!r} {info.data_year} {info.label!r}"
    return parsed_once(path, what, lambda: _parse_matrix(info, spec, relative, _grid_of(path)))


def _parse_matrix(info: Edition, spec: MatrixSheet, relative: str, grid: list[list[str]]) -> pl.DataFrame:
    where = f"{info.folder}/{relative}"
    _check_title_year(grid, info.data_year, where)
    if spec.rows_are == "importer":
        matrix = _parse_gas_matrix(grid, spec, where)
    else:
        matrix = _parse_from_to_matrix(grid, spec, where)
    _check_totals(matrix, where)
    frame = _matrix_to_long(matrix, spec.rows_are)
    return _with_area_columns(frame, info.folder).with_columns(
        pl.lit(info.data_year, dtype=pl.Int32).alias("year"),
        pl.lit(spec.commodity).alias("commodity"),
        pl.lit(UNITS[spec.commodity]).alias("unit"),
        pl.lit(info.label).alias("edition"),
        pl.lit(spec.sheet).alias("sheet"),
        pl.lit(info.folder).alias("source"),
        pl.lit(relative).alias("source_file"),
    )


def _check_title_year(grid: list[list[str]], year: int, where: str) -> None:
    """The sheet title ("Coal: Inter-area movements 2022") must name the edition's data year."""
    title = _cell(grid[0], 0) if grid else ""
    found = re.findall(r"\b(?:19|20)\d{2}\b", title)
    if str(year) not in found:
        raise DataError(f"{where}: title {title!r} does not name {year}; is this the sheet of another edition?")


def _find_row(grid: list[list[str]], label: str, where: str, start: int = 0) -> int:
    for index in range(start, len(grid)):
        if _cell(grid[index], 0) == label:
            return index
    raise DataError(f"{where}: no row starting with {label!r}; the sheet layout (or its unit) changed.")


def _header_names(header: Sequence[str], where: str, total_prefix: str = "Total") -> tuple[list[str], int]:
    """Column names from cell 1 up to the "Total ..." column, and that column's index."""
    names = []
    for index in range(1, len(header)):
        name = clean_name(header[index])
        if name.startswith(total_prefix):
            return names, index
        if not name:
            raise DataError(f"{where}: empty column header in column {index + 1}; the sheet layout changed.")
        names.append(name)
    raise DataError(f"{where}: no 'Total' column in the header row; the sheet layout changed.")


def _parse_from_to_matrix(grid: list[list[str]], spec: MatrixSheet, where: str) -> Matrix:
    """An oil or coal block: header row (unit caption + To names), a "From" row, then exporter rows."""
    header_index = _find_row(grid, spec.header_label, where)
    names_index = _find_row(grid, spec.names_from, where) if spec.names_from else header_index
    col_names, total_col = _header_names(grid[names_index], where)
    if header_index + 1 >= len(grid) or _cell(grid[header_index + 1], 0) != "From":
        raise DataError(f"{where}: expected a 'From' row under {spec.header_label!r}; the sheet layout changed.")
    return _read_body(grid, header_index + 2, col_names, total_col, "Total imports", where)


def _parse_gas_matrix(grid: list[list[str]], spec: MatrixSheet, where: str) -> Matrix:
    """A gas block: rows are importers ("To"); exporter names may be split over two header rows."""
    header_index = _find_row(grid, spec.header_label, where)
    above = grid[header_index - 1] if header_index else []
    if _cell(above, 0) != GAS_UNIT_CAPTION:
        raise DataError(f"{where}: expected the unit caption {GAS_UNIT_CAPTION!r} above the header row.")
    # The LNG sheet prints "Russian " above "Federation"; the pipeline sheet prints a "From"
    # caption there instead, which is not part of any name.
    joined = [
        (_cell(above, i) if _cell(above, i) != "From" else "") + " " + cell if i else cell
        for i, cell in enumerate(grid[header_index])
    ]
    col_names, total_col = _header_names(joined, where)
    matrix = _read_body(grid, header_index + 1, col_names, total_col, "Total exports", where)
    return _drop_subtotal_rows(matrix, where)


def _read_body(
    grid: list[list[str]], first: int, col_names: list[str], total_col: int, total_label: str, where: str
) -> Matrix:
    """Data rows from `first` up to the `total_label` row, which supplies the column totals."""
    end = _find_row(grid, total_label, where, start=first)
    row_names, cells, row_totals = [], [], []
    for index in range(first, end):
        row = grid[index]
        name = clean_name(_cell(row, 0))
        at = f"{where} row {index + 1} ({name})"
        row_names.append(name)
        cells.append([_number(_cell(row, c), f"{at}, column {c + 1}") for c in range(1, total_col)])
        row_totals.append(_number(_cell(row, total_col), f"{at}, total column"))
    if not row_names:
        raise DataError(f"{where}: no data rows before {total_label!r}.")
    col_totals = [_number(_cell(grid[end], c), f"{where} row {end + 1} ({total_label})") for c in range(1, total_col)]
    return Matrix(row_names, col_names, cells, row_totals, col_totals)


def _close(a: float, b: float) -> bool:
    # The sheet's totals are Excel sums of the same cells; allow only floating-point noise.
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def _drop_subtotal_rows(matrix: Matrix, where: str) -> Matrix:
    """Remove regional subtotal rows after checking each equals the sum of its member rows."""
    keep: list[int] = []
    members: list[int] = []
    for index, name in enumerate(matrix.row_names):
        if name not in GAS_SUBTOTAL_ROWS:
            keep.append(index)
            members.append(index)
            continue
        for col, col_name in enumerate(matrix.col_names):
            total = sum(matrix.cells[m][col] for m in members)
            if not _close(total, matrix.cells[index][col]):
                raise DataError(
                    f"{where}: subtotal row {name!r} has {matrix.cells[index][col]} in column {col_name!r} but its "
                    f"member rows ({', '.join(matrix.row_names[m] for m in members) or 'none'}) sum to {total}. "
                    "The regions changed; update GAS_SUBTOTAL_ROWS."
                )
        members = []
    return Matrix(
        [matrix.row_names[i] for i in keep],
        matrix.col_names,
        [matrix.cells[i] for i in keep],
        [matrix.row_totals[i] for i in keep],
        matrix.col_totals,
    )


def _check_totals(matrix: Matrix, where: str) -> None:
    """Every row and column of cells must add up to the sheet's own totals."""
    for name, row, total in zip(matrix.row_names, matrix.cells, matrix.row_totals, strict=True):
        if not _close(sum(row), total):
            raise DataError(f"{where}: row {name!r} sums to {sum(row)}, but the sheet's total is {total}.")
    for col, (name, total) in enumerate(zip(matrix.col_names, matrix.col_totals, strict=True)):
        column_sum = sum(row[col] for row in matrix.cells)
        if not _close(column_sum, total):
            raise DataError(
                f"{where}: column {name!r} sums to {column_sum}, but the sheet's total is {total}. "
                "An unknown subtotal row would cause this."
            )


def _matrix_to_long(matrix: Matrix, rows_are: str) -> pl.DataFrame:
    """exporter_name, importer_name, value for every off-diagonal cell."""
    records = []
    for row_name, row in zip(matrix.row_names, matrix.cells, strict=True):
        for col_name, value in zip(matrix.col_names, row, strict=True):
            exporter, importer = (row_name, col_name) if rows_are == "exporter" else (col_name, row_name)
            if exporter != importer:
                records.append((exporter, importer, value))
    return pl.DataFrame(records, schema=["exporter_name", "importer_name", "value"], orient="row")


def _with_area_columns(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    """Add <side>_iso3 and <side>_is_region from the printed names (unknown names raise)."""
    iso3 = area_iso3(sorted(set(frame["exporter_name"]) | set(frame["importer_name"])), source)
    region = {name: code is None for name, code in iso3.items()}
    return frame.with_columns(
        *(
            expr
            for side in ("exporter", "importer")
            for expr in (
                pl.col(f"{side}_name").replace_strict(iso3, return_dtype=pl.String).alias(f"{side}_iso3"),
                pl.col(f"{side}_name").replace_strict(region, return_dtype=pl.Boolean).alias(f"{side}_is_region"),
            )
        )
    )


# --- gas inter-regional time series --------------------------------------------------------------

MEASURE_ROWS = frozenset(
    {"Pipeline imports", "LNG imports", "Total imports", "Pipeline exports", "LNG exports", "Total exports"}
)


def _year_columns(header: Sequence[str], where: str) -> list[tuple[int, int]]:
    """(column index, year) for the consecutive year columns; later columns are growth and share."""
    columns: list[tuple[int, int]] = []
    for index in range(1, len(header)):
        text = _cell(header, index)
        if not re.fullmatch(r"\d{4}", text) or (columns and int(text) != columns[-1][1] + 1):
            break
        columns.append((index, int(text)))
    if not columns:
        raise DataError(f"{where}: no year columns in the header row.")
    return columns


def _parse_gas_interregional(grid: list[list[str]], where: str) -> list[tuple[int, str, str, float, str]]:
    """(year, exporter, importer, bcm, listed_under) for every "of which" partner row.

    Layout: a region heading row, then measure rows ("Pipeline imports", ...). A measure row may be
    followed by "of which: <partner>" and indented continuation rows naming further partners.
    """
    header_index = _find_row(grid, GAS_UNIT_CAPTION, where)
    years = _year_columns(grid[header_index], where)
    region: str | None = None
    measure: str | None = None
    records = []
    for index in range(header_index + 1, _find_row(grid, "World", where)):
        row = grid[index]
        first = row[0] if row else ""
        label = clean_name(first)
        is_partner = first.startswith(" ") and bool(label)
        if not label:
            continue
        if not is_partner and all(not _cell(row, c) for c, _ in years):
            region, measure = label, None
            continue
        if not is_partner:
            if label not in MEASURE_ROWS:
                raise DataError(f"{where} row {index + 1}: unknown measure {label!r} under {region!r}.")
            measure = label
            continue
        if measure not in ("Pipeline imports", "Pipeline exports") or region is None:
            raise DataError(f"{where} row {index + 1}: partner row {label!r} is not under a pipeline total.")
        partner = label.removeprefix("of which:").strip()
        listed_under = "importer" if measure == "Pipeline imports" else "exporter"
        exporter, importer = (partner, region) if listed_under == "importer" else (region, partner)
        for col, year in years:
            value = _number(_cell(row, col), f"{where} row {index + 1} ({label}), {year}")
            records.append((year, exporter, importer, value, listed_under))
    return records


# --- tidy-file checks ----------------------------------------------------------------------------


def _country_iso3(names: pl.Series, source: str, dataset: str) -> dict[str, str]:
    """ISO3 for each name in a file that should name single countries only (regions raise)."""
    codes = {}
    for name, code in area_iso3(names.unique().sort().to_list(), source).items():
        if code is None:
            raise DataError(f"{dataset}: {name!r} is a region; this file should name single countries.")
        codes[name] = code
    return codes


def _check_units(frame: pl.DataFrame, dataset: str) -> None:
    """Each commodity must carry its Review unit, so values of different units are never mixed up."""
    expected = pl.col("commodity").replace_strict(UNITS, return_dtype=pl.String)
    bad = frame.filter(pl.col("unit") != expected)
    if len(bad):
        row = bad.row(0, named=True)
        expected_unit = UNITS[row["commodity"]]
        raise DataError(
            f"{dataset}: {row['commodity']} in {row['unit']!r}; expected {expected_unit!r} for that commodity."
        )
