"""Investment statements and policy-bank loans: tiny frames, values worked out by hand."""

from __future__ import annotations

import polars as pl
import pytest
from statement_rows import frame, statement

from bilateral.analysis import investment as inv
from bilateral.analysis import stated_values as sv
from bilateral.data.sources.china_energy_finance import CHINA_ENERGY_FINANCE

STATEMENTS = frame([
    statement("2018", "igc_investment_portfolio_projects", 70.0, unit="projects (about)", qualifier="about", publisher="Ambassador"),
    statement("2018", "igc_investment_portfolio_value", 120.0, unit="US$ bn", publisher="Ambassador"),
    statement("2019", "igc_projects_implemented_value", 10.0, unit="US$ bn (more than)", qualifier="more than"),
    statement("2024", "igc_investment_portfolio_value", 200.0, unit="US$ bn (approximately)", qualifier="about"),
    statement("2025", "igc_investment_portfolio_value", 222.0, unit="US$ bn (RUB 18 trn)", publisher="RDIF"),
    statement("2025", "igc_new_list", 5.0, unit="projects"),
    statement("2017", "china_investment_in_russia_accumulated", 30.0, unit="US$ bn"),
    statement("2018", "china_investment_in_russia_accumulated_projection", 35.0, unit="US$ bn (may reach, forecast)"),
    statement("2018H1", "china_fdi_stock_in_russia", 3.0, unit="US$ bn"),
    statement("2020Jan-Aug", "china_investment_in_eaeu", 0.71, unit="US$ bn"),
    statement("2015H1", "china_odi_to_russia_yoy_pct", -25.0, unit="percent change"),
    statement("2019", "people_something", 1.0, unit="persons"),
])  # fmt: skip


def test_every_statement_lands_in_exactly_one_part():
    parts = inv.split_investment(STATEMENTS)
    assert {name: part.height for name, part in parts.items()} == {"portfolio": 6, "levels": 4, "growth": 1, "other": 1}
    portfolio = parts["portfolio"]
    assert (
        portfolio.filter(pl.col("metric") == "igc_new_list")["series"][0] == "Igc new list"
    )  # unknown metric: named, not dropped
    assert portfolio.select("metric", "measure").rows()[:2] == [
        ("igc_investment_portfolio_projects", "projects"),
        ("igc_investment_portfolio_value", "US$ bn"),
    ]
    assert portfolio.filter(pl.col("is_realised"))["metric"].to_list() == ["igc_projects_implemented_value"]
    assert parts["levels"].filter(pl.col("is_partial_scope"))["metric"].to_list() == ["china_investment_in_eaeu"]


def test_portfolio_findings_list_each_statement_and_grow_only_between_unqualified_values():
    text = inv.portfolio_findings(sv.stated_marks(inv.split_investment(STATEMENTS)["portfolio"]))
    assert "about 70 projects, US$120 bn (2018, Ambassador)" in text
    assert "about US$200 bn (2024, Agency)" in text
    # 222 / 120 = 1.85; the 2024 "about 200" is not used for a growth rate
    assert "US$120 bn (2018) and US$222 bn (2025), the stated value grew 1.85 times" in text
    assert "realised, listed apart — implemented with the commission's help: more than US$10 bn (2019)" in text


def test_levels_findings_compare_whole_russia_outturns_only():
    text = inv.levels_findings(sv.stated_marks(inv.split_investment(STATEMENTS)["levels"]))
    # 30 / 3 = 10.0; the 35 forecast and the EAEU-wide 0.71 are left out
    assert "from US$3 bn (FDI position, Bank of Russia balance of payments; H1 2018)" in text
    assert "to US$30 bn (Accumulated 'investment', Russian ambassador, broad; 2017), 10.0 times apart" in text
    assert "2 different bases in 2 statements" in text


def test_levels_findings_need_two_bases():
    one = inv.split_investment(STATEMENTS.filter(pl.col("metric") == "china_fdi_stock_in_russia"))["levels"]
    assert inv.levels_findings(sv.stated_marks(one)) == ""


def loan(
    year: int,
    iso3: str | None,
    name: str,
    amount_m: float,
    *,
    lender: str = "CDB",
    source: str = "Oil",
    borrower: str = "B",
) -> dict:
    return {
        "year": year, "country_name": name, "country_iso3": iso3, "country_code_file": iso3 or "BEN, TGO",
        "is_multi_country": iso3 is None, "region": "R", "location": None, "energy_source": source, "energy_subsector": "S",
        "borrower": borrower, "lender": lender, "amount_usd": amount_m * 1e6, "description": f"{name} {year} {borrower}",
        "is_bri_member": True, "russia_related": name == "Russia", "source": "bu_china_global_energy_finance",
    }  # fmt: skip


LOANS = pl.DataFrame([
    loan(2009, "RUS", "Russia", 25_000, borrower="Rosneft"), loan(2013, "RUS", "Russia", 2_000, source="Coal", borrower="En+"),
    loan(2010, "BRA", "Brazil", 30_000, lender="Ex-Im Bank"), loan(2012, "PAK", "Pakistan", 2_000, source="Coal"),
    loan(2012, None, "Benin, Togo", 1_000, source="Hydropower"),
], schema=CHINA_ENERGY_FINANCE.polars_schema(), orient="row")  # fmt: skip


def test_borrower_totals_rank_and_share_without_splitting_a_binational_loan():
    totals = inv.borrower_totals(LOANS)
    # total 60,000 m: Brazil 50.0%, Russia 27,000 = 45.0%, Pakistan 2,000 = 3.33%, Benin-Togo 1,000 = 1.67%
    assert totals.select("country_name", "rank", "loans").rows() == [
        ("Brazil", 1, 1),
        ("Russia", 2, 2),
        ("Pakistan", 3, 1),
        ("Benin, Togo", 4, 1),
    ]
    assert totals["share_pct"].to_list() == pytest.approx([50.0, 45.0, 10 / 3, 5 / 3])


def test_loans_are_filtered_by_lender_source_and_years():
    assert inv.filter_loans(LOANS, lender="CDB", start_year=2000, end_year=2019).height == 4
    assert inv.filter_loans(LOANS, sector="Coal", start_year=2000, end_year=2019)["country_name"].to_list() == [
        "Russia",
        "Pakistan",
    ]
    assert inv.filter_loans(LOANS, start_year=2011, end_year=2012).height == 2


def test_loans_findings_rank_list_years_and_name_the_largest_loan():
    text = inv.loans_findings(LOANS, "RUS", "Russia", "energy loans", (2000, 2019))
    assert text.startswith(
        "China's two policy banks made 2 energy loans to Russia in 2000–2019, US$27.00 bn in all: 45.0% of the US$60.00 bn"
    )
    assert "they lent to 4 borrowers, rank 2 (largest: Brazil, US$30.00 bn)" in text
    assert "By year: 2009 US$25.00 bn (1 loan), 2013 US$2.00 bn (1 loan); no other year has a loan." in text
    assert "The largest was US$25.00 bn to Rosneft (2009, CDB, Oil" in text


def test_loans_findings_say_so_when_the_country_has_none():
    coal = inv.filter_loans(LOANS, lender="Ex-Im Bank", start_year=2000, end_year=2019)
    assert inv.loans_findings(coal, "RUS", "Russia", "Ex-Im Bank energy loans", (2000, 2019)) == (
        "The database lists no Ex-Im Bank energy loans to Russia in 2000–2019."
    )
