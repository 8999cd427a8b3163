"""The cooperation-registry loaders: every cited statement loaded, text values parsed but never guessed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
import yaml
from datacopy import REPO, corrupt

from bilateral.data.provenance import sha256_file
from bilateral.data.sources.cooperation_registry import (
    load_currency_settlement,
    load_eaeu_trade,
    load_investment,
    load_people_exchanges,
    load_projects,
    parse_period,
)
from bilateral.errors import DataError

SOURCE = "cooperation_registry"


@pytest.fixture
def registry_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of only this source's folder (fast), with BILATERAL_DATA_DIR pointing at it."""
    target = tmp_path / "data" / "raw" / SOURCE
    shutil.copytree(REPO / "data" / "raw" / SOURCE, target)
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path / "data"))
    return target


def edit_and_rerecord(folder: Path, name: str, old: str, new: str) -> None:
    """Replace `old` once in a file and record its new checksum, so only the loader's own checks can object."""
    target = folder / name
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    record = yaml.safe_load((folder / "source.yml").read_text(encoding="utf-8"))
    for item in record["files"]:
        if item["path"] == name:
            item["sha256"], item["bytes"] = sha256_file(target), target.stat().st_size
    (folder / "source.yml").write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True), encoding="utf-8")


def one(frame: pl.DataFrame, **equal: object) -> dict[str, object]:
    """The single row matching all `column=value` pairs (fails if there are none or several)."""
    rows = frame.filter(*(pl.col(name) == value for name, value in equal.items()))
    assert rows.height == 1, rows
    return rows.row(0, named=True)


# --- Row counts as PROVENANCE.md states them ---------------------------------------------------------


@pytest.mark.parametrize(
    ("loader", "rows"),
    [(load_eaeu_trade, 54), (load_projects, 241), (load_investment, 29), (load_people_exchanges, 26),
     (load_currency_settlement, 18)],
)  # fmt: skip
def test_every_statement_is_loaded_with_its_page_and_quote(loader: Callable[[], pl.DataFrame], rows: int):
    frame = loader()
    assert frame.height == rows
    assert frame.filter(pl.col("source_url").is_null() | pl.col("quote").is_null()).is_empty()


def test_projects_cover_the_27_projects_listed_in_provenance():
    counts = dict(load_projects().get_column("project_id").value_counts().iter_rows())
    assert len(counts) == 27
    assert (counts["power_of_siberia_1"], counts["espo_china_spur"], counts["cfr600_supply"]) == (17, 22, 1)


# --- eaeu_trade: values and qualifiers -----------------------------------------------------------------


def test_nearly_is_a_qualifier_and_the_number_is_the_stated_one():
    row = one(load_eaeu_trade(), period="2022", partner_name="Belarus", metric="turnover")
    assert (row["value"], row["qualifier"], row["value_text"]) == (6.0, "nearly", "6 (nearly)")
    assert row["is_target_or_threshold"] is False
    assert row["value_usd"] == pytest.approx(6e9)


def test_more_than_makes_a_level_a_threshold():
    row = one(load_eaeu_trade(), period="2021", partner_name="EAEU", metric="turnover")
    assert (row["value"], row["qualifier"], row["is_target_or_threshold"]) == (166.5, "more than", True)


def test_a_qualifier_in_the_unit_counts_like_one_in_the_value():
    row = one(load_eaeu_trade(), period="2023Jan-Sep", partner_name="Armenia")
    assert (row["value"], row["unit"], row["qualifier"]) == (1.5, "US$ bn (over, +30%)", "more than")
    assert row["is_target_or_threshold"] is True


def test_targets_are_flagged_and_keep_their_future_year():
    row = one(load_eaeu_trade(), partner_name="Kazakhstan", metric="turnover_target")
    assert (row["year"], row["value"], row["qualifier"], row["is_target_or_threshold"]) == (2030, 35.0, "target", True)


def test_kazakhstan_2022_turnover_keeps_all_three_statements():
    frame = load_eaeu_trade().filter(
        (pl.col("period") == "2022") & (pl.col("partner_iso3") == "KAZ") & (pl.col("metric") == "turnover")
    )
    assert sorted(frame.get_column("value").to_list()) == [24.0, 24.1, 31.2]
    assert sorted(frame.get_column("value_usd").to_list()) == pytest.approx([24.0e9, 24.1e9, 31.2e9])


def test_single_countries_map_to_iso3_without_a_group():
    frame = load_eaeu_trade().filter(pl.col("partner_iso3").is_not_null())
    pairs = set(frame.select("partner_name", "partner_iso3").iter_rows())
    assert pairs == {("Belarus", "BLR"), ("Kazakhstan", "KAZ"), ("Armenia", "ARM"), ("Kyrgyzstan", "KGZ")}
    assert frame.get_column("partner_group").null_count() == frame.height


def test_aggregates_have_a_group_and_no_iso3():
    frame = load_eaeu_trade()
    row = one(frame, partner_name="Armenia+Kazakhstan+Kyrgyzstan")
    assert (row["partner_iso3"], row["partner_group"]) == (None, "Armenia+Kazakhstan+Kyrgyzstan")
    eaeu = frame.filter(pl.col("partner_name") == "EAEU")
    assert set(eaeu.get_column("partner_group")) == {"EAEU"} and eaeu.get_column("partner_iso3").null_count() == 17


def test_a_date_value_goes_to_value_date_and_has_no_number():
    row = one(load_eaeu_trade(), metric="agreement_signed_date", publisher_named="Eurasian Economic Commission")
    assert (row["value"], row["value_date"], row["value_kind"]) == (None, "2018-05-17", "date")


def test_a_month_value_stays_a_month():
    row = one(load_eaeu_trade(), metric="negotiations_launched")
    assert (row["value"], row["value_date"], row["value_kind"]) == (None, "2015-05", "month")


def test_a_text_value_is_kept_verbatim_and_nothing_is_parsed():
    row = one(load_eaeu_trade(), metric="agreement_tariff_reduction")
    assert (row["value_text"], row["value"], row["value_date"], row["qualifier"]) == ("no", None, None, None)


def test_only_plain_years_are_full_years():
    frame = load_eaeu_trade()
    assert (one(frame, period="2023H1")["year"], one(frame, period="2023H1")["is_full_year"]) == (2023, False)
    assert one(frame, period="2020Jan-Aug", metric="turnover")["year"] == 2020
    assert one(frame, period="2024", partner_name="Kyrgyzstan", value_text="23")["is_full_year"] is True


# --- Periods and the other tables --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "expected"),
    [("2022", (2022, True)), ("2021Q1", (2021, False)), ("2019Jan-Jul", (2019, False)), ("2022Dec", (2022, False)),
     ("2023/24", (None, False))],
)  # fmt: skip
def test_periods_give_their_calendar_year_and_academic_years_none(period: str, expected: tuple[int | None, bool]):
    assert parse_period(period, "test") == expected


def test_a_range_keeps_no_number_rather_than_a_midpoint():
    row = one(load_people_exchanges(), metric="russia_to_china_visitors")
    assert (row["value_text"], row["value"], row["value_kind"], row["qualifier"]) == (
        "1.6-1.9 million", None, "range", None)  # fmt: skip


def test_a_qualifier_word_only_in_the_unit_is_normalised():
    row = one(load_investment(), period="2016", metric="china_fdi_in_russia")
    assert (row["value"], row["unit"], row["qualifier"]) == (10.0, "US$ bn (exceeded)", "exceeding")


def test_yuan_shares_of_all_russian_trade_are_not_bilateral():
    frame = load_currency_settlement().filter(~pl.col("is_bilateral"))
    assert frame.get_column("metric").to_list() == [
        "cny_share_of_russia_import_settlements_all_partners",
        "cny_share_of_russia_export_settlements_all_partners",
    ]


def test_project_values_are_typed_by_their_unit():
    frame = load_projects()
    listed = one(frame, project_id="espo_china_spur", value_text="10 (Transneft); 15 (Rosneft)")
    assert (listed["value"], listed["value_kind"]) == (None, "compound")
    approx = one(frame, project_id="tongjiang_nizhneleninskoye_rail_bridge", value_text="about 2200")
    assert (approx["value"], approx["qualifier"]) == (2200.0, "about")
    year = one(frame, project_id="yamal_lng", attribute="announced_year")
    assert (year["value"], year["value_date"], year["value_kind"]) == (None, "2013", "year")


# --- Broken files ----------------------------------------------------------------------------------------


def test_a_corrupted_file_is_refused_with_its_name(registry_copy: Path):
    corrupt(registry_copy / "eaeu_trade.csv")
    with pytest.raises(DataError, match=r"eaeu_trade\.csv: checksum mismatch"):
        load_eaeu_trade()


def test_an_unknown_partner_is_named_with_its_row(registry_copy: Path):
    edit_and_rerecord(registry_copy, "eaeu_trade.csv", "2022,Belarus,turnover", "2022,Belorussia,turnover")
    with pytest.raises(DataError, match=r"eaeu_trade\.csv: row \d+ has unknown partner 'Belorussia'"):
        load_eaeu_trade()


def test_an_unknown_qualifier_word_is_an_error_not_a_silent_exact_value(registry_copy: Path):
    edit_and_rerecord(registry_copy, "eaeu_trade.csv", "6 (nearly)", "6 (circa)")
    with pytest.raises(DataError, match=r"value='6 \(circa\)': 'circa' is not a known qualifier"):
        load_eaeu_trade()


def test_a_malformed_date_is_an_error(registry_copy: Path):
    edit_and_rerecord(registry_copy, "eaeu_trade.csv", "signed_date,2018-05-17", "signed_date,2018-05-32")
    with pytest.raises(DataError, match=r"row 2 has value='2018-05-32', which is not an ISO date"):
        load_eaeu_trade()


def test_a_source_url_without_scheme_fails_the_schema(registry_copy: Path):
    edit_and_rerecord(registry_copy, "projects.csv", "https://www.themoscowtimes.com/", "www.themoscowtimes.com/")
    with pytest.raises(DataError, match=r"projects\.csv: column source_url has malformed value"):
        load_projects()
