"""The gallery in headless Chromium, offline: no sideways scrolling at phone and desktop width, each card's status
matching whether its report has data, search and filters, and the executed notebook's page drawing its charts.

One small plan of real notebooks on the shipped data runs once for the module (on the session's warm kernels):
China–Russia from cited figures (has data), China–Kazakhstan from cited figures (none: the cited totals are
China–Russia only) and energy from Saudi Arabia.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from browser import OfflinePage, new_offline_page
from cli_runner import run_cli

from bilateral.reports.params import validate_parameters

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PLAN = [
    ("trade_overview", {"reporter": "RUS", "partner": "CHN", "source": "cited", "start_year": 2015, "end_year": 2024}),
    ("trade_overview", {"reporter": "CHN", "partner": "KAZ", "source": "cited", "start_year": 2015, "end_year": 2024}),
    ("energy_flows", {"exporter": "SAU", "start_year": 2010, "end_year": 2024}),
]


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gallery")
    lines = ["title: Gallery test", "reports:"]
    for notebook, values in PLAN:
        lines += [f"  - notebook: {notebook}", f"    parameters: {json.dumps(values)}"]
    (root / "plan.yml").write_text("\n".join(lines) + "\n")
    done = run_cli("report", "plan", str(root / "plan.yml"), env={"BILATERAL_REPORTS_DIR": str(root / "reports")})
    assert done.returncode == 0, done.stderr
    return root / "reports" / "index.html"


@pytest.fixture(scope="module")
def expected_status() -> dict[str, str]:
    """Card title -> the status its page calls for, from the build functions directly (not from the gallery)."""
    expected = {}
    for notebook, values in PLAN:
        params = validate_parameters(notebook, values)
        page = importlib.import_module(f"bilateral.reports.pages.{notebook}").build(params)
        expected[page.title] = "ok" if page.has_data else "no-data"
    return expected


def _open(browser, path: Path, width: int, *, javascript: bool = True):
    context, offline = new_offline_page(browser) if javascript else _without_js(browser)
    offline.page.set_viewport_size({"width": width, "height": 900})
    offline.open(path)
    return context, offline


def _without_js(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    offline = OfflinePage(page=page)
    context.route("**/*", offline._on_route)
    return context, offline


@pytest.mark.parametrize("width", [390, 1280, 1920])
def test_no_horizontal_overflow_and_every_card_inside_the_page(gallery: Path, chromium_browser, width: int):
    context, offline = _open(chromium_browser, gallery, width)
    try:
        page = offline.page
        sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert sizes[0] <= sizes[1], f"the page scrolls sideways at {width} px: {sizes}"
        overflowing = page.evaluate(
            """Array.from(document.querySelectorAll('.card, .card *')).filter(e => {
                 const r = e.getBoundingClientRect(); return r.width > 0 && r.right > window.innerWidth + 0.5;
               }).map(e => e.tagName + '.' + e.className)"""
        )
        assert overflowing == []
        offline.assert_clean()
    finally:
        context.close()


def test_each_card_status_matches_whether_its_report_has_data(gallery: Path, chromium_browser, expected_status):
    context, offline = _open(chromium_browser, gallery, 1280)
    try:
        found = offline.page.evaluate(
            """Object.fromEntries(Array.from(document.querySelectorAll('.card')).map(c =>
                 [c.querySelector('h2').textContent.trim(), [c.dataset.status, c.querySelector('.badge').textContent]]))"""
        )
        assert {title: status for title, (status, _) in found.items()} == expected_status
        assert {label for _, label in found.values()} == {"ok", "no data"}
        assert offline.page.locator(".card.ok .preview img").count() == 2  # a preview for each report with a chart
        offline.page.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
        offline.assert_clean()
    finally:
        context.close()


def test_search_and_filters_hide_and_show_cards(gallery: Path, chromium_browser):
    context, offline = _open(chromium_browser, gallery, 1280)
    try:
        page = offline.page

        def visible() -> list[str]:
            return page.evaluate(
                "Array.from(document.querySelectorAll('.card')).filter(c => !c.hidden).map(c => c.dataset.countries)"
            )

        assert len(visible()) == 3
        page.fill("input[name=q]", "kazakhstan")
        assert visible() == ["CHN KAZ"]
        assert page.locator("#shown").inner_text() == "Showing 1 of 3 reports."
        page.fill("input[name=q]", "")
        page.select_option("select[name=theme]", "energy")
        assert visible() == ["SAU CHN"]
        page.select_option("select[name=theme]", "")
        page.select_option("select[name=country]", "RUS")
        assert visible() == ["RUS CHN"]
        page.fill("input[name=q]", "no such report")
        assert visible() == [] and page.locator("#empty").is_visible()
        page.click("button[type=reset]")
        page.wait_for_function("document.querySelectorAll('.card:not([hidden])').length === 3")
        offline.assert_clean()
    finally:
        context.close()


def test_without_javascript_every_card_is_listed_and_the_form_hidden(gallery: Path, chromium_browser):
    context, offline = _open(chromium_browser, gallery, 390, javascript=False)
    try:
        assert offline.page.locator(".card").count() == 3
        assert all(card.is_visible() for card in offline.page.locator(".card").all())
        assert not offline.page.locator("#filters").is_visible()
        assert offline.blocked_requests == []
    finally:
        context.close()


def test_the_executed_notebook_page_shows_code_and_draws_its_charts_offline(gallery: Path, chromium_browser):
    link = json.loads(
        _open_and_eval(
            chromium_browser, gallery, "JSON.stringify(document.querySelector('.links a:nth-child(2)').href)"
        )
    )
    assert link.endswith("trade_overview/RUS-CHN_2015-2024.notebook.html")
    context, offline = _open(chromium_browser, Path(link.removeprefix("file://")), 1280)
    try:
        page = offline.page
        assert page.locator(".jp-CodeCell .jp-InputArea").count() > 0, "the code is shown"
        assert page.locator(".jp-InputArea", has_text="validate_parameters").count() >= 1
        charts = page.locator(".vega-embed")
        assert charts.count() >= 1
        page.wait_for_function(
            "Array.from(document.querySelectorAll('.vega-embed')).every(e => e.querySelector('svg, canvas'))",
            timeout=15_000,
        )
        page.set_viewport_size({"width": 390, "height": 900})
        sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert sizes[0] <= sizes[1], f"the notebook page scrolls sideways on a phone: {sizes}"
        offline.assert_clean()
    finally:
        context.close()


def _open_and_eval(browser, path: Path, expression: str) -> str:
    context, offline = _open(browser, path, 1280)
    try:
        return offline.page.evaluate(expression)
    finally:
        context.close()
