"""IMF Direction of Trade Statistics (DOTS): every reporter's declared trade with every partner, annual, to 2020.

Source: data/raw/imf_dots (235 workbooks downloaded from the IMF data portal in early 2022; read its
PROVENANCE.md). Each workbook is one reporting economy's declarations: exports FOB and imports CIF to every
partner, in US$ millions. Loaded into the canonical `trade_flows` table:

- annual (`period` = year), all products (`hs_level` 0, `product_code` and `classification` "TOTAL");
- `value_usd` in US$ (the IMF's millions x 1e6); `reported_by` = `reporter_iso3`, the declaring country, so each
  pair appears once as declared by each side (the mirror view; never add the two);
- `partner_iso3` WLD is the reporter's total (`World`); IMF aggregates (regions, groups, "not specified") are
  dropped by name through the harmoniser's table `reference/country_names/imf_dots.csv`, so partners do not add
  up to WLD; workbooks whose reporter is not a country (World, Euro Area, the SACCA customs union, ...) are skipped;
- an extra column `is_estimate` keeps the IMF's " e" flag; an empty cell is an absent row (no zero is invented),
  and a zero the IMF printed stays zero.
- DOTS_143 and DOTS_144 are both Nicaragua: two workbooks of one reporter must agree cell by cell, and one is kept.

Parsing 235 workbooks takes seconds, so the result is cached as parquet under data/cache/imf_dots/, named by a
hash of the workbooks' checksums in source.yml (plus the name table and the parser version): it is rebuilt when
any of them changes, written to a temporary file and renamed, and never committed. Every load first checks each
workbook against its sha256 (re-hashing only files whose size or modification time changed in this process).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from bilateral.data import harmonise
from bilateral.data.atomic import atomic_path
from bilateral.data.paths import data_dir, raw_dir
from bilateral.data.provenance import SIDECAR, SourceRecord, read_source, require_verified
from bilateral.data.schemas import TRADE_FLOWS, validate
from bilateral.data.sources.imf_dots_workbook import parse_values, read_workbooks
from bilateral.errors import DataError, ParameterError

SOURCE = "imf_dots"
DATASET_VERSION = "IMF_DOTS_2022-02_download"
PARSER_VERSION = "2"  # part of the cache key: bump it when parsing or mapping rules change
WORKBOOK = re.compile(r"DOTS_(\d+)\.xlsx")
COLUMNS = (*TRADE_FLOWS.columns, "is_estimate")
ROW_GROUP_ROWS = 100_000


def source_folder() -> Path:
    return raw_dir() / SOURCE


def cache_dir() -> Path:
    """Derived files (never committed, safe to delete): data/cache/imf_dots under the data directory."""
    return data_dir() / "cache" / SOURCE


# --------------------------------------------------------------------------------------------------
# Public API


def load_dots(
    *,
    reporters: str | Sequence[str] | None = None,
    partners: str | Sequence[str] | None = None,
    years: int | Sequence[int] | None = None,
) -> pl.DataFrame:
    """DOTS rows as trade_flows (+ is_estimate), filtered by reporter/partner ISO3 codes and years (None = all).

    The first call in a fresh checkout parses the workbooks and writes the cache; later calls read the cache.
    Unknown codes raise ParameterError with suggestions; years after the data's last year (2020) too.
    """
    path = ensure_cache()
    wanted = {
        "reporter_iso3": _clean_codes(reporters),
        "partner_iso3": _clean_codes(partners),
        "year": _clean_years(years),
    }
    active = [_member_of(column, values) for column, values in wanted.items() if values is not None]
    frame = pl.scan_parquet(path)
    try:
        result = (frame.filter(pl.all_horizontal(active)) if active else frame).collect()
    except pl.exceptions.PolarsError as exc:
        raise DataError(
            f"The DOTS cache under {cache_dir()} cannot be read ({str(exc).splitlines()[0]}). Delete that folder; "
            "the next load rebuilds it from the workbooks."
        ) from exc
    _refuse_unknown(result, path, wanted)
    return result


def scan_dots() -> pl.LazyFrame:
    """Lazy frame over the cached DOTS table (built first if missing or stale); nothing is read until collect()."""
    return pl.scan_parquet(ensure_cache())


def ensure_cache(*, cells: pl.DataFrame | None = None) -> Path:
    """Path of the parquet cache for the current workbooks, after verifying them; builds it when missing.

    `cells` (from `read_cells()`, for callers that already read the workbooks) spares a second parse.
    """
    folder = source_folder()
    record = _read_record(folder)
    workbooks = _workbook_files(folder, record)
    for relative in workbooks:
        _verify(folder, record, relative)
    target = cache_dir() / f"{cache_key(record)}.parquet"
    if not target.is_file():
        frame = build_dots(folder, record, cells=cells)
        with atomic_path(target) as tmp:
            frame.write_parquet(tmp, compression="zstd", statistics=True, row_group_size=ROW_GROUP_ROWS)
        _remove_stale(target)
    return target


def cache_key(record: SourceRecord) -> str:
    """Hash of what the cached table depends on: workbook checksums, the IMF name table, the parser version."""
    table = harmonise.table_path(SOURCE)
    basis = {
        "parser": PARSER_VERSION,
        "dataset_version": DATASET_VERSION,
        "workbooks": sorted((f.path, f.sha256) for f in record.files if WORKBOOK.fullmatch(f.path)),
        "names": hashlib.sha256(table.read_bytes()).hexdigest() if table.is_file() else None,
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()[:24]


# --------------------------------------------------------------------------------------------------
# Building the table from the workbooks


def read_cells(folder: Path | None = None, record: SourceRecord | None = None) -> pl.DataFrame:
    """Every value cell of the workbooks listed in source.yml, as text (imf_dots_workbook.RAW_SCHEMA).

    Each workbook is checksum-verified before it is opened; a second workbook of the same reporter must hold the
    same cells and is left out. Names are the IMF's, aggregates included: nothing is mapped or dropped yet.
    """
    folder = folder or source_folder()
    record = record or read_source(folder)
    paths = [require_verified(folder, record, relative) for relative in _workbook_files(folder, record)]
    return _one_workbook_per_reporter(read_workbooks(paths))


def build_dots(
    folder: Path | None = None, record: SourceRecord | None = None, *, cells: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Parse every workbook listed in source.yml (each checksum-verified first) into validated trade_flows rows."""
    # load inputs
    folder = folder or source_folder()
    record = record or read_source(folder)
    raw = read_cells(folder, record) if cells is None else cells
    # process data
    names = harmonise.to_iso3(
        [*raw.get_column("reporter_name").unique().to_list(), *raw.get_column("partner_name").unique().to_list()],
        source=SOURCE,
    )
    frame = to_trade_flows(raw, names)
    return validate(frame, TRADE_FLOWS, dataset=f"{SOURCE} (workbooks in {folder})")


def to_trade_flows(raw: pl.DataFrame, names: dict[str, str | None]) -> pl.DataFrame:
    """Workbook cells -> trade_flows columns; aggregate partners and non-country reporters (incl. World) dropped.

    Values are parsed after the drop: a cell of a dropped aggregate row is never read as a number.
    """
    frame = harmonise.harmonise(raw, "reporter_name", "reporter_iso3", source=SOURCE, mapping=names)
    frame = frame.filter(pl.col("reporter_iso3") != harmonise.WORLD)
    frame = harmonise.harmonise(frame, "partner_name", "partner_iso3", source=SOURCE, mapping=names)
    frame = parse_values(frame.filter(pl.col("value_text").is_not_null()))  # drop the name-only rows
    # Sorted by reporter, partner, flow, year, so that the cache's row-group statistics let a query for one
    # reporter skip most of the file; sorting the narrow frame on one integer key is several times faster.
    frame = frame.select("year", "reporter_iso3", "partner_iso3", "flow", "value_musd", "is_estimate")
    frame = frame.sort(_sort_key(frame))
    return frame.select(
        pl.col("year"),
        pl.col("year").cast(pl.String).alias("period"),
        pl.col("reporter_iso3"),
        pl.col("partner_iso3"),
        pl.col("flow"),
        pl.lit("TOTAL").alias("classification"),
        pl.lit(0, dtype=pl.Int8).alias("hs_level"),
        pl.lit("TOTAL").alias("product_code"),
        (pl.col("value_musd") * 1e6).round(6).alias("value_usd"),  # round: drop binary noise of the scaling
        pl.lit(None, dtype=pl.Float64).alias("quantity"),
        pl.lit(None, dtype=pl.String).alias("quantity_unit"),
        pl.lit(None, dtype=pl.Float64).alias("net_weight_kg"),
        pl.col("reporter_iso3").alias("reported_by"),
        pl.lit(SOURCE).alias("source"),
        pl.lit(DATASET_VERSION).alias("dataset_version"),
        pl.col("is_estimate"),
    )


def _sort_key(frame: pl.DataFrame) -> pl.Expr:
    """One UInt64 ordering rows as (reporter_iso3, partner_iso3, flow, year) would, for a cheap single-key sort."""
    codes = pl.concat([frame.get_column("reporter_iso3"), frame.get_column("partner_iso3")]).unique().sort().to_list()
    rank = {code: index for index, code in enumerate(codes)}  # lexical order of the ISO3 codes
    reporter = pl.col("reporter_iso3").replace_strict(rank, return_dtype=pl.UInt64)
    partner = pl.col("partner_iso3").replace_strict(rank, return_dtype=pl.UInt64)
    is_import = (pl.col("flow") == "import").cast(pl.UInt64)  # "export" < "import"
    year = pl.col("year").cast(pl.UInt64)  # < 4096
    return ((reporter * len(codes) + partner) * 2 + is_import) * 4096 + year


def _one_workbook_per_reporter(cells: pl.DataFrame) -> pl.DataFrame:
    """One workbook per reporter name; a second workbook of a reporter must hold identical cells, and is dropped."""
    workbooks = (
        cells.group_by("reporter_name").agg(pl.col("workbook").unique()).filter(pl.col("workbook").list.len() > 1)
    )
    dropped: list[str] = []
    for reporter, names in workbooks.iter_rows():
        ordered = sorted(names, key=_workbook_number)
        copies = [
            cells.filter(pl.col("workbook") == name).drop("workbook").sort(pl.all(), nulls_last=True)
            for name in ordered
        ]
        for name, copy in zip(ordered[1:], copies[1:], strict=True):
            if not copy.equals(copies[0]):
                raise DataError(
                    f"{name} and {ordered[0]} both hold reporter {reporter!r} but differ; which one is right is not "
                    "known. Check both against the upstream repository and keep one in source.yml."
                )
        dropped.extend(ordered[1:])
    return cells.filter(~pl.col("workbook").is_in(dropped)) if dropped else cells


def _workbook_number(name: str) -> int:
    match = WORKBOOK.fullmatch(name)
    return int(match.group(1)) if match else 0


def _workbook_files(folder: Path, record: SourceRecord) -> list[str]:
    files = sorted((f.path for f in record.files if WORKBOOK.fullmatch(f.path)), key=_workbook_number)
    if not files:
        raise DataError(f"{folder / SIDECAR} lists no DOTS_<n>.xlsx workbook; re-import imf_dots.")
    return files


# --------------------------------------------------------------------------------------------------
# Checksums, memoised per process: (resolved path, size, mtime_ns, expected sha256) of files already hashed.

_VERIFIED: set[tuple[str, int, int, str]] = set()
_RECORDS: dict[tuple[str, int, int], SourceRecord] = {}


def _read_record(folder: Path) -> SourceRecord:
    sidecar = folder / SIDECAR
    if not sidecar.is_file():
        return read_source(folder)  # raises the standard "no source.yml" error
    stat = sidecar.stat()
    key = (str(sidecar.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _RECORDS:
        _RECORDS[key] = read_source(folder)
    return _RECORDS[key]


def _verify(folder: Path, record: SourceRecord, relative: str) -> None:
    path = folder / relative
    expected = next(f.sha256 for f in record.files if f.path == relative)
    try:
        stat = path.stat()
    except FileNotFoundError:
        require_verified(folder, record, relative)  # raises, naming the missing file
        raise
    seen = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, expected)
    if seen not in _VERIFIED:
        require_verified(folder, record, relative)
        _VERIFIED.add(seen)


def _remove_stale(current: Path) -> None:
    """Delete caches built from earlier workbooks (other *.parquet beside the current one)."""
    for old in current.parent.glob("*.parquet"):
        if old != current:
            old.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------------
# Filters


@dataclass(frozen=True)
class _Known:
    reporters: frozenset[str]
    partners: frozenset[str]
    last_year: int


_KNOWN: dict[Path, _Known] = {}


def _known_values(path: Path) -> _Known:
    """Reporters, partners and last year of a cache file (one pass, once per file and process): for messages."""
    if path not in _KNOWN:
        reporters, partners, last = (
            pl.scan_parquet(path)
            .select(
                pl.col("reporter_iso3").unique().implode(),
                pl.col("partner_iso3").unique().implode(),
                pl.col("year").max(),
            )
            .collect()
            .row(0)
        )
        _KNOWN[path] = _Known(frozenset(reporters), frozenset(partners), int(last))
    return _KNOWN[path]


def _as_list(value: object) -> list[object] | None:
    if value is None:
        return None
    return [value] if isinstance(value, (str, int)) else list(value)  # type: ignore[call-overload]


def _clean_codes(codes: str | Sequence[str] | None) -> list[str] | None:
    items = _as_list(codes)
    if items is None:
        return None
    return [str(code).strip().upper() for code in items]  # a code no row has is explained by _refuse_unknown


def _clean_years(years: int | Sequence[int] | None) -> list[int] | None:
    items = _as_list(years)
    if items is None:
        return None
    if not all(isinstance(y, int) and not isinstance(y, bool) for y in items):
        raise ParameterError(f"years must be whole years such as 2020; got {years!r}.")
    return items  # type: ignore[return-value]


def _refuse_unknown(result: pl.DataFrame, path: Path, wanted: dict[str, list | None]) -> None:
    """ParameterError for a requested code no DOTS row has, or a year after the data end; checked only when a
    requested value is missing from the result, so that a normal query pays nothing for it."""
    missing = {
        column: [v for v in values if v not in set(result.get_column(column).unique().to_list())]
        for column, values in wanted.items()
        if values is not None
    }
    if not any(missing.values()):
        return
    known = _known_values(path)
    for column, role, codes in (
        ("reporter_iso3", "reporter", known.reporters),
        ("partner_iso3", "partner", known.partners),
    ):
        unknown = [code for code in missing.get(column) or [] if code not in codes]
        if unknown and column == "reporter_iso3" and unknown[0] in known.partners:
            raise ParameterError(
                f"{unknown[0]} has no DOTS workbook of its own (no declarations as reporter); it appears only as a "
                f"partner in other reporters' data. Ask for partners={unknown[0]!r} (the partners' mirror view)."
            )
        if unknown:
            hints = difflib.get_close_matches(unknown[0], sorted(codes), n=3, cutoff=0.5)
            hint = f" Did you mean {' or '.join(map(repr, hints))}?" if hints else ""
            raise ParameterError(
                f"Unknown {role} {unknown[0]!r}: no IMF DOTS {role} has that ISO3 code ({len(codes)} do).{hint}"
            )
    late = sorted(y for y in missing.get("year") or [] if y > known.last_year)
    if late:
        raise ParameterError(
            f"IMF DOTS data end in {known.last_year}; no rows for {', '.join(map(str, late))}. Use statements or "
            "another source for later years."
        )


def _member_of(column: str, values: list[object] | None) -> pl.Expr | None:
    if values is None:
        return None
    return pl.col(column) == values[0] if len(values) == 1 else pl.col(column).is_in(values)
