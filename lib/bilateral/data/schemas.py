"""Canonical table schemas and the one validation function every loader uses.

A schema names each column's dtype, whether nulls are allowed, simple value rules (allowed values,
numeric ranges) and optionally the key: the columns that identify a row. Loaders call
`validate(frame, SCHEMA, dataset=...)`; a violation raises a `DataError` that names the dataset, the
column (or key) and an offending value, so a corrupt file or a doubled row is caught on load instead of
surfacing as a strange chart or a total counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from bilateral.errors import DataError


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    dtype: pl.DataType | type[pl.DataType]
    nullable: bool = False
    allowed: frozenset[str] | None = None
    min_value: float | None = None
    max_value: float | None = None
    pattern: str | None = None  # regular expression every non-null string must match in full


@dataclass(frozen=True)
class Schema:
    """A canonical table: its columns in order and, when set, the key that must be unique per row."""

    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    key: tuple[str, ...] | None = None  # columns identifying a row; None = rows may repeat

    def __post_init__(self) -> None:
        unknown = [name for name in self.key or () if name not in self.columns]
        if unknown:
            raise ValueError(f"Schema {self.name}: key column(s) {', '.join(unknown)} are not columns of the table.")

    def polars_schema(self) -> dict[str, pl.DataType | type[pl.DataType]]:
        return {name: col.dtype for name, col in self.columns.items()}

    def empty_frame(self) -> pl.DataFrame:
        """A frame with no rows and every column of the schema, typed and in order."""
        return pl.DataFrame(schema=self.polars_schema())


def validate(frame: pl.DataFrame, schema: Schema, *, dataset: str) -> pl.DataFrame:
    """Check `frame` against `schema`, cast to the schema's dtypes and return it in schema order.

    Extra columns are kept after the schema's columns (loaders may carry context such as quotes).
    Raises DataError naming the dataset, column and first offending value; for a schema with a key,
    also when two rows share a key (the message names the key columns and one repeated key).
    """
    missing = [name for name in schema.columns if name not in frame.columns]
    if missing:
        raise DataError(
            f"{dataset}: missing required column(s) {', '.join(missing)} for the {schema.name} table; "
            f"found {', '.join(frame.columns) or 'no columns'}. Is the file truncated or from another source?"
        )
    casts = []
    for name, col in schema.columns.items():
        try:
            casts.append(pl.col(name).cast(col.dtype, strict=True))
        except Exception as exc:  # pragma: no cover - cast building never fails for valid dtypes
            raise DataError(f"{dataset}: cannot type column {name}: {exc}") from exc
    try:
        typed = frame.with_columns(casts)
    except Exception as exc:
        raise DataError(
            _first_uncastable(frame, schema, dataset)
            or (f"{dataset}: a value does not have the expected type for the {schema.name} table ({_first_line(exc)})")
        ) from exc
    for name, col in schema.columns.items():
        _check_column(typed, name, col, dataset)
    _check_key(typed, schema, dataset)
    extra = [c for c in typed.columns if c not in schema.columns]
    return typed.select([*schema.columns, *extra])


def _check_column(frame: pl.DataFrame, name: str, col: Column, dataset: str) -> None:
    series = frame.get_column(name)
    if not col.nullable and series.null_count():
        row = frame.with_row_index("_row").filter(pl.col(name).is_null()).get_column("_row")[0]
        raise DataError(f"{dataset}: column {name} is empty in row {row + 1}; every row needs a {name}.")
    present = series.drop_nulls()
    if col.allowed is not None:
        bad = present.filter(~present.is_in(sorted(col.allowed)))
        if len(bad):
            raise DataError(
                f"{dataset}: column {name} has value {bad[0]!r}; allowed values are {', '.join(sorted(col.allowed))}."
            )
    if col.pattern is not None:
        bad = present.filter(~present.str.contains(f"^(?:{col.pattern})$"))
        if len(bad):
            raise DataError(f"{dataset}: column {name} has malformed value {bad[0]!r} (expected {col.pattern}).")
    if col.min_value is not None:
        bad = present.filter(present < col.min_value)
        if len(bad):
            raise DataError(f"{dataset}: column {name} has {bad[0]}, below the minimum {col.min_value}.")
    if col.max_value is not None:
        bad = present.filter(present > col.max_value)
        if len(bad):
            raise DataError(f"{dataset}: column {name} has {bad[0]}, above the maximum {col.max_value}.")


def _check_key(frame: pl.DataFrame, schema: Schema, dataset: str) -> None:
    if not schema.key or frame.height < 2:
        return
    keys = frame.select(list(schema.key))
    # Columns holding one value throughout (source, release, often period) cannot tell rows apart:
    # leaving them out of the row hashing makes the check about a third cheaper on a BACI year.
    varying = [name for name in schema.key if not keys.get_column(name).eq_missing(keys.item(0, name)).all()]
    repeated = keys.select(varying).is_duplicated() if varying else pl.Series([True] * keys.height)
    if not repeated.any():
        return
    example = ", ".join(f"{name}={value!r}" for name, value in keys.filter(repeated).row(0, named=True).items())
    raise DataError(
        f"{dataset}: {repeated.sum()} rows share their key ({', '.join(schema.key)}) with another row, e.g. "
        f"{example}. The {schema.name} table holds one row per key, or sums would count it twice: check for "
        "breakdown rows, overlapping requests or files combined twice."
    )


def _first_uncastable(frame: pl.DataFrame, schema: Schema, dataset: str, *, header_rows: int = 1) -> str | None:
    """Name the first value that does not cast: its column, row (as a spreadsheet numbers it) and text.

    Loaders hand text columns straight to validate, so this is where "84,07" in a number column is
    reported; row numbers count a header row, so row 2 is the first data line of a CSV.
    """
    indexed = frame.with_row_index("_row")
    for name, col in schema.columns.items():
        cast = pl.col(name).cast(col.dtype, strict=False)
        bad = indexed.filter(pl.col(name).is_not_null() & cast.is_null())
        if len(bad):
            row = bad.row(0, named=True)
            expected = str(col.dtype).split("(")[0].removesuffix("()")
            return (
                f"{dataset}: row {row['_row'] + 1 + header_rows} has {name}={row[name]!r}, which is not a valid "
                f"{expected} for the {schema.name} table. Restore the file (`bilateral data verify` names changed files)."
            )
    return None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


ISO3 = r"[A-Z]{3}"
FLOWS = frozenset({"export", "import"})

TRADE_FLOWS = Schema(
    "trade_flows",
    {
        "year": Column(pl.Int32, min_value=1948, max_value=2100),
        "period": Column(pl.String, pattern=r"\d{4}(-\d{2})?"),  # "2023" annual, "2023-04" monthly
        "reporter_iso3": Column(pl.String, pattern=ISO3),
        "partner_iso3": Column(pl.String, pattern=ISO3),  # WLD = world
        "flow": Column(pl.String, allowed=FLOWS),
        "classification": Column(pl.String),  # e.g. HS, HS92, HS22; TOTAL rows keep the source's
        "hs_level": Column(pl.Int8, allowed=None, min_value=0, max_value=6),  # 0 = all products
        "product_code": Column(pl.String, pattern=r"TOTAL|\d{2}|\d{4}|\d{6}"),
        "value_usd": Column(pl.Float64, nullable=True, min_value=0),
        "quantity": Column(pl.Float64, nullable=True, min_value=0),
        "quantity_unit": Column(pl.String, nullable=True),
        "net_weight_kg": Column(pl.Float64, nullable=True, min_value=0),
        "reported_by": Column(pl.String),  # ISO3 of the declaring country, or RECONCILED (BACI)
        "source": Column(pl.String),
        "dataset_version": Column(pl.String),
    },
    # One value per period, pair, direction and product as one party declared it in one release.
    # classification is part of it because an HS6 code means different goods in HS92 and HS22.
    key=(
        "year",
        "period",
        "reporter_iso3",
        "partner_iso3",
        "flow",
        "classification",
        "product_code",
        "reported_by",
        "source",
        "dataset_version",
    ),  # fmt: skip
)
