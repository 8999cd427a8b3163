"""Evidence for claims: one table shape, the three kinds of evidence, restatements, and year coverage.

An evidence table has one row per figure: a statistic someone declared (a customs service, through IMF DOTS),
a reconciled estimate (CEPII BACI), or a statement (a page and its quote). The rules of ARCHITECTURE.md
("Evidence and statements") are enforced here, in one place, for every verdict:
- every row says which kind it is (`kind`) and where it comes from (`source`, and a page and quote for statements);
- a statement by the claimant's side about the claim's own measure is a *restatement*: shown, never counted;
- for each year of a claim we say whether it is tested on statistics, rests on statements only, or is untested.
Pure functions: builders that read canonical tables into this shape live in `claims_evidence` (no I/O either).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import polars as pl

from bilateral.errors import ParameterError

STATEMENT, DECLARED, RECONCILED = "statement", "declared", "reconciled"
KINDS = (STATEMENT, DECLARED, RECONCILED)
STATISTICS = (DECLARED, RECONCILED)

COUNTED = "counted"
RESTATEMENT = "restatement (not counted)"
CONTEXT = "context (not counted)"  # another measure shown beside the claim's own (e.g. a half-year rank)

# Required columns first, then optional ones (filled with nulls when absent).
EVIDENCE_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int32(),
    "series": pl.String(),  # what is measured, e.g. rank, turnover_usd, consecutive_years, milestone
    "kind": pl.String(),  # statement | declared | reconciled
    "source": pl.String(),  # dataset name (imf_dots, baci) or the publisher named on the page
    "entity": pl.String(),  # optional: who the figure is about (partner ISO3, project id)
    "value": pl.Float64(),
    "unit": pl.String(),
    "source_url": pl.String(),
    "quote": pl.String(),
    "reported_by": pl.String(),  # declarant ISO3 for declared rows, RECONCILED for BACI
    "side": pl.String(),  # ISO3 of the government side a statement speaks for; null = independent
    "date": pl.String(),  # ISO date of an event (milestones), when the figure is an event
    "rival": pl.String(),  # rank rows: the nearest rival
    "margin_pct": pl.Float64(),  # rank rows: margin over the rival, in % of the rival's value
    "uncertainty_pct": pl.Float64(),  # the sources' own disagreement for that year, in %
    "unassigned_pct": pl.Float64(),  # rank rows: trade the declarant assigned to no partner, in % of the rival's value
    "note": pl.String(),
}
REQUIRED = ("year", "series", "kind", "source")


class Rating(StrEnum):
    """The verdict scale (issue 7): nothing else is a verdict."""

    SUPPORTED = "supported"
    PARTLY_SUPPORTED = "partly supported"
    CONTRADICTED = "contradicted"
    INSUFFICIENT_DATA = "insufficient data"
    NOT_CHECKABLE = "not checkable"


SUBSTANTIVE = (Rating.SUPPORTED, Rating.PARTLY_SUPPORTED, Rating.CONTRADICTED)


@dataclass(frozen=True)
class Verdict:
    """A claim's verdict, the one sentence of why, and the evidence table it rests on.

    `evidence` holds every row considered, with its `role` (counted, or restatement (not counted)); the year
    lists say which years were tested on statistics, which rest on statements only and which are untested.
    A substantive rating (supported, partly supported, contradicted) without a counted evidence row is refused.
    """

    claim_id: str
    rating: Rating
    why: str
    evidence: pl.DataFrame
    years_tested: tuple[int, ...] = ()
    years_on_statements: tuple[int, ...] = ()
    years_untested: tuple[int, ...] = ()
    is_close: bool = False
    datasets: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.rating in SUBSTANTIVE:
            counted = self.evidence.filter(pl.col("role") == COUNTED).height if "role" in self.evidence.columns else 0
            if counted == 0:
                raise ParameterError(
                    f"claim {self.claim_id}: a verdict of '{self.rating}' needs at least one counted evidence row; "
                    "there is none (no verdict without an evidence table)."
                )
        if not self.why.strip():
            raise ParameterError(f"claim {self.claim_id}: a verdict needs one sentence of why.")

    @property
    def label(self) -> str:
        """The rating as readers see it: 'supported (close call)' when a margin is within the sources' disagreement."""
        return f"{self.rating} (close call)" if self.is_close and self.rating in SUBSTANTIVE else str(self.rating)

    @property
    def restatements(self) -> pl.DataFrame:
        return (
            self.evidence.filter(pl.col("role") == RESTATEMENT)
            if "role" in self.evidence.columns
            else self.evidence.clear()
        )


def empty_evidence() -> pl.DataFrame:
    """An evidence table with no rows (every column, typed), plus the role column verdicts add."""
    return pl.DataFrame(schema={**EVIDENCE_SCHEMA, "role": pl.String()})


def evidence_frame(rows: pl.DataFrame | Iterable[Mapping[str, object]]) -> pl.DataFrame:
    """Check rows against the evidence rules and return them typed, in schema order, optional columns filled.

    Raises ParameterError naming the row and the rule: an unknown kind, a statement without page or quote,
    a declared figure without its declarant, a missing year or series.
    """
    frame = rows if isinstance(rows, pl.DataFrame) else pl.DataFrame(list(rows), infer_schema_length=None)
    if frame.is_empty() and not frame.columns:
        return empty_evidence().drop("role")
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"evidence table: missing column(s) {', '.join(missing)}; every row needs {', '.join(REQUIRED)}."
        )
    filled = frame.with_columns(
        [pl.lit(None, dtype).alias(name) for name, dtype in EVIDENCE_SCHEMA.items() if name not in frame.columns]
    )
    try:
        typed = filled.select([pl.col(name).cast(dtype, strict=True) for name, dtype in EVIDENCE_SCHEMA.items()])
    except pl.exceptions.PolarsError as exc:
        raise ParameterError(f"evidence table: a column has the wrong type ({str(exc).splitlines()[0]}).") from exc
    extra = [c for c in frame.columns if c not in EVIDENCE_SCHEMA and c != "role"]
    typed = pl.concat([typed, frame.select(extra)], how="horizontal") if extra else typed
    _check_rows(typed)
    return typed


def _check_rows(frame: pl.DataFrame) -> None:
    numbered = frame.with_row_index("_row")
    rules = [
        (
            pl.col("year").is_null() | pl.col("series").is_null() | pl.col("source").is_null(),
            "has no year, series or source",
        ),
        (~pl.col("kind").is_in(KINDS) | pl.col("kind").is_null(), f"has a kind that is not one of {', '.join(KINDS)}"),
        (
            (pl.col("kind") == STATEMENT) & (pl.col("source_url").is_null() | pl.col("quote").is_null()),
            "is a statement without its page (source_url) and quote",
        ),
        (
            (pl.col("kind") == DECLARED) & pl.col("reported_by").is_null(),
            "is a declared figure without reported_by (who declared it)",
        ),
    ]
    for condition, problem in rules:
        bad = numbered.filter(condition)
        if bad.height:
            row = bad.row(0, named=True)
            raise ParameterError(
                f"evidence table: row {row['_row'] + 1} ({row['series']}, {row['year']}, {row['source']}) {problem}."
            )


def assign_roles(evidence: pl.DataFrame, claimant_side: str | None, claim_series: Sequence[str]) -> pl.DataFrame:
    """Add `role`: a statement by the claimant's side about one of the claim's own series is a restatement
    (shown, never counted); a row of another series is context (shown, not counted); the rest are counted."""
    own = pl.col("series").is_in(list(claim_series))
    restated = (
        (pl.col("kind") == STATEMENT) & pl.col("side").is_not_null() & (pl.col("side") == (claimant_side or "")) & own
    )
    role = pl.when(~own).then(pl.lit(CONTEXT)).when(restated).then(pl.lit(RESTATEMENT)).otherwise(pl.lit(COUNTED))
    return evidence.with_columns(role.alias("role"))


@dataclass(frozen=True)
class Coverage:
    """Which years of a claim's period rest on what."""

    tested: tuple[int, ...]  # at least one counted declared or reconciled row
    on_statements: tuple[int, ...]  # no statistics, but counted (independent) statements
    untested: tuple[int, ...]  # nothing counted (restatements only, or nothing at all)


def coverage(evidence: pl.DataFrame, years: Iterable[int], series: Sequence[str]) -> Coverage:
    """Sort each year into tested / on statements only / untested, from counted rows of the given series."""
    counted = evidence.filter(
        (pl.col("role") == COUNTED) & pl.col("series").is_in(list(series)) & pl.col("value").is_not_null()
    )
    stats = set(counted.filter(pl.col("kind").is_in(STATISTICS)).get_column("year").to_list())
    said = set(counted.filter(pl.col("kind") == STATEMENT).get_column("year").to_list())
    years = sorted(years)
    return Coverage(
        tested=tuple(y for y in years if y in stats),
        on_statements=tuple(y for y in years if y not in stats and y in said),
        untested=tuple(y for y in years if y not in stats and y not in said),
    )


def spread_pct(values: Sequence[float]) -> float | None:
    """The sources' own disagreement: (max - min) / mean x 100 over the figures for one cell; None for < 2 figures."""
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return None
    mean = sum(present) / len(present)
    return (max(present) - min(present)) / mean * 100 if mean else None


def year_list(years: Sequence[int]) -> str:
    """2010, 2011, 2012, 2015 -> '2010–2012, 2015' (ranges for runs, so sentences stay short)."""
    if not years:
        return "none"
    parts, start, prev = [], years[0], years[0]
    for y in [*years[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(parts)
