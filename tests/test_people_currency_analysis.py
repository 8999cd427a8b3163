"""Travellers, students and settlement currencies from statements: tiny frames, findings checked by hand."""

from __future__ import annotations

from statement_rows import currency_frame, frame, statement

from bilateral.analysis import people_currency as pc
from bilateral.analysis import stated_values as sv

PEOPLE = frame([
    statement("2017", "china_to_russia_visa_free_group_tourists", 900_000.0),
    statement("2017", "china_to_russia_tourists", 1_500_000.0, publisher="Ambassador"),
    statement("2017Jan-Sep", "china_to_russia_tourists", 1_200_000.0),
    statement("2022", "china_to_russia_tourist_trips", 1_000.0, unit="trips", publisher="FSB"),
    statement("2022Jan-Sep", "china_to_russia_tourist_trips", 600.0, unit="trips", publisher="FSB"),
    statement("2023", "china_to_russia_tourist_trips", 250_000.0, unit="trips", publisher="FSB"),
    statement("2030", "china_to_russia_tourists_target", 5_000_000.0, qualifier="target"),
    statement("2024", "russia_to_china_visitors", None, value_text="1.6-1.9 million", kind="range", publisher="Envoy"),
    statement("2016", "chinese_students_in_russia", 25_000.0, unit="students"),
    statement("2019", "chinese_students_sent_to_russian_universities", 24_000.0, unit="students"),
    statement("2023/24", "russian_students_in_china", 16_000.0, unit="students", qualifier="more than"),
    statement("2020", "tourism_business_events", 3.0, unit="events"),
])  # fmt: skip


def test_travel_rows_name_direction_and_definition():
    rows = pc.travel_rows(PEOPLE)
    assert rows.height == 8
    assert rows.select("direction", "definition").unique().sort("direction", "definition").rows()[:2] == [
        ("China → Russia", "tourist-purpose trips"), ("China → Russia", "tourists"),
    ]  # fmt: skip
    assert (
        rows.filter(rows["metric"] == "china_to_russia_visa_free_group_tourists")["series"][0]
        == "China → Russia: visa-free group tourists"
    )


def test_student_rows_say_who_studies_where_and_keep_other_definitions_in_the_label():
    assert sorted(pc.student_rows(PEOPLE)["series"].to_list()) == [
        "Chinese students in Russia", "Chinese students in Russia (sent to Russian universities)", "Russian students in China",
    ]  # fmt: skip


def test_a_row_neither_travel_nor_students_is_kept_apart_not_dropped():
    assert pc.other_people_rows(PEOPLE)["metric"].to_list() == ["tourism_business_events"]


def test_travel_findings_compare_only_one_definition_and_name_the_gaps():
    text = pc.travel_findings(sv.stated_marks(pc.travel_rows(PEOPLE)), (2020, 2022))
    # before 2020, full years only: 900,000 (visa-free group tourists) to 1,500,000 (tourists)
    assert "pages stated 900,000 (visa-free group tourists, 2017) to 1,500,000 (tourists, 2017)" in text
    assert (
        "600 tourist-purpose trips (Jan–Sep 2022, FSB); 1,000 tourist-purpose trips (2022, FSB); no statement for 2020–2021."
        in text
    )
    assert "250,000 in 2023 against 1,000 in 2022, 250 times as many" in text  # 250,000 / 1,000
    assert "Latest Russia → China: 1.6–1.9 million visitors (2024, Envoy)." in text
    assert "5,000,000" not in text  # a target is no outturn
    assert "1,200,000 (Jan–Sep 2017) against 1,500,000 (2017): consistent" in text


def test_a_part_year_larger_than_its_year_is_called_out():
    rows = frame(
        [
            statement("2022", "china_to_russia_tourist_trips", 800.0),
            statement("2022Jan-Sep", "china_to_russia_tourist_trips", 900.0),
        ]
    )
    assert pc.part_year_checks(sv.stated_marks(pc.travel_rows(rows))) == [
        "900 (Jan–Sep 2022) against 800 (2022): the part exceeds the whole year"
    ]


def test_student_findings_list_each_series_in_period_order():
    text = pc.student_findings(sv.stated_marks(pc.student_rows(PEOPLE)))
    assert (
        "Chinese students in Russia: 25,000 (2016)" in text
        and "Russian students in China: more than 16,000 (2023/24)" in text
    )


CURRENCY = currency_frame([
    statement("2015", "usd_share_of_russia_china_settlements", 90.0, unit="percent", qualifier="about"),
    statement("2020Q1", "usd_share_of_russia_china_settlements", 46.0, unit="percent"),
    statement("2020Q1", "eur_share_of_russia_china_settlements", 30.0, unit="percent"),
    statement("2020Q1", "national_currencies_share_of_russia_china_settlements", 24.0, unit="percent"),
    statement("2020Q1", "cny_share_of_russia_china_settlements", 17.0, unit="percent"),
    statement("2020Q1", "rub_share_of_russia_china_settlements", 7.0, unit="percent"),
    statement("2019Q1", "usd_share_of_russia_exports_to_china_payments", 45.7, unit="percent"),
    statement("2023", "national_currencies_share_of_russia_china_trade", 80.0, unit="percent", qualifier="more than"),
    statement("2023", "national_currencies_share_of_russia_china_trade", 95.0, unit="percent", qualifier="about"),
    statement("2022Dec", "cny_share_of_russia_import_settlements_all_partners", 23.0, unit="percent"),
])  # fmt: skip


def test_currency_rows_label_the_currency_and_any_narrower_scope():
    rows = pc.currency_rows(CURRENCY)
    assert dict(zip(rows["metric"], rows["series"], strict=True)) == {
        "usd_share_of_russia_china_settlements": "US dollar", "eur_share_of_russia_china_settlements": "Euro",
        "national_currencies_share_of_russia_china_settlements": "Rouble and yuan", "cny_share_of_russia_china_settlements": "Yuan",
        "rub_share_of_russia_china_settlements": "Rouble", "usd_share_of_russia_exports_to_china_payments": "US dollar — Russia's exports to China only",
        "national_currencies_share_of_russia_china_trade": "Rouble and yuan",
        "cny_share_of_russia_import_settlements_all_partners": "Yuan — all of Russia's import settlements",
    }  # fmt: skip


def test_parts_are_checked_against_totals():
    marked = sv.stated_marks(pc.currency_rows(CURRENCY), ceiling=100)
    assert pc.settlement_sums(marked) == [
        "Q1 2020: US dollar 46 + euro 30 + rouble and yuan 24 = 100%",
        "yuan 17 + rouble 7 = 24%, which matches the rouble-and-yuan share of 24%",
    ]


def test_currency_findings_keep_qualifiers_check_agreement_and_name_gaps():
    text = pc.currency_findings(sv.stated_marks(pc.currency_rows(CURRENCY), ceiling=100))
    assert "US dollar share of Russia–China settlements, as stated: about 90% (2015), 46% (Q1 2020)." in text
    assert "2023: 2 statements of the rouble and yuan share (more than 80%, about 95%) can all be true at once." in text
    assert (
        "No Russia–China statement for 2016–2018, 2021–2022: a gap, not a trend." in text
    )  # bilateral years 2015, 2019, 2020, 2023
    assert "23%" not in text  # all of Russia's trade is not a Russia-China share


def test_contradicting_statements_are_called_so():
    rows = currency_frame([
        statement("2023", "national_currencies_share_of_russia_china_trade", 90.0, unit="percent", qualifier="more than"),
        statement("2023", "national_currencies_share_of_russia_china_trade", 85.0, unit="percent"),
    ])  # fmt: skip
    assert "contradict each other" in pc.currency_findings(sv.stated_marks(pc.currency_rows(rows), ceiling=100))
