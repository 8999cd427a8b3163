"""UN Comtrade connector settings: endpoints, record limits, code tables and the words of its provenance."""

from __future__ import annotations

from pathlib import Path

SOURCE = "comtrade"  # registry name: snapshots in raw_dir()/comtrade, the `source` column of its rows
API_LABEL = "un_comtrade_api_v1"  # dataset_version = "un_comtrade_api_v1@<UTC stamp>"
API_ROOT = "https://comtradeapi.un.org"
API_KEY_ENV = "COMTRADE_API_KEY"
PREVIEW_MAX_RECORDS = 500
KEYED_MAX_RECORDS = 250_000
PERIODS_PER_CALL = 12  # with a key: one year of months, or up to 12 years, per request
PREVIEW_PERIODS_PER_CALL = 1  # preview: one period per request, to stay under its 500-record cap
AREAS_CSV = Path(__file__).resolve().parents[2] / "reference" / "comtrade_areas.csv"

FLOW_CODES = {"both": "M,X", "export": "X", "import": "M"}
FLOW_NAMES = {"X": "export", "M": "import"}
HS_LEVEL_COMMANDS = {0: "TOTAL", 2: "AG2", 4: "AG4", 6: "AG6"}  # AGn = every code at that level
# Comtrade classification codes (UN Comtrade reference tables: H0=HS1992 ... H5=HS2017; H6=HS2022).
CLASSIFICATION_NAMES = {
    "H0": "HS92", "H1": "HS96", "H2": "HS02", "H3": "HS07", "H4": "HS12", "H5": "HS17", "H6": "HS22",
}  # fmt: skip
REQUIRED_COLUMNS = (
    "freqCode", "refYear", "refMonth", "reporterCode", "partnerCode", "flowCode",
    "cmdCode", "classificationCode", "primaryValue", "qty", "qtyUnitAbbr", "netWgt",
)  # fmt: skip

PUBLISHER = "United Nations Statistics Division (UN Comtrade)"
LICENCE = (
    "UN Comtrade terms of use, as stated by UNSD (Policy on Use and Re-dissemination, "
    "https://comtrade.un.org/db/help/PolicyOnUseAndRedissemination.pdf); check them before redistributing."
)
PREVIEW_WARNING = (
    f"No {API_KEY_ENV} set: using UN Comtrade's public preview endpoint, which returns at most "
    f"{PREVIEW_MAX_RECORDS} records per call (a request reaching it is split into more calls) and is rate-limited. "
    f"Set {API_KEY_ENV} to a free key from https://comtradedeveloper.un.org for up to "
    f"{KEYED_MAX_RECORDS:,} records per call."
)
