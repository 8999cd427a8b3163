"""Build the trade_overview report: how much two countries trade, the balance and growth, by basis.

source=cited: the cited headline series (GAC, FCS, officials; docs/decisions/0002). Any declared source
(IMF DOTS shipped, or a fetched IMF/Comtrade snapshot): the series is the reporter's own declarations, the
partner's declarations of the same trade are the mirror view, and the cited statements for the pair are
drawn beside the data as statements (hollow marks with their page) and listed as their own series, never
joined to the data line, so years after the data end are visibly statements only.
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis import trade
from bilateral.analysis.mirror import VALUATION_NOTE, mirror_view
from bilateral.data import catalog
from bilateral.data.countries import country_name
from bilateral.data.trade_flows import load_trade_flows, source_label
from bilateral.reports.pages import KeyNumber, Page, method_text
from bilateral.reports.params import CITED, TradeOverviewParams
from bilateral.viz import charts, tables

SERIES_HEADERS = {
    "year": "Year", "turnover_usd": "Turnover", "exports_usd": "Exports", "imports_usd": "Imports",
    "balance_usd": "Balance", "turnover_growth_pct": "Growth % (computed)", "turnover_growth_stated_pct": "Growth % (as stated)",
    "turnover_basis": "Basis", "turnover_disputed": "Disputed",
}  # fmt: skip
SERIES_FORMATS = {
    "turnover_usd": tables.usd_bn, "exports_usd": tables.usd_bn, "imports_usd": tables.usd_bn, "balance_usd": tables.usd_bn,
    "turnover_growth_pct": tables.pct, "turnover_growth_stated_pct": tables.pct, "turnover_disputed": tables.yes_no,
    "turnover_basis": trade.basis_label,
}  # fmt: skip


def build(params: TradeOverviewParams) -> Page:
    reporter, partner = country_name(params.reporter), country_name(params.partner)
    span = (params.start_year, params.end_year)
    cited = trade.pair_statements(catalog.load("trade_headlines"), params.reporter, params.partner)
    page = Page(
        title=params.title(), answer="", has_data=False, sources=[catalog.citation(f) for f in params.sources()]
    )
    page.method = method_text("trade_overview")
    if params.source == CITED:
        statements, series, flows = cited, trade.headline_series(cited), None
        note = "Source: official headline figures (GAC, FCS, officials) as cited per point; see tooltips and the sources section."
    else:
        flows = load_trade_flows(
            params.source, snapshot=params.snapshot_name, reporters=[params.reporter, params.partner]
        )
        declared = trade.pair_statements(
            trade.statements_from_flows(flows, params.reporter, params.partner), params.reporter, params.partner
        )
        series = trade.headline_series(declared, prefer=params.reporter + trade.DECLARED_SUFFIX)
        statements = pl.concat([declared, cited], how="diagonal_relaxed")
        note = (f"Source: {source_label(params.source)}, {reporter}'s declarations (line); the partner's declarations and "
                "cited statements as hollow marks (page and quote in the tooltip).")  # fmt: skip
    table = trade.overview_table(series, *span)
    page.has_data = table.height > 0
    if not page.has_data:
        covered = trade.covered_pairs(catalog.load("trade_headlines") if params.source == CITED else statements)
        page.answer = trade.no_data_message(reporter, partner, *span, covered)
        page.notes = _notes(params)
        return page
    page.answer = trade.findings(table, reporter, partner)
    page.key_numbers = _key_numbers(table, cited if flows is not None else None, params, reporter)
    points = trade.chart_points(series, table, *span)
    page.charts[f"Trade between {reporter} and {partner}, US$ bn"] = charts.headline_chart(
        points,
        trade.statement_points(statements, *span),
        source_note=note,
        title=f"{reporter}–{partner} trade, US$ bn ({int(points['year'].min())}–{int(points['year'].max())} in the series)",
    )
    page.tables["Key figures"] = tables.Table(
        table,
        {**SERIES_HEADERS, "exports_usd": f"Exports of {reporter}", "imports_usd": f"Imports of {reporter}"},
        SERIES_FORMATS,
        intro="US$ billion, current prices. Growth is computed only between years of the same customs basis; the rate the source "
        "itself stated is shown beside it. *Disputed* marks years where sources disagree beyond rounding.",
    )  # fmt: skip
    growth = trade.growth_series(series).filter((pl.col("metric") == "turnover") & pl.col("year").is_between(*span))
    page.charts["Growth of turnover, % a year (within one basis)"] = charts.growth_chart(
        growth,
        source_note=note,
        title="Turnover growth on the previous year, % (computed within one basis, and as stated)",
    )
    if flows is not None:
        _add_declared_sections(page, params, flows, cited, table, reporter, partner)
    else:
        _add_disputes(page, statements, span)
    page.notes = _notes(params)
    return page


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
    stated = trade.overview_table(trade.headline_series(cited), *span)
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
        stated, SERIES_HEADERS, SERIES_FORMATS,
        intro="What officials and customs said, per year, by the headline rule (docs/decisions/0002). Statements are shown "
        "beside the declared data, never merged into it.",
    )  # fmt: skip
    _add_disputes(page, cited, span)


def _add_disputes(page: Page, statements: pl.DataFrame, span: tuple[int, int]) -> None:
    disputes = trade.disputed_cells(statements).filter(pl.col("year").is_between(*span))
    page.tables["Where cited sources disagree"] = tables.Table(
        disputes,
        {"year": "Year", "metric": "Metric", "value_as_stated_usd_bn": "US$ bn (as stated)", "basis_code": "Basis",
         "publisher_named": "Publisher", "source_url": "Page"},
        {"basis_code": trade.basis_label},
        intro="Every statement for a year and metric whose figures differ by more than rounding, with its basis and page. "
        "Chinese (GAC) and Russian (FCS) customs record the same trade differently, so differences between bases are expected.",
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
        KeyNumber(label, last[column] / 1e9, "US$ bn", year, basis, by="" if basis == "statement" else f"by {reporter}")
        for label, column in (("Turnover", "turnover_usd"), (f"Exports of {reporter}", "exports_usd"),
                              (f"Imports of {reporter}", "imports_usd"))
        if last[column] is not None
    ]  # fmt: skip
    if cited is not None:
        stated = trade.overview_table(trade.headline_series(cited), params.start_year, params.end_year).filter(
            (pl.col("year") > last["year"]) & pl.col("turnover_usd").is_not_null()
        )
        if not stated.is_empty():
            latest = stated.row(-1, named=True)
            numbers.append(
                KeyNumber(
                    "Turnover as stated", latest["turnover_usd"] / 1e9, "US$ bn", str(latest["year"]), "statement"
                )
            )
    return numbers


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
