"""Build the claims report: the ledger as a page, one section per claim, a summary on top, ClaimReview embedded.

Each checkable claim gets its verdict badge, the test in plain words, the one sentence of why, a chart of the
evidence (statistics as lines, statements apart, restatements greyed and marked "not counted"), the evidence table
and its datasets and pages. Statements that are not about facts are listed with the reason and no verdict. Cited
figures the consistency check disputes are marked in the evidence tables, with the reason, and listed at the end.
The schema.org ClaimReview of every checkable claim is embedded as JSON-LD, the format fact-checkers publish in.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from bilateral.analysis import claims_run, consistency, labels
from bilateral.analysis.claims import EventsTest, Ledger, ThresholdTest
from bilateral.analysis.claims_run import ClaimResult
from bilateral.analysis.evidence import RESTATEMENT, SUBSTANTIVE, Rating, year_list
from bilateral.data import catalog
from bilateral.reports import claims_data
from bilateral.reports.pages import KeyNumber, method_text
from bilateral.reports.params import ClaimsParams
from bilateral.viz import claim_charts, claim_tables, tables


@dataclass
class ClaimSection:
    """One claim as the page shows it, in reading order."""

    claim_id: str
    heading: str
    badge: str  # HTML
    text: str  # Markdown: who said it, the test, the verdict and why, the measure and proxy, the years
    chart: Any | None
    evidence: str  # Markdown table
    sources: str  # Markdown
    evidence_rows: pl.DataFrame | None = None  # the evidence as the verdict used it (the CSV download)

    def header_html(self) -> str:
        return f'<h3 id="{html.escape(self.claim_id)}">{html.escape(self.heading)}</h3>\n<p>{self.badge}</p>'


@dataclass
class ClaimsPage:
    """What the claims report shows."""

    title: str
    answer: str
    summary: str
    not_checkable: str
    sections: list[ClaimSection] = field(default_factory=list)
    disputed: tables.Table | str = ""
    claimreviews: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    key_numbers: list[KeyNumber] = field(default_factory=list)
    method: str = ""
    has_data: bool = True  # a ledger always has statements to show, tested or not

    def overview_markdown(self) -> str:
        return f"{self.answer}\n\n### Verdicts\n\n{self.summary}"

    def not_checkable_markdown(self) -> str:
        return (
            f"### Statements that are not about facts (no verdict)\n\n{self.not_checkable}"
            if self.not_checkable
            else ""
        )

    def closing_markdown(self) -> str:
        notes = "### Caveats\n\n" + "\n".join(f"- {n}" for n in self.notes)
        return notes + "\n\n### Sources\n\n" + "\n\n".join(self.sources)

    def jsonld_html(self) -> str:
        """The ClaimReviews as a <script type="application/ld+json"> element (invisible; read by machines)."""
        text = json.dumps(self.claimreviews, ensure_ascii=False, indent=1).replace("</", "<\\/")
        return f'<script type="application/ld+json">\n{text}\n</script>'


def build(params: ClaimsParams, *, date_reviewed: dt.date | None = None) -> ClaimsPage:
    """The page for `params` on the shipped data."""
    ledger, results = claims_data.evaluate(params)
    findings = claims_data.data_check()
    disputed = consistency.disputed_statements(findings)
    records = [claims_run.result_record(r, ledger) for r in results]
    page = ClaimsPage(
        title=params.title(),
        answer=_answer(results),
        summary=claim_tables.summary_markdown(records),
        not_checkable=claim_tables.not_checkable_markdown(records) if any(not r["checkable"] for r in records) else "",
        sections=[_section(r, ledger, disputed) for r in results if r.claim.checkable],
        disputed=_disputed_table(findings),
        claimreviews=claims_run.claimreviews(results, ledger, date_reviewed=date_reviewed or dt.date.today()),
        notes=NOTES,
        sources=[catalog.citation(s) for s in params.sources()],
    )
    page.method = method_text("claims")
    page.key_numbers = _key_numbers(results)
    return page


def _claims(count: int) -> str:
    return "claim" if count == 1 else "claims"


def _key_numbers(results: list[ClaimResult]) -> list[KeyNumber]:
    """How many checkable claims were tested and how many got each verdict (counts of statements)."""
    checkable = [r for r in results if r.claim.checkable]
    if not checkable:
        return []
    said = sorted({r.claim.said_on[:4] for r in checkable})
    years = said[0] if len(said) == 1 else f"{said[0]}–{said[-1]}"
    counted = "computed"  # counts of the ledger's verdicts, derived by the workbench
    numbers = [KeyNumber("Checkable claims tested", len(checkable), "of " + _claims(len(results)), years, counted,
                         digits=0, by="from the claims ledger")]  # fmt: skip
    for rating in Rating:
        count = sum(r.verdict.rating == rating for r in checkable)
        if count and rating != Rating.NOT_CHECKABLE:
            numbers.append(KeyNumber(str(rating).capitalize(), count, _claims(count), years, counted, digits=0,
                                     by="from the evidence"))  # fmt: skip
    return numbers


NOTES = [
    "A statement is what a page said; declared figures are a customs service's own statistics (each side declares "
    "its own: exports FOB, imports CIF); reconciled figures are CEPII BACI's single estimate from both. Tables and "
    "charts say which each figure is.",
    "A statement by the claimant's side repeating the claim is a restatement: shown, never counted as evidence.",
    "Years after the statistics end (IMF DOTS: 2020; BACI extract: 2023) rest on statements only, and each verdict says so.",
    "A close call is a margin within the sources' own disagreement, or smaller than the trade the declarant left "
    "unassigned to any partner (IMF DOTS 'Countries & Areas not specified': Russia's exports, 2009-2011).",
    "The verdicts test proxies chosen in data/claims.yml (the metric and why that proxy are shown per claim); a "
    "different proxy may give a different verdict.",
]


def _answer(results: list[ClaimResult]) -> str:
    checkable = [r for r in results if r.claim.checkable]
    counts = {
        rating: sum(r.verdict.rating == rating for r in checkable)
        for rating in Rating
        if rating != Rating.NOT_CHECKABLE
    }
    close = sum(r.verdict.is_close and r.verdict.rating in SUBSTANTIVE for r in checkable)
    parts = [f"{n} {rating}" for rating, n in counts.items() if n]
    text = (
        f"**{len(checkable)} checkable claim{'s' if len(checkable) != 1 else ''} tested against independent evidence: "
        f"{', '.join(parts) or 'none'}"
        + (
            f"; {close} of the verdicts on facts {'are close calls' if close != 1 else 'is a close call'}"
            if close
            else ""
        )
        + ".**"
    )
    others = len(results) - len(checkable)
    if others:
        text += f" {others} statement{'s are' if others != 1 else ' is'} not about facts and get{'s' if others == 1 else ''} no verdict."
    return text + (
        " Verdicts rest on declared statistics (IMF DOTS, China's customs) and reconciled estimates (CEPII BACI, "
        "the EI Statistical Review) wherever they exist; statements fill only the years the statistics do not cover."
    )


def _section(result: ClaimResult, ledger: Ledger, disputed: pl.DataFrame) -> ClaimSection:
    claim, verdict = result.claim, result.verdict
    source = ledger.source_of(claim)
    years = [
        f"tested on statistics: {year_list(verdict.years_tested)}",
        f"on statements only: {year_list(verdict.years_on_statements)}",
        f"no independent evidence: {year_list(verdict.years_untested)}",
    ]
    text = (
        f"“{claim.quote}” — {claim.speaker}, {claim.said_at}, {claim.said_on} "
        f"([{source.publisher}]({source.url}); quote {result.quote_check}).\n\n"
        f"**The test.** {claim.test.plain}\n\n**Verdict: {verdict.label}.** {verdict.why}\n\n"
        f"**Measure.** {claim.metric} **Why this proxy.** {claim.why_this_proxy}\n\n"
        f"**Years {claim.period.start}–{claim.period.end}.** {'; '.join(years)}."
    )
    if claim.decisive_data and verdict.rating != Rating.SUPPORTED:
        text += f"\n\n**Data that would decide.** {claim.decisive_data}"
    if result.missing_series:
        text += f"\n\n**Not in the shipped data:** {', '.join(labels.label(x) for x in result.missing_series)}."
    chart = claim_charts.evidence_chart(
        verdict.evidence, title=f"Evidence: {claim.metric}", source_note=_chart_note(result),
        threshold=claim.test.threshold if isinstance(claim.test, ThresholdTest) else None,
        window=(claim.test.from_date, claim.test.to_date) if isinstance(claim.test, EventsTest) else None,
    )  # fmt: skip
    restated = verdict.evidence.filter(pl.col("role") == RESTATEMENT).height
    evidence = (
        f"**Evidence table** ({verdict.evidence.height} rows; {restated} restatement{'s' if restated != 1 else ''} shown, "
        "not counted).\n\n" + claim_tables.evidence_markdown(verdict.evidence, disputed)
    )
    return ClaimSection(claim.id, f"{claim.id}: “{tables.shorten(claim.quote, 90)}”", claim_tables.badge_html(verdict.label, verdict.rating),
                        text, chart, evidence, _sources(result), verdict.evidence)  # fmt: skip


def _chart_note(result: ClaimResult) -> str:
    names = ", ".join(result.datasets) or "no dataset"
    if isinstance(result.claim.test, EventsTest):
        return f"Data: {names}. Red: milestones from pages counted; grey: restatements by the claimant's side (not counted)."
    return (
        f"Data: {names}. Lines: statistics (gaps are years without data). Red diamonds (left of the year): statements "
        "counted; grey crosses (right of the year): restatements by the claimant's side, not counted."
    )


def _sources(result: ClaimResult) -> str:
    lines = []
    for name in result.datasets:
        dataset = catalog.get(name)
        lines.append(f"- Dataset `{name}` (data/raw/{dataset.source}): {catalog.source_record(dataset.source).title}")
    pages = result.pages
    for publisher, url, role in pages.iter_rows():
        lines.append(f"- {publisher}: <{url}> ({role})")
    return "**Datasets and pages**\n\n" + ("\n".join(lines) if lines else "- none: no figure in the claim's period")


def _disputed_table(findings: pl.DataFrame) -> tables.Table | str:
    bad = findings.filter(pl.col("is_inconsistent"))
    if bad.is_empty():
        return "No cited figure disagrees with another or with the statistics beyond rounding and revisions."
    shown = bad.with_columns(
        pl.col("check").replace_strict(consistency.CHECKS).alias("what"),
        pl.col("other_source_url").fill_null(pl.col("other_publisher")).alias("other"),
    )
    return tables.Table(
        shown,
        {
            "year": "Year",
            "what": "Check",
            "explanation": "Finding",
            "source_url": "Page",
            "other": "Other page or dataset",
        },
        intro=f"{bad.height} inconsistencies among the cited China–Russia trade and energy figures (`bilateral data check` lists them "
        "with the minor differences). Both figures are shown; none is corrected. Statements named here are marked "
        "*disputed* in the evidence tables above.",
    )
