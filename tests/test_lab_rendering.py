"""The JupyterLab chart renderer (bilateral.viz.notebook) and the `make lab` launcher (tools/lab.py).

The renderer must load no code from the network, use the same vega builds as the reports, switch on only
in kernels a Jupyter server started, and never in a kernel papermill starts (even from such a kernel).
The browser side is tests/test_lab_browser.py.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import altair as alt
import nbformat
import pytest
from nbclient import NotebookClient

from bilateral.reports.assets import read_manifest
from bilateral.viz import notebook

REPO_DIR = Path(__file__).resolve().parent.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def load_launcher():
    spec = importlib.util.spec_from_file_location("lab_launcher", REPO_DIR / "tools" / "lab.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, False),  # a script, the CLI, nbval, papermill started from a shell
        ({"JPY_SESSION_NAME": "/n/x.ipynb"}, True),  # a kernel a Jupyter server started for a notebook
        ({"JPY_SESSION_NAME": "/n/x.ipynb", "BILATERAL_LAB_KERNEL_PID": "42"}, True),  # ... that enabled it itself
        ({"JPY_SESSION_NAME": "/n/x.ipynb", "BILATERAL_LAB_KERNEL_PID": "7"}, False),  # papermill run from that kernel
        ({"JPY_SESSION_NAME": "/n/x.ipynb", "BILATERAL_LAB_KERNEL_PID": "0"}, False),  # `!bilateral report run` from it
        ({"JPY_SESSION_NAME": "/n/x.ipynb", "BILATERAL_CHART_RENDERER": "default"}, False),
        ({"BILATERAL_CHART_RENDERER": "lab"}, True),
    ],
)
def test_the_widget_renderer_is_for_notebook_kernels_of_a_jupyter_server_only(environ, expected):
    assert notebook.in_lab_kernel(environ, pid=42) is expected


def test_the_front_end_module_loads_nothing_from_the_network_and_inlines_the_reports_vega_builds():
    esm = notebook.offline_esm()
    libraries = notebook.vega_libraries_module()
    assert re.search(r"^\s*import\s", esm, re.MULTILINE) is None and "esm.sh" not in esm
    # its imports are of the libraries it carries (as a string: see the second-chart test), from a blob: or data: URL
    assert re.findall(r"\bimport\((\w+|\"[^\"]*\")", esm) == ["url", '"data:text/javascript;charset=utf-8,"']
    assert json.dumps(libraries) in esm
    versions = {entry.npm_package: entry.version for entry in read_manifest()}
    assert versions["vega-lite"] == alt.VEGALITE_VERSION
    assert f'var n="{versions["vega-lite"]}"' in libraries  # vega-lite's build names its version
    assert f't.version="{versions["vega"]}"' in libraries


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_front_end_module_evaluates_and_exports_a_render_function(tmp_path: Path):
    module = tmp_path / "chart.mjs"
    module.write_text(notebook.offline_esm(), encoding="utf-8")
    script = f"import({json.dumps(module.as_uri())}).then(m => console.log(typeof m.default.render))"
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "function", result.stderr


# The widget's front end driven as anywidget drives it: `render({model, el})` with a model holding the widget's state.
# Each scenario below gets `widget`, `model`, `column` (a 600 px wide div), `pause()` and `width(el)` (the drawing's).
_HARNESS = """async ([esm, spec]) => {
  const url = URL.createObjectURL(new Blob([esm], {type: "text/javascript"}));
  const widget = (await import(url)).default;
  const state = {spec, embed_options: {renderer: "svg", actions: false}, _vl_selections: {}, _params: {}};
  const model = {get: (k) => state[k], set: (k, v) => { state[k] = v; }, save_changes: () => {}, on: () => {}};
  const column = document.getElementById("column");
  const pause = () => new Promise((r) => setTimeout(r, 300));
  const width = (el) => el.querySelector("svg.marks").getBoundingClientRect().width;
  SCENARIO
}"""
_RENDER_DETACHED = """
  const el = document.createElement("div");  // as JupyterLab may hand it over: not in the page yet
  const drawn = widget.render({model, el});
  await pause();
  column.appendChild(el);  // the output area attaches it
  await drawn;
  await pause();
  return width(el);
"""
_HIDE_RESIZE_SHOW = """
  const el = document.createElement("div");
  column.appendChild(el);
  await widget.render({model, el});
  await pause();
  const drawn = width(el);
  column.style.display = "none";  // its tab closed, or its notebook in the background ...
  window.dispatchEvent(new Event("resize"));  // ... while the window is resized
  await pause();
  column.style.display = "";  // the tab opened again
  await pause();
  return [drawn, width(el)];
"""


# A second chart in the same page, as anywidget sets up every widget: its own copy of the module, imported afresh.
# The vega libraries must come from the first chart's import, not be read in again (0.8 MB of JavaScript a chart).
_SECOND_CHART = """
  const first = document.createElement("div");
  column.appendChild(first);
  await widget.render({model, el: first});
  const again = URL.createObjectURL(new Blob([esm], {type: "text/javascript"}));
  const imports = [];
  const makeUrl = URL.createObjectURL;  // the module makes a URL of the libraries' text to import them
  URL.createObjectURL = (blob) => { imports.push(blob.size); return makeUrl(blob); };
  const second = document.createElement("div");
  column.appendChild(second);
  await (await import(again)).default.render({model, el: second});
  URL.createObjectURL = makeUrl;
  await pause();
  return [imports, Object.keys(globalThis.__bilateralVega ?? {}).length, width(first), width(second)];
"""


def run_widget_scenario(browser: object, scenario: str) -> object:
    """Draw a line chart as wide as its container with the lab front end in a 600 px column; run `scenario`."""
    spec = (
        alt.Chart(alt.Data(values=[{"x": 2000, "y": 1}, {"x": 2020, "y": 3}]))
        .mark_line()
        .encode(x="x:Q", y="y:Q")
        .properties(width="container")
        .to_dict()
    )
    page = browser.new_page()
    try:
        page.set_content('<div id="column" style="width: 600px"></div>')
        return page.evaluate(_HARNESS.replace("SCENARIO", scenario), [notebook.offline_esm(), spec])
    finally:
        page.close()


@pytest.mark.browser
def test_a_chart_rendered_before_its_output_is_in_the_page_still_gets_the_column_width(chromium_browser):
    # the widget's render() may run on an element JupyterLab has not attached yet; a chart as wide as its container
    # read 0 px then and collapsed onto its axis (seen in JupyterLab as a blank chart, now and then)
    assert 500 <= run_widget_scenario(chromium_browser, _RENDER_DETACHED) <= 600


@pytest.mark.browser
def test_a_second_chart_in_the_page_reuses_the_vega_libraries_the_first_loaded(chromium_browser):
    imports, loaded, first, second = run_widget_scenario(chromium_browser, _SECOND_CHART)
    assert imports == [] and loaded == 1, "the second chart read the vega libraries in again"
    assert 500 <= first <= 600 and second == first


@pytest.mark.browser
def test_a_chart_hidden_during_a_window_resize_is_as_wide_as_its_column_when_shown_again(chromium_browser):
    drawn, shown_again = run_widget_scenario(chromium_browser, _HIDE_RESIZE_SHOW)
    assert 500 <= drawn <= 600
    assert shown_again == drawn


def test_enabled_charts_become_offline_widgets_and_disable_restores_the_report_renderer():
    try:
        notebook.enable()
        bundle = alt.Chart(alt.Data(values=[{"x": 1}])).mark_point().encode(x="x:Q")._repr_mimebundle_()
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        assert WIDGET_VIEW in data
        assert notebook.chart_widget_class()._esm == notebook.offline_esm()
        assert notebook.DEFAULT_EMBED_OPTIONS["actions"]["editor"] is False
    finally:
        notebook.disable()
    assert alt.renderers.active == "default"


def test_the_widget_draws_exactly_the_spec_altair_hands_the_renderer(monkeypatch):
    # a layered chart with a bound control and a tooltip, as the reports draw them
    data = alt.Data(
        values=[{"year": 2020, "value": 1.5, "flow": "Exports"}, {"year": 2021, "value": 2.0, "flow": "Imports"}]
    )
    flow = alt.param(name="flow", value="Exports", bind=alt.binding_select(options=["Exports", "Imports"]))
    line = alt.Chart(data).mark_line().encode(x="year:O", y="value:Q").transform_filter(alt.datum.flow == flow)
    spec = alt.layer(line, line.mark_point().encode(tooltip=["year:O", "value:Q"])).add_params(flow).to_dict()
    opened = []  # (widget, its state when its comm opened): what the front end first receives
    widget_class = notebook.spec_widget_class()
    original_open = widget_class.open
    monkeypatch.setattr(
        widget_class, "open", lambda self: (opened.append((self, self.get_state())), original_open(self))[1]
    )
    try:
        notebook.enable()
        bundle = notebook._render(spec, embed_options={"renderer": "canvas"})
    finally:
        notebook.disable()
    ((widget, state_at_open),) = opened
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data[WIDGET_VIEW]["model_id"] == widget.model_id
    # the control, the filter and the tooltip, untouched, in the very first message to the front end
    assert state_at_open["spec"] == spec and widget.spec == spec
    assert widget._esm == notebook.offline_esm()
    assert widget.embed_options == {**notebook.DEFAULT_EMBED_OPTIONS, "renderer": "canvas"}


def test_a_papermill_kernel_started_from_a_lab_kernel_keeps_the_report_renderer(monkeypatch, python3_kernel: str):
    # the explorer's report button: the lab kernel (this process, say) enabled the widget renderer, and the
    # report kernel it starts inherits JPY_SESSION_NAME; its chart must still be the HTML the reports inline
    monkeypatch.setenv("JPY_SESSION_NAME", "/somewhere/explore.ipynb")
    monkeypatch.setenv("BILATERAL_LAB_KERNEL_PID", "1")
    cell = "import bilateral, altair as alt\nalt.Chart(alt.Data(values=[{'x': 1}])).mark_point().encode(x='x:Q')"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
    NotebookClient(nb, kernel_name=python3_kernel, timeout=120).execute()
    (output,) = nb.cells[0].outputs
    assert "text/html" in output["data"] and WIDGET_VIEW not in output["data"]


def test_make_lab_as_root_passes_allow_root_and_says_why():
    launcher = load_launcher()
    argv, env, notes = launcher.lab_command(["--no-browser"], uid=0, environ={"JUPYTER_CONFIG_PATH": "/elsewhere"})
    assert argv[:3] == [sys.executable, "-m", "jupyterlab"] and "--allow-root" in argv
    assert notes == [launcher.ROOT_MESSAGE] and "--allow-root" in notes[0]
    assert env["JUPYTER_CONFIG_PATH"].split(":") == [str(REPO_DIR / "tools" / "jupyter"), "/elsewhere"]
    assert f"--ServerApp.root_dir={REPO_DIR}" in argv and env["BILATERAL_LAB_ROOT_DIR"] == str(REPO_DIR)


def test_make_lab_as_a_user_adds_nothing_and_respects_a_root_dir_given():
    launcher = load_launcher()
    argv, env, notes = launcher.lab_command(["--ServerApp.root_dir=/tmp/work"], uid=1000, environ={})
    assert "--allow-root" not in argv and notes == []
    assert [arg for arg in argv if "root_dir" in arg] == ["--ServerApp.root_dir=/tmp/work"]
    assert env["BILATERAL_LAB_ROOT_DIR"] == str(Path("/tmp/work").resolve()) and env["BILATERAL_LAB_BASE_URL"] == "/"


def test_the_project_settings_turn_news_and_update_checks_off_and_bind_to_loopback():
    config = REPO_DIR / "tools" / "jupyter"
    server = json.loads((config / "jupyter_server_config.json").read_text())
    overrides = json.loads((config / "labconfig" / "default_setting_overrides.json").read_text())
    assert server["ServerApp"]["ip"] == "127.0.0.1" and server["LabApp"]["news_url"] is None
    assert server["LabApp"]["check_for_updates_class"].endswith("NeverCheckForUpdate")
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}
