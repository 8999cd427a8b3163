"""The live explorer for JupyterLab: any pair, years and source the catalog holds, in three views.

- Pair trade: the `trade_overview` report for the selection (cited statements, or each side's declared
  statistics from IMF DOTS or a fetched Comtrade or IMF snapshot).
- Products in a lens: the `product_lens` report (the shipped extract or a fetched Comtrade, IMF or BACI snapshot).
- Partner ranking: the `partner_ranking` report (cited statements, or computed from declared statistics).

Each view turns its controls into the report's parameters and shows the page the report's own build function
returns (bilateral.viz.explorer_parts), so an exploration and a report never compute a number two ways; its
button renders the same selection as the shareable report. ipywidgets need a running kernel, so this is for
JupyterLab; shared reports use Vega-Lite controls. Each view keeps what it showed last (`last_page`,
`last_findings`) so behaviour can be tested without a browser.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

import ipywidgets as widgets

from bilateral.errors import BilateralError
from bilateral.reports.pages import Page
from bilateral.reports.params import CITED, FIRST_YEAR
from bilateral.viz.controls import ReportButton, YearRange, dropdown, row
from bilateral.viz.explorer_parts import (
    Coverage,
    PageSlot,
    build_page,
    fetched_sources,
    offered_sources,
    set_options,
    source_choice,
    trade_flows_coverage,
)

__all__ = ["PairTradeExplorer", "ProductExplorer", "RankingExplorer", "explorer", "source_choice"]

CoverageOf = Callable[[str], Coverage]


def _bounded(first: int, last: int) -> tuple[int, int]:
    """A source's years cut to the years report parameters accept (FIRST_YEAR to this year)."""
    return max(first, FIRST_YEAR), min(last, date.today().year)


def _with_statements(data: tuple[int, int] | None, stated: tuple[int, int] | None) -> tuple[int, int] | None:
    """The data's years, extended to the last year of the cited statements the report draws beside the data."""
    if data is None or stated is None:
        return data
    return data[0], max(data[1], stated[1])


class _ReportView:
    """One tab: controls whose values are a report's parameters, the page that report builds, and its button."""

    notebook: ClassVar[str] = ""

    def __init__(self, coverage: CoverageOf) -> None:
        self.coverage = coverage
        self.updating = False  # True while options are replaced: refresh() then waits for the last change
        self.slot = PageSlot()
        self.report = ReportButton(self.notebook, self.parameters)
        self.last_page: Page | None = None
        self.last_findings = ""

    def parameters(self) -> dict[str, Any]:
        raise NotImplementedError

    def unavailable(self) -> str | None:
        """A message when there is nothing to build (e.g. the source has no rows); None otherwise."""
        return None

    def refresh(self, _change: object = None) -> None:
        if self.updating:
            return
        message = self.unavailable()
        if message is None:
            try:
                page = build_page(self.notebook, self.parameters())
            except BilateralError as exc:  # the report's own message: what to change
                message = str(exc)
            else:
                self._show(page, page.answer)
                return
        self._show(None, message)

    def _show(self, page: Page | None, text: str) -> None:
        self.last_page, self.last_findings = page, text
        self.slot.show(page, text)

    def _reset(self, change: Callable[[], None]) -> None:
        """Replace options without a refresh per control touched, then refresh once."""
        self.updating = True
        try:
            change()
        finally:
            self.updating = False
        self.refresh()

    def _watch(self, *controls: widgets.Widget) -> None:
        self.source.observe(lambda _change: self._reset(self._set_controls), names="value")
        for control in controls:
            control.observe(self.refresh, names="value")

    def _set_controls(self) -> None:
        raise NotImplementedError

    def _layout(self, *rows: widgets.Widget) -> None:
        self.view = widgets.VBox([row(self.source), *rows, self.years.view, self.slot.output, self.report.view])


class _PairView(_ReportView):
    """A reporter, a partner, a source (cited statements or a trade_flows source) and a year range: the controls
    of the pair reports; each subclass names its report and sets the controls from what its source covers."""

    def __init__(self, sources: list[str], coverage: CoverageOf = trade_flows_coverage) -> None:
        super().__init__(coverage)
        self.source = dropdown("Source", [(source_choice(s), s) for s in [CITED, *sources]])
        self.reporter, self.partner = dropdown("Reporter", []), dropdown("Partner", [])
        self.years = YearRange(FIRST_YEAR, date.today().year)
        self._set_controls()
        self._watch(self.reporter, self.partner, self.years.slider)
        self._layout(row(self.reporter, self.partner))

    def parameters(self) -> dict[str, Any]:
        start, end = self.years.value
        return {
            "reporter": self.reporter.value,
            "partner": self.partner.value,
            "start_year": start,
            "end_year": end,
            "source": self.source.value,
        }


class PairTradeExplorer(_PairView):
    """Turnover, exports, imports and balance of a pair, cited or declared, over a year range."""

    notebook: ClassVar[str] = "trade_overview"

    def _set_controls(self) -> None:
        from bilateral.analysis.trade import covered_pairs
        from bilateral.data import catalog

        headlines = catalog.load("trade_headlines")
        stated = (int(headlines.get_column("year").min()), int(headlines.get_column("year").max()))
        if self.source.value == CITED:
            codes, span = {code for pair in covered_pairs(headlines) for code in pair}, stated
        else:
            covered = self.coverage(self.source.value)
            codes, span = set(covered.reporters), _with_statements(covered.years, stated)
        set_options(self.reporter, codes, "CHN")
        set_options(self.partner, codes, "RUS")
        if span:
            self.years.reset(*_bounded(*span))


class ProductExplorer(_ReportView):
    """Products of a reporter's trade with a partner within a sector lens, from a source with product rows."""

    notebook: ClassVar[str] = "product_lens"

    def __init__(self, sources: list[str], coverage: CoverageOf = trade_flows_coverage) -> None:
        from bilateral.data.lenses import list_lenses

        super().__init__(coverage)
        self.source = dropdown("Source", [(source_choice(s), s) for s in sources])
        self.reporter, self.partner = dropdown("Reporter", []), dropdown("Partner", [])
        self.lens = dropdown("Lens", list_lenses(), "critical_minerals")
        self.flow = widgets.ToggleButtons(
            options=["export", "import"],
            value="export",
            description="Flow",
            style={"description_width": "initial", "button_width": "auto"},
        )
        self.years = YearRange(FIRST_YEAR, date.today().year)
        self.covered = Coverage(frozenset(), frozenset(), None)
        self._set_controls()
        self._watch(self.reporter, self.partner, self.lens, self.flow, self.years.slider)
        self._layout(row(self.reporter, self.partner, self.lens), row(self.flow))

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

    def unavailable(self) -> str | None:
        if self.covered.is_empty:
            return f"The selected source ({source_choice(self.source.value)}) has no rows."
        return None

    def _set_controls(self) -> None:
        self.covered = self.coverage(self.source.value)
        set_options(self.reporter, self.covered.reporters, "CHN")
        set_options(self.partner, self.covered.partners, "RUS")
        if self.covered.years:
            self.years.reset(*_bounded(*self.covered.years))


class RankingExplorer(_PairView):
    """A partner's rank and share among a reporter's trading partners: cited statements or computed."""

    notebook: ClassVar[str] = "partner_ranking"

    def _set_controls(self) -> None:
        import polars as pl

        from bilateral.analysis.ranking import CITED_METRICS
        from bilateral.data import catalog

        statements = catalog.load("partner_share_rank")
        full = statements.filter(pl.col("year").str.contains(r"^\d{4}$")).get_column("year").cast(pl.Int32)
        stated = (int(full.min()), int(full.max())) if full.len() else None
        if self.source.value == CITED:
            codes = {code for reporter, partner, _m in CITED_METRICS.values() for code in (reporter, partner)}
            span = stated
        else:
            covered = self.coverage(self.source.value)
            codes, span = set(covered.reporters | covered.partners), _with_statements(covered.years, stated)
        set_options(self.reporter, codes, "RUS")
        set_options(self.partner, codes, "CHN")
        if span:
            first, last = _bounded(*span)
            self.years.reset(first, last)
            if self.source.value == CITED:  # the report's default start (2010) when the statements reach it
                self.years.slider.value = (max(first, min(2010, last)), last)


def explorer(*, sources: list[str] | None = None, coverage: CoverageOf = trade_flows_coverage) -> widgets.Tab:
    """The three views in tabs, each drawn once. `sources`: fetched upstreams offered (default: those on disk)."""
    found = fetched_sources() if sources is None else sources
    declared, with_products = offered_sources(found)
    views = (
        PairTradeExplorer(declared, coverage),
        ProductExplorer(with_products, coverage),
        RankingExplorer(declared, coverage),
    )
    for view in views:
        view.refresh()
    tabs = widgets.Tab(children=[view.view for view in views], layout=widgets.Layout(width="100%"))
    for index, title in enumerate(("Pair trade", "Products in a lens", "Partner ranking")):
        tabs.set_title(index, title)
    tabs.explorers = views  # keep the Python objects reachable from the widget
    return tabs
