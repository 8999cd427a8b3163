"""Statements as drawable marks: what a page said, with its qualifier and period kept, never sharpened.

Cited statements (the cooperation registry) carry a parsed `value`, its `qualifier` ("more than", "about"),
a `value_kind` (number, range) and a `period` ("2022", "2017Jan-Sep", "2023/24"). A chart must not show
"more than 80%" as 80% or "1.6-1.9 million" as one number, nor a January-September count as a year. This
module turns statement rows into marks with those distinctions explicit:

- `mark`: as stated / approximate / lower bound / range / target or forecast;
- `point` (where a single number was stated), `low` and `high` (a stated range; a lower bound up to a known
  ceiling such as 100% for a share, else open);
- `x`: where to draw it on a year axis (an academic year "2023/24" between its two calendar years),
  `period_note`: what part of the year it covers ("Jan–Sep", "Q1"), empty for a full year;
- `stated`: the figure as text with its qualifier ("more than 80", "1.6–1.9 million").

It also reads figures that a page stated *beside* the row's own figure and that the registry kept in the
unit ("trips (all purposes; 130,000 in 2022)"): `figures_stated_alongside` makes them rows of their own,
with the same page and quote. Nothing is estimated: no midpoint of a range, no value for a bound.
Pure functions on polars frames; no I/O.
"""

from __future__ import annotations

import re

import polars as pl

EXACT = "as stated"
APPROXIMATE = "approximate (about, nearly)"
LOWER_BOUND = "lower bound (more than)"
RANGE = "range as stated"
TARGET = "target or forecast"
MARKS = (EXACT, APPROXIMATE, LOWER_BOUND, RANGE, TARGET)

# Normalised qualifiers (bilateral.data.sources.cooperation_registry.QUALIFIERS values) -> mark.
QUALIFIER_MARKS: dict[str, str] = {
    "about": APPROXIMATE,
    "nearly": APPROXIMATE,
    "close to": APPROXIMATE,
    "almost": APPROXIMATE,
    "approached": APPROXIMATE,
    "more than": LOWER_BOUND,
    "exceeding": LOWER_BOUND,
    "at least": LOWER_BOUND,
    "target": TARGET,
}
FORECAST_METRIC_SUFFIXES = ("_target", "_projection")
FORECAST_UNIT_WORDS = ("forecast", "may reach")

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NUMBER = r"-?\d+(?:\.\d+)?"
_RANGE = re.compile(rf"({_NUMBER})-({_NUMBER})(?: (million|bn|billion))?")
_SCALE = {None: 1.0, "million": 1e6, "bn": 1e9, "billion": 1e9}
# "130,000 in 2022", "75.1 in 2018", "4 in Jan 2022" inside a unit's parenthesis
_ALONGSIDE = re.compile(rf"(\d[\d,]*(?:\.\d+)?) in (?:({'|'.join(MONTHS)}) )?(\d{{4}})")


def period_note(period: str) -> str:
    """What part of a year a period covers, for labels: '' (full year), 'Jan–Sep', 'Q1', 'H1', 'Dec', '2023/24'."""
    match = re.fullmatch(r"(\d{4})(.*)", period)
    rest = match[2] if match else period
    if not rest:
        return ""
    if rest.startswith("/"):
        return period  # an academic year is its own label
    return rest.replace("-", "–")


def period_position(period: str) -> float:
    """Where a period sits on a year axis: its calendar year; an academic year '2023/24' at 2023.5 (between)."""
    match = re.fullmatch(r"(\d{4})(/\d{2})?.*", period)
    if not match:
        raise ValueError(f"period {period!r} does not start with a year")
    return int(match[1]) + (0.5 if match[2] else 0.0)


def period_label(period: str) -> str:
    """The period as a reader writes it: '2022', 'Jan–Sep 2022', 'Q1 2020', 'Dec 2022', '2023/24'."""
    note = period_note(period)
    return period if not note or note == period else f"{note} {period[:4]}"


def period_end(period: str) -> float:
    """When a period ends, in years (for ordering): 2020 -> 2021.0, 2020Q1 -> 2020.25, 2020Jan-Sep -> 2020.75,
    2023/24 -> 2024.5 (an academic year ends in the summer). Periods of one year sort by their last month."""
    year = int(period[:4])
    rest = period[4:]
    if not rest:
        return year + 1.0
    if rest.startswith("/"):
        return year + 1.5
    if rest[0] in "QH":
        return year + int(rest[1]) / (4 if rest[0] == "Q" else 2)
    return year + (MONTHS.index(rest.split("-")[-1]) + 1) / 12


def format_number(value: float) -> str:
    """1300000 -> '1,300,000'; 3.184 -> '3.184'; 45.7 -> '45.7' (no digits added or dropped)."""
    if abs(value) >= 1000:
        return f"{value:,.0f}" if value == int(value) else f"{value:,}"
    return f"{value:g}"


def stated_range(text: str) -> tuple[float, float] | None:
    """(low, high) of a stated range such as '1.6-1.9 million' (in the unit's persons), else None."""
    match = _RANGE.fullmatch(text.strip())
    if not match:
        return None
    scale = _SCALE[match[3]]
    return float(match[1]) * scale, float(match[2]) * scale


def mark_of(qualifier: str | None, metric: str, unit: str, value_kind: str) -> str:
    """The mark kind of one statement; a forecast or target wins over its qualifier ('at least; forecast')."""
    if metric.endswith(FORECAST_METRIC_SUFFIXES) or any(word in unit for word in FORECAST_UNIT_WORDS):
        return TARGET
    if value_kind == "range":
        return RANGE
    if qualifier is None:
        return EXACT
    return QUALIFIER_MARKS.get(qualifier, APPROXIMATE)  # an unlisted qualifier is never read as exact


def stated_marks(rows: pl.DataFrame, *, ceiling: float | None = None) -> pl.DataFrame:
    """`rows` (statement columns: period, metric, value, value_text, value_kind, qualifier, unit) with mark
    columns added: mark, point, low, high, x, period_note, period_label, period_end, stated.

    `ceiling` closes lower bounds: for a share in percent, "more than 80" is the range 80-100 (pass 100);
    without it a lower bound has `high` null (open). Rows of other kinds (dates, text, compounds) have no
    point and no range; callers keep numbers only.
    """
    marks, points, lows, highs, xs, notes, texts = [], [], [], [], [], [], []
    for row in rows.iter_rows(named=True):
        mark = mark_of(row["qualifier"], row["metric"], row["unit"], row["value_kind"])
        value = row["value"]
        low = high = None
        if mark == RANGE:
            bounds = stated_range(row["value_text"])
            low, high = bounds if bounds else (None, None)
        elif mark == LOWER_BOUND and value is not None:
            low, high = value, ceiling
        marks.append(mark)
        points.append(None if mark == RANGE else value)
        lows.append(low)
        highs.append(high)
        xs.append(period_position(row["period"]))
        notes.append(period_note(row["period"]))
        texts.append(stated_text(value, row["qualifier"], row["value_text"], mark))
    return rows.with_columns(
        pl.Series("mark", marks, dtype=pl.String),
        pl.Series("point", points, dtype=pl.Float64),
        pl.Series("low", lows, dtype=pl.Float64),
        pl.Series("high", highs, dtype=pl.Float64),
        pl.Series("x", xs, dtype=pl.Float64),
        pl.Series("period_note", notes, dtype=pl.String),
        pl.Series("stated", texts, dtype=pl.String),
    ).with_columns(
        pl.col("period").map_elements(period_label, return_dtype=pl.String).alias("period_label"),
        pl.col("period").map_elements(period_end, return_dtype=pl.Float64).alias("period_end"),
    )


def stated_text(value: float | None, qualifier: str | None, value_text: str, mark: str) -> str:
    """The figure as the page qualified it: 'more than 80', 'about 95', '1.6–1.9 million', '130,000'."""
    if mark == RANGE or value is None:
        return value_text.replace("-", "–", 1) if re.match(r"\d", value_text) else value_text
    number = format_number(value)
    return f"{qualifier} {number}" if qualifier else number


def figures_stated_alongside(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows for the figures a page stated beside the row's own and the registry kept in its unit.

    "trips (all purposes; 130,000 in 2022)" on the 2023 row becomes a 2022 row of 130,000 trips with the same
    metric, page and quote; "percent (4 in Jan 2022)" becomes a '2022Jan' row. The new rows say so in `basis`
    and have `is_stated_alongside` True; the unit keeps only its first word(s) before the parenthesis.
    Returns the same columns as `rows` plus `is_stated_alongside` (empty when no unit holds such a figure).
    """
    extra = []
    for row in rows.iter_rows(named=True):
        note = re.search(r"\(([^()]*)\)", row["unit"])
        if not note:
            continue
        for match in _ALONGSIDE.finditer(note[1]):
            month = match[2]
            period = f"{match[3]}{month or ''}"
            extra.append({
                **row,
                "period": period,
                "year": int(match[3]),
                "is_full_year": month is None,
                "value": float(match[1].replace(",", "")),
                "value_text": match[1],
                "value_kind": "number",
                "qualifier": None,
                "unit": row["unit"].split("(")[0].strip(),
                "is_target_or_threshold": False,
                "basis": f"{row['basis']}; stated on the same page as the {row['period']} figure",
                **({"value_usd": None} if "value_usd" in row else {}),  # the registry's figures here are not US$ bn
            })  # fmt: skip
    flagged = rows.with_columns(pl.lit(False).alias("is_stated_alongside"))
    if not extra:
        return flagged.clear()
    return pl.DataFrame(extra, schema=rows.schema).with_columns(pl.lit(True).alias("is_stated_alongside"))


def with_figures_stated_alongside(rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` flagged `is_stated_alongside` False, followed by the rows `figures_stated_alongside` finds."""
    return pl.concat([rows.with_columns(pl.lit(False).alias("is_stated_alongside")), figures_stated_alongside(rows)])


def bounds_agree(marked: pl.DataFrame) -> bool:
    """Whether several statements of one quantity can all be true: no stated point or range lies wholly below the
    highest stated lower bound (e.g. 'more than 80', 'more than 90', 'about 95' agree; 'more than 90' and '85' do not).

    Approximate points are taken as stated (no tolerance is invented); targets are left out.
    """
    usable = marked.filter(pl.col("mark") != TARGET)
    bounds = usable.filter(pl.col("mark") == LOWER_BOUND).get_column("low").drop_nulls()
    if bounds.is_empty():
        return True
    floor = bounds.max()
    tops = usable.filter(pl.col("mark") != LOWER_BOUND).select(pl.coalesce("high", "point")).to_series().drop_nulls()
    return all(top >= floor for top in tops)
