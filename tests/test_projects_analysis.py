"""Mega-project milestones, stages, slips and conflicts on tiny hand-made registries (values worked out by hand)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from pydantic import ValidationError

from bilateral.analysis import project_conflicts, projects
from bilateral.data.project_milestones import MilestoneRules, load_milestone_rules, unmatched_entries

URL = "https://example.org/page"
COLUMNS = (
    "project_id",
    "project_name",
    "sector",
    "attribute",
    "value_text",
    "value_date",
    "unit",
    "as_of",
    "source_url",
    "quote",
)


def facts(*rows: tuple) -> pl.DataFrame:
    """Rows of (project_id, attribute, value_text, value_date, unit, as_of): the columns the analysis reads."""
    full = [
        (pid, pid.upper(), "energy-gas", attr, text, day, unit, as_of, URL, f"quote {pid} {attr}")
        for pid, attr, text, day, unit, as_of in rows
    ]
    return pl.DataFrame(full, schema=dict.fromkeys(COLUMNS, pl.String), orient="row")


def rules(**changes: object) -> MilestoneRules:
    base = {
        "stages": ["announced", "agreed", "construction", "commissioned", "capacity_reached", "suspended"],
        "attribute_stages": {
            "agreement_signed_date": {"stage": "agreed", "event": "agreement signed"},
            "construction_start": {"stage": "construction", "event": "construction started"},
            "construction_completed": {"stage": "construction", "event": "construction completed", "enters": False},
            "commissioned_date": {"stage": "commissioned", "event": "commissioned"},
        },
        "plan_words": ["planned", "expected", "scheduled"],
        "connectivity_sectors": ["transport-bridge"],
        "readings": [],
        "not_built": {},
        "differences": [],
    }
    return MilestoneRules.model_validate({**base, **changes})


def test_a_date_spans_the_period_it_names():
    assert projects.date_span("2019") == (date(2019, 1, 1), date(2019, 12, 31))
    assert projects.date_span("2020-02") == (date(2020, 2, 1), date(2020, 2, 29))
    assert projects.date_span("2021-06-09") == (date(2021, 6, 9), date(2021, 6, 9))


def test_a_dated_cell_is_a_milestone_unless_its_unit_or_its_page_date_makes_it_a_plan():
    table = facts(
        ("a", "agreement_signed_date", "2014-05-21", "2014-05-21", "date", "2014-06-16"),
        (
            "a",
            "construction_start",
            "2009-05-18",
            "2009-05-18",
            "date (launch ceremony)",
            "2009-05-05",
        ),  # after its page
        ("a", "commissioned_date", "2012", "2012", "year (planned)", None),  # the unit says so
        ("a", "commissioned_date", "2011-01-01", "2011-01-01", "date", None),  # undated page: taken as stated
        ("a", "capacity", "38", None, "bcm/yr", "2019-12-02"),  # not a stage attribute
    )
    events = projects.milestone_events(table, rules())
    assert events.select("stage", "kind", "date_text").rows() == [
        ("construction", "plan", "2009-05-18"), ("commissioned", "done", "2011-01-01"),
        ("commissioned", "plan", "2012"), ("agreed", "done", "2014-05-21"),
    ]  # fmt: skip
    assert events.filter(pl.col("stage") == "construction").item(0, "event") == "construction started (launch ceremony)"


def test_a_reading_dates_a_text_cell_with_the_words_it_rests_on():
    table = facts(("a", "status", "first phase expected 2023", None, "text", "2023-08"))
    reading = {"project": "a", "attribute": "status", "value": "first phase expected 2023", "stage": "commissioned", "kind": "plan",
               "date": "2023", "event": "start expected", "because": "to start operation during this year"}  # fmt: skip
    events = projects.milestone_events(table, rules(readings=[reading]))
    assert events.select("stage", "kind", "date_start", "date_end").row(0) == (
        "commissioned",
        "plan",
        date(2023, 1, 1),
        date(2023, 12, 31),
    )
    assert events.item(0, "read_from") == "read from the words: to start operation during this year"


def test_a_reading_with_an_impossible_date_or_an_unknown_stage_is_refused():
    reading = {
        "project": "a",
        "attribute": "status",
        "value": "x",
        "stage": "commissioned",
        "kind": "plan",
        "event": "e",
        "because": "words",
    }
    with pytest.raises(ValidationError, match="not an ISO year"):
        rules(readings=[{**reading, "date": "end-2019"}])
    with pytest.raises(ValidationError, match="month must be in 1..12"):
        rules(readings=[{**reading, "date": "2019-13"}])
    with pytest.raises(ValidationError, match="unknown stage"):
        rules(readings=[{**reading, "date": "2019", "stage": "opened"}])


def _stages(table: pl.DataFrame, the_rules: MilestoneRules) -> pl.DataFrame:
    return projects.project_stages(table, projects.milestone_events(table, the_rules), the_rules)


def test_the_stage_is_the_highest_rung_reached_or_suspended_when_a_suspension_is_latest():
    suspend = {"project": "b", "attribute": "status", "value": "supplies stopped", "stage": "suspended", "kind": "done",
               "date": "2023-11-09", "event": "stopped", "because": "stopped supplies"}  # fmt: skip
    table = facts(
        ("a", "agreement_signed_date", "2014", "2014", "year", None),
        ("a", "construction_start", "2015-10", "2015-10", "month", "2017-08-04"),
        ("a", "commissioned_date", "2019", "2019", "year (expected)", "2017-08-04"),  # a plan: not reached
        ("b", "commissioned_date", "2012", "2012", "year", None),
        ("b", "status", "supplies stopped", None, "text", "2024-04-26"),
        ("c", "agreement_signed_date", "2011-10", "2011-10", "month", None),
    )
    stages = _stages(table, rules(readings=[suspend], not_built={"c": "a fund"}))
    assert stages.select("project_id", "stage", "stage_dates", "latest_fact").rows() == [
        ("a", "construction", "2015-10", "2017-08-04"), ("b", "suspended", "2023-11-09", "2024-04-26"), ("c", None, "", "2011-10"),
    ]  # fmt: skip
    counts = projects.stage_counts(stages)
    assert counts.select("stage", "projects").rows() == [
        ("announced", 0), ("agreed", 0), ("construction", 1), ("commissioned", 0), ("capacity_reached", 0), ("suspended", 1),
    ]  # fmt: skip


def test_conflicting_dates_of_the_milestone_that_set_the_stage_are_all_kept():
    table = facts(
        ("a", "commissioned_date", "2021-06-09", "2021-06-09", "date", "2021-06-09"),
        ("a", "commissioned_date", "2019", "2019", "year", "2023-09"),
    )
    assert _stages(table, rules()).item(0, "stage_dates") == "2019; 2021-06-09"


def test_a_later_date_than_an_earlier_plan_is_a_slip_reached_or_planned_again():
    table = facts(
        ("a", "construction_start", "2018", "2018", "year (expected)", "2017"),
        ("a", "construction_start", "2021-04-06", "2021-04-06", "date", "2021-04-06"),
        ("a", "commissioned_date", "2021", "2021", "year (expected)", "2019-07"),
        ("a", "commissioned_date", "2022", "2022", "year (scheduled)", "2021-04-06"),
        ("a", "commissioned_date", "2025", "2025", "year (expected)", None),  # undated: order unknown, no slip from it
    )
    slipped = projects.slips(projects.milestone_events(table, rules()))
    assert slipped.select("stage", "planned", "planned_on", "then", "then_date", "then_on").rows() == [
        ("commissioned", "2021", "2019-07", "planned again", "2022", "2021-04-06"),
        ("construction", "2018", "2017", "reached", "2021-04-06", "2021-04-06"),
    ]


def test_a_plan_is_overdue_only_when_even_the_latest_plan_has_passed_with_no_milestone_since():
    table = facts(
        ("a", "commissioned_date", "2020", "2020", "year (planned)", "2019-04-17"),  # passed, nothing since: overdue
        ("b", "commissioned_date", "2019", "2019", "year (planned)", "2015-10"),
        ("b", "commissioned_date", "2022-11", "2022-11", "month", "2022-11-18"),  # reached: not overdue
        ("c", "commissioned_date", "2024", "2024", "year (scheduled)", "2020-12-29"),
        ("c", "commissioned_date", "2025", "2025", "year (expected)", None),  # the latest plan has not passed
    )
    overdue = projects.overdue_plans(projects.milestone_events(table, rules()), date(2025, 10, 17))
    assert overdue.select("project_id", "date_words", "as_of").rows() == [("a", "2020", "2019-04-17")]


def test_announced_or_agreed_projects_with_nothing_later_are_listed_with_the_years_since():
    table = facts(
        ("a", "agreement_signed_date", "2016-06-25", "2016-06-25", "date", "2021-06-25"),
        ("a", "status", "quiet", None, "text", "2021-06-25"),
        ("b", "agreement_signed_date", "2014", "2014", "year", None),
        ("b", "construction_start", "2016", "2016", "year", None),
    )
    the_rules = rules()
    events = projects.milestone_events(table, the_rules)
    paper = projects.paper_only(projects.project_stages(table, events, the_rules), events, date(2025, 10, 17))
    assert paper.select("project_id", "last_date", "years_since", "latest_status").rows() == [
        ("a", "2016-06-25", 9, "quiet")
    ]


def test_milestones_in_a_period_count_stage_entries_within_the_years_and_leave_funds_out():
    table = facts(
        ("a", "construction_start", "2016", "2016", "year", None),
        ("a", "construction_completed", "2019-12", "2019-12", "month", None),  # inside a stage: not an entry
        ("a", "commissioned_date", "2022-06-10", "2022-06-10", "date", None),
        ("f", "agreement_signed_date", "2017", "2017", "year", None),
    )
    period = projects.reached_in_period(projects.milestone_events(table, rules()), 2017, 2023, leave_out=["f"])
    assert period.select("stage", "project_id", "dates").rows() == [("commissioned", "a", "2022-06-10")]


def test_differing_values_are_conflicts_or_explained_and_unclassified_ones_are_reported():
    table = facts(
        ("a", "length", "972", None, "m", "2019-07"),
        ("a", "length", "973", None, "m", "2021-04-06"),
        ("a", "cost_usd_bn", "0.12", None, "US$ bn", "2017"),
        ("a", "cost_usd_bn", "0.083", None, "US$ bn", "2019-07"),
        ("a", "capacity", "6-7", None, "billion kWh/yr", None),
        ("a", "capacity", "750", None, "MW", "2021-10-07"),
        ("a", "location", "here", None, "text", None),
        ("a", "location", "there", None, "text", None),  # descriptive: never a candidate
    )
    the_rules = rules(differences=[
        {"project": "a", "attribute": "length", "verdict": "conflict", "why": "972 m vs 973 m", "also": [{"attribute": "capacity", "value": "750"}]},
        {"project": "a", "attribute": "capacity", "verdict": "not_a_conflict", "why": "energy vs power"},
    ])  # fmt: skip
    conflicts = project_conflicts.conflicts(table, the_rules)
    assert conflicts.select("conflict", "topic", "value_text", "as_of").rows() == [
        (1, "length", "972", "2019-07"),
        (1, "length", "973", "2021-04-06"),
        (1, "length", "750", "2021-10-07"),
    ]  # oldest page first
    assert project_conflicts.explained_differences(table, the_rules).select("topic", "values").rows() == [
        ("capacity", "6-7 | 750")
    ]
    assert project_conflicts.unreviewed_differences(table, the_rules).select("attribute", "values").rows() == [
        ("cost_usd_bn", "0.12 | 0.083")
    ]


def test_every_rule_names_a_registry_row_and_every_difference_in_the_registry_has_a_verdict():
    """Guards the shipped reading: an edited data file must be looked at, not silently read one way."""
    from bilateral.data.sources.cooperation_registry import load_projects

    table, the_rules = load_projects(), load_milestone_rules()
    assert unmatched_entries(table, the_rules) == []
    assert project_conflicts.unreviewed_differences(table, the_rules).is_empty()
