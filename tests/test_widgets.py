"""The live explorer reacts to its controls (ipywidgets run without a browser)."""

from __future__ import annotations

import polars as pl

from bilateral.data import catalog
from bilateral.viz.widgets import HeadlineExplorer, ProductExplorer, explorer


def test_headline_explorer_starts_on_a_covered_pair_and_follows_the_year_slider():
    view = HeadlineExplorer(catalog.load("trade_headlines"))
    assert (view.reporter.value, view.partner.value) == ("CHN", "RUS")
    view.refresh()
    assert view.last_table["year"].max() == 2024
    view.years.value = (2015, 2019)
    assert view.last_table["year"].to_list() == [2015, 2016, 2017, 2018, 2019]
    assert view.last_findings.startswith("Trade between China and Russia was US$110.8 bn in 2019")


def test_headline_explorer_turns_round_when_the_pair_is_swapped():
    view = HeadlineExplorer(catalog.load("trade_headlines"))
    view.reporter.value, view.partner.value = "RUS", "CHN"
    latest = view.last_table.filter(pl.col("year") == 2024).row(0, named=True)
    assert latest["exports_usd"] == 129.32e9 and latest["balance_usd"] > 0


def test_product_explorer_switches_lens_and_says_when_there_is_nothing():
    flows = catalog.load("china_critical_mineral_exports")
    view = ProductExplorer(flows, lambda codes, _revision: {code: code for code in codes})
    view.refresh()
    assert set(view.last_table["product_code"]) == {"250410", "280461", "380110", "811292"}
    view.lens.value = "energy"
    assert view.last_table.is_empty() and view.last_findings == "No export rows for China–Russia in the energy lens."


def test_explorer_tabs_hold_both_views():
    tabs = explorer(catalog.load("trade_headlines"), catalog.load("china_critical_mineral_exports"), lambda codes, _r: {})
    assert [tabs.get_title(i) for i in range(2)] == ["Headline trade", "Products in a lens"]


def test_product_explorer_on_an_empty_table_says_so():
    flows = catalog.load("china_critical_mineral_exports").clear()
    view = ProductExplorer(flows, lambda codes, _revision: {})
    view.refresh()
    assert view.last_findings == "This trade_flows table has no rows."
