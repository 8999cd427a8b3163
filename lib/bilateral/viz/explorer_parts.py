"""What the explorer's three views share: the source menu, what a source covers, and the slot a page is shown in.

A view never computes what it shows: it turns its controls into a report's parameters, validates them through
the report's schema and calls the report's build function (`bilateral.reports.pages.<notebook>.build`), then
shows the resulting `Page` here. So an exploration and a report never compute a number two ways, and a
selection the report would refuse is refused with the report's own message.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from bilateral.data.countries import country_name
from bilateral.errors import BilateralError, ParameterError
from bilateral.reports.pages import Page
from bilateral.viz import notebook
from bilateral.viz.text import Markdown

CITED_CHOICE = "Cited statements (official headline figures)"
DETAILS_TITLE = "Tables, caveats and sources"


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


@dataclass(frozen=True)
class Coverage:
    """What a source holds, for the controls only: reporter and partner codes, and its first and last year."""

    reporters: frozenset[str]
    partners: frozenset[str]
    years: tuple[int, int] | None

    @property
    def is_empty(self) -> bool:
        return self.years is None


def trade_flows_coverage(source: str) -> Coverage:
    """The reporters, partners and years of a trade_flows source (three columns read, nothing else)."""
    from bilateral.data.trade_flows import scan_trade_flows

    frame = scan_trade_flows(source).select("reporter_iso3", "partner_iso3", "year").unique().collect()
    if frame.is_empty():
        return Coverage(frozenset(), frozenset(), None)
    years = frame.get_column("year")
    return Coverage(
        frozenset(frame.get_column("reporter_iso3").to_list()),
        frozenset(frame.get_column("partner_iso3").to_list()),
        (int(years.min()), int(years.max())),
    )


def country_options(codes: set[str] | frozenset[str]) -> list[tuple[str, str]]:
    """Dropdown options `Name (ISO3)` sorted by name. Left out: the World aggregate, and codes that are not current
    ISO 3166 countries (IMF DOTS keeps e.g. YMD, former South Yemen), which the reports' parameters refuse."""
    options = []
    for code in codes:
        if code == "WLD":
            continue
        try:
            options.append((f"{country_name(code)} ({code})", code))
        except ParameterError:
            continue
    return sorted(options, key=lambda option: option[0])


def set_options(control: widgets.Dropdown, codes: set[str] | frozenset[str], preferred: str | None) -> None:
    """New options for one dropdown: keep its choice if still offered, else `preferred`, else the first."""
    options = country_options(codes)
    values = [code for _label, code in options]
    keep = next((v for v in (control.value, preferred) if v in values), values[0] if values else None)
    control.options = options
    control.value = keep


def build_page(notebook_name: str, values: dict[str, Any]) -> Page:
    """Validate `values` through the report's schema and build its page (ParameterError says what to change)."""
    from bilateral.reports.params import validate_parameters

    params = validate_parameters(notebook_name, values)
    return importlib.import_module(f"bilateral.reports.pages.{notebook_name}").build(params)


class PageSlot:
    """Shows a report's Page in the explorer: the answer, each chart under its heading, then a closed
    section with the tables, caveats and sources. Closes the chart widgets it replaces (in JupyterLab
    each chart is a widget whose front-end module and spec would otherwise stay in the page)."""

    def __init__(self) -> None:
        self.output = widgets.Output(layout=widgets.Layout(width="100%", overflow="auto"))
        self._chart_widgets: list[Any] = []

    def show(self, page: Page | None, message: str = "") -> None:
        """`page`, or only `message` when there is no page (a refused selection, a source with no rows)."""
        for widget in self._chart_widgets:
            widget.close()
        self._chart_widgets = []
        with self.output:
            self.output.clear_output(wait=True)
            if page is None:
                display(Markdown(message))
                return
            display(Markdown("\n\n".join(part for part in (page.answer, page.key_numbers_markdown()) if part)))
            for heading, chart in page.charts.items():
                display(Markdown(f"#### {heading}"), self._drawable(chart))
            display(self._details(page))

    def _drawable(self, chart: Any) -> Any:
        # legend below the chart, so it fits beside the tab's padding
        chart = chart.configure_legend(orient="bottom", direction="horizontal", columns=3, labelLimit=0)
        if notebook.is_enabled():  # in JupyterLab: our widget, so it can be closed when replaced
            chart = notebook.chart_widget(chart)
            self._chart_widgets.append(chart)
        return chart

    @staticmethod
    def _details(page: Page) -> widgets.Accordion:
        body = widgets.Output()
        parts = (page.tables_markdown(), page.notes_markdown(), page.sources_markdown())
        with body:
            display(Markdown("\n\n".join(part for part in parts if part)))
        details = widgets.Accordion(children=[body], layout=widgets.Layout(width="100%"))
        details.set_title(0, DETAILS_TITLE)
        details.selected_index = None  # closed: the answer and the charts come first
        return details
