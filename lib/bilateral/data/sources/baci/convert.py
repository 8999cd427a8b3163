"""Converting a BACI release once into hive-partitioned parquet in the trade_flows schema."""

from __future__ import annotations

import json
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import polars as pl

from bilateral.data.atomic import atomic_dir
from bilateral.data.schemas import TRADE_FLOWS, validate
from bilateral.data.sources.baci.release import (
    copy_member,
    inspect_release,
    read_country_table,
    read_product_table,
    require_columns,
)
from bilateral.data.sources.baci.settings import (
    CEPII_PAGE,
    MISSING_MARKERS,
    PARTITION_FILE,
    RELEASE_FILE,
    ROW_GROUP_ROWS,
    SORT_KEY,
    SOURCE,
    TRADE_COLUMNS,
    BaciRelease,
)
from bilateral.errors import DataError


def convert_baci_release(zip_path: Path, out_dir: Path) -> Path:
    """Convert a BACI zip ONCE into hive-partitioned parquet `out_dir/year=YYYY/part.parquet`.

    Output follows the trade_flows schema in canonical units: value_usd = v * 1000 (US$, from
    thousands of current US$), quantity = q with quantity_unit "t" (metric tonnes), net_weight_kg =
    q * 1000; both products are rounded to 6 decimals to drop binary noise (1.005 * 1000 would be
    1004.9999999999999). A blank or "NA" v or q becomes null (and quantity_unit null). Country codes
    are mapped to ISO3 with the release's own country table; a code missing from it is a DataError.
    Beside the partitions: countries.parquet, products.parquet and release.json (units, row counts).

    Written to a temporary folder and renamed at the end: on any error `out_dir` does not appear.
    `out_dir` must not exist (a conversion is never silently replaced). Returns `out_dir`.
    """
    zip_path, out_dir = Path(zip_path), Path(out_dir)
    if out_dir.exists():
        raise DataError(f"{out_dir} already exists; a release is converted once. Delete it to convert again.")
    release = inspect_release(zip_path)
    with zipfile.ZipFile(zip_path) as archive, atomic_dir(out_dir) as tmp:
        countries = read_country_table(archive, release.country_member)
        rows = {}
        for year, member in sorted(release.trade_members.items()):
            frame = _convert_year(archive, member, year, release, countries, out_dir.parent)
            _write_partition(frame, tmp / f"year={year}" / PARTITION_FILE)
            rows[year] = frame.height
            del frame  # one year in memory at a time
        countries.write_parquet(tmp / "countries.parquet")
        if release.product_member:
            read_product_table(archive, release.product_member).write_parquet(tmp / "products.parquet")
        (tmp / RELEASE_FILE).write_text(json.dumps(_release_summary(release, rows), indent=2), encoding="utf-8")
    return out_dir


def _convert_year(
    archive: zipfile.ZipFile, member: str, year: int, release: BaciRelease, countries: pl.DataFrame, scratch_dir: Path
) -> pl.DataFrame:
    """One yearly CSV -> validated trade_flows frame (with year), sorted by SORT_KEY."""
    try:
        with archive.open(member) as handle:
            header = handle.readline().decode("utf-8-sig").strip().split(",")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, UnicodeDecodeError) as exc:
        raise DataError(
            f"{member}: damaged inside the archive ({exc}). Download the release again from {CEPII_PAGE}."
        ) from exc
    require_columns(header, TRADE_COLUMNS, member)
    # Extract to disk beside the output (not /tmp, which may be RAM): polars then memory-maps the file.
    with tempfile.TemporaryDirectory(prefix=".baci-extract-", dir=scratch_dir) as scratch:
        csv_path = Path(scratch) / "year.csv"
        copy_member(archive, member, csv_path)
        raw = pl.scan_csv(csv_path, schema={c: pl.String for c in header}, empty_string_is_null=False)
        try:
            parsed = raw.select(_parse_exprs(year, countries)).collect()
        except pl.exceptions.PolarsError as exc:  # ragged lines, bad quoting, invalid UTF-8
            first_line = str(exc).strip().splitlines()[0]
            raise DataError(
                f"{member}: not readable as CEPII's t,i,j,k,v,q layout ({first_line}). Re-download the release."
            ) from exc
    _raise_on_bad_rows(parsed, member, year, countries)
    frame = parsed.drop(_FLAG_COLUMNS).with_columns(_constant_exprs(year, release))
    frame = validate(frame, TRADE_FLOWS, dataset=member)
    return frame.sort(SORT_KEY)


_FLAG_COLUMNS = ["_bad_t", "_bad_k", "_bad_v", "_bad_q", "_code_i", "_code_j"]


def _text(name: str) -> pl.Expr:
    return pl.col(name).str.strip_chars()


def _number(name: str) -> pl.Expr:
    """A padded numeric field as Float64; blank or NA -> null, anything else unparseable -> null (flagged)."""
    text = _text(name)
    return pl.when(text.is_in(MISSING_MARKERS)).then(None).otherwise(text).cast(pl.Float64, strict=False)


def _malformed(name: str) -> pl.Expr:
    text = _text(name)
    return text.is_not_null() & ~text.is_in(MISSING_MARKERS) & text.cast(pl.Float64, strict=False).is_null()


def _parse_exprs(year: int, countries: pl.DataFrame) -> list[pl.Expr]:
    to_iso3 = dict(zip(countries["country_code"].to_list(), countries["iso3"].to_list(), strict=True))
    code_i, code_j = _text("i").cast(pl.Int32, strict=False), _text("j").cast(pl.Int32, strict=False)
    value_thousand_usd, quantity_t = _number("v"), _number("q")
    return [
        code_i.replace_strict(to_iso3, default=None, return_dtype=pl.String).alias("reporter_iso3"),
        code_j.replace_strict(to_iso3, default=None, return_dtype=pl.String).alias("partner_iso3"),
        _text("k").str.zfill(6).alias("product_code"),
        (value_thousand_usd * 1000).round(6).alias("value_usd"),
        quantity_t.alias("quantity"),
        pl.when(quantity_t.is_not_null()).then(pl.lit("t")).alias("quantity_unit"),
        (quantity_t * 1000).round(6).alias("net_weight_kg"),
        (_text("t").cast(pl.Int32, strict=False) != year).fill_null(True).alias("_bad_t"),
        (~_text("k").str.contains(r"^\d{1,6}$")).fill_null(True).alias("_bad_k"),
        _malformed("v").alias("_bad_v"),
        _malformed("q").alias("_bad_q"),
        code_i.alias("_code_i"),
        code_j.alias("_code_j"),
    ]


def _raise_on_bad_rows(parsed: pl.DataFrame, member: str, year: int, countries: pl.DataFrame) -> None:
    """DataError naming the first malformed row: wrong year, bad product, bad number, unknown country."""
    checks = {
        "_bad_t": f"its year (t) is not {year}, the year in the file name",
        "_bad_k": "product code k is not a number of up to 6 digits",
        "_bad_v": "value v is neither a number, blank nor NA",
        "_bad_q": "quantity q is neither a number, blank nor NA",
    }
    for flag, problem in checks.items():
        if parsed[flag].any():
            line = parsed[flag].arg_true()[0] + 2  # 1-based, after the header line
            raise DataError(
                f"{member}: line {line} is malformed: {problem}. Re-download the release; the file is damaged."
            )
    for iso_col, code_col, role in (
        ("reporter_iso3", "_code_i", "exporter (i)"),
        ("partner_iso3", "_code_j", "importer (j)"),
    ):
        unknown = parsed.filter(pl.col(iso_col).is_null()).get_column(code_col).unique().sort(nulls_last=True)
        if len(unknown):
            shown = ", ".join("(not a number)" if c is None else str(c) for c in unknown.head(5).to_list())
            raise DataError(
                f"{member}: {role} code(s) {shown} are not in the release's country table "
                f"({len(countries)} codes). The zip is incomplete or mixes releases; re-download it from {CEPII_PAGE}."
            )


def _constant_exprs(year: int, release: BaciRelease) -> list[pl.Expr]:
    return [
        pl.lit(year, pl.Int32).alias("year"),
        pl.lit(str(year)).alias("period"),
        pl.lit("export").alias("flow"),
        pl.lit(release.classification).alias("classification"),
        pl.lit(6, pl.Int8).alias("hs_level"),
        pl.lit("RECONCILED").alias("reported_by"),
        pl.lit(SOURCE).alias("source"),
        pl.lit(release.dataset_version).alias("dataset_version"),
    ]


def _write_partition(frame: pl.DataFrame, path: Path) -> None:
    """Write one year without the year column (the folder name carries it, hive style)."""
    path.parent.mkdir(parents=True)
    frame.drop("year").write_parquet(path, compression="zstd", statistics=True, row_group_size=ROW_GROUP_ROWS)


def _release_summary(release: BaciRelease, rows: dict[int, int]) -> dict[str, Any]:
    return {
        "source": SOURCE,
        "dataset_version": release.dataset_version,
        "classification": release.classification,
        "is_synthetic": release.is_synthetic,
        "rows_per_year": {str(y): n for y, n in rows.items()},
        "units": {
            "value_usd": "US$ = BACI v (thousands of current US$) * 1000",
            "quantity": "metric tonnes = BACI q (quantity_unit 't')",
            "net_weight_kg": "kg = BACI q (metric tonnes) * 1000",
        },
        "sort_key_within_year": list(SORT_KEY),
    }
