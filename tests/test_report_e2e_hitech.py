"""End to end: `bilateral report run hitech_science` on the shipped extracts, and its controls offline.

Expected values are summed here from the raw files with the csv module (BACI: v in thousands of US$; the minerals
extract: monthly val in US$), using the lens prefixes as written in product_lenses.yml, never copied from the report.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from cli_runner import run_cli
from datacopy import REPO
from shared_reports import run_reused

BACI = REPO / "data" / "raw" / "baci_china_russia_hs17" / "baci_russia_china_processed_2017_2023.csv"
MINERALS = REPO / "data" / "raw" / "comtrade_china_critical_minerals"
HIGH_TECH = ("8471", "847330", "8486", "8517", "8541", "8542")  # product_lenses.yml, high_tech
NUCLEAR = ("8401", "2844")  # product_lenses.yml, nuclear
CHINA, RUSSIA = "156", "643"


def baci_usd_m(year: int, exporter: str, importer: str, prefixes: tuple[str, ...]) -> float:
    with BACI.open(newline="") as handle:
        total = sum(float(r["v"]) for r in csv.DictReader(handle)
                    if r["t"] == str(year) and r["i"] == exporter and r["j"] == importer and r["k"].zfill(6).startswith(prefixes))  # fmt: skip
    return total * 1000 / 1e6


@pytest.fixture(scope="module")
def hitech_report(one_of_each: Path) -> Path:
    """`bilateral report run hitech_science`, the report the session rendered (tests/shared_reports.py)."""
    html = run_reused(one_of_each, "hitech_science")
    assert html.name == "CHN-RUS_2017-2024_top10.html"
    return html


def _text(html: Path) -> str:
    return " ".join(html.read_text(encoding="utf-8").split())


@pytest.mark.slow
def test_hitech_report_gives_each_sides_high_tech_exports_from_the_reconciled_extract(hitech_report: Path):
    text = _text(hitech_report)
    china, russia = baci_usd_m(2023, CHINA, RUSSIA, HIGH_TECH), baci_usd_m(2023, RUSSIA, CHINA, HIGH_TECH)
    assert f"high-tech exports in 2023: China → Russia US${china:,.0f} m, Russia → China US${russia:,.0f} m" in text
    assert (
        f"High-tech (ITA core) exports China → Russia: US${baci_usd_m(2017, CHINA, RUSSIA, HIGH_TECH):,.0f} m in 2017"
        in text
    )
    assert f"Nuclear lens, Russia → China: US${baci_usd_m(2023, RUSSIA, CHINA, NUCLEAR):,.0f} m in 2023" in text
    assert "851712 (heading 8517:" in text, "a code without HS 2022 text is named by its heading, and says so"


@pytest.mark.slow
def test_hitech_report_lists_the_projects_minerals_and_what_the_data_cannot_show(hitech_report: Path):
    text = _text(hitech_report)
    # by hand from projects.csv: CR929, AHL, ILRS, CFR-600, Tianwan 7/8, Xudapu 3/4 have agreements and no later milestone;
    # Tianwan 1-4 were launched 2007-2018; rdif_tech_gba_funds is a fund
    assert (
        "Of 8 aviation, space, nuclear and technology projects in the cited registry, 6 are at agreement, 1 is commissioned and 1 is a fund"
        in text
    )
    with (MINERALS / "russia_polysilicon_monthly.csv").open(newline="") as handle:
        polysilicon_2024 = sum(float(r["val"]) for r in csv.DictReader(handle) if r["period_dt"].startswith("2024"))
    assert (
        f"the largest line was 280461 (Silicon; containing by weight not less than 99.99% of silicon) at US${polysilicon_2024 / 1e6:.1f} m"
        in text
    )
    for gap in (
        "Co-authored research papers",
        "Joint R&amp;D projects and their funding",
        "Patents (co-inventions and cross-border ownership)",
    ):
        assert gap in text
    assert "api.openalex.org/works?filter=institutions.country_code:cn,institutions.country_code:ru" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-p", "end_year=2025"],
            "the shipped trade extracts (BACI to 2023, the minerals extract to 2024) span 2017–2024; 2025 is outside it",
        ),
        (["-p", "top_n=100"], "top_n: must be between 3 and 30 products; got 100"),
    ],
)
def test_hitech_parameters_are_checked_before_running(tmp_path: Path, args: list[str], message: str):
    done = run_cli("report", "run", "hitech_science", *args, env={"BILATERAL_REPORTS_DIR": str(tmp_path)})
    assert done.returncode == 2
    assert message in " ".join(done.stderr.split()) and "Traceback" not in done.stderr


def _paths(index: int, mark: str) -> str:
    return f"Array.from(document.querySelectorAll('.vega-embed')[{index}].querySelectorAll('{mark}')).map(p => p.getAttribute('d')).join('|')"


@pytest.mark.browser
@pytest.mark.slow
def test_hitech_controls_switch_lens_direction_and_product_offline(hitech_report: Path, offline_page):
    page = offline_page.page
    offline_page.open(hitech_report)
    page.wait_for_selector(".vega-embed svg", timeout=20_000)
    charts = page.locator(".vega-embed")
    assert charts.count() == 4  # projects timeline, lens trade, top products, minerals
    lens = charts.nth(1).locator("select").first
    # labels cut at a word for a 390 px phone; the values (what the filter compares) stay whole
    assert lens.locator("option").all_inner_texts() == [
        "High-tech (core of the WTO Information…",
        "Aircraft, spacecraft and parts",
        "Nuclear reactors, fuel and radioactive…",
    ]
    assert lens.locator("option").evaluate_all("options => options.map(o => o.value)") == [
        "High-tech (core of the WTO Information Technology Agreement)",
        "Aircraft, spacecraft and parts",
        "Nuclear reactors, fuel and radioactive materials",
    ]
    lines = _paths(1, ".mark-line.role-mark path")
    page.wait_for_function(f"{lines}.length > 0")
    before = page.evaluate(lines)
    lens.select_option("Nuclear reactors, fuel and radioactive materials")
    page.wait_for_function(f"{lines} !== {before!r}", timeout=10_000)

    direction = charts.nth(2).locator("select").nth(1)
    bars = _paths(2, ".mark-rect.role-mark path")
    before = page.evaluate(bars)
    direction.select_option("Russia → China")
    page.wait_for_function(f"{bars} !== {before!r}", timeout=10_000)

    count = "document.querySelectorAll('.vega-embed')[3].querySelectorAll('.mark-rect.role-mark path').length"
    assert page.evaluate(count) == 32  # 4 products x 8 years, every product traded in every year 2017-2024
    charts.nth(3).locator("select").first.select_option("280461")
    page.wait_for_function(f"{count} === 8", timeout=10_000)
    offline_page.assert_clean()
