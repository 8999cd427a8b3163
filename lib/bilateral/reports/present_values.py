"""Validate report parameters against the values the shipped data actually hold (lenders, sectors, borrowers,
years), so a typo or an empty choice stops before a kernel starts, with the values that would work.

Used by the parameter schemas of the cooperation reports (investment_finance, people_currency); reads the
catalog, so it lives in `reports`, not in `analysis`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

ALL = "all"


def choose(value: str, present: Iterable[str], what: str, *, allow_all: bool = True) -> str:
    """The present value matching `value` case-insensitively ('all' passes when allowed); else ValueError listing them.

    `what` completes "'X' is not ...", e.g. "a lender in the loans data"."""
    options = sorted(set(present))
    wanted = value.strip()
    if allow_all and wanted.lower() == ALL:
        return ALL
    for option in options:
        if option.lower() == wanted.lower():
            return option
    lowered = {option.lower(): option for option in options}
    near = difflib.get_close_matches(wanted.lower(), lowered, n=1, cutoff=0.75)
    hint = f" Did you mean {lowered[near[0]]!r}?" if near else ""
    listed = ", ".join(options)
    return_all = f"'{ALL}' or " if allow_all else ""
    raise ValueError(f"{value!r} is not {what}; choose {return_all}one of: {listed}.{hint}")


def check_years(start_year: int, end_year: int, first: int, last: int, what: str) -> None:
    """Both years inside the data's span [first, last] and in order; else ValueError naming the span."""
    for label, year in (("start_year", start_year), ("end_year", end_year)):
        if not first <= year <= last:
            raise ValueError(f"{label} {year} is outside {what} ({first}–{last}); choose a year in that span")
    if end_year < start_year:
        raise ValueError(f"end_year ({end_year}) is before start_year ({start_year}); swap them or widen the range")


def slug_part(value: str) -> str:
    """'Ex-Im Bank' -> 'Ex-Im-Bank', 'Gas/LNG' -> 'Gas-LNG': file-name-safe, still readable."""
    return "".join(c if c.isalnum() or c == "-" else "-" for c in value).strip("-")


def energy_finance_values() -> dict[str, object]:
    """Borrower ISO3 codes, lenders, energy sources and the year span of the BU energy-finance loans."""
    from bilateral.data import catalog

    loans = catalog.load("china_energy_finance")
    years = loans.get_column("year")
    return {
        "countries": loans.get_column("country_iso3").drop_nulls().unique().to_list(),
        "lenders": loans.get_column("lender").unique().to_list(),
        "sectors": loans.get_column("energy_source").unique().to_list(),
        "first": int(years.min()),
        "last": int(years.max()),
    }


def statement_years(*tables: str) -> tuple[int, int]:
    """First and last calendar year of the statements in the catalog `tables` (academic years count by their
    first year: '2023/24' -> 2023)."""
    import polars as pl

    from bilateral.data import catalog

    years = pl.concat([
        catalog.load(t).select(pl.coalesce("year", pl.col("period").str.slice(0, 4).cast(pl.Int32)).alias("year")) for t in tables
    ]).get_column("year")  # fmt: skip
    return int(years.min()), int(years.max())
