"""The country-name harmoniser: exact pycountry names, per-source exception tables, loud failures."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from bilateral.data import harmonise
from bilateral.errors import DataError

HEADER = "name,iso3,kind,note\n"


@pytest.fixture
def table_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder of exception tables in place of reference/country_names (cache cleared around the test)."""
    monkeypatch.setattr(harmonise, "TABLE_DIR", tmp_path)
    harmonise.exception_table.cache_clear()
    yield tmp_path
    harmonise.exception_table.cache_clear()


def write_table(folder: Path, source: str, rows: str) -> Path:
    path = folder / f"{source}.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_exact_iso_names_map_without_any_table(table_dir: Path):
    mapping = harmonise.to_iso3(["Germany", "Russian Federation", "Viet Nam", "Vietnam"], source="example")
    assert mapping == {"Germany": "DEU", "Russian Federation": "RUS", "Viet Nam": "VNM", "Vietnam": "VNM"}


def test_unmapped_names_are_all_listed_with_the_table_to_edit(table_dir: Path):
    with pytest.raises(DataError) as error:
        harmonise.to_iso3(["Germany", "Germanyy", "Narnia", "Germanyy"], source="example")
    message = str(error.value)
    assert "2 country name(s) from example" in message
    assert "'Germanyy'" in message and "'Narnia'" in message
    assert str(table_dir / "example.csv") in message
    assert "'Germany' = DEU" in message  # a close ISO name is offered as a hint, never applied


def test_an_empty_name_is_an_error(table_dir: Path):
    with pytest.raises(DataError, match="empty country name"):
        harmonise.to_iso3(["Germany", None], source="example")


def test_table_entries_map_aggregates_to_none_and_world_to_wld(table_dir: Path):
    write_table(
        table_dir,
        "example",
        'World,WLD,world,total\nEuro Area,,aggregate,group\n"Korea, Rep. of",KOR,country,South Korea\n',
    )
    mapping = harmonise.to_iso3(["World", "Euro Area", "Korea, Rep. of", "France"], source="example")
    assert mapping == {"World": "WLD", "Euro Area": None, "Korea, Rep. of": "KOR", "France": "FRA"}


def test_a_table_entry_wins_over_pycountry(table_dir: Path):
    write_table(table_dir, "example", "Sudan,,aggregate,before 2011 this source's Sudan includes South Sudan\n")
    assert harmonise.to_iso3(["Sudan"], source="example") == {"Sudan": None}


def test_harmonise_adds_codes_and_drops_aggregate_rows(table_dir: Path):
    write_table(table_dir, "example", "Euro Area,,aggregate,group\nWorld,WLD,world,total\n")
    frame = pl.DataFrame({"partner": ["France", "Euro Area", "World"], "value": [1.0, 2.0, 3.0]})
    result = harmonise.harmonise(frame, "partner", "partner_iso3", source="example")
    assert result.to_dicts() == [
        {"partner": "France", "value": 1.0, "partner_iso3": "FRA"},
        {"partner": "World", "value": 3.0, "partner_iso3": "WLD"},
    ]


def test_a_source_can_read_the_table_another_folder_owns(table_dir: Path):
    write_table(table_dir, "review", "US,USA,country,abbreviation\nOther CIS,,aggregate,remainder\n")
    mapping = harmonise.to_iso3(["US", "Other CIS", "Chile"], source="review_2021", table="review")
    assert mapping == {"US": "USA", "Other CIS": None, "Chile": "CHL"}
    frame = pl.DataFrame({"area": ["US", "Other CIS"]})
    assert harmonise.harmonise(frame, "area", "iso3", source="review_2021", table="review").rows() == [("US", "USA")]


def test_an_unmapped_name_under_a_shared_table_names_the_source_and_the_shared_file(table_dir: Path):
    write_table(table_dir, "review", "US,USA,country,abbreviation\n")
    with pytest.raises(DataError) as error:
        harmonise.to_iso3(["US", "Freedonia"], source="review_2021", table="review")
    message = str(error.value)
    assert "from review_2021" in message and "'Freedonia'" in message
    assert str(table_dir / "review.csv") in message and "review_2021.csv" not in message


def test_unmapped_lists_unknown_names_without_raising(table_dir: Path):
    write_table(table_dir, "example", "Czech Rep.,CZE,country,abbreviation\nEU,,aggregate,group\n")
    names = ["Czech Rep.", "EU", "Czechia", "Freedonia", "Atlantis", "Freedonia", None]
    assert harmonise.unmapped(names, table="example") == ["Atlantis", "Freedonia"]  # Czechia is the ISO name


def test_unused_entries_are_reported(table_dir: Path):
    write_table(table_dir, "example", "Euro Area,,aggregate,group\nCzech Rep.,CZE,country,abbreviation\n")
    unused = harmonise.unused_entries("example", ["Euro Area", "France"])
    assert [entry.name for entry in unused] == ["Czech Rep."]


def test_redundant_entries_repeat_what_pycountry_gives(table_dir: Path):
    write_table(table_dir, "example", "France,FRA,country,not needed\nCzech Rep.,CZE,country,abbreviation\n")
    assert [entry.name for entry in harmonise.redundant_entries("example")] == ["France"]


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ("Euro Area,,club,group\n", "kind 'club'"),
        ("Euro Area,EUR,aggregate,group\n", "aggregates are dropped"),
        ("World,WRL,world,total\n", "must be WLD"),
        ("Ruritania,RUR,country,invented\n", "'RUR'"),
        ("Czech Rep.,CZE,country,a\nCzech Rep.,CZE,country,b\n", "listed twice (first on line 2)"),
        ("Korea, Rep. of,KOR,country,unquoted\n", "Quote names with commas"),
        (" France,FRA,country,padded\n", "surrounding spaces"),
    ],
)
def test_a_malformed_table_names_file_and_line(table_dir: Path, rows: str, problem: str):
    path = write_table(table_dir, "example", rows)
    with pytest.raises(DataError) as error:
        harmonise.read_table(path)
    assert str(path) in str(error.value) and "line" in str(error.value)
    assert problem in str(error.value)


def test_a_wrong_header_is_refused(table_dir: Path):
    path = table_dir / "example.csv"
    path.write_text("name,code\nFrance,FRA\n", encoding="utf-8")
    with pytest.raises(DataError, match="header must be name,iso3,kind,note"):
        harmonise.read_table(path)


def test_former_and_user_assigned_codes_are_accepted(table_dir: Path):
    path = write_table(table_dir, "example", 'USSR,SUN,country,former\n"Kosovo, Rep. of",XKX,country,user-assigned\n')
    assert {e.name: e.iso3 for e in harmonise.read_table(path).values()} == {"USSR": "SUN", "Kosovo, Rep. of": "XKX"}


def test_source_names_are_folder_names():
    with pytest.raises(DataError, match="not a data/raw folder name"):
        harmonise.table_path("../etc/passwd")


def test_numeric_codes_map_through_iso_3166():
    assert harmonise.numeric_to_iso3([156, "643", "004"], source="example") == {156: "CHN", 643: "RUS", 4: "AFG"}


def test_a_non_iso_numeric_code_is_named():
    # CEPII's 490 ("Other Asia, nes", Taiwan in practice) is not an ISO 3166 numeric code.
    with pytest.raises(DataError, match="490"):
        harmonise.numeric_to_iso3([156, 490], source="example")


# --- the IMF DOTS table (the workbooks themselves are checked in test_imf_dots.py) ----------------


def test_dots_table_only_lists_names_pycountry_does_not_match():
    assert harmonise.redundant_entries("imf_dots") == []
    table = harmonise.exception_table("imf_dots")
    assert not set(table) & set(harmonise.pycountry_names())


def test_dots_table_explains_every_entry():
    assert all(entry.note for entry in harmonise.exception_table("imf_dots").values())


def test_dots_deliberate_choices():
    mapping = harmonise.to_iso3(
        [
            "Taiwan Province of China", "China, P.R.: Mainland", "China, P.R.: Hong Kong", "Kosovo, Rep. of",
            "West Bank and Gaza", "Netherlands Antilles", "Yemen Arab Rep.", "USSR", "World",
            "Belgium-Luxembourg", "Countries & Areas not specified", "Euro Area", "South African Common Customs Area (SACCA)",
        ],
        source="imf_dots",
    )  # fmt: skip
    assert mapping == {
        "Taiwan Province of China": "TWN",
        "China, P.R.: Mainland": "CHN",
        "China, P.R.: Hong Kong": "HKG",
        "Kosovo, Rep. of": "XKX",
        "West Bank and Gaza": "PSE",
        "Netherlands Antilles": "ANT",
        "Yemen Arab Rep.": "YEM",
        "USSR": "SUN",
        "World": "WLD",
        "Belgium-Luxembourg": None,
        "Countries & Areas not specified": None,
        "Euro Area": None,
        "South African Common Customs Area (SACCA)": None,
    }
    notes = {e.name: e.note for e in harmonise.exception_table("imf_dots").values()}
    assert "ISO" in notes["Taiwan Province of China"] and "TWN" in notes["Taiwan Province of China"]
    assert "never add ANT" in notes["Netherlands Antilles"]
