"""Reading a BACI release zip safely (members identified, sizes and expansion bounded) and its code tables."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import polars as pl

from bilateral.data.limits import (
    ARCHIVE_EXPANSION,
    ARCHIVE_MEMBER_BYTES,
)
from bilateral.data.sources.baci.settings import (
    _COUNTRY_FILE,
    _PRODUCT_FILE,
    _TRADE_FILE,
    CEPII_PAGE,
    COUNTRY_COLUMNS,
    ISO3_OVERRIDES,
    BaciRelease,
)
from bilateral.errors import DataError


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
        raise DataError(
            f"{zip_path}: the zip archive is damaged ({exc}). Download the release again from {CEPII_PAGE}."
        ) from exc
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
        raise DataError(
            f"{zip_path}: more than one trade file for the same year; the zip is not a single BACI release."
        )
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
            raise DataError(
                f"{zip_path}: member {info.filename} expands to "
                + ARCHIVE_MEMBER_BYTES.exceeded(f"{info.file_size:,} bytes")
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024**2 and ratio > ARCHIVE_EXPANSION.value():
            raise DataError(
                f"{zip_path}: member {info.filename} expands " + ARCHIVE_EXPANSION.exceeded(f"{ratio:,.0f} times")
            )


def copy_member(archive: zipfile.ZipFile, member: str, target: Path) -> None:
    """Extract one member, stopping if it yields more bytes than its header declared (headers can lie)."""
    declared = archive.getinfo(member).file_size
    written = 0
    try:
        with archive.open(member) as source, target.open("wb") as out:
            while chunk := source.read(1 << 24):
                written += len(chunk)
                if written > declared:
                    raise DataError(
                        f"{member}: yields more than the {declared:,} bytes its zip header declares; the archive is damaged or forged."
                    )
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise DataError(
            f"{member}: damaged inside the archive ({exc}). Download the release again from {CEPII_PAGE}."
        ) from exc


def _one_member(zip_path: Path, names: list[str], pattern: re.Pattern[str], label: str) -> str:
    found = [n for n in names if pattern.match(Path(n).name)]
    if len(found) != 1:
        raise DataError(
            f"{zip_path}: expected exactly one {label} inside, found {len(found)} ({', '.join(found) or 'none'})."
        )
    return found[0]


def _optional_member(names: list[str], pattern: re.Pattern[str]) -> str | None:
    found = [n for n in names if pattern.match(Path(n).name)]
    return found[0] if len(found) == 1 else None


def read_country_table(archive: zipfile.ZipFile, member: str) -> pl.DataFrame:
    """The release's own country table as code (Int32) -> iso3, name, with ISO3_OVERRIDES applied.

    Read as text with no null markers: Namibia's iso2 is "NA" and must not become missing.
    """
    table = pl.read_csv(archive.read(member), infer_schema=False)
    require_columns(table.columns, COUNTRY_COLUMNS, member)
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
            "which is not an ISO 3166 alpha-3 code. Add it to ISO3_OVERRIDES in bilateral/data/sources/baci/settings.py "
            "with a cited reason, or report the release as malformed."
        )
    if table.get_column("country_code").is_duplicated().any():
        raise DataError(f"{member}: a country code appears twice; the country table is ambiguous.")
    return table


def read_product_table(archive: zipfile.ZipFile, member: str) -> pl.DataFrame:
    """The release's product table: product_code (6-digit zero-padded text), description."""
    table = pl.read_csv(archive.read(member), infer_schema=False)
    require_columns(table.columns, ("code", "description"), member)
    return table.select(
        pl.col("code").str.strip_chars().str.zfill(6).alias("product_code"),
        pl.col("description"),
    )


def require_columns(found: Iterable[str], expected: Sequence[str], member: str) -> None:
    found = [c.strip() for c in found]
    if set(expected) - set(found):
        raise DataError(
            f"{member}: expected columns {','.join(expected)} (CEPII's documented layout), found {','.join(found)}. "
            "Is this file from another source or a newer layout?"
        )
