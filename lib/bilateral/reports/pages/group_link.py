"""Build the group_link report: a country's trade with a group (China and the EAEU) and its split by member.

source=cited: one cited figure per member and year (docs/decisions/0003). A declared source (IMF DOTS
shipped, or a fetched IMF/Comtrade snapshot): the reporter's declared exports plus imports with each member;
the cited member figures and group totals stay on the page as statements, so the years after the data end
(DOTS: 2021 on) are answered by statements, visibly, and never joined to the data.
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis import group_link, labels, trade
from bilateral.data import catalog
from bilateral.data.countries import country_name
from bilateral.data.groups import group_members
from bilateral.data.trade_flows import load_trade_flows, source_label
from bilateral.reports.pages import KeyNumber, Page, method_text
from bilateral.reports.params import CITED, GroupLinkParams
from bilateral.viz import charts, statement_tables, tables


def build(params: GroupLinkParams) -> Page:
    members = group_members(params.group)
    names = {code: country_name(code) for code in members}
    reporter = country_name(params.reporter)
    span = (params.start_year, params.end_year)
    registry = catalog.load("eaeu_trade_statements")
    cited_for_reporter = registry if params.reporter == "CHN" else registry.clear()  # the statements are China's trade
    cited_members = _cited_member_turnover(params, cited_for_reporter, members).filter(pl.col("year").is_between(*span))
    cited_totals = group_link.group_statements(cited_for_reporter, params.group).filter(
        pl.col("year").is_between(*span)
    )
    page = Page(
        title=params.title(), answer="", has_data=False, sources=[catalog.citation(f) for f in params.sources()]
    )
    page.method = method_text("group_link")
    if params.source == CITED:
        member_turnover = cited_members
        note = "Sources: cited statements (customs, officials) per bar; see tooltips and the sources section."
    else:
        flows = load_trade_flows(params.source, snapshot=params.snapshot_name, reporters=[params.reporter])
        member_turnover = group_link.turnover_from_flows(flows, params.reporter, members, *span)
        note = f"Source: {source_label(params.source)}, declared by {reporter}; cited group totals as diamonds (statements)."
    totals = group_link.group_totals(member_turnover, members)
    shares = group_link.member_shares(member_turnover, totals)
    page.has_data = member_turnover.height > 0
    if not page.has_data:
        page.answer = (
            f"**No figures for {reporter}'s trade with the {params.group} members, {params.start_year}–{params.end_year}.** "
            f"The selected source ({labels.label(params.source)}) has none, so this report shows no chart. IMF DOTS (`source=imf_dots`) "
            "covers every reporter to 2020; cited statements cover China and the EAEU only; for later years fetch official "
            f"statistics, e.g. `bilateral data fetch imf --reporter {params.reporter} --years {params.start_year}-{params.end_year}`."
        )
    else:
        page.answer = group_link.group_findings(totals, shares, reporter, params.group, names)
        page.key_numbers = _key_numbers(totals, shares, params, names)
        if params.source != CITED:
            page.answer += group_link.after_data_sentence(member_turnover, cited_members, names, members)
        page.add_chart(f"{reporter}'s trade with the {params.group} members, US$ bn", lambda: charts.group_chart(
            member_turnover.with_columns(pl.col("partner_iso3").replace_strict(names).alias("member")),
            cited_totals,
            source_note=note,
            title=f"{reporter}'s turnover with each {params.group} member, US$ billion",
        ))  # fmt: skip
        table = shares.join(
            totals.select("year", "members_covered"), on="year", how="left", validate="m:1"
        ).with_columns(pl.col("partner_iso3").replace_strict(names).alias("member"))
        page.tables["Members, year by year"] = tables.Table(
            table,
            {"year": "Year", "member": "Member", "turnover_usd": "US$ bn", "qualifier": "As stated", "share_pct": "Share of covered %",
             "members_covered": "Covered", "basis": "Basis", "source_url": "Source"},
            {"turnover_usd": tables.usd_bn, "share_pct": tables.pct_plain, "basis": _basis, "source_url": _source},
            intro="Turnover (exports plus imports) in US$ billion, the member's share of the members covered that year, and the "
            "basis of each figure. *Covered* says how many of the group's members have a figure; a share is a share of those, "
            "which overstates it when members are missing.",
        )  # fmt: skip
    statements = group_link.member_statements(cited_for_reporter, members).filter(pl.col("year").is_between(*span))
    if not statements.is_empty():
        page.tables["Every cited member figure (statements)"] = tables.Table(
            statements,
            {"year": "Year", "partner_name": "Member", "value_text": "US$ bn (as stated)", "basis": "Basis",
             "publisher_named": "Publisher", "source_url": "Page"},
            {"basis": _basis, "source_url": _source},
            intro="All full-year statements, including those not chosen, with their basis: partner-side statistics (national "
            "statistics offices) and China-side data differ widely for Central Asia.",
        )  # fmt: skip
    page.notes = _notes(params)
    return page


def _key_numbers(
    totals: pl.DataFrame, shares: pl.DataFrame, params: GroupLinkParams, names: dict[str, str]
) -> list[KeyNumber]:
    """The last year with every member covered (else the last year, saying how many): the members' total and the
    largest member's share of it."""
    basis = "statement" if params.source == CITED else "declared"
    by = "" if params.source == CITED else f"by {country_name(params.reporter)}"
    complete = totals.filter(pl.col("is_complete"))
    row = (complete if not complete.is_empty() else totals).row(-1, named=True)
    year = str(row["year"])
    label = f"Trade with the {params.group} members"
    if not row["is_complete"]:
        label += f" ({row['members_covered']} of {len(names)} covered)"
    numbers = [KeyNumber(label, row["members_turnover_usd"] / 1e9, "US$ bn", year, basis, by=by)]
    that_year = shares.filter((pl.col("year") == row["year"]) & pl.col("share_pct").is_not_null())
    if row["is_complete"] and not that_year.is_empty():
        top = that_year.sort("share_pct", descending=True).row(0, named=True)
        numbers.append(
            KeyNumber(
                f"Share of {names[top['partner_iso3']]}",
                top["share_pct"],
                "% of the members' total",
                year,
                basis,
                by=by,
            )
        )
    return numbers


def _cited_member_turnover(params: GroupLinkParams, registry: pl.DataFrame, members: list[str]) -> pl.DataFrame:
    headline = trade.headline_series(trade.pair_statements(catalog.load("trade_headlines"), params.reporter, "RUS"))
    russia = headline.filter(pl.col("metric") == "turnover").with_columns(
        pl.col("basis_code").map_elements(trade.basis_label, return_dtype=pl.String).alias("basis")
    )
    if params.reporter != "CHN":
        russia = russia.clear()
    return group_link.turnover_from_statements(russia, registry, members)


def _basis(text: str | None) -> str:
    """A basis note with codes replaced by labels ('CN_GAC (via Kazinform)', 'imf_dots'), shortened for the table."""
    return tables.shorten(labels.basis_label(text))


def _source(text: str | None) -> str:
    """A page as a short link; a dataset snapshot ('snapshot IMF_DOTS_2022-02_download') as words."""
    if text and text.startswith("http"):
        return statement_tables.page_link(text)
    return labels.snapshot(text)


def _notes(params: GroupLinkParams) -> list[str]:
    notes = [
        "Cited member figures mix bases where no China-side figure was found; the basis column says which.",
        'Part-year figures, thresholds ("more than") and targets are left out of member figures. Cited totals for the whole '
        'group are drawn for comparison: diamonds for outturns, upward triangles for thresholds ("more than").',
    ]
    if params.source != CITED:
        notes.append("Declared statistics are the reporter's own customs records; partners' mirror figures differ (valuation "
                     "CIF/FOB, re-exports, timing).")  # fmt: skip
    if params.source == "imf_dots":
        notes.append("IMF DOTS ends in 2020 and is one download of early 2022, not the current vintage.")
    return notes
