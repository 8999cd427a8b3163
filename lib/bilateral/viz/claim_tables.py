"""The claims ledger as text: verdict badges, evidence tables and the summary, in Markdown and HTML.

Every evidence row says what it is (declared by whom, reconciled, or a statement with its page) and how the verdict
used it (counted, restatement, context); a statement the consistency check disputes says so, with the reason.
"""

from __future__ import annotations

import html

import polars as pl

from bilateral.analysis import labels
from bilateral.analysis.consistency import qualifier_of
from bilateral.analysis.evidence import Rating
from bilateral.analysis.quote_language import language_note
from bilateral.data.countries import country_name
from bilateral.viz import statement_tables, tables

# Badge colours: green / amber / red for the verdicts on facts, grey for the two that are not.
BADGE_COLORS = {
    Rating.SUPPORTED: "#1e7b34",
    Rating.PARTLY_SUPPORTED: "#a86500",
    Rating.CONTRADICTED: "#b02a2a",
    Rating.INSUFFICIENT_DATA: "#5f6b76",
    Rating.NOT_CHECKABLE: "#8a8f94",
}
SERIES_NAMES = {
    "rank": "rank", "consecutive_years": "consecutive years at rank 1 (stated)", "rank_half_year": "rank, half-year",
    "turnover_usd": "turnover", "effective_products_hs6": "effective number of HS6 products",
    "crude_oil_russia_to_china_mt": "crude oil, Russia to China", "pipeline_gas_russia_to_china_bcm": "pipeline gas, Russia to China",
    "china_to_russia_trips": "trips of Chinese citizens to Russia", "milestone": "project milestone",
    "china_eaeu_turnover_usd": "China's turnover with the EAEU members",
}  # fmt: skip


def badge_html(label: str, rating: Rating) -> str:
    """An inline badge (coloured box with the verdict) that needs no stylesheet."""
    color = BADGE_COLORS.get(rating, "#5f6b76")
    return (
        f'<span class="claim-verdict" style="display:inline-block;padding:2px 10px;border-radius:10px;'
        f'background:{color};color:#fff;font-weight:600;font-size:0.9em">{html.escape(label)}</span>'
    )


def format_value(value: float | None, unit: str | None, series: str | None = None) -> str:
    """A value with its unit as a reader expects it: US$ in billions, ranks as whole numbers."""
    if value is None:
        return "–"
    if unit == "US$":
        return f"US$ {value / 1e9:,.2f} bn"
    if unit == "rank" or series == "rank":
        return f"{value:.0f}"
    if series == "consecutive_years" or unit == "years":
        return f"{value:.0f} years"
    if unit in ("Mt", "bcm"):
        return f"{value:,.2f} {unit}"
    if unit == "products":
        return f"{value:,.1f}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def shown_value(row: dict) -> str:
    """An evidence row's value as a reader should see it: with the quote's qualifier for a stated amount ("around
    US$ 29.00 bn"), the entity for an event without a value."""
    if row["value"] is None:
        return labels.label(row.get("entity")) if row.get("entity") else "–"
    stated = row["kind"] == "statement"
    stated_usd = stated and row["unit"] == "US$"
    # a stated amount keeps the digits its page printed (146.887, not 146.89; "around 29", not 29.00; 15.1 bcm)
    if stated_usd:
        text = f"US$ {tables.as_printed(row['value'] / 1e9)} bn"
    elif stated and row["unit"] in ("Mt", "bcm"):
        text = f"{tables.as_printed(row['value'])} {row['unit']}"
    else:
        text = format_value(row["value"], row["unit"], row["series"])
    word = qualifier_of(row.get("quote"), row["value"]) if stated_usd else None
    return f"{word} {text}" if word else text


def who(row: dict) -> str:
    """Whose figure: 'declared by Russia', 'partners' mirror', 'reconciled', or the side a statement speaks for."""
    if row["kind"] == "declared":
        return (
            "each partner (mirror)"
            if row["reported_by"] == "PARTNERS"
            else f"declared by {country_name(row['reported_by'])}"
        )
    if row["kind"] == "reconciled":
        return "reconciled"
    return f"statement ({country_name(row['side'])} side)" if row.get("side") else "statement (independent)"


def evidence_markdown(evidence: pl.DataFrame, disputed: pl.DataFrame | None = None) -> str:
    """The evidence table: one row per figure with what it is, how the verdict used it, and its page or dataset."""
    if evidence.is_empty():
        return "_No evidence row: the shipped data has no figure for this test in the claim's period._"
    rows = []
    for r in evidence.sort("series", "year", "kind", "source").iter_rows(named=True):
        note = r["note"] or ""
        if r["series"] == "rank" and r.get("rival"):
            note = (
                f"nearest rival {country_name(r['rival'])}, margin {r['margin_pct']:+.1f}%"
                + (f", sources' gap {r['uncertainty_pct']:.1f}%" if r["uncertainty_pct"] is not None else "")
                + (
                    f", unassigned trade {r['unassigned_pct']:.0f}% of the rival's"
                    if r.get("unassigned_pct") is not None
                    else ""
                )
            )
        reason = _dispute(r, disputed)
        if reason:
            note = f"**disputed**: {reason}" + (f"; {note}" if note else "")
        where = statement_tables.page_link(r["source_url"]) if r["source_url"] else labels.label(r["source"])
        stated = f" “{tables.shorten(r['quote'], 90)}”" if r["quote"] else ""
        language = language_note(r["quote"]) if r["kind"] == "statement" else None
        stated += f" ({language})" if language else ""
        rows.append({
            "year": str(r["date"] or r["year"]), "series": SERIES_NAMES.get(r["series"]) or labels.label(r["series"]),
            "value": shown_value(r),
            "who": who(r), "role": r["role"], "source": f"{labels.label(r['source'])}{stated}", "page": where,
            "note": labels.humanise(note) if note else "",
        })  # fmt: skip
    frame = pl.DataFrame(rows)
    headers = {"year": "Year", "series": "Series", "value": "Value", "who": "Whose figure", "role": "Used as",
               "source": "Source (as stated)", "page": "Page or dataset", "note": "Note"}  # fmt: skip
    return tables.markdown_table(frame, headers)


def _dispute(row: dict, disputed: pl.DataFrame | None) -> str | None:
    if disputed is None or disputed.is_empty() or row["kind"] != "statement" or row["value"] is None:
        return None
    match = disputed.filter(
        (pl.col("year") == row["year"])
        & (pl.col("source_url") == row["source_url"])
        & (pl.col("unit") == row["unit"])
        & ((pl.col("value") - row["value"]).abs() <= 1e-9 * abs(row["value"]))
    )
    return "; ".join(dict.fromkeys(match.get_column("reason").to_list())) or None


def summary_markdown(records: list[dict]) -> str:
    """One row per checkable claim: id, who said it, verdict and the sentence of why."""
    frame = pl.DataFrame(
        [
            {"id": r["id"], "speaker": r["speaker"], "verdict": r["verdict"], "why": r["why"]}
            for r in records
            if r["checkable"]
        ],
        schema={"id": pl.String, "speaker": pl.String, "verdict": pl.String, "why": pl.String},
    )
    return tables.markdown_table(frame, {"id": "Claim", "speaker": "Said by", "verdict": "Verdict", "why": "Why"})


def not_checkable_markdown(records: list[dict]) -> str:
    """Statements that are not about facts: the quote and the reason, and no verdict."""
    frame = pl.DataFrame(
        [
            {"id": r["id"], "quote": f"“{r['quote']}”", "reason": r["not_checkable_reason"]}
            for r in records
            if not r["checkable"]
        ],
        schema={"id": pl.String, "quote": pl.String, "reason": pl.String},
    )
    return tables.markdown_table(frame, {"id": "Statement", "quote": "Quote", "reason": "Why no verdict"})
