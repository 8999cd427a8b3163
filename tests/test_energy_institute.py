"""Energy Institute / bp Statistical Review loaders: exact values from the shipped sheets.

Expected figures are copied from the CSV dumps (and the key values in their PROVENANCE.md); the
"Total" figures are the sheet's own total row or column, which the loader drops, so summing the
parsed cells back to them checks orientation, header joining and subtotal removal at once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml

from bilateral.data import harmonise
from bilateral.data.provenance import sha256_file
from bilateral.data.sources.energy_institute import (
    EDITIONS,
    NAME_TABLE,
    area_iso3,
    load_energy_trade,
    load_gas_interregional,
    load_russia_china_energy_flows,
)
from bilateral.errors import DataError, ParameterError

REPO_RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


@pytest.fixture(scope="module")
def trade_2023() -> pl.DataFrame:
    return load_energy_trade("2023")


@pytest.fixture(scope="module")
def trade_2021() -> pl.DataFrame:
    return load_energy_trade("2021")


def cell(frame: pl.DataFrame, commodity: str, exporter: str, importer: str) -> float:
    rows = frame.filter(
        pl.col("commodity") == commodity, pl.col("exporter_name") == exporter, pl.col("importer_name") == importer
    )
    assert len(rows) == 1, f"expected one {commodity} cell {exporter} -> {importer}, found {len(rows)}"
    return rows["value"][0]


def total(frame: pl.DataFrame, commodity: str, **side: str) -> float:
    ((column, name),) = side.items()
    return frame.filter(pl.col("commodity") == commodity, pl.col(column) == name)["value"].sum()


# --- key values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("commodity", "expected", "unit"),
    [
        ("crude_oil", 86.24, "million tonnes"),
        ("oil_products", 9.55, "million tonnes"),
        ("natural_gas_pipeline", 14.67, "bcm"),
        ("lng", 6.11, "bcm"),
        ("coal", 1.79, "exajoules"),
    ],
)
def test_russia_to_china_2022_matches_provenance_key_values(
    trade_2023: pl.DataFrame, commodity: str, expected: float, unit: str
) -> None:
    row = trade_2023.filter(
        pl.col("commodity") == commodity, pl.col("exporter_iso3") == "RUS", pl.col("importer_iso3") == "CHN"
    )
    assert len(row) == 1
    assert round(row["value"][0], 2) == expected
    assert row["unit"][0] == unit
    assert row["year"][0] == 2022
    assert row["edition"][0] == "EI 2023"


@pytest.mark.parametrize(
    ("commodity", "expected"),
    [("crude_oil", 83.45), ("oil_products", 2.97), ("natural_gas_pipeline", 3.88), ("lng", 6.92), ("coal", 1.00)],
)
def test_russia_to_china_2020_from_bp_2021_edition(trade_2021: pl.DataFrame, commodity: str, expected: float) -> None:
    row = trade_2021.filter(
        pl.col("commodity") == commodity, pl.col("exporter_iso3") == "RUS", pl.col("importer_iso3") == "CHN"
    )
    assert round(row["value"][0], 2) == expected
    assert row["year"][0] == 2020
    assert row["edition"][0] == "bp 2021"


def test_commodity_filter_returns_only_that_commodity(trade_2023: pl.DataFrame) -> None:
    coal = load_energy_trade("2023", commodity="coal")
    assert coal["commodity"].unique().to_list() == ["coal"]
    assert coal["unit"].unique().to_list() == ["exajoules"]
    assert coal.equals(trade_2023.filter(pl.col("commodity") == "coal"))


# --- parsed cells add up to the sheet's own totals -------------------------------------------------


def test_crude_rows_and_columns_sum_to_sheet_totals(trade_2023: pl.DataFrame) -> None:
    # Row "Russia", column "Total"; row "Total imports", column "China" (crude block, 2022).
    assert total(trade_2023, "crude_oil", exporter_name="Russia") == pytest.approx(264.6515052834372, rel=1e-12)
    assert total(trade_2023, "crude_oil", importer_name="China") == pytest.approx(508.232550756, rel=1e-12)


def test_pipeline_rows_and_columns_sum_to_sheet_totals(trade_2023: pl.DataFrame) -> None:
    # Row "China", column "Total imports"; row "Total exports", column "Russian Federation".
    assert total(trade_2023, "natural_gas_pipeline", importer_name="China") == pytest.approx(58.40167182510014)
    assert total(trade_2023, "natural_gas_pipeline", exporter_name="Russian Federation") == pytest.approx(
        125.3468224499448
    )


def test_lng_and_coal_sum_to_sheet_totals(trade_2023: pl.DataFrame) -> None:
    assert total(trade_2023, "lng", exporter_name="Russian Federation") == pytest.approx(40.17639685359125)
    assert total(trade_2023, "coal", importer_name="China") == pytest.approx(5.829062616938533)


def test_gas_regional_subtotal_rows_are_dropped(trade_2023: pl.DataFrame) -> None:
    gas = trade_2023.filter(pl.col("commodity").is_in(["natural_gas_pipeline", "lng"]))
    importers = set(gas["importer_name"])
    assert not importers & {"North America", "Europe", "CIS", "Asia Pacific", "Middle East & Africa"}
    assert {"EU", "Rest of Europe", "Other CIS"} <= importers  # areas, not subtotals: kept
    names = set(trade_2023["exporter_name"]) | set(trade_2023["importer_name"])
    assert not [name for name in names if name.startswith("Total")]


def test_intra_area_diagonal_is_not_a_row(trade_2023: pl.DataFrame) -> None:
    assert trade_2023.filter(pl.col("exporter_name") == pl.col("importer_name")).is_empty()


# --- orientation and names ---------------------------------------------------------------------------


def test_pipeline_rows_are_importers(trade_2023: pl.DataFrame) -> None:
    # Sheet row "China" (To), column "Kazakhstan" (From) holds 4.37323112491025.
    assert cell(trade_2023, "natural_gas_pipeline", "Kazakhstan", "China") == 4.37323112491025
    assert trade_2023.filter(
        pl.col("commodity") == "natural_gas_pipeline", pl.col("exporter_name") == "China"
    ).is_empty()


def test_oil_rows_are_exporters(trade_2023: pl.DataFrame) -> None:
    # Crude block: From row "Canada", To column "US" holds 188.9290586630287.
    assert cell(trade_2023, "crude_oil", "Canada", "US") == 188.9290586630287


def test_lng_exporter_names_split_over_two_header_rows_are_joined(trade_2023: pl.DataFrame) -> None:
    exporters = set(trade_2023.filter(pl.col("commodity") == "lng")["exporter_name"])
    assert {"Russian Federation", "Trinidad & Tobago", "United Arab Emirates", "Papua New Guinea"} <= exporters
    assert {"Other Americas", "Other Europe", "Other Asia Pacific"} <= exporters  # footnote '*' removed
    assert not exporters & {"Russian", "Federation", "Tobago"}


def test_iso3_only_for_single_countries(trade_2023: pl.DataFrame) -> None:
    names = pl.concat(
        [
            trade_2023.select(name="exporter_name", iso3="exporter_iso3", is_region="exporter_is_region"),
            trade_2023.select(name="importer_name", iso3="importer_iso3", is_region="importer_is_region"),
        ]
    ).unique()
    lookup = {row["name"]: (row["iso3"], row["is_region"]) for row in names.iter_rows(named=True)}
    assert lookup["US"] == ("USA", False)
    assert lookup["Russian Federation"] == ("RUS", False)
    assert lookup["South Korea"] == ("KOR", False)
    assert lookup["Other CIS"] == (None, True)
    assert lookup["Europe"] == (None, True)


def test_unknown_country_like_name_raises_data_error() -> None:
    with pytest.raises(DataError, match="'Freedonia'") as error:
        area_iso3(["China", "Freedonia"], "energy_institute_statreview_2021")
    assert "energy_institute_statreview_2021" in str(error.value)  # the edition whose sheet printed it
    assert str(harmonise.table_path(NAME_TABLE)) in str(error.value)  # the one table both editions read


def test_both_editions_read_one_name_table() -> None:
    folders = {info.folder for info in EDITIONS.values()}
    assert folders == {"energy_institute_statreview", "energy_institute_statreview_2021"}
    assert NAME_TABLE == "energy_institute_statreview"
    assert not harmonise.table_path("energy_institute_statreview_2021").exists()  # no second copy to drift


def _names_seen(edition: str) -> dict[str, bool]:
    """Every area name the edition's loaders print, with whether they mark it a region."""
    frames = [load_energy_trade(edition), load_gas_interregional(edition)]
    sides = ("exporter", "importer")
    pairs = [frame.select(name=f"{side}_name", is_region=f"{side}_is_region") for frame in frames for side in sides]
    tidy = load_russia_china_energy_flows(edition)
    pairs += [tidy.select(name=f"{side}_name", is_region=pl.lit(False)) for side in ("exporter", "importer")]
    return dict(pl.concat(pairs).unique().iter_rows())


def test_every_printed_name_maps_and_the_name_table_has_no_unused_or_redundant_entry() -> None:
    seen = {**_names_seen("2023"), **_names_seen("2021")}
    mapping = harmonise.to_iso3(sorted(seen), source=NAME_TABLE)  # raises, listing any unmapped name
    assert {name for name, code in mapping.items() if code is None} == set(harmonise.aggregate_names(NAME_TABLE))
    assert {name for name, is_region in seen.items() if is_region} == set(harmonise.aggregate_names(NAME_TABLE))
    assert harmonise.unused_entries(NAME_TABLE, seen) == []  # no stale entry (an entry is used by either edition)
    assert harmonise.redundant_entries(NAME_TABLE) == []  # no entry that only repeats ISO 3166
    assert all(entry.note for entry in harmonise.exception_table(NAME_TABLE).values())


# --- tidy Russia -> China file ------------------------------------------------------------------------


def test_tidy_pipeline_gas_series() -> None:
    flows = load_russia_china_energy_flows("2023")
    series = flows.filter(
        pl.col("commodity") == "natural_gas_pipeline", pl.col("sheet") == "Gas - Inter-regional trade"
    )
    values = dict(zip(series["year"], series["value"].round(2), strict=True))
    assert len(values) == 23  # 2000-2022
    assert [values[y] for y in (2018, 2019, 2020, 2021, 2022)] == [0.0, 0.28, 3.88, 7.58, 14.67]
    assert set(flows["exporter_iso3"]) == {"RUS"} and set(flows["importer_iso3"]) == {"CHN"}


@pytest.mark.parametrize("edition", ["2023", "2021"])
def test_tidy_matrix_values_equal_parsed_matrix_cells(edition: str) -> None:
    tidy = load_russia_china_energy_flows(edition).filter(pl.col("sheet") != "Gas - Inter-regional trade")
    matrix = load_energy_trade(edition).filter(pl.col("exporter_iso3") == "RUS", pl.col("importer_iso3") == "CHN")
    joined = tidy.join(matrix, on=["year", "commodity"], how="left", validate="1:1", suffix="_matrix")
    assert len(joined) == 5
    assert (joined["value"] == joined["value_matrix"]).all()


# --- gas inter-regional time series -------------------------------------------------------------------


def test_gas_interregional_russia_to_china_equals_tidy_series() -> None:
    series = load_gas_interregional("2023").filter(
        pl.col("exporter_name") == "Russia", pl.col("importer_name") == "China", pl.col("listed_under") == "importer"
    )
    tidy = load_russia_china_energy_flows("2023").filter(pl.col("sheet") == "Gas - Inter-regional trade")
    assert series["year"].to_list() == list(range(2000, 2023))
    assert series["value"].to_list() == tidy.sort("year")["value"].to_list()


def test_gas_interregional_partners_of_china_add_up_to_matrix_row(trade_2023: pl.DataFrame) -> None:
    partners = load_gas_interregional("2023").filter(
        pl.col("importer_name") == "China", pl.col("listed_under") == "importer", pl.col("year") == 2022
    )
    assert sorted(partners["exporter_name"]) == ["Other Asia", "Other CIS", "Russia"]
    matrix_row = total(trade_2023, "natural_gas_pipeline", importer_name="China")
    assert partners["value"].sum() == pytest.approx(matrix_row)


def test_bp_2021_inter_regional_sheet_has_no_russia_china_pair() -> None:
    series = load_gas_interregional("2021")
    assert series["year"].max() == 2020
    assert series.filter(pl.col("exporter_name") == "Russia", pl.col("importer_name") == "China").is_empty()


# --- bad input ------------------------------------------------------------------------------------------


def test_unknown_commodity_lists_known_ones() -> None:
    with pytest.raises(ParameterError, match="crude_oil, oil_products, natural_gas_pipeline, lng, coal"):
        load_energy_trade("2023", commodity="uranium")


def test_unknown_edition_lists_known_ones() -> None:
    with pytest.raises(ParameterError, match="'2023'.*'2021'"):
        load_energy_trade("2019")
    with pytest.raises(ParameterError, match="'2023'"):
        load_russia_china_energy_flows("2022")


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the 2023 edition's folder (without the workbook) under a temporary data dir."""
    folder = tmp_path / "raw" / "energy_institute_statreview"
    shutil.copytree(REPO_RAW / "energy_institute_statreview", folder, ignore=shutil.ignore_patterns("*.xlsx"))
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path))
    return folder


def test_corrupted_file_raises_data_error_naming_it(data_copy: Path) -> None:
    target = data_copy / "raw_sheet__gas_pipeline_trade_matrix_2022.csv"
    data = bytearray(target.read_bytes())
    data[200] = ord("9") if data[200] != ord("9") else ord("8")
    target.write_bytes(bytes(data))
    with pytest.raises(DataError, match="raw_sheet__gas_pipeline_trade_matrix_2022.csv"):
        load_energy_trade("2023", commodity="natural_gas_pipeline")


def test_cell_that_breaks_the_sheet_total_raises_even_with_a_valid_checksum(data_copy: Path) -> None:
    # Change Russia -> China coal (1.791681939639661) and re-record the checksum: only the
    # row/column totals check can notice.
    relative = "raw_sheet__coal_inter_area_movements_2022.csv"
    target = data_copy / relative
    target.write_text(
        target.read_text(encoding="utf-8").replace("1.791681939639661", "2.791681939639661"), encoding="utf-8"
    )
    sidecar = data_copy / "source.yml"
    record = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    for item in record["files"]:
        if item["path"] == relative:
            item["sha256"], item["bytes"] = sha256_file(target), target.stat().st_size
    sidecar.write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match="row 'Russia' sums to"):
        load_energy_trade("2023", commodity="coal")


def test_a_sheet_is_parsed_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from bilateral.data import loader_kit
    from bilateral.data.sources import energy_institute

    monkeypatch.setattr(loader_kit, "_PARSED", {})  # as in a fresh process
    parsed: list[str] = []
    parse = energy_institute._parse_matrix
    monkeypatch.setattr(
        energy_institute,
        "_parse_matrix",
        lambda info, spec, *rest: parsed.append(spec.sheet) or parse(info, spec, *rest),
    )
    first = load_energy_trade("2023", "crude_oil")
    again = load_energy_trade("2023", "crude_oil")
    assert again.equals(first)
    assert len(parsed) == 1  # verified twice (the checksum is checked on every call), parsed once
    again = again.with_columns(pl.lit(0.0).alias("value"))  # a caller changing its frame changes no later one
    assert load_energy_trade("2023", "crude_oil").equals(first)
