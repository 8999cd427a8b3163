"""Papermill's own command line keeps working on every report notebook: the parameters land after the
`parameters` cell (so they take effect), and a report runs under plain papermill without the workbench."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from datacopy import REPO

from bilateral.reports.params import SCHEMAS

PAPERMILL = [sys.executable, "-m", "papermill"]


@pytest.mark.parametrize("notebook", sorted(SCHEMAS))
def test_papermill_injects_parameters_right_after_the_parameters_cell(notebook: str, tmp_path: Path):
    import papermill  # the code path of `papermill IN OUT --prepare-only -p start_year 2016`, without its start-up

    out = tmp_path / f"{notebook}.ipynb"
    papermill.execute_notebook(
        str(REPO / "notebooks" / f"{notebook}.ipynb"),
        str(out),
        {"start_year": 2016},
        prepare_only=True,
        progress_bar=False,
    )
    tags = [cell["metadata"].get("tags", []) for cell in json.loads(out.read_text())["cells"]]
    position = tags.index(["parameters"])
    assert tags[position + 1] == ["injected-parameters"]


@pytest.mark.slow
def test_papermill_runs_a_report_notebook_end_to_end(tmp_path: Path, python3_kernel: str):
    out = tmp_path / "out.ipynb"
    done = subprocess.run(
        [
            *PAPERMILL,
            str(REPO / "notebooks" / "trade_overview.ipynb"),
            str(out),
            "-p",
            "partner",
            "KAZ",
            "-k",
            python3_kernel,
            "--cwd",
            str(REPO / "notebooks"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Trade between China and Kazakhstan was" in out.read_text()  # IMF DOTS: both sides declare this pair
