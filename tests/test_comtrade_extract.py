"""The shipped UN Comtrade critical-minerals extract, loaded into trade_flows (reads the real files)."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from bilateral.data import harmonise
from bilateral.data.paths import raw_dir
from bilateral.data.provenance import read_source, sha256_file
from bilateral.data.sources import comtrade_extract
from bilateral.data.sources.comtrade_extract import load_critical_minerals
from bilateral.errors import DataError

SOURCE = raw_dir() / comtrade_extract.SOURCE_NAME


@pytest.fixture(scope="module")
def flows() -> pl.DataFrame:
    return load_critical_minerals()


def _russia_year_usd(flows: pl.DataFrame, code: str, year: int) -> float:
    rows = flows.filter(pl.col("partner_iso3") == "RUS", pl.col("product_code") == code, pl.col("year") == year)
    return rows.get_column("value_usd").sum()


def test_china_russia_artificial_graphite_2017_matches_the_documented_spot_check(flows: pl.DataFrame) -> None:
    # PROVENANCE.md: 380110 in 2017, 1.09 m US$ (sum of the 12 monthly rows: 1,085,885)
    assert _russia_year_usd(flows, "380110", 2017) == 1_085_885.0


def test_china_russia_polysilicon_2023_matches_the_documented_spot_check(flows: pl.DataFrame) -> None:
    # PROVENANCE.md: 280461 in 2023, 21.6 m US$
    assert _russia_year_usd(flows, "280461", 2023) == 21_586_180.0


def test_rows_are_china_exports_reported_by_china_at_hs6_monthly(flows: pl.DataFrame) -> None:
    assert flows.select(
        pl.col("reporter_iso3").unique(),
        pl.col("flow").unique(),
        pl.col("reported_by").unique(),
        pl.col("hs_level").unique(),
        pl.col("classification").unique(),
        pl.col("quantity_unit").unique(),
        pl.col("source").unique(),
    ).row(0) == ("CHN", "export", "CHN", 6, "HS", "kg", "comtrade_china_critical_minerals")
    assert flows.get_column("period").str.contains(r"^\d{4}-\d{2}$").all()


def test_only_the_four_documented_hs6_lines_are_loaded(flows: pl.DataFrame) -> None:
    assert sorted(flows.get_column("product_code").unique().to_list()) == ["250410", "280461", "380110", "811292"]


def test_row_counts_are_those_of_the_two_upstream_files(flows: pl.DataFrame) -> None:
    # 6,442 deep-dive rows (PROVENANCE.md) + 600 Polysilicon rows of country_monthly_stats.csv
    assert flows.height == 6_442 + 600


def test_russia_has_83_polysilicon_months_as_in_the_russia_subset(flows: pl.DataFrame) -> None:
    assert flows.filter(pl.col("partner_iso3") == "RUS", pl.col("product_code") == "280461").height == 83


def test_dataset_version_names_the_upstream_repository_and_commit(flows: pl.DataFrame) -> None:
    assert flows.get_column("dataset_version").unique().to_list() == [
        "qennis/ChinaCriticalMineralComtrade@44040f49dab67c29fd358d004b54ccb58fc14dbd"
    ]


def test_zero_quantity_with_a_value_is_loaded_as_unknown(flows: pl.DataFrame) -> None:
    # 2017-01 polysilicon to Russia: val 60,474, qty 0 in the file (uv = inf)
    row = flows.filter(
        pl.col("partner_iso3") == "RUS", pl.col("period") == "2017-01", pl.col("product_code") == "280461"
    )
    assert row.select("value_usd", "quantity").row(0) == (60_474.0, None)


def test_every_partner_name_in_the_files_has_an_iso3_mapping(flows: pl.DataFrame) -> None:
    assert flows.get_column("partner_iso3").null_count() == 0
    assert flows.get_column("partner_iso3").n_unique() == 39


def test_every_partner_name_maps_and_the_name_table_has_no_unused_or_redundant_entry() -> None:
    # names read straight off both shipped files, not through the loader
    files = (comtrade_extract.DEEP_DIVE_FILE, comtrade_extract.GROUP_STATS_FILE)
    names = set().union(*(pl.read_csv(SOURCE / name, infer_schema=False).get_column("partner_name") for name in files))
    assert len(names) == 39
    mapping = harmonise.to_iso3(sorted(names), source=comtrade_extract.SOURCE_NAME)  # raises on an unmapped name
    assert len(set(mapping.values())) == 39 and None not in mapping.values()
    assert harmonise.unused_entries(comtrade_extract.SOURCE_NAME, names) == []
    assert harmonise.redundant_entries(comtrade_extract.SOURCE_NAME) == []


def test_the_authors_labels_map_to_the_countries_meant() -> None:
    names = ["Russia", "Turkey", "UAE", "USA", "Taiwan", "Hong Kong", "South Korea", "Czech Republic", "Iran"]
    assert list(harmonise.to_iso3(names, source=comtrade_extract.SOURCE_NAME).values()) == [
        "RUS", "TUR", "ARE", "USA", "TWN", "HKG", "KOR", "CZE", "IRN",
    ]  # fmt: skip


def test_absent_months_stay_absent(flows: pl.DataFrame) -> None:
    # 811292 to Russia: 41 months in the file, not 96 (PROVENANCE.md); no zero rows are invented
    rows = flows.filter(pl.col("partner_iso3") == "RUS", pl.col("product_code") == "811292")
    assert rows.height == 41


def test_an_unmapped_partner_name_is_a_data_error(tmp_path: Path) -> None:
    folder = _copy_with_extra_partner(tmp_path, "Atlantis")
    with pytest.raises(DataError, match="comtrade_china_critical_minerals have no ISO3 code: 'Atlantis'") as error:
        load_critical_minerals(folder)
    assert str(harmonise.table_path(comtrade_extract.SOURCE_NAME)) in str(error.value)


def test_a_file_edited_by_hand_fails_its_checksum(tmp_path: Path) -> None:
    folder = tmp_path / "extract"
    shutil.copytree(SOURCE, folder)
    with (folder / comtrade_extract.DEEP_DIVE_FILE).open("a", encoding="utf-8") as handle:
        handle.write("2024-12-01,Russia,250410,1.0,1.0,1.0\n")
    with pytest.raises(DataError, match="checksum mismatch"):
        load_critical_minerals(folder)


def _copy_with_extra_partner(tmp_path: Path, name: str) -> Path:
    """A copy of the source whose deep-dive file has one row for an unknown partner, with the sidecar updated."""
    folder = tmp_path / "extract"
    shutil.copytree(SOURCE, folder)
    target = folder / comtrade_extract.DEEP_DIVE_FILE
    with target.open("a", encoding="utf-8") as handle:
        handle.write(f"2024-12-01,{name},250410,1.0,1.0,1.0\n")
    sidecar = folder / "source.yml"
    record = read_source(folder)
    old = next(item.sha256 for item in record.files if item.path == comtrade_extract.DEEP_DIVE_FILE)
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace(old, sha256_file(target)), encoding="utf-8")
    return folder
