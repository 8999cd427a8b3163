"""The live explorer reacts to its controls (ipywidgets run without a browser)."""

from __future__ import annotations

import re

from bilateral.reports.pages import Page, product_lens, trade_overview
from bilateral.reports.params import validate_parameters
from bilateral.viz.controls import YearRange, report_link
from bilateral.viz.explorer_parts import Coverage, country_options, trade_flows_coverage
from bilateral.viz.widgets import PairTradeExplorer, ProductExplorer, RankingExplorer, explorer, source_choice


def no_fetched_source(source: str) -> Coverage:
    raise AssertionError(f"no fetched source should be read here, got {source}")


def pair_view() -> PairTradeExplorer:
    view = PairTradeExplorer([], no_fetched_source)
    view.refresh()
    return view


def table_years(markdown: str) -> list[int]:
    """The Year column of a Markdown table whose rows start with a year."""
    return [int(line.split("|")[1]) for line in markdown.splitlines() if line[:3] in ("| 1", "| 2")]


def assert_same_page(shown: Page, report: Page) -> None:
    """Same text, tables and chart headings (chart objects differ only in generated parameter names)."""
    assert (shown.title, shown.answer, shown.has_data, shown.tables_markdown(), shown.notes, shown.sources) == (
        report.title, report.answer, report.has_data, report.tables_markdown(), report.notes, report.sources
    )  # fmt: skip
    assert shown.key_numbers == report.key_numbers
    assert list(shown.charts) == list(report.charts)


def test_pair_explorer_starts_on_a_covered_pair_and_follows_the_year_slider():
    view = pair_view()
    assert (view.reporter.value, view.partner.value, view.source.value) == ("CHN", "RUS", "cited")
    assert max(table_years(view.last_page.tables["Key figures"].markdown())) == 2024
    view.years.slider.value = (2015, 2019)
    assert table_years(view.last_page.tables["Key figures"].markdown()) == [2015, 2016, 2017, 2018, 2019]
    assert view.last_findings.startswith("Trade between China and Russia was stated as US$110.8 bn in 2019")
    assert view.years.label.value == "<b>2015–2019</b>"  # the full range, never cut


def test_pair_explorer_shows_the_page_the_report_builds():
    view = pair_view()
    view.years.slider.value = (2010, 2020)
    report = trade_overview.build(validate_parameters("trade_overview", view.parameters()))
    assert_same_page(view.last_page, report)  # one computation, not two
    assert list(view.last_page.charts) == [
        "Trade between China and Russia, US$ bn",
        "Growth of turnover, % a year (within one basis)",
    ]


def test_pair_explorer_turns_round_when_the_pair_is_swapped():
    view = pair_view()
    view.reporter.value, view.partner.value = "RUS", "CHN"
    # GAC 2024 as cited (data/raw/official_headlines): exports 129.32, imports 115.49 US$ bn; Russia's surplus 13.83
    assert "| 2024 | 244.81 | 129.32 | 115.49 | 13.83 |" in view.last_page.tables["Key figures"].markdown()


def test_pair_explorer_refuses_a_country_paired_with_itself_with_the_reports_message():
    view = pair_view()
    view.partner.value = "CHN"
    assert view.last_findings.endswith("reporter and partner are both CHN; choose two different countries.")
    assert view.last_page is None


def test_pair_explorer_report_parameters_are_the_selection():
    view = pair_view()
    view.years.slider.value = (2010, 2020)
    assert view.parameters() == {
        "reporter": "CHN",
        "partner": "RUS",
        "start_year": 2010,
        "end_year": 2020,
        "source": "cited",
    }


def test_product_explorer_switches_lens_and_says_when_there_is_nothing():
    view = ProductExplorer(["comtrade_china_critical_minerals"])
    view.refresh()
    products = view.last_page.tables["Products, year by year"].markdown()
    assert set(re.findall(r"^\| (\d{6}) \|", products, re.MULTILINE)) == {
        "250410", "280461", "380110", "811292"
    }  # fmt: skip
    assert view.years.value == (2017, 2024)
    view.lens.value = "energy"
    assert not view.last_page.has_data and view.last_page.charts == {}
    assert view.last_findings.startswith("### No export rows for China–Russia in the Energy (mineral fuels) lens")


def test_product_explorer_shows_the_product_lens_page():
    view = ProductExplorer(["comtrade_china_critical_minerals"])
    view.years.slider.value = (2019, 2023)
    assert_same_page(view.last_page, product_lens.build(validate_parameters("product_lens", view.parameters())))


def test_product_explorer_on_a_source_without_rows_says_so():
    view = ProductExplorer(["comtrade"], lambda _source: Coverage(frozenset(), frozenset(), None))
    view.refresh()
    assert view.last_findings == f"The selected source ({source_choice('comtrade')}) has no rows."
    assert view.last_page is None


def test_ranking_explorer_shows_cited_rank_of_china_among_russias_partners():
    view = RankingExplorer([], no_fetched_source)
    view.refresh()
    assert (view.reporter.value, view.partner.value) == ("RUS", "CHN")
    assert view.last_findings.startswith("Cited statements put China at rank 1 among Russia's trading partners")
    assert list(view.last_page.charts) == ["Rank and share as stated"]


def test_explorer_tabs_hold_the_three_views():
    tabs = explorer(sources=[], coverage=trade_flows_coverage)
    assert [tabs.get_title(i) for i in range(3)] == ["Pair trade", "Products in a lens", "Partner ranking"]
    assert [view.source.value for view in tabs.explorers] == ["cited", "comtrade_china_critical_minerals", "cited"]
    assert [view.notebook for view in tabs.explorers] == ["trade_overview", "product_lens", "partner_ranking"]


def test_year_range_keeps_its_selection_inside_new_bounds():
    years = YearRange(2004, 2024)
    years.reset(2017, 2020)
    assert years.value == (2017, 2020) and years.label.value == "<b>2017–2020</b>"


def test_report_link_points_at_the_servers_files_route_when_the_report_is_under_its_root(tmp_path):
    report = tmp_path / "reports" / "trade_overview" / "CHN-RUS_2005-2024.html"
    env = {"BILATERAL_LAB_ROOT_DIR": str(tmp_path), "BILATERAL_LAB_BASE_URL": "/"}
    assert 'href="/files/reports/trade_overview/CHN-RUS_2005-2024.html"' in report_link(report, env)
    assert "href" not in report_link(report, {})  # outside JupyterLab: the path only
    assert str(report) in report_link(report, {})


def test_country_menus_leave_out_the_world_and_codes_the_reports_refuse():
    # IMF DOTS keeps YMD (former South Yemen); no report parameter accepts it, so no menu offers it
    assert country_options({"YMD", "WLD", "RUS", "CHN"}) == [("China (CHN)", "CHN"), ("Russia (RUS)", "RUS")]
