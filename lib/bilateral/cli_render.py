"""What `bilateral claims check` and `bilateral data check` print: rich tables for people, JSON for programs.

Kept apart from cli.py so the command module stays a thin list of commands.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bilateral.analysis import claims_run, consistency
from bilateral.analysis.claims import Ledger
from bilateral.analysis.claims_run import ClaimResult
from bilateral.analysis.evidence import RESTATEMENT
from bilateral.viz.claim_tables import SERIES_NAMES, shown_value, who

CLAIM_FORMATS = ("table", "json", "claimreview")
CHECK_FORMATS = ("table", "json")


def write_json(document: Any) -> None:
    """JSON to stdout as is (never through rich, which would wrap or colour it)."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def claims_json(results: list[ClaimResult], ledger: Ledger) -> None:
    write_json(claims_run.ledger_record(results, ledger))


def claimreview_json(results: list[ClaimResult], ledger: Ledger) -> None:
    write_json(claims_run.claimreviews(results, ledger, date_reviewed=dt.date.today()))


def claims_table(out: Console, results: list[ClaimResult], ledger: Ledger) -> None:
    """A summary table, then per claim: quote, test, verdict and why, evidence table, datasets, pages."""
    summary = Table("claim", "verdict", "why", show_lines=True, title="Claims ledger")
    for r in results:
        summary.add_row(r.claim.id, r.verdict.label, r.verdict.why)
    out.print(summary)
    for r in results:
        out.print()
        out.print(Text.assemble((r.claim.id, "bold"), f" — {r.verdict.label}"))
        plain = {"markup": False, "highlight": False}
        out.print(f"“{r.claim.quote}” ({r.claim.speaker}, {r.claim.said_on}; quote {r.quote_check})", **plain)
        if not r.claim.checkable:
            out.print(f"Not checkable: {r.claim.not_checkable_reason}", **plain)
            continue
        out.print(f"Test: {r.claim.test.plain}", **plain)
        out.print(f"Why: {r.verdict.why}", **plain)
        out.print(_evidence_table(r.verdict.evidence))
        out.print(f"Datasets: {', '.join(r.datasets) or 'none'}", **plain)
        for publisher, url, role in r.pages.iter_rows():
            out.print(f"  page: {publisher}: {url} ({role})", **plain)
        restated = r.verdict.evidence.filter(pl.col("role") == RESTATEMENT).height
        out.print(f"Restatements by the claimant's side (shown, not counted): {restated}", **plain)


def _evidence_table(evidence: pl.DataFrame) -> Table:
    table = Table("year", "series", "value", "whose figure", "used as", title="Evidence", title_justify="left")
    table.add_column("page or dataset", overflow="fold")
    for row in evidence.sort("series", "year", "kind").iter_rows(named=True):
        table.add_row(str(row["date"] or row["year"]), SERIES_NAMES.get(row["series"], row["series"]), shown_value(row), who(row), row["role"],
                      row["source_url"] or row["source"])  # fmt: skip
    if not evidence.height:
        table.add_row("–", "no figure in the claim's period", "", "", "", "")
    return table


def findings_json(findings: pl.DataFrame) -> None:
    bad = findings.filter(pl.col("is_inconsistent"))
    write_json({
        "inconsistencies": bad.height,
        "minor_differences": findings.height - bad.height,
        "allowances_pct": {"revisions": consistency.REVISION_ALLOWANCE_PCT, "declared": consistency.DECLARED_ALLOWANCE_PCT},
        "findings": findings.to_dicts(),
    })  # fmt: skip


def findings_table(out: Console, findings: pl.DataFrame) -> None:
    """Inconsistencies with both sources (full page addresses), then a count of minor differences."""
    bad = findings.filter(pl.col("is_inconsistent"))
    plain = {"markup": False, "highlight": False}
    out.print(Text(f"Cited figures: {bad.height} inconsistencies", style="bold"))
    for n, row in enumerate(bad.iter_rows(named=True), start=1):
        out.print(f"{n:>3}. [{consistency.CHECKS[row['check']]}] {row['explanation']}", **plain)
        out.print(f"     page: {row['source_url']}", **plain)
        out.print(f"     other: {row['other_source_url'] or row['other_publisher'] or ''}", **plain)
    minor = findings.height - bad.height
    out.print(
        f"{minor} minor differences (beyond the printed rounding but within {consistency.REVISION_ALLOWANCE_PCT:g}% between "
        f"statements or {consistency.DECLARED_ALLOWANCE_PCT:g}% against declared statistics) are not listed; "
        "`--format json` gives every finding. Nothing is corrected: both figures stay as cited.",
        **plain,
    )
