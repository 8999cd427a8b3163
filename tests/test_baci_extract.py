"""The China-Russia BACI HS17 extract, Comtrade monthly imports and the OEC PCI table, on the shipped files.

Expected values are the gatherer's checks in data/raw/baci_china_russia_hs17/PROVENANCE.md or lines of the files.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from datacopy import corrupt, rewrite_keeping_provenance

from bilateral.data.sources import baci_extract
from bilateral.errors import DataError

FOLDER = "baci_china_russia_hs17"


@pytest.fixture(scope="module")
def baci() -> pl.DataFrame:
    return baci_extract.load_baci_extract(with_product_names=True)


def total_bn(frame: pl.DataFrame, year: int, exporter: str) -> float:
    rows = frame.filter((pl.col("year") == year) & (pl.col("reporter_iso3") == exporter))
    return rows.get_column("value_usd").sum() / 1e9


def test_china_to_russia_2022_sums_to_75_36_bn(baci: pl.DataFrame):
    assert round(total_bn(baci, 2022, "CHN"), 2) == 75.36


@pytest.mark.parametrize(
    ("year", "china_to_russia", "russia_to_china"),
    [(2017, 45.92, 42.12), (2018, 50.26, 55.31), (2019, 50.83, 58.86), (2020, 52.96, 51.19),
     (2021, 69.62, 72.06), (2022, 75.36, 114.15), (2023, 110.01, 129.00)],
)  # fmt: skip
def test_yearly_totals_match_provenance(baci: pl.DataFrame, year: int, china_to_russia: float, russia_to_china: float):
    assert round(total_bn(baci, year, "CHN"), 2) == china_to_russia
    assert round(total_bn(baci, year, "RUS"), 2) == russia_to_china


def test_russian_crude_to_china_2022_is_86_25_mt(baci: pl.DataFrame):
    crude = baci.filter(
        (pl.col("year") == 2022) & (pl.col("reporter_iso3") == "RUS") & (pl.col("product_code") == "270900")
    )
    assert crude.height == 1
    assert round(crude.get_column("quantity")[0] / 1e6, 2) == 86.25  # tonnes -> Mt
    assert crude.get_column("quantity_unit")[0] == "t"
    # File line: 2022,643,156,270900,58377523.628,86248060.0
    assert crude.get_column("value_usd")[0] == 58_377_523_628.0
    assert crude.get_column("net_weight_kg")[0] == 86_248_060_000.0


def test_a_row_follows_the_baci_conventions(baci: pl.DataFrame):
    # First line of the file: 2017,156,643,10620,48.641,3.124 (k lost its leading zero)
    row = baci.filter(
        (pl.col("year") == 2017) & (pl.col("reporter_iso3") == "CHN") & (pl.col("product_code") == "010620")
    )
    assert row.drop("product_name").row(0, named=True) == {
        "year": 2017, "period": "2017", "reporter_iso3": "CHN", "partner_iso3": "RUS", "flow": "export",
        "classification": "HS17", "hs_level": 6, "product_code": "010620", "value_usd": 48_641.0,
        "quantity": 3.124, "quantity_unit": "t", "net_weight_kg": 3_124.0, "reported_by": "RECONCILED",
        "source": "baci_china_russia_hs17", "dataset_version": "BACI_HS17_V202501",
        "product_name_basis": "HS 2022 text of the same code",
    }  # fmt: skip


def test_an_empty_quantity_stays_empty(baci: pl.DataFrame):
    # 2017,156,643,281219,0.16, -> no quantity, no unit, no weight
    row = baci.filter(
        (pl.col("year") == 2017) & (pl.col("reporter_iso3") == "CHN") & (pl.col("product_code") == "281219")
    )
    assert row.select("value_usd", "quantity", "quantity_unit", "net_weight_kg").row(0) == (160.0, None, None, None)


def test_size_and_coverage(baci: pl.DataFrame):
    assert baci.height == 43_494
    assert baci.get_column("product_code").n_unique() == 4_811
    assert baci.get_column("product_code").str.len_chars().unique().to_list() == [6]
    assert set(baci.select(pl.concat_str("reporter_iso3", "partner_iso3")).to_series()) == {"CHNRUS", "RUSCHN"}


def test_product_names_never_invent_text(baci: pl.DataFrame):
    names = baci_extract.product_names(["270900", "040310"])
    crude = names.row(1, named=True)  # rows come sorted by code
    assert crude["product_name"].startswith("Oils; petroleum oils and oils obtained from bituminous")
    assert crude["product_name_basis"] == "HS 2022 text of the same code"
    # 040310 (yogurt) was split in HS 2022: the shipped HS 2022 table has no such code, so no name is given.
    assert names.row(0, named=True) == {
        "product_code": "040310", "product_name": None, "product_name_basis": "code not in HS 2022; no text shipped",
    }  # fmt: skip
    unnamed = baci.filter(pl.col("product_name").is_null())
    assert set(unnamed.get_column("product_name_basis")) == {"code not in HS 2022; no text shipped"}


def test_a_malformed_value_names_the_line(data_copy: Path):
    folder = data_copy / "raw" / FOLDER
    rewrite_keeping_provenance(
        folder, baci_extract.BACI_FILE, "2017,156,643,10620,48.641,", "2017,156,643,10620,48.6x1,"
    )
    with pytest.raises(DataError, match=r"line 2: value v is not a number \('48.6x1'\)"):
        baci_extract.load_baci_extract()


def test_a_country_code_outside_iso_3166_is_named(data_copy: Path):
    folder = data_copy / "raw" / FOLDER
    rewrite_keeping_provenance(folder, baci_extract.BACI_FILE, "2017,156,643,10620,", "2017,490,643,10620,")
    with pytest.raises(DataError, match="490"):
        baci_extract.load_baci_extract()


def test_a_corrupted_file_is_refused_by_name(data_copy: Path):
    corrupt(data_copy / "raw" / FOLDER / baci_extract.BACI_FILE)
    with pytest.raises(DataError, match="baci_russia_china_processed_2017_2023.csv: checksum mismatch"):
        baci_extract.load_baci_extract()


# --- Comtrade monthly -----------------------------------------------------------------------------------


def test_comtrade_monthly_imports_of_china_from_russia():
    months = baci_extract.load_comtrade_monthly()
    assert months.height == 96
    assert months.get_column("period").to_list()[:2] == ["2017-01", "2017-02"]
    assert months.get_column("period")[-1] == "2024-12"
    first = months.row(0, named=True)
    assert (first["reporter_iso3"], first["partner_iso3"], first["flow"], first["reported_by"]) == (
        "CHN",
        "RUS",
        "import",
        "CHN",
    )
    assert (first["product_code"], first["hs_level"], first["classification"]) == ("TOTAL", 0, "HS17")
    assert first["value_usd"] == 3_159_813_913.0 and first["quantity"] is None and first["net_weight_kg"] is None
    assert months.filter(pl.col("year") >= 2022).get_column("classification").unique().to_list() == ["HS22"]


@pytest.mark.parametrize(("year", "bn"), [(2017, 41.39), (2021, 79.59), (2022, 114.39), (2023, 128.94), (2024, 129.88)])
def test_comtrade_annual_sums_match_provenance(year: int, bn: float):
    months = baci_extract.load_comtrade_monthly().filter(pl.col("year") == year)
    assert months.height == 12 and round(months.get_column("value_usd").sum() / 1e9, 2) == bn


def test_a_breakdown_row_in_the_monthly_file_is_refused(data_copy: Path):
    folder = data_copy / "raw" / FOLDER
    rewrite_keeping_provenance(folder, baci_extract.COMTRADE_FILE, "TOTAL,,,,C00,,0,0,", "TOTAL,,,,C00,,0,2100,")
    with pytest.raises(DataError, match="motCode is '2100' in 1 row"):
        baci_extract.load_comtrade_monthly()


# --- OEC product complexity ---------------------------------------------------------------------------


def test_product_complexity_table():
    pci = baci_extract.load_product_complexity()
    assert pci.height == 4_965 and pci.get_column("hs4").n_unique() == 1_047
    horses = pci.filter((pl.col("hs4") == "0101") & (pl.col("year") == 2018)).row(0, named=True)
    # File line: 1,Animal Products,101,Horses,2018,29200.0,-0.29
    assert (
        horses["pci"],
        horses["export_value_usd"],
        horses["section_id"],
        horses["section_name"],
        horses["hs4_name"],
    ) == (
        -0.29,
        29_200.0,
        1,
        "Animal Products",
        "Horses",
    )
    assert (horses["exporter_iso3"], horses["importer_iso3"]) == ("RUS", "CHN")


def test_pci_varies_by_year_and_may_be_missing():
    pci = baci_extract.load_product_complexity()
    varying = pci.group_by("hs4").agg(pl.col("pci").n_unique()).filter(pl.col("pci") > 1)
    assert varying.height == 856  # PROVENANCE: PCI varies by year for 856 of 1,047 products
    # Last line: 21,Arts and Antiques,9706,Antiques,2023,35502.0,-0.94; "Revenue Stamps" 2023 has no PCI.
    stamps = pci.filter((pl.col("hs4") == "9704") & (pl.col("year") == 2023))
    assert stamps.get_column("pci").to_list() == [None]
