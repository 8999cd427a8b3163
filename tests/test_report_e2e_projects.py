"""End to end: `bilateral report run projects` on the shipped registry, read as a reader would, and its controls offline.

Expected values are computed here from data/raw/cooperation_registry/projects.csv with the csv module (counts,
dates) or read off the file by hand (stages, noted beside each assertion), never copied from the report.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from cli_runner import run_cli
from datacopy import REPO, corrupt
from shared_reports import run_reused

REGISTRY = REPO / "data" / "raw" / "cooperation_registry" / "projects.csv"


def registry_rows() -> list[dict[str, str]]:
    with REGISTRY.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def reports_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def projects_report(one_of_each: Path) -> Path:
    """`bilateral report run projects`, the report the session rendered (tests/shared_reports.py)."""
    html = run_reused(one_of_each, "projects")
    assert html.name == "all_all_1995-2030.html"
    return html


def _text(html: Path) -> str:
    return " ".join(html.read_text(encoding="utf-8").split())


@pytest.mark.slow
def test_projects_report_counts_the_registry_and_gives_each_stage(projects_report: Path):
    rows = registry_rows()
    text = _text(projects_report)
    newest = max(row["as_of"] for row in rows if row["as_of"])
    assert f"{len({row['project_id'] for row in rows})} China–Russia projects as {len(rows)} facts" in text
    assert f"newest page dated {newest}" in text
    # By hand from projects.csv: 4 funds and stakes (rcif, rdif_cdb_yuan_fund, rdif_tech_gba_funds, sibur_chinese_stakes) leave 23;
    # commissioned (a dated opening, no later suspension): PoS1, ESPO, Yamal, Amur GPP, Tianwan 1-4, road bridge, rail bridge,
    # Great Wall; suspended: Amur-Heihe line (supplies stopped 2023-11-09), Amur GCC (Sinopec entry reported off, 2022);
    # construction: cableway (first pile 2021-04-06), Moscow metro (since 2017-08), Tianjin (foundation 2010-09-21).
    assert ("the 23 construction projects stand at: announced 0, agreed 10, construction 3, commissioned 8, capacity reached 0, "
            "suspended 2.") in text  # fmt: skip
    assert "No cited fact shows a project at design capacity" in text


@pytest.mark.slow
def test_projects_report_shows_slips_paper_projects_and_conflicts_side_by_side(projects_report: Path):
    text = _text(projects_report)
    # projects.csv: the cableway "is expected to be completed in 2021" (2019-07), then "scheduled for completion in the second
    # half of 2022" (2021-04-06); the Tongjiang bridge's opening was "delayed from Oct 2019" and the first train ran 2022-11.
    assert (
        "Blagoveshchensk-Heihe cross-border cableway, commissioned planned for 2021, planned again second half of 2022"
        in text
    )
    assert "Nizhneleninskoye-Tongjiang railway bridge, commissioned planned for 2019-10, reached 2022-11" in text
    assert "the oldest is CR929 wide-body airliner" in text and "2016-06-25" in text
    amur = [
        row for row in registry_rows() if row["project_id"] == "amur_gpp" and row["attribute"] == "commissioned_date"
    ]
    assert sorted(row["value"][:4] for row in amur) == ["2019", "2021"]
    assert "Conflicting statements, side by side" in text and "19 conflicts between pages" in text
    for row in amur:  # both launch dates, each with its page
        assert row["source_url"] in projects_report.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_sector_selection_gives_its_own_counts(reports_dir: Path):
    done = run_cli(
        "report", "run", "projects", "-p", "sector=transport-bridge", env={"BILATERAL_REPORTS_DIR": str(reports_dir)}
    )
    assert done.returncode == 0, done.stderr
    text = _text(reports_dir / "projects" / "transport-bridge_all_1995-2030.html")
    # by hand: road bridge opened 2022-06-10, rail bridge first train 2022-11, cableway under construction since 2021-04-06
    assert ("the 3 construction projects (selection: sector transport-bridge, status all) stand at: announced 0, agreed 0, "
            "construction 1, commissioned 2, capacity reached 0, suspended 0.") in text  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "sector=energy"], "'energy' is not a sector in the data"),
        (["-p", "status=capacity_reached"], "is not a stage any project is at as of its latest cited fact"),
        (["-p", "end_year=2040"], "the cited milestones and plans span 1995–2030; 2040 is outside it"),
        (["-p", "start_year=2020", "-p", "end_year=2010"], "end_year (2010) is before start_year (2020)"),
    ],
)
def test_projects_parameters_are_checked_against_the_data_before_running(tmp_path: Path, args: list[str], message: str):
    done = run_cli("report", "run", "projects", *args, env={"BILATERAL_REPORTS_DIR": str(tmp_path)})
    assert done.returncode == 2
    assert message in " ".join(done.stderr.split()) and "Traceback" not in done.stderr
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_corrupted_registry_stops_the_projects_report_with_a_message_and_no_file(tmp_path: Path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(REPO / "data" / "raw" / "cooperation_registry", data / "raw" / "cooperation_registry")
    corrupt(data / "raw" / "cooperation_registry" / "projects.csv")
    done = run_cli(
        "report",
        "run",
        "projects",
        env={"BILATERAL_REPORTS_DIR": str(tmp_path / "reports"), "BILATERAL_DATA_DIR": str(data)},
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "projects.csv: checksum mismatch" in " ".join(done.stderr.split())
    assert not any(p.is_file() for p in (tmp_path / "reports").rglob("*"))


SYMBOLS = "document.querySelectorAll('.vega-embed')[0].querySelectorAll('.mark-symbol.role-mark path').length"


@pytest.mark.browser
@pytest.mark.slow
def test_the_timeline_filters_by_sector_and_hides_plans_offline(projects_report: Path, offline_page):
    page = offline_page.page
    offline_page.open(projects_report)
    page.wait_for_selector(".vega-embed svg", timeout=20_000)
    assert page.locator(".vega-embed").count() == 3
    sector, show = page.locator(".vega-embed").first.locator("select").all()
    sectors = sorted({row["sector"] for row in registry_rows()})
    assert sector.locator("option").all_inner_texts() == ["All", *sectors]
    page.wait_for_function(f"{SYMBOLS} > 0")
    everything = page.evaluate(SYMBOLS)
    sector.select_option("aerospace")
    page.wait_for_function(f"{SYMBOLS} < {everything}", timeout=10_000)
    aerospace = page.evaluate(SYMBOLS)
    # by hand from projects.csv: CR929 2 dated milestones, AHL 3, ILRS 2 + 1 plan (construction 2026-2035)
    assert aerospace == 8
    show.select_option("Milestones reached only")
    page.wait_for_function(f"{SYMBOLS} === 7", timeout=10_000)
    page.locator(".vega-embed").first.locator(".mark-symbol.role-mark path").first.hover()
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
    assert "Page" in page.inner_text("#vg-tooltip-element") and "Quote" in page.inner_text("#vg-tooltip-element")
    offline_page.assert_clean()
