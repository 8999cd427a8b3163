"""The live explorer for JupyterLab: any pair, years and source the catalog holds, in three views.

- Pair trade: the headline series of a pair from cited statements, or from each side's declared
  statistics when a Comtrade or IMF snapshot has been fetched (as `trade_overview`).
- Products in a lens: a reporter's trade with a partner within a sector lens, from the shipped extract
  or a fetched Comtrade, IMF or BACI (reconciled) snapshot (as `product_lens`).
- Partner ranking: where a partner ranks among a reporter's partners, cited or computed (as `partner_ranking`).

Each view names its source kind (cited, declared, reconciled), and has a button that renders the
current selection as the matching report. ipywidgets need a running kernel, so this is for JupyterLab;
shared reports use Vega-Lite controls. The views call the analysis layer and keep what they drew last
(`last_findings`, `last_table`, `last_chart`) so behaviour can be tested without a browser.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import polars as pl

from bilateral.analysis import products as product_analysis
from bilateral.analysis import ranking, trade
from bilateral.data.countries import country_name
from bilateral.data.lenses import apply_lens, list_lenses
from bilateral.errors import BilateralError
from bilateral.viz import charts, tables
from bilateral.viz.controls import ChartSlot, ReportButton, YearRange, dropdown, row
from bilateral.viz.text import Markdown

Describe = Callable[[list[str], str | None], dict[str, str]]
LoadFlows = Callable[[str], pl.DataFrame]

SOURCE_NOTE = "Source: official headline figures as cited per point (see tooltips)."
CITED_CHOICE = "Cited statements (official headline figures)"


def source_choice(source: str) -> str:
    """The menu text of a source: what kind of evidence it is, then its registry label."""
    if source == "cited":
        return CITED_CHOICE
    from bilateral.data import registry

    entry = registry.get_source(source)
    return f"{entry.evidence.capitalize()}: {entry.label}"


def fetched_sources() -> list[str]:
    """The upstream sources with at least one snapshot under data/raw (a fetch adds one)."""
    from bilateral.data import registry
    from bilateral.data.trade_flows import provenance_folder

    found = []
    for source in registry.names(lambda s: s.is_upstream):
        try:
            provenance_folder(source)
            found.append(source)
        except BilateralError:
            continue
    return found


def offered_sources(fetched: list[str]) -> tuple[list[str], list[str]]:
    """(sources with totals by partner, sources with product rows): the shipped ones, then those fetched."""
    from bilateral.data import registry

    def usable(where) -> list[str]:  # noqa: ANN001 - a registry predicate
        return [s.name for s in registry.sources(where) if not s.is_upstream or s.name in fetched]

    return usable(registry.with_partner_totals), usable(registry.with_products)


def _country_options(codes: set[str]) -> list[tuple[str, str]]:
    return sorted(
        ((f"{country_name(code)} ({code})", code) for code in codes if code != "WLD"), key=lambda option: option[0]
    )


def _set_options(reporter: widgets.Dropdown, partner: widgets.Dropdown, codes: set[str]) -> None:
    """New country options for both dropdowns, keeping the current choices where they still exist."""
    options = _country_options(codes)
    values = [code for _label, code in options]
    for control, fallback in ((reporter, 0), (partner, 1)):
        keep = (
            control.value if control.value in values else (values[min(fallback, len(values) - 1)] if values else None)
        )
        control.options = options
        control.value = keep


def _no_selection(reporter: str, partner: str) -> str | None:
    return (
        f"Reporter and partner are both {country_name(reporter)}; choose two different countries."
        if reporter == partner
        else None
    )


class PairTradeExplorer:
    """Turnover, exports, imports and balance of a pair, cited or declared, over a year range."""

    def __init__(self, headlines: pl.DataFrame, load_flows: LoadFlows, sources: list[str]) -> None:
        self.headlines, self.load_flows = headlines, load_flows
        self.updating = False  # True while options are replaced: refresh() then waits for the last change
        pairs = trade.covered_pairs(headlines)
        self.source = dropdown("Source", [(source_choice(s), s) for s in ["cited", *sources]])
        countries = _country_options({code for pair in pairs for code in pair})
        self.reporter = dropdown("Reporter", countries, pairs[0][0] if pairs else None)
        self.partner = dropdown("Partner", countries, pairs[0][1] if pairs else None)
        years = headlines.get_column("year")
        self.years = YearRange(int(years.min()), int(years.max()))
        self.slot = ChartSlot()
        self.report = ReportButton("trade_overview", self.parameters)
        self.last_findings, self.last_table, self.last_chart = "", pl.DataFrame(), None
        self.source.observe(self._source_changed, names="value")
        for control in (self.reporter, self.partner, self.years.slider):
            control.observe(self.refresh, names="value")
        self.view = widgets.VBox(
            [row(self.source), row(self.reporter, self.partner), self.years.view, self.slot.output, self.report.view]
        )

    def parameters(self) -> dict[str, Any]:
        start, end = self.years.value
        return {
            "reporter": self.reporter.value,
            "partner": self.partner.value,
            "start_year": start,
            "end_year": end,
            "source": self.source.value,
        }

    def _source_changed(self, _change: object = None) -> None:
        if self.source.value == "cited":
            frame = self.headlines
            codes = {code for pair in trade.covered_pairs(self.headlines) for code in pair}
        else:
            frame = self.load_flows(self.source.value)
            codes = set(frame.get_column("reporter_iso3").unique().to_list())
        self.updating = True
        try:
            _set_options(self.reporter, self.partner, codes)
            years = frame.get_column("year")
            if years.len():
                self.years.reset(int(years.min()), int(years.max()))
        finally:
            self.updating = False
        self.refresh()

    def refresh(self, _change: object = None) -> None:
        if self.updating:
            return
        reporter, partner, source = self.reporter.value, self.partner.value, self.source.value
        start, end = self.years.value
        problem = _no_selection(reporter, partner)
        if problem:
            self._show(problem, pl.DataFrame(), None)
            return
        if source == "cited":
            statements = trade.pair_statements(self.headlines, reporter, partner)
            series = trade.headline_series(statements)
            note = SOURCE_NOTE
        else:
            flows = self.load_flows(source)
            statements = trade.pair_statements(trade.statements_from_flows(flows, reporter, partner), reporter, partner)
            series = trade.headline_series(statements, prefer=reporter + trade.DECLARED_SUFFIX)
            note = f"Source: {source_choice(source)}; each side's own declaration."
        table = trade.overview_table(series, start, end)
        if not table.height:
            covered = trade.covered_pairs(self.headlines if source == "cited" else statements)
            self._show(
                trade.no_data_message(country_name(reporter), country_name(partner), start, end, covered), table, None
            )
            return
        points = trade.chart_points(series, table, start, end)
        chart = charts.headline_chart(points, trade.statement_points(statements, start, end), source_note=note)
        self._show(trade.findings(table, country_name(reporter), country_name(partner)), table, chart)

    def _show(self, findings: str, table: pl.DataFrame, chart: Any) -> None:
        self.last_findings, self.last_table, self.last_chart = findings, table, chart
        self.slot.show(Markdown(findings), chart)


class ProductExplorer:
    """Products of a reporter's trade with a partner within a sector lens, from a trade_flows table."""

    def __init__(
        self,
        flows: pl.DataFrame,
        describe: Describe,
        *,
        load_flows: LoadFlows | None = None,
        sources: list[str] | None = None,
    ) -> None:
        """`describe(codes, classification)` names products (e.g. bilateral.data.products.descriptions_for)."""
        self.flows, self.describe, self.load_flows = flows, describe, load_flows
        self.updating = False
        offered = sources or ["comtrade_china_critical_minerals"]
        self.source = dropdown("Source", [(source_choice(s), s) for s in offered], offered[0])
        self.reporter = dropdown("Reporter", [])
        self.partner = dropdown("Partner", [])
        self.lens = dropdown("Lens", list_lenses(), "critical_minerals")
        self.flow = widgets.ToggleButtons(
            options=["export", "import"],
            value="export",
            description="Flow",
            style={"description_width": "initial", "button_width": "auto"},
        )
        self.years = YearRange(2000, 2024)
        self._set_countries()
        self.slot = ChartSlot()
        self.report = ReportButton("product_lens", self.parameters)
        self.last_findings, self.last_table, self.last_chart = "", pl.DataFrame(), None
        self.source.observe(self._source_changed, names="value")
        for control in (self.reporter, self.partner, self.lens, self.flow, self.years.slider):
            control.observe(self.refresh, names="value")
        self.view = widgets.VBox(
            [
                row(self.source),
                row(self.reporter, self.partner, self.lens),
                row(self.flow),
                self.years.view,
                self.slot.output,
                self.report.view,
            ]
        )

    def parameters(self) -> dict[str, Any]:
        start, end = self.years.value
        return {
            "reporter": self.reporter.value,
            "partner": self.partner.value,
            "lens": self.lens.value,
            "flow": self.flow.value,
            "source": self.source.value,
            "start_year": start,
            "end_year": end,
        }

    def _source_changed(self, _change: object = None) -> None:
        if self.load_flows is not None:
            self.flows = self.load_flows(self.source.value)
        self._set_countries()
        self.refresh()

    def _set_countries(self) -> None:
        """Options and years from the current table, without a refresh per control touched."""
        self.updating = True
        try:
            self._replace_options()
        finally:
            self.updating = False

    def _replace_options(self) -> None:
        reporters = set(self.flows.get_column("reporter_iso3").unique().to_list())
        partners = set(self.flows.get_column("partner_iso3").unique().to_list())
        for control, codes, preferred in ((self.reporter, reporters, "CHN"), (self.partner, partners, "RUS")):
            options = _country_options(codes)
            control.options = options
            control.value = preferred if preferred in codes else (options[0][1] if options else None)
        if not self.flows.is_empty():
            years = self.flows.get_column("year")
            self.years.reset(int(years.min()), int(years.max()))

    def refresh(self, _change: object = None) -> None:
        if self.updating:
            return
        if self.flows.is_empty() or self.reporter.value is None:
            self._show("This trade_flows table has no rows.", pl.DataFrame())
            return
        reporter_name, partner_name = country_name(self.reporter.value), country_name(self.partner.value)
        problem = _no_selection(self.reporter.value, self.partner.value)
        if problem:
            self._show(problem, pl.DataFrame())
            return
        start, end = self.years.value
        table, level = product_analysis.lens_table(
            apply_lens(self.flows, self.lens.value),
            self.reporter.value,
            self.partner.value,
            self.flow.value,
            start,
            end,
            self.describe,
        )
        findings = (
            f"Products at HS{level}. "
            + product_analysis.product_findings(table, reporter_name, partner_name, self.flow.value)
            if table.height
            else f"No {self.flow.value} rows for {reporter_name}–{partner_name} in the {self.lens.value} lens."
        )
        self._show(findings, table)

    def _show(self, findings: str, table: pl.DataFrame) -> None:
        chart = (
            charts.product_chart(table, source_note=f"Source: {source_choice(self.source.value)}.")
            if table.height
            else None
        )
        self.last_findings, self.last_table, self.last_chart = findings, table, chart
        summary = None
        if table.height:
            summary = Markdown(
                tables.markdown_table(
                    table,
                    {
                        "product_code": "HS",
                        "year": "Year",
                        "value_usd": "US$ m",
                        "share_pct": "Share %",
                        "partner_rank": "Rank",
                    },
                    {"value_usd": tables.usd_m, "share_pct": tables.pct_plain},
                )
            )
        self.slot.show(Markdown(findings), chart, summary)


class RankingExplorer:
    """A partner's rank and share among a reporter's trading partners: cited statements or computed."""

    def __init__(self, share_rank: pl.DataFrame, load_flows: LoadFlows, sources: list[str]) -> None:
        self.share_rank, self.load_flows = share_rank, load_flows
        self.updating = False
        self.source = dropdown("Source", [(source_choice(s), s) for s in ["cited", *sources]])
        pairs = sorted({(r, p) for r, p, _m in ranking.CITED_METRICS.values()})
        countries = _country_options({code for pair in pairs for code in pair})
        self.reporter = dropdown("Reporter", countries, "RUS")
        self.partner = dropdown("Partner", countries, "CHN")
        full_years = share_rank.filter(pl.col("year").str.contains(r"^\d{4}$")).get_column("year").cast(pl.Int32)
        first, last = (int(full_years.min()), int(full_years.max())) if full_years.len() else (2000, 2024)
        self.years = YearRange(first, last, (max(first, min(2010, last)), last))  # 2010: the report's default start
        self.slot = ChartSlot()
        self.report = ReportButton("partner_ranking", self.parameters)
        self.last_findings, self.last_table, self.last_chart = "", pl.DataFrame(), None
        self.source.observe(self._source_changed, names="value")
        for control in (self.reporter, self.partner, self.years.slider):
            control.observe(self.refresh, names="value")
        self.view = widgets.VBox(
            [row(self.source), row(self.reporter, self.partner), self.years.view, self.slot.output, self.report.view]
        )

    def parameters(self) -> dict[str, Any]:
        start, end = self.years.value
        return {
            "reporter": self.reporter.value,
            "partner": self.partner.value,
            "source": self.source.value,
            "start_year": start,
            "end_year": end,
        }

    def _source_changed(self, _change: object = None) -> None:
        if self.source.value == "cited":
            codes = {code for r, p, _m in ranking.CITED_METRICS.values() for code in (r, p)}
        else:
            flows = self.load_flows(self.source.value)
            codes = set(flows.get_column("reporter_iso3").unique().to_list()) | set(
                flows.get_column("partner_iso3").unique().to_list()
            )
        self.updating = True
        try:
            _set_options(self.reporter, self.partner, codes)
        finally:
            self.updating = False
        self.refresh()

    def refresh(self, _change: object = None) -> None:
        if self.updating:
            return
        reporter, partner = self.reporter.value, self.partner.value
        reporter_name, partner_name = country_name(reporter), country_name(partner)
        start, end = self.years.value
        problem = _no_selection(reporter, partner)
        if problem:
            self._show(problem, pl.DataFrame(), pl.DataFrame())
            return
        if self.source.value == "cited":
            table = ranking.cited_ranking(self.share_rank, reporter, partner).filter(
                pl.col("year").is_between(start, end)
            )
            points = table.filter(pl.col("measure").is_in(["rank", "share_pct"])).select(
                "year",
                pl.col("measure").replace({"rank": "Rank", "share_pct": "Share %"}),
                "value",
                "basis",
                "source_url",
            )
            findings = ranking.cited_findings(table, partner_name, reporter_name)
        else:
            ranked = ranking.ranking_from_flows(self.load_flows(self.source.value), reporter, start, end)
            table = ranked.filter(pl.col("partner_iso3") == partner)
            points = pl.concat(
                [
                    table.select(
                        "year",
                        pl.lit("Rank").alias("measure"),
                        pl.col("rank").cast(pl.Float64).alias("value"),
                        pl.lit(self.source.value).alias("basis"),
                        pl.lit("declared by the reporter").alias("source_url"),
                    ),
                    table.select(
                        "year",
                        pl.lit("Share %").alias("measure"),
                        pl.col("share_pct").alias("value"),
                        pl.col("share_basis").alias("basis"),
                        pl.lit("declared by the reporter").alias("source_url"),
                    ),
                ]
            )
            findings = ranking.ranking_findings(table, reporter_name, partner_name)
        if points.is_empty():
            findings = (
                f"No rank or share of {partner_name} among {reporter_name}'s partners in {start}–{end} in this source."
            )
        self._show(findings, table, points)

    def _show(self, findings: str, table: pl.DataFrame, points: pl.DataFrame) -> None:
        note = (
            "Source: cited statements (see tooltips)."
            if self.source.value == "cited"
            else f"Source: {source_choice(self.source.value)}."
        )
        chart = charts.rank_chart(points, source_note=note) if points.height else None
        self.last_findings, self.last_table, self.last_chart = findings, table, chart
        self.slot.show(Markdown(findings), chart)


def _load_flows(source: str) -> pl.DataFrame:
    from bilateral.data.trade_flows import load_trade_flows

    return load_trade_flows(source)


def explorer(
    headlines: pl.DataFrame,
    flows: pl.DataFrame,
    describe: Describe,
    *,
    share_rank: pl.DataFrame | None = None,
    load_flows: LoadFlows = _load_flows,
    sources: list[str] | None = None,
) -> widgets.Tab:
    """The three views in tabs, each drawn once. `sources`: fetched upstreams offered (default: those on disk)."""
    from bilateral.data import catalog

    found = fetched_sources() if sources is None else sources
    declared, with_products = offered_sources(found)
    views = (
        PairTradeExplorer(headlines, load_flows, declared),
        ProductExplorer(flows, describe, load_flows=load_flows, sources=with_products),
        RankingExplorer(catalog.load("partner_share_rank") if share_rank is None else share_rank, load_flows, declared),
    )
    for view in views:
        view.refresh()
    tabs = widgets.Tab(children=[view.view for view in views], layout=widgets.Layout(width="100%"))
    for index, title in enumerate(("Pair trade", "Products in a lens", "Partner ranking")):
        tabs.set_title(index, title)
    tabs.explorers = views  # keep the Python objects reachable from the widget
    return tabs
