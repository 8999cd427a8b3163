"""CEPII BACI: register a bulk release, convert it once to partitioned parquet, query it lazily.

A BACI release is one zip per HS revision (e.g. `BACI_HS92_V202501.zip`) holding one CSV per year,
`BACI_HS92_Y2022_V202501.csv`, with columns t,i,j,k,v,q (year; exporter and importer as CEPII's
numeric country codes; HS6 product; value in THOUSANDS of current US$; quantity in METRIC TONNES),
plus `country_codes_V202501.csv` and `product_codes_HS92_V202501.csv` (CEPII's BACI documentation,
https://www.cepii.fr/DATA_DOWNLOAD/baci/doc/baci_webpage.html). Values and quantities are written
right-aligned in fixed-width fields (`        0.357`), a missing quantity as `           NA`.

Reading the yearly CSVs costs minutes per query, so a release is converted ONCE into hive-partitioned
parquet (`<dir>/year=YYYY/part.parquet`) in the canonical `trade_flows` schema and canonical units:

    value_usd     = v * 1000   (US$; BACI gives thousands of current US$)
    quantity      = q          (metric tonnes, quantity_unit = "t")
    net_weight_kg = q * 1000   (kg; BACI's quantity is a weight in tonnes)

Rows are sorted by reporter, partner and product inside each year, so parquet row-group statistics
let a query for one reporter or pair read a few row groups instead of the whole year.
BACI rows are reconciled mirror flows: reporter_iso3 = exporter i, partner_iso3 = importer j,
flow = "export", reported_by = "RECONCILED".
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from bilateral.data import fetch as fetching
from bilateral.data.atomic import atomic_dir
from bilateral.data.fetch import redact_url
from bilateral.data.limits import ARCHIVE_EXPANSION, ARCHIVE_MEMBER_BYTES, DOWNLOAD_BYTES, DOWNLOAD_SECONDS
from bilateral.data.paths import raw_dir
from bilateral.data.provenance import (
    SIDECAR,
    FileRecord,
    SourceRecord,
    check_listed_file,
    newest_snapshot,
    read_source,
    sha256_file,
)
from bilateral.data.schemas import TRADE_FLOWS, validate
from bilateral.errors import DataError, FetchError, ParameterError

SOURCE = "baci"  # registry name: snapshots in raw_dir()/baci, the `source` column of its rows
PUBLISHER = "CEPII (Centre d'Etudes Prospectives et d'Informations Internationales)"
CEPII_PAGE = "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37"
CEPII_DOC = "https://www.cepii.fr/DATA_DOWNLOAD/baci/doc/baci_webpage.html"
LICENCE = (
    "Etalab Open Licence 2.0, as stated by CEPII (BACI page: 'Licence: Etalab 2.0'; FAQ: any use is authorised "
    "provided the source is mentioned). Cite Gaulier & Zignago (2010), CEPII Working Paper 2010-23."
)
SYNTHETIC_PREFIX = "SYNTHETIC_"  # benchmark data: carried into dataset_version so it never passes as real

# country_iso3 values in CEPII's country table that are not ISO 3166 alpha-3. Code 490 ("Other Asia,
# nes", iso3 "S19") is how the UN records Taiwan's trade; CEPII's BACI FAQ calls it a proxy for Taiwan.
ISO3_OVERRIDES: dict[str, str] = {"S19": "TWN"}

TRADE_COLUMNS = ("t", "i", "j", "k", "v", "q")
COUNTRY_COLUMNS = ("country_code", "country_name", "country_iso2", "country_iso3")
MISSING_MARKERS = ("", "NA")  # after stripping the fixed-width padding
SORT_KEY = ("reporter_iso3", "partner_iso3", "product_code")
ROW_GROUP_ROWS = 64_000  # small enough that one reporter spans only a few row groups per year
PARTITION_FILE = "part.parquet"
RELEASE_FILE = "release.json"

_VERSION = r"V(?P<version>\d{6}[a-z]?)"  # 202501, or 202401b for a corrected release
_TRADE_FILE = re.compile(rf"^(?P<prefix>{SYNTHETIC_PREFIX})?BACI_(?P<hs>HS\d\d)_Y(?P<year>\d{{4}})_{_VERSION}\.csv$")
_COUNTRY_FILE = re.compile(rf"^country_codes_{_VERSION}\.csv$")
_PRODUCT_FILE = re.compile(rf"^product_codes_(?P<hs>HS\d\d)_{_VERSION}\.csv$")


@dataclass(frozen=True)
class BaciRelease:
    """What one BACI zip holds, read from its member names only."""

    classification: str  # "HS92", "HS22", ...
    version: str  # "202501"
    is_synthetic: bool
    trade_members: dict[int, str]  # year -> zip member
    country_member: str
    product_member: str | None

    @property
    def dataset_version(self) -> str:
        """'BACI_HS92_V202501' ('SYNTHETIC_BACI_HS92_V202501' for generated benchmark data)."""
        prefix = SYNTHETIC_PREFIX if self.is_synthetic else ""
        return f"{prefix}BACI_{self.classification}_V{self.version}"


# --------------------------------------------------------------------------------------------------
# Reading a release


def inspect_release(zip_path: Path) -> BaciRelease:
    """Identify the yearly trade files and code tables in a BACI zip; DataError when it is not one."""
    zip_path = Path(zip_path)
    if not zipfile.is_zipfile(zip_path):
        raise DataError(
            f"{zip_path}: not a zip archive. Expected a BACI release such as BACI_HS92_V202501.zip from {CEPII_PAGE}."
        )
    try:
        with zipfile.ZipFile(zip_path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            _check_expansion(zip_path, archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise DataError(f"{zip_path}: the zip archive is damaged ({exc}). Download the release again from {CEPII_PAGE}.") from exc
    trade = {n: m for n in names if (m := _TRADE_FILE.match(Path(n).name))}
    if not trade:
        raise DataError(
            f"{zip_path}: no yearly BACI files (BACI_HSxx_Yyyyy_Vvvvvvv.csv) inside; found {', '.join(names[:5]) or 'nothing'}. "
            "Is this the BACI release zip from CEPII?"
        )
    revisions = {(m["prefix"] or "", m["hs"], m["version"]) for m in trade.values()}
    if len(revisions) > 1:
        raise DataError(
            f"{zip_path}: mixes BACI revisions/versions {sorted(revisions)}; CEPII advises never to mix versions. "
            "Use one release per zip."
        )
    prefix, hs, version = revisions.pop()
    years = [int(m["year"]) for m in trade.values()]
    if len(set(years)) != len(years):
        raise DataError(f"{zip_path}: more than one trade file for the same year; the zip is not a single BACI release.")
    return BaciRelease(
        classification=hs,
        version=version,
        is_synthetic=bool(prefix),
        trade_members={int(m["year"]): n for n, m in trade.items()},
        country_member=_one_member(zip_path, names, _COUNTRY_FILE, "country_codes_Vvvvvvv.csv"),
        product_member=_optional_member(names, _PRODUCT_FILE),
    )


def _check_expansion(zip_path: Path, members: list[zipfile.ZipInfo]) -> None:
    """DataError before anything is extracted when a member would expand beyond the limits (a zip bomb, or a
    damaged header): CEPII's yearly CSVs are a few hundred MB and compress about 5-10 times."""
    for info in members:
        if info.file_size > ARCHIVE_MEMBER_BYTES.value():
            raise DataError(f"{zip_path}: member {info.filename} expands to " + ARCHIVE_MEMBER_BYTES.exceeded(f"{info.file_size:,} bytes"))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024**2 and ratio > ARCHIVE_EXPANSION.value():
            raise DataError(f"{zip_path}: member {info.filename} expands " + ARCHIVE_EXPANSION.exceeded(f"{ratio:,.0f} times"))


def _copy_member(archive: zipfile.ZipFile, member: str, target: Path) -> None:
    """Extract one member, stopping if it yields more bytes than its header declared (headers can lie)."""
    declared = archive.getinfo(member).file_size
    written = 0
    try:
        with archive.open(member) as source, target.open("wb") as out:
            while chunk := source.read(1 << 24):
                written += len(chunk)
                if written > declared:
                    raise DataError(f"{member}: yields more than the {declared:,} bytes its zip header declares; the archive is damaged or forged.")
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise DataError(f"{member}: damaged inside the archive ({exc}). Download the release again from {CEPII_PAGE}.") from exc


def _one_member(zip_path: Path, names: list[str], pattern: re.Pattern[str], label: str) -> str:
    found = [n for n in names if pattern.match(Path(n).name)]
    if len(found) != 1:
        raise DataError(f"{zip_path}: expected exactly one {label} inside, found {len(found)} ({', '.join(found) or 'none'}).")
    return found[0]


def _optional_member(names: list[str], pattern: re.Pattern[str]) -> str | None:
    found = [n for n in names if pattern.match(Path(n).name)]
    return found[0] if len(found) == 1 else None


def read_country_table(archive: zipfile.ZipFile, member: str) -> pl.DataFrame:
    """The release's own country table as code (Int32) -> iso3, name, with ISO3_OVERRIDES applied.

    Read as text with no null markers: Namibia's iso2 is "NA" and must not become missing.
    """
    table = pl.read_csv(archive.read(member), infer_schema=False)
    _require_columns(table.columns, COUNTRY_COLUMNS, member)
    table = table.select(
        pl.col("country_code").str.strip_chars().cast(pl.Int32, strict=False).alias("country_code"),
        pl.col("country_iso3").str.strip_chars().replace(ISO3_OVERRIDES).alias("iso3"),
        pl.col("country_name").str.strip_chars().alias("country_name"),
    )
    bad = table.filter(pl.col("country_code").is_null() | ~pl.col("iso3").str.contains(r"^[A-Z]{3}$"))
    if len(bad):
        row = bad.row(0, named=True)
        raise DataError(
            f"{member}: country {row['country_name']!r} has code {row['country_code']} and iso3 {row['iso3']!r}, "
            "which is not an ISO 3166 alpha-3 code. Add it to ISO3_OVERRIDES in bilateral/data/sources/baci.py "
            "with a cited reason, or report the release as malformed."
        )
    if table.get_column("country_code").is_duplicated().any():
        raise DataError(f"{member}: a country code appears twice; the country table is ambiguous.")
    return table


def read_product_table(archive: zipfile.ZipFile, member: str) -> pl.DataFrame:
    """The release's product table: product_code (6-digit zero-padded text), description."""
    table = pl.read_csv(archive.read(member), infer_schema=False)
    _require_columns(table.columns, ("code", "description"), member)
    return table.select(
        pl.col("code").str.strip_chars().str.zfill(6).alias("product_code"),
        pl.col("description"),
    )


def _require_columns(found: Iterable[str], expected: Sequence[str], member: str) -> None:
    found = [c.strip() for c in found]
    if set(expected) - set(found):
        raise DataError(
            f"{member}: expected columns {','.join(expected)} (CEPII's documented layout), found {','.join(found)}. "
            "Is this file from another source or a newer layout?"
        )


# --------------------------------------------------------------------------------------------------
# Converting a release


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
        raise DataError(f"{member}: damaged inside the archive ({exc}). Download the release again from {CEPII_PAGE}.") from exc
    _require_columns(header, TRADE_COLUMNS, member)
    # Extract to disk beside the output (not /tmp, which may be RAM): polars then memory-maps the file.
    with tempfile.TemporaryDirectory(prefix=".baci-extract-", dir=scratch_dir) as scratch:
        csv_path = Path(scratch) / "year.csv"
        _copy_member(archive, member, csv_path)
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
            raise DataError(f"{member}: line {line} is malformed: {problem}. Re-download the release; the file is damaged.")
    for iso_col, code_col, role in (("reporter_iso3", "_code_i", "exporter (i)"), ("partner_iso3", "_code_j", "importer (j)")):
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


# --------------------------------------------------------------------------------------------------
# Querying converted parquet


def scan_baci(parquet_dir: Path) -> pl.LazyFrame:
    """Lazy trade_flows frame over converted BACI parquet; nothing is read until collect().

    Filters on `year` prune whole partitions; filters on reporter/partner/product are pushed into the
    parquet reader, which skips row groups by their min/max statistics.
    """
    parquet_dir = Path(parquet_dir)
    if not any(parquet_dir.glob(f"year=*/{PARTITION_FILE}")):
        raise DataError(
            f"{parquet_dir}: no converted BACI partitions (year=YYYY/{PARTITION_FILE}). "
            "Convert a release first with convert_baci_release(zip_path, out_dir) or fetch_baci_snapshot(zip_path)."
        )
    frame = pl.scan_parquet(
        str(parquet_dir / "year=*" / PARTITION_FILE),
        hive_partitioning=True,
        hive_schema={"year": pl.Int32},
    )
    return frame.select(list(TRADE_FLOWS.columns))


def query_baci(
    parquet_dir: Path,
    *,
    reporters: str | Sequence[str] | None = None,
    partners: str | Sequence[str] | None = None,
    years: int | Sequence[int] | None = None,
    products: str | Sequence[str] | None = None,
) -> pl.DataFrame:
    """Rows of converted BACI matching every given filter (None = no filter), as trade_flows.

    reporters/partners: ISO3 codes (exporter/importer), checked against the release's country table.
    years: calendar years; only those partitions are read. products: HS prefixes of 2, 4 or 6 digits
    ("27", "2709", "270900"); a row matches if its product code starts with any of them.
    """
    parquet_dir = Path(parquet_dir)
    known = _release_iso3(parquet_dir)
    predicates = [
        _member_of("reporter_iso3", _check_iso3(reporters, known, "reporter")),
        _member_of("partner_iso3", _check_iso3(partners, known, "partner")),
        _member_of("year", _check_years(years)),
        _product_filter(_check_prefixes(products)),
    ]
    frame = scan_baci(parquet_dir)
    active = [p for p in predicates if p is not None]
    if active:
        frame = frame.filter(pl.all_horizontal(active))
    return frame.collect()


def _as_list(value: Any) -> list[Any] | None:
    if value is None:
        return None
    return [value] if isinstance(value, (str, int)) else list(value)


def _release_iso3(parquet_dir: Path) -> set[str] | None:
    path = parquet_dir / "countries.parquet"
    return set(pl.read_parquet(path, columns=["iso3"])["iso3"]) if path.is_file() else None


def _check_iso3(codes: str | Sequence[str] | None, known: set[str] | None, role: str) -> list[str] | None:
    items = _as_list(codes)
    if items is None:
        return None
    cleaned = []
    for code in items:
        text = str(code).strip().upper()
        if known is not None and text not in known:
            hints = difflib.get_close_matches(text, sorted(known), n=3, cutoff=0.5)
            hint = f" Did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
            raise ParameterError(f"Unknown {role} {code!r}: not in this BACI release's country table.{hint}")
        if not re.fullmatch(r"[A-Z]{3}", text):
            raise ParameterError(f"The {role} must be an ISO3 code such as 'CHN'; got {code!r}.")
        cleaned.append(text)
    return cleaned


def _check_years(years: int | Sequence[int] | None) -> list[int] | None:
    items = _as_list(years)
    if items is None:
        return None
    if not all(isinstance(y, int) and not isinstance(y, bool) for y in items):
        raise ParameterError(f"years must be whole years such as 2022; got {years!r}.")
    return items


def _check_prefixes(products: str | Sequence[str] | None) -> list[str] | None:
    items = _as_list(products)
    if items is None:
        return None
    for code in items:
        if not (isinstance(code, str) and re.fullmatch(r"\d{2}|\d{4}|\d{6}", code)):
            raise ParameterError(
                f"Product {code!r} is not an HS prefix: give 2, 4 or 6 digits as text, with leading zeros ('01', '2709', '270900')."
            )
    return items


def _member_of(column: str, values: list[Any] | None) -> pl.Expr | None:
    if values is None:
        return None
    if len(values) == 1:  # equality prunes row groups most reliably
        return pl.col(column) == values[0]
    return pl.col(column).is_in(values)


def _product_filter(prefixes: list[str] | None) -> pl.Expr | None:
    """Prefix match written as ranges ('27' -> '270000'..'279999') so row-group statistics can prune."""
    if prefixes is None:
        return None
    ranges = [pl.col("product_code").is_between(pl.lit(p.ljust(6, "0")), pl.lit(p.ljust(6, "9"))) for p in prefixes]
    return pl.any_horizontal(ranges)


# --------------------------------------------------------------------------------------------------
# Snapshots under data/raw/baci/<stamp>/


def fetch_baci_snapshot(
    zip_path_or_url: str | Path,
    *,
    stamp: str | None = None,
    timeout_s: float = 30.0,
) -> Path:
    """Register a BACI release zip as a new snapshot raw_dir()/baci/<stamp>/ and convert it.

    `zip_path_or_url` is a downloaded zip (copied as obtained) or an http(s) URL to download; offline,
    a URL fails at once with FetchError and existing snapshots stay usable. The snapshot holds the
    zip, `parquet/` (see convert_baci_release for units) and a source.yml with publisher, licence as
    CEPII states it, sha256 of every file and the unit conversions. Built in a temporary folder and
    renamed at the end, so a failure leaves nothing behind. Returns the snapshot folder.
    """
    stamp = fetching.new_stamp(SOURCE, stamp)
    target = raw_dir() / SOURCE / stamp
    text = str(zip_path_or_url)
    is_url = text.startswith(("http://", "https://"))
    if not is_url and not Path(text).is_file():
        raise DataError(f"{text}: no such file. Download the BACI zip from {CEPII_PAGE} and pass its path.")
    if not is_url:
        inspect_release(Path(text))  # before copying gigabytes, and so that errors name the user's file
    with atomic_dir(target) as tmp:
        zip_file = _download(text, tmp, timeout_s) if is_url else _copy_local(Path(text), tmp)
        release = inspect_release(zip_file)
        convert_baci_release(zip_file, tmp / "parquet")
        record = _source_record(release, text, is_url, tmp)
        SourceRecord.model_validate(record)  # fail before the snapshot becomes visible
        (tmp / SIDECAR).write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def scan_baci_snapshot(snapshot: Path | None = None) -> pl.LazyFrame:
    """scan_baci over a snapshot's parquet (default: the newest snapshot under raw_dir()/baci).

    First every file under the snapshot's parquet/ is checked against the sha256 in its source.yml;
    a file that is missing, changed, or not listed there (an extra partition would be scanned too)
    raises DataError. Kept cheap on purpose: the release zip (gigabytes, only needed to convert again)
    is not hashed here (`bilateral data verify` checks it); the parquet is hashed once per process, at
    roughly a second per GB, and again only when a file's size or modification time changes.
    """
    snapshot = snapshot or newest_snapshot(raw_dir() / SOURCE)
    if snapshot is None:
        raise DataError(
            f"No BACI snapshot under {raw_dir() / SOURCE}. Download a release zip from {CEPII_PAGE} and run "
            "`bilateral data fetch baci <path to zip>` (or fetch_baci_snapshot('<path to zip>'))."
        )
    snapshot = Path(snapshot)
    verify_snapshot_parquet(snapshot)
    return scan_baci(snapshot / "parquet")


def verify_snapshot_parquet(snapshot: Path) -> None:
    """DataError unless the files under `snapshot`/parquet are exactly those of its source.yml, unchanged."""
    record = read_source(snapshot)
    listed = {item.path: item for item in record.files if item.path.startswith("parquet/")}
    present = {p.relative_to(snapshot).as_posix() for p in (snapshot / "parquet").rglob("*") if p.is_file()}
    unlisted = sorted(present - set(listed))
    if unlisted:
        raise DataError(
            f"{snapshot}: {', '.join(unlisted[:3])} not listed in {SIDECAR}; a snapshot's files are fixed when it is "
            "made. Remove the extra file(s), or register the release again with fetch_baci_snapshot(<zip>)."
        )
    for item in listed.values():
        _verify_file(snapshot / item.path, item)


def _verify_file(path: Path, item: FileRecord) -> None:
    again = "Register the release zip again with fetch_baci_snapshot(<zip>), which converts it into a new snapshot."
    check_listed_file(path, item, fix=again)


def _download(url: str, folder: Path, timeout_s: float) -> Path:
    """Download to `folder`; `timeout_s` bounds each wait for bytes, DOWNLOAD_SECONDS the whole download (a
    server that trickles a byte a minute would otherwise never end) and DOWNLOAD_BYTES its size."""
    name = Path(urllib.parse.urlparse(url).path).name
    target = folder / (name if name.endswith(".zip") else "baci_release.zip")
    deadline = time.monotonic() + DOWNLOAD_SECONDS.value()
    received = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response, target.open("wb") as out:
            while chunk := response.read1(1 << 20):  # what has arrived, so the deadline is checked often
                received += len(chunk)
                if received > DOWNLOAD_BYTES.value():
                    raise FetchError(f"Download from {redact_url(url)} stopped: " + DOWNLOAD_BYTES.exceeded(f"more than {received:,} bytes"))
                if time.monotonic() > deadline:
                    raise FetchError(f"Download from {redact_url(url)} stopped after {received:,} bytes: " + DOWNLOAD_SECONDS.exceeded("still running"))
                out.write(chunk)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(
            f"Could not download BACI from {redact_url(url)} ({reason}). If you are offline, download the zip from {CEPII_PAGE} "
            "elsewhere and pass its local path; existing snapshots remain usable."
        ) from exc
    if not zipfile.is_zipfile(target):
        raise FetchError(f"{redact_url(url)} did not return a zip (perhaps an HTML page). Check the URL on {CEPII_PAGE}.")
    return target


def _copy_local(path: Path, folder: Path) -> Path:
    target = folder / path.name
    shutil.copyfile(path, target)
    return target


def _source_record(release: BaciRelease, origin: str, is_url: bool, folder: Path) -> dict[str, Any]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {
        "name": SOURCE,
        "title": f"CEPII BACI {release.classification} release V{release.version}: bilateral trade by HS6 product",
        "publisher": PUBLISHER,
        "origin": {
            "urls": [redact_url(origin)] if is_url else [CEPII_PAGE],
            "documentation": CEPII_DOC,
            **({} if is_url else {"local_file": Path(origin).name}),
        },
        "licence": LICENCE,
        "retrieved": datetime.now(UTC).isoformat(timespec="seconds"),
        "description": (
            f"{release.dataset_version}: the release zip as obtained, plus parquet/ converted once by "
            "bilateral.data.sources.baci (trade_flows schema, one partition per year). Units: value_usd = BACI v "
            "(thousands of current US$) * 1000; quantity = BACI q in metric tonnes (quantity_unit 't'); "
            "net_weight_kg = q * 1000. reporter_iso3 = exporter i, partner_iso3 = importer j, flow 'export', "
            "reported_by 'RECONCILED'."
        ),
        "caveats": [
            "Values are CEPII's reconciliation of exporter and importer declarations (FOB), not any country's own figure.",
            "Only strictly positive flows are recorded; an absent row is not proof of zero trade.",
            "Quantity (tonnes) is missing for some flows; such rows have null quantity, net_weight_kg and quantity_unit.",
            "Code 490 'Other Asia, nes' (iso3 S19) is mapped to TWN, following CEPII's FAQ that it stands for Taiwan.",
            "CEPII revises past years in each release: never mix BACI versions; the latest year is provisional.",
        ],
        "files": [
            {"path": p.relative_to(folder).as_posix(), "sha256": sha256_file(p), "bytes": p.stat().st_size} for p in files
        ],
        "query": {"zip_path_or_url": redact_url(origin) if is_url else Path(origin).name},
        "is_format_sample": release.is_synthetic,
    }
