"""Build the trade_overview report: how much two countries trade, the balance and growth, by basis.

source=cited: the cited headline series (GAC, FCS, officials; docs/decisions/0002). Any declared source
(IMF DOTS shipped, or a fetched IMF/Comtrade snapshot): the series is the reporter's own declarations, the
partner's declarations of the same trade are the mirror view, and the cited statements for the pair are
drawn beside the data as statements (hollow marks with their page) and listed as their own series, never
joined to the data line, so years after the data end are visibly statements only.
"""

from __future__ import annotations

import functools

import polars as pl

from bilateral.analysis import trade
from bilateral.analysis.mirror import VALUATION_NOTE, mirror_view
from bilateral.data import catalog
from bilateral.data.countries import country_name
from bilateral.data.trade_flows import load_trade_flows, source_label
from bilateral.reports import claims_data
from bilateral.reports.pages import KeyNumber, Page, method_text
from bilateral.reports.params import CITED, TradeOverviewParams
from bilateral.viz import charts, statement_tables, tables

# Declared statistics: exact values at one precision (US$ bn, 2 decimals); the two declarants' differences are the
# mirror view's subject, not disputes, so there is no Disputed column here.
SERIES_HEADERS = {
    "year": "Year", "turnover_usd": "Turnover", "exports_usd": "Exports", "imports_usd": "Imports",
    "balance_usd": "Balance", "turnover_growth_pct": "Growth % (computed)", "turnover_growth_stated_pct": "Growth % (as stated)",
    "basis_note": "Basis",
}  # fmt: skip
SERIES_FORMATS = {
    "turnover_usd": tables.usd_bn, "exports_usd": tables.usd_bn, "imports_usd": tables.usd_bn, "balance_usd": tables.usd_bn,
    "turnover_growth_pct": tables.pct, "turnover_growth_stated_pct": tables.pct,
}  # fmt: skip
# Cited statements: each figure as the page printed it, qualifier kept ("around 29"); a missing figure says so; the
# basis of every figure of the year; and why a year is disputed (docs/decisions/0002, rules 4 and 7).
STATED_HEADERS = {
    "year": "Year", "turnover_as_stated": "Turnover", "exports_as_stated": "Exports", "imports_as_stated": "Imports",
    "balance_usd": "Balance", "turnover_growth_pct": "Growth % (computed)", "turnover_growth_stated_pct": "Growth % (as stated)",
    "basis_note": "Basis", "disputed_why": "Disputed",
}  # fmt: skip
STATED_FORMATS = {
    "balance_usd": tables.usd_bn,
    "turnover_growth_pct": tables.pct,
    "turnover_growth_stated_pct": tables.pct,
}


def build(params: TradeOverviewParams) -> Page:
    reporter, partner = country_name(params.reporter), country_name(params.partner)
    span = (params.start_year, params.end_year)
    cited = trade.pair_statements(catalog.load("trade_headlines"), params.reporter, params.partner)
    page = Page(
        title=params.title(), answer="", has_data=False, sources=[catalog.citation(f) for f in params.sources()]
    )
    page.method = method_text("trade_overview")
    contested = _contested(params)
    if contested is not None:  # the consistency checks read the declared figures: cite them too
        cited_here = [catalog.citation(s) for s in (claims_data.DOTS_SOURCE, claims_data.BACI_SOURCE)]
        page.sources += [c for c in cited_here if c not in page.sources]
    if params.source == CITED:
        statements, series, flows = cited, trade.headline_series(cited, contested=contested), None
        note = "Source: official headline figures (GAC, FCS, officials) as cited per point; see tooltips and the sources section."
        growth_note = note
    else:
        flows = load_trade_flows(
            params.source, snapshot=params.snapshot_name, reporters=[params.reporter, params.partner]
        )
        declared = trade.pair_statements(
            trade.statements_from_flows(flows, params.reporter, params.partner), params.reporter, params.partner
        )
        series = trade.headline_series(declared, prefer=params.reporter + trade.DECLARED_SUFFIX)
        statements = pl.concat([declared, cited], how="diagonal_relaxed")
        note = (f"Source: {source_label(params.source)}, {reporter}'s declarations; the partner's declarations and "
                "cited statements (page and quote in the tooltip).")  # fmt: skip
        growth_note = (f"Source: {source_label(params.source)}, {reporter}'s declarations (growth computed within one "
                       "basis); stated rates from the cited pages.")  # fmt: skip
    table = trade.overview_table(series, *span, statements=statements)
    page.has_data = table.height > 0
    if not page.has_data:
        covered = trade.covered_pairs(catalog.load("trade_headlines") if params.source == CITED else statements)
        page.answer = trade.no_data_message(reporter, partner, *span, covered)
        page.notes = _notes(params)
        return page
    page.answer = trade.findings(table, reporter, partner)
    page.key_numbers = _key_numbers(table, cited if flows is not None else None, params, reporter)
    points = trade.chart_points(series, table, *span)
    page.add_chart(f"Trade between {reporter} and {partner}, US$ bn", lambda: charts.headline_chart(
        points,
        trade.statement_points(statements, *span),
        source_note=note,
        title=f"{reporter}–{partner} trade, US$ bn ({int(points['year'].min())}–{int(points['year'].max())} in the series)",
    ))  # fmt: skip
    page.tables["Key figures"] = tables.Table(
        table,
        *_key_columns(params, reporter),
        intro="US$ billion, current prices. Growth is computed only between years of the same customs basis; the rate the "
        "source itself stated is shown beside it. " + _key_intro(params),
    )  # fmt: skip
    growth = trade.growth_series(series).filter((pl.col("metric") == "turnover") & pl.col("year").is_between(*span))
    page.add_chart("Growth of turnover, % a year (within one basis)", lambda: charts.growth_chart(
        growth,
        source_note=growth_note,
        title="Turnover growth on the previous year, % (computed within one basis, and as stated)",
    ))  # fmt: skip
    if flows is not None:
        _add_declared_sections(page, params, flows, cited, table, reporter, partner)
    else:
        _add_disputes(page, statements, span, contested)
    page.notes = _notes(params)
    return page


def _key_intro(params: TradeOverviewParams) -> str:
    return (
        _STATED_INTRO
        if params.source == CITED
        else "The partner's declarations of the same trade: see the mirror view."
    )


def _key_columns(params: TradeOverviewParams, reporter: str) -> tuple[dict[str, str], dict]:
    """Headers and formats of the key-figures table: statements as stated (cited) or declared values (US$ bn)."""
    if params.source == CITED:
        names = {"exports_as_stated": f"Exports of {reporter}", "imports_as_stated": f"Imports of {reporter}"}
        return {**STATED_HEADERS, **names}, STATED_FORMATS
    return {
        **SERIES_HEADERS,
        "exports_usd": f"Exports of {reporter}",
        "imports_usd": f"Imports of {reporter}",
    }, SERIES_FORMATS


def _add_declared_sections(
    page: Page,
    params: TradeOverviewParams,
    flows: pl.DataFrame,
    cited: pl.DataFrame,
    table: pl.DataFrame,
    reporter: str,
    partner: str,
) -> None:
    span = (params.start_year, params.end_year)
    mirrored = mirror_view(
        flows.filter((pl.col("hs_level") == 0) & pl.col("year").is_between(*span)), params.reporter, params.partner
    )
    page.tables["Mirror view"] = tables.Table(
        mirrored,
        {"year": "Year", "exporter_iso3": "Exporter", "importer_iso3": "Importer",
         "exporter_reported_value_usd": "Declared by exporter, US$ bn", "importer_reported_value_usd": "Declared by importer, US$ bn",
         "discrepancy_pct": "Importer vs exporter %"},
        {"exporter_reported_value_usd": tables.usd_bn, "importer_reported_value_usd": tables.usd_bn, "discrepancy_pct": tables.pct},
        intro="The same flow as declared by the exporter (FOB) and by the importer (CIF). " + VALUATION_NOTE,
    )  # fmt: skip
    stated = trade.overview_table(trade.headline_series(cited, contested=_contested(params)), *span, statements=cited)
    if stated.is_empty():
        return
    last_data = int(table.get_column("year").max())
    after = stated.filter(pl.col("year") > last_data)
    if not after.is_empty():
        page.answer += (
            f" The declared data end in {last_data}; for {after['year'].min()}–{after['year'].max()} only cited statements "
            f"give the figure (US${after.row(-1, named=True)['turnover_usd'] / 1e9:,.1f} bn in {after['year'].max()}, "
            f"{trade.basis_label(after.row(-1, named=True)['turnover_basis'])}): statements, not data."
        )
    page.tables["Cited headline figures (statements)"] = tables.Table(
        stated, STATED_HEADERS, STATED_FORMATS,
        intro="What officials and customs said, per year, by the headline rule (docs/decisions/0002). Statements are shown "
        "beside the declared data, never merged into it. " + _STATED_INTRO,
    )  # fmt: skip
    _add_disputes(page, cited, span, _contested(params))


def _add_disputes(
    page: Page, statements: pl.DataFrame, span: tuple[int, int], contested: pl.DataFrame | None = None
) -> None:
    disputes = trade.disputed_rows(statements, contested).filter(pl.col("year").is_between(*span))
    page.tables["Where cited sources disagree"] = tables.Table(
        disputes,
        {"year": "Year", "metric": "Metric", "as_stated": "US$ bn (as stated)", "basis_code": "Basis",
         "publisher_named": "Publisher", "why": "Disputed because", "source_url": "Page"},
        {"metric": lambda m: trade.METRIC_LABELS.get(m, m), "basis_code": trade.basis_label,
         "why": lambda v: v or "agrees with the others within rounding",
         "source_url": statement_tables.page_link},
        intro="Every statement for a year and metric whose figures differ by more than their printed precision allows (a "
        "figure may be rounded or cut at its last digit), and every statement the consistency checks dispute (growth "
        "arithmetic, exports + imports, other pages, declared statistics; `bilateral data check`), with the figure it "
        "disagrees with, its basis and page. Nothing is corrected. Chinese (GAC) and Russian (FCS) customs record the "
        "same trade differently, so differences between bases are expected.",
        empty="No disagreements among the cited sources in the selected years.",
    )  # fmt: skip


def _key_numbers(
    table: pl.DataFrame, cited: pl.DataFrame | None, params: TradeOverviewParams, reporter: str
) -> list[KeyNumber]:
    """The last year of the series (turnover, exports, imports of the reporter), and, beside declared data, the
    latest cited turnover after the data end (a statement, labelled as one)."""
    basis = "statement" if params.source == CITED else "declared"
    known = table.filter(pl.col("turnover_usd").is_not_null())
    if known.is_empty():
        return []
    last = known.row(-1, named=True)
    year = str(last["year"])
    numbers = [
        _stated_number(label, last, metric) if basis == "statement"
        else KeyNumber(label, last[f"{metric}_usd"] / 1e9, "US$ bn", year, basis, by=f"by {reporter}")
        for label, metric in (("Turnover", "turnover"), (f"Exports of {reporter}", "exports"),
                              (f"Imports of {reporter}", "imports"))
        if last[f"{metric}_usd"] is not None
    ]  # fmt: skip
    if cited is not None:
        series = trade.headline_series(cited, contested=_contested(params))
        stated = trade.overview_table(series, params.start_year, params.end_year).filter(
            (pl.col("year") > last["year"]) & pl.col("turnover_usd").is_not_null()
        )
        if not stated.is_empty():
            numbers.append(_stated_number("Turnover as stated", stated.row(-1, named=True), "turnover"))
    return numbers


def _stated_number(label: str, row: dict, metric: str) -> KeyNumber:
    """A statement from the overview table as a key number: printed as its page printed it (qualifier kept), with
    whose figure it is (the basis label: 'Chinese customs (GAC)')."""
    return KeyNumber(
        label, row[f"{metric}_usd"] / 1e9, "US$ bn", str(row["year"]), "statement",
        by=trade.basis_label(row[f"{metric}_basis"]), printed=row.get(f"{metric}_as_stated") or "",
    )  # fmt: skip


def _contested(params: TradeOverviewParams) -> pl.DataFrame | None:
    """The consistency checks' disputes of the cited China-Russia statements (None for other pairs: the checks are
    about that pair's statements). Computed once per process: it reads IMF DOTS and China's monthly customs."""
    if {params.reporter, params.partner} != {"CHN", "RUS"}:
        return None
    return _china_russia_disputes()


@functools.cache
def _china_russia_disputes() -> pl.DataFrame:
    return claims_data.trade_statement_disputes()


_STATED_INTRO = (
    'Each figure is shown as the page printed it, with its qualifier ("around 29"); *not stated* means no page gives '
    "it. *Disputed* names what a year's figure disagrees with: another statement beyond rounding, or a consistency "
    "check (declared data, growth arithmetic, exports + imports); the figure stays and the others are listed below."
)


def _notes(params: TradeOverviewParams) -> list[str]:
    notes = [
        "Headline figures are first releases as reported in the press; customs revise them later.",
        'Thresholds ("exceeded US$190 bn") and projections are not outturns and are left out of the series.',
        "Chinese and Russian customs figures are never mixed in one growth rate.",
    ]
    if params.source == CITED:
        notes.insert(
            1, "Years without a customs figure are filled from official statements and marked with their basis."
        )
    else:
        notes.append("Declared statistics: exports FOB and imports CIF as each customs service reported them; the two "
                     "sides' figures for the same flow differ (valuation, timing, re-exports, partner attribution).")  # fmt: skip
    if params.source == "imf_dots":
        notes.append(
            "IMF DOTS ends in 2020 and is one download of early 2022, not the current vintage; some values are IMF estimates."
        )
    return notes
