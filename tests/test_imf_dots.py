"""IMF DOTS workbooks -> trade_flows: hand-checked values, every IMF name mapped, the checksum-keyed cache.

The 235 workbooks are parsed at most once per session (`dots_cells`); cache tests work on a copy holding four
workbooks (Russia, China and the two Nicaragua files), which builds in a fraction of a second.
Expected values come from the issue and the gatherer's PROVENANCE.md (computed from the files there), or are read
in the test straight from a workbook with polars.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import polars as pl
import pytest
import yaml
from datacopy import REPO, corrupt

from bilateral.data import harmonise
from bilateral.data.provenance import sha256_file
from bilateral.data.sources import imf_dots
from bilateral.errors import DataError, ParameterError

RAW = REPO / "data" / "raw" / "imf_dots"
RUSSIA, CHINA, NICARAGUA, NICARAGUA_AGAIN = "DOTS_162.xlsx", "DOTS_40.xlsx", "DOTS_143.xlsx", "DOTS_144.xlsx"


@pytest.fixture(scope="session")
def dots_cells() -> pl.DataFrame:
    """Every value cell of the shipped workbooks: the one full parse of the session."""
    return imf_dots.read_cells()


@pytest.fixture(scope="session")
def dots(dots_cells: pl.DataFrame) -> pl.DataFrame:
    """The whole DOTS table from the cache (built from `dots_cells` when missing, so nothing is parsed twice)."""
    imf_dots.ensure_cache(cells=dots_cells)
    return imf_dots.load_dots()


def value_musd(frame: pl.DataFrame, reporter: str, partner: str, flow: str, year: int) -> float:
    row = frame.filter(
        (pl.col("reporter_iso3") == reporter) & (pl.col("partner_iso3") == partner)
        & (pl.col("flow") == flow) & (pl.col("year") == year)
    )  # fmt: skip
    assert row.height == 1, row
    return row.get_column("value_usd")[0] / 1e6


# --- values -----------------------------------------------------------------------------------------


def test_china_declared_exports_to_russia_2020(dots: pl.DataFrame):
    assert round(value_musd(dots, "CHN", "RUS", "export", 2020), 2) == 50_608.37


def test_russia_declared_exports_to_china_2010(dots: pl.DataFrame):
    assert round(value_musd(dots, "RUS", "CHN", "export", 2010), 2) == 19_783.24


def test_rows_are_annual_totals_declared_by_the_reporter(dots: pl.DataFrame):
    row = dots.filter(
        (pl.col("reporter_iso3") == "CHN") & (pl.col("partner_iso3") == "RUS") & (pl.col("year") == 2020)
    ).row(0, named=True)
    assert row["period"] == "2020" and row["reported_by"] == "CHN"
    assert (row["hs_level"], row["product_code"], row["classification"]) == (0, "TOTAL", "TOTAL")
    assert (row["source"], row["dataset_version"]) == ("imf_dots", "IMF_DOTS_2022-02_download")
    assert dots.select((pl.col("reported_by") == pl.col("reporter_iso3")).all()).item()


def test_each_pair_appears_as_declared_by_each_side(dots: pl.DataFrame):
    # China's exports to Russia (FOB, China's customs) and Russia's imports from China (CIF, Russia's): a mirror pair.
    china_says = value_musd(dots, "CHN", "RUS", "export", 2020)
    russia_says = value_musd(dots, "RUS", "CHN", "import", 2020)
    assert china_says != russia_says


def russia_turnover_bn(dots: pl.DataFrame, year: int) -> dict[str, float]:
    rows = dots.filter(
        (pl.col("reporter_iso3") == "RUS") & (pl.col("year") == year) & (pl.col("partner_iso3") != "WLD")
    )
    totals = rows.group_by("partner_iso3").agg(pl.col("value_usd").sum() / 1e9).sort("value_usd", descending=True)
    return dict(totals.iter_rows())


def test_china_first_among_russias_partners_2009_to_2020(dots: pl.DataFrame):
    for year in range(2009, 2021):
        assert next(iter(russia_turnover_bn(dots, year))) == "CHN", year


def test_close_calls_with_the_netherlands_in_2009_and_2010(dots: pl.DataFrame):
    for year, china, netherlands in ((2009, 39.0, 38.7), (2010, 58.8, 57.7)):
        totals = russia_turnover_bn(dots, year)
        assert list(totals)[:2] == ["CHN", "NLD"]
        assert (round(totals["CHN"], 1), round(totals["NLD"], 1)) == (china, netherlands)


def test_germany_led_in_2008(dots: pl.DataFrame):
    totals = russia_turnover_bn(dots, 2008)
    assert list(totals)[:3] == ["DEU", "NLD", "CHN"]
    assert [round(totals[c], 1) for c in ("DEU", "NLD", "CHN")] == [66.4, 61.7, 55.8]


def test_estimate_flag_and_thousands_separator(dots: pl.DataFrame):
    # DOTS_100.xlsx (Jamaica) prints "1,032.13 e" for imports from the United States in 1992, "585.82 e" for exports.
    jamaica = dots.filter(
        (pl.col("reporter_iso3") == "JAM") & (pl.col("partner_iso3") == "USA") & (pl.col("year") == 1992)
    )
    assert {r["flow"]: (round(r["value_usd"] / 1e6, 2), r["is_estimate"]) for r in jamaica.to_dicts()} == {
        "import": (1032.13, True),
        "export": (585.82, True),
    }
    assert not dots.filter((pl.col("reporter_iso3") == "CHN") & (pl.col("partner_iso3") == "RUS"))["is_estimate"].any()


def test_a_printed_zero_stays_zero(dots: pl.DataFrame):
    # DOTS_1.xlsx (Afghanistan), exports to Iceland in 1982: "0.00 e".
    assert value_musd(dots, "AFG", "ISL", "export", 1982) == 0.0


def test_an_empty_cell_is_an_absent_row(dots: pl.DataFrame):
    # DOTS_162.xlsx: Russia's exports to American Samoa in 2020 are an empty cell.
    rows = dots.filter(
        (pl.col("reporter_iso3") == "RUS") & (pl.col("partner_iso3") == "ASM") & (pl.col("flow") == "export")
    )
    assert 2020 not in rows.get_column("year").to_list()


# --- names and aggregates -----------------------------------------------------------------------------


def test_every_imf_name_in_all_workbooks_is_mapped_or_a_named_aggregate(dots_cells: pl.DataFrame):
    names = set(dots_cells.get_column("reporter_name").unique()) | set(dots_cells.get_column("partner_name").unique())
    mapping = harmonise.to_iso3(sorted(names), source="imf_dots")  # raises, listing any unmapped name
    assert len(names) == 244
    assert {n for n, code in mapping.items() if code is None} == set(harmonise.aggregate_names("imf_dots"))
    assert harmonise.unused_entries("imf_dots", names) == []  # no stale entry in the table


def test_workbooks_of_non_countries_are_skipped(dots: pl.DataFrame):
    reporters = set(dots.get_column("reporter_iso3"))
    # 234 reporter names less 17 that are not one country (World, 14 IMF groups, SACCA, Belgium-Luxembourg) = 217
    # names; both Yemens are YEM (North Yemen to 1989, unified Yemen from 1990): 216 codes.
    assert "WLD" not in reporters and len(reporters) == 216
    assert {"RUS", "CHN", "NIC", "SUN", "YUG"} <= reporters


AGGREGATES_IN_RUSSIAS_2020_EXPORTS = {  # read off DOTS_162.xlsx: aggregate rows with a 2020 value
    "Advanced Economies", "Euro Area", "Emerging and Developing Economies", "Emerging and Developing Asia",
    "Asia not specified", "Emerging and Developing Europe", "Europe not specified", "Middle East and Central Asia",
    "Sub-Saharan Africa", "Africa not specified", "Western Hemisphere", "Western Hemisphere not specified",
    "Other Countries not included elsewhere", "Countries & Areas not specified", "Africa", "Middle East",
    "European Union", "Emerging Market and Developing Economies by Source of Export Earnings: Fuel",
    "Emerging Market and Developing Economies by Source of Export Earnings: Nonfuel",
}  # fmt: skip


def test_aggregates_are_dropped_and_world_is_the_total(dots: pl.DataFrame):
    sheet = pl.read_excel(RAW / RUSSIA, sheet_name="Exports, FOB", has_header=False, infer_schema_length=0)
    years = sheet.row(3)
    column = sheet.columns[years.index("2020")]
    cells = sheet.slice(4).select(pl.col(sheet.columns[0]).alias("name"), pl.col(column).alias("v")).drop_nulls("v")
    names = cells.get_column("name").unique().to_list()  # Australia is printed twice
    assert set(names) >= AGGREGATES_IN_RUSSIAS_2020_EXPORTS and "World" in names
    loaded = dots.filter((pl.col("reporter_iso3") == "RUS") & (pl.col("flow") == "export") & (pl.col("year") == 2020))
    assert loaded.height == len(names) - len(AGGREGATES_IN_RUSSIAS_2020_EXPORTS)  # countries + WLD
    world = cells.filter(pl.col("name") == "World").get_column("v")[0]
    assert value_musd(dots, "RUS", "WLD", "export", 2020) == pytest.approx(float(world), rel=1e-12)


# --- filters -------------------------------------------------------------------------------------------


def test_filters_select_reporters_partners_and_years(dots: pl.DataFrame):
    rows = imf_dots.load_dots(reporters=["RUS", "CHN"], partners="DEU", years=[2019, 2020])
    assert rows.height == 8  # 2 reporters x 2 years x 2 flows
    assert set(rows.get_column("reporter_iso3")) == {"RUS", "CHN"}


def test_unknown_reporter_gets_a_suggestion(dots: pl.DataFrame):
    with pytest.raises(ParameterError, match="Did you mean 'RUS'"):
        imf_dots.load_dots(reporters="RUSS")


def test_an_economy_without_a_workbook_is_explained(dots: pl.DataFrame):
    with pytest.raises(ParameterError, match="TWN has no DOTS workbook of its own"):
        imf_dots.load_dots(reporters="TWN")


def test_years_after_2020_are_refused(dots: pl.DataFrame):
    with pytest.raises(ParameterError, match="end in 2020"):
        imf_dots.load_dots(reporters="RUS", years=[2020, 2021])


# --- the cache, on a copy with four workbooks ---------------------------------------------------------------


@pytest.fixture
def small_dots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """data/raw/imf_dots with Russia, China and both Nicaragua workbooks; BILATERAL_DATA_DIR points at it."""
    folder = tmp_path / "data" / "raw" / "imf_dots"
    folder.mkdir(parents=True)
    record = yaml.safe_load((RAW / "source.yml").read_text(encoding="utf-8"))
    keep = {RUSSIA, CHINA, NICARAGUA, NICARAGUA_AGAIN}
    record["files"] = [item for item in record["files"] if item["path"] in keep]
    for name in keep:
        shutil.copyfile(RAW / name, folder / name)
    (folder / "source.yml").write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path / "data"))
    return folder


def reregister(folder: Path, name: str) -> None:
    """Record a workbook's new checksum in source.yml, as a legitimate update of the data would."""
    path = folder / "source.yml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in record["files"]:
        if item["path"] == name:
            item["sha256"], item["bytes"] = sha256_file(folder / name), (folder / name).stat().st_size
    path.write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")


def set_cell(workbook: Path, partner: str, year: str, text: str, sheet: int = 1) -> None:
    """Write `text` into the (partner, year) cell of sheet `sheet` (1 = Exports, FOB), rezipping the workbook."""
    with zipfile.ZipFile(workbook) as archive:
        members = {info: archive.read(info.filename) for info in archive.infolist()}
    strings = [
        "".join(si.itertext())
        for si in ElementTree.fromstring(members_named(members, "xl/sharedStrings.xml")).iter(
            "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}si"
        )
    ]
    sheet_name = f"xl/worksheets/sheet{sheet}.xml"
    xml = members_named(members, sheet_name).decode("utf-8")
    shared = {
        m.group(1): strings[int(m.group(3))]
        for m in re.finditer(r'<c r="([A-Z]+\d+)"[^>]*t="s"[^>]*>(<v>)(\d+)</v>', xml)
    }
    year_cell = next(ref for ref, value in shared.items() if value == year)
    partner_rows = [re.sub(r"\D", "", ref) for ref, value in shared.items() if value == partner and ref.startswith("B")]
    assert len(partner_rows) == 1, partner_rows
    ref = re.sub(r"\d", "", year_cell) + partner_rows[0]
    new_cell = f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    xml, count = re.subn(rf'<c r="{ref}"(?: [^>/]*)?(?:/>|>.*?</c>)', new_cell, xml, count=1)
    assert count == 1
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members.items():
            archive.writestr(info, xml.encode("utf-8") if info.filename == sheet_name else data)


def members_named(members: dict[zipfile.ZipInfo, bytes], name: str) -> bytes:
    return next(data for info, data in members.items() if info.filename == name)


def test_the_cache_is_built_once_and_then_read(small_dots: Path):
    first = imf_dots.ensure_cache()
    assert first.parent == small_dots.parent.parent / "cache" / "imf_dots"
    built = first.stat().st_mtime_ns
    assert imf_dots.ensure_cache() == first and first.stat().st_mtime_ns == built
    assert (
        round(imf_dots.load_dots(reporters="RUS", partners="CHN", years=2010)["value_usd"].sum() / 1e6, 2) == 58_842.25
    )


def test_the_cache_is_rebuilt_when_a_workbook_checksum_changes(small_dots: Path):
    old = imf_dots.ensure_cache()
    set_cell(small_dots / RUSSIA, "China, P.R.: Mainland", "2010", "20000")
    reregister(small_dots, RUSSIA)
    new = imf_dots.ensure_cache()
    assert new != old and not old.exists()  # the stale cache is removed
    assert value_musd(imf_dots.load_dots(reporters="RUS", partners="CHN"), "RUS", "CHN", "export", 2010) == 20_000


def test_a_changed_workbook_is_refused_even_with_a_cache(small_dots: Path):
    imf_dots.ensure_cache()
    corrupt(small_dots / RUSSIA)
    with pytest.raises(DataError, match=r"DOTS_162\.xlsx: checksum mismatch"):
        imf_dots.load_dots(reporters="RUS")


def test_a_malformed_cell_names_workbook_sheet_partner_and_year(small_dots: Path):
    set_cell(small_dots / RUSSIA, "China, P.R.: Mainland", "2010", "19,78x e")
    reregister(small_dots, RUSSIA)
    with pytest.raises(DataError) as error:
        imf_dots.load_dots()
    assert "DOTS_162.xlsx, sheet 'Exports, FOB', partner 'China, P.R.: Mainland', year 2010: '19,78x e'" in str(
        error.value
    )
    assert not list((small_dots.parent.parent / "cache").rglob("*.parquet"))  # nothing half-built is left


def test_an_unknown_partner_name_is_listed_with_the_table_to_edit(small_dots: Path):
    with zipfile.ZipFile(small_dots / RUSSIA) as archive:
        members = {info: archive.read(info.filename) for info in archive.infolist()}
    with zipfile.ZipFile(small_dots / RUSSIA, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members.items():
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(b"<t>Germany</t>", b"<t>Ruritania</t>")
            archive.writestr(info, data)
    reregister(small_dots, RUSSIA)
    with pytest.raises(DataError) as error:
        imf_dots.load_dots()
    assert "'Ruritania'" in str(error.value) and "country_names/imf_dots.csv" in str(error.value)


def test_two_workbooks_of_one_reporter_must_agree(small_dots: Path):
    assert imf_dots.load_dots(reporters="NIC", partners="WLD", years=2020).height == 2  # one copy kept
    set_cell(small_dots / NICARAGUA_AGAIN, "World", "2020", "1")
    reregister(small_dots, NICARAGUA_AGAIN)
    with pytest.raises(DataError, match=r"DOTS_144\.xlsx and DOTS_143\.xlsx both hold reporter 'Nicaragua' but differ"):
        imf_dots.load_dots()
