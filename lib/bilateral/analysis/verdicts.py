"""One verdict function per test type of the claims ledger (data/claims.yml).

Each takes a ledger claim and an evidence table (see `evidence`) and returns a `Verdict`: a rating on the scale
supported / partly supported / contradicted / insufficient data / not checkable, one sentence of why, the
evidence table with each row's role, and which years were tested on statistics, which rest on statements only
and which are untested. The rules, the same for every type:
1. Restatements (the claimant's side repeating the claim) are shown and never counted (`evidence.assign_roles`).
2. A year with declared or reconciled statistics is judged on them; statements are used only for years without
   statistics, and the sentence says which years rest on statements only.
3. A margin within the sources' own disagreement (the evidence's `uncertainty_pct`, the spread between the
   sources of a year, or the ledger's tolerance, whichever is largest) is a close call, and the verdict says so.
4. No substantive verdict without counted evidence (`Verdict` refuses it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import polars as pl

from bilateral.analysis import labels
from bilateral.analysis.evidence import (
    COUNTED,
    STATEMENT,
    STATISTICS,
    Rating,
    Verdict,
    assign_roles,
    coverage,
    empty_evidence,
    evidence_frame,
    spread_pct,
    year_list,
)
from bilateral.data.countries import country_name

if TYPE_CHECKING:
    from bilateral.analysis.claims import Claim

# Words for the evidence series the ledger names; an unknown series is shown by its name.
SERIES_LABELS = {
    "turnover_usd": "turnover",
    "crude_oil_russia_to_china_mt": "Russian crude oil to China (Mt)",
    "pipeline_gas_russia_to_china_bcm": "Russian pipeline gas to China (bcm)",
    "effective_products_hs6": "effective number of HS6 products",
    "china_to_russia_trips": "trips of Chinese citizens to Russia",
    "china_eaeu_turnover_usd": "China's turnover with the EAEU members",
}


def _label(series: str) -> str:
    """A series code as words ('china_effective_suppliers_top20_from_russia' -> 'china effective suppliers top20 from
    russia' when no label is listed): codes are not shown to readers (analysis.labels)."""
    return SERIES_LABELS.get(series) or labels.label(series)


def _prepare(claim: Claim, evidence: pl.DataFrame, series: list[str]) -> pl.DataFrame:
    frame = evidence_frame(evidence) if evidence.columns else empty_evidence().drop("role")
    return assign_roles(frame, claim.speaker_side, series).sort("series", "year", "kind", "source")


def _close(margin: float | None, uncertainty: float | None, tolerance: float | None) -> bool:
    if margin is None:
        return False
    bound = max(u for u in (uncertainty, tolerance, 0.0) if u is not None)
    return abs(margin) <= bound


def _statement_note(on_statements: tuple[int, ...], untested: tuple[int, ...]) -> str:
    parts = []
    if on_statements:
        parts.append(f"{year_list(on_statements)} rest{'s' if len(on_statements) == 1 else ''} on statements only")
    if untested:
        parts.append(f"{year_list(untested)} {'has' if len(untested) == 1 else 'have'} no independent evidence")
    return "; ".join(parts)


def _insufficient(claim: Claim, table: pl.DataFrame, detail: str) -> Verdict:
    decisive = f" Data that would decide: {claim.decisive_data.strip().rstrip('.')}." if claim.decisive_data else ""
    return Verdict(claim.id, Rating.INSUFFICIENT_DATA, f"{detail}.{decisive}", table, years_untested=tuple(claim.years))


# --- rank held in every year of a period ("largest partner for 13 consecutive years") -------------------------


def verdict_rank_run(claim: Claim, evidence: pl.DataFrame) -> Verdict:
    """Rank <= spec.max_rank in every year of the period.

    Evidence: `rank` rows (the entity's rank per year and source, with margin_pct over the rival and, where
    known, uncertainty_pct and unassigned_pct: a margin smaller than the trade the declarant left unassigned to
    any partner could be reversed by that trade, so the year is a close call) and `consecutive_years` statements ("N consecutive years" said in year Y), which
    stand for rank 1 in each of the N years up to Y. A year with statistics is judged on them; sources that
    disagree on the rank make the year disputed. Contradicted when a tested year fails; partly supported when
    the tested years hold but some years are disputed, fail on statements, or have no independent evidence.
    """
    spec = claim.test
    table = _prepare(claim, evidence, ["rank", "consecutive_years"])
    counted = table.filter((pl.col("role") == COUNTED) & pl.col("value").is_not_null())
    streak_years: dict[int, list[str]] = {}
    for row in counted.filter(pl.col("series") == "consecutive_years").iter_rows(named=True):
        for y in range(int(row["year"]) - int(row["value"]) + 1, int(row["year"]) + 1):
            streak_years.setdefault(y, []).append(row["source"])
    ranks = counted.filter(pl.col("series") == "rank")
    held, failed, disputed, on_statements, tested, close_by_gap, close_by_unassigned = [], [], [], [], [], [], []
    for year in claim.years:
        rows = ranks.filter(pl.col("year") == year)
        stats = rows.filter(pl.col("kind").is_in(STATISTICS))
        use = stats if stats.height else rows.filter(pl.col("kind") == STATEMENT)
        verdicts = [r <= spec.max_rank for r in use.get_column("value").to_list()]
        if not verdicts and year in streak_years and spec.max_rank >= 1:
            verdicts = [True]
        if not verdicts:
            continue
        (tested if stats.height else on_statements).append(year)
        if all(verdicts):
            held.append(year)
        elif not any(verdicts):
            failed.append(year)
        else:
            disputed.append(year)
        for r in stats.iter_rows(named=True):
            if _close(r["margin_pct"], r["uncertainty_pct"], claim.tolerance.close_within_pct):
                close_by_gap.append(year)
            if r["unassigned_pct"] is not None and _close(r["margin_pct"], r["unassigned_pct"], None):
                close_by_unassigned.append(year)
    untested = tuple(y for y in claim.years if y not in tested and y not in on_statements)
    if not tested and not on_statements:
        return _insufficient(claim, table, f"No counted evidence of the rank in {year_list(claim.years)}")
    failed_stats = [y for y in failed if y in tested]
    entity, among = country_name(spec.entity), country_name(spec.among)
    place = "first" if spec.max_rank == 1 else f"in the top {spec.max_rank}"
    where = f"among {among}'s trading partners"
    if failed_stats or (failed and not held):
        rating, head = Rating.CONTRADICTED, f"{entity} is not {place} {where} in {year_list(sorted(failed))}"
    elif failed or disputed or untested:
        rating = Rating.PARTLY_SUPPORTED
        head = f"{entity} is {place} {where} in {year_list(sorted(held))}"
        if disputed:
            head += f", sources disagree in {year_list(sorted(disputed))}"
        if failed:
            head += f", statements put it lower in {year_list(sorted(failed))}"
    else:
        rating, head = Rating.SUPPORTED, f"{entity} is {place} {where} in every year {year_list(claim.years)}"
    basis = f" (statistics for {year_list(sorted(tested))})" if tested else ""
    tail = _statement_note(tuple(sorted(on_statements)), untested)
    close = sorted(set(close_by_gap) | set(close_by_unassigned))
    reasons = []
    if close_by_gap:
        reasons.append(
            "within the sources' own disagreement"
            + (f" ({year_list(sorted(set(close_by_gap)))})" if close_by_unassigned else "")
        )
    if close_by_unassigned:
        gap_years = f" ({year_list(sorted(set(close_by_unassigned)))})" if close_by_gap else ""
        reasons.append(f"smaller than the trade {among} declared without assigning it to any partner{gap_years}")
    close_note = f"; close call in {year_list(close)}: the margin is {' or '.join(reasons)}" if close else ""
    why = f"{head}{basis}" + (f"; {tail}" if tail else "") + close_note + "."
    return Verdict(
        claim.id,
        rating,
        why,
        table,
        tuple(sorted(tested)),
        tuple(sorted(on_statements)),
        untested,
        bool(close),
        _datasets(table),
    )


# --- a level reached ("US$200 bn by 2024") ---------------------------------------------------------------------


def verdict_threshold(claim: Claim, evidence: pl.DataFrame) -> Verdict:
    """spec.series at least (or at most) spec.threshold: in any year of the period (`rule: any_year`, a target
    "by 2024") or in every year (`rule: every_year`). Years with statistics are judged on them; statements
    fill years without statistics and the sentence says so."""
    spec = claim.test
    table = _prepare(claim, evidence, [spec.series])
    counted = table.filter((pl.col("role") == COUNTED) & pl.col("value").is_not_null())
    cover = coverage(table, claim.years, [spec.series])
    meets = (lambda v: v >= spec.threshold) if spec.comparison == "at_least" else (lambda v: v <= spec.threshold)
    status: dict[int, str] = {}
    close: list[int] = []
    shown: dict[int, float] = {}
    for year in (*cover.tested, *cover.on_statements):
        rows = counted.filter(pl.col("year") == year)
        stats = rows.filter(pl.col("kind").is_in(STATISTICS))
        values = (stats if stats.height else rows).get_column("value").to_list()
        results = {meets(v) for v in values}
        status[year] = "met" if results == {True} else "missed" if results == {False} else "disputed"
        shown[year] = max(values) if spec.comparison == "at_least" else min(values)
        margin = (shown[year] - spec.threshold) / spec.threshold * 100 if spec.threshold else None
        if (
            _close(margin, spread_pct(rows.get_column("value").to_list()), claim.tolerance.close_within_pct)
            or status[year] == "disputed"
        ):
            close.append(year)
    if not status:
        return _insufficient(claim, table, f"No counted figure of {spec.series} for {year_list(claim.years)}")
    met = [y for y, s in status.items() if s != "missed"]
    word = "at least" if spec.comparison == "at_least" else "at most"
    target = f"{_label(spec.series)} of {word} {_fmt(spec.threshold)}"
    if spec.rule == "any_year":
        met_stats = [y for y in met if y in cover.tested and status[y] == "met"]
        if met_stats:
            first = min(met_stats)
            rating, head = Rating.SUPPORTED, f"A {target} is reached in {first} ({_fmt(shown[first])}, on statistics)"
        elif met:
            first = min(met)
            rating, head = (
                Rating.PARTLY_SUPPORTED,
                f"A {target} is reached in {first} ({_fmt(shown[first])}) according to statements",
            )
        elif not cover.untested:
            best = (
                max(status, key=lambda y: shown[y])
                if spec.comparison == "at_least"
                else min(status, key=lambda y: shown[y])
            )
            rating, head = (
                Rating.CONTRADICTED,
                f"A {target} is not reached in any year {year_list(claim.years)} (closest: {_fmt(shown[best])} in {best})",
            )
        else:
            return _insufficient(
                claim,
                table,
                f"A {target} is not reached in {year_list(sorted(status))}, and {year_list(cover.untested)} {'has' if len(cover.untested) == 1 else 'have'} no counted figure",
            )
    else:
        missed = [y for y, s in status.items() if s == "missed"]
        if [y for y in missed if y in cover.tested] or (missed and not met):
            rating, head = Rating.CONTRADICTED, f"A {target} fails in {year_list(sorted(missed))}"
        elif missed or cover.untested or any(s == "disputed" for s in status.values()):
            rating, head = (
                Rating.PARTLY_SUPPORTED,
                f"A {target} holds in {year_list(sorted(y for y, s in status.items() if s == 'met'))}",
            )
        else:
            rating, head = Rating.SUPPORTED, f"A {target} holds in every year {year_list(claim.years)}"
    tail = _statement_note(cover.on_statements, cover.untested)
    close_note = f"; close call in {year_list(sorted(close))}: within the sources' own disagreement" if close else ""
    why = head + (f"; {tail}" if tail else "") + close_note + "."
    return Verdict(
        claim.id, rating, why, table, cover.tested, cover.on_statements, cover.untested, bool(close), _datasets(table)
    )


# --- a change between two years ("deepening", "sound momentum") -------------------------------------------------


def verdict_change(claim: Claim, evidence: pl.DataFrame) -> Verdict:
    """Each series in spec.series changes in spec.direction between spec.from_year and spec.to_year.

    A series is judged on the sources (kind, source, reported_by) that give both years: statistics first,
    statements only when no statistics give both. Sources that disagree on the direction make the series
    disputed; a change within the sources' disagreement or the tolerance is a close call. All series hold:
    supported; some: partly supported; none: contradicted; none measurable: insufficient data.
    """
    spec = claim.test
    table = _prepare(claim, evidence, list(spec.series))
    counted = table.filter(
        (pl.col("role") == COUNTED)
        & pl.col("value").is_not_null()
        & pl.col("year").is_in([spec.from_year, spec.to_year])
    )
    held, failed, disputed, unmeasured, on_statements, close, notes = [], [], [], [], [], [], []
    for series in spec.series:
        changes = _changes(counted.filter(pl.col("series") == series), spec.from_year, spec.to_year)
        stats = changes.filter(pl.col("kind").is_in(STATISTICS))
        use = stats if stats.height else changes
        if use.is_empty():
            unmeasured.append(series)
            continue
        if not stats.height:
            on_statements.append(series)
        pcts = use.get_column("change_pct").to_list()
        results = {_direction_holds(p, spec.direction, spec.min_change_pct) for p in pcts}
        (held if results == {True} else failed if results == {False} else disputed).append(series)
        uncertainty = max(
            [u for u in use.get_column("uncertainty_pct").to_list() if u is not None] + [spread_pct(pcts) or 0.0]
        )
        if any(_close(p - spec.min_change_pct, uncertainty, claim.tolerance.close_within_pct) for p in pcts):
            close.append(series)
        notes.append(
            f"{_label(series)} {_fmt_pct(min(pcts))}"
            if len(set(pcts)) == 1
            else f"{_label(series)} {_fmt_pct(min(pcts))} to {_fmt_pct(max(pcts))}"
        )
    period = f"{spec.from_year}–{spec.to_year}"
    if not (held or failed or disputed):
        return _insufficient(
            claim,
            table,
            f"No counted figures give both {spec.from_year} and {spec.to_year} for {', '.join(_label(x) for x in spec.series)}",
        )
    measured = ", ".join(notes)
    if held and not (failed or disputed or unmeasured):
        rating = Rating.SUPPORTED
    elif failed and not (held or disputed):
        rating = Rating.CONTRADICTED  # every measured series moves the wrong way (unmeasured ones are named)
    else:
        rating = Rating.PARTLY_SUPPORTED
    why = f"Change {period} (test: {spec.direction.replace('_', ' ')}): {measured}"
    if unmeasured:
        why += f"; not measurable: {', '.join(map(_label, unmeasured))}"
    if disputed:
        why += f"; sources disagree on {', '.join(map(_label, disputed))}"
    if on_statements:
        why += (
            f"; {', '.join(map(_label, on_statements))} rest{'s' if len(on_statements) == 1 else ''} on statements only"
        )
    if close:
        why += f"; close call for {', '.join(map(_label, close))}: within the sources' own disagreement"
    years_tested = (
        tuple(sorted({spec.from_year, spec.to_year}))
        if any(s not in on_statements for s in held + failed + disputed)
        else ()
    )
    years_stmt = tuple(sorted({spec.from_year, spec.to_year})) if not years_tested and on_statements else ()
    return Verdict(claim.id, rating, why + ".", table, years_tested, years_stmt, (), bool(close), _datasets(table))


def _changes(rows: pl.DataFrame, start: int, end: int) -> pl.DataFrame:
    keys = ["kind", "source", "reported_by"]
    first = (
        rows.filter(pl.col("year") == start)
        .group_by(keys)
        .agg(pl.col("value").mean().alias("_a"), pl.col("uncertainty_pct").max().alias("_ua"))
    )
    last = (
        rows.filter(pl.col("year") == end)
        .group_by(keys)
        .agg(pl.col("value").mean().alias("_b"), pl.col("uncertainty_pct").max().alias("_ub"))
    )
    both = first.join(last, on=keys, how="inner", nulls_equal=True)
    return both.filter(pl.col("_a") > 0).select(
        *keys,
        ((pl.col("_b") / pl.col("_a") - 1) * 100).alias("change_pct"),
        pl.max_horizontal("_ua", "_ub").alias("uncertainty_pct"),
    )


def _direction_holds(change_pct: float, direction: str, minimum: float) -> bool:
    if direction == "increase":
        return change_pct > minimum
    if direction == "decrease":
        return change_pct < -minimum
    return change_pct >= -minimum  # not_decrease: stable or up


# --- dated events ("solid progress in strategic mega projects") -------------------------------------------------


def verdict_events(claim: Claim, evidence: pl.DataFrame) -> Verdict:
    """At least spec.min_events dated events (`date` within spec.from_date..spec.to_date) of spec.series,
    concerning at least spec.min_entities entities. No statistics exist for such events, so the verdict rests
    on statements by nature and says so; too few events is partly supported, none is insufficient data (a
    registry that lists no event is not proof that none happened)."""
    spec = claim.test
    table = _prepare(claim, evidence, [spec.series])
    dated = table.filter(
        (pl.col("role") == COUNTED)
        & pl.col("date").is_not_null()
        & (pl.col("date").str.slice(0, 10) >= spec.from_date.isoformat())
        & (pl.col("date").str.slice(0, 10) <= spec.to_date.isoformat())
    )
    n_events = dated.select("entity", "date", "note").unique().height
    entities = sorted(set(dated.get_column("entity").drop_nulls().to_list()))
    window = f"{spec.from_date.isoformat()} and {spec.to_date.isoformat()}"
    if n_events == 0:
        return _insufficient(claim, table, f"No counted dated {spec.series} between {window}")
    enough = n_events >= spec.min_events and len(entities) >= spec.min_entities
    rating = Rating.SUPPORTED if enough else Rating.PARTLY_SUPPORTED
    why = (
        f"{n_events} dated {spec.series}{'s' if n_events != 1 else ''} of {len(entities)} "
        f"{'entity' if len(entities) == 1 else 'entities'} ({', '.join(labels.label(e) for e in entities)}) between {window} "
        f"(the test asks for at least {spec.min_events} on {spec.min_entities}); rests on statements only, as no statistics exist for it."
    )
    years = tuple(sorted(set(dated.get_column("year").to_list())))
    return Verdict(claim.id, rating, why, table, (), years, (), False, _datasets(table))


def verdict_not_checkable(claim: Claim, evidence: pl.DataFrame | None = None) -> Verdict:
    """No verdict on facts: the ledger's reason is the sentence, and the evidence table is empty by design."""
    return Verdict(
        claim.id, Rating.NOT_CHECKABLE, claim.not_checkable_reason or "Not a statement of fact.", empty_evidence()
    )


VERDICTS: dict[str, Callable[[Claim, pl.DataFrame], Verdict]] = {
    "rank_run": verdict_rank_run,
    "threshold": verdict_threshold,
    "change": verdict_change,
    "events": verdict_events,
}


def _datasets(table: pl.DataFrame) -> tuple[str, ...]:
    return tuple(sorted(set(table.filter(pl.col("role") == COUNTED).get_column("source").to_list())))


def _fmt(value: float) -> str:
    if abs(value) >= 1e9:
        return f"US${f'{value / 1e9:,.2f}'.rstrip('0').rstrip('.')} bn"
    return f"{value:,.4g}"


def _fmt_pct(value: float) -> str:
    return f"{value:+.1f}%"
