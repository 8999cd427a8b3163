"""The gallery page (reports/gallery.py) from hand-made results: status colours, links, subtitle, filters, escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bilateral.reports.execute import ReportResult
from bilateral.reports.gallery import subtitle, write_gallery
from bilateral.reports.summary import params_summary

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def _summary(notebook: str, values: dict, **page) -> dict:
    card = params_summary(notebook, values, page.pop("title", "Title"))
    card.update(page)
    return card


def _result(root: Path, slug: str, status: str = "ok", *, files: bool = True, **extra) -> ReportResult:
    folder = root / "trade_overview"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{slug}.html", folder / f"{slug}.ipynb", folder / f"{slug}.notebook.html"]
    if files:
        for path in paths:
            path.write_text("x")
    extra.setdefault("summary", _summary("trade_overview", {"reporter": "CHN", "partner": "RUS"}, has_data=True))
    return ReportResult(
        notebook=extra.pop("notebook", "trade_overview"),
        params=None,
        raw_params=extra.pop("raw_params", {"reporter": "CHN", "partner": "RUS"}),
        title=extra.pop("title", slug),
        status=status,
        seconds=1.0,
        html_path=paths[0] if files else None,
        ipynb_path=paths[1] if files else None,
        notebook_html_path=paths[2] if files else None,
        **extra,
    )


def _cards(index: str) -> dict[str, str]:
    """Card title -> data-status."""
    return dict(
        (title, status)
        for status, title in re.findall(r'<article [^>]*data-status="([\w-]+)"[^>]*><h2>(?:<a [^>]*>)?([^<]+)', index)
    )


@pytest.fixture
def gallery(tmp_path: Path) -> str:
    kaz = _summary(
        "trade_overview",
        {"reporter": "CHN", "partner": "KAZ", "start_year": 2015, "end_year": 2024},
        title="China–Kazakhstan",
        has_data=False,
        finding="No cited figures for China–Kazakhstan, 2015–2024",
    )
    rus = _summary(
        "trade_overview",
        {"reporter": "CHN", "partner": "RUS", "start_year": 2005, "end_year": 2024},
        title="China–Russia",
        has_data=True,
        finding="Trade grew.",
        sources=["IMF Direction of Trade Statistics (DOTS)"],
        preview_svg=SVG,
        preview_heading="Trade",
    )
    energy = _summary("energy_flows", {"exporter": "SAU", "start_year": 2010, "end_year": 2022}, title="Energy")
    results = [
        _result(tmp_path, "CHN-RUS", "reused", summary=rus),
        _result(tmp_path, "CHN-KAZ", summary=kaz),
        _result(tmp_path, "SAU", summary=energy, notebook="energy_flows"),
        _result(tmp_path, "broken", "failed", files=False, error="Notebook failed: <KeyError> 'x'", summary={}),
    ]
    return write_gallery(results, tmp_path, title="Plan <b>", description="the plan's own words").read_text()


def test_green_only_with_data_amber_without_grey_unknown_red_failed(gallery: str):
    assert _cards(gallery) == {"China–Russia": "ok", "China–Kazakhstan": "no-data", "Energy": "ran", "broken": "failed"}
    assert '<span class="badge no-data"' in gallery and ">no data</span>" in gallery
    assert gallery.count('class="badge reused"') == 1  # the reused report keeps its card and gets the marker


def test_a_card_shows_finding_years_countries_sources_and_preview(gallery: str):
    card = re.search(
        r'<article [^>]*data-notebook="trade_overview"[^>]*data-countries="CHN RUS".*?</article>', gallery
    ).group(0)
    assert '<p class="finding">Trade grew.</p>' in card
    assert "<span>2005–2024</span>" in card and "<span>China, Russia</span>" in card
    assert "Sources: IMF Direction of Trade Statistics (DOTS)" in card
    assert 'src="data:image/svg+xml;base64,' in card
    assert 'href="trade_overview/CHN-RUS.notebook.html">Notebook with code</a>' in card
    assert 'href="trade_overview/CHN-RUS.ipynb" download>.ipynb</a>' in card


def test_a_failed_report_without_files_shows_its_error_escaped_and_links_nothing(gallery: str):
    card = re.search(r'<article class="card failed".*?</article>', gallery).group(0)
    assert "Notebook failed: &lt;KeyError&gt; &#x27;x&#x27;" in card
    assert "href=" not in card


def test_the_subtitle_is_written_from_the_cards(gallery: str):
    # 4 reports: trade 3 (RUS, KAZ, the failed trade_overview), energy 1; countries by how many cards name them
    assert (
        '<p class="sub">4 reports on trade (3) and energy (1), covering China, Russia, Kazakhstan and Saudi Arabia, '
        "years 2005–2024.</p>"
    ) in gallery
    assert subtitle([]) == "No reports in this plan."


def test_filters_list_every_notebook_country_and_theme_and_start_hidden(gallery: str):
    form = re.search(r'<form id="filters".*?</form>', gallery).group(0)
    assert " hidden>" in form.split(">", 1)[0] + ">"  # shown by the script; without it every card is listed
    assert re.findall(r'<select name="notebook">(.*?)</select>', form)[0].count("<option") == 3  # all + 2
    assert '<option value="KAZ">Kazakhstan (KAZ)</option>' in form
    assert '<option value="energy">energy</option>' in form


def test_the_page_is_self_contained_and_escapes_titles(gallery: str):
    assert "<title>Plan &lt;b&gt;</title>" in gallery
    assert not re.search(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', gallery)
    assert '<meta name="description" content="the plan&#x27;s own words">' in gallery
