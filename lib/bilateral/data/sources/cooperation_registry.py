"""Loaders for the cited cooperation registry (data/raw/cooperation_registry).

Every row is one statement on one page (project facts, investment, China-EAEU trade, people flows,
settlement currencies) with the page URL and a verbatim quote. The upstream `value` column is TEXT as
the page put it: "6 (nearly)", "166.5 (more than)", "1.6-1.9 million", "2018-05-17", "no". The loaders
keep that text verbatim in `value_text` and only *parse* it: a number (with its qualifier normalised
from an explicit list) becomes `value`, an ISO date, month or year becomes `value_date`, and anything
else stays null with `value_kind` saying why. Nothing is estimated: a range has no `value`, a compound
statement ("10 (Transneft); 15 (Rosneft)") has none either. A value or qualifier the loader does not
recognise is a `DataError` naming file, row and value, so new wording is looked at, not silently dropped.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import polars as pl

from bilateral.data.loader_kit import read_verified_csv
from bilateral.data.schemas import ISO3, Column, Schema, validate
from bilateral.errors import DataError

SOURCE = "cooperation_registry"

# --- Vocabulary (explicit maps; anything else is an error or stays null) -------------------------------

# Qualifier words as written (in a value's "(...)", a leading word, or the first word of a unit's "(...)")
# -> normalised qualifier. "over" reads as "more than"; "approximately"/"roughly"/"approx." as "about".
QUALIFIERS: dict[str, str] = {
    "more than": "more than",
    "over": "more than",
    "exceeding": "exceeding",
    "exceeded": "exceeding",
    "nearly": "nearly",
    "about": "about",
    "about a quarter": "about",
    "approximately": "about",
    "approx.": "about",
    "roughly": "about",
    "close to": "close to",
    "almost": "almost",
    "approached": "approached",
    "at least": "at least",
    "target": "target",
}
# A lower bound or a goal, not an outturn: such values must not be read as levels.
THRESHOLD_QUALIFIERS = frozenset({"more than", "exceeding", "at least", "target"})
THRESHOLD_METRIC_SUFFIXES = ("_exceeds", "_target")

# "(...)" after a number that is a note, not a qualifier: the number is the stated figure.
VALUE_NOTES = frozenset({"expandable to 9.6"})

VALUE_KINDS = frozenset({"number", "range", "compound", "date", "month", "year", "text"})

# EAEU partner as written -> (ISO3 for a single country, group label for an aggregate).
PARTNERS: dict[str, tuple[str | None, str | None]] = {
    "Armenia": ("ARM", None),
    "Belarus": ("BLR", None),
    "Kazakhstan": ("KAZ", None),
    "Kyrgyzstan": ("KGZ", None),
    "Russia": ("RUS", None),
    "EAEU": (None, "EAEU"),
    "Customs Union (RU+KZ+BY)": (None, "Customs Union (RU+KZ+BY)"),
    "Armenia+Kazakhstan+Kyrgyzstan": (None, "Armenia+Kazakhstan+Kyrgyzstan"),
}

SECTORS = frozenset({
    "energy-gas", "energy-oil", "energy-nuclear", "energy-power", "transport-bridge", "transport-rail",
    "industry", "aerospace", "finance",
})  # fmt: skip

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = "|".join(MONTHS)
PERIOD_PATTERN = rf"\d{{4}}(?:H[12]|Q[1-4]|(?:{_MONTH})(?:-(?:{_MONTH}))?|/\d{{2}})?"

_NUMBER = r"-?\d+(?:\.\d+)?"
_URL = r"https?://\S+"
_ISO_DATE = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"

STATEMENT_COLUMNS = ["year", "metric", "value", "unit", "basis", "publisher_named", "source_url", "quote"]
EAEU_COLUMNS = ["year", "partner", "metric", "value", "unit", "basis", "publisher_named", "source_url", "quote"]
PROJECT_COLUMNS = ["project_id", "project_name", "sector", "attribute", "value", "unit", "as_of", "source_url", "quote"]

# --- Schemas ---------------------------------------------------------------------------------------------


def _value_columns() -> dict[str, Column]:
    """The parsed-value block shared by every table (see the module docstring)."""
    return {
        "value": Column(pl.Float64, nullable=True),
        "value_usd": Column(pl.Float64, nullable=True),
        "value_text": Column(pl.String),
        "value_kind": Column(pl.String, allowed=VALUE_KINDS),
        "value_date": Column(pl.String, nullable=True, pattern=_ISO_DATE),
        "qualifier": Column(pl.String, nullable=True, allowed=frozenset(QUALIFIERS.values())),
        "unit": Column(pl.String),
        "is_target_or_threshold": Column(pl.Boolean),
    }


def _period_columns(*, academic_years: bool) -> dict[str, Column]:
    """`year` may be null only where academic years ("2023/24", no single calendar year) can occur."""
    return {
        "period": Column(pl.String, pattern=PERIOD_PATTERN),
        "year": Column(pl.Int32, nullable=academic_years, min_value=1990, max_value=2100),
        "is_full_year": Column(pl.Boolean),
    }


def _citation_columns(*, basis_nullable: bool = False) -> dict[str, Column]:
    return {
        "basis": Column(pl.String, nullable=basis_nullable),
        "publisher_named": Column(pl.String),
        "source_url": Column(pl.String, pattern=_URL),
        "quote": Column(pl.String),
    }


EAEU_TRADE = Schema(
    "eaeu_trade",
    {
        **_period_columns(academic_years=False),
        "partner_name": Column(pl.String),
        "partner_iso3": Column(pl.String, nullable=True, pattern=ISO3),
        "partner_group": Column(pl.String, nullable=True),
        "metric": Column(pl.String, pattern=r"[a-z0-9_]+"),
        **_value_columns(),
        **_citation_columns(basis_nullable=True),  # one agreement row states no basis
    },
)

STATEMENTS = Schema(
    "cooperation_statements",
    {
        **_period_columns(academic_years=True),
        "metric": Column(pl.String, pattern=r"[a-z0-9_]+"),
        **_value_columns(),
        **_citation_columns(),
    },
)

CURRENCY_SETTLEMENT = Schema(
    "currency_settlement",
    {**STATEMENTS.columns, "is_bilateral": Column(pl.Boolean)},
)

PROJECTS = Schema(
    "cooperation_projects",
    {
        "project_id": Column(pl.String, pattern=r"[a-z0-9_]+"),
        "project_name": Column(pl.String),
        "sector": Column(pl.String, allowed=SECTORS),
        "attribute": Column(pl.String, pattern=r"[a-z0-9_]+"),
        **_value_columns(),
        "as_of": Column(pl.String, nullable=True, pattern=_ISO_DATE),  # article date; null when the page has none
        "source_url": Column(pl.String, pattern=_URL),
        "quote": Column(pl.String),
    },
)

# --- Reading -------------------------------------------------------------------------------------------


def _read_csv(relative: str, columns: list[str]) -> pl.DataFrame:
    """The file as text columns, after its checksum is verified and its header checked."""
    return read_verified_csv(SOURCE, relative, columns=columns)


def _where(relative: str, index: int) -> str:
    """Error prefix naming file and row (row 2 = first data line, as in a spreadsheet)."""
    return f"{SOURCE}/{relative}: row {index + 2}"


def _rows(relative: str, columns: list[str], optional: frozenset[str] = frozenset()) -> Iterator[tuple[str, dict]]:
    """(error prefix, row) for every row, after checking that every non-optional cell is filled.

    Parsing needs the text, so an empty cell is reported here rather than as a crash further on.
    """
    for index, row in enumerate(_read_csv(relative, columns).iter_rows(named=True)):
        where = _where(relative, index)
        empty = [name for name in columns if row[name] is None and name not in optional]
        if empty:
            raise DataError(f"{where} has no {', '.join(empty)}; every statement needs it. Restore the file with git.")
        yield where, row


# --- Parsing values ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedValue:
    """One `value` cell read against its `unit`: at most one of `value` and `value_date` is set."""

    kind: str
    value: float | None = None
    value_date: str | None = None
    qualifier: str | None = None


def _unit_kind(unit: str) -> str:
    """date / month / year / text from the unit's first word; anything else is a numeric unit."""
    match = re.match(r"(date|month|year|text)\b", unit)
    return match.group(1) if match else "numeric"


def _parse_date_like(text: str, kind: str, where: str) -> ParsedValue:
    """An ISO date, month or year as the unit announces it; a real calendar date is required."""
    shapes = {"date": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}
    probe = {"date": text, "month": f"{text}-01", "year": f"{text}-01-01"}[kind]
    ok = re.fullmatch(shapes[kind], text) is not None
    try:
        date.fromisoformat(probe)
    except ValueError:
        ok = False
    if not ok:
        raise DataError(f"{where} has value={text!r}, which is not an ISO {kind} although the unit says {kind}.")
    return ParsedValue(kind, value_date=text)


def _qualifier_word(words: str, where: str, text: str) -> str | None:
    """Normalised qualifier for a value's "(words)"; a known note gives None, unknown words are an error."""
    if words in QUALIFIERS:
        return QUALIFIERS[words]
    if words in VALUE_NOTES:
        return None
    raise DataError(
        f"{where} has value={text!r}: {words!r} is not a known qualifier ({', '.join(sorted(QUALIFIERS))}). "
        "Add it to QUALIFIERS (or VALUE_NOTES) in bilateral.data.sources.cooperation_registry if it is one."
    )


def _parse_number(text: str, where: str) -> ParsedValue:
    """A number as stated: plain, with a "(qualifier)" or a leading qualifier; ranges and lists get no value."""
    if re.fullmatch(_NUMBER, text):
        return ParsedValue("number", value=float(text))
    if match := re.fullmatch(rf"({_NUMBER}) \(([^()]+)\)", text):
        return ParsedValue("number", value=float(match[1]), qualifier=_qualifier_word(match[2], where, text))
    if (match := re.fullmatch(rf"([a-z. ]+?) ({_NUMBER})", text)) and match[1] in QUALIFIERS:
        return ParsedValue("number", value=float(match[2]), qualifier=QUALIFIERS[match[1]])
    if re.fullmatch(rf"{_NUMBER}-{_NUMBER}(?: million)?", text):
        return ParsedValue("range")  # no midpoint: that would be our number, not the page's
    if ";" in text:
        return ParsedValue("compound")  # several figures in one cell; read value_text
    raise DataError(
        f"{where} has value={text!r}, which is neither a number, a qualified number, a range nor a list, "
        "although the unit is numeric. Restore the file with git if it was edited; otherwise extend the parser."
    )


def _unit_qualifier(unit: str) -> str | None:
    """Qualifier from the first word(s) of the unit's "(...)", e.g. "US$ bn (over, +30%)" -> "more than"."""
    match = re.search(r"\(([^()]*)\)", unit)
    if not match:
        return None
    first = re.split(r"[,;]", match[1])[0].strip()
    return QUALIFIERS.get(first)


def parse_value(text: str, unit: str, where: str) -> ParsedValue:
    """Read one `value` cell against its `unit`; the qualifier may sit in either, but must agree."""
    kind = _unit_kind(unit)
    if kind == "text":
        return ParsedValue("text")
    if kind != "numeric":
        return _parse_date_like(text, kind, where)
    parsed = _parse_number(text, where)
    from_unit = _unit_qualifier(unit)
    if parsed.qualifier and from_unit and parsed.qualifier != from_unit:
        raise DataError(
            f"{where}: value {text!r} says {parsed.qualifier!r} but unit {unit!r} says {from_unit!r}; "
            "which one holds must be decided by reading the quote."
        )
    return ParsedValue(parsed.kind, parsed.value, None, parsed.qualifier or from_unit)


def _value_fields(text: str, unit: str, metric: str, where: str) -> dict[str, object]:
    """The shared parsed-value columns of one row."""
    parsed = parse_value(text, unit, where)
    is_usd_bn = unit.startswith("US$ bn") and parsed.value is not None
    return {
        "value": parsed.value,
        "value_usd": parsed.value * 1e9 if is_usd_bn else None,  # the unit says billions of US$
        "value_text": text,
        "value_kind": parsed.kind,
        "value_date": parsed.value_date,
        "qualifier": parsed.qualifier,
        "unit": unit,
        "is_target_or_threshold": metric.endswith(THRESHOLD_METRIC_SUFFIXES)
        or parsed.qualifier in THRESHOLD_QUALIFIERS,
    }


# --- Parsing periods and partners ----------------------------------------------------------------------


def parse_period(period: str, where: str) -> tuple[int | None, bool]:
    """(calendar year, is_full_year) of "2022", "2023H1", "2021Q1", "2020Jan-Aug", "2022Dec" or "2023/24".

    An academic year ("2023/24") spans two calendar years, so its year is None rather than a guess.
    """
    match = re.fullmatch(rf"(\d{{4}})(?:(H[12]|Q[1-4])|({_MONTH})(?:-({_MONTH}))?|/(\d{{2}}))?", period)
    if not match:
        raise DataError(
            f"{where} has period {period!r}; expected YYYY, YYYYH1, YYYYQ1, YYYYJan-Aug, YYYYDec or YYYY/YY."
        )
    year = int(match[1])
    if match[3] and match[4] and MONTHS.index(match[4]) < MONTHS.index(match[3]):
        raise DataError(f"{where} has period {period!r}, whose months run backwards.")
    if match[5] is not None:
        if int(match[5]) != (year + 1) % 100:
            raise DataError(f"{where} has period {period!r}; an academic year runs into the next year.")
        return None, False
    return year, period == match[1]


def _partner(name: str, where: str) -> tuple[str | None, str | None]:
    """(partner_iso3, partner_group) from the explicit map; an unknown name names its nearest known one."""
    if name in PARTNERS:
        return PARTNERS[name]
    near = difflib.get_close_matches(name, PARTNERS, n=1)
    hint = f" Did you mean {near[0]!r}?" if near else ""
    raise DataError(
        f"{where} has unknown partner {name!r}.{hint} Known partners: {', '.join(PARTNERS)}. "
        "Add a new one to PARTNERS in bilateral.data.sources.cooperation_registry."
    )


def _period_fields(period: str, where: str) -> dict[str, object]:
    year, is_full_year = parse_period(period, where)
    return {"period": period, "year": year, "is_full_year": is_full_year}


def _citation(row: dict[str, str | None]) -> dict[str, object]:
    return {key: row[key] for key in ("basis", "publisher_named", "source_url", "quote")}


def _frame(rows: list[dict[str, object]], schema: Schema, relative: str) -> pl.DataFrame:
    """Typed frame of parsed rows, validated against `schema`."""
    frame = pl.DataFrame(rows, schema=schema.polars_schema(), orient="row")
    return validate(frame, schema, dataset=f"{SOURCE}/{relative}")


# --- Loaders -------------------------------------------------------------------------------------------


def load_eaeu_trade() -> pl.DataFrame:
    """China-EAEU agreement milestones and China's trade with the EAEU and its members, one row per statement.

    `value` is the stated number (turnover in US$ bn, shares in percent: see `unit`), `value_usd` the same
    in US$ for units starting "US$ bn". Aggregates (EAEU, the 2012 customs union, Armenia+Kazakhstan+
    Kyrgyzstan) have `partner_group` and no `partner_iso3`. Several rows may state one period on different
    bases (e.g. Kazakhstan 2022: 31.2 Chinese customs vs 24.1 Kazakh statistics): never add or average them.
    `is_target_or_threshold` marks goals and lower bounds ("more than 100"), which are not levels.
    """
    relative = "eaeu_trade.csv"
    rows = []
    for where, row in _rows(relative, EAEU_COLUMNS, optional=frozenset({"basis"})):
        iso3, group = _partner(row["partner"], where)
        rows.append({
            **_period_fields(row["year"], where),
            "partner_name": row["partner"],
            "partner_iso3": iso3,
            "partner_group": group,
            "metric": row["metric"],
            **_value_fields(row["value"], row["unit"], row["metric"], where),
            **_citation(row),
        })  # fmt: skip
    return _frame(rows, EAEU_TRADE, relative)


def _statement_rows(relative: str) -> list[dict[str, object]]:
    """Parsed rows of a year/metric/value file (investment, people, currency): same columns, same parsing."""
    rows = []
    for where, row in _rows(relative, STATEMENT_COLUMNS):
        rows.append({
            **_period_fields(row["year"], where),
            "metric": row["metric"],
            **_value_fields(row["value"], row["unit"], row["metric"], where),
            **_citation(row),
        })  # fmt: skip
    return rows


def load_investment() -> pl.DataFrame:
    """Investment statements: IGC portfolio (projects, US$ bn), Chinese FDI/investment in Russia, growth rates.

    Bases differ by an order of magnitude (Bank of Russia FDI stock vs ambassadors' broad "investment"):
    compare rows only within one `metric` and `basis`.
    """
    return _frame(_statement_rows("investment.csv"), STATEMENTS, "investment.csv")


def load_people_exchanges() -> pl.DataFrame:
    """Tourist/visitor flows and student numbers both ways, in persons, trips or students (see `unit`).

    Definitions differ between rows (visa-free group tourists, all visitors, FSB tourist trips); "2023/24"
    academic-year rows have no calendar `year`. Ranges ("1.6-1.9 million") keep `value` null.
    """
    return _frame(_statement_rows("people_exchanges.csv"), STATEMENTS, "people_exchanges.csv")


def load_currency_settlement() -> pl.DataFrame:
    """Shares (percent) of USD, EUR, CNY/RUB in Russia-China settlements, as stated.

    `is_bilateral` is False for the Bank of Russia rows about ALL Russian trade (metrics ending
    `_all_partners`): they are not a Russia-China share. Statements by politicians are not statistics.
    """
    relative = "currency_settlement.csv"
    rows = _statement_rows(relative)
    for row in rows:
        row["is_bilateral"] = not str(row["metric"]).endswith("_all_partners")
    return _frame(rows, CURRENCY_SETTLEMENT, relative)


def load_projects() -> pl.DataFrame:
    """Facts about 27 China-Russia mega-projects, long format: one row per project, attribute and page.

    `attribute` is an open list (capacity, cost_usd_bn, commissioned_date, status, ...); `unit` says what a
    number means. Dates are in `value_date` (ISO date, month or year); text facts only in `value_text`.
    Conflicting statements (e.g. three bridge lengths) are all kept: pick by `as_of` and source, never average.
    """
    relative = "projects.csv"
    rows = []
    for where, row in _rows(relative, PROJECT_COLUMNS, optional=frozenset({"as_of"})):
        rows.append({
            **{key: row[key] for key in ("project_id", "project_name", "sector", "attribute")},
            **_value_fields(row["value"], row["unit"], row["attribute"], where),
            "as_of": row["as_of"],
            "source_url": row["source_url"],
            "quote": row["quote"],
        })  # fmt: skip
    return _frame(rows, PROJECTS, relative)
