"""Comtrade area codes <-> ISO3, from the cited table data/reference/comtrade_areas.csv."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from bilateral.data.countries import normalize_iso3
from bilateral.data.sources.comtrade.settings import AREAS_CSV
from bilateral.errors import DataError, ParameterError


@dataclass(frozen=True)
class ComtradeArea:
    """One row of comtrade_areas.csv; `iso3` is None for areas that are not countries."""

    code: int
    iso3: str | None
    name: str
    note: str


@cache
def comtrade_areas() -> dict[int, ComtradeArea]:
    """The Comtrade area-code table, by code. Raises DataError if the file is malformed."""
    with AREAS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    areas = {int(r["code"]): ComtradeArea(int(r["code"]), r["iso3"] or None, r["name"], r["note"]) for r in rows}
    iso3s = [a.iso3 for a in areas.values() if a.iso3]
    if len(areas) != len(rows) or len(iso3s) != len(set(iso3s)):
        raise DataError(f"{AREAS_CSV}: codes and ISO3 codes must each be unique; the mapping is ambiguous.")
    return areas


def area_for_code(code: int, *, role: str = "area") -> ComtradeArea:
    """The area of a Comtrade code; DataError for a code the table does not know."""
    area = comtrade_areas().get(int(code))
    if area is None:
        raise DataError(
            f"UN Comtrade {role} code {code} is not in {AREAS_CSV.name}. Look it up in Comtrade's reference "
            f"list (https://comtradeapi.un.org/files/v1/app/reference/partnerAreas.json) and add it with its "
            f"ISO3 and a note to {AREAS_CSV}."
        )
    return area


def code_for_iso3(iso3: str, *, role: str = "country") -> int:
    """Comtrade area code for an ISO3 code ('USA' -> 842, 'WLD' -> 0); ParameterError if it has none."""
    iso3 = normalize_iso3(iso3, role=role)
    for area in comtrade_areas().values():
        if area.iso3 == iso3:
            return area.code
    raise ParameterError(
        f"UN Comtrade has no {role} area for '{iso3}' (e.g. Liechtenstein is inside Switzerland's customs area, "
        f"Taiwan is not listed). See {AREAS_CSV.name}."
    )
