"""Stopping a run from outside: SIGTERM (timeout, CI cancellation, service managers) and SIGKILL.

The command runs as a real subprocess here; the process table (psutil) must hold none of its kernels
afterwards, no temporary folder may remain, and the gallery must link only reports that exist.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from datacopy import REPO
from runner_notebooks import write_report_notebook

CLI = [sys.executable, "-m", "bilateral.cli"]


@pytest.fixture
def env(tmp_path: Path, python3_kernel: str) -> dict[str, str]:
    write_report_notebook(tmp_path / "notebooks")
    return {
        **os.environ,
        "BILATERAL_REPORTS_DIR": str(tmp_path / "reports"),
        "BILATERAL_NOTEBOOKS_DIR": str(tmp_path / "notebooks"),
        "BILATERAL_DATA_DIR": str(REPO / "data"),
        "BILATERAL_TEST_SLOW": "BLR,UKR",
        "BILATERAL_TEST_SLEEP": "300",
    }


def start(env: dict[str, str], *args: str) -> psutil.Popen:
    return psutil.Popen([*CLI, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout: float = 90.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def kernels_of(process: psutil.Process) -> list[psutil.Process]:
    return [child for child in process.children(recursive=True) if "ipykernel" in " ".join(child.cmdline())]


def gone(processes: list[psutil.Process]) -> bool:
    for process in processes:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                return False
        except psutil.NoSuchProcess:
            continue
    return True


def leftovers(reports: Path) -> list[str]:
    return [str(p.relative_to(reports)) for p in reports.rglob("*") if p.name.startswith((".publish-", ".tmp-"))]


def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yml"
    path.write_text(
        "title: Stop test\nreports:\n  - notebook: trade_overview\n    parameters: {source: cited}\n    grid: {partner: [RUS, BLR, UKR, GEO]}\n"
    )
    return path


def test_sigterm_stops_a_parallel_plan_reaps_every_kernel_and_leaves_a_consistent_gallery(tmp_path: Path, env):
    reports = tmp_path / "reports"
    process = start(env, "report", "plan", str(plan(tmp_path)), "-j", "2")
    wait_for(lambda: (reports / "trade_overview" / "CHN-RUS_2005-2024.html").is_file(), what="the first report")
    wait_for(lambda: len(kernels_of(process)) == 2, what="two kernels")
    time.sleep(1.0)  # both kernels are now inside the slow reports
    kernels = kernels_of(process)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert "Stopped: 1 of 4 reports done" in " ".join(stderr.split())
    assert "Traceback" not in stderr
    assert gone(kernels), "every kernel was killed and reaped"
    assert leftovers(reports) == []
    index = (reports / "index.html").read_text()
    assert index.count('class="card ok"') == 1 and index.count('class="card stopped"') == 3
    for link in re.findall(r'href="([^"]+)"', index):
        assert (reports / link).is_file(), link


def test_sigkill_of_a_parallel_plan_leaves_no_kernel_running(tmp_path: Path, env):
    process = start(env, "report", "plan", str(plan(tmp_path)), "-j", "2")
    wait_for(lambda: len(kernels_of(process)) == 2, what="two kernels")
    kernels = kernels_of(process)
    process.kill()
    process.wait(timeout=10)
    # ipykernel polls its parent every second and exits when it is gone.
    wait_for(lambda: gone(kernels), timeout=15, what="orphaned kernels to exit")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_or_ctrl_c_stops_report_run_without_a_trace(tmp_path: Path, env, signum: int):
    reports = tmp_path / "reports"
    process = start(env, "report", "run", "trade_overview", "-p", "source=cited", "-p", "partner=BLR")
    wait_for(lambda: len(kernels_of(process)) == 1, what="the kernel")
    time.sleep(1.0)
    kernels = kernels_of(process)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum
    assert "Stopped: no report was written" in stderr and "Traceback" not in stderr
    assert gone(kernels)
    assert leftovers(reports) == [] and not (reports / "trade_overview").exists()


def test_sigterm_while_reports_are_being_published_leaves_only_whole_pairs(tmp_path: Path, env):
    # partners whose stand-in report runs plainly (runner_notebooks.BEHAVIOUR: not KAZ or ARM, which kill their
    # kernel): every report is either published or stopped, however far the run got before the signal
    reports = tmp_path / "reports"
    path = tmp_path / "quick.yml"
    path.write_text(
        "reports:\n  - notebook: trade_overview\n    parameters: {source: cited}\n    grid: {partner: [RUS, MNG, KGZ, UZB, TJK, BLR, TKM, GEO]}\n"
    )
    process = start({**env, "BILATERAL_TEST_SLOW": ""}, "report", "plan", str(path), "-j", "2")
    wait_for(lambda: any((reports / "trade_overview").glob("*.html")), what="the first report")
    kernels = kernels_of(process)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode in (0, 128 + signal.SIGTERM)
    assert gone(kernels) and leftovers(reports) == []
    folder = reports / "trade_overview"
    published = {p.stem for p in folder.glob("*.ipynb")}
    assert {p.name.removesuffix(".html") for p in folder.glob("*.html")} == published | {
        f"{stem}.notebook" for stem in published
    }, "a report without its notebook or its notebook page"
    index = (reports / "index.html").read_text()
    assert index.count('class="card ok"') == len(published)
    assert index.count('class="card ok"') + index.count('class="card stopped"') == 8
