"""Parameters of the projects and hitech_science reports: checked against the values the shipped data hold."""

from __future__ import annotations

import pytest

from bilateral.errors import ParameterError
from bilateral.reports.params import validate_parameters


def test_projects_defaults_cover_every_sector_stage_and_year_and_name_the_file():
    params = validate_parameters("projects", {})
    assert (params.sector, params.status, params.start_year, params.end_year) == ("all", "all", 1995, 2030)
    assert params.slug() == "all_all_1995-2030" and params.sources() == ["cooperation_registry"]


def test_projects_sector_and_status_forgive_case_and_spaces():
    params = validate_parameters("projects", {"sector": "Transport-Bridge", "status": "Commissioned"})
    assert (params.sector, params.status) == ("transport-bridge", "commissioned")
    assert params.title() == "China–Russia mega-projects by stage (transport-bridge, commissioned), 1995–2030"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"sector": "rail"}, "'rail' is not a sector in the data; choose all or one of: aerospace,"),
        ({"sector": "energy_gas"}, "Did you mean 'energy-gas'?"),
        (
            {"status": "capacity reached"},
            "is not a stage any project is at as of its latest cited fact; choose all or one of: agreed, construction, commissioned, suspended",
        ),
        ({"start_year": 1990}, "span 1995–2030; 1990 is outside it"),
    ],
)
def test_projects_values_outside_the_data_are_refused_with_the_choices(values: dict, message: str):
    with pytest.raises(ParameterError) as error:
        validate_parameters("projects", values)
    assert message in str(error.value)


def test_hitech_years_must_lie_in_the_extracts_and_top_n_in_range():
    assert (
        validate_parameters("hitech_science", {"start_year": "2019", "end_year": "2023"}).slug()
        == "CHN-RUS_2019-2023_top10"
    )
    with pytest.raises(ParameterError, match="span 2017–2024; 2016 is outside it"):
        validate_parameters("hitech_science", {"start_year": 2016})
    with pytest.raises(ParameterError, match="top_n: must be between 3 and 30 products; got 2"):
        validate_parameters("hitech_science", {"top_n": 2})
