"""Statements as marks: qualifiers, ranges, forecasts, periods and figures stated alongside, on tiny frames."""

from __future__ import annotations

import polars as pl
from statement_rows import frame, statement

from bilateral.analysis import stated_values as sv


def test_a_lower_bound_of_a_share_runs_up_to_the_ceiling_and_keeps_its_words():
    marked = sv.stated_marks(
        frame([statement("2023", "share", 80.0, unit="percent", qualifier="more than", value_text="80 (more than)")]),
        ceiling=100,
    )
    row = marked.row(0, named=True)
    assert (row["mark"], row["point"], row["low"], row["high"], row["stated"]) == (
        sv.LOWER_BOUND,
        80.0,
        80.0,
        100.0,
        "more than 80",
    )


def test_a_lower_bound_without_a_ceiling_is_open():
    row = sv.stated_marks(frame([statement("2018", "students", 19000.0, qualifier="more than")])).row(0, named=True)
    assert (row["low"], row["high"], row["stated"]) == (19000.0, None, "more than 19,000")


def test_a_stated_range_has_its_two_ends_and_no_single_value():
    rows = frame([statement("2024", "visitors", None, value_text="1.6-1.9 million", kind="range")])
    row = sv.stated_marks(rows).row(0, named=True)
    assert (row["mark"], row["point"], row["low"], row["high"], row["stated"]) == (
        sv.RANGE,
        None,
        1_600_000.0,
        1_900_000.0,
        "1.6–1.9 million",
    )


def test_a_forecast_is_a_forecast_whatever_its_qualifier():
    rows = frame([
        statement("2017", "visitors_projection", 1_540_000.0, qualifier="at least", unit="persons (at least; forecast Sept 2017)"),
        statement("2018", "investment_accumulated", 35.0, unit="US$ bn (may reach, forecast)"),
        statement("2030", "tourists_target", 5_500_000.0, qualifier="target"),
        statement("2016", "visitors", 1_300_000.0, qualifier="about"),
    ])  # fmt: skip
    assert sv.stated_marks(rows).get_column("mark").to_list() == [sv.TARGET, sv.TARGET, sv.TARGET, sv.APPROXIMATE]


def test_periods_are_placed_labelled_and_ordered_by_their_end():
    assert sv.period_position("2023/24") == 2023.5 and sv.period_position("2017Jan-Sep") == 2017.0
    assert [sv.period_note(p) for p in ("2022", "2017Jan-Sep", "2020Q1", "2023/24")] == ["", "Jan–Sep", "Q1", "2023/24"]
    assert [sv.period_label(p) for p in ("2022", "2017Jan-Sep", "2018H1", "2022Dec")] == [
        "2022",
        "Jan–Sep 2017",
        "H1 2018",
        "Dec 2022",
    ]
    # Q1 ends in March (2020.25), Jan-Sep in September (2020.75), the full year at its end (2021.0)
    assert [sv.period_end(p) for p in ("2020Q1", "2020Jan-Sep", "2020", "2023/24")] == [
        2020.25,
        2020.75,
        2021.0,
        2024.5,
    ]


def test_numbers_are_written_without_adding_or_dropping_digits():
    assert [sv.format_number(v) for v in (1_300_000.0, 3.184, 45.7, 0.5, 24_226.0)] == [
        "1,300,000",
        "3.184",
        "45.7",
        "0.5",
        "24,226",
    ]


def test_a_figure_stated_beside_the_headline_becomes_its_own_row_with_the_same_page():
    rows = frame([
        statement("2023", "all_trips", 790_000.0, unit="trips (all purposes; 130,000 in 2022)", url="https://example.org/fsb"),
        statement("2022Dec", "cny_share_all_partners", 23.0, unit="percent (4 in Jan 2022)"),
        statement("2023", "tourist_trips", 199_800.0, unit="trips"),
    ])  # fmt: skip
    extra = sv.figures_stated_alongside(rows)
    assert extra.select("period", "year", "is_full_year", "metric", "value", "unit").rows() == [
        ("2022", 2022, True, "all_trips", 130_000.0, "trips"),
        ("2022Jan", 2022, False, "cny_share_all_partners", 4.0, "percent"),
    ]
    assert extra["source_url"][0] == "https://example.org/fsb" and extra["quote"][0] == "quote for all_trips 2023"
    assert (
        extra["basis"][0].endswith("stated on the same page as the 2023 figure") and extra["is_stated_alongside"].all()
    )
    combined = sv.with_figures_stated_alongside(rows)
    assert combined.height == 5 and combined["is_stated_alongside"].sum() == 2


def test_no_figure_alongside_gives_an_empty_frame_with_the_flag_column():
    extra = sv.figures_stated_alongside(frame([statement("2017", "tourists", 944_000.0, unit="persons (+23% y/y)")]))
    assert extra.is_empty() and "is_stated_alongside" in extra.columns


def test_bounds_agree_when_no_figure_lies_below_the_highest_lower_bound():
    def marked(*rows: dict) -> pl.DataFrame:
        return sv.stated_marks(frame(list(rows)), ceiling=100)

    compatible = marked(statement("2023", "s", 80.0, qualifier="more than"), statement("2023", "s", 90.0, qualifier="more than"),
                        statement("2023", "s", 95.0, qualifier="about"))  # fmt: skip
    assert sv.bounds_agree(compatible)
    assert not sv.bounds_agree(
        marked(statement("2023", "s", 90.0, qualifier="more than"), statement("2023", "s", 85.0))
    )
    assert sv.bounds_agree(
        marked(statement("2023", "s", 85.0), statement("2023", "s", 90.0))
    )  # no bound: nothing to contradict
