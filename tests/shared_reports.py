"""One report of each type (the first entry per notebook of plans/default.yml), rendered once per test session.

Browser tests that only read reports (page frame, charts) open these files instead of each rendering its own
copy, and the session opens each once (`opened_reports`) for the tests that only look. Under pytest-xdist both
workers share the folder: the first to ask renders it while holding a file lock, the other waits for the lock
and finds it done. Nothing else writes there, so a notebook's folder holds exactly
its one report (with the executed notebook and the notebook page beside it).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from browser import OfflinePage, new_offline_page
from cli_runner import run_cli
from datacopy import REPO

DONE = "rendered.ok"
# vega-embed draws after load: every chart has its title drawn (true at once for a page without charts)
CHARTS_DRAWN = "() => [...document.querySelectorAll('.vega-embed')].every(e => e.querySelector('svg .role-title-text'))"


def default_reports() -> dict[str, dict[str, object]]:
    """notebook -> parameters of its first entry in plans/default.yml (one report of each type)."""
    plan = yaml.safe_load((REPO / "plans" / "default.yml").read_text(encoding="utf-8"))
    chosen: dict[str, dict[str, object]] = {}
    for entry in plan["reports"]:
        chosen.setdefault(entry["notebook"], entry["parameters"])
    return chosen


def report_of(root: Path, notebook: str) -> Path:
    """The one report of `notebook` under `root` (not its notebook page)."""
    (path,) = sorted(p for p in (root / notebook).glob("*.html") if not p.name.endswith(".notebook.html"))
    return path


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        yield


def render_once(shared_tmp: Path) -> Path:
    """The reports folder under `shared_tmp`, rendering it first unless another worker already has."""
    root = shared_tmp / "one-of-each"
    with _locked(shared_tmp / "one-of-each.lock"):
        if not (root / DONE).is_file():
            root.mkdir(exist_ok=True)
            plan = root / "plan.yml"
            entries = [{"notebook": name, "parameters": values} for name, values in default_reports().items()]
            plan.write_text(yaml.safe_dump({"title": "One of each", "reports": entries}), encoding="utf-8")
            done = run_cli("report", "plan", str(plan), env={"BILATERAL_REPORTS_DIR": str(root / "reports")})
            assert done.returncode == 0, done.stdout + done.stderr
            (root / DONE).write_text("ok\n")
    return root / "reports"


def run_reused(one_of_each: Path, notebook: str, *args: str) -> Path:
    """`bilateral report run NOTEBOOK ARGS` on the one-of-each folder, which holds that very report: the CLI finds it
    unchanged and reuses it, and the test reads the report the session rendered. Returns its HTML path.

    ARGS must give the parameters of the plan's entry (they are compared before running): other parameters would
    write a second report into the shared folder.
    """
    from bilateral.reports.params import validate_parameters

    given = dict(arg.split("=", 1) for arg in args if arg != "-p")
    wanted = default_reports()[notebook]
    if validate_parameters(notebook, given) != validate_parameters(notebook, wanted):
        pytest.fail(f"{notebook} {given} is not the one-of-each report {wanted}", pytrace=False)
    done = run_cli("report", "run", notebook, *args, env={"BILATERAL_REPORTS_DIR": str(one_of_each)})
    assert done.returncode == 0, done.stderr
    html = report_of(one_of_each, notebook)
    assert "reused" in done.stdout and done.stdout.strip().endswith(str(html)), done.stdout
    return html


@pytest.fixture(scope="session")
def one_of_each(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """The reports folder holding one report of each type (see the module docstring)."""
    base = tmp_path_factory.getbasetemp()
    # an xdist worker's temporary folder sits in one the workers share; without workers, the session's own
    return render_once(base.parent if hasattr(request.config, "workerinput") else base)


@pytest.fixture(scope="session")
def opened_reports(one_of_each: Path, chromium_browser: object) -> Iterator[dict[str, OfflinePage]]:
    """Each one-of-each report opened once, offline, at 1280 px with its charts drawn: notebook -> page.

    Tests that resize, print or otherwise change a page put it back as they found it.
    """
    pages: dict[str, OfflinePage] = {}
    contexts = []
    for notebook in default_reports():
        context, offline = new_offline_page(chromium_browser)
        contexts.append(context)
        offline.page.set_viewport_size({"width": 1280, "height": 900})
        offline.open(report_of(one_of_each, notebook))
        offline.page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
        pages[notebook] = offline
    yield pages
    for context in contexts:
        context.close()
