"""Charts of rendered reports, one report per chart family, read in headless Chromium with the network cut off.

What a reader would check by eye: every chart has a title and its source line in the drawing (so an SVG/PNG export
keeps them); no line is drawn across a missing year (measured on the SVG: each line vertex is at most one year from
the next, with the year-to-pixel mapping read off the chart's own x-axis labels); the year sliders zoom the x axis;
at 390 px every chart and its controls fit the screen with text at full size.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import OfflinePage
from shared_reports import CHARTS_DRAWN, default_reports, report_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# One report per chart module (charts.py: headline, growth, energy, group, product; rank_charts, composition,
# hitech, project, finance + statement charts, statement charts with a log axis, claim charts): the default plan's
# first entry of each notebook but pair_profile, which draws no chart.
CHART_NOTEBOOKS = sorted(set(default_reports()) - {"pair_profile"})

# For each line of each chart: its largest step between neighbouring vertices, in years, measured with the chart's
# own x axis (a least-squares line through the year labels' centres; labels that are not years are ignored).
LINE_STEPS = """(embed) => {
  const out = [];
  for (const path of embed.querySelectorAll('.mark-line.role-mark path')) {
    let cell = path.parentElement;
    while (cell && !cell.querySelector('[aria-label^="X-axis"]')) cell = cell.parentElement;
    if (!cell) { out.push({error: 'no x axis'}); continue; }
    const ticks = [...cell.querySelectorAll('[aria-label^="X-axis"] .role-axis-label text')]
      .map(t => [Number(t.textContent), t.getBoundingClientRect()])
      .filter(([y]) => Number.isInteger(y) && y > 1900 && y < 2100)
      .map(([y, r]) => [y, r.left + r.width / 2]);
    if (ticks.length < 2) { out.push({error: 'fewer than two year labels'}); continue; }
    const n = ticks.length, my = ticks.reduce((s, t) => s + t[0], 0) / n, mx = ticks.reduce((s, t) => s + t[1], 0) / n;
    const pxPerYear = ticks.reduce((s, t) => s + (t[0] - my) * (t[1] - mx), 0) / ticks.reduce((s, t) => s + (t[0] - my) ** 2, 0);
    const matrix = path.getScreenCTM();
    const numbers = (path.getAttribute('d') || '').match(/-?\\d+(\\.\\d+)?(e-?\\d+)?/g) || [];
    const xs = [];
    for (let i = 0; i + 1 < numbers.length; i += 2) {
      xs.push(new DOMPoint(Number(numbers[i]), Number(numbers[i + 1])).matrixTransform(matrix).x);
    }
    let largest = 0;
    for (let i = 1; i < xs.length; i++) largest = Math.max(largest, Math.abs(xs[i] - xs[i - 1]) / pxPerYear);
    out.push({vertices: xs.length, largest, stroke: path.getAttribute('stroke')});
  }
  return out;
}"""


# For each chart: the pairs of its text labels (text marks: qualifiers, periods, captions) drawn over each other by
# more than a pixel each way, as [chart index, text, text].
LABEL_OVERLAPS = """() => [...document.querySelectorAll('.vega-embed')].flatMap((embed, chart) => {
  const boxes = [...embed.querySelectorAll('g.mark-text.role-mark text')]
    .filter(t => t.textContent.trim()).map(t => [t.textContent, t.getBoundingClientRect()]);
  const out = [];
  boxes.forEach(([ta, a], i) => boxes.slice(i + 1).forEach(([tb, b]) => {
    if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1)
      out.push([chart, ta, tb]);
  }));
  return out;
})"""
# For each chart: its text labels that reach past the chart's drawing (cut off at its edge), as [chart index, text].
LABELS_CUT = """() => [...document.querySelectorAll('.vega-embed')].flatMap((embed, chart) => {
  const svg = embed.querySelector('svg').getBoundingClientRect();
  return [...embed.querySelectorAll('g.mark-text.role-mark text')].filter(t => t.textContent.trim())
    .filter(t => { const r = t.getBoundingClientRect(); return r.left < svg.left - 1 || r.right > svg.right + 1; })
    .map(t => [chart, t.textContent]);
})"""


@pytest.fixture(scope="module")
def chart_reports(one_of_each: Path) -> dict[str, Path]:
    """notebook name -> its report among the one-of-each reports rendered for the session."""
    return {notebook: report_of(one_of_each, notebook) for notebook in CHART_NOTEBOOKS}


def _open(offline_page: object, html: Path, width: int = 1280) -> object:
    page = offline_page.page
    page.set_viewport_size({"width": width, "height": 900})
    offline_page.open(html)
    page.wait_for_selector(".vega-embed", timeout=20_000)
    page.wait_for_function(CHARTS_DRAWN, timeout=20_000)
    return page


def test_every_chart_has_a_title_and_a_source_line_in_its_drawing(opened_reports: dict[str, OfflinePage]):
    problems, charts = [], 0
    for name in CHART_NOTEBOOKS:
        page = opened_reports[name].page
        for i, embed in enumerate(page.locator(".vega-embed").all()):
            charts += 1
            title = " ".join(embed.locator("svg .role-title-text text").all_text_contents()).strip()
            subtitle = " ".join(embed.locator("svg .role-title-subtitle text").all_text_contents())
            if not title:
                problems.append(f"{name} chart {i}: no title")
            if not any(word in subtitle for word in ("Source", "Data")):
                problems.append(f"{name} chart {i}: no source line in the subtitle ({subtitle[:80]!r})")
        opened_reports[name].assert_clean()
    assert charts >= 20, "every family drew its charts"
    assert not problems, problems


def test_no_line_is_drawn_across_a_missing_year(opened_reports: dict[str, OfflinePage]):
    problems, measured = [], 0
    for name in CHART_NOTEBOOKS:
        page = opened_reports[name].page
        for i, embed in enumerate(page.locator(".vega-embed").all()):
            for line in embed.evaluate(LINE_STEPS):
                if "error" in line:
                    problems.append(f"{name} chart {i}: {line['error']}")
                    continue
                measured += line["vertices"] > 1
                if line["largest"] > 1.05:
                    problems.append(f"{name} chart {i}: a line spans {line['largest']:.2f} years")
    assert measured >= 15, "lines with two or more vertices were measured"
    assert not problems, problems


def test_energy_press_series_is_drawn_as_two_lines_around_its_missing_years(opened_reports: dict[str, OfflinePage]):
    # data/raw/official_headlines/russia_china_energy_headlines.csv gives China's crude imports from Russia in million
    # tonnes for 2016-2018 and 2021-2024 (nothing for 2019-2020): the press series (theme colour #e67e22) must be two
    # separate lines, the longer with four vertices.
    page = opened_reports["energy_flows"].page
    lines = page.locator(".vega-embed").first.evaluate(LINE_STEPS)
    press = sorted(line["vertices"] for line in lines if line.get("stroke") == "#e67e22")
    assert press == [3, 4]


def test_year_sliders_zoom_the_axis_and_keep_the_lines(chart_reports: dict[str, Path], offline_page):
    page = _open(offline_page, chart_reports["trade_overview"])
    chart = page.locator(".vega-embed").first
    labels = chart.locator("[aria-label^='X-axis'] .role-axis-label text")
    before = [int(t) for t in labels.all_text_contents()]
    assert max(before) >= 2020
    sliders = chart.locator(".vega-bindings input[type=range]")
    assert sliders.count() == 2  # from year, to year
    sliders.nth(1).fill("2012")
    page.wait_for_function(
        "(el) => Math.max(...[...el.querySelectorAll(\"[aria-label^='X-axis'] .role-axis-label text\")].map(t => +t.textContent)) <= 2012",
        arg=chart.element_handle(), timeout=10_000,
    )  # fmt: skip
    after = [int(t) for t in labels.all_text_contents()]
    assert min(after) >= 2005 and max(after) <= 2012 and len(after) >= 3
    assert chart.locator(".mark-line.role-mark path").count() > 0, "zooming must not blank the lines"


def test_charts_and_their_controls_fit_a_phone_screen_with_full_size_text_and_labels_apart(
    chart_reports: dict[str, Path], offline_page
):
    # At 390 px: each chart's drawing, titles, legends and controls stay inside the column the page gives it (text
    # beyond the drawing's edge would be clipped, a wider drawing would scroll sideways), the plot keeps a usable
    # width, axis text keeps its size, and no label is written over another (statements a few months apart, e.g.
    # "about 200" and "more than 200" in investment_finance, were) or cut at the drawing's edge.
    problems = []
    for name, html in chart_reports.items():
        page = _open(offline_page, html, width=390)
        problems += [f"{name} chart {chart}: {a!r} over {b!r}" for chart, a, b in page.evaluate(LABEL_OVERLAPS)]
        problems += [f"{name} chart {chart}: {text!r} cut at the edge" for chart, text in page.evaluate(LABELS_CUT)]
        sizes = page.evaluate("""() => [...document.querySelectorAll('.vega-embed')].map(e => {
            const column = e.parentElement.getBoundingClientRect();
            const svg = e.querySelector('svg').getBoundingClientRect();
            const parts = [...e.querySelectorAll('svg .role-title, svg .role-legend')].map(g => g.getBoundingClientRect().right);
            const controls = [...e.querySelectorAll('.vega-bindings *')].map(c => c.getBoundingClientRect().right);
            const fonts = [...e.querySelectorAll('.role-axis-label text')].map(t => parseFloat(getComputedStyle(t).fontSize));
            return {column: column.right, svg: svg.right, width: svg.width, text: Math.max(0, ...parts),
                    controls: Math.max(0, ...controls), font: Math.min(...fonts, 99)};
        })""")
        for i, size in enumerate(sizes):
            if max(size["svg"], size["controls"]) > min(size["column"], 390) + 0.5:
                problems.append(
                    f"{name} chart {i}: reaches {max(size['svg'], size['controls']):.0f} px, column ends at {size['column']:.0f}"
                )
            if size["text"] > size["svg"] + 1:
                problems.append(
                    f"{name} chart {i}: title or legend runs {size['text'] - size['svg']:.0f} px past the drawing"
                )
            if size["width"] < 250:
                problems.append(f"{name} chart {i}: only {size['width']:.0f} px wide")
            if size["font"] < 10:
                problems.append(f"{name} chart {i}: axis text at {size['font']} px")
    assert not problems, problems


def test_no_label_is_written_over_another_at_desktop_width(opened_reports: dict[str, OfflinePage]):
    overlaps = [
        f"{name} chart {chart}: {a!r} over {b!r}"
        for name in CHART_NOTEBOOKS
        for chart, a, b in opened_reports[name].page.evaluate(LABEL_OVERLAPS)
    ]
    labelled = sum(opened_reports[name].page.locator("g.mark-text.role-mark text").count() for name in CHART_NOTEBOOKS)
    assert labelled >= 20, "the statement charts' labels were found"
    assert overlaps == []


def test_a_dropdown_filters_a_statement_chart_without_rescaling_it_or_crowding_its_labels(
    opened_reports: dict[str, OfflinePage],
):
    # people_currency's travellers chart (log scale) and currency chart: each dropdown option keeps the y axis drawn
    # for all rows (labels were placed on it; picking "Russia → China" used to redraw the axis from 100k) and no
    # label over another
    page = opened_reports["people_currency"].page
    axis = "(e) => [...e.querySelectorAll('[aria-label^=\"Y-axis\"] .role-axis-label text')].map(t => t.textContent)"
    checked = 0
    for index, embed in enumerate(page.locator(".vega-embed").all()):
        select = embed.locator(".vega-bindings select")
        if not select.count():
            continue
        drawn = embed.evaluate(axis)
        options = select.locator("option").all_text_contents()
        try:
            for option in options[1:]:
                select.select_option(option)
                page.wait_for_function(
                    "([e, o]) => e.querySelector('.vega-bindings select').value === o",
                    arg=[embed.element_handle(), option],
                )
                page.wait_for_timeout(100)  # the view re-renders on the next frame
                assert embed.evaluate(axis) == drawn, f"chart {index}, {option}: the y axis changed"
                assert [o for o in page.evaluate(LABEL_OVERLAPS) if o[0] == index] == [], f"chart {index}, {option}"
                checked += 1
        finally:
            select.select_option(options[0])
    assert checked >= 5, "both dropdowns' options were tried"


def test_svg_export_from_the_chart_menu_keeps_the_title_and_source_line(chart_reports: dict[str, Path], offline_page):
    page = _open(offline_page, chart_reports["energy_flows"])
    chart = page.locator(".vega-embed").first
    chart.locator("details summary").click()
    with page.expect_download(timeout=10_000) as download:
        chart.get_by_text("Save as SVG").click()
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert "China's energy imports from" in svg and "Years covered: 2010–2024." in svg
    assert "Sources: Chinese customs via Wind (CREA)" in svg
    offline_page.assert_clean()
