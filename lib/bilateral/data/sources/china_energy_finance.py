"""Loader for China's Global Energy Finance (Boston University GDP Center, copy of February 2020).

`data/raw/bu_china_global_energy_finance/cgef_all_countries_2000_2019.csv` lists loans by China
Development Bank and China Ex-Im Bank to energy projects abroad, 2000-2019: 270 rows, one per loan,
US$251.25 bn in all. This module turns it into one table, `CHINA_ENERGY_FINANCE`, with snake_case
columns, amounts in US$ (the file's "Amount ($m)" is million current US$) and validated ISO3 codes.

The folder's second file, `cgef_russia_related.csv`, is a subset of the first (7 rows). It is NOT
loaded here, so the two can never be added together; instead each row carries `russia_related`,
computed with the PROVENANCE rule (Country == "Russia" or Description mentions "Russia").

Decisions (see docs/data.md, "China's Global Energy Finance"):
- **Country codes are checked, not trusted.** Every `CountryCode` must be ISO 3166 alpha-3; an unknown
  one is a DataError. Two upstream codes are known exceptions, handled explicitly:
  `DMR` (Dominican Republic; ISO3 is `DOM`) is corrected through `CODE_CORRECTIONS`, and
  `BEN, TGO` (two binational Benin-Togo projects) gets `country_iso3` null and `is_multi_country`
  True: splitting the loan between the two countries would invent a figure. The file's code is
  kept verbatim in `country_code_file`.
- These are **loans by two policy banks, not FDI**; coverage stops in 2019 (BU has revised the database since).
"""

from __future__ import annotations

import polars as pl

from bilateral.data.countries import normalize_iso3
from bilateral.data.loader_kit import fail_on_unparsed, read_verified_csv
from bilateral.data.schemas import ISO3, Column, Schema, validate
from bilateral.errors import DataError, ParameterError

SOURCE = "bu_china_global_energy_finance"
FILE = "cgef_all_countries_2000_2019.csv"
WHERE = f"{SOURCE}/{FILE}"

COLUMNS = (
    "Date", "Country", "CountryCode", "Region", "Location", "EnergySource", "EnergySubSector",
    "Borrower", "Lender", "Amount ($m)", "Description", "BRI Membership",
)  # fmt: skip

# Upstream codes that are not ISO3 but whose meaning is certain -> ISO3. "DMR" stands next to
# Country "Dominican Republic", whose ISO 3166 code is DOM (DMR is unassigned).
CODE_CORRECTIONS: dict[str, str] = {"DMR": "DOM"}
MULTI_COUNTRY_SEPARATOR = ", "  # "BEN, TGO": one loan for a binational project

USD_PER_MILLION = 1e6
RUSSIA = "Russia"  # the PROVENANCE rule matches this exact, case-sensitive text

CHINA_ENERGY_FINANCE = Schema(
    "china_energy_finance",
    {
        "year": Column(pl.Int32, min_value=2000, max_value=2019),  # year of the loan (file: Date)
        "country_name": Column(pl.String),  # as in the file ("Equa. Guinea", "DRC", "Benin, Togo")
        "country_iso3": Column(pl.String, nullable=True, pattern=ISO3),  # null = several countries
        "country_code_file": Column(pl.String),  # the file's CountryCode, verbatim
        "is_multi_country": Column(pl.Boolean),
        "region": Column(pl.String),
        "location": Column(pl.String, nullable=True),
        "energy_source": Column(pl.String),
        "energy_subsector": Column(pl.String),
        "borrower": Column(pl.String, nullable=True),
        "lender": Column(pl.String, allowed=frozenset({"CDB", "Ex-Im Bank", "CDB-Ex-Im Cofinancing"})),
        "amount_usd": Column(pl.Float64, min_value=0),  # current US$ (file: million US$)
        "description": Column(pl.String),
        "is_bri_member": Column(pl.Boolean),
        "russia_related": Column(pl.Boolean),
        "source": Column(pl.String, allowed=frozenset({SOURCE})),
    },
    # One loan per project, country and year in this edition; a repeat would be counted twice.
    key=("year", "country_name", "description"),
)


def load_china_energy_finance() -> pl.DataFrame:
    """Chinese policy-bank energy loans abroad, 2000-2019, one row per loan, amounts in current US$.

    `amount_usd` is the file's "Amount ($m)" × 1e6, never rounded or filled. `russia_related` marks the
    7 rows of the PROVENANCE subset (6 loans in Russia, 1 Kazakh plant "with Russia"). Raises
    DataError naming file, row and value for an unparsable year, amount or BRI flag, or an unknown code.
    """
    raw = _read_csv()
    codes = _country_codes(raw)
    frame = raw.select(
        pl.col("Date").cast(pl.Int32, strict=False).alias("year"),
        pl.col("Country").alias("country_name"),
        pl.col("CountryCode").replace_strict(codes, return_dtype=pl.String).alias("country_iso3"),
        pl.col("CountryCode").alias("country_code_file"),
        pl.col("CountryCode").str.contains(MULTI_COUNTRY_SEPARATOR, literal=True).alias("is_multi_country"),
        pl.col("Region").alias("region"),
        pl.col("Location").alias("location"),
        pl.col("EnergySource").alias("energy_source"),
        pl.col("EnergySubSector").alias("energy_subsector"),
        pl.col("Borrower").alias("borrower"),
        pl.col("Lender").alias("lender"),
        (pl.col("Amount ($m)").cast(pl.Float64, strict=False) * USD_PER_MILLION).alias("amount_usd"),
        pl.col("Description").alias("description"),
        pl.col("BRI Membership").replace_strict({"1": True, "0": False}, default=None).alias("is_bri_member"),
        _is_russia_related(pl.col("Country"), pl.col("Description")).alias("russia_related"),
        pl.lit(SOURCE).alias("source"),
    )
    _fail_on_unparsed(raw, frame)
    return validate(frame, CHINA_ENERGY_FINANCE, dataset=WHERE)


def _is_russia_related(country: pl.Expr, description: pl.Expr) -> pl.Expr:
    """PROVENANCE's subset rule: Country == "Russia" or Description mentions "Russia" (case as written)."""
    return (country == RUSSIA) | description.str.contains(RUSSIA, literal=True).fill_null(False)


# --- reading and checking -------------------------------------------------------------------------


def _read_csv() -> pl.DataFrame:
    """The verified file as text columns (no type guessing), with the expected header."""
    return read_verified_csv(SOURCE, FILE, columns=COLUMNS)


def _iso3_or_none(code: str) -> str | None:
    """ISO3 for a single-country code (after CODE_CORRECTIONS); None for a multi-country code.

    Every part of a multi-country code is still checked, so a typo there fails too.
    """
    parts = code.split(MULTI_COUNTRY_SEPARATOR)
    checked = [normalize_iso3(CODE_CORRECTIONS.get(part, part), role="CountryCode") for part in parts]
    return checked[0] if len(checked) == 1 else None


def _fail_on_unparsed(raw: pl.DataFrame, parsed: pl.DataFrame) -> None:
    """A present cell that did not parse is a corrupt file, not a gap: name its row and value."""
    fail_on_unparsed(raw, parsed, [("Date", "year"), ("Amount ($m)", "amount_usd")], dataset=WHERE)
    fail_on_unparsed(raw, parsed, [("BRI Membership", "is_bri_member")], dataset=WHERE, what="1 or 0")


def _country_codes(raw: pl.DataFrame) -> dict[str, str | None]:
    """Each CountryCode in the file -> ISO3 (None for multi-country); an unknown code names its row."""
    codes: dict[str, str | None] = {}
    for number, code in enumerate(raw.get_column("CountryCode").to_list(), start=2):
        if code in codes:
            continue
        try:
            codes[code] = _iso3_or_none(code or "")
        except ParameterError as exc:
            raise DataError(
                f"{WHERE}: row {number} has CountryCode={code!r}, which is not an ISO3 code ({exc}) Add it to "
                "CODE_CORRECTIONS in bilateral/data/sources/china_energy_finance.py only if its meaning is certain."
            ) from None
    return codes
