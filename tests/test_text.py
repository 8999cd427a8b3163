"""Dollar signs stay money: every findings function's text, displayed through bilateral.viz.text, has no math.

JupyterLab typesets text between two `$` as LaTeX; the display helper escapes `$` and wraps the output in
a block MathJax skips (the browser test checks JupyterLab itself). Here: the helper's rules, and every
findings / sentence / message function of the analysis layer run on shipped data (or a tiny frame), shown
through the helper, then rendered the way the HTML reports render Markdown.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable

import polars as pl
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

import bilateral.analysis
from bilateral.analysis import energy, energy_compare, group_link, products, ranking, trade
from bilateral.data import catalog, lenses
from bilateral.data.groups import group_members
from bilateral.data.trade_flows import load_trade_flows
from bilateral.reports.params import validate_parameters
from bilateral.viz.text import NO_MATH_CLASS, Markdown, as_written, escape_math

FINDINGS_NAME = re.compile(r"(findings|sentence|message)$")


def test_escape_math_escapes_every_dollar_outside_code():
    assert (
        escape_math("US$244.8 bn in 2024, 8.4 times the US$29.1 bn")
        == r"US\$244.8 bn in 2024, 8.4 times the US\$29.1 bn"
    )
    assert escape_math("run `echo $HOME` for US$1") == r"run `echo $HOME` for US\$1"
    assert escape_math(r"already \$5") == r"already \$5"


def test_markdown_output_sits_in_a_block_mathjax_skips():
    shown = Markdown("US$1 or US$2")._repr_markdown_()
    assert shown == f'<div class="{NO_MATH_CLASS}">\n\nUS\\$1 or US\\$2\n\n</div>'


def test_reports_show_the_dollar_sign_as_written():
    html = markdown2html_mistune(as_written("| US$ bn | Note |\n|---|---|\n| 1.0 | from US$2 |\n\nUS$244.8 bn"))
    assert "US$ bn" in html and "from US$2" in html and "US$244.8 bn" in html
    assert "\\$" not in html


def _trade_findings() -> str:
    series = trade.headline_series(trade.pair_statements(catalog.load("trade_headlines"), "CHN", "RUS"))
    return trade.findings(trade.overview_table(series, 2005, 2024), "China", "Russia")


def _product_table() -> pl.DataFrame:
    flows = lenses.apply_lens(load_trade_flows("comtrade_china_critical_minerals"), "critical_minerals")
    table, _level = products.lens_table(
        flows, "CHN", "RUS", "export", 2017, 2024, lambda codes, _r: {c: c for c in codes}
    )
    return table


def _product_no_data() -> str:
    params = validate_parameters("product_lens", {"partner": "JPN", "lens": "energy"})
    flows = load_trade_flows("comtrade_china_critical_minerals")
    return products.no_data_message(params, "China", "Japan", "Energy", "shipped extract", products.coverage(flows))


def _group_findings() -> str:
    members = group_members("EAEU")
    headline = trade.headline_series(trade.pair_statements(catalog.load("trade_headlines"), "CHN", "RUS"))
    russia = headline.filter(pl.col("metric") == "turnover").with_columns(
        pl.col("basis_code").map_elements(trade.basis_label, return_dtype=pl.String).alias("basis")
    )
    turnover = group_link.turnover_from_statements(russia, catalog.load("eaeu_trade_statements"), members)
    totals = group_link.group_totals(turnover, members)
    return group_link.group_findings(
        totals, group_link.member_shares(turnover, totals), "China", "EAEU", {m: m for m in members}
    )


def _energy_ranking() -> pl.DataFrame:
    annual_all = energy.annual_energy_imports(catalog.load("china_energy_imports"), complete_years_only=False)
    return energy.ranking_in_complete_years(annual_all, "crude_oil")


def _energy_comparison() -> str:
    long = energy_compare.from_headlines(catalog.load("energy_headlines"), "RUS")
    return energy_compare.comparison_findings(energy_compare.comparison(long), "Russia")


def _computed_ranking() -> str:
    # a tiny ranking as ranking_from_flows returns it: one partner's rows
    rows = pl.DataFrame(
        {
            "year": [2020, 2024],
            "partner_iso3": ["CHN", "CHN"],
            "turnover_usd": [1.0e11, 2.4e11],
            "directions": [2, 1],
            "rank": [1, 1],
            "partners_ranked": [150, 152],
            "share_basis": ["world total"] * 2,
            "share_pct": [18.0, 33.5],
        }
    )
    return ranking.ranking_findings(rows, "Russia", "China")


def _position_findings() -> str:
    from bilateral.data.trade_flows import scan_trade_flows

    flows = (
        scan_trade_flows("imf_dots")
        .filter((pl.col("reporter_iso3") == "RUS") | (pl.col("partner_iso3") == "RUS"))
        .collect()
    )
    own = ranking.ranking_from_flows(flows, "RUS", 2008, 2020)
    lead = ranking.leaders(own, ranking.ranking_from_flows(flows, "RUS", 2008, 2020, view="mirror"))
    statements = ranking.cited_ranking(catalog.load("partner_share_rank"), "RUS", "CHN")
    return ranking.position_findings(
        own, lead, statements, reporter_iso3="RUS", partner_iso3="CHN", source_label="IMF DOTS (US$ m)"
    )


def _page_answer(notebook: str, **parameters: object) -> Callable[[], str]:
    """The answer of a report page, which is where these findings functions' sentences are shown."""

    def answer() -> str:
        import importlib

        page = importlib.import_module(f"bilateral.reports.pages.{notebook}").build(
            validate_parameters(notebook, parameters)
        )
        return page.answer + "\n\n" + page.tables_markdown()

    return answer


FINDINGS: dict[str, Callable[[], str]] = {
    "people_currency.travel_findings": _page_answer("people_currency"),
    "people_currency.student_findings": _page_answer("people_currency"),
    "people_currency.currency_findings": _page_answer("people_currency"),
    "investment.portfolio_findings": _page_answer("investment_finance"),
    "investment.levels_findings": _page_answer("investment_finance"),
    "investment.loans_findings": _page_answer("investment_finance"),
    "ranking.position_findings": _position_findings,
    "trade.findings": _trade_findings,
    "trade.no_data_message": lambda: trade.no_data_message("China", "Japan", 2005, 2024, [("CHN", "RUS")]),
    "products.product_findings": lambda: products.product_findings(_product_table(), "China", "Russia", "export"),
    "products.no_data_message": _product_no_data,
    "group_link.group_findings": _group_findings,
    "group_link.after_data_sentence": _page_answer(
        "group_link", reporter="CHN", group="EAEU", source="imf_dots", start_year=2015, end_year=2024
    ),
    "energy_compare.comparison_findings": _energy_comparison,
    "energy_compare.supplier_rank_sentence": lambda: energy_compare.supplier_rank_sentence(
        _energy_ranking(), "RUS", "Russia", 2024
    ),
    "energy_compare.stated_rank_sentence": lambda: energy_compare.stated_rank_sentence(
        catalog.load("energy_headlines"), "RUS", "Russia", 2021
    ),
    "ranking.ranking_findings": _computed_ranking,
    "ranking.cited_findings": lambda: ranking.cited_findings(
        ranking.cited_ranking(catalog.load("partner_share_rank"), "RUS", "CHN"), "China", "Russia"
    ),
}


def analysis_findings_functions() -> set[str]:
    found = set()
    for module_info in pkgutil.iter_modules(bilateral.analysis.__path__):
        module = importlib.import_module(f"bilateral.analysis.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            returns_text = inspect.signature(function).return_annotation in (str, "str")
            if (
                function.__module__ == module.__name__
                and FINDINGS_NAME.search(name)
                and not name.startswith("_")
                and returns_text
            ):
                found.add(f"{module_info.name}.{name}")
    return found


def test_every_findings_function_of_the_analysis_layer_is_covered_here():
    assert analysis_findings_functions() == set(FINDINGS), "add a recipe for each new findings function to FINDINGS"


@pytest.mark.parametrize("name", sorted(FINDINGS))
def test_findings_text_is_shown_as_written(name: str):
    text = FINDINGS[name]()
    assert text, f"{name} produced no text; the recipe no longer exercises it"
    shown = Markdown(text)._repr_markdown_()
    assert shown.startswith(f'<div class="{NO_MATH_CLASS}">')
    outside_code = re.sub(r"(`+).+?\1", "", shown, flags=re.DOTALL)
    assert re.search(r"(?<!\\)\$", outside_code) is None, f"{name}: an unescaped $ would start math: {shown}"
    rendered = re.sub(r"<[^>]+>", "", markdown2html_mistune(shown))
    assert rendered.count("$") == text.count("$") and "\\$" not in rendered
