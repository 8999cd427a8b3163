"""Loader for China Customs monthly energy imports by origin (Wind exports via CREA).

Two Wind series exports are shipped in `data/raw/china_customs_energy_imports_by_origin/`:

- `russia` = `china_imports_from_russia_energy_monthly_wind_2023-03-22.csv`: 13 series, 1995-04..2023-02,
  imports from the Russian Federation plus two China-total value columns whose titles name no origin.
  Dates are month ends ("2022-12-31"); the file starts with a UTF-8 BOM and a "Wind" row.
- `by_origin` = `china_energy_imports_by_origin_monthly_wind_2023-01-03.csv`: 194 series, 1993-01..2022-11,
  imports by origin country plus China totals. Dates are "YYYY-MM". Four crude-oil volume columns
  (Ecuador, Chad, United Kingdom, South Africa) are printed twice with the same Wind ID.

Both are "wide Wind" layouts: metadata rows (`Name`, `Frequency`, `Unit`, `ID`, ...) above one column
per series. This module turns both into one long table, `CHINA_ENERGY_IMPORTS`, one row per file x
series x month, with units made canonical (tonnes, US$).

Decisions (see docs/data.md, "China Customs energy imports by origin"):
- **0 or empty = not published.** The PROVENANCE says so and gives no exception: China stopped
  publishing pipeline-gas volumes by origin in 2022 and the cells read 0. Such cells become rows with
  `value` null and `is_published` False, never 0, so a sum can never present a gap as "no trade".
  The cost: a month in which a small supplier really shipped nothing is also "not published".
- **Duplicated columns** (same title, same Wind ID) are checked to be identical cell by cell and
  kept once; if they ever differ the load fails, because we could not know which one is right.
- **Origin-less columns** (titles without an origin, e.g. "China: Value of Imports: Natural
  Gas(271121)" in the Russia file) get `origin_iso3` null and `origin_name` "China total (origin
  not stated)". They are never attributed to Russia.
- The two files overlap (same Russia series IDs) and differ by revisions in some months; both are
  kept, told apart by `file`. Never add the two files together.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from dataclasses import dataclass

import polars as pl

from bilateral.data import harmonise
from bilateral.data.loader_kit import parse_number, parsed_once
from bilateral.data.paths import raw_dir
from bilateral.data.provenance import read_source, require_verified
from bilateral.data.schemas import ISO3, Column, Schema, validate
from bilateral.errors import DataError, ParameterError

SOURCE = "china_customs_energy_imports_by_origin"

# `file` key -> file name in the source folder. The key is what callers pass and rows carry.
FILES: dict[str, str] = {
    "russia": "china_imports_from_russia_energy_monthly_wind_2023-03-22.csv",
    "by_origin": "china_energy_imports_by_origin_monthly_wind_2023-01-03.csv",
}

TOTAL_ORIGIN_NAME = "China total (origin not stated)"

# Commodity label as printed in a title with an origin ("Volume of Imports: <label>: <origin>").
# "coal" is Wind's aggregate coal series: it is larger than steam + coking + anthracite of the same
# origin, so these commodities overlap and must never be added together.
COMMODITY_LABELS: dict[str, str] = {
    "Crude Oil": "crude_oil",
    "Coal": "coal",
    "Steam Coal": "steam_coal",
    "Coking Coal": "coking_coal",
    "Anthracite Coal": "anthracite",
    "Lignite": "lignite",
    "Liquified Natural Gas (LNG)": "lng",
    "Pipeline Carried Natural Gas (Gaseous State)": "pipeline_gas",
}

# Labels of China-total series (titles without an origin). HS 271121 "natural gas in gaseous state"
# is counted as pipeline gas: in 2020 and 2021 the by-origin file's pipeline-gas series add up to it
# (value exactly, volume within 0.1%). "Coal and Lignite" (HS 2701+2702) is a wider product than any
# by-origin coal series, so it stays a commodity of its own rather than the total of "coal".
TOTAL_LABELS: dict[str, str] = {
    "Crude Oil": "crude_oil",
    "Coal and Lignite": "coal_and_lignite",
    "Natural Gas in Gaseous State": "pipeline_gas",
    "Natural Gas(271121)": "pipeline_gas",
    "Liquified Natural Gas (LNG)": "lng",
    "Liquified Natural Gas(271111)": "lng",
}
COMMODITIES = tuple(sorted({*COMMODITY_LABELS.values(), *TOTAL_LABELS.values()}))

# Origin names as the Wind titles print them go through the harmoniser: ISO 3166 names directly, Wind's
# own spellings ("Columbia", "Lao", "USA", "Zaire") by reference/country_names/<SOURCE>.csv. A name
# neither knows raises, so a new origin is looked at, not guessed. "Zaire" is the DR Congo, so "Congo"
# is the Republic of the Congo (as ISO 3166 says); "Sudan" before 2011 includes today's South Sudan.

# Wind `Unit` row -> (canonical unit, multiplier, divisor). Division for kg keeps 1234 kg = 1.234 t exact.
UNITS: dict[str, tuple[str, float, float]] = {
    "kg": ("t", 1.0, 1000.0),
    "ton": ("t", 1.0, 1.0),
    "10000 tons": ("t", 10_000.0, 1.0),
    "USD": ("usd", 1.0, 1.0),
    "USD 10 th": ("usd", 10_000.0, 1.0),  # "ten thousand US$"
}
MEASURE_UNIT = {"volume": "t", "value": "usd"}

# Metadata rows of a Wind export (first cell); Name, Unit, ID and Frequency are required.
REQUIRED_META = ("Name", "Frequency", "Unit", "ID")
OTHER_META = frozenset({"Wind", "Time Period", "Source", "Update"})
FOOTER_PREFIXES = ("数据来源", "Source:")  # "数据来源：Wind" = "Source: Wind"

CHINA_ENERGY_IMPORTS = Schema(
    "china_energy_imports",
    {
        "year": Column(pl.Int32, min_value=1990, max_value=2100),
        "period": Column(pl.String, pattern=r"\d{4}-(0[1-9]|1[0-2])"),
        "importer_iso3": Column(pl.String, allowed=frozenset({"CHN"})),
        "origin_iso3": Column(pl.String, nullable=True, pattern=ISO3),  # null = China total
        "origin_name": Column(pl.String),  # as printed in the Wind title
        "commodity": Column(pl.String, allowed=frozenset(COMMODITIES)),
        "measure": Column(pl.String, allowed=frozenset(MEASURE_UNIT)),
        "value": Column(pl.Float64, nullable=True, min_value=0),  # t or US$; null = not published
        "unit": Column(pl.String, allowed=frozenset(MEASURE_UNIT.values())),
        "series_id": Column(pl.String, pattern=r"[A-Z]\d+"),
        "file": Column(pl.String, allowed=frozenset(FILES)),
        "is_published": Column(pl.Boolean),
        "source": Column(pl.String, allowed=frozenset({SOURCE})),
    },
    # One series per origin, commodity and measure in each file: a second one would be counted twice.
    key=("file", "period", "commodity", "measure", "origin_iso3"),
)


@dataclass(frozen=True)
class Series:
    """What one Wind column holds, read from its title and unit."""

    series_id: str
    title: str
    measure: str
    commodity: str
    origin_iso3: str | None
    origin_name: str
    unit: str
    multiplier: float
    divisor: float


# --- public API ----------------------------------------------------------------------------------


def load_china_energy_imports(file: str = "all") -> pl.DataFrame:
    """China's monthly energy imports by origin, one row per file x series x month (CHINA_ENERGY_IMPORTS).

    `file`: "russia" (imports from Russia to 2023-02), "by_origin" (all listed origins and China
    totals to 2022-11) or "all" (both, stacked; they overlap, so filter on `file` before summing).
    Volumes are in tonnes (`unit` "t"), values in current US$ ("usd"). `value` is null and
    `is_published` False where the file has an empty or 0 cell: these files print 0 for "not
    published", not for zero trade.
    """
    keys = _file_keys(file)
    frames = [_load_file(key) for key in keys]
    return pl.concat(frames).sort("file", "commodity", "measure", "origin_name", "period")


def parse_wind_csv(text: str, *, file: str, where: str) -> pl.DataFrame:
    """Parse one wide Wind export (CSV text) into CHINA_ENERGY_IMPORTS rows, validated.

    Pure (no file access) so the layout rules can be tested on a tiny synthetic export. `file` is
    the `file` key the rows carry; `where` names the file in error messages.
    """
    grid = _read_grid(text, where)
    meta, data_rows = _split_layout(grid, where)
    columns = range(1, len(meta["Name"]))
    origins = [split_title(meta["Name"][index], _column_label(meta, index, where))[2] for index in columns]
    codes = origin_iso3([name for name in origins if name is not None], where)  # every unknown origin at once
    series = [_series(meta, index, codes, where) for index in columns]
    columns = _dedupe_columns(series, data_rows, where)
    frame = _to_long(columns, data_rows, file, where)
    return validate(frame, CHINA_ENERGY_IMPORTS, dataset=where)


def classify_title(title: str, where: str = "series title") -> tuple[str, str, str | None, str]:
    """(measure, commodity, origin ISO3 or None, origin name) for a Wind series title.

    "Volume of Imports: Crude Oil: Saudi Arabia" -> ("volume", "crude_oil", "SAU", "Saudi Arabia");
    "China: Value of Imports: Natural Gas(271121)" -> ("value", "pipeline_gas", None, TOTAL_ORIGIN_NAME).
    An unknown title, commodity or origin raises DataError naming it: a new series must be mapped
    by hand, never guessed.
    """
    measure, commodity, origin = split_title(title, where)
    if origin is None:
        return measure, commodity, None, TOTAL_ORIGIN_NAME
    return measure, commodity, origin_iso3([origin], where)[origin], origin


def split_title(title: str, where: str = "series title") -> tuple[str, str, str | None]:
    """(measure, commodity, origin name as printed or None for a China total) for a Wind series title.

    An unknown title shape or commodity raises DataError naming the title; the origin is not checked here.
    """
    match = re.fullmatch(r"(?:China: )?(Volume|Value) of Imports: (.+)", title)
    if not match:
        raise DataError(
            f"{where}: unknown series title {title!r}; expected 'Volume|Value of Imports: <commodity>[: <origin>]'. "
            "Map it in bilateral/data/sources/china_customs_energy.py."
        )
    measure, rest = match.group(1).lower(), match.group(2)
    if rest in TOTAL_LABELS:
        return measure, TOTAL_LABELS[rest], None
    label, _, origin = rest.rpartition(": ")
    if label not in COMMODITY_LABELS:
        raise DataError(
            f"{where}: unknown commodity in series title {title!r}; known: {', '.join(COMMODITY_LABELS)} "
            f"(China totals: {', '.join(TOTAL_LABELS)}). Add it to COMMODITY_LABELS or TOTAL_LABELS."
        )
    return measure, COMMODITY_LABELS[label], origin


def origin_iso3(names: list[str], where: str) -> dict[str, str]:
    """ISO3 of each origin name printed in series titles; DataError listing every unknown one and the table to edit.

    An origin the table calls an aggregate (a group of countries) is refused too: the table has one row per
    origin country, and a null `origin_iso3` is reserved for China-total series.
    """
    try:
        mapping = harmonise.to_iso3(names, source=SOURCE)
    except DataError as exc:
        raise DataError(f"{where}: series titles name an unknown origin. {exc}") from exc
    groups = sorted(name for name, code in mapping.items() if code is None or code == harmonise.WORLD)
    if groups:
        raise DataError(
            f"{where}: origin(s) {', '.join(map(repr, groups))} are not one country "
            f"({harmonise.table_path(SOURCE)}); this loader reads series by origin country only."
        )
    return {name: code for name, code in mapping.items() if code is not None}


# --- reading -------------------------------------------------------------------------------------


def _file_keys(file: str) -> list[str]:
    if file == "all":
        return list(FILES)
    if file not in FILES:
        raise ParameterError(f"Unknown file {file!r}; use 'all', {', '.join(repr(k) for k in FILES)}.")
    return [file]


def _load_file(key: str) -> pl.DataFrame:
    folder = raw_dir() / SOURCE
    relative = FILES[key]
    path = require_verified(folder, read_source(folder), relative)

    def parse() -> pl.DataFrame:
        try:
            text = path.read_text(encoding="utf-8-sig")  # -sig drops the BOM file 1 starts with
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: not UTF-8 text ({exc}). Restore it with git.") from exc
        return parse_wind_csv(text, file=key, where=f"{SOURCE}/{relative}")

    return parsed_once(path, key, parse)


def _read_grid(text: str, where: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    except csv.Error as exc:
        raise DataError(f"{where}: cannot be read as CSV ({exc}). Restore it with git.") from exc


def _split_layout(grid: list[list[str]], where: str) -> tuple[dict[str, list[str]], list[list[str]]]:
    """Metadata rows by label, and the data rows (date first), with the footer dropped."""
    meta: dict[str, list[str]] = {}
    data: list[list[str]] = []
    width = None
    for number, row in enumerate(grid, start=1):
        first = row[0].strip() if row else ""
        if _is_date(first):
            data.append(row)
        elif not data and first in (*REQUIRED_META, *OTHER_META):
            meta[first] = [cell.strip() for cell in row]
            width = width or len(row)
        elif data and (not "".join(row).strip() or first.startswith(FOOTER_PREFIXES)):
            continue  # blank line or "Source: Wind" footer below the data
        else:
            raise DataError(f"{where}: row {number} starts with {first!r}, neither a Wind metadata label nor a date.")
        if width is not None and len(row) != width:
            raise DataError(f"{where}: row {number} has {len(row)} cells, the header {width}; the file is damaged.")
    missing = [label for label in REQUIRED_META if label not in meta]
    if missing or not data:
        raise DataError(f"{where}: not a Wind export: missing {', '.join(missing) or 'data rows'}.")
    return meta, data


def _is_date(text: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text))


def _period(text: str, where: str) -> str:
    """'YYYY-MM' from 'YYYY-MM' or a month-end 'YYYY-MM-DD' (any other day is not a monthly row)."""
    year, month = int(text[:4]), int(text[5:7])
    if not 1 <= month <= 12:
        raise DataError(f"{where}: date {text!r} has no month {month}.")
    if len(text) > 7 and int(text[8:]) != calendar.monthrange(year, month)[1]:
        raise DataError(f"{where}: date {text!r} is not a month end; expected monthly Wind data.")
    return text[:7]


def _column_label(meta: dict[str, list[str]], index: int, where: str) -> str:
    """'<file>, column 3 (S5101234)': where a column is, for messages."""
    return f"{where}, column {index + 1} ({meta['ID'][index] or 'no ID'})"


def _series(meta: dict[str, list[str]], index: int, origins: dict[str, str], where: str) -> Series:
    """Read one column's title, unit, ID and frequency; unknown or inconsistent ones raise.

    `origins` maps the file's origin names to ISO3 (from `origin_iso3`, called once for all columns).
    """
    title, unit_text, series_id = meta["Name"][index], meta["Unit"][index], meta["ID"][index]
    at = _column_label(meta, index, where)
    if meta["Frequency"][index] != "Month":
        raise DataError(f"{at}: frequency {meta['Frequency'][index]!r}; this loader reads monthly series only.")
    measure, commodity, origin = split_title(title, at)
    iso3, origin_name = (None, TOTAL_ORIGIN_NAME) if origin is None else (origins[origin], origin)
    if unit_text not in UNITS:
        raise DataError(f"{at}: unknown unit {unit_text!r} for {title!r}; known: {', '.join(UNITS)}. Add it to UNITS.")
    unit, multiplier, divisor = UNITS[unit_text]
    if unit != MEASURE_UNIT[measure]:
        raise DataError(f"{at}: {title!r} is a {measure} series but its unit is {unit_text!r}.")
    return Series(series_id, title, measure, commodity, iso3, origin_name, unit, multiplier, divisor)


def _dedupe_columns(series: list[Series], rows: list[list[str]], where: str) -> list[tuple[int, Series]]:
    """(column index, series) with repeated Wind IDs kept once, after checking they are identical."""
    first_seen: dict[str, int] = {}
    kept: list[tuple[int, Series]] = []
    for index, item in enumerate(series, start=1):
        if item.series_id not in first_seen:
            first_seen[item.series_id] = index
            kept.append((index, item))
            continue
        earlier = first_seen[item.series_id]
        if series[earlier - 1] != item:
            raise DataError(
                f"{where}: Wind ID {item.series_id} heads two different series (columns {earlier + 1}, {index + 1})."
            )
        for row in rows:
            if row[earlier].strip() != row[index].strip():
                raise DataError(
                    f"{where}: {item.title!r} ({item.series_id}) is printed twice and the copies differ in "
                    f"{row[0]} ({row[earlier]!r} vs {row[index]!r}); cannot tell which is right."
                )
    return kept


# --- cells ---------------------------------------------------------------------------------------


def _number(text: str, where: str) -> float | None:
    """A cell as a float in the file's unit; None for empty or 0 (= not published in these files)."""
    value = parse_number(text, where, empty_ok=True, thousands_ok=True)  # separators: some Russia-file versions
    if value is not None and value < 0:
        raise DataError(f"{where}: {text.strip()!r} is not a valid import figure (negative).")
    return value or None


def _to_long(columns: list[tuple[int, Series]], rows: list[list[str]], file: str, where: str) -> pl.DataFrame:
    """One record per (kept column, data row), values converted to tonnes or US$."""
    records = []
    for row in rows:
        period = _period(row[0].strip(), f"{where}, date {row[0]!r}")
        for index, item in columns:
            raw = _number(row[index], f"{where}, {row[0]}, column {index + 1} ({item.series_id})")
            value = None if raw is None else raw * item.multiplier / item.divisor
            records.append(
                (
                    period,
                    item.origin_iso3,
                    item.origin_name,
                    item.commodity,
                    item.measure,
                    value,
                    item.unit,
                    item.series_id,
                )
            )
    frame = pl.DataFrame(
        records,
        schema={
            "period": pl.String, "origin_iso3": pl.String, "origin_name": pl.String, "commodity": pl.String,
            "measure": pl.String, "value": pl.Float64, "unit": pl.String, "series_id": pl.String,
        },
        orient="row",
    )  # fmt: skip
    return frame.with_columns(
        pl.col("period").str.slice(0, 4).cast(pl.Int32).alias("year"),
        pl.lit("CHN").alias("importer_iso3"),
        pl.lit(file).alias("file"),
        pl.col("value").is_not_null().alias("is_published"),
        pl.lit(SOURCE).alias("source"),
        pl.lit(FILES.get(file, file)).alias("source_file"),
    )
