"""Build the partner_ranking report: where a partner ranks among a reporter's partners, year by year.

Data first: the reporter's own declarations (turnover, and exports and imports alone) and the partners'
mirror declarations rank every partner in every year the source has; the leader, the runner-up and the
margin show how safe each year's ranking is, and a lead smaller than the two sides' disagreement is called
close. Cited statements are drawn beside the data as statements (their own mark, their page in the
tooltip), never joined to the data line, so years after the data end are visibly statements only.
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis import labels, ranking
from bilateral.data import catalog
from bilateral.data.countries import country_name
from bilateral.data.trade_flows import scan_trade_flows, source_label
from bilateral.reports.pages import KeyNumber, Page, method_text
from bilateral.reports.params import CITED, PartnerRankingParams
from bilateral.viz import rank_charts, statement_tables, tables

MEASURE_LABELS = {"turnover": "exports + imports", "exports": "exports", "imports": "imports"}


def build(params: PartnerRankingParams) -> Page:
    """The page for `params`; source=cited shows statements only, any other source computes ranks from data."""
    reporter, partner = country_name(params.reporter), country_name(params.partner)
    in_window = pl.col("year").is_between(params.start_year, params.end_year)
    statements = ranking.cited_ranking(catalog.load("partner_share_rank"), params.reporter, params.partner).filter(
        in_window
    )
    page = Page(
        title=params.title(), answer="", has_data=False, sources=[catalog.citation(f) for f in params.sources()]
    )
    page.method = method_text("partner_ranking")
    if params.source != CITED:
        _add_declared(page, params, statements, reporter, partner)
    elif not statements.is_empty():
        page.has_data = True
        page.answer = ranking.cited_findings(statements, partner, reporter)
        page.add_chart("Rank and share as stated", lambda: rank_charts.position_chart(
            pl.DataFrame(schema=rank_charts.SERIES_SCHEMA),
            statements,
            title=f"{partner} among {reporter}'s partners, as stated",
            source_note="Source: cited statements (page and quote in each tooltip).",
        ))  # fmt: skip
    if not statements.is_empty():
        page.tables["Cited statements"] = tables.Table(
            statements,
            {
                "year": "Year",
                "measure": "Measure",
                "value": "Value",
                "basis": "Basis",
                "publisher_named": "Publisher",
                "source_url": "Page",
            },
            {
                "value": tables.as_printed,
                "measure": labels.label,
                "basis": labels.humanise,
                "source_url": statement_tables.page_link,
            },
            intro="Every full-year statement with its basis and page. Statements are what a page said, not data.",
        )
    if not page.has_data:
        page.answer = _no_data(params, reporter, partner)
    elif params.source == CITED:
        page.key_numbers = _stated_key_numbers(statements, partner, reporter)
    page.notes = _notes(params)
    return page


def _stated_key_numbers(statements: pl.DataFrame, partner: str, reporter: str) -> list[KeyNumber]:
    """The latest stated rank and share (statements: what a page said for that year)."""
    numbers = []
    for measure, (unit, digits) in {"rank": ("", 0), "share_pct": (f"% of {reporter}'s trade", 1)}.items():
        rows = statements.filter((pl.col("measure") == measure) & pl.col("value").is_not_null()).sort("year")
        if not rows.is_empty():
            last = rows.row(-1, named=True)
            label = f"{partner}'s {'rank' if measure == 'rank' else 'share'}"
            numbers.append(KeyNumber(label, last["value"], unit, str(last["year"]), "statement", digits=digits))
    return numbers


def _declared_key_numbers(turnover: pl.DataFrame, partner_iso3: str, partner: str, reporter: str) -> list[KeyNumber]:
    """The partner's rank and share of the reporter's trade in the last year, by the reporter's declarations."""
    own = turnover.filter((pl.col("partner_iso3") == partner_iso3) & pl.col("rank").is_not_null()).sort("year")
    if own.is_empty():
        return []
    last = own.row(-1, named=True)
    year = str(last["year"])
    numbers = [
        KeyNumber(
            f"{partner}'s rank among {reporter}'s partners",
            last["rank"],
            "",
            year,
            "declared",
            digits=0,
            by=f"by {reporter}",
        )
    ]
    if last["share_pct"] is not None:
        numbers.append(
            KeyNumber(
                f"{partner}'s share",
                last["share_pct"],
                f"% of {reporter}'s trade",
                year,
                "declared",
                by=f"by {reporter}",
            )
        )
    if last["turnover_usd"] is not None:
        numbers.append(
            KeyNumber(
                f"Trade with {partner}", last["turnover_usd"] / 1e9, "US$ bn", year, "declared", by=f"by {reporter}"
            )
        )
    return numbers


def _add_declared(
    page: Page, params: PartnerRankingParams, statements: pl.DataFrame, reporter: str, partner: str
) -> None:
    about_reporter = (pl.col("reporter_iso3") == params.reporter) | (pl.col("partner_iso3") == params.reporter)
    flows = scan_trade_flows(params.source, snapshot=params.snapshot_name).filter(about_reporter).collect()
    span = (params.start_year, params.end_year)
    own = {m: ranking.ranking_from_flows(flows, params.reporter, *span, measure=m) for m in ranking.MEASURES}
    mirror = ranking.ranking_from_flows(flows, params.reporter, *span, view="mirror")
    if own["turnover"].filter(pl.col("partner_iso3") == params.partner).is_empty():
        return
    page.has_data = True
    label = source_label(params.source)
    lead = ranking.leaders(own["turnover"], mirror)
    page.answer = ranking.position_findings(
        own["turnover"],
        lead,
        statements,
        reporter_iso3=params.reporter,
        partner_iso3=params.partner,
        source_label=label,
    )
    page.key_numbers = _declared_key_numbers(own["turnover"], params.partner, partner, reporter)
    series = rank_charts.position_series(
        {f"Declared by {reporter}": own["turnover"], "Declared by partners (mirror)": mirror}, params.partner
    )
    page.add_chart(f"{partner}'s rank and share among {reporter}'s partners", lambda: rank_charts.position_chart(
        series,
        statements,
        title=f"{partner} among {reporter}'s trading partners (exports + imports)",
        source_note=f"Source: {label}; statements from cited pages (hollow diamonds). Gaps are years without data.",
    ))  # fmt: skip
    page.tables["Leader and runner-up each year"] = _leaders_table(lead, reporter)
    page.tables[f"{partner} by direction"] = _directions_table(own, params.partner, reporter)
    last_year = int(own["turnover"].get_column("year").max())
    top = (
        own["turnover"]
        .filter((pl.col("year") == last_year) & (pl.col("rank") <= 10))
        .with_columns(pl.col("partner_iso3").map_elements(country_name, return_dtype=pl.String).alias("partner_name"))
    )
    page.tables[f"{reporter}'s ten largest partners in {last_year}"] = tables.Table(
        top, {"rank": "Rank", "partner_name": "Partner", "turnover_usd": "US$ bn", "share_pct": "Share %", "directions": "Directions reported"},
        {"turnover_usd": tables.usd_bn, "share_pct": tables.pct_plain},
    )  # fmt: skip


def _leaders_table(lead: pl.DataFrame, reporter: str) -> tables.Table:
    shown = lead.with_columns(
        pl.col("leader_iso3").map_elements(country_name, return_dtype=pl.String).alias("leader"),
        pl.col("runner_up_iso3").map_elements(country_name, return_dtype=pl.String).alias("runner_up"),
        pl.col("close_call")
        .replace_strict({True: "close", False: "", None: "unknown"}, default="", return_dtype=pl.String)
        .alias("call"),
    )
    return tables.Table(
        shown,
        {"year": "Year", "leader": "Leader", "leader_usd": "US$ bn", "runner_up": "Runner-up", "runner_up_usd": "US$ bn ",
         "margin_pct": "Lead %", "disagreement_pct": "Sources' gap %", "unallocated_usd": "Unassigned US$ bn", "call": "Call"},
        {"leader_usd": tables.usd_bn, "runner_up_usd": tables.usd_bn, "margin_pct": tables.pct_plain,
         "disagreement_pct": tables.pct_plain, "unallocated_usd": tables.usd_bn},
        intro=f"By {reporter}'s declarations (exports + imports). *Close*: the partners' own declarations of the same trade "
        "could reverse the lead (the leader's lower declared value is not above the runner-up's higher one). "
        "*Sources' gap*: the larger of the two partners' differences between the two declarations. *Unassigned*: trade "
        f"{reporter} declared with the world but with no listed partner (world total minus the partners' sum).",
    )  # fmt: skip


def _directions_table(own: dict[str, pl.DataFrame], partner_iso3: str, reporter: str) -> tables.Table:
    frames = [
        frame.filter(pl.col("partner_iso3") == partner_iso3).select(
            "year", pl.col("rank").alias(f"rank_{m}"), pl.col("share_pct").alias(f"share_{m}")
        )
        for m, frame in own.items()
    ]
    joined = frames[0]
    for frame in frames[1:]:
        joined = joined.join(frame, on="year", how="full", coalesce=True, validate="1:1")
    return tables.Table(
        joined.sort("year"),
        {"year": "Year", "rank_turnover": "Rank (both)", "share_turnover": "Share %", "rank_exports": "Rank (exports)",
         "share_exports": "Share %", "rank_imports": "Rank (imports)", "share_imports": "Share % "},
        {"share_turnover": tables.pct_plain, "share_exports": tables.pct_plain, "share_imports": tables.pct_plain},
        intro=f"Rank and share of {reporter}'s total for each direction, as {reporter} declares it.",
    )  # fmt: skip


def _no_data(params: PartnerRankingParams, reporter: str, partner: str) -> str:
    return (
        f"**No rank or share of {partner} among {reporter}'s partners, {params.start_year}–{params.end_year}.** "
        f"The selected source ({labels.label(params.source)}) has none, so this report shows no chart. IMF DOTS (`source=imf_dots`) "
        "covers every reporter to 2020; cited statements cover China and Russia only; for later years fetch every "
        f"partner of the reporter, e.g. `bilateral data fetch imf --reporter {params.reporter} "
        f"--years {params.start_year}-{params.end_year}`, then run with `-p source=imf`."
    )


def _notes(params: PartnerRankingParams) -> list[str]:
    notes = [
        "A rank from cited statements is what the page said for that year; years without a statement are gaps, not changes of rank.",
        "Statements are drawn apart from the data (hollow diamonds) and are never joined to the data line.",
    ]
    if params.source != CITED:
        notes += [
            "Own declarations value exports FOB and imports CIF; partners' mirror declarations value the same trade the "
            "other way round, and differ also by timing, re-exports and partner attribution. Neither is 'right'.",
            "Partner codes follow each publisher's conventions (docs/data.md: Taiwan, areas not specified).",
        ]
    if params.source == "imf_dots":
        notes.append(
            "IMF DOTS ends in 2020 and is one download of early 2022, not the current vintage; some values are IMF estimates."
        )
    return notes
