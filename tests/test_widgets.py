"""The live explorer reacts to its controls (ipywidgets run without a browser)."""

from __future__ import annotations

import polars as pl

from bilateral.data import catalog
from bilateral.viz.controls import YearRange, report_link
from bilateral.viz.widgets import PairTradeExplorer, ProductExplorer, RankingExplorer, explorer


def no_flows(source: str) -> pl.DataFrame:
    raise AssertionError(f"no fetched source should be read here, got {source}")


def pair_view() -> PairTradeExplorer:
    view = PairTradeExplorer(catalog.load("trade_headlines"), no_flows, [])
    view.refresh()
    return view


def test_pair_explorer_starts_on_a_covered_pair_and_follows_the_year_slider():
    view = pair_view()
    assert (view.reporter.value, view.partner.value, view.source.value) == ("CHN", "RUS", "cited")
    assert view.last_table["year"].max() == 2024
    view.years.slider.value = (2015, 2019)
    assert view.last_table["year"].to_list() == [2015, 2016, 2017, 2018, 2019]
    assert view.last_findings.startswith("Trade between China and Russia was US$110.8 bn in 2019")
    assert view.years.label.value == "<b>2015–2019</b>"  # the full range, never cut


def test_pair_explorer_turns_round_when_the_pair_is_swapped():
    view = pair_view()
    view.reporter.value, view.partner.value = "RUS", "CHN"
    latest = view.last_table.filter(pl.col("year") == 2024).row(0, named=True)
    assert latest["exports_usd"] == 129.32e9 and latest["balance_usd"] > 0


def test_pair_explorer_refuses_a_country_paired_with_itself_without_drawing():
    view = pair_view()
    view.partner.value = "CHN"
    assert view.last_findings == "Reporter and partner are both China; choose two different countries."
    assert view.last_chart is None


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
    flows = catalog.load("china_critical_mineral_exports")
    view = ProductExplorer(flows, lambda codes, _revision: {code: code for code in codes})
    view.refresh()
    assert set(view.last_table["product_code"]) == {"250410", "280461", "380110", "811292"}
    assert view.years.value == (2017, 2024)
    view.lens.value = "energy"
    assert view.last_table.is_empty() and view.last_findings == "No export rows for China–Russia in the energy lens."
    assert view.last_chart is None


def test_product_explorer_on_an_empty_table_says_so():
    flows = catalog.load("china_critical_mineral_exports").clear()
    view = ProductExplorer(flows, lambda codes, _revision: {})
    view.refresh()
    assert view.last_findings == "This trade_flows table has no rows."


def test_ranking_explorer_shows_cited_rank_of_china_among_russias_partners():
    view = RankingExplorer(catalog.load("partner_share_rank"), no_flows, [])
    view.refresh()
    assert (view.reporter.value, view.partner.value) == ("RUS", "CHN")
    assert view.last_findings.startswith("Cited statements put China at rank 1 among Russia's trading partners")
    assert set(view.last_table["measure"]) >= {"rank", "share_pct"}


def test_explorer_tabs_hold_the_three_views():
    tabs = explorer(
        catalog.load("trade_headlines"),
        catalog.load("china_critical_mineral_exports"),
        lambda codes, _r: {},
        sources=[],
    )
    assert [tabs.get_title(i) for i in range(3)] == ["Pair trade", "Products in a lens", "Partner ranking"]
    assert [view.source.value for view in tabs.explorers] == ["cited", "comtrade_china_critical_minerals", "cited"]


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
