"""CEPII BACI connector: conversion to canonical units, code mapping, lazy queries, snapshots.

Every test builds a small zip from tests/fixtures/baci/ (a FORMAT SAMPLE in CEPII's documented
layout with synthetic values, see its README), optionally with one file replaced.
"""

from __future__ import annotations

import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import polars as pl
import pytest

from bilateral.data import fetch as fetching
from bilateral.data import provenance
from bilateral.data.provenance import read_source, verify_files
from bilateral.data.schemas import TRADE_FLOWS, validate
from bilateral.data.sources import baci
from bilateral.errors import DataError, FetchError, ParameterError

FIXTURES = Path(__file__).parent / "fixtures" / "baci"
TRADE_2022 = "BACI_HS92_Y2022_V202501.csv"
HEADER = "t,i,j,k,v,q\n"


def make_zip(folder: Path, replace: dict[str, str] | None = None, name: str = "BACI_HS92_V202501.zip") -> Path:
    """Zip the fixture CSVs, with `replace` mapping member name -> new text (added if new)."""
    members = {p.name: p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.csv"))}
    members.update(replace or {})
    path = folder / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return path


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("baci")
    return baci.convert_baci_release(make_zip(folder), folder / "parquet")


def row(parquet_dir: Path, reporter: str, partner: str, year: int, product: str) -> dict:
    frame = baci.query_baci(parquet_dir, reporters=reporter, partners=partner, years=year, products=product)
    assert frame.height == 1
    return frame.row(0, named=True)


# --- conversion -------------------------------------------------------------------------------------


def test_value_in_thousands_becomes_exact_usd(converted: Path) -> None:
    # v = 1.005 thousand US$; a plain float product would be 1004.9999999999999
    assert row(converted, "CHN", "RUS", 2022, "010121")["value_usd"] == 1005.0
    assert row(converted, "CHN", "RUS", 2022, "080211")["value_usd"] == 357.0
    assert row(converted, "CHN", "RUS", 2022, "270900")["value_usd"] == 1_234_567.0


def test_quantity_stays_in_tonnes_and_weight_is_in_kg(converted: Path) -> None:
    flow = row(converted, "CHN", "RUS", 2022, "010121")  # q = 2.500 t
    assert (flow["quantity"], flow["quantity_unit"], flow["net_weight_kg"]) == (2.5, "t", 2500.0)
    assert row(converted, "CHN", "KAZ", 2022, "847130")["net_weight_kg"] == 125.0  # q = 0.125 t


def test_product_code_is_zero_padded_to_six_digits(converted: Path) -> None:
    codes = baci.scan_baci(converted).select("product_code").collect()["product_code"]
    assert "010121" in codes.to_list()  # written as 10121 in the CSV
    assert "080211" in codes.to_list()  # written with its leading zero
    assert codes.str.len_chars().unique().to_list() == [6]


@pytest.mark.parametrize(
    ("product", "raw_q"),
    [("080211", "           NA"), ("270900", "blank"), ("847130", "13 spaces")],
)
def test_missing_quantity_becomes_null_with_no_unit(converted: Path, product: str, raw_q: str) -> None:
    flow = row(converted, "CHN", "RUS", 2022, product)
    assert (flow["quantity"], flow["net_weight_kg"], flow["quantity_unit"]) == (None, None, None)
    assert flow["value_usd"] is not None


def test_missing_value_becomes_null(converted: Path) -> None:
    flow = row(converted, "CHN", "RUS", 2021, "847130")  # v = "           NA"
    assert flow["value_usd"] is None
    assert flow["quantity"] == 1.0


def test_country_codes_map_to_iso3_with_the_release_table(converted: Path) -> None:
    pairs = baci.scan_baci(converted).filter(pl.col("year") == 2022).select("reporter_iso3", "partner_iso3").collect()
    assert set(pairs.iter_rows()) == {("CHN", "KAZ"), ("CHN", "RUS"), ("RUS", "CHN"), ("NAM", "CHN"), ("TWN", "RUS")}


def test_namibia_iso2_na_is_not_read_as_missing(converted: Path) -> None:
    countries = pl.read_parquet(converted / "countries.parquet")
    assert countries.filter(pl.col("country_code") == 516)["iso3"].to_list() == ["NAM"]


def test_rows_carry_baci_constants(converted: Path) -> None:
    flow = row(converted, "RUS", "CHN", 2022, "270900")
    assert flow["flow"] == "export"
    assert flow["reported_by"] == "RECONCILED"
    assert flow["classification"] == "HS92"
    assert flow["hs_level"] == 6
    assert flow["source"] == "baci"
    assert flow["dataset_version"] == "BACI_HS92_V202501"
    assert (flow["year"], flow["period"]) == (2022, "2022")


def test_output_passes_the_trade_flows_schema(converted: Path) -> None:
    frame = baci.scan_baci(converted).collect()
    assert frame.columns == list(TRADE_FLOWS.columns)
    validate(frame, TRADE_FLOWS, dataset="converted BACI")
    assert frame.height == 11


def test_unknown_country_code_is_a_data_error(tmp_path: Path) -> None:
    bad = HEADER + "2022,156,999,270900,        1.000,        1.000\n"
    with pytest.raises(DataError, match=r"importer \(j\) code\(s\) 999 are not in the release's country table"):
        baci.convert_baci_release(make_zip(tmp_path, {TRADE_2022: bad}), tmp_path / "out")


def test_year_column_must_match_file_name(tmp_path: Path) -> None:
    bad = HEADER + "2021,156,643,270900,        1.000,        1.000\n"
    with pytest.raises(DataError, match="year .t. is not 2022"):
        baci.convert_baci_release(make_zip(tmp_path, {TRADE_2022: bad}), tmp_path / "out")


def test_failed_conversion_leaves_no_output(tmp_path: Path) -> None:
    # 2021 converts fine; 2022 then fails on a malformed value
    bad = HEADER + "2022,156,643,270900,      1.2.000,        1.000\n"
    with pytest.raises(DataError, match="line 2 is malformed: value v"):
        baci.convert_baci_release(make_zip(tmp_path, {TRADE_2022: bad}), tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["BACI_HS92_V202501.zip"]


def test_ragged_line_is_a_data_error(tmp_path: Path) -> None:
    bad = HEADER + "2022,156,643,270900,     1,2.000,        1.000\n"
    with pytest.raises(DataError, match="not readable as CEPII's t,i,j,k,v,q layout"):
        baci.convert_baci_release(make_zip(tmp_path, {TRADE_2022: bad}), tmp_path / "out")


def test_existing_output_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(DataError, match="already exists"):
        baci.convert_baci_release(make_zip(tmp_path), tmp_path / "out")


def test_a_zip_without_baci_files_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not BACI")
    with pytest.raises(DataError, match="no yearly BACI files"):
        baci.convert_baci_release(path, tmp_path / "out")


def test_synthetic_prefix_is_carried_into_dataset_version(tmp_path: Path) -> None:
    text = (FIXTURES / TRADE_2022).read_text(encoding="utf-8")
    archive = tmp_path / "synthetic.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("SYNTHETIC_" + TRADE_2022, text)
        zf.writestr("country_codes_V202501.csv", (FIXTURES / "country_codes_V202501.csv").read_text())
    out = baci.convert_baci_release(archive, tmp_path / "out")
    assert baci.scan_baci(out).select("dataset_version").unique().collect().item() == "SYNTHETIC_BACI_HS92_V202501"


# --- queries ----------------------------------------------------------------------------------------


def test_query_filters_reporter_partner_and_year(converted: Path) -> None:
    frame = baci.query_baci(converted, reporters=["CHN"], partners=["RUS"], years=[2021])
    assert sorted(frame["product_code"].to_list()) == ["270900", "847130"]


@pytest.mark.parametrize(("prefix", "expected"), [("27", ["270900"]), ("8471", ["847130"]), ("010121", ["010121"])])
def test_query_matches_hs_prefixes_at_2_4_and_6_digits(converted: Path, prefix: str, expected: list[str]) -> None:
    frame = baci.query_baci(converted, reporters="CHN", partners="RUS", years=2022, products=[prefix])
    assert frame["product_code"].to_list() == expected


def test_query_with_several_prefixes_returns_their_union(converted: Path) -> None:
    frame = baci.query_baci(converted, years=[2022], products=["01", "26"])
    assert sorted(frame["product_code"].to_list()) == ["010121", "260300"]


def test_scan_is_lazy(converted: Path) -> None:
    assert isinstance(baci.scan_baci(converted), pl.LazyFrame)


def test_year_filter_prunes_partitions(tmp_path: Path) -> None:
    out = baci.convert_baci_release(make_zip(tmp_path), tmp_path / "out")
    (out / "year=2022" / "part.parquet").write_bytes(b"not parquet")  # any read of 2022 would now fail
    assert baci.query_baci(out, years=[2021]).height == 3
    with pytest.raises(pl.exceptions.PolarsError):  # the damaged 2022 partition is read only when asked for
        baci.query_baci(out, years=[2022])


def test_unknown_reporter_suggests_a_code(converted: Path) -> None:
    with pytest.raises(ParameterError, match="Did you mean 'RUS'"):
        baci.query_baci(converted, reporters=["RUSS"])


@pytest.mark.parametrize("bad", ["2", "270", 27, "27a"])
def test_product_prefix_must_be_2_4_or_6_digit_text(converted: Path, bad: object) -> None:
    with pytest.raises(ParameterError, match="not an HS prefix"):
        baci.query_baci(converted, products=[bad])


# --- snapshots --------------------------------------------------------------------------------------


def test_fetch_registers_a_local_zip_as_a_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path / "data"))
    snapshot = baci.fetch_baci_snapshot(make_zip(tmp_path), stamp="2026-11-28T000000Z")
    assert snapshot == (tmp_path / "data" / "raw" / "baci" / "2026-11-28T000000Z").resolve()
    record = read_source(snapshot)
    assert record.publisher.startswith("CEPII")
    assert "Etalab Open Licence 2.0, as stated by CEPII" in record.licence
    assert "thousands of current US$) * 1000" in record.description
    assert "BACI_HS92_V202501.zip" in [f.path for f in record.files]
    assert verify_files(snapshot, record) == []
    assert baci.scan_baci_snapshot().collect().height == 11


def test_fetch_from_url_offline_fails_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path / "data"))

    def offline(*args: object, **kwargs: object) -> None:
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(FetchError, match="Could not download BACI .*offline"):
        baci.fetch_baci_snapshot("https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS92_V202501.zip")
    assert list((tmp_path / "data" / "raw" / "baci").glob("*")) == []


def test_fetch_of_a_missing_file_says_where_to_get_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(DataError, match="no such file. Download the BACI zip"):
        baci.fetch_baci_snapshot(tmp_path / "missing.zip")


def test_local_file_that_is_not_a_zip_is_refused_by_its_own_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path / "data"))
    page = tmp_path / "BACI_HS92_V202501.zip"
    page.write_text("<html>Please log in</html>", encoding="utf-8")  # a saved web page, not the release

    with pytest.raises(DataError, match=f"^{page}: not a zip archive"):
        baci.fetch_baci_snapshot(page, stamp="2026-11-28T000000Z")

    assert not (tmp_path / "data" / "raw" / "baci" / "2026-11-28T000000Z").exists()


@pytest.fixture
def snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A BACI snapshot registered from the fixture zip, in its own data folder."""
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path / "data"))
    return baci.fetch_baci_snapshot(make_zip(tmp_path), stamp="2026-11-28T000000Z")


def test_scan_hashes_the_snapshot_parquet_but_not_the_zip(snapshot: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hashed: list[str] = []
    original = provenance.sha256_file

    def recording_sha256(path: Path) -> str:
        hashed.append(path.relative_to(snapshot).as_posix())
        return original(path)

    monkeypatch.setattr(provenance, "sha256_file", recording_sha256)  # the one checksum verifier hashes here

    assert baci.scan_baci_snapshot(snapshot).collect().height == 11

    assert sorted(hashed) == [
        "parquet/countries.parquet", "parquet/products.parquet", "parquet/release.json",
        "parquet/year=2021/part.parquet", "parquet/year=2022/part.parquet",
    ]  # fmt: skip


def test_changed_partition_is_refused_before_scanning(snapshot: Path) -> None:
    partition = snapshot / "parquet" / "year=2022" / "part.parquet"
    baci.scan_baci(snapshot / "parquet").filter(pl.col("year") == 2021).collect().drop("year").write_parquet(partition)

    with pytest.raises(DataError, match=r"year=2022/part.parquet: checksum mismatch with source.yml"):
        baci.scan_baci_snapshot(snapshot)
    with pytest.raises(DataError, match="checksum mismatch"):
        fetching.load_latest("baci")


def test_partition_not_listed_in_source_yml_is_refused(snapshot: Path) -> None:
    extra = snapshot / "parquet" / "year=2023" / "part.parquet"  # would be scanned as a third year
    extra.parent.mkdir()
    extra.write_bytes((snapshot / "parquet" / "year=2022" / "part.parquet").read_bytes())

    with pytest.raises(DataError, match=r"parquet/year=2023/part.parquet not listed in source.yml"):
        baci.scan_baci_snapshot(snapshot)
