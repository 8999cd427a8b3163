"""The claims report end to end: `bilateral report run claims` on the shipped data gives one HTML file with a section
and a chart per checkable claim and the ClaimReview JSON-LD embedded, and it opens in a browser with no network."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from shared_reports import run_reused

CHECKABLE = 11
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


@pytest.fixture(scope="module")
def claims_report(one_of_each: Path) -> Path:
    """`bilateral report run claims`, the report the session rendered (tests/shared_reports.py)."""
    html = run_reused(one_of_each, "claims")
    assert html.name == "ledger.html" and html.with_suffix(".ipynb").is_file()
    return html


@pytest.mark.slow
def test_the_report_embeds_one_claimreview_per_checkable_claim(claims_report: Path):
    text = claims_report.read_text(encoding="utf-8")
    blocks = JSONLD.findall(text)
    assert len(blocks) == 1, "the JSON-LD is embedded once"
    reviews = json.loads(blocks[0])
    assert len(reviews) == CHECKABLE and {r["@type"] for r in reviews} == {"ClaimReview"}
    assert "import bilateral" not in text and "from bilateral" not in text, "code cells are hidden from readers"
    flat = " ".join(text.split())
    assert flat.count('class="claim-verdict"') == CHECKABLE
    assert "Statements that are not about facts (no verdict)" in flat and "mishustin-mechanism-unique" in flat


@pytest.mark.browser
@pytest.mark.slow
def test_the_claims_report_opens_offline_with_every_chart_drawn(claims_report: Path, offline_page):
    page = offline_page.page
    offline_page.open(claims_report)
    page.wait_for_selector(".vega-embed svg, .vega-embed canvas", timeout=30_000)
    charts = page.locator(".vega-embed")
    # 11 checkable claims; people-to-people (no count for 2021) and supply chains (no world trade by product) have
    # nothing to draw, so 9 charts.
    assert charts.count() == 9
    page.wait_for_function(
        "document.querySelectorAll('.vega-embed svg, .vega-embed canvas').length >= 9", timeout=30_000
    )
    assert page.locator(".claim-verdict").count() == CHECKABLE
    embedded = page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent).length"
    )
    assert embedded == CHECKABLE
    offline_page.assert_clean()
