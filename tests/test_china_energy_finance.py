"""China's Global Energy Finance (BU GDP Center) loader: totals and Russia rows as PROVENANCE.md states them."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml
from datacopy import REPO, corrupt

from bilateral.data.paths import raw_dir
from bilateral.data.provenance import read_source, require_verified, sha256_file
from bilateral.data.sources.china_energy_finance import FILE, SOURCE, load_china_energy_finance
from bilateral.errors import DataError

MILLION = 1e6
BN = 1e9


@pytest.fixture(scope="module")
def loans() -> pl.DataFrame:
    return load_china_energy_finance()


@pytest.fixture
def source_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of only this source's folder, with BILATERAL_DATA_DIR pointing at it."""
    target = tmp_path / "data" / "raw" / SOURCE
    shutil.copytree(REPO / "data" / "raw" / SOURCE, target)
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path / "data"))
    return target


def edit_and_rerecord(folder: Path, old: str, new: str) -> None:
    """Replace `old` once in the loans file and record its new checksum, so only the loader can object."""
    target = folder / FILE
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    record = yaml.safe_load((folder / "source.yml").read_text(encoding="utf-8"))
    for item in record["files"]:
        if item["path"] == FILE:
            item["sha256"], item["bytes"] = sha256_file(target), target.stat().st_size
    (folder / "source.yml").write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True), encoding="utf-8")


# --- PROVENANCE totals ----------------------------------------------------------------------------


def test_file_has_270_loans_from_2000_to_2019(loans: pl.DataFrame) -> None:
    assert loans.height == 270
    assert (loans.get_column("year").min(), loans.get_column("year").max()) == (2000, 2019)


def test_amounts_sum_to_251_25_bn_usd(loans: pl.DataFrame) -> None:
    assert round(loans.get_column("amount_usd").sum() / BN, 2) == 251.25


def test_amount_is_the_files_million_usd_times_one_million(loans: pl.DataFrame) -> None:
    # First row of the file: 2000, Sudan, Garri (El-Jaili) Power Station, 149.0 ($m).
    first = loans.row(0, named=True)
    assert (first["country_iso3"], first["description"], first["amount_usd"]) == (
        "SDN", "Garri (El-Jaili) Power Station", 149_000_000.0,
    )  # fmt: skip


def test_russia_loans_are_the_six_provenance_lists(loans: pl.DataFrame) -> None:
    russia = loans.filter(pl.col("country_iso3") == "RUS").sort("year", "amount_usd", descending=[False, True])
    assert [(y, b, a / MILLION) for y, b, a in russia.select("year", "borrower", "amount_usd").iter_rows()] == [
        (2009, "Rosneft", 15_000.0),
        (2009, "Transneft", 10_000.0),
        (2013, "En+ Group and Shenhua Group", 2_000.0),
        (2016, "Yamal LNG", 10_830.0),
        (2016, "Gazprom", 2_500.0),
        (2017, "Novatek", 1_200.0),
    ]


def test_yamal_lng_is_cdb_ex_im_cofinancing(loans: pl.DataFrame) -> None:
    yamal = loans.filter(pl.col("description") == "Yamal LNG")
    assert yamal.select("lender", "location").row(0) == ("CDB-Ex-Im Cofinancing", "Yamal Peninsula")


def test_bri_membership_is_a_boolean_242_true_28_false(loans: pl.DataFrame) -> None:
    assert loans.get_column("is_bri_member").value_counts().sort("is_bri_member").rows() == [(False, 28), (True, 242)]


# --- Russia-related subset ------------------------------------------------------------------------


def test_russia_related_flag_reproduces_the_subset_file(loans: pl.DataFrame) -> None:
    folder = raw_dir() / SOURCE
    record = read_source(folder)
    full = pl.read_csv(require_verified(folder, record, FILE), infer_schema=False)
    subset = pl.read_csv(require_verified(folder, record, "cgef_russia_related.csv"), infer_schema=False)
    assert subset.height == 7
    assert full.filter(loans.get_column("russia_related")).equals(subset)


def test_the_kazakh_plant_with_russia_is_related_but_not_in_russia(loans: pl.DataFrame) -> None:
    related = loans.filter(pl.col("russia_related"))
    assert related.filter(pl.col("country_iso3") != "RUS").select("country_iso3", "amount_usd").rows() == [
        ("KAZ", 400_000_000.0)
    ]


# --- country codes ----------------------------------------------------------------------------------


def test_dmr_is_corrected_to_iso3_dom_and_kept_verbatim(loans: pl.DataFrame) -> None:
    row = loans.filter(pl.col("country_name") == "Dominican Republic").row(0, named=True)
    assert (row["country_iso3"], row["country_code_file"]) == ("DOM", "DMR")


def test_benin_togo_loans_have_no_single_iso3_and_are_not_split(loans: pl.DataFrame) -> None:
    joint = loans.filter(pl.col("is_multi_country"))
    assert joint.select("country_code_file", "country_iso3", "amount_usd").sort("amount_usd").rows() == [
        ("BEN, TGO", None, 19_000_000.0),
        ("BEN, TGO", None, 550_000_000.0),
    ]


# --- broken files -----------------------------------------------------------------------------------


def test_a_corrupted_file_is_refused_with_its_name(source_copy: Path) -> None:
    corrupt(source_copy / FILE)
    with pytest.raises(DataError, match=r"cgef_all_countries_2000_2019\.csv: checksum mismatch"):
        load_china_energy_finance()


def test_an_unknown_country_code_is_named_with_its_row(source_copy: Path) -> None:
    edit_and_rerecord(source_copy, "2000,Sudan,SDN,", "2000,Sudan,SDX,")
    with pytest.raises(DataError, match=r"cgef_all_countries_2000_2019\.csv: row 2 has CountryCode='SDX'"):
        load_china_energy_finance()


def test_an_amount_that_is_not_a_number_is_named_with_its_row(source_copy: Path) -> None:
    edit_and_rerecord(source_copy, "Ex-Im Bank,149.0,", "Ex-Im Bank,149.0m,")
    with pytest.raises(DataError, match=r"row 2 has Amount \(\$m\)='149\.0m', which is not a number"):
        load_china_energy_finance()
