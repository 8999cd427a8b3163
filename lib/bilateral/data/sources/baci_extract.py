"""China-Russia trade by product: the shipped CEPII BACI (HS 2017) extract, Comtrade monthly totals, the OEC HS4 table.

Source: data/raw/baci_china_russia_hs17 (three files of SamiNakibETU/Russia_China_relationship; read its
PROVENANCE.md). Every row carries `source` = that folder name. Four loaders:

- `load_baci_extract()`: BACI release BACI_HS17_V202501 rows for China -> Russia and Russia -> China, 2017-2023, as
  `trade_flows` with the conventions of `sources.baci` (CEPII's bulk-release loader): reporter_iso3 = exporter i,
  partner_iso3 = importer j, flow "export", reported_by "RECONCILED" (BACI reconciles both declarations; it is
  neither customs service's figure), value_usd = v x 1000 (BACI: thousands of current US$), quantity = q in
  metric tonnes (quantity_unit "t"), net_weight_kg = q x 1000; an empty q is null. HS6 codes are HS 2017, padded
  to 6 digits (the file lost their leading zero).
- `load_comtrade_monthly()`: China's declared imports from Russia, all goods, monthly 2017-01..2024-12 (UN Comtrade),
  as monthly `trade_flows` rows (reported_by CHN, CIF). Quantity and weight are not reported for all goods (the
  file's 0) and are null.
- `load_product_complexity()`: the OEC's HS4 table of Russia's exports to China with the Product Complexity Index
  (PCI) of each product and year, as the `product_complexity` table (schema PRODUCT_COMPLEXITY).
- `product_names()`: a name for each HS 2017 code of the extract where one can be given honestly: the shipped
  classification is HS 2022, so a code that exists there gets the HS 2022 text *of the same code* (the basis column
  says so; scope may have changed between revisions), and a code that does not gets no text at all.
"""

from __future__ import annotations

import polars as pl

from bilateral.data import harmonise, products
from bilateral.data.loader_kit import read_verified_csv
from bilateral.data.paths import raw_dir
from bilateral.data.provenance import read_source
from bilateral.data.schemas import ISO3, TRADE_FLOWS, Column, Schema, validate
from bilateral.errors import DataError

SOURCE = "baci_china_russia_hs17"
BACI_FILE = "baci_russia_china_processed_2017_2023.csv"
COMTRADE_FILE = "comtrade_imports_chn_from_rus_2017_2024.csv"
OEC_FILE = "exports_russia_to_china_2018_2023.csv"
BACI_COLUMNS = ("t", "i", "j", "k", "v", "q")
BACI_VERSION = "BACI_HS17_V202501"  # release named by the upstream script (PROVENANCE.md caveat 1)
BACI_CLASSIFICATION = "HS17"
OEC_COLUMNS = ("Section ID", "Section", "HS4 ID", "HS4", "Year", "Exports from Russia to China (USD)", "PCI")
# Comtrade classification codes (UN Comtrade reference: H5 = HS 2017, H6 = HS 2022); the file uses these two.
COMTRADE_CLASSIFICATIONS = {"H5": "HS17", "H6": "HS22"}
# The only values the monthly file may hold in its breakdown columns: anything else would be a partial row
# (one customs procedure, one transport mode, a second partner) that must not be read as the total.
COMTRADE_CONSTANTS = {
    "typeCode": "C", "freqCode": "M", "reporterCode": "156", "partnerCode": "643", "partner2Code": "0",
    "flowCode": "M", "cmdCode": "TOTAL", "customsCode": "C00", "mosCode": "0", "motCode": "0",
}  # fmt: skip

NAME_IN_HS22 = "HS 2022 text of the same code"
NAME_NOT_IN_HS22 = "code not in HS 2022; no text shipped"

PRODUCT_COMPLEXITY = Schema(
    "product_complexity",
    {
        "hs4": Column(pl.String, pattern=r"\d{4}"),
        "year": Column(pl.Int32, min_value=1962, max_value=2100),
        "pci": Column(pl.Float64, nullable=True),  # OEC Product Complexity Index; null where the OEC gives none
        "export_value_usd": Column(pl.Float64, min_value=0),  # the OEC's exports from exporter to importer, US$
        "exporter_iso3": Column(pl.String, pattern=ISO3),
        "importer_iso3": Column(pl.String, pattern=ISO3),
        "section_id": Column(pl.Int8, min_value=1, max_value=21),  # the OEC's section number
        "section_name": Column(pl.String),  # the OEC's section label ("Mineral Products")
        "hs4_name": Column(pl.String),  # the OEC's product label ("Crude Petroleum"), not the HS text
        "source": Column(pl.String),
        "dataset_version": Column(pl.String),
    },
    key=("hs4", "year", "exporter_iso3", "importer_iso3", "dataset_version"),
)


def load_baci_extract(*, with_product_names: bool = False) -> pl.DataFrame:
    """The BACI extract as validated trade_flows rows (HS6, annual, reported_by RECONCILED).

    With `with_product_names`, adds product_name and product_name_basis from `product_names()`.
    """
    # load inputs
    raw = read_verified_csv(SOURCE, BACI_FILE, columns=BACI_COLUMNS)
    # process data
    parsed = _parse_baci(raw)
    countries = harmonise.numeric_to_iso3(
        [*parsed.get_column("i").unique().to_list(), *parsed.get_column("j").unique().to_list()], source=SOURCE
    )
    frame = parsed.select(
        pl.col("t").alias("year"),
        pl.col("t").cast(pl.String).alias("period"),
        pl.col("i").replace_strict(countries, return_dtype=pl.String).alias("reporter_iso3"),
        pl.col("j").replace_strict(countries, return_dtype=pl.String).alias("partner_iso3"),
        pl.lit("export").alias("flow"),
        pl.lit(BACI_CLASSIFICATION).alias("classification"),
        pl.lit(6, dtype=pl.Int8).alias("hs_level"),
        pl.col("k").alias("product_code"),
        (pl.col("v") * 1000).round(6).alias("value_usd"),  # thousands of US$ -> US$ (round: binary noise)
        pl.col("q").alias("quantity"),
        pl.when(pl.col("q").is_not_null()).then(pl.lit("t")).alias("quantity_unit"),
        (pl.col("q") * 1000).round(6).alias("net_weight_kg"),  # BACI's quantity is a weight in tonnes
        pl.lit("RECONCILED").alias("reported_by"),
        pl.lit(SOURCE).alias("source"),
        pl.lit(BACI_VERSION).alias("dataset_version"),
    )
    frame = validate(frame, TRADE_FLOWS, dataset=f"{SOURCE}/{BACI_FILE}")
    if with_product_names:
        frame = frame.join(product_names(), on="product_code", how="left", validate="m:1")
    return frame.sort(["year", "reporter_iso3", "product_code"])


def _parse_baci(raw: pl.DataFrame) -> pl.DataFrame:
    """Typed t, i, j, k (6-digit text), v, q; DataError naming the first malformed line."""
    text = {name: pl.col(name).str.strip_chars() for name in BACI_COLUMNS}
    parsed = raw.select(
        text["t"].cast(pl.Int32, strict=False).alias("t"),
        text["i"].cast(pl.Int32, strict=False).alias("i"),
        text["j"].cast(pl.Int32, strict=False).alias("j"),
        text["k"].str.zfill(6).alias("k"),
        text["v"].cast(pl.Float64, strict=False).alias("v"),
        pl.when(text["q"] == "").then(None).otherwise(text["q"]).cast(pl.Float64, strict=False).alias("q"),
        (~text["k"].str.contains(r"^\d{5,6}$")).fill_null(True).alias("_bad_k"),
        (text["q"].is_not_null() & (text["q"] != "")).alias("_has_q"),
    )
    checks = {
        "t": (pl.col("t").is_null(), "year t is not a whole number"),
        "i": (pl.col("i").is_null(), "exporter i is not a numeric country code"),
        "j": (pl.col("j").is_null(), "importer j is not a numeric country code"),
        "k": (pl.col("_bad_k"), "product k is not an HS6 code of 5 or 6 digits (leading zero lost)"),
        "v": (pl.col("v").is_null(), "value v is not a number"),
        "q": (pl.col("_has_q") & pl.col("q").is_null(), "quantity q is neither a number nor empty"),
    }
    for name, (condition, problem) in checks.items():
        bad = parsed.with_row_index("_row").filter(condition)
        if bad.height:
            line = bad.get_column("_row")[0] + 2  # 1-based, after the header
            value = raw.get_column(name)[line - 2]
            raise DataError(f"{SOURCE}/{BACI_FILE}, line {line}: {problem} ({value!r}). Restore the file.")
    return parsed.drop("_bad_k", "_has_q")


def load_comtrade_monthly() -> pl.DataFrame:
    """China's declared imports from Russia, all goods, per month 2017-2024, as validated trade_flows rows."""
    # load inputs
    raw = read_verified_csv(SOURCE, COMTRADE_FILE)
    needed = [*COMTRADE_CONSTANTS, "refYear", "refMonth", "period", "classificationCode", "primaryValue"]
    _require_columns(raw, needed, COMTRADE_FILE)
    # process data
    for column, expected in COMTRADE_CONSTANTS.items():
        other = raw.filter(pl.col(column).is_null() | (pl.col(column) != expected))
        if other.height:
            raise DataError(
                f"{SOURCE}/{COMTRADE_FILE}: {column} is {other.get_column(column)[0]!r} in {other.height} row(s); "
                f"this file should hold only {column} = {expected!r} (China's monthly imports from Russia, all goods)."
            )
    unknown = sorted(set(raw.get_column("classificationCode").to_list()) - set(COMTRADE_CLASSIFICATIONS))
    if unknown:
        raise DataError(f"{SOURCE}/{COMTRADE_FILE}: classification code(s) {unknown}; expected H5 or H6.")
    countries = harmonise.numeric_to_iso3(["156", "643"], source=SOURCE)
    month = pl.col("refMonth").cast(pl.Int32).cast(pl.String).str.zfill(2)
    frame = raw.select(
        pl.col("refYear").cast(pl.Int32).alias("year"),
        pl.format("{}-{}", pl.col("refYear"), month).alias("period"),
        pl.lit(countries[156]).alias("reporter_iso3"),
        pl.lit(countries[643]).alias("partner_iso3"),
        pl.lit("import").alias("flow"),
        pl.col("classificationCode")
        .replace_strict(COMTRADE_CLASSIFICATIONS, return_dtype=pl.String)
        .alias("classification"),
        pl.lit(0, dtype=pl.Int8).alias("hs_level"),
        pl.lit("TOTAL").alias("product_code"),
        pl.col("primaryValue").cast(pl.Float64, strict=False).alias("value_usd"),  # imports: CIF value, US$
        pl.lit(None, dtype=pl.Float64).alias("quantity"),  # no quantity for all goods (file: 0, unit code -1)
        pl.lit(None, dtype=pl.String).alias("quantity_unit"),
        pl.lit(None, dtype=pl.Float64).alias("net_weight_kg"),  # file: 0 flagged as estimated, i.e. not reported
        pl.lit(countries[156]).alias("reported_by"),
        pl.lit(SOURCE).alias("source"),
        pl.lit(_upstream_version()).alias("dataset_version"),
        pl.format("{}{}", pl.col("refYear"), month).eq(pl.col("period")).alias("_period_agrees"),
    )
    if not frame.get_column("_period_agrees").all():
        row = frame.with_row_index().filter(~pl.col("_period_agrees")).get_column("index")[0]
        raise DataError(f"{SOURCE}/{COMTRADE_FILE}, line {row + 2}: period does not agree with refYear and refMonth.")
    frame = validate(frame.drop("_period_agrees"), TRADE_FLOWS, dataset=f"{SOURCE}/{COMTRADE_FILE}")
    return frame.sort("period")


def load_product_complexity() -> pl.DataFrame:
    """The OEC table of Russia's exports to China by HS4 with PCI, as the validated product_complexity table."""
    # load inputs
    raw = read_verified_csv(SOURCE, OEC_FILE, columns=OEC_COLUMNS)
    # process data
    hs4 = pl.col("HS4 ID").str.strip_chars()
    frame = raw.select(
        hs4.str.zfill(4).alias("hs4"),
        pl.col("Year").cast(pl.Int32, strict=False).alias("year"),
        pl.col("PCI").cast(pl.Float64, strict=False).alias("pci"),
        pl.col("Exports from Russia to China (USD)").cast(pl.Float64, strict=False).alias("export_value_usd"),
        pl.lit("RUS").alias("exporter_iso3"),
        pl.lit("CHN").alias("importer_iso3"),
        pl.col("Section ID").cast(pl.Int8, strict=False).alias("section_id"),
        pl.col("Section").alias("section_name"),
        pl.col("HS4").alias("hs4_name"),
        pl.lit(SOURCE).alias("source"),
        pl.lit(f"OEC HS4 table via {_upstream_version()}").alias("dataset_version"),
        (~hs4.str.contains(r"^\d{3,4}$")).fill_null(True).alias("_bad_hs4"),
        (pl.col("PCI").is_not_null() & pl.col("PCI").cast(pl.Float64, strict=False).is_null()).alias("_bad_pci"),
    )
    problems = {"_bad_hs4": "HS4 ID is not a code of 3 or 4 digits", "_bad_pci": "PCI is neither a number nor empty"}
    for flag, problem in problems.items():
        if frame.get_column(flag).any():
            line = frame.get_column(flag).arg_true()[0] + 2
            raise DataError(f"{SOURCE}/{OEC_FILE}, line {line}: {problem}. Restore the file.")
    frame = validate(frame.drop("_bad_hs4", "_bad_pci"), PRODUCT_COMPLEXITY, dataset=f"{SOURCE}/{OEC_FILE}")
    return frame.sort(["year", "hs4"])


def product_names(codes: list[str] | None = None) -> pl.DataFrame:
    """product_code, product_name, product_name_basis for HS 2017 six-digit codes (default: every code of the extract).

    A code that exists in the shipped HS 2022 table gets that table's text and basis NAME_IN_HS22 (the same code
    may cover somewhat different goods in HS 2017); any other code gets a null name and basis NAME_NOT_IN_HS22.
    """
    if codes is None:
        raw = read_verified_csv(SOURCE, BACI_FILE, columns=BACI_COLUMNS)
        codes = raw.get_column("k").str.strip_chars().str.zfill(6).unique().to_list()
    hs22 = products.subheadings().select(
        pl.col("hs_code").alias("product_code"), pl.col("description").alias("product_name")
    )
    frame = pl.DataFrame({"product_code": sorted(set(codes))}, schema={"product_code": pl.String})
    named = frame.join(hs22, on="product_code", how="left", validate="1:1")
    return named.with_columns(
        pl.when(pl.col("product_name").is_not_null())
        .then(pl.lit(NAME_IN_HS22))
        .otherwise(pl.lit(NAME_NOT_IN_HS22))
        .alias("product_name_basis")
    )


def _upstream_version() -> str:
    origin = read_source(raw_dir() / SOURCE).origin
    if not origin.repository or not origin.commit:
        raise DataError(f"{SOURCE}/source.yml: origin.repository and origin.commit are needed for dataset_version.")
    return f"{origin.repository}@{origin.commit}"


def _require_columns(frame: pl.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{SOURCE}/{name}: missing column(s) {', '.join(missing)}; is the file from another Comtrade layout?"
        )
