"""End to end: investment_finance and people_currency through the CLI into offline reports, checked against the
shipped CSV files read here with the csv module (not through the library), and their controls in headless Chromium."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from cli_runner import run_cli
from datacopy import REPO
from shared_reports import run_reused
from test_report_e2e import report_files

RAW = REPO / "data" / "raw"


def csv_rows(relative: str) -> list[dict[str, str]]:
    with (RAW / relative).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def flat(html: Path) -> str:
    """The report's text with whitespace runs collapsed (Markdown wraps lines)."""
    return " ".join(html.read_text(encoding="utf-8").split())


@pytest.fixture(scope="module")
def investment_report(one_of_each: Path) -> Path:
    """`bilateral report run investment_finance`, the report the session rendered (tests/shared_reports.py)."""
    html = run_reused(one_of_each, "investment_finance")
    assert html.name == "RUS_2000-2025.html" and html.with_suffix(".ipynb").is_file()
    return html


@pytest.fixture(scope="module")
def people_report(one_of_each: Path) -> Path:
    """`bilateral report run people_currency`, the report the session rendered (tests/shared_reports.py)."""
    html = run_reused(one_of_each, "people_currency")
    assert html.name == "CHN-RUS_2013-2030.html"
    return html


@pytest.mark.slow
def test_investment_report_gives_russias_loans_and_their_rank_as_in_the_bu_file(investment_report: Path):
    import nbformat

    meta = nbformat.read(investment_report.with_suffix(".ipynb"), as_version=4).metadata["bilateral"]
    assert meta["sources"] == ["cooperation_registry", "bu_china_global_energy_finance"]
    loans = csv_rows("bu_china_global_energy_finance/cgef_all_countries_2000_2019.csv")
    by_country: dict[str, float] = defaultdict(float)
    for row in loans:
        by_country[row["Country"]] += float(row["Amount ($m)"])
    total = sum(by_country.values())
    russia = by_country["Russia"]  # 15,000 + 10,000 + 2,000 + 2,500 + 10,830 + 1,200 = 41,530 (US$ m)
    runner_up = max((v, k) for k, v in by_country.items() if k != "Russia")
    text = flat(investment_report)
    assert russia == 41_530 and runner_up[1] == "Brazil"
    assert (
        f"made 6 energy loans to Russia in 2000–2019, US${russia / 1e3:,.2f} bn in all: {100 * russia / total:.1f}% of the "
        f"US${total / 1e3:,.2f} bn they lent to {len(by_country)} borrowers, more than any other borrower (next: Brazil, "
        f"US${runner_up[0] / 1e3:,.2f} bn)"
    ) in text
    assert "import bilateral" not in text and "from bilateral" not in text


@pytest.mark.slow
def test_investment_report_keeps_bases_apart_and_grows_only_between_unqualified_values(investment_report: Path):
    rows = csv_rows("cooperation_registry/investment.csv")
    value = {(r["year"], r["metric"], r["publisher_named"]): r["value"] for r in rows}
    stock = float(value[("2018H1", "china_fdi_stock_in_russia", "Bank of Russia via ivpress")])  # 3.184
    broad = float(
        value[("2017", "china_investment_in_russia_accumulated", "Russian ambassador Andrey Denisov via Finversia")]
    )  # 30
    first = float(
        value[("2018", "igc_investment_portfolio_value", "Russian ambassador Andrey Denisov via Finversia")]
    )  # 120
    last = float(value[("2025", "igc_investment_portfolio_value", "RDIF (Dmitriev) via TASS")])  # 222
    text = flat(investment_report)
    assert f"{broad / stock:.1f} times apart" in text  # 9.4
    assert (
        f"US${first:g} bn (2018) and US${last:g} bn (2025), the stated value grew {last / first:.2f} times" in text
    )  # 1.85
    assert "more than 80 projects, about US$200 bn (2024" in text  # qualifiers kept as the page put them
    assert "What each source covers, and what it does not" in text


@pytest.mark.slow
def test_people_report_shows_the_near_zero_2022_counts_from_the_fsb_rows(people_report: Path):
    rows = csv_rows("cooperation_registry/people_exchanges.csv")
    tourist = {r["year"]: float(r["value"]) for r in rows if r["metric"] == "china_to_russia_tourist_trips"}
    all_2023 = next(r for r in rows if r["metric"] == "china_to_russia_all_trips" and r["year"] == "2023")
    all_2022 = float(re.search(r"([\d,]+) in 2022", all_2023["unit"])[1].replace(",", ""))  # "130,000 in 2022"
    text = flat(people_report)
    assert tourist["2022"] == 800 and all_2022 == 130_000
    assert (
        "in 2022, the year before, the border service counted 800 tourist-purpose trips and 130,000 trips for all purposes"
        in text
    )
    assert (
        f"{tourist['2023']:,.0f} in 2023 against 800 in 2022, {tourist['2023'] / tourist['2022']:,.0f} times as many"
        in text
    )  # 250
    assert (
        f"790,000 in 2023 against 130,000 in 2022, {float(all_2023['value']) / all_2022:.1f} times as many" in text
    )  # 6.1
    assert "kept even closer people-to-people and cultural exchanges" in text and "no count for 2021" in text


@pytest.mark.slow
def test_people_report_checks_the_2020_shares_add_up_and_keeps_2023_qualifiers(people_report: Path):
    rows = csv_rows("cooperation_registry/currency_settlement.csv")
    q1 = {r["metric"].split("_share_")[0]: float(r["value"]) for r in rows if r["year"] == "2020Q1"}
    text = flat(people_report)
    total = q1["usd"] + q1["eur"] + q1["national_currencies"]
    assert (
        f"US dollar {q1['usd']:g} + euro {q1['eur']:g} + rouble and yuan {q1['national_currencies']:g} = {total:g}%"
        in text
    )
    assert f"yuan {q1['cny']:g} + rouble {q1['rub']:g} = {q1['cny'] + q1['rub']:g}%, which matches" in text
    assert "(more than 80%, about 95%, more than 90%) can all be true at once" in text
    assert "No Russia–China statement for 2014, 2016–2017, 2021–2022" in text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("notebook", "args", "message"),
    [
        ("investment_finance", ["-p", "lender=CDBB"], "Did you mean 'CDB'?"),
        ("investment_finance", ["-p", "sector=petrol"], "is not an energy source (sector) in the loans data"),
        ("investment_finance", ["-p", "country=USA"], "'USA' is not a borrower in the loans data"),
        ("people_currency", ["-p", "start_year=2000"], "start_year 2000 is outside the years of the people and currency statements (2013–2030)"),
    ],
)  # fmt: skip
def test_values_absent_from_the_data_stop_before_anything_runs(
    tmp_path: Path, notebook: str, args: list[str], message: str
):
    env = {"BILATERAL_REPORTS_DIR": str(tmp_path)}
    done = run_cli("report", "run", notebook, *args, env=env)
    assert done.returncode == 2
    assert message in " ".join(done.stderr.split()) and "Traceback" not in done.stderr
    assert report_files(env) == []


def _marks(page, chart: int, selector: str) -> int:
    return page.evaluate(f"document.querySelectorAll('.vega-embed')[{chart}].querySelectorAll({selector!r}).length")


NAMES = "Array.from(document.querySelectorAll('.vega-embed')[{chart}].querySelectorAll('.role-axis-label text')).map(t => t.textContent).filter(t => /^[A-Za-z]/.test(t))"  # noqa: E501


def _axis_labels(page, chart: int) -> list[str]:
    """The borrower names on the axis (numbers of the value axis left out), top first."""
    return page.evaluate(NAMES.format(chart=chart))


@pytest.mark.browser
@pytest.mark.slow
def test_investment_report_lender_and_source_controls_work_offline(investment_report: Path, offline_page):
    page = offline_page.page
    offline_page.open(investment_report)
    page.wait_for_selector(".vega-embed svg", timeout=20_000)
    assert page.locator(".vega-embed").count() == 4
    loans = page.locator(".vega-embed").nth(2).locator("select")
    assert loans.locator("option").all_inner_texts() == ["All", "CDB", "CDB-Ex-Im Cofinancing", "Ex-Im Bank"]
    bars = "'.mark-rect path'"
    page.wait_for_function(f"document.querySelectorAll('.vega-embed')[2].querySelectorAll({bars}).length > 0")
    assert _marks(page, 2, ".mark-rect path") == 6, "one segment per loan to Russia (BU file: 6 loans)"
    loans.select_option("CDB-Ex-Im Cofinancing")
    page.wait_for_function(
        f"document.querySelectorAll('.vega-embed')[2].querySelectorAll({bars}).length === 1", timeout=10_000
    )
    borrowers = page.locator(".vega-embed").nth(3).locator("select")
    before = _axis_labels(page, 3)
    assert before[:3] == ["Russia", "Brazil", "Pakistan"]
    borrowers.select_option("Hydropower")
    page.wait_for_function(
        f"JSON.stringify({NAMES.format(chart=3)}.slice(0, 3)) !== {json.dumps(before[:3])}", timeout=10_000
    )
    assert "Russia" not in _axis_labels(page, 3), "no hydropower loan to Russia: it is not drawn as a zero"
    offline_page.assert_clean()


@pytest.mark.browser
@pytest.mark.slow
def test_people_report_direction_and_currency_controls_work_offline_with_pages_in_tooltips(
    people_report: Path, offline_page
):
    page = offline_page.page
    offline_page.open(people_report)
    page.wait_for_selector(".vega-embed svg", timeout=20_000)
    assert page.locator(".vega-embed").count() == 3
    symbols = ".mark-symbol.role-mark path"  # data points (legend symbols are role-legend-symbol)
    page.wait_for_function(f"document.querySelectorAll('.vega-embed')[0].querySelectorAll({symbols!r}).length > 0")
    travel = page.locator(".vega-embed").nth(0).locator("select")
    assert travel.locator("option").all_inner_texts() == ["All", "China → Russia", "Russia → China"]
    every = _marks(page, 0, symbols)
    travel.select_option("Russia → China")
    page.wait_for_function(
        f"document.querySelectorAll('.vega-embed')[0].querySelectorAll({symbols!r}).length < {every}", timeout=10_000
    )
    assert _marks(page, 0, symbols) == 2, (
        "Russia -> China: 415,000 group tourists (2017) and 1.6-1.9 million visitors (2024)"
    )
    currency = page.locator(".vega-embed").nth(2).locator("select")
    assert currency.locator("option").all_inner_texts()[:4] == ["All", "US dollar", "Euro", "Rouble and yuan"]
    currency.select_option("Euro")
    page.wait_for_function(
        f"document.querySelectorAll('.vega-embed')[2].querySelectorAll({symbols!r}).length === 1", timeout=10_000
    )
    page.locator(".vega-embed").nth(2).locator(symbols).first.hover(force=True)
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=10_000)
    tip = page.inner_text("#vg-tooltip-element")
    assert "chinaeconomicreview.com" in tip and "the euro made up an all-time high of 30%" in tip
    offline_page.assert_clean()
