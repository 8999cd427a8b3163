"""The gallery card's summary (reports/summary.py) and its preview (reports/preview.py).

Text rules on tiny hand-written Markdown; whole summaries on pages built from the shipped data, with the
expected values read from the data files or the parameters by hand, never from the summary code itself.
"""

from __future__ import annotations

import csv
import json

import altair as alt
import pandas as pd
import pytest
from datacopy import REPO

from bilateral.reports import preview, summary
from bilateral.reports.pages import Page
from bilateral.reports.params import validate_parameters


# -- text ---------------------------------------------------------------------------------------------
def test_the_finding_is_the_first_sentence_without_markdown():
    answer = "**Trade** was US\\$107.7 bn in 2020 (declared by *China*), 3.7 times 2005. The peak came in 2019."
    assert summary.first_sentence(answer) == "Trade was US$107.7 bn in 2020 (declared by China), 3.7 times 2005."


def test_decimals_and_lower_case_after_a_stop_do_not_end_the_sentence():
    assert summary.first_sentence("Crude rose 5.7% a year, e.g. in 2019. Gas fell.") == (
        "Crude rose 5.7% a year, e.g. in 2019."
    )


def test_a_heading_first_is_the_finding():
    answer = "### No cited figures for China–Kazakhstan, 2015–2024\n\nThe shipped data has none. More."
    assert summary.first_sentence(answer) == "No cited figures for China–Kazakhstan, 2015–2024"


def test_a_bold_theme_after_a_semicolon_starts_a_new_thought():
    answer = "8 themes are answered from the data; **Trade: how much.** Trade was large."
    assert summary.first_sentence(answer) == "8 themes are answered from the data"


def test_links_code_and_html_are_reduced_to_their_text():
    text = 'See [the registry](https://example.org/x) and `share_pct` <span class="badge">new</span>.'
    assert summary.plain_text(text) == "See the registry and share_pct new."


def test_a_long_finding_is_cut_at_a_word_with_an_ellipsis():
    cut = summary.first_sentence("word " * 100, limit=30)
    assert cut == "word word word word word word…"
    assert len(cut) <= 30


# -- sources ------------------------------------------------------------------------------------------
def test_a_shipped_source_is_named_by_its_registry_label_and_another_by_its_title():
    from bilateral.data import catalog

    names = summary.short_source_names(
        [
            catalog.citation("imf_dots"),
            "**A dataset: with a long subtitle.** Publisher: someone.",
            "**A dataset: again.**",
        ]
    )
    # the label is the registry's (lib/bilateral/data/registry.py), the second a title up to its colon, once
    assert names == ["IMF Direction of Trade Statistics (DOTS)", "A dataset"]


# -- charts -------------------------------------------------------------------------------------------
def _chart() -> alt.Chart:
    frame = pd.DataFrame({"year": [2003, 2005, 2007], "value": [1.0, 2.0, 1.5], "side": ["a", "b", "a"]})
    return (
        alt.Chart(frame, title="A title")
        .mark_line()
        .encode(x="year:O", y="value:Q", color=alt.Color("side:N", legend=alt.Legend(title="Side")))
    )


def test_data_years_are_the_first_and_last_year_the_charts_hold():
    assert summary.data_years([_chart().to_dict()]) == [2003, 2007]
    assert summary.data_years([{"data": {"values": [{"date": "2020-01"}]}}]) is None


def test_the_preview_spec_drops_the_title_and_every_legend():
    spec = summary.preview_spec(_chart().to_dict())
    assert "title" not in spec
    assert spec["encoding"]["color"]["legend"] is None
    assert spec["config"]["legend"]["disable"] is True


def test_the_preview_has_no_tooltips_or_mark_labels_an_image_cannot_show():
    chart = _chart().mark_point().encode(tooltip=["year:O", "value:Q"])
    drawn = preview.render_svg(chart.to_dict())
    assert drawn.count('aria-label="year: 2005') == 1  # the page's chart labels each point for screen readers
    spec = summary.preview_spec(chart.to_dict())
    assert "tooltip" not in spec["encoding"]
    assert "aria-label" not in preview.render_svg(spec)  # in the gallery's <img> only its alt text is read


def test_the_preview_is_an_svg_and_replaces_the_spec():
    card = preview.finish(
        {"title": "t", "chart": {"heading": "Values", "spec": summary.preview_spec(_chart().to_dict())}}
    )
    assert card["preview_svg"].lstrip().startswith("<svg") and "chart" not in card
    assert card["preview_heading"] == "Values"


def test_a_spec_that_does_not_render_leaves_no_preview_and_says_why():
    card = preview.finish({"chart": {"heading": "Broken", "spec": {"mark": "no-such-mark"}}})
    assert "preview_svg" not in card and card["preview_problem"]


# -- whole summaries on shipped data --------------------------------------------------------------------
def _page(notebook: str, values: dict):
    import importlib

    params = validate_parameters(notebook, values)
    return importlib.import_module(f"bilateral.reports.pages.{notebook}").build(params), params


@pytest.fixture(scope="module")
def china_kazakhstan_cited() -> dict:
    page, params = _page(
        "trade_overview", {"reporter": "CHN", "partner": "KAZ", "source": "cited", "start_year": 2015, "end_year": 2024}
    )
    return summary.page_summary(page, params)


def test_china_kazakhstan_from_cited_figures_has_no_data(china_kazakhstan_cited: dict):
    # The cited totals are China–Russia figures only: the file has no partner column at all.
    with (REPO / "data" / "raw" / "official_headlines" / "china_russia_trade_totals.csv").open() as handle:
        assert "partner" not in next(csv.reader(handle))
    card = china_kazakhstan_cited
    assert card["has_data"] is False
    assert card["chart"] is None and card["data_years"] is None
    assert card["finding"] == "No cited figures for China–Kazakhstan, 2015–2024"
    assert card["years"] == [2015, 2024]
    assert card["countries"] == [{"iso3": "CHN", "name": "China"}, {"iso3": "KAZ", "name": "Kazakhstan"}]
    assert card["theme"] == "trade"
    assert card["sources"] == ["Official statements (cited pages: GAC, FCS, officials)"]
    json.dumps(card)  # plain JSON, stored in the notebook metadata and the cache record


def test_china_russia_overview_has_data_a_finding_and_a_chart():
    page, params = _page("trade_overview", {"reporter": "CHN", "partner": "RUS", "source": "imf_dots"})
    card = summary.page_summary(page, params)
    assert card["has_data"] is True and card["from_page"] is True
    assert card["finding"].startswith("Trade between China and Russia was")
    assert card["finding"] == summary.first_sentence(page.answer)
    assert card["years"] == [2005, 2024]  # the schema's default window
    assert card["chart"]["heading"] == next(iter(page.charts))
    # the page cites BACI too: its consistency checks of the statements read the reconciled extract
    assert card["sources"] == [
        "IMF Direction of Trade Statistics (DOTS)",
        "Official statements (cited pages: GAC, FCS, officials)",
        "CEPII BACI, HS 2017 (reconciled; China-Russia extract)",
    ]


def test_energy_reports_are_about_the_exporter_and_china():
    card = summary.params_summary("energy_flows", {"exporter": "SAU", "start_year": 2010, "end_year": 2024}, "t")
    assert card["countries"] == [{"iso3": "SAU", "name": "Saudi Arabia"}, {"iso3": "CHN", "name": "China"}]
    assert card["theme"] == "energy" and card["has_data"] is None and card["from_page"] is False


def test_a_notebook_without_page_gets_a_card_from_its_parameters():
    params = validate_parameters("product_lens", {"partner": "KAZ"})
    card = summary.page_summary(None, params)
    assert card["title"] == params.title() and card["has_data"] is None and card["finding"] == ""
    assert [c["iso3"] for c in card["countries"]] == ["CHN", "KAZ"]


def test_collect_never_raises_and_takes_its_own_source_reads_back(monkeypatch: pytest.MonkeyPatch):
    from bilateral.reports import kernel_state

    monkeypatch.setattr(kernel_state, "_reads", {"/data/raw/imf_dots/source.yml"})

    def reading(citations):
        kernel_state._reads.add("/data/raw/hs_classification/source.yml")  # as the audit hook would record it
        return ["label"]

    monkeypatch.setattr(summary, "short_source_names", reading)
    page = Page(title="T", answer="It ran. Fine.", has_data=True)
    text = summary.collect({"params": None, "page": page})
    assert json.loads(text)["finding"] == "It ran."
    assert kernel_state._reads == {"/data/raw/imf_dots/source.yml"}
    assert json.loads(summary.collect({})) == {"version": summary.VERSION}

    class Broken:
        @property
        def charts(self):
            raise RuntimeError("boom")

    assert json.loads(summary.collect({"page": Broken(), "params": None}))["problem"] == "RuntimeError: boom"
