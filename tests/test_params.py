"""Report parameters: every bad input is refused with a message that says what to do."""

from __future__ import annotations

import pytest

from bilateral.errors import ParameterError
from bilateral.reports.params import parse_assignments, validate_parameters


def validate(**values):
    return validate_parameters("trade_overview", values)


def test_defaults_describe_china_and_russia():
    params = validate()
    assert (params.reporter, params.partner, params.start_year, params.end_year) == ("CHN", "RUS", 2005, 2024)
    assert params.source == "imf_dots" and params.slug() == "CHN-RUS_imf_dots_2005-2024"


def test_codes_are_upper_cased_and_cli_strings_become_years():
    params = validate(reporter="chn", partner="kaz", start_year="2015")
    assert (params.reporter, params.partner, params.start_year) == ("CHN", "KAZ", 2015)


def test_an_unknown_country_suggests_the_closest_code():
    with pytest.raises(ParameterError, match=r"Unknown partner 'RUSS'.*Did you mean 'RUS' \(Russia\)\?"):
        validate(partner="RUSS")


def test_a_country_name_instead_of_a_code_suggests_the_code():
    with pytest.raises(ParameterError, match=r"Did you mean 'KAZ' \(Kazakhstan\)"):
        validate(partner="Kazakstan")


def test_end_year_before_start_year_is_refused():
    with pytest.raises(ParameterError, match=r"end_year \(2010\) is before start_year \(2020\)"):
        validate(start_year=2020, end_year=2010)


def test_a_year_outside_the_data_range_is_refused():
    with pytest.raises(ParameterError, match="start_year: must be a year between 1990"):
        validate(start_year=1850)


def test_a_word_where_a_year_belongs_is_a_type_error():
    with pytest.raises(ParameterError, match="start_year: must be a whole number .*got 'last year'"):
        validate(start_year="last year")


def test_an_unknown_parameter_name_suggests_the_right_one():
    with pytest.raises(ParameterError, match="Unknown parameter 'partnr'.*Did you mean 'partner'"):
        validate(partnr="RUS")


def test_reporter_and_partner_must_differ():
    with pytest.raises(ParameterError, match="both RUS"):
        validate(reporter="RUS", partner="RUS")


def test_an_unknown_notebook_lists_the_known_ones():
    with pytest.raises(ParameterError, match="Unknown notebook 'trade_overveiw'.*Did you mean 'trade_overview'"):
        validate_parameters("trade_overveiw", {})


def test_assignments_without_equals_sign_are_malformed():
    assert parse_assignments(["partner=RUS", "end_year = 2020"]) == {"partner": "RUS", "end_year": "2020"}
    with pytest.raises(ParameterError, match="Malformed parameter 'partner:RUS'"):
        parse_assignments(["partner:RUS"])
    with pytest.raises(ParameterError, match="given twice"):
        parse_assignments(["partner=RUS", "partner=KAZ"])


def test_the_world_is_not_a_reporter_or_partner():
    with pytest.raises(ParameterError, match="WLD \\(World\\) is not a country"):
        validate(reporter="WLD")


def test_product_lens_parameters_name_lens_source_and_flow():
    params = validate_parameters("product_lens", {"lens": "Energy", "source": "comtrade_china_critical_minerals"})
    assert (params.lens, params.snapshot_name) == ("energy", None)
    assert params.slug() == "CHN-RUS_energy_export_comtrade_china_critical_minerals_2017-2024"
    with pytest.raises(ParameterError, match="Unknown lens 'energi'; known lenses: energy"):
        validate_parameters("product_lens", {"lens": "energi"})
    with pytest.raises(ParameterError, match="flow: must be 'export' or 'import'"):
        validate_parameters("product_lens", {"flow": "both"})
    with pytest.raises(ParameterError, match="snapshot applies to fetched sources only"):
        validate_parameters("product_lens", {"snapshot": "2026-01-01T000000Z"})
