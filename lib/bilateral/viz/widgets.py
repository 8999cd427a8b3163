"""A live explorer for JupyterLab: pick a pair, years, a sector lens, and see the chart and key figures.

ipywidgets need a running kernel, so this is for exploring in JupyterLab (notebooks/explore.ipynb);
shared reports use Vega-Lite controls instead. The explorer takes frames and calls the analysis
layer; it reads no files. `last_findings` and `last_table` keep what was drawn last, so the
behaviour can be tested without a browser.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import polars as pl
from IPython.display import Markdown, display

from bilateral.analysis import products as product_analysis
from bilateral.analysis import trade
from bilateral.data.countries import country_name
from bilateral.data.lenses import apply_lens, list_lenses
from bilateral.viz import charts, tables


class HeadlineExplorer:
    """Cited headline trade for any covered pair: metric chart, findings and key table for a year range."""

    def __init__(self, headlines: pl.DataFrame) -> None:
        self.headlines = headlines
        pairs = trade.covered_pairs(headlines)
        countries = sorted({code for pair in pairs for code in pair})
        options = [(f"{country_name(c)} ({c})", c) for c in countries]
        years = headlines.get_column("year")
        self.reporter = widgets.Dropdown(options=options, value=pairs[0][0] if pairs else None, description="Reporter")
        self.partner = widgets.Dropdown(options=options, value=pairs[0][1] if pairs else None, description="Partner")
        self.years = widgets.IntRangeSlider(
            value=(int(years.min()), int(years.max())), min=int(years.min()), max=int(years.max()), description="Years"
        )
        self.output = widgets.Output()
        self.last_findings = ""
        self.last_table = pl.DataFrame()
        for control in (self.reporter, self.partner, self.years):
            control.observe(self.refresh, names="value")
        self.view = widgets.VBox([widgets.HBox([self.reporter, self.partner]), self.years, self.output])

    def refresh(self, _change: object = None) -> None:
        reporter, partner = self.reporter.value, self.partner.value
        start, end = self.years.value
        statements = trade.pair_statements(self.headlines, reporter, partner)
        series = trade.headline_series(statements)
        table = trade.overview_table(series, start, end)
        self.last_table = table
        self.last_findings = (
            trade.findings(table, country_name(reporter), country_name(partner))
            if table.height
            else f"No cited figures for {country_name(reporter)}–{country_name(partner)}, {start}–{end}."
        )
        with self.output:
            self.output.clear_output(wait=True)
            display(Markdown(self.last_findings))
            if table.height:
                points = trade.chart_points(series, table, start, end)
                display(charts.headline_chart(points, trade.statement_points(statements, start, end), source_note=SOURCE_NOTE))


class ProductExplorer:
    """Products of a reporter's trade with a partner within a sector lens, from a trade_flows frame."""

    def __init__(self, flows: pl.DataFrame, describe: Callable[[list[str], str | None], dict[str, str]]) -> None:
        """`describe(codes, classification)` names products (e.g. bilateral.data.products.descriptions_for)."""
        self.flows = flows
        self.describe = describe
        reporters = sorted(flows.get_column("reporter_iso3").unique().to_list())
        partners = sorted(flows.get_column("partner_iso3").unique().to_list())
        self.reporter = widgets.Dropdown(options=reporters, value=reporters[0] if reporters else None, description="Reporter")
        self.partner = widgets.Dropdown(
            options=partners, value="RUS" if "RUS" in partners else (partners[0] if partners else None), description="Partner"
        )
        self.lens = widgets.Dropdown(options=list_lenses(), value="critical_minerals", description="Lens")
        self.flow = widgets.ToggleButtons(options=["export", "import"], value="export", description="Flow")
        self.output = widgets.Output()
        self.last_findings = ""
        self.last_table = pl.DataFrame()
        for control in (self.reporter, self.partner, self.lens, self.flow):
            control.observe(self.refresh, names="value")
        self.view = widgets.VBox([widgets.HBox([self.reporter, self.partner, self.lens]), self.flow, self.output])

    def refresh(self, _change: object = None) -> None:
        years = self.flows.get_column("year")
        if self.flows.is_empty() or self.reporter.value is None:
            self.last_table, self.last_findings = pl.DataFrame(), "This trade_flows table has no rows."
            self._show()
            return
        table, level = product_analysis.lens_table(
            apply_lens(self.flows, self.lens.value), self.reporter.value, self.partner.value, self.flow.value,
            int(years.min()), int(years.max()), self.describe,
        )
        self.last_table = table
        reporter_name, partner_name = country_name(self.reporter.value), country_name(self.partner.value)
        self.last_findings = (
            f"Products at HS{level}. " + product_analysis.product_findings(table, reporter_name, partner_name, self.flow.value)
            if table.height
            else f"No {self.flow.value} rows for {reporter_name}–{partner_name} in the {self.lens.value} lens."
        )
        self._show()

    def _show(self) -> None:
        with self.output:
            self.output.clear_output(wait=True)
            display(Markdown(self.last_findings))
            if self.last_table.height:
                display(charts.product_chart(self.last_table, source_note=PRODUCT_NOTE))
                display(Markdown(tables.markdown_table(
                    self.last_table,
                    {"product_code": "HS", "year": "Year", "value_usd": "US$ m", "share_pct": "Share %", "partner_rank": "Rank"},
                    {"value_usd": tables.usd_m, "share_pct": tables.pct_plain},
                )))


SOURCE_NOTE = "Source: official headline figures as cited per point (see tooltips)."
PRODUCT_NOTE = "Source: trade_flows as declared by the reporter (see the dataset's source.yml)."


def explorer(headlines: pl.DataFrame, flows: pl.DataFrame, describe: Callable[[list[str], str | None], dict[str, str]]) -> widgets.Tab:
    """Both explorers in tabs, each drawn once with its defaults."""
    headline, product = HeadlineExplorer(headlines), ProductExplorer(flows, describe)
    headline.refresh()
    product.refresh()
    tabs = widgets.Tab(children=[headline.view, product.view])
    tabs.set_title(0, "Headline trade")
    tabs.set_title(1, "Products in a lens")
    tabs.explorers = (headline, product)  # keep the Python objects reachable from the widget
    return tabs
