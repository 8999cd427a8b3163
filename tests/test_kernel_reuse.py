"""A warm kernel runs report after report: nothing one report changes may reach the next.

What can be put back exactly (variables, environment, working directory, sys.path, warning filters,
altair theme and data-transformer options, polars and pandas display options) is put back and the
kernel is reused; what cannot (a module global rebound, a new package imported: its import may have
patched anything) makes the runner replace the kernel. Either way the next report sees a clean kernel.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from runner_notebooks import cell, notebook

from bilateral.reports.kernels import WarmKernel

CHANGE_RESTORABLE_STATE = """
import os, sys, warnings
import altair as alt
import pandas as pd
import polars as pl
leaked_variable = 42
os.environ["BILATERAL_LEAK"] = "1"
os.chdir("/")
sys.path.append("/leak")
warnings.simplefilter("error")
alt.theme.enable("dark")
alt.data_transformers.enable("default", max_rows=None)
pl.Config.set_tbl_rows(3)
pd.set_option("display.max_rows", 3)
"""

REBIND_A_LIBRARY_GLOBAL = """
import bilateral.viz.charts as charts
charts.LEAKED = "from the previous report"
"""

IMPORT_A_PACKAGE_WITH_SIDE_EFFECTS = """
import sys
sys.path.insert(0, {folder!r})
import leakprobe  # on import, it patches bilateral.viz.charts
"""

REPORT_STATE = """
import json, os, sys, warnings
import altair as alt
import pandas as pd
import bilateral.viz.charts as charts
print(json.dumps({
    "variable": "leaked_variable" in globals(),
    "env": os.environ.get("BILATERAL_LEAK"),
    "cwd": os.getcwd(),
    "sys_path": "/leak" in sys.path,
    "warnings_as_errors": warnings.filters[0][:3] == ("error", None, Warning),
    "theme": alt.theme.active,
    "max_rows": alt.data_transformers.options.get("max_rows", "unset"),
    "polars_rows": os.environ.get("POLARS_FMT_MAX_ROWS"),
    "pandas_rows": pd.get_option("display.max_rows"),
    "charts_global": hasattr(charts, "LEAKED"),
    "probe_loaded": "leakprobe" in sys.modules,
}))
"""


def clean_state(cwd: Path) -> dict[str, object]:
    """What a fresh kernel reports (written by hand: defaults of each library; the altair theme is the project's,
    which bilateral.viz.theme enables when a chart module is imported, as REPORT_STATE does)."""
    return {
        "variable": False,
        "env": None,
        "cwd": str(cwd),
        "sys_path": False,
        "warnings_as_errors": False,
        "theme": "bilateral",
        "max_rows": "unset",
        "polars_rows": None,
        "pandas_rows": 60,
        "charts_global": False,
        "probe_loaded": False,
    }


def code_notebook(source: str) -> nbformat.NotebookNode:
    return nbformat.from_dict(notebook([cell("code", source)]))


def printed_state(kernel: WarmKernel) -> dict[str, object]:
    executed = kernel.execute(code_notebook(REPORT_STATE), {}, timeout=60).notebook
    return json.loads(executed.cells[0].outputs[0]["text"])


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory, python3_kernel: str) -> Iterator[WarmKernel]:
    warm = WarmKernel(tmp_path_factory.mktemp("kernel-cwd"), kernel_name=python3_kernel)
    warm.start()
    yield warm
    warm.close()


def test_restorable_changes_are_undone_and_the_kernel_is_reused(kernel: WarmKernel):
    kernel.execute(code_notebook(CHANGE_RESTORABLE_STATE), {}, timeout=60)
    pid = kernel.pid
    assert kernel.problems == []
    assert printed_state(kernel) == clean_state(kernel.cwd)
    assert kernel.pid == pid, "nothing unrestorable happened: the same kernel ran the next report"


def test_a_rebound_library_global_or_an_import_with_side_effects_replaces_the_kernel(
    kernel: WarmKernel, tmp_path: Path
):
    (tmp_path / "leakprobe.py").write_text("import bilateral.viz.charts as charts\ncharts.PROBE = True\n")
    source = REBIND_A_LIBRARY_GLOBAL + IMPORT_A_PACKAGE_WITH_SIDE_EFFECTS.format(folder=str(tmp_path))
    kernel.execute(code_notebook(source), {}, timeout=60)
    pid = kernel.pid
    assert any("imported new packages: leakprobe" in problem for problem in kernel.problems)
    assert any("bilateral.viz.charts.LEAKED" in problem for problem in kernel.problems)
    assert printed_state(kernel) == clean_state(kernel.cwd)
    assert kernel.pid != pid


def test_execution_counts_start_at_one_for_every_report(kernel: WarmKernel):
    for _ in range(2):
        executed = kernel.execute(code_notebook("x = 1\ny = 2"), {}, timeout=60).notebook
        assert executed.cells[0].execution_count == 1


REPORT_WITH_PAGE = """
import altair as alt
import pandas as pd
from bilateral.data import catalog
from bilateral.reports.pages import Page
frame = pd.DataFrame({"year": [2019, 2020], "value": [1.0, 2.0]})
page = Page(
    title="Card test",
    answer="It ran. Nothing else.",
    has_data=True,
    charts={"Values": alt.Chart(frame).mark_line().encode(x="year:O", y="value:Q")},
    sources=[catalog.citation("imf_dots")],
)
"""


def test_collecting_the_gallery_card_keeps_the_kernel_reusable_and_records_no_data_read(
    tmp_path: Path, python3_kernel: str
):
    from bilateral.reports.execute import COLLECT_SUMMARY

    # warmed with the summary module preloaded, as a replacement kernel is after a first report imported it
    warm = WarmKernel(tmp_path, kernel_name=python3_kernel, learned={"bilateral.reports.summary"})
    warm.start()
    try:
        pid = warm.pid
        for _ in range(2):
            execution = warm.execute(code_notebook(REPORT_WITH_PAGE), {}, timeout=60, collect=COLLECT_SUMMARY)
            assert execution.summary["finding"] == "It ran."
            assert execution.summary["sources"] == ["IMF Direction of Trade Statistics (DOTS)"]
            assert execution.summary["data_years"] == [2019, 2020]
            assert warm.problems == [], "reading the source labels left nothing to undo"
            # the report read imf_dots' sidecar (its citation); the labels read every source's, which must not count
            assert [Path(path).parent.name for path in execution.reads] == ["imf_dots"]
        assert warm.pid == pid
    finally:
        warm.close()


# The first report of the default plan: it reads the IMF DOTS workbook (polars' Excel engine, fastexcel, is
# imported on first use) and sends outputs large enough for pyzmq's zero-copy path, whose first use starts a
# garbage-collector thread. Both belong to any kernel's life, not to a report: the kernel must stay.
READ_EXCEL_AND_SEND_A_LARGE_OUTPUT = """
from IPython.display import display, HTML
from bilateral.data import catalog
trade = catalog.load("dots_trade")
display(HTML("<p>" + "x" * 2_000_000 + "</p>"))
print(trade.select("value_usd").collect().height > 0)
"""

LEAVE_A_THREAD_RUNNING = """
import threading, time
threading.Thread(target=time.sleep, args=(30,), name="leaky-sleeper", daemon=True).start()
"""


def test_reading_excel_and_a_large_output_keep_the_kernel(kernel: WarmKernel):
    pid = kernel.pid
    executed = kernel.execute(code_notebook(READ_EXCEL_AND_SEND_A_LARGE_OUTPUT), {}, timeout=60).notebook
    assert executed.cells[0].outputs[-1]["text"] == "True\n"
    assert kernel.problems == []
    assert printed_state(kernel) == clean_state(kernel.cwd)
    assert kernel.pid == pid


# The library's widgets (a control row, the explorer's controls) built in a report: the reset closes every widget the
# report made, which once included a Layout the library made at import and shared, so the next report's row failed.
BUILD_A_CONTROL_ROW = """
import ipywidgets as widgets
from bilateral.viz.controls import row
print(row(widgets.Button(description="Render")).model_id != "")
"""


def test_a_report_with_the_librarys_controls_runs_twice_on_one_kernel(kernel: WarmKernel):
    pid = kernel.pid
    for _ in range(2):
        executed = kernel.execute(code_notebook(BUILD_A_CONTROL_ROW), {}, timeout=60).notebook
        assert executed.cells[0].outputs[-1]["text"] == "True\n"
        assert kernel.problems == []
    assert kernel.pid == pid


def test_a_thread_left_running_replaces_the_kernel_and_is_named(kernel: WarmKernel):
    kernel.execute(code_notebook(LEAVE_A_THREAD_RUNNING), {}, timeout=60)
    pid = kernel.pid
    assert kernel.problems == ["1 thread(s) still running: leaky-sleeper (time.sleep)"]
    assert printed_state(kernel) == clean_state(kernel.cwd)
    assert kernel.pid != pid


def test_a_dependency_the_notebook_imports_is_preloaded_and_keeps_the_kernel(
    tmp_path_factory: pytest.TempPathFactory, python3_kernel: str
):
    fresh = WarmKernel(tmp_path_factory.mktemp("preload-cwd"), kernel_name=python3_kernel)
    fresh.start()
    try:
        loaded = "import json, sys\nprint(json.dumps('pandas' in sys.modules))"
        assert fresh.execute(code_notebook(loaded), {}, timeout=60).notebook.cells[0].outputs[0]["text"] == "false\n"
        pid = fresh.pid
        uses_pandas = "import pandas as pd\nprint(pd.Series([1, 2]).sum())"
        assert fresh.execute(code_notebook(uses_pandas), {}, timeout=60).notebook.cells[0].outputs[0]["text"] == "3\n"
        assert fresh.problems == [] and "pandas" in fresh.packages
        assert printed_state(fresh) == clean_state(fresh.cwd) and fresh.pid == pid  # the same kernel, clean
    finally:
        fresh.close()


def test_the_packages_a_notebook_imports_are_read_from_its_code_cells():
    from bilateral.reports.execute import notebook_packages

    nb = nbformat.from_dict(
        notebook(
            [
                cell("code", "import os.path, pandas as pd\nfrom polars import col\nfrom . import sibling"),
                cell("code", "def f():\n    import requests\nfrom bilateral.viz import charts"),
                cell("code", "%matplotlib inline\nimport matplotlib"),  # magics: not Python, not read
                cell("markdown", "import numpy"),
            ]
        )
    )
    assert notebook_packages(nb) == {"os", "pandas", "polars", "requests"}
