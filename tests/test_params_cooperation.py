"""Parameters of investment_finance and people_currency: checked against the values the shipped data hold."""

from __future__ import annotations

import pytest

from bilateral.errors import ParameterError
from bilateral.reports.params import validate_parameters


def test_lender_and_sector_match_the_data_case_insensitively_and_name_the_slug():
    params = validate_parameters("investment_finance", {"country": "kaz", "lender": "ex-im bank", "sector": "gas/lng"})
    assert (params.country, params.lender, params.sector) == ("KAZ", "Ex-Im Bank", "Gas/LNG")
    assert params.slug() == "KAZ_Ex-Im-Bank_Gas-LNG_2000-2025"
    assert params.title().endswith("(Ex-Im Bank, Gas/LNG loans)")
    assert validate_parameters("investment_finance", {}).slug() == "RUS_2000-2025"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"lender": "CDBB"}, "'CDBB' is not a lender in the loans data; choose 'all' or one of: CDB, CDB-Ex-Im Cofinancing, Ex-Im Bank. Did you mean 'CDB'?"),
        ({"sector": "oil1"}, "Did you mean 'Oil'?"),
        ({"country": "USA"}, "'USA' is not a borrower in the loans data; choose one of: AGO,"),
        ({"start_year": 1999}, "start_year 1999 is outside the years of the loans data and the investment statements (2000–2025)"),
        ({"start_year": 2010, "end_year": 2005}, "end_year (2005) is before start_year (2010)"),
    ],
)  # fmt: skip
def test_values_absent_from_the_loans_data_are_refused_with_the_choices(values: dict, message: str):
    with pytest.raises(ParameterError) as caught:
        validate_parameters("investment_finance", values)
    assert message in str(caught.value)


def test_people_years_follow_the_statements_span():
    assert validate_parameters("people_currency", {}).slug() == "CHN-RUS_2013-2030"
    with pytest.raises(
        ParameterError, match="end_year 2031 is outside the years of the people and currency statements"
    ):
        validate_parameters("people_currency", {"end_year": 2031})
