"""China Customs energy imports by origin (Wind via CREA): loader, units, gaps, rankings.

Spot-check figures come from the source's PROVENANCE.md (computed there from the same files and
compared with GAC's published totals). Layout rules are tested on tiny synthetic Wind exports whose
expected values are worked out by hand in each test.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml

from bilateral.analysis.energy import annual_energy_imports, russia_share, supplier_ranking
from bilateral.data import harmonise
from bilateral.data.provenance import sha256_file
from bilateral.data.sources.china_customs_energy import (
    FILES,
    SOURCE,
    TOTAL_ORIGIN_NAME,
    classify_title,
    load_china_energy_imports,
    parse_wind_csv,
)
from bilateral.errors import DataError, ParameterError

REPO_RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
MT = 1e6  # tonnes per million tonnes
BN = 1e9

# A tiny export in the Russia file's layout: BOM, "Wind" row, month-end dates, one unit per column.
TINY = (
    "\ufeffWind,,,,,\n"
    "Name,Volume of Imports: Crude Oil: Russian Federation,Volume of Imports: Coal: Russian Federation,"
    "Volume of Imports: Crude Oil,Value of Imports: Crude Oil: Russian Federation,Value of Imports: Crude Oil\n"
    "Frequency,Month,Month,Month,Month,Month\n"
    "Unit,kg,ton,10000 tons,USD,USD 10 th\n"
    "ID,S1,S2,S3,S4,S5\n"
    "Source,China Customs,China Customs,China Customs,China Customs,China Customs\n"
    '2022-01-31,"1,234,500",2.5,3,"1,000",7.5\n'
    "2022-02-28,0,,1,5,0\n"
    "数据来源：Wind,,,,,\n"
)


def _tiny(text: str = TINY) -> pl.DataFrame:
    return parse_wind_csv(text, file="russia", where="tiny.csv")


def _cell(frame: pl.DataFrame, series_id: str, period: str) -> float | None:
    return frame.filter((pl.col("series_id") == series_id) & (pl.col("period") == period)).get_column("value").item()


@pytest.fixture(scope="module")
def monthly() -> pl.DataFrame:
    return load_china_energy_imports()


@pytest.fixture(scope="module")
def annual(monthly: pl.DataFrame) -> pl.DataFrame:
    return annual_energy_imports(monthly)


def _russia(annual: pl.DataFrame, file: str, commodity: str, measure: str) -> dict[int, float]:
    rows = annual.filter(
        (pl.col("file") == file) & (pl.col("commodity") == commodity)
        & (pl.col("measure") == measure) & (pl.col("origin_iso3") == "RUS")
    )  # fmt: skip
    return dict(rows.select("year", "value").iter_rows())


# --- PROVENANCE spot checks ---------------------------------------------------------------------


def test_crude_volume_from_russia_matches_provenance(annual: pl.DataFrame) -> None:
    crude = _russia(annual, "russia", "crude_oil", "volume")
    assert {year: round(crude[year] / MT, 2) for year in (2019, 2020, 2021, 2022)} == {
        2019: 77.64, 2020: 83.57, 2021: 79.65, 2022: 86.25,
    }  # fmt: skip


def test_crude_value_from_russia_2022_is_58_38_bn_usd(annual: pl.DataFrame) -> None:
    assert round(_russia(annual, "russia", "crude_oil", "value")[2022] / BN, 2) == 58.38


def test_coal_volume_from_russia_2022_is_64_07_mt(annual: pl.DataFrame) -> None:
    assert round(_russia(annual, "russia", "coal", "volume")[2022] / MT, 2) == 64.07


def test_top_five_crude_suppliers_2021_by_volume(annual: pl.DataFrame) -> None:
    top = supplier_ranking(annual, "crude_oil").filter((pl.col("year") == 2021) & (pl.col("rank") <= 5))
    assert [(r, iso, round(v / MT, 2)) for r, iso, v in top.select("rank", "origin_iso3", "value").iter_rows()] == [
        (1, "SAU", 87.57), (2, "RUS", 79.65), (3, "IRQ", 54.07), (4, "OMN", 44.82), (5, "AGO", 39.16),
    ]  # fmt: skip


def test_russia_crude_share_2021_uses_chinas_total_series(annual: pl.DataFrame) -> None:
    # China total 2021 = 51,324 (10000 tons) = 513.24 Mt; Russia 79.646445821 Mt -> 15.52 %.
    row = russia_share(annual, "crude_oil").filter(
        (pl.col("file") == "by_origin") & (pl.col("measure") == "volume") & (pl.col("year") == 2021)
    )
    assert row.get_column("total_value").item() == 513_240_000.0
    assert round(row.get_column("share_pct").item(), 2) == 15.52
    assert row.get_column("share_basis").item() == "china_total_series"


# --- layout pitfalls of the real files -----------------------------------------------------------


def test_duplicated_origin_columns_are_kept_once(monthly: pl.DataFrame) -> None:
    # Ecuador, Chad, UK and South Africa crude volume are printed twice with the same Wind ID.
    ecuador = monthly.filter((pl.col("file") == "by_origin") & (pl.col("series_id") == "S5451479"))
    assert ecuador.height == 359  # one row per month 1993-01..2022-11, not two


def test_origin_less_value_columns_are_china_totals_not_russia(monthly: pl.DataFrame) -> None:
    totals = monthly.filter((pl.col("file") == "russia") & pl.col("origin_iso3").is_null())
    assert sorted(totals.get_column("series_id").unique()) == ["R5881679", "Z1785825"]
    assert set(totals.get_column("origin_name")) == {TOTAL_ORIGIN_NAME}
    assert (
        not monthly.filter(pl.col("origin_iso3") == "RUS").get_column("series_id").is_in(["R5881679", "Z1785825"]).any()
    )


def test_russia_pipeline_gas_volume_2022_is_unpublished_not_zero(monthly: pl.DataFrame) -> None:
    rows = monthly.filter((pl.col("file") == "russia") & (pl.col("series_id") == "S5151677") & (pl.col("year") == 2022))
    assert rows.height == 12
    assert rows.get_column("value").null_count() == 12
    assert not rows.get_column("is_published").any()


def _origins_printed(relative: str) -> set[str]:
    """Origin names read straight off a shipped file's Name row: the part after the commodity in
    "Volume of Imports: <commodity>: <origin>" (China totals print no origin)."""
    rows = csv.reader(io.StringIO((REPO_RAW / SOURCE / relative).read_text(encoding="utf-8-sig")))
    titles = next(row for row in rows if row and row[0] == "Name")[1:]
    rests = [title.split(" of Imports: ", 1)[1] for title in titles]
    return {rest.rpartition(": ")[2] for rest in rests if ": " in rest}


def test_every_origin_in_the_shipped_files_maps_and_the_name_table_has_no_unused_or_redundant_entry() -> None:
    seen = set().union(*(_origins_printed(relative) for relative in FILES.values()))
    assert len(seen) == 52
    mapping = harmonise.to_iso3(sorted(seen), source=SOURCE)  # raises, listing any unmapped name
    assert None not in mapping.values() and len(set(mapping.values())) == 52  # one country per origin name
    assert harmonise.unused_entries(SOURCE, seen) == []
    assert harmonise.redundant_entries(SOURCE) == []


def test_wind_spellings_map_to_the_countries_meant() -> None:
    names = ["Columbia", "Lao", "USA", "Zaire", "Congo", "Sudan", "South Sudan", "Russian Federation"]
    assert harmonise.to_iso3(names, source=SOURCE) == {
        "Columbia": "COL", "Lao": "LAO", "USA": "USA", "Zaire": "COD", "Congo": "COG", "Sudan": "SDN",
        "South Sudan": "SSD", "Russian Federation": "RUS",
    }  # fmt: skip


def test_unknown_origins_are_all_named_with_the_table_to_edit() -> None:
    text = TINY.replace("Coal: Russian Federation", "Coal: Freedonia").replace(
        "Value of Imports: Crude Oil: Russian Federation", "Value of Imports: Crude Oil: Atlantis"
    )
    with pytest.raises(DataError) as error:
        _tiny(text)
    message = str(error.value)
    assert message.startswith("tiny.csv:") and "'Atlantis'" in message and "'Freedonia'" in message
    assert str(harmonise.table_path(SOURCE)) in message


# --- units and gaps on a tiny synthetic export ---------------------------------------------------


def test_units_are_converted_to_tonnes_and_usd() -> None:
    frame = _tiny()
    assert _cell(frame, "S1", "2022-01") == 1234.5  # "1,234,500" kg / 1000
    assert _cell(frame, "S2", "2022-01") == 2.5  # ton
    assert _cell(frame, "S3", "2022-01") == 30_000.0  # 3 x "10000 tons"
    assert _cell(frame, "S4", "2022-01") == 1000.0  # "1,000" USD
    assert _cell(frame, "S5", "2022-01") == 75_000.0  # 7.5 x "USD 10 th"
    units = dict(frame.select("series_id", "unit").unique().iter_rows())
    assert units == {"S1": "t", "S2": "t", "S3": "t", "S4": "usd", "S5": "usd"}


def test_zero_and_empty_cells_become_unpublished_nulls() -> None:
    february = _tiny().filter(pl.col("period") == "2022-02").sort("series_id")
    assert february.select("series_id", "value", "is_published").rows() == [
        ("S1", None, False),  # 0
        ("S2", None, False),  # empty
        ("S3", 10_000.0, True),
        ("S4", 5.0, True),
        ("S5", None, False),  # 0
    ]


def test_month_end_dates_become_periods_and_totals_have_no_origin() -> None:
    frame = _tiny()
    assert sorted(frame.get_column("period").unique()) == ["2022-01", "2022-02"]
    assert frame.filter(pl.col("series_id") == "S3").get_column("origin_iso3").null_count() == 2


def test_annual_sum_counts_published_months_only() -> None:
    annual = annual_energy_imports(_tiny(), complete_years_only=False)
    s3 = annual.filter(pl.col("series_id") == "S3").row(0, named=True)
    assert (s3["value"], s3["months_reported"], s3["is_complete_year"]) == (40_000.0, 2, False)
    s1 = annual.filter(pl.col("series_id") == "S1").row(0, named=True)
    assert (s1["value"], s1["months_reported"]) == (1234.5, 1)
    assert annual_energy_imports(_tiny()).is_empty()  # no year has 12 published months


def test_unknown_series_title_raises_naming_it() -> None:
    text = TINY.replace("Volume of Imports: Coal: Russian Federation", "Volume of Imports: Peat: Russian Federation")
    with pytest.raises(DataError, match="Peat: Russian Federation"):
        _tiny(text)


def test_unknown_unit_raises_naming_it() -> None:
    with pytest.raises(DataError, match="'barrels'"):
        _tiny(TINY.replace("Unit,kg,", "Unit,barrels,"))


def test_duplicated_columns_that_differ_raise() -> None:
    text = (
        "Name,Volume of Imports: Crude Oil: Chad,Volume of Imports: Crude Oil: Chad\n"
        "Frequency,Month,Month\nUnit,kg,kg\nID,S5451482,S5451482\n"
        "2021-01,1000,1000\n2021-02,2000,2500\n"
    )
    with pytest.raises(DataError, match="S5451482.*printed twice.*2021-02"):
        _tiny(text)


def test_identical_duplicated_columns_are_kept_once() -> None:
    text = "Name,Volume of Imports: Crude Oil: Chad,Volume of Imports: Crude Oil: Chad\nFrequency,Month,Month\n"
    text += "Unit,kg,kg\nID,S5451482,S5451482\n2021-01,1000,1000\n"
    assert _tiny(text).select("origin_iso3", "value").rows() == [("TCD", 1.0)]


def test_classify_title_reads_origin_and_total_titles() -> None:
    assert classify_title("Volume of Imports: Crude Oil: Saudi Arabia") == (
        "volume",
        "crude_oil",
        "SAU",
        "Saudi Arabia",
    )
    assert classify_title("China: Value of Imports: Natural Gas(271121)") == (
        "value", "pipeline_gas", None, TOTAL_ORIGIN_NAME,
    )  # fmt: skip


# --- files, parameters and damage ----------------------------------------------------------------


def _write_source(folder: Path, files: dict[str, Path]) -> None:
    record = {
        "name": SOURCE, "title": "tiny", "publisher": "test", "origin": {"urls": []}, "licence": "test",
        "retrieved": "2026-11", "description": "tiny synthetic Wind export",
        "files": [{"path": name, "sha256": sha256_file(p), "bytes": p.stat().st_size} for name, p in files.items()],
    }  # fmt: skip
    (folder / "source.yml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")


def test_loader_reads_a_verified_file_with_bom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "raw" / SOURCE
    folder.mkdir(parents=True)
    target = folder / FILES["russia"]
    target.write_text(TINY, encoding="utf-8")  # TINY starts with a BOM, like the real file
    _write_source(folder, {FILES["russia"]: target})
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path))
    frame = load_china_energy_imports("russia")
    assert frame.height == 10
    assert set(frame.get_column("source_file")) == {FILES["russia"]}


def test_corrupted_real_file_raises_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "raw" / SOURCE
    shutil.copytree(REPO_RAW / SOURCE, folder)
    target = folder / FILES["by_origin"]
    data = bytearray(target.read_bytes())
    data[len(data) // 2] = ord("9") if data[len(data) // 2] != ord("9") else ord("8")
    target.write_bytes(bytes(data))
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path))
    with pytest.raises(DataError, match=FILES["by_origin"]):
        load_china_energy_imports("by_origin")


def test_unknown_file_parameter_lists_the_choices() -> None:
    with pytest.raises(ParameterError, match="'russia'.*'by_origin'"):
        load_china_energy_imports("origins")


def test_ranking_unknown_commodity_names_available_ones(annual: pl.DataFrame) -> None:
    with pytest.raises(ParameterError, match="crude_oil"):
        supplier_ranking(annual, "uranium")


def test_a_file_is_parsed_once_per_process_yet_an_edit_is_read_and_no_caller_changes_the_next(data_copy: Path) -> None:
    from datacopy import rewrite_keeping_provenance

    def cell(frame: pl.DataFrame) -> float:
        # the last column of the Russia file, first data row: "1995-04-30,...,3743701,561555" (series S5429119, US$)
        return frame.filter(pl.col("series_id") == "S5429119", pl.col("period") == "1995-04")["value"].item()

    first = load_china_energy_imports("russia")
    assert cell(first) == 561555
    first.drop_in_place("value")  # a report changing the frame it got in place
    assert cell(load_china_energy_imports("russia")) == 561555, "the next caller gets the file's values"
    folder = data_copy / "raw" / "china_customs_energy_imports_by_origin"
    rewrite_keeping_provenance(
        folder, "china_imports_from_russia_energy_monthly_wind_2023-03-22.csv", "3743701,561555", "3743701,561556"
    )
    assert cell(load_china_energy_imports("russia")) == 561556, "an edited (and re-recorded) file is parsed again"
