"""A rendered report works from a file with the network cut off: charts, bound controls, widgets.

The notebook is built and executed here (venv kernel), rendered with `render_html`, and opened in
headless Chromium where every request besides the report file is aborted and recorded.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from browser import OfflinePage
from nbclient import NotebookClient

from bilateral.reports.render import write_html

pytestmark = pytest.mark.browser

# Region A has bars p, q, r (1, 4, 9); B has s, t (2, 6); C has u (8). SVG so marks can be counted.
CHART_CELL = """\
import altair as alt
import pandas as pd

alt.renderers.set_embed_options(renderer="svg")
frame = pd.DataFrame({"region": list("AAABBC"), "item": list("pqrstu"), "value_usd": [1, 4, 9, 2, 6, 8]})
region = alt.param(name="region", value="A", bind=alt.binding_select(options=["A", "B", "C"], name="Region "))
minimum = alt.param(name="minimum", value=0, bind=alt.binding_range(min=0, max=10, step=1, name="Minimum "))
(
    alt.Chart(frame)
    .mark_bar()
    .encode(x="item:N", y="value_usd:Q", tooltip=["item", "value_usd"])
    .add_params(region, minimum)
    .transform_filter((alt.datum.region == region) & (alt.datum.value_usd >= minimum))
)
"""
WIDGET_CELL = """\
import ipywidgets as widgets

widgets.VBox([widgets.IntSlider(value=7, min=0, max=10, description="Year"), widgets.HTML("<b>saved state</b>")])
"""
BARS = ".vega-embed svg .role-mark.mark-rect path"
X_LABELS = ".vega-embed svg [aria-label^='X-axis'] .role-axis-label text"


def build_notebook() -> nbformat.NotebookNode:
    cells = [
        nbformat.v4.new_markdown_cell("# Offline report\n\nA chart with bound controls and a widget."),
        nbformat.v4.new_code_cell(CHART_CELL),
        nbformat.v4.new_code_cell(WIDGET_CELL),
    ]
    return nbformat.v4.new_notebook(cells=cells)


@pytest.fixture(scope="module")
def report_path(tmp_path_factory: pytest.TempPathFactory, python3_kernel: str) -> Path:
    """The notebook above, executed in the venv's kernel and rendered to report.html."""
    workdir = tmp_path_factory.mktemp("offline_report")
    nb = build_notebook()
    NotebookClient(
        nb, kernel_name=python3_kernel, timeout=120, resources={"metadata": {"path": str(workdir)}}
    ).execute()
    assert "application/vnd.jupyter.widget-state+json" in nb.metadata.get("widgets", {}), "widget state not saved"
    return write_html(nb, workdir / "report.html")


def open_report(offline_page: OfflinePage, report_path: Path) -> object:
    offline_page.open(report_path)
    offline_page.page.wait_for_selector(BARS)
    return offline_page.page


def x_labels(page: object) -> list[str]:
    return page.locator(X_LABELS).all_text_contents()


def wait_for_bar_count(page: object, count: int) -> None:
    page.wait_for_function("([sel, n]) => document.querySelectorAll(sel).length === n", arg=[BARS, count])


def test_chart_renders_from_the_file_with_no_request_and_no_error(offline_page: OfflinePage, report_path: Path):
    page = open_report(offline_page, report_path)
    assert page.locator(BARS).count() == 3
    assert x_labels(page) == ["p", "q", "r"]
    offline_page.assert_clean()


def test_selecting_a_region_filters_the_chart(offline_page: OfflinePage, report_path: Path):
    page = open_report(offline_page, report_path)
    page.select_option(".vega-bindings select", "B")
    wait_for_bar_count(page, 2)
    assert x_labels(page) == ["s", "t"]
    offline_page.assert_clean()


def test_range_slider_filters_the_chart(offline_page: OfflinePage, report_path: Path):
    page = open_report(offline_page, report_path)
    # Vega listens for `input` on range sliders; Playwright cannot drag one to an exact value.
    page.locator(".vega-bindings input[type=range]").evaluate(
        "el => { el.value = '5'; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    wait_for_bar_count(page, 1)
    assert x_labels(page) == ["r"]
    offline_page.assert_clean()


def test_widgets_render_from_saved_state(offline_page: OfflinePage, report_path: Path):
    offline_page.open(report_path)
    page = offline_page.page
    page.wait_for_selector(".jupyter-widgets.widget-slider .widget-readout")
    assert page.locator(".widget-slider .widget-readout").inner_text() == "7"
    assert page.locator(".widget-slider .widget-label").first.inner_text() == "Year"
    assert page.locator(".widget-html-content").inner_text() == "saved state"
    offline_page.assert_clean()
