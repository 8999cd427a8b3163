"""Country codes: validate ISO 3166 alpha-3 codes, suggest fixes for typos, give display names.

pycountry supplies the ISO 3166 table. A few codes that trade statistics use but ISO does not
define (WLD for the world) are added here. Errors suggest the closest codes by spelling and by name,
so `RUSS` gets "did you mean 'RUS' (Russian Federation)?".
"""

from __future__ import annotations

import difflib
from functools import cache

import pycountry

from bilateral.data.limits import shown
from bilateral.errors import ParameterError

# Codes used by trade statistics that are not ISO 3166-1 countries.
EXTRA_CODES: dict[str, str] = {"WLD": "World"}

# Short display names where ISO's official short name is long or unfamiliar in trade writing.
DISPLAY_NAMES: dict[str, str] = {
    "RUS": "Russia",
    "CHN": "China",
    "USA": "United States",
    "GBR": "United Kingdom",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "IRN": "Iran",
    "VNM": "Vietnam",
    "TWN": "Taiwan",
    "BOL": "Bolivia",
    "VEN": "Venezuela",
    "SYR": "Syria",
    "TZA": "Tanzania",
    "MDA": "Moldova",
    "LAO": "Laos",
    "CZE": "Czechia",
}


@cache
def _iso_names() -> dict[str, str]:
    names = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    names.update(EXTRA_CODES)
    return names


def is_known(code: str) -> bool:
    return code in _iso_names()


def country_name(code: str) -> str:
    """Display name for an ISO3 code ('RUS' -> 'Russia'); raises ParameterError for unknown codes."""
    code = normalize_iso3(code)
    return DISPLAY_NAMES.get(code) or _iso_names()[code]


def suggest(code: str, limit: int = 3) -> list[str]:
    """Closest known codes to `code`, by spelling of the code and by country name."""
    text = code.strip()
    names = _iso_names()
    by_code = difflib.get_close_matches(text.upper(), names, n=limit, cutoff=0.6)
    name_to_code = {name.lower(): iso for iso, name in names.items()}
    name_to_code.update({name.lower(): iso for iso, name in DISPLAY_NAMES.items()})
    by_name = [name_to_code[n] for n in difflib.get_close_matches(text.lower(), name_to_code, n=limit, cutoff=0.75)]
    try:  # pycountry's fuzzy search finds 'Russia' or 'Viet Nam' by name
        by_fuzzy = [c.alpha_3 for c in pycountry.countries.search_fuzzy(text)[:limit]] if len(text) >= 5 else []
    except LookupError:
        by_fuzzy = []
    seen: list[str] = []
    for iso in [*by_name, *by_fuzzy, *by_code]:
        if iso not in seen:
            seen.append(iso)
    return seen[:limit]


def normalize_iso3(code: str, *, role: str = "country") -> str:
    """Return the upper-case ISO3 code, or raise ParameterError with suggestions.

    `role` names the parameter in the message ('reporter', 'partner').
    """
    if not isinstance(code, str) or not code.strip():
        raise ParameterError(f"The {role} must be an ISO 3166 alpha-3 code such as 'CHN' or 'RUS'; got {shown(code)}.")
    text = code.strip()
    if text.upper() in _iso_names() and len(text) == 3:
        return text.upper()
    if len(text) > 60:  # no country name is this long: no suggestions, and the value is not echoed whole
        raise ParameterError(f"Unknown {role} {shown(text)}: not an ISO 3166 alpha-3 country code.")
    hints = suggest(text)
    hint = (
        " Did you mean "
        + " or ".join(f"'{iso}' ({DISPLAY_NAMES.get(iso) or _iso_names()[iso]})" for iso in hints)
        + "?"
        if hints
        else ""
    )
    raise ParameterError(f"Unknown {role} '{text}': not an ISO 3166 alpha-3 country code.{hint}")
