"""The report runner end to end, in process: failures, retries, timeouts, the cache, and what may run.

Notebooks here are small stand-ins named like a real report (tests/runner_notebooks.py): their
behaviour depends on `partner` (RUS fine, KAZ kills its kernel every time, ARM once, BLR hangs, MNG
reads a dataset its schema does not declare).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from datacopy import corrupt, rewrite_keeping_provenance
from runner_notebooks import PARAMETERS_SOURCE, write_report_notebook
from typer.testing import CliRunner

from bilateral.cli import app

RUNNER = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_copy: Path, python3_kernel: str) -> Path:
    """A data copy, an empty reports folder and a notebooks folder holding the stand-in report."""
    monkeypatch.setenv("BILATERAL_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("BILATERAL_NOTEBOOKS_DIR", str(tmp_path / "notebooks"))
    monkeypatch.setenv("BILATERAL_TEST_MARKER", str(tmp_path / "crashed-once"))
    write_report_notebook(tmp_path / "notebooks")
    return tmp_path


def plan_file(folder: Path, partners: list[str], name: str = "plan.yml") -> Path:
    path = folder / name
    path.write_text(
        f"title: Runner test\nreports:\n  - notebook: trade_overview\n    parameters: {{source: cited}}\n    grid: {{partner: [{', '.join(partners)}]}}\n"
    )
    return path


def run(*args: str):
    result = RUNNER.invoke(app, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def cards(reports: Path) -> dict[str, str]:
    """partner ISO3 -> card status read from the gallery ("reused" when the card carries the reused marker)."""
    index = (reports / "index.html").read_text()
    found = re.findall(
        r'<article class="card [^"]*" data-status="([\w-]+)".*?data-countries="CHN (\w+)"(.*?)</article>', index, re.S
    )
    return {code: "reused" if 'class="badge reused"' in body else status for status, code, body in found}


def test_a_dying_or_hanging_report_fails_alone_and_a_kernel_death_is_retried_once(workspace: Path):
    plan = plan_file(workspace, ["RUS", "KAZ", "ARM", "BLR"])
    result = run("report", "plan", str(plan), "-j", "2", "--timeout", "4")
    reports = workspace / "reports"
    assert result.exit_code == 1
    assert "2 of 4 reports failed" in result.output
    assert cards(reports) == {"RUS": "ok", "KAZ": "failed", "ARM": "ok", "BLR": "failed"}
    index = (reports / "index.html").read_text()
    assert "kernel died while running it (crash, out of memory or killed) (tried 2 times)" in index
    assert "did not finish within 4 s" in index
    assert "2 (the kernel died and was replaced)" in index  # Armenia: died once, passed on the retry
    assert sorted(p.name for p in (reports / "trade_overview").iterdir()) == [
        "CHN-ARM_2005-2024.html",
        "CHN-ARM_2005-2024.ipynb",
        "CHN-ARM_2005-2024.notebook.html",
        "CHN-RUS_2005-2024.html",
        "CHN-RUS_2005-2024.ipynb",
        "CHN-RUS_2005-2024.notebook.html",
    ]
    assert not [p for p in reports.iterdir() if p.name.startswith((".publish-", ".tmp-"))]


def test_an_unchanged_report_is_reused_and_shown_as_reused(workspace: Path):
    plan = plan_file(workspace, ["RUS", "MNG"])
    assert run("report", "plan", str(plan), "-j", "1").exit_code == 0
    html = workspace / "reports" / "trade_overview" / "CHN-RUS_2005-2024.html"
    first = html.stat().st_mtime_ns
    again = run("report", "plan", str(plan), "-j", "1")
    assert again.exit_code == 0
    assert cards(workspace / "reports") == {"RUS": "reused", "MNG": "reused"}
    assert "2 ok (2 reused from earlier runs)" in (workspace / "reports" / "index.html").read_text()
    assert html.stat().st_mtime_ns == first
    forced = run("report", "plan", str(plan), "-j", "1", "--force")
    assert cards(workspace / "reports") == {"RUS": "ok", "MNG": "ok"} and forced.exit_code == 0


def test_a_changed_data_file_reruns_exactly_the_reports_that_read_it(workspace: Path, data_copy: Path):
    plan = plan_file(workspace, ["RUS", "MNG"])
    run("report", "plan", str(plan), "-j", "1")
    # MNG also reads hs_classification, which trade_overview's schema does not declare: the kernel saw the read.
    rewrite_keeping_provenance(
        data_copy / "raw" / "hs_classification", "harmonized-system.csv", "Animals; live,", "Animals; live.,"
    )
    run("report", "plan", str(plan), "-j", "1")
    assert cards(workspace / "reports") == {"RUS": "reused", "MNG": "ok"}
    rewrite_keeping_provenance(data_copy / "raw" / "official_headlines", "PROVENANCE.md", "#", "# ")
    run("report", "plan", str(plan), "-j", "1")
    assert cards(workspace / "reports") == {"RUS": "ok", "MNG": "ok"}


def test_a_data_file_changed_without_its_checksum_fails_the_rerun_and_keeps_the_previous_report(
    workspace: Path, data_copy: Path
):
    plan = plan_file(workspace, ["RUS"])
    run("report", "plan", str(plan), "-j", "1")
    html = workspace / "reports" / "trade_overview" / "CHN-RUS_2005-2024.html"
    before = html.read_bytes()
    corrupt(data_copy / "raw" / "official_headlines" / "china_russia_trade_totals.csv")
    result = run("report", "plan", str(plan), "-j", "1")
    assert result.exit_code == 1
    assert cards(workspace / "reports") == {"RUS": "failed"}
    index = (workspace / "reports" / "index.html").read_text()
    assert "checksum mismatch" in index and "Previous good report" in index
    assert html.read_bytes() == before


def test_report_run_reuses_an_unchanged_report(workspace: Path):
    first = run("report", "run", "trade_overview", "-p", "source=cited", "-p", "partner=RUS")
    assert first.exit_code == 0 and first.output.strip().endswith("CHN-RUS_2005-2024.html")
    second = run("report", "run", "trade_overview", "-p", "source=cited", "-p", "partner=RUS")
    assert second.exit_code == 0 and "reused" in second.output


def test_a_notebook_that_lost_its_parameters_tag_is_refused_before_running(workspace: Path):
    write_report_notebook(workspace / "notebooks", tags=[])
    result = run("report", "run", "trade_overview", "-p", "source=cited", "-p", "partner=RUS")
    assert result.exit_code == 2
    assert "trade_overview.ipynb has no cell tagged `parameters`" in result.output
    assert not (workspace / "reports" / "trade_overview").exists()


def test_a_notebook_that_overrides_its_parameters_later_is_refused(workspace: Path):
    write_report_notebook(workspace / "notebooks", body='partner = "RUS"\nprint(partner)')
    result = run("report", "plan", str(plan_file(workspace, ["KAZ"])))
    assert result.exit_code == 2
    assert "code cell 2 assigns partner" in " ".join(result.output.split())


def test_a_parameters_cell_that_does_not_match_the_schema_is_refused(workspace: Path):
    write_report_notebook(workspace / "notebooks", parameters=PARAMETERS_SOURCE.replace("snapshot", "snap"))
    result = run("report", "run", "trade_overview", "-p", "source=cited")
    assert result.exit_code == 2
    assert "missing snapshot; not in the schema: snap" in " ".join(result.output.split())


def test_only_notebooks_of_the_notebooks_folder_run_unless_allowed(workspace: Path):
    outside = write_report_notebook(workspace / "elsewhere")
    plan = workspace / "outside.yml"
    plan.write_text(f"reports:\n  - notebook: {outside}\n    parameters: {{partner: RUS}}\n")
    refused = run("report", "plan", str(plan))
    assert refused.exit_code == 2
    assert "outside the project's notebooks folder" in " ".join(refused.output.split())
    assert "--allow-outside-notebooks" in refused.output
    direct = run("report", "run", str(outside))
    assert direct.exit_code == 2 and "outside the project's notebooks folder" in " ".join(direct.output.split())
    allowed = run("report", "run", str(outside), "-p", "partner=RUS", "--allow-outside-notebooks")
    assert allowed.exit_code == 0, allowed.output


def test_a_symlink_in_the_notebooks_folder_pointing_outside_is_refused(workspace: Path):
    outside = write_report_notebook(workspace / "elsewhere", name="partner_ranking")
    (workspace / "notebooks" / "partner_ranking.ipynb").symlink_to(outside)
    result = run("report", "run", "partner_ranking")
    assert result.exit_code == 2 and "outside the project's notebooks folder" in " ".join(result.output.split())


def test_a_reports_folder_that_is_a_file_is_a_message(workspace: Path, monkeypatch: pytest.MonkeyPatch):
    blocker = workspace / "reports-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BILATERAL_REPORTS_DIR", str(blocker))
    result = run("report", "run", "trade_overview", "-p", "source=cited")
    assert result.exit_code == 2 and "is a file; move it away or set BILATERAL_REPORTS_DIR" in " ".join(
        result.output.split()
    )


def test_an_unchanged_plan_is_answered_before_the_cli_loads_and_any_change_sends_it_to_the_full_run(
    workspace: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    import os
    import subprocess
    import sys

    from bilateral.reports import uptodate

    plan = plan_file(workspace, ["RUS", "MNG"])
    assert run("report", "plan", str(plan), "-j", "1").exit_code == 0
    fast = subprocess.run(
        [sys.executable, "-m", "bilateral.entry", "report", "plan", str(plan), "-j", "2"],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
    )
    assert fast.returncode == 0 and fast.stdout.count("(reused)") == 2, fast.stderr
    assert cards(workspace / "reports") == {"RUS": "reused", "MNG": "reused"}
    args = ["report", "plan", str(plan)]
    assert uptodate.fast_rerun(args)
    for changed in (
        ["--force"],
        ["--max-reports", "10"],
        ["--allow-outside-notebooks"],
        ["--executor", "dask"],
        ["--help"],
    ):
        assert not uptodate.fast_rerun(args + changed), changed
    notebook = workspace / "notebooks" / "trade_overview.ipynb"
    os.utime(notebook, ns=(notebook.stat().st_atime_ns, notebook.stat().st_mtime_ns + 1))
    assert not uptodate.fast_rerun(args), "a notebook changed"
    run(*args)
    rewrite_keeping_provenance(
        data_copy / "raw" / "hs_classification", "harmonized-system.csv", "Animals; live,", "Animals; live.,"
    )
    assert not uptodate.fast_rerun(args), "data that MNG read changed"
    run(*args)
    (workspace / "reports" / "trade_overview" / "CHN-RUS_2005-2024.html").unlink()
    assert not uptodate.fast_rerun(args), "a published file is gone"
    run(*args)
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(workspace / "other-data"))
    assert not uptodate.fast_rerun(args), "another data folder"
