"""Country names to ISO 3166 alpha-3: the one harmoniser every loader uses.

Sources name countries their own way ("China, P.R.: Mainland", "Netherlands, The", "Czech Rep.") and mix in
rows that are not countries at all ("Euro Area", "Countries & Areas not specified"). A name is mapped by:

1. the source's exception table `reference/country_names/<source>.csv` (columns name, iso3, kind, note), where
   `<source>` is the folder under data/raw the names come from. `kind` is `country` (iso3 given), `world`
   (iso3 WLD: the reporter's total) or `aggregate` (not one country: a group, region, residual, customs union or
   part of a country; iso3 empty, and the row is dropped by name, never guessed); `note` says why;
2. otherwise an exact match against pycountry's ISO 3166-1 `name`, `official_name` or `common_name` (a name that
   two countries share is not matched).

Nothing fuzzy happens: a name neither step knows raises DataError listing every such name and the table to edit.
Tables are checked when read (known kinds, real ISO codes, no name twice), and `unused_entries` lets tests warn
about entries no longer seen in the data, as OWID's harmonisation step does.

One table per folder is the rule. The exception: editions of one publication that live in several folders and
print the same names share the table of one of them, named explicitly by the loader with `table=` (both Energy
Institute editions read `energy_institute_statreview.csv`), so a name is added once and an entry counts as used
when any edition prints it. The table-level functions (`exception_table`, `unused_entries`, `redundant_entries`,
`aggregate_names`, `table_path`) take the table's name, which is the folder name of the source that owns it.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl
import pycountry

from bilateral.data.reference import REFERENCE_DIR
from bilateral.errors import DataError

TABLE_DIR = REFERENCE_DIR / "country_names"
COLUMNS = ("name", "iso3", "kind", "note")
KINDS = ("country", "aggregate", "world")
WORLD = "WLD"
# Codes a table may use that are neither current nor former ISO 3166 codes, with the reason. Kosovo has no ISO
# 3166-1 code; XKX is the user-assigned code the European Commission and the World Bank use for it.
NON_ISO_CODES: dict[str, str] = {"XKX": "Kosovo (user-assigned code used by the European Commission and World Bank)"}


@dataclass(frozen=True)
class NameEntry:
    """One row of a source's exception table."""

    name: str
    iso3: str | None  # None for aggregates
    kind: str
    note: str
    line: int  # line in the CSV file (1 = header), for messages


def table_path(source: str) -> Path:
    """Where the exception table of `source` (a folder name under data/raw) lives, whether or not it exists."""
    if not re.fullmatch(r"[a-z0-9_]+", source):
        raise DataError(f"Source name {source!r} is not a data/raw folder name (lower case, digits, underscores).")
    return TABLE_DIR / f"{source}.csv"


@cache
def exception_table(source: str) -> dict[str, NameEntry]:
    """The checked exception table of `source` by name (read once per process); empty when it has none."""
    path = table_path(source)
    return read_table(path) if path.is_file() else {}


def read_table(path: Path) -> dict[str, NameEntry]:
    """Read and check one exception table file; DataError naming the file and line of the first problem."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or tuple(header) != COLUMNS:
            raise DataError(f"{path}: header must be {','.join(COLUMNS)}; found {','.join(header or []) or 'nothing'}.")
        entries: dict[str, NameEntry] = {}
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            entry = _entry(path, line, row)
            if entry.name in entries:
                raise DataError(
                    f"{path}, line {line}: {entry.name!r} is listed twice (first on line {entries[entry.name].line}); "
                    "keep one row per name."
                )
            entries[entry.name] = entry
    return entries


def _entry(path: Path, line: int, row: list[str]) -> NameEntry:
    where = f"{path}, line {line}"
    if len(row) != len(COLUMNS):
        raise DataError(
            f"{where}: expected {len(COLUMNS)} fields ({','.join(COLUMNS)}), found {len(row)}. Quote names with commas."
        )
    name, iso3, kind, note = row
    if not name or name != name.strip():
        raise DataError(f"{where}: name {name!r} is empty or has surrounding spaces; names are matched exactly.")
    if kind not in KINDS:
        raise DataError(f"{where}: kind {kind!r} for {name!r}; use one of {', '.join(KINDS)}.")
    if kind == "aggregate" and iso3:
        raise DataError(
            f"{where}: {name!r} is an aggregate but has iso3 {iso3!r}; aggregates are dropped, leave iso3 empty."
        )
    if kind == "world" and iso3 != WORLD:
        raise DataError(f"{where}: {name!r} is the world total; its iso3 must be {WORLD}, not {iso3!r}.")
    if kind == "country" and not _is_known_code(iso3):
        raise DataError(
            f"{where}: {iso3!r} (for {name!r}) is not an ISO 3166-1 alpha-3 code, a former one (ISO 3166-3) or one of "
            f"{', '.join(NON_ISO_CODES)}. Check the code."
        )
    return NameEntry(name=name, iso3=iso3 or None, kind=kind, note=note.strip(), line=line)


@cache
def _current_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


@cache
def _former_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.historic_countries)


def _is_known_code(code: str) -> bool:
    return code in _current_codes() or code in _former_codes() or code in NON_ISO_CODES


@cache
def pycountry_names() -> dict[str, str]:
    """Every ISO 3166-1 name, official name and common name -> alpha-3; names two countries share are left out."""
    seen: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                seen.setdefault(value, set()).add(country.alpha_3)
    return {name: codes.pop() for name, codes in seen.items() if len(codes) == 1}


def to_iso3(names: Iterable[str | None], *, source: str, table: str | None = None) -> dict[str, str | None]:
    """Map each distinct name to its ISO3 code (WLD for the world), or to None for an aggregate to drop.

    `table` names the exception table when the source shares another folder's (see the module docstring);
    by default it is `source`'s own. Raises DataError listing every name that neither the exception table nor
    pycountry knows (and empty names), with the table file to edit and close ISO names as hints.
    """
    mapping, unmapped, empty = _lookup(names, table or source)
    if unmapped or empty:
        raise DataError(_unmapped_message(source, sorted(unmapped), empty, table=table))
    return mapping


def unmapped(names: Iterable[str | None], *, table: str) -> list[str]:
    """The distinct non-empty names that neither `table` nor pycountry knows, sorted (for callers that name the
    rows holding them before raising, instead of calling `to_iso3`)."""
    return sorted(_lookup(names, table)[1])


def _lookup(names: Iterable[str | None], table_name: str) -> tuple[dict[str, str | None], list[str], bool]:
    """(mapping of known names, unknown names, whether an empty name was seen)."""
    table = exception_table(table_name)
    iso_names = pycountry_names()
    mapping: dict[str, str | None] = {}
    unknown: list[str] = []
    empty = False
    for name in dict.fromkeys(names):
        if name is None or not str(name).strip():
            empty = True
        elif name in table:
            mapping[name] = table[name].iso3
        elif name in iso_names:
            mapping[name] = iso_names[name]
        else:
            unknown.append(name)
    return mapping, unknown, empty


def _unmapped_message(source: str, unmapped: list[str], empty: bool, *, table: str | None = None) -> str:
    parts = []
    if unmapped:
        shown = []
        for name in unmapped:
            hints = difflib.get_close_matches(name, list(pycountry_names()), n=2, cutoff=0.6)
            hint = f" (ISO: {' or '.join(f'{h!r} = {pycountry_names()[h]}' for h in hints)}?)" if hints else ""
            shown.append(f"{name!r}{hint}")
        parts.append(
            f"{len(unmapped)} country name(s) from {source} have no ISO3 code: {'; '.join(shown)}. Add each to "
            f"{table_path(table or source)} (columns {','.join(COLUMNS)}; kind country with its ISO3 code, aggregate "
            "for groups, regions and residuals, which are dropped) with a note saying why."
        )
    if empty:
        parts.append(f"Some rows of {source} have an empty country name; the file is damaged or misread.")
    return " ".join(parts)


def harmonise(
    frame: pl.DataFrame,
    name_column: str,
    iso3_column: str,
    *,
    source: str,
    table: str | None = None,
    mapping: Mapping[str, str | None] | None = None,
) -> pl.DataFrame:
    """`frame` with `iso3_column` added from `name_column`, and the rows of aggregates dropped.

    `table` as for `to_iso3`. `mapping` (from `to_iso3`) may be passed when already computed, e.g. for names
    shared by several columns.
    """
    names = frame.get_column(name_column).unique().to_list()
    mapping = to_iso3(names, source=source, table=table) if mapping is None else mapping
    missing = [n for n in names if n not in mapping]
    if missing:
        raise DataError(_unmapped_message(source, sorted(map(str, missing)), False, table=table))
    return frame.with_columns(
        pl.col(name_column).replace_strict(dict(mapping), return_dtype=pl.String).alias(iso3_column)
    ).filter(pl.col(iso3_column).is_not_null())


def unused_entries(source: str, names_seen: Iterable[str]) -> list[NameEntry]:
    """Entries of the source's exception table whose name does not occur in `names_seen` (stale or mistyped)."""
    seen = set(names_seen)
    return [entry for entry in exception_table(source).values() if entry.name not in seen]


def redundant_entries(source: str) -> list[NameEntry]:
    """Country entries that only repeat what pycountry's exact match would give: the table should not need them."""
    iso_names = pycountry_names()
    return [e for e in exception_table(source).values() if e.kind == "country" and iso_names.get(e.name) == e.iso3]


def aggregate_names(source: str) -> list[str]:
    """Names the source's table marks as aggregates (dropped on load), in table order."""
    return [e.name for e in exception_table(source).values() if e.kind == "aggregate"]


def numeric_to_iso3(codes: Iterable[int | str], *, source: str) -> dict[int, str]:
    """ISO 3166-1 numeric codes (156, '643') -> alpha-3, via pycountry; DataError naming every unknown code."""
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for code in dict.fromkeys(codes):
        try:
            number = int(str(code).strip())
        except ValueError:
            unknown.append(repr(code))
            continue
        country = pycountry.countries.get(numeric=f"{number:03d}")
        if country is None:
            unknown.append(str(code))
        else:
            mapping[number] = country.alpha_3
    if unknown:
        raise DataError(
            f"{source}: country code(s) {', '.join(unknown)} are not ISO 3166-1 numeric codes. "
            "Check the file; a source-specific code (e.g. CEPII's 490 for Taiwan) needs its own documented mapping."
        )
    return mapping
