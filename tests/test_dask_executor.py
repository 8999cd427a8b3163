"""The Dask executor on a LocalCluster: same reports, same cache, same gallery as the local executor."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from runner_notebooks import write_report_notebook
from typer.testing import CliRunner

from bilateral.cli import app

RUNNER = CliRunner()


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_copy: Path, python3_kernel: str) -> Iterator[str]:
    """One worker process (with one thread) that inherits the test's folders, like a worker on a shared disk.

    distributed is imported here, not at collection: both xdist workers collect every module, one runs this one.
    """
    distributed = pytest.importorskip("distributed")
    monkeypatch.setenv("BILATERAL_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("BILATERAL_NOTEBOOKS_DIR", str(tmp_path / "notebooks"))
    write_report_notebook(tmp_path / "notebooks")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local.scheduler_address


def test_a_plan_runs_on_dask_and_shares_the_cache_with_local_runs(tmp_path: Path, cluster: str):
    plan = tmp_path / "plan.yml"
    plan.write_text(
        "reports:\n  - notebook: trade_overview\n    parameters: {source: cited}\n    grid: {partner: [RUS, MNG]}\n"
    )
    on_dask = RUNNER.invoke(
        app, ["report", "plan", str(plan), "--executor", "dask", "--address", cluster, "--timeout", "60"]
    )
    assert on_dask.exit_code == 0, on_dask.output
    assert (tmp_path / "reports" / "index.html").read_text().count('class="card ok"') == 2
    html = (tmp_path / "reports" / "trade_overview" / "CHN-RUS_2005-2024.html").read_text()
    parent = int(re.search(r"kernel parent (\d+)", html).group(1))
    workers = {p.pid for p in psutil.Process().children(recursive=True)}
    assert parent in workers and parent != os.getpid(), "the kernel was started by the Dask worker process"

    local = RUNNER.invoke(app, ["report", "plan", str(plan), "--timeout", "60"])
    assert local.exit_code == 0
    index = (tmp_path / "reports" / "index.html").read_text()
    assert index.count('class="badge reused"') == 2, "the local run reused what the Dask workers made"
    assert 'href="trade_overview/CHN-RUS_2005-2024.html"' in index
    # nothing would run now, and still a wrong option is refused rather than ignored
    no_address = RUNNER.invoke(app, ["report", "plan", str(plan), "--executor", "dask"])
    assert no_address.exit_code == 2 and "needs --address" in no_address.output


def test_an_unreachable_scheduler_is_a_message(tmp_path: Path):
    plan = tmp_path / "plan.yml"
    plan.write_text("reports:\n  - notebook: energy_flows\n")
    # its own reports folder: a report the repository's reports/ already holds would be reused without the scheduler
    result = RUNNER.invoke(
        app,
        ["report", "plan", str(plan), "--executor", "dask", "--address", "tcp://127.0.0.1:9"],
        env={"BILATERAL_REPORTS_DIR": str(tmp_path / "reports")},
    )
    assert result.exit_code == 2
    assert "Cannot reach the Dask scheduler at tcp://127.0.0.1:9" in " ".join(result.output.split())


def test_dask_needs_an_address():
    # the repository's reports/ may be up to date or empty: the option is checked first either way
    result = RUNNER.invoke(app, ["report", "plan", "plans/default.yml", "--executor", "dask"])
    assert result.exit_code == 2 and "needs --address" in result.output
