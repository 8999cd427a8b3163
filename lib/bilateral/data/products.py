"""HS products: sections, chapters, headings and subheadings from the shipped HS 2022 table.

The table (data/raw/hs_classification, WCO nomenclature via datasets/harmonized-system) is HS 2022 and is
read through its provenance, so a changed file fails its checksum instead of giving wrong names.

HS revisions matter. Trade data comes in the revision it was reported or published in: BACI uses HS92
(HS 1992), Comtrade "as reported" uses each reporter's revision of the year, recent data uses HS 2022. At
2 digits the chapters are stable across revisions (chapter 77 is reserved, 98 and 99 are national), so
chapter-level functions accept any revision. At 4 and especially 6 digits codes were split, merged and
renumbered between revisions, and comparing them needs a concordance (e.g. the UN Statistics Division's
correspondence tables), which this module does not build. Functions that look codes up at 4 or 6 digits
therefore take `revision` explicitly and refuse anything but HS22 rather than answer with the wrong text.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from bilateral.data.paths import raw_dir
from bilateral.data.provenance import read_source, require_verified
from bilateral.errors import ParameterError

SOURCE_NAME = "hs_classification"
TABLE_REVISION = "HS22"

# Canonical short names (as in the trade_flows `classification` column) and the years they took effect.
REVISIONS: dict[str, int] = {
    "HS92": 1992,
    "HS96": 1996,
    "HS02": 2002,
    "HS07": 2007,
    "HS12": 2012,
    "HS17": 2017,
    "HS22": 2022,
}
# Comtrade's classification codes H0..H6 name the same revisions.
_COMTRADE_CODES = {f"H{i}": name for i, name in enumerate(REVISIONS)}
LEVELS = (2, 4, 6)
_LEVEL_NAMES = {2: "chapter", 4: "heading", 6: "subheading"}


@dataclass(frozen=True)
class ProductInfo:
    """What an HS code is: its level, text, chapter and section, and the revision the text is from."""

    code: str
    level: int
    description: str
    chapter: str
    chapter_description: str
    section: str | None  # Roman numeral; None for chapter 99 (national, outside the sections)
    section_name: str | None
    revision: str


def normalize_revision(revision: str) -> str:
    """Canonical revision name ('HS2022', 'hs22', 'H6', '2022' -> 'HS22'); ParameterError if unknown."""
    text = str(revision).strip().upper().replace(" ", "") if revision is not None else ""
    if text in _COMTRADE_CODES:
        return _COMTRADE_CODES[text]
    digits = text.removeprefix("HS")
    for name, year in REVISIONS.items():
        if digits in (str(year), str(year)[2:]):
            return name
    raise ParameterError(
        f"Unknown HS revision {revision!r}; use one of {', '.join(REVISIONS)} "
        "(also accepted: 'HS2022', '2022', or Comtrade's H0..H6)."
    )


def parse_hs_code(code: str) -> str:
    """The code as 2, 4 or 6 digits ('27.09' -> '2709'); ParameterError if malformed. No lookup."""
    if not isinstance(code, str):
        raise ParameterError(
            f"HS codes must be strings to keep leading zeros ('0101', not 101); got {code!r} ({type(code).__name__})."
        )
    text = code.strip().replace(".", "").replace(" ", "")
    if text.upper() == "TOTAL":
        raise ParameterError(
            "'TOTAL' means all products and is not an HS code; give a 2, 4 or 6 digit code such as '27'."
        )
    if not text.isdigit() or len(text) not in LEVELS:
        zero = f" If a leading zero was lost, try '0{text}'." if text.isdigit() and len(text) in (1, 3, 5) else ""
        raise ParameterError(
            f"Malformed HS code {code!r}: expected 2, 4 or 6 digits such as '27' (chapter), '2709' (heading) "
            f"or '270900' (subheading).{zero}"
        )
    return text


def chapter_of(code: str) -> str:
    """The 2-digit chapter of a code ('270900' -> '27'). Format check only: chapters are revision-stable."""
    return parse_hs_code(code)[:2]


def heading_of(code: str) -> str:
    """The 4-digit heading of a 4- or 6-digit code ('270900' -> '2709')."""
    text = parse_hs_code(code)
    if len(text) < 4:
        raise ParameterError(f"HS code {code!r} is a chapter; it has no heading. Give a 4 or 6 digit code.")
    return text[:4]


def validate_hs_code(code: str, *, revision: str = TABLE_REVISION) -> str:
    """The normalized code if it exists in `revision`; ParameterError with suggestions otherwise.

    Chapters are checked for any revision (they are stable); 4- and 6-digit codes only for HS22, the
    revision of the shipped table (older revisions need a concordance).
    """
    text = parse_hs_code(code)
    rev = _require_lookup_revision(revision, len(text))
    known = _codes_at_level(len(text))
    if text not in known:
        raise ParameterError(_unknown_code_message(code, text, rev))
    return text


def section_of(code: str, *, revision: str = TABLE_REVISION) -> str | None:
    """Roman numeral of the code's HS section ('2709' -> 'V'); None for chapter 99.

    The chapter-to-section structure is the same in every revision, so any revision is accepted.
    """
    chapter = validate_hs_code(chapter_of(code), revision=revision)
    return _section_by_chapter()[chapter]


def describe(code: str, *, revision: str = TABLE_REVISION) -> ProductInfo:
    """Description, level, chapter and section of a code, from the HS 2022 table.

    For a chapter, any revision is accepted (the returned text is HS 2022's, `revision` says so). For 4 and
    6 digits, only HS22: an HS92 heading may not mean what the HS 2022 heading of the same number means.
    """
    text = validate_hs_code(code, revision=revision)
    descriptions = _descriptions()
    section = _section_by_chapter()[text[:2]]
    return ProductInfo(
        code=text,
        level=len(text),
        description=descriptions[text],
        chapter=text[:2],
        chapter_description=descriptions[text[:2]],
        section=section,
        section_name=_section_names().get(section) if section else None,
        revision=TABLE_REVISION,
    )


def descriptions_for(codes: Iterable[str], classification: str | None = None) -> dict[str, str]:
    """Display descriptions for product codes found in data, never raising on codes a table lacks.

    HS 2022 text is used for HS 2022 data and for chapters of any revision; a 4/6-digit code of an older
    revision (e.g. BACI's HS92) gets the HS 2022 text of the same number only with a warning prefix, and a
    code absent from the HS 2022 table says so.
    """
    older = classification is not None and normalize_revision_or_none(classification) not in (None, TABLE_REVISION)
    known = _descriptions()
    result = {}
    for code in codes:
        text = known.get(code)
        if text is None:
            result[code] = "(not in the HS 2022 table)"
        elif older and len(code) > 2:
            result[code] = f"[HS 2022 text; data in {classification}] {text}"
        else:
            result[code] = text
    return result


def normalize_revision_or_none(revision: str) -> str | None:
    try:
        return normalize_revision(revision)
    except ParameterError:
        return None


def hs_table() -> pl.DataFrame:
    """All HS 2022 codes at 2, 4 and 6 digits: hs_code, hs_level, description, parent_code, section, revision.

    The upstream's single level-5 'TOTAL' row is dropped; chapter 99 keeps section null.
    """
    return _load_table(_source_folder())


def sections() -> pl.DataFrame:
    """The 21 HS sections: section (Roman numeral), name, first_chapter, last_chapter. Revision-stable."""
    chapters_by_section = (
        hs_table()
        .filter(pl.col("hs_level") == 2, pl.col("section").is_not_null())
        .group_by("section")
        .agg(pl.col("hs_code").min().alias("first_chapter"), pl.col("hs_code").max().alias("last_chapter"))
    )
    names = _load_sections(_source_folder())
    return names.join(chapters_by_section, on="section", how="left", validate="1:1")


def chapters(*, revision: str = TABLE_REVISION) -> pl.DataFrame:
    """HS chapters (2 digits) with HS 2022 titles; valid for any revision because chapters are stable."""
    normalize_revision(revision)
    return _level(2)


def headings(*, revision: str = TABLE_REVISION) -> pl.DataFrame:
    """HS 2022 headings (4 digits). Other revisions raise: their headings need a concordance."""
    _require_lookup_revision(revision, 4)
    return _level(4)


def subheadings(*, revision: str = TABLE_REVISION) -> pl.DataFrame:
    """HS 2022 subheadings (6 digits). Other revisions raise: their subheadings need a concordance."""
    _require_lookup_revision(revision, 6)
    return _level(6)


def _level(level: int) -> pl.DataFrame:
    return hs_table().filter(pl.col("hs_level") == level)


def _require_lookup_revision(revision: str, level: int) -> str:
    rev = normalize_revision(revision)
    if level > 2 and rev != TABLE_REVISION:
        raise ParameterError(
            f"Only HS 2022 {_LEVEL_NAMES[level]}s can be looked up (the shipped table is HS 2022); got revision {rev}. "
            f"{rev} codes at {level} digits need a concordance to HS 2022, which the workbench does not provide. "
            "Work at the 2-digit chapter level (stable across revisions) or use HS22 data."
        )
    return rev


def _unknown_code_message(code: str, text: str, revision: str) -> str:
    hints = _suggest(text)
    descriptions = _descriptions()
    hint = " Did you mean " + " or ".join(f"'{h}' ({_shorten(descriptions[h])})" for h in hints) + "?" if hints else ""
    reserved = " Chapter 77 is reserved for future use in every HS revision." if text[:2] == "77" else ""
    level = _LEVEL_NAMES[len(text)]
    return f"Unknown HS code {code!r}: no {level} {text} in HS 2022 (checked for {revision}).{reserved}{hint}"


def _suggest(text: str, limit: int = 3) -> list[str]:
    """Closest codes at the same level, preferring those under the same parent (same leading digits)."""
    pool = sorted(_codes_at_level(len(text)))
    siblings = [c for c in pool if c[:-2] == text[:-2]] if len(text) > 2 else []
    return difflib.get_close_matches(text, siblings or pool, n=limit, cutoff=0.5)


def _shorten(description: str, width: int = 60) -> str:
    return description if len(description) <= width else description[: width - 3].rstrip() + "..."


def _codes_at_level(level: int) -> frozenset[str]:
    return _codes_by_level(_source_folder())[level]


def _descriptions() -> dict[str, str]:
    return _descriptions_for(_source_folder())


@cache
def _codes_by_level(folder: Path) -> dict[int, frozenset[str]]:
    table = _load_table(folder)
    return {lvl: frozenset(table.filter(pl.col("hs_level") == lvl).get_column("hs_code").to_list()) for lvl in LEVELS}


@cache
def _descriptions_for(folder: Path) -> dict[str, str]:
    table = _load_table(folder)
    return dict(zip(table.get_column("hs_code").to_list(), table.get_column("description").to_list(), strict=True))


def _section_by_chapter() -> dict[str, str | None]:
    table = _level(2)
    return dict(zip(table.get_column("hs_code").to_list(), table.get_column("section").to_list(), strict=True))


def _section_names() -> dict[str, str]:
    names = _load_sections(_source_folder())
    return dict(zip(names.get_column("section").to_list(), names.get_column("name").to_list(), strict=True))


def _source_folder() -> Path:
    return raw_dir() / SOURCE_NAME


@cache
def _load_table(folder: Path) -> pl.DataFrame:
    """Read and tidy harmonized-system.csv once per folder (checksum verified on first read)."""
    path = require_verified(folder, read_source(folder), "harmonized-system.csv")
    raw = pl.read_csv(path, schema_overrides={"hscode": pl.String, "parent": pl.String, "level": pl.Int8})
    return raw.filter(pl.col("level").is_in(list(LEVELS)), pl.col("hscode").str.contains(r"^\d+$")).select(
        pl.col("hscode").alias("hs_code"),
        pl.col("level").alias("hs_level"),
        pl.col("description").str.strip_chars(),
        pl.when(pl.col("parent") == "TOTAL").then(None).otherwise(pl.col("parent")).alias("parent_code"),
        pl.when(pl.col("section") == "TOTAL").then(None).otherwise(pl.col("section")).alias("section"),
        pl.lit(TABLE_REVISION).alias("revision"),
    )


@cache
def _load_sections(folder: Path) -> pl.DataFrame:
    path = require_verified(folder, read_source(folder), "sections.csv")
    return pl.read_csv(path).select(pl.col("section"), pl.col("name").str.strip_chars())
