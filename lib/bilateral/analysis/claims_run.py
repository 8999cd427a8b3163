"""Evaluate the claims ledger: per claim the evidence built from the loaded tables, the verdict, and what a reader
needs to audit it (the datasets read, the pages cited, the restatements set apart).

Which tables feed which evidence series is written once here (`SERIES_BUILDERS`): the ledger's rank tests read IMF
DOTS (the reporter's own declarations and every partner's mirror declarations, with the trade the reporter left
unassigned to any partner) and the cited rank statements; China-Russia turnover reads both sides' declarations
(DOTS, to 2020), the reconciled BACI extract (2017-2023) and the cited GAC/FCS statements (to 2024); product
diversification reads BACI; energy volumes read China's customs, the EI Statistical Review and the stated volumes.
A series no shipped table gives (e.g. supplier concentration, which needs world trade by product) gets no rows, so
its claim is judged "insufficient data" and names the data that would decide.

Tables come in as a mapping from catalog dataset name to frame (`TABLES` lists the names); no I/O here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from bilateral.analysis import claims_evidence as ce
from bilateral.analysis.claims import (
    ChangeTest,
    Claim,
    EventsTest,
    Ledger,
    RankRunTest,
    ThresholdTest,
    check_claim,
    claimreview_jsonld,
)
from bilateral.analysis.evidence import RESTATEMENT, STATEMENT, Rating, Verdict
from bilateral.data.groups import group_members

# The ledger's China-Russia series (data/claims.yml, header): the pair, in the order the builders take it.
PAIR = ("CHN", "RUS")

# catalog dataset names the builders read (each a shipped table)
DOTS, BACI, HEADLINES, SHARE_RANK = "dots_trade", "baci_china_russia_hs6", "trade_headlines", "partner_share_rank"
ENERGY_HEADLINES, CUSTOMS_ENERGY, EI_FLOWS = "energy_headlines", "china_energy_imports", "russia_china_energy_flows"
PROJECTS, PEOPLE = "cooperation_projects", "people_exchanges"
TABLES = (DOTS, BACI, HEADLINES, SHARE_RANK, ENERGY_HEADLINES, CUSTOMS_ENERGY, EI_FLOWS, PROJECTS, PEOPLE)

Tables = Mapping[str, pl.DataFrame]
Built = list[tuple[str, pl.DataFrame]]  # (dataset name, evidence rows built from it)


def _turnover(tables: Tables) -> Built:
    a, b = PAIR
    built = []
    if DOTS in tables:
        built.append((DOTS, ce.turnover_evidence(tables[DOTS], a, b)))
    if BACI in tables:
        built.append((BACI, ce.turnover_evidence(tables[BACI], a, b)))
    if HEADLINES in tables:
        built.append((HEADLINES, ce.turnover_statements(tables[HEADLINES])))
    return built


def _diversification(tables: Tables) -> Built:
    return [(BACI, ce.diversification_evidence(tables[BACI], *PAIR))] if BACI in tables else []


def _energy(tables: Tables) -> Built:
    built = []
    if CUSTOMS_ENERGY in tables:
        built.append((CUSTOMS_ENERGY, ce.energy_volume_evidence(tables[CUSTOMS_ENERGY], None)))
    if EI_FLOWS in tables:
        built.append((EI_FLOWS, ce.energy_volume_evidence(None, tables[EI_FLOWS])))
    if ENERGY_HEADLINES in tables:
        built.append((ENERGY_HEADLINES, ce.energy_statements(tables[ENERGY_HEADLINES])))
    return built


def _people(tables: Tables) -> Built:
    return [(PEOPLE, ce.people_trips_evidence(tables[PEOPLE]))] if PEOPLE in tables else []


def _milestones(tables: Tables) -> Built:
    return [(PROJECTS, ce.milestone_evidence(tables[PROJECTS]))] if PROJECTS in tables else []


def _eaeu(tables: Tables) -> Built:
    if DOTS not in tables:
        return []
    members = group_members("EAEU")  # the cited reference table (data/reference/country_groups.yml)
    return [(DOTS, ce.group_turnover_evidence(tables[DOTS], "CHN", members, "china_eaeu_turnover_usd"))]


SERIES_BUILDERS: dict[str, Callable[[Tables], Built]] = {
    "turnover_usd": _turnover,
    "effective_products_hs6": _diversification,
    "crude_oil_russia_to_china_mt": _energy,
    "pipeline_gas_russia_to_china_bcm": _energy,
    "china_to_russia_trips": _people,
    "milestone": _milestones,
    "china_eaeu_turnover_usd": _eaeu,
}


def rank_built(test: RankRunTest, start: int, end: int, tables: Tables) -> Built:
    """Rank rows on both declared bases (with the reporter's unassigned trade) and the cited rank statements."""
    built = []
    if DOTS in tables:
        rows = ce.rank_evidence(tables[DOTS], test.among, test.entity, start, end)
        built.append((DOTS, ce.with_unassigned(rows, tables[DOTS], test.among)))
    if SHARE_RANK in tables:
        built.append((SHARE_RANK, ce.rank_statements(tables[SHARE_RANK], test.among, test.entity)))
    return built


def claim_series(claim: Claim) -> list[str]:
    """The evidence series a claim's test reads."""
    test = claim.test
    if isinstance(test, RankRunTest):
        return ["rank", "consecutive_years"]
    if isinstance(test, ChangeTest):
        return list(test.series)
    if isinstance(test, ThresholdTest | EventsTest):
        return [test.series]
    return []


@dataclass(frozen=True)
class ClaimResult:
    """One claim evaluated: its verdict (with the evidence table), the datasets whose rows are in that table, the
    series no shipped table gives, and whether its quote was found verbatim in the stored copy of its source."""

    claim: Claim
    verdict: Verdict
    datasets: tuple[str, ...] = ()
    missing_series: tuple[str, ...] = ()
    quote_check: str = "not checked"

    @property
    def pages(self) -> pl.DataFrame:
        """Every cited page in the evidence (statements, counted or not): publisher, page, role."""
        rows = self.verdict.evidence.filter(pl.col("kind") == STATEMENT)
        return rows.select(pl.col("source").alias("publisher"), "source_url", "role").unique(maintain_order=True)


def evaluate_claim(claim: Claim, tables: Tables, *, quote_check: str = "not checked") -> ClaimResult:
    """Build the claim's evidence from `tables` (only rows within its period), and judge it."""
    if not claim.checkable:
        return ClaimResult(claim, check_claim(claim, pl.DataFrame()), quote_check=quote_check)
    start, end = claim.period.start, claim.period.end
    if isinstance(claim.test, RankRunTest):
        built, missing = rank_built(claim.test, start, end, tables), []
    else:
        built, missing, seen = [], [], set()
        for series in claim_series(claim):
            builder = SERIES_BUILDERS.get(series)
            if builder is None:
                missing.append(series)
            elif builder not in seen:
                seen.add(builder)
                built += builder(tables)
    wanted = claim_series(claim)
    parts = [(name, rows.filter(pl.col("year").is_between(start, end))) for name, rows in built if rows.height]
    parts = [(name, rows) for name, rows in parts if rows.height]
    evidence = pl.concat([rows for _, rows in parts], how="vertical") if parts else pl.DataFrame()
    verdict = check_claim(claim, evidence)
    shown = {name for name, rows in parts if rows.filter(pl.col("series").is_in(wanted)).height}
    return ClaimResult(claim, verdict, tuple(sorted(shown)), tuple(missing), quote_check)


def evaluate_ledger(
    ledger: Ledger, tables: Tables, *, claim_id: str | None = None, quote_checks: Mapping[str, str] | None = None
) -> list[ClaimResult]:
    """Every claim of the ledger (or the one named `claim_id`), in ledger order."""
    chosen = [ledger.get(claim_id)] if claim_id else ledger.claims
    checks = quote_checks or {}
    return [evaluate_claim(c, tables, quote_check=checks.get(c.id, "not checked")) for c in chosen]


def quote_checks(ledger: Ledger, texts: Mapping[str, str]) -> dict[str, str]:
    """Per claim: 'verbatim in the stored copy', 'NOT verbatim in the stored copy' or 'not checked: ...'."""
    result = {}
    for claim in ledger.claims:
        text = texts.get(claim.source)
        if text is None:
            result[claim.id] = "not checked: no stored copy of the page"
        else:
            result[claim.id] = (
                "verbatim in the stored copy" if claim.quote in text else "NOT verbatim in the stored copy"
            )
    return result


# --- output ----------------------------------------------------------------------------------------------------

EVIDENCE_FIELDS = ("year", "series", "kind", "role", "source", "entity", "value", "unit", "reported_by", "side", "rival",
                   "margin_pct", "uncertainty_pct", "unassigned_pct", "date", "source_url", "quote", "note")  # fmt: skip


def evidence_records(rows: pl.DataFrame) -> list[dict[str, Any]]:
    """Evidence rows as JSON-ready dicts, null fields left out."""
    present = [c for c in EVIDENCE_FIELDS if c in rows.columns]
    return [{k: v for k, v in r.items() if v is not None} for r in rows.select(present).iter_rows(named=True)]


def result_record(result: ClaimResult, ledger: Ledger) -> dict[str, Any]:
    """One claim as the `claims check --format json` output shows it."""
    claim, verdict = result.claim, result.verdict
    source = ledger.source_of(claim)
    record: dict[str, Any] = {
        "id": claim.id, "quote": claim.quote, "speaker": claim.speaker, "said_on": claim.said_on, "said_at": claim.said_at,
        "source": {"publisher": source.publisher, "url": source.url, "date_published": source.date_published},
        "quote_check": result.quote_check, "checkable": claim.checkable,
    }  # fmt: skip
    if not claim.checkable:
        return record | {"verdict": None, "not_checkable_reason": claim.not_checkable_reason}
    return record | {
        "verdict": verdict.label,
        "rating": str(verdict.rating),
        "close_call": verdict.is_close,
        "why": verdict.why,
        "metric": claim.metric,
        "test": claim.test.plain,
        "period": {"start": claim.period.start, "end": claim.period.end},
        "years_tested_on_statistics": list(verdict.years_tested),
        "years_on_statements_only": list(verdict.years_on_statements),
        "years_untested": list(verdict.years_untested),
        "datasets": list(result.datasets),
        "series_without_shipped_data": list(result.missing_series),
        "decisive_data": claim.decisive_data,
        "pages": [{"publisher": p, "url": u, "role": r} for p, u, r in result.pages.iter_rows()],
        "evidence": evidence_records(verdict.evidence.filter(pl.col("role") != RESTATEMENT)),
        "restatements": evidence_records(verdict.restatements),
    }


def ledger_record(results: Iterable[ClaimResult], ledger: Ledger) -> dict[str, Any]:
    """The whole `--format json` document: reviewer, counts by verdict, and one record per claim."""
    results = list(results)
    counts = {str(rating): sum(r.verdict.rating == rating for r in results) for rating in Rating}
    return {
        "reviewer": ledger.reviewer.name,
        "claims": len(results),
        "by_rating": counts,
        "results": [result_record(r, ledger) for r in results],
    }


def claimreviews(results: Iterable[ClaimResult], ledger: Ledger, *, date_reviewed: dt.date) -> list[dict[str, Any]]:
    """schema.org ClaimReview for every checkable claim (a statement that is not about facts gets no review)."""
    return [
        claimreview_jsonld(r.claim, r.verdict, ledger, date_reviewed=date_reviewed)
        for r in results
        if r.claim.checkable
    ]
