"""CEPII BACI: register a bulk release, convert it once to partitioned parquet, query it lazily.

A BACI release is one zip per HS revision (e.g. `BACI_HS92_V202501.zip`) holding one CSV per year,
`BACI_HS92_Y2022_V202501.csv`, with columns t,i,j,k,v,q (year; exporter and importer as CEPII's
numeric country codes; HS6 product; value in THOUSANDS of current US$; quantity in METRIC TONNES),
plus `country_codes_V202501.csv` and `product_codes_HS92_V202501.csv` (CEPII's BACI documentation,
https://www.cepii.fr/DATA_DOWNLOAD/baci/doc/baci_webpage.html). Values and quantities are written
right-aligned in fixed-width fields (`        0.357`), a missing quantity as `           NA`.

Reading the yearly CSVs costs minutes per query, so a release is converted ONCE into hive-partitioned
parquet (`<dir>/year=YYYY/part.parquet`) in the canonical `trade_flows` schema and canonical units:

    value_usd     = v * 1000   (US$; BACI gives thousands of current US$)
    quantity      = q          (metric tonnes, quantity_unit = "t")
    net_weight_kg = q * 1000   (kg; BACI's quantity is a weight in tonnes)

Rows are sorted by reporter, partner and product inside each year, so parquet row-group statistics
let a query for one reporter or pair read a few row groups instead of the whole year.
BACI rows are reconciled mirror flows: reporter_iso3 = exporter i, partner_iso3 = importer j,
flow = "export", reported_by = "RECONCILED".
"""

from __future__ import annotations

from bilateral.data.sources.baci.convert import convert_baci_release
from bilateral.data.sources.baci.query import query_baci, scan_baci
from bilateral.data.sources.baci.release import (
    BaciRelease,
    inspect_release,
    read_country_table,
    read_product_table,
)
from bilateral.data.sources.baci.settings import (
    CEPII_DOC,
    CEPII_PAGE,
    LICENCE,
    PUBLISHER,
    SOURCE,
    SYNTHETIC_PREFIX,
)
from bilateral.data.sources.baci.snapshot import (
    fetch_baci_snapshot,
    scan_baci_snapshot,
    verify_snapshot_parquet,
)

__all__ = [
    "CEPII_DOC", "CEPII_PAGE", "LICENCE", "PUBLISHER", "SOURCE", "SYNTHETIC_PREFIX", "BaciRelease", "convert_baci_release",
    "fetch_baci_snapshot", "inspect_release", "query_baci", "read_country_table", "read_product_table", "scan_baci",
    "scan_baci_snapshot", "verify_snapshot_parquet",
]  # fmt: skip
