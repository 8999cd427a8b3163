"""Every kind of report in the default plan, opened offline in Chromium: no sideways scrolling at phone and desktop
width, the header line and key numbers on top, CSV downloads that parse (with values checked against the source
files by hand), and a print to PDF without controls.

One report per notebook of plans/default.yml (its first entry), rendered once for the session
(tests/shared_reports.py); the session's single Chromium opens each.
"""

from __future__ import annotations

import csv
import io
import urllib.parse

import polars as pl
import pytest
from browser import OfflinePage
from shared_reports import default_reports

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (390, 1280)
# Every notebook of the default plan calls bilateral.reports.page_view; a notebook added without it goes here.
NOT_FRAMED: set[str] = set()
REPORTS = default_reports()
FRAMED = sorted(set(REPORTS) - NOT_FRAMED)


def decode_csv(href: str) -> tuple[list[str], list[list[str]]]:
    """A data: URI's CSV as (comment lines, rows), rows parsed by the csv module."""
    assert href.startswith("data:text/csv;charset=utf-8,"), href[:60]
    text = urllib.parse.unquote(href.split(",", 1)[1])
    lines = text.splitlines(keepends=True)
    comments = [line.rstrip("\n") for line in lines if line.startswith("# ")]
    body = "".join(line for line in lines if not line.startswith("# "))
    return comments, list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("notebook", sorted(REPORTS))
def test_the_page_never_scrolls_sideways(opened_reports: dict[str, OfflinePage], notebook: str):
    offline = opened_reports[notebook]
    try:
        for width in WIDTHS:
            offline.page.set_viewport_size({"width": width, "height": 900})
            scroll_width, inner_width = offline.page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
            assert scroll_width <= inner_width, f"{notebook} at {width} px is {scroll_width} px wide"
    finally:
        offline.page.set_viewport_size({"width": 1280, "height": 900})
    offline.assert_clean()


@pytest.mark.parametrize("notebook", FRAMED)
def test_the_title_header_line_and_key_numbers_come_first(opened_reports: dict[str, OfflinePage], notebook: str):
    page = opened_reports[notebook].page
    header = page.locator(".bilateral-header")
    assert header.count() == 1
    text = header.inner_text()
    assert text.startswith("Run 20") and " UTC" in text and "Parameters:" in text and "retrieved" in text
    assert header.locator("a.bilateral-gallery-link").get_attribute("href") == "../index.html"
    # the title (h1) comes before the header line, the key numbers after it
    order = page.evaluate("""() => {
        const h1 = document.querySelector('h1'), header = document.querySelector('.bilateral-header'),
              box = document.querySelector('.bilateral-key-numbers');
        const before = (a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
        return [before(h1, header), box ? before(header, box) : null];
    }""")  # fmt: skip
    assert order[0] is True
    numbers = page.locator(".bilateral-key-number")
    assert numbers.count() >= 1, f"{notebook}: every default report has data, so key numbers"
    assert order[1] is True
    for basis in page.locator(".bilateral-kn-basis").all_inner_texts():
        assert basis.lower().split()[0].rstrip(":") in {"statement", "declared", "reconciled", "computed"}
    assert page.get_by_role("heading", name="Method and sources").count() == 1
    assert "Cite as:" in page.content()


@pytest.mark.parametrize("notebook", FRAMED)
def test_every_chart_and_table_has_a_csv_that_parses(opened_reports: dict[str, OfflinePage], notebook: str):
    page = opened_reports[notebook].page
    links = page.locator("a.bilateral-download")
    charts = page.locator(".vega-embed").count()
    chart_links = page.locator("a.bilateral-download", has_text="chart").count()
    assert chart_links == charts, f"{notebook}: {charts} charts but {chart_links} chart CSV links"
    assert links.count() >= charts
    for index in range(links.count()):
        link = links.nth(index)
        assert link.get_attribute("download").endswith(".csv")
        comments, rows = decode_csv(link.get_attribute("href"))
        assert comments[0].startswith("# Title: ") and any(c.startswith("# Source: ") for c in comments)
        header, *body = rows
        assert header and all(header) and body, f"{notebook}: {comments[0]} has no header or no rows"
        assert all(len(row) == len(header) for row in body)
        # the documented read (README "Downloads") gives the same header and every row
        text = urllib.parse.unquote(link.get_attribute("href").split(",", 1)[1])
        frame = pl.read_csv(io.StringIO(text), comment_prefix="#", infer_schema_length=None)
        assert frame.columns == header and frame.height == len(body), f"{notebook}: {comments[0]}"


def test_the_trade_overview_csvs_hold_the_source_values(opened_reports: dict[str, OfflinePage]):
    page = opened_reports["trade_overview"].page
    hrefs = {a.get_attribute("download"): a.get_attribute("href") for a in page.locator("a.bilateral-download").all()}
    _, rows = decode_csv(hrefs["trade_overview_CHN-RUS_imf_dots_2005-2024_key-figures.csv"])
    assert rows[0][:4] == ["Year", "Turnover", "Exports of China", "Imports of China"]
    year_2020 = next(r for r in rows if r[0] == "2020")
    # data/raw/imf_dots/DOTS_40.xlsx (China, P.R.: Mainland), row "Russian Federation", 2020, US$ m:
    # 'Exports, FOB' 50608.3706, 'Imports, CIF' 57092.10018 -> US$ bn unrounded, turnover their sum 107.70047078
    assert float(year_2020[2]) == pytest.approx(50.6083706, abs=1e-9)
    assert float(year_2020[3]) == pytest.approx(57.09210018, abs=1e-9)
    assert float(year_2020[1]) == pytest.approx(107.70047078, abs=1e-9)
    comments, chart_rows = decode_csv(
        hrefs["trade_overview_CHN-RUS_imf_dots_2005-2024_trade-between-china-and-russia-us-bn-chart.csv"]
    )
    assert any("IMF Direction of Trade Statistics" in c for c in comments)
    # data/raw/official_headlines/china_russia_trade_totals.csv: 2024,turnover,244.81 (GAC via TASS, bne IntelliNews)
    header = chart_rows[0]
    year, metric = header.index("Year"), header.index("Metric")
    stated = [r for r in chart_rows[1:] if r[year] == "2024" and r[metric] == "Turnover"]
    assert any("244.81" in r for r in stated), stated


@pytest.mark.parametrize("notebook", sorted(REPORTS))
def test_print_to_pdf_works_and_hides_the_controls(opened_reports: dict[str, OfflinePage], notebook: str):
    page = opened_reports[notebook].page
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    try:
        shown = page.evaluate("""() => [...document.querySelectorAll(
            '.vega-bindings, .bilateral-downloads, .bilateral-gallery-link, select, input, button')]
            .filter(e => getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0)
            .map(e => e.className || e.tagName)""")  # fmt: skip
        assert shown == [], f"{notebook}: controls printed: {shown[:5]}"
        wide = page.evaluate("""() => [...document.querySelectorAll('.vega-embed canvas, .vega-embed svg')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length""")  # fmt: skip
        assert wide == 0, f"{notebook}: {wide} charts wider than the printed page"
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    finally:
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1280, "height": 900})
