"""Loader for imports of Russian fossil fuels by importing country (UN Comtrade + Eurostat, compiled by CREA).

`data/raw/russia_fossil_exports_by_importer/comtrade_eurostat_imports_from_russia_monthly.csv` has
34,832 long rows: importer x month (2016-01..2022-11) x commodity x unit (`eur`, `tonne`). Every
(importer, month, commodity) has both units, so this module pivots them into one row with
`value_eur` and `volume_t`: 17,416 rows in `RUSSIA_FOSSIL_EXPORTS`. Russia is the exporter of
every row; the importer is the reporting country (Comtrade naming, mapped to ISO3 by the harmoniser:
ISO 3166 names directly, Comtrade's own spellings and the `EU` aggregate by
reference/country_names/russia_fossil_exports_by_importer.csv; a name neither knows is an error, so a
new name is looked at rather than guessed). "Sudan" is post-2011 Sudan (SDN); "Congo" is the Republic
of the Congo (COG), the DR Congo being "Dem.Rep. of the Congo".

Caveats from PROVENANCE.md, which every use of this table must keep:
- **EUR is not an exchange-rate conversion.** CREA derived it as Comtrade US$ / 1.1, one fixed rate
  for all months. Multiply by 1.1 to get back the reported US$; do not compare with Eurostat EUR.
- **2022 is partial.** Reporters drop out during 2022 (364 raw rows in 2022-01, 4 in 2022-11:
  Brazil only); France, the Rep. of Korea and Kazakhstan end in 2019-12. Never sum 2022 across
  importers as if complete.
- **Annual averages, not months.** For China, Austria, Denmark, Ireland and Malta CREA used Comtrade
  *annual* data for 2016-2021 divided equally into 12 months (these five have no rows after 2021-12).
  PROVENANCE names the countries and years, so it is determinable: such rows have
  `is_annual_average` True, and the loader checks that their 12 months are indeed identical. Their
  monthly pattern is meaningless; only annual sums are real. The `EU` aggregate includes the four
  EU members among them, so its months are partly smoothed too.
- **Negative values are kept.** CREA subtracted exports to Russia from imports, so a value is *net*
  and can be negative (101 raw cells, natural_gas and coke); `is_net_negative` marks such rows. The
  sign of `value_eur` and `volume_t` can differ in one row (net value and net weight differ).
- **Empty stays null.** 546 raw cells (273 rows, both units; Estonia, Latvia, Finland) are empty and
  stay null, never 0.
- **China's `natural_gas` is not pipeline gas** (HS 2711 minus LNG, includes LPG) and does not
  match China Customs; use `china_customs_energy` for China. Other gas rows are Eurostat shares
  applied to Comtrade imports from World (Austria 0.8 and Croatia 0.7 hard-coded by CREA).
- The `EU` rows (`is_aggregate` True, `importer_iso3` and `is_eu_member` null) are the sum of the
  EU-27 rows: never add them to the member rows.
"""

from __future__ import annotations

import polars as pl

from bilateral.data import harmonise
from bilateral.data.loader_kit import read_verified_csv
from bilateral.data.schemas import ISO3, Column, Schema, validate
from bilateral.errors import DataError

SOURCE = "russia_fossil_exports_by_importer"
FILE = "comtrade_eurostat_imports_from_russia_monthly.csv"
WHERE = f"{SOURCE}/{FILE}"

COLUMNS = ("country", "partner", "date", "commodity", "EU", "unit", "value", "source")
PARTNER = "Russia"
UPSTREAM_SOURCE = "comtrade_eurostat"
KEY = ("country", "date", "commodity")
UNIT_COLUMNS: dict[str, str] = {"eur": "value_eur", "tonne": "volume_t"}
COMMODITIES = frozenset({"oil", "oil_products", "natural_gas", "lng", "coal", "coke", "coal_gas", "tar"})
EU_FLAGS: dict[str, bool] = {"TRUE": True, "FALSE": False}

# PROVENANCE step 2: Comtrade annual data for 2016-2021 divided equally into 12 months.
ANNUAL_AVERAGE_IMPORTERS = frozenset({"China", "Austria", "Denmark", "Ireland", "Malta"})
ANNUAL_AVERAGE_YEARS = (2016, 2021)

RUSSIA_FOSSIL_EXPORTS = Schema(
    "russia_fossil_exports",
    {
        "year": Column(pl.Int32, min_value=2016, max_value=2022),
        "period": Column(pl.String, pattern=r"\d{4}-(0[1-9]|1[0-2])"),
        "importer_name": Column(pl.String),  # as in the file (Comtrade naming, or "EU")
        "importer_iso3": Column(pl.String, nullable=True, pattern=ISO3),  # null = aggregate
        "exporter_iso3": Column(pl.String, allowed=frozenset({"RUS"})),
        "commodity": Column(pl.String, allowed=COMMODITIES),
        "is_aggregate": Column(pl.Boolean),
        "is_eu_member": Column(pl.Boolean, nullable=True),  # EU-27 (no GB); null for the aggregate
        "value_eur": Column(pl.Float64, nullable=True),  # net; EUR = US$ / 1.1 (CREA); may be < 0
        "volume_t": Column(pl.Float64, nullable=True),  # net metric tonnes; may be < 0
        "is_net_negative": Column(pl.Boolean),
        "is_annual_average": Column(pl.Boolean),  # month = annual Comtrade total / 12
        "source": Column(pl.String, allowed=frozenset({SOURCE})),
    },
    # One row per importer, month and commodity; a repeat would be counted twice in any sum.
    key=("importer_name", "period", "commodity"),
)


def load_russia_fossil_exports() -> pl.DataFrame:
    """Monthly imports of Russian fossil fuels by importer, value in EUR and volume in tonnes, one row
    per (importer, month, commodity).

    Values are net of exports to Russia (may be negative) and null where the file is empty; nothing
    is filled or rescaled. Raises DataError naming file, row and value for an unknown importer name,
    commodity, unit or EU flag, a malformed date or value, a missing or repeated unit row, or an
    `is_annual_average` group whose months differ. Read the module docstring's caveats before use.
    """
    raw = _read_csv()
    iso3 = _importer_iso3(raw)
    aggregates = sorted(name for name, code in iso3.items() if code is None)  # "EU": no ISO3, no EU flag
    _check_cells(raw, aggregates)
    wide = _pivot_units(raw)
    frame = wide.select(
        pl.col("date").str.slice(0, 4).cast(pl.Int32).alias("year"),
        pl.col("date").str.slice(0, 7).alias("period"),
        pl.col("country").alias("importer_name"),
        pl.col("country").replace_strict(iso3, return_dtype=pl.String).alias("importer_iso3"),
        pl.lit("RUS").alias("exporter_iso3"),
        pl.col("commodity"),
        pl.col("country").is_in(aggregates).alias("is_aggregate"),
        pl.col("EU").replace_strict(EU_FLAGS, default=None, return_dtype=pl.Boolean).alias("is_eu_member"),
        pl.col("value_eur"),
        pl.col("volume_t"),
        ((pl.col("value_eur") < 0) | (pl.col("volume_t") < 0)).fill_null(False).alias("is_net_negative"),
        _is_annual_average().alias("is_annual_average"),
        pl.lit(SOURCE).alias("source"),
    )
    _check_annual_averages(frame)
    return validate(frame, RUSSIA_FOSSIL_EXPORTS, dataset=WHERE)


def _is_annual_average() -> pl.Expr:
    """PROVENANCE step 2: these importers' 2016-2021 months are Comtrade annual totals / 12."""
    first, last = ANNUAL_AVERAGE_YEARS
    year = pl.col("date").str.slice(0, 4).cast(pl.Int32)
    return pl.col("country").is_in(sorted(ANNUAL_AVERAGE_IMPORTERS)) & year.is_between(first, last)


# --- reading and checking -------------------------------------------------------------------------


def _read_csv() -> pl.DataFrame:
    """The verified file as text columns (no type guessing), with the expected header."""
    return read_verified_csv(SOURCE, FILE, columns=COLUMNS)


def _importer_iso3(raw: pl.DataFrame) -> dict[str, str | None]:
    """Importer name -> ISO3 (None for an aggregate); an unknown or empty name is named with its first row."""
    names = raw.get_column("country")
    _fail(raw, pl.col("country").is_null(), "country", "an empty importer name")
    unknown = harmonise.unmapped(names, table=SOURCE)
    _fail(raw, pl.col("country").is_in(unknown), "country", f"an unknown importer name ({len(unknown)} unknown: "
          f"{', '.join(map(repr, unknown))}): neither ISO 3166 nor {harmonise.table_path(SOURCE)} knows it. "
          "After checking which country it is, add it to that table (kind country with its ISO3 code, or "
          "aggregate) with a note saying why")  # fmt: skip
    return harmonise.to_iso3(names.unique(maintain_order=True), source=SOURCE)


def _check_cells(raw: pl.DataFrame, aggregates: list[str]) -> None:
    """Every cell is one the loader understands; the first that is not is named with its row."""
    value = pl.col("value").cast(pl.Float64, strict=False)
    is_aggregate = pl.col("country").is_in(aggregates)
    checks = [
        ("partner", pl.col("partner") != PARTNER, f"not {PARTNER!r}"),
        ("source", pl.col("source") != UPSTREAM_SOURCE, f"not {UPSTREAM_SOURCE!r}"),
        ("date", ~pl.col("date").str.contains(r"^\d{4}-(0[1-9]|1[0-2])-01$"), "not the first day of a month"),
        ("commodity", ~pl.col("commodity").is_in(sorted(COMMODITIES)), f"not one of {', '.join(sorted(COMMODITIES))}"),
        ("unit", ~pl.col("unit").is_in(list(UNIT_COLUMNS)), f"not one of {', '.join(UNIT_COLUMNS)}"),
        ("EU", is_aggregate & pl.col("EU").is_not_null(), "set for an aggregate row (must be empty)"),
        ("EU", ~is_aggregate & ~pl.col("EU").is_in(list(EU_FLAGS)), "not TRUE or FALSE"),
        ("value", pl.col("value").is_not_null() & ~value.is_finite().fill_null(False), "not a finite number"),
    ]
    for column, bad, what in checks:
        _fail(raw, bad.fill_null(True), column, what)


def _fail(raw: pl.DataFrame, bad: pl.Expr, column: str, what: str) -> None:
    """Raise DataError for the first row where `bad` holds (row 1 is the header), naming the value."""
    rows = raw.with_row_index("_row").filter(bad)
    if len(rows):
        row = rows.row(0, named=True)
        raise DataError(
            f"{WHERE}: row {row['_row'] + 2} has {column}={row[column]!r}, {what}. "
            "If the file was not meant to change, restore it with git (`bilateral data verify` names changed files)."
        )


def _pivot_units(raw: pl.DataFrame) -> pl.DataFrame:
    """One row per (country, date, commodity) with `value_eur` and `volume_t`.

    PROVENANCE says every key has both units; a repeated or missing unit row is an error, so a
    null after the pivot always means an empty cell in the file, never a missing row.
    """
    repeated = raw.select(*KEY, "unit").is_duplicated()
    if repeated.any():
        _fail(raw, pl.lit(repeated), "unit", f"a second row for the same {', '.join(KEY)} and unit")
    counts = raw.group_by(KEY, maintain_order=True).agg(pl.len().alias("n"), pl.col("unit").first())
    missing = counts.filter(pl.col("n") != len(UNIT_COLUMNS))
    if len(missing):
        row = missing.row(0, named=True)
        raise DataError(
            f"{WHERE}: {', '.join(f'{k}={row[k]!r}' for k in KEY)} has only unit {row['unit']!r}; every key must "
            f"have both {' and '.join(UNIT_COLUMNS)}. Is the file truncated? Restore it with git."
        )
    typed = raw.with_columns(pl.col("value").cast(pl.Float64), pl.col("unit").replace_strict(UNIT_COLUMNS))
    return typed.pivot(on="unit", index=[*KEY, "EU"], values="value", aggregate_function=None)


def _check_annual_averages(frame: pl.DataFrame) -> None:
    """Rows flagged `is_annual_average` must repeat one value over their year's 12 months, as PROVENANCE says."""
    groups = (
        frame.filter(pl.col("is_annual_average"))
        .group_by("importer_name", "year", "commodity")
        .agg(
            pl.len().alias("months"),
            pl.col("value_eur").n_unique().alias("eur_values"),
            pl.col("volume_t").n_unique().alias("t_values"),
        )
    )
    bad = groups.filter((pl.col("months") != 12) | (pl.col("eur_values") != 1) | (pl.col("t_values") != 1))
    if len(bad):
        row = bad.sort("importer_name", "year", "commodity").row(0, named=True)
        raise DataError(
            f"{WHERE}: {row['importer_name']} {row['commodity']} {row['year']} should be an annual total / 12 "
            f"(PROVENANCE, step 2) but has {row['months']} months with {row['eur_values']} distinct EUR and "
            f"{row['t_values']} distinct tonne values. Check the file and ANNUAL_AVERAGE_IMPORTERS."
        )
