"""Russian fossil-fuel exports by importer (Comtrade + Eurostat via CREA): counts and spot checks from PROVENANCE.md."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml
from datacopy import REPO, corrupt

from bilateral.data import harmonise
from bilateral.data.provenance import sha256_file
from bilateral.data.sources.russia_fossil_exports import (
    ANNUAL_AVERAGE_IMPORTERS,
    FILE,
    SOURCE,
    load_russia_fossil_exports,
)
from bilateral.errors import DataError

MT = 1e6
BN = 1e9
RAW_ROWS = 34_832  # PROVENANCE: data rows, two units per key


@pytest.fixture(scope="module")
def flows() -> pl.DataFrame:
    return load_russia_fossil_exports()


@pytest.fixture
def source_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of only this source's folder, with BILATERAL_DATA_DIR pointing at it."""
    target = tmp_path / "data" / "raw" / SOURCE
    shutil.copytree(REPO / "data" / "raw" / SOURCE, target)
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path / "data"))
    return target


def edit_and_rerecord(folder: Path, pattern: str, new: str) -> None:
    """Replace the first match of `pattern` and record the file's new checksum, so only the loader can object."""
    target = folder / FILE
    text = target.read_text(encoding="utf-8")
    edited = re.sub(pattern, new, text, count=1, flags=re.MULTILINE)
    assert edited != text
    target.write_text(edited, encoding="utf-8")
    record = yaml.safe_load((folder / "source.yml").read_text(encoding="utf-8"))
    for item in record["files"]:
        if item["path"] == FILE:
            item["sha256"], item["bytes"] = sha256_file(target), target.stat().st_size
    (folder / "source.yml").write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True), encoding="utf-8")


def annual(flows: pl.DataFrame, importer: str, commodity: str, year: int) -> dict[str, float]:
    rows = flows.filter(
        (pl.col("importer_name") == importer) & (pl.col("commodity") == commodity) & (pl.col("year") == year)
    )
    return {"eur": rows.get_column("value_eur").sum(), "t": rows.get_column("volume_t").sum()}


# --- counts from PROVENANCE -------------------------------------------------------------------------


def test_34832_raw_rows_pivot_to_17416_rows_with_both_units(flows: pl.DataFrame) -> None:
    assert flows.height == RAW_ROWS // 2 == 17_416


@pytest.mark.parametrize(
    ("commodity", "raw_rows"),
    [("oil_products", 10_866), ("coal", 8_330), ("natural_gas", 5_248), ("oil", 5_048),
     ("coke", 2_874), ("lng", 1_832), ("tar", 624), ("coal_gas", 10)],
)  # fmt: skip
def test_rows_per_commodity_are_half_the_provenance_raw_rows(
    flows: pl.DataFrame, commodity: str, raw_rows: int
) -> None:
    assert flows.filter(pl.col("commodity") == commodity).height * 2 == raw_rows


def test_546_empty_cells_stay_null_in_273_rows(flows: pl.DataFrame) -> None:
    empty = flows.filter(pl.col("value_eur").is_null() | pl.col("volume_t").is_null())
    assert empty.height == 273
    assert empty.get_column("value_eur").null_count() + empty.get_column("volume_t").null_count() == 546
    assert sorted(empty.get_column("importer_name").unique()) == ["Estonia", "Finland", "Latvia"]


def test_101_negative_cells_are_kept_and_flagged(flows: pl.DataFrame) -> None:
    negative = flows.filter(pl.col("is_net_negative"))
    cells = (negative.get_column("value_eur") < 0).sum() + (negative.get_column("volume_t") < 0).sum()
    assert (negative.height, cells) == (63, 101)
    assert sorted(negative.get_column("commodity").unique()) == ["coke", "natural_gas"]


def test_importers_are_124_countries_and_the_eu_aggregate(flows: pl.DataFrame) -> None:
    names = flows.get_column("importer_name").unique()
    assert names.len() == 125
    assert flows.filter(pl.col("importer_iso3").is_null()).get_column("importer_name").unique().to_list() == ["EU"]


# --- importer names -----------------------------------------------------------------------------------


def test_every_importer_name_in_the_file_maps_and_the_name_table_has_no_unused_or_redundant_entry() -> None:
    # names read straight off the shipped file, not through the loader
    names = set(pl.read_csv(REPO / "data" / "raw" / SOURCE / FILE, infer_schema=False).get_column("country"))
    assert len(names) == 125
    mapping = harmonise.to_iso3(sorted(names), source=SOURCE)  # raises, listing any unmapped name
    assert harmonise.aggregate_names(SOURCE) == ["EU"] and mapping["EU"] is None
    assert harmonise.unused_entries(SOURCE, names) == []
    assert harmonise.redundant_entries(SOURCE) == []


def test_comtrade_style_names_map_to_iso3() -> None:
    names = ["Czech Rep.", "Rep. of Korea", "TFYR of Macedonia", "China, Hong Kong SAR", "Congo", "Sudan"]
    assert list(harmonise.to_iso3(names, source=SOURCE).values()) == ["CZE", "KOR", "MKD", "HKG", "COG", "SDN"]


def test_every_importer_iso3_is_used_by_one_name_only(flows: pl.DataFrame) -> None:
    # two spellings of one country in the file would put its trade in two rows per month
    pairs = flows.select("importer_name", "importer_iso3").unique().drop_nulls()
    assert pairs.height == 124 and pairs.get_column("importer_iso3").n_unique() == 124


def test_eu_aggregate_has_no_iso3_no_member_flag_and_27_members(flows: pl.DataFrame) -> None:
    eu = flows.filter(pl.col("is_aggregate"))
    assert eu.get_column("importer_name").unique().to_list() == ["EU"]
    assert eu.get_column("importer_iso3").null_count() == eu.get_column("is_eu_member").null_count() == eu.height
    assert flows.filter(pl.col("is_eu_member")).get_column("importer_iso3").n_unique() == 27


def test_eu_aggregate_equals_sum_of_members_in_2021_06(flows: pl.DataFrame) -> None:
    june = flows.filter(pl.col("period") == "2021-06")
    members = june.filter(pl.col("is_eu_member")).group_by("commodity").agg(pl.col("value_eur", "volume_t").sum())
    eu = june.filter(pl.col("is_aggregate")).select("commodity", "value_eur", "volume_t")
    joined = eu.join(members, on="commodity", how="full", suffix="_members", validate="1:1")
    assert joined.height == eu.height
    for unit in ("value_eur", "volume_t"):
        assert joined.get_column(unit).to_list() == pytest.approx(joined.get_column(f"{unit}_members").to_list())


# --- spot checks (China) --------------------------------------------------------------------------------


def test_china_crude_tonnes_2021_and_2019_match_china_customs(flows: pl.DataFrame) -> None:
    assert round(annual(flows, "China", "oil", 2021)["t"] / MT, 3) == 79.642
    assert round(annual(flows, "China", "oil", 2019)["t"] / MT, 3) == 77.642


def test_china_crude_value_2019_is_usd_over_1_1(flows: pl.DataFrame) -> None:
    eur = annual(flows, "China", "oil", 2019)["eur"]
    assert (round(eur / BN, 3), round(eur * 1.1 / BN, 3)) == (34.022, 37.424)


def test_largest_importers_2021_excluding_the_eu(flows: pl.DataFrame) -> None:
    top = (
        flows.filter((pl.col("year") == 2021) & ~pl.col("is_aggregate"))
        .group_by("importer_iso3").agg(pl.col("value_eur").sum())
        .sort("value_eur", descending=True).head(5)
    )  # fmt: skip
    assert [(iso, round(v / BN, 1)) for iso, v in top.iter_rows()] == [
        ("CHN", 47.8), ("DEU", 37.0), ("USA", 16.5), ("ITA", 15.3), ("NLD", 12.8),
    ]  # fmt: skip


# --- coverage and annual averages ------------------------------------------------------------------------


def test_annual_average_importers_are_flagged_for_2016_to_2021_and_end_there(flows: pl.DataFrame) -> None:
    flagged = flows.filter(pl.col("is_annual_average"))
    assert set(flagged.get_column("importer_name").unique()) == ANNUAL_AVERAGE_IMPORTERS
    assert (flagged.get_column("year").min(), flagged.get_column("year").max()) == (2016, 2021)
    five = flows.filter(pl.col("importer_name").is_in(sorted(ANNUAL_AVERAGE_IMPORTERS)))
    assert five.get_column("period").max() == "2021-12"
    assert flagged.height == five.height == 1_068


def test_china_crude_months_of_2019_are_one_twelfth_of_the_year(flows: pl.DataFrame) -> None:
    china = (pl.col("importer_iso3") == "CHN") & (pl.col("commodity") == "oil")
    months = flows.filter(china & (pl.col("year") == 2019))
    assert months.get_column("volume_t").unique().to_list() == [pytest.approx(77_642_400.0 / 12)]


def test_germany_is_monthly_data_not_annual_average(flows: pl.DataFrame) -> None:
    assert not flows.filter(pl.col("importer_iso3") == "DEU").get_column("is_annual_average").any()


def test_2022_11_has_brazil_only(flows: pl.DataFrame) -> None:
    assert flows.filter(pl.col("period") == "2022-11").get_column("importer_iso3").unique().to_list() == ["BRA"]


# --- broken files -----------------------------------------------------------------------------------------


def test_a_corrupted_file_is_refused_with_its_name(source_copy: Path) -> None:
    corrupt(source_copy / FILE)
    with pytest.raises(DataError, match=r"comtrade_eurostat_imports_from_russia_monthly\.csv: checksum mismatch"):
        load_russia_fossil_exports()


def test_an_unknown_importer_name_is_named_with_its_row(source_copy: Path) -> None:
    # "Czechia" would map (it is the ISO 3166 name); a name neither ISO nor the table knows must be looked at
    edit_and_rerecord(source_copy, r"^Czech Rep\.,Russia,", "Czechoslovakia,Russia,")
    expected = r"monthly\.csv: row \d+ has country='Czechoslovakia', an unknown importer name"
    with pytest.raises(DataError, match=expected) as error:
        load_russia_fossil_exports()
    assert str(harmonise.table_path(SOURCE)) in str(error.value)


def test_an_annual_average_month_that_differs_is_an_error(source_copy: Path) -> None:
    edit_and_rerecord(source_copy, r"^(China,Russia,2019-03-01,oil,FALSE,tonne,)[^,]+,", r"\g<1>1.0,")
    with pytest.raises(DataError, match=r"China oil 2019 should be an annual total / 12"):
        load_russia_fossil_exports()
