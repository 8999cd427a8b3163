"""Offline HTML reports: vendored scripts are verified, inlined once, and nothing loads from a CDN."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest

from bilateral.errors import ReportError
from bilateral.reports import render
from bilateral.reports.assets import VENDOR_DIR, load_vendor_scripts, read_manifest, verify_file
from bilateral.reports.render import TEMPLATES_DIR, render_html, write_html

WIDGET_STATE = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2, "version_minor": 0}}


def chart_output(value: int) -> nbformat.NotebookNode:
    """A display_data output exactly as altair's default renderer emits it in a kernel."""
    chart = alt.Chart(pd.DataFrame({"x": [value, value + 1]})).mark_point().encode(x="x:Q")
    return nbformat.v4.new_output("display_data", data=chart._repr_mimebundle_())


def notebook_with_two_charts() -> nbformat.NotebookNode:
    code = nbformat.v4.new_code_cell("secret_code_marker = 1\nchart")
    code.outputs = [chart_output(1), chart_output(5)]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Trade at a glance\n\nText."), code])


@pytest.fixture(scope="module")
def scripts():
    return load_vendor_scripts()


@pytest.fixture(scope="module")
def chart_html() -> str:
    return render_html(notebook_with_two_charts())


def test_every_vendored_file_matches_its_recorded_sha256():
    for entry in read_manifest():
        assert verify_file(entry)  # raises on mismatch


def test_manifest_lists_every_vendored_script():
    assert {entry.file for entry in read_manifest()} == {path.name for path in VENDOR_DIR.glob("*.js")}


def test_vendored_vega_lite_is_the_build_altair_names(scripts):
    assert scripts.versions["vega-lite"] == alt.VEGALITE_VERSION


def test_tampered_vendor_file_is_a_report_error_naming_the_file(tmp_path: Path):
    vendor = shutil.copytree(VENDOR_DIR, tmp_path / "vendor")
    with (vendor / "vega-embed-7.3.0.min.js").open("a") as handle:
        handle.write("\n/* tampered */")
    with pytest.raises(ReportError, match=r"vega-embed-7\.3\.0\.min\.js fails its checksum"):
        load_vendor_scripts(vendor)


def test_altair_upgrade_explains_how_to_revendor(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(alt, "VEGALITE_VERSION", "9.9.9")
    with pytest.raises(ReportError, match=r"Vendored vega-lite is 6\.4\.1 .*`npm pack vega-lite@9\.9\.9`"):
        load_vendor_scripts()


def test_two_charts_inline_each_library_exactly_once(chart_html: str, scripts):
    for text in (scripts.vega, scripts.vega_lite, scripts.vega_embed, scripts.requirejs):
        assert chart_html.count(text) == 1


def test_vega_libraries_load_before_require_js(chart_html: str, scripts):
    positions = [
        chart_html.index(text) for text in (scripts.vega, scripts.vega_lite, scripts.vega_embed, scripts.requirejs)
    ]
    assert positions == sorted(positions)
    assert chart_html.index('define("vega-embed"') > positions[-1]


def test_report_has_no_external_script_or_stylesheet(chart_html: str):
    assert re.findall(r"<script[^>]*\bsrc\s*=", chart_html, flags=re.IGNORECASE) == []
    assert re.findall(r"<link[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//", chart_html, flags=re.IGNORECASE) == []


def test_report_without_widgets_omits_the_html_manager(chart_html: str, scripts):
    assert scripts.html_manager not in chart_html
    assert "@jupyter-widgets/html-manager" not in chart_html


def test_report_drops_mathjax_and_mermaid(chart_html: str):
    assert "mathjax" not in chart_html.lower()
    assert "mermaid" not in chart_html.lower()


def test_report_with_widget_state_inlines_the_html_manager_once(scripts):
    nb = notebook_with_two_charts()
    nb.metadata["widgets"] = WIDGET_STATE
    html = render_html(nb)
    assert html.count(scripts.html_manager) == 1
    assert html.count('<script type="application/vnd.jupyter.widget-state+json">') == 1


def test_report_hides_code_and_prompts(chart_html: str):
    assert "secret_code_marker" not in chart_html
    assert "In&nbsp;[" not in chart_html


def test_title_comes_from_argument_then_first_heading():
    nb = notebook_with_two_charts()
    assert "<title>Trade at a glance</title>" in render_html(nb)
    assert "<title>China and Russia</title>" in render_html(nb, title="China and Russia")


def test_render_leaves_the_notebook_unchanged():
    nb = notebook_with_two_charts()
    render_html(nb, title="Other")
    assert "title" not in nb.metadata


def test_closing_script_tag_inside_vendored_js_is_escaped():
    assert render._inline_script('x = "</script>";') == 'x = "<\\/script>";'


def test_write_html_replaces_the_target_and_leaves_no_temporary_file(tmp_path: Path):
    target = tmp_path / "reports" / "glance.html"
    target.parent.mkdir()
    target.write_text("old")
    assert write_html(notebook_with_two_charts(), target) == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [path.name for path in target.parent.iterdir()] == ["glance.html"]


def test_template_ships_inside_the_package():
    package_dir = Path(render.__file__).parent
    assert package_dir / "templates" == TEMPLATES_DIR
    assert {path.name for path in (TEMPLATES_DIR / "bilateral").iterdir()} >= {"index.html.j2", "conf.json", "static"}
