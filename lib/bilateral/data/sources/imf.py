"""IMF trade by partner (IMTS, formerly Direction of Trade Statistics) as `trade_flows`.

Total goods exports (XG_FOB_USD, FOB) and imports (MG_CIF_USD, CIF) of one country with every
partner, in USD: what partner rankings and shares need. Data come from the IMF SDMX 3.0 API
(dataflow IMF.STA:IMTS) through `sdmx1`, and parse offline with `sdmx.read_sdmx`.

How the SDMX-ML is read (see docs/ARCHITECTURE, "Upstream libraries"): without the data structure,
sdmx1 turns series attributes such as SCALE and OVERLAP into extra key dimensions. This module never
relies on key order or on which components are dimensions: it reads the four it needs by id
(COUNTRY, INDICATOR, COUNTERPART_COUNTRY, FREQUENCY, plus TIME_PERIOD) and ignores the rest, so it
works with or without the structure.

Units: OBS_VALUE is taken as USD, but only for the one unit description that was checked. The
recorded IMTS answer says SCALE="6" (and UNIT="USD" in a group attribute) yet its values are in USD
units: its 2023 USA exports to the world, 2,019,551,635,133, equal the legacy DOTS figure of
2,019,551.635133 million (tests/fixtures/imf/FIXTURES.md). SCALE is therefore not applied, and every
observation must carry exactly that description: SCALE "6" and, where sdmx1 exposes it, UNIT "USD"
(the indicators themselves, XG_FOB_USD and MG_CIF_USD, name the currency). Any other or a missing
SCALE, or another UNIT, raises DataError: whether such values are units, millions or another currency
must be confirmed against a published figure before they are used.

Area codes, mapped explicitly (IMF_AREA_CODES below):
- ISO 3166-1 alpha-3 codes (CHN, RUS, TWN ...) pass through; withdrawn ISO 3166-3 codes of former
  countries (SUN, YUG, CSK, DDR, SCG, ANT, YMD) pass through too;
- G001 (world) -> WLD; WBG (West Bank and Gaza) -> PSE; KOS (Kosovo, which has no ISO code) stays KOS;
- group and residual codes (G998 = European Union, other Gnnn, GXnnn, TXnnn: regions, economic
  groups, "not specified" areas) are AGGREGATES: their rows are dropped with a SourceWarning that
  lists them, so partner shares never double count a group;
- anything else raises DataError (add it to IMF_AREA_CODES with a reason).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pycountry
import requests
import sdmx
from sdmx.message import DataMessage

from bilateral.data import fetch as fetching
from bilateral.data.countries import normalize_iso3
from bilateral.data.schemas import TRADE_FLOWS, validate
from bilateral.errors import DataError, FetchError, ParameterError

log = logging.getLogger(__name__)

SOURCE = "imf"  # registry name: snapshots in raw_dir()/imf, the `source` column of its rows
API_LABEL = "imf_imts_sdmx3"  # dataset_version = "imf_imts_sdmx3@<UTC stamp>"
API_ROOT = "https://api.imf.org/external/sdmx/3.0"
DATAFLOW = "IMF.STA/IMTS/+"  # agency / dataflow / version ('+' = latest)
INDICATORS = {"XG_FOB_USD": "export", "MG_CIF_USD": "import"}
REQUEST_TIMEOUT_SECONDS = 60.0
# The unit description of the recorded answer, checked against legacy DOTS (module docstring): the only
# one read as US$ without scaling. UNIT may be absent: without the structure sdmx1 drops the group's UNIT.
CHECKED_SCALE = "6"
CHECKED_UNIT = "USD"

# Non-ISO codes of the IMTS COUNTRY / COUNTERPART_COUNTRY code list, mapped explicitly.
# None = not a country (dropped). Seen in the IMTS availability answer of 2025-12-16 (OpenBB cassette,
# see tests/fixtures/imf/FIXTURES.md). G001 and G998 are cross-checked against legacy DOTS W00 / B0.
IMF_AREA_CODES: dict[str, str | None] = {
    "G001": "WLD",  # World
    "WBG": "PSE",  # West Bank and Gaza (ISO 3166: State of Palestine)
    "KOS": "KOS",  # Kosovo: no ISO 3166 code; the IMF's own code is kept
    "G998": None,  # European Union (aggregate)
    "YAR": None,  # former Yemen Arab Republic: no ISO 3166 code of its own
}
AGGREGATE_CODE = re.compile(r"(?:G|GX|TX)\d+")  # IMF groups and "not specified" residual areas
AGGREGATE_NAMES = {"G998": "European Union"}  # only names that were verified; others are listed by code

PUBLISHER = "International Monetary Fund (IMF), Statistics Department"
LICENCE = (
    "IMF terms of use as stated by the IMF (Copyright and Usage, https://www.imf.org/external/terms.htm); "
    "check them before redistributing."
)


# --- area codes -------------------------------------------------------------------------------


def iso3_for_imf_code(code: str) -> str | None:
    """ISO3 (or WLD) for an IMTS area code; None for aggregates; DataError for an unknown code."""
    if code in IMF_AREA_CODES:
        return IMF_AREA_CODES[code]
    if pycountry.countries.get(alpha_3=code) or pycountry.historic_countries.get(alpha_3=code):
        return code
    if AGGREGATE_CODE.fullmatch(code):
        return None
    raise DataError(
        f"IMF area code '{code}' is neither ISO 3166 alpha-3 nor a known IMF group code. Add it to "
        "IMF_AREA_CODES in bilateral/data/sources/imf.py with what it stands for."
    )


def imf_code_for_iso3(iso3: str) -> str:
    """The IMTS COUNTRY code to request for an ISO3 code ('PSE' -> 'WBG', 'CHN' -> 'CHN')."""
    iso3 = normalize_iso3(iso3, role="reporter")
    if iso3 == "WLD":
        raise ParameterError("The reporter must be a country; 'WLD' (world) is only a partner.")
    reverse = {v: k for k, v in IMF_AREA_CODES.items() if v}
    return reverse.get(iso3, iso3)


# --- public API -------------------------------------------------------------------------------


def fetch_imf_trade(reporter: str, years: int | Iterable[int], *, frequency: str = "A") -> pl.DataFrame:
    """Total goods exports and imports of `reporter` with every partner (and WLD), as trade_flows.

    reporter: ISO3 code ('CHN'). years: a year or years (the span from first to last is requested,
    then only the given years are kept). frequency: 'A' annual or 'M' monthly. Values are USD;
    exports FOB, imports CIF; hs_level 0, product_code and classification 'TOTAL'. Partner groups
    (EU and other aggregates) are dropped with a SourceWarning. An answer without data returns an
    empty frame; a failure raises FetchError (429/5xx retried first; no network: at once).
    """
    request = _ImfRequest.build(reporter, years, frequency)
    return _download(request, dataset_version=fetching.dataset_version(API_LABEL, fetching.utc_stamp())).frame


def fetch_imf_snapshot(
    reporter: str, years: int | Iterable[int], *, frequency: str = "A", stamp: str | None = None
) -> Path:
    """Like fetch_imf_trade, and store the SDMX body + trade_flows.parquet + source.yml as a snapshot."""
    request = _ImfRequest.build(reporter, years, frequency)
    stamp = fetching.new_stamp(SOURCE, stamp)
    download = _download(request, dataset_version=fetching.dataset_version(API_LABEL, stamp))
    record = _snapshot_record(request, download)
    bodies = {"response_001.xml": download.body}
    return fetching.write_trade_snapshot(SOURCE, bodies, download.frame, record=record, stamp=stamp)


def parse_imf_trade(data: DataMessage | bytes | str | Path, *, dataset_version: str) -> pl.DataFrame:
    """Turn an IMTS SDMX-ML answer (message, raw bytes or a file path) into trade_flows. Pure.

    Raises DataError for content that is not IMTS trade data, has unknown area codes, or describes
    its unit otherwise than the checked SCALE "6" / UNIT "USD" (see module docstring); warns
    (SourceWarning) about the rows it drops (aggregates, other indicators).
    """
    frame, notes = _parse(data, dataset_version)
    for note in notes:
        fetching.warn_source(note)
    return frame


# --- parsing ----------------------------------------------------------------------------------


def _read_message(data: DataMessage | bytes | str | Path) -> DataMessage:
    if isinstance(data, DataMessage):
        return data
    try:
        message = sdmx.read_sdmx(io.BytesIO(data)) if isinstance(data, bytes) else sdmx.read_sdmx(Path(data))
    except Exception as exc:  # sdmx raises many types (XMLSyntaxError, ValueError, NotImplementedError)
        raise DataError(f"Not a readable SDMX message: {type(exc).__name__}: {exc}") from exc
    if not isinstance(message, DataMessage):
        raise DataError(f"Expected an SDMX data message, got {type(message).__name__}.")
    return message


def _parse(data: DataMessage | bytes | str | Path, dataset_version: str) -> tuple[pl.DataFrame, list[str]]:
    message = _read_message(data)
    records = [_observation_record(obs) for dataset in message.data for obs in dataset.obs]
    if not records:
        return TRADE_FLOWS.empty_frame(), []
    raw = pl.DataFrame(records, schema=_RAW_SCHEMA)
    notes: list[str] = []
    raw = _keep_trade_indicators(raw, notes)
    _require_checked_unit(raw)
    raw = _attach_iso3(raw, notes)
    frame = _to_trade_flows(raw, dataset_version)
    return validate(frame, TRADE_FLOWS, dataset="IMF IMTS response"), notes


_RAW_SCHEMA = {
    "country": pl.String, "indicator": pl.String, "counterpart": pl.String,
    "frequency": pl.String, "time_period": pl.String, "value": pl.Float64,
    "scale": pl.String, "unit": pl.String,
}  # fmt: skip


def _observation_record(obs: Any) -> dict[str, Any]:
    """The components we need, found by id wherever sdmx1 put them (dimension or attribute)."""
    return {
        "country": _component(obs, "COUNTRY"),
        "indicator": _component(obs, "INDICATOR"),
        "counterpart": _component(obs, "COUNTERPART_COUNTRY"),
        "frequency": _component(obs, "FREQUENCY"),
        "time_period": _component(obs, "TIME_PERIOD"),
        "value": _number(obs.value),
        "scale": _optional_component(obs, "SCALE"),
        "unit": _optional_component(obs, "UNIT"),
    }


def _component(obs: Any, name: str) -> str:
    value = _optional_component(obs, name)
    if value is None:
        raise DataError(f"IMF answer: an observation has no {name}; is this the IMTS dataflow?")
    return value


def _optional_component(obs: Any, name: str) -> str | None:
    """A dimension or attribute by id, from the observation, its series or its groups; None if absent."""
    sources = [obs.key.values, obs.attrib]  # obs.attrib: the observation's and its groups' attributes
    if obs.series_key is not None:
        sources += [obs.series_key.values, obs.series_key.attrib]
    for values in sources:
        if name in values:
            return str(values[name].value)
    return None


def _number(value: Any) -> float | None:
    if value is None or value == "" or value == "NaN":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise DataError(f"IMF answer: OBS_VALUE {value!r} is not a number.") from exc
    return None if number != number else number  # NaN -> missing


def _keep_trade_indicators(raw: pl.DataFrame, notes: list[str]) -> pl.DataFrame:
    kept = raw.filter(pl.col("indicator").is_in(list(INDICATORS)))
    if kept.height < raw.height:
        others = sorted(set(raw.get_column("indicator")) - set(INDICATORS))
        notes.append(
            f"IMF IMTS: dropped {raw.height - kept.height} observation(s) of indicator(s) {', '.join(others)} "
            "(only XG_FOB_USD and MG_CIF_USD are trade_flows)."
        )
    return kept


def _require_checked_unit(raw: pl.DataFrame) -> None:
    """DataError unless every observation says SCALE "6" and UNIT "USD" or none (module docstring)."""
    other_scale = pl.col("scale").ne_missing(CHECKED_SCALE)
    other_unit = pl.col("unit").is_not_null() & (pl.col("unit") != CHECKED_UNIT)
    unchecked = raw.filter(other_scale | other_unit)
    if unchecked.height == 0:
        return
    found = unchecked.select("scale", "unit").unique().sort("scale", "unit", nulls_last=True).rows()
    shown = "; ".join(f"SCALE={scale or '(none)'}, UNIT={unit or '(none)'}" for scale, unit in found)
    row = unchecked.row(0, named=True)
    raise DataError(
        f"IMF answer: {unchecked.height} observation(s) describe their unit as {shown} (e.g. {row['indicator']} "
        f"{row['country']} -> {row['counterpart']} {row['time_period']}); only SCALE={CHECKED_SCALE} with "
        f"UNIT={CHECKED_UNIT} was checked, and those values are plain US$ despite the scale (see "
        "bilateral/data/sources/imf.py). "
        "Whether these values are US$, millions or another unit is unknown: confirm the scale rule against a "
        "published figure and extend CHECKED_SCALE / CHECKED_UNIT before such data are used."
    )


def _attach_iso3(raw: pl.DataFrame, notes: list[str]) -> pl.DataFrame:
    codes = set(raw.get_column("country")) | set(raw.get_column("counterpart"))
    mapping = {code: iso3_for_imf_code(code) for code in codes}
    mapped = raw.with_columns(
        pl.col("country").replace_strict(mapping, return_dtype=pl.String).alias("reporter_iso3"),
        pl.col("counterpart").replace_strict(mapping, return_dtype=pl.String).alias("partner_iso3"),
    )
    kept = mapped.filter(pl.col("reporter_iso3").is_not_null() & pl.col("partner_iso3").is_not_null())
    if kept.height < mapped.height:
        aggregates = sorted(c for c in codes if mapping[c] is None)
        dropped = [f"{c} ({AGGREGATE_NAMES[c]})" if c in AGGREGATE_NAMES else c for c in aggregates]
        notes.append(
            f"IMF IMTS: dropped {mapped.height - kept.height} observation(s) of aggregate or non-country areas "
            f"({', '.join(dropped)}); trade_flows keeps countries and WLD only."
        )
    return kept


def _period(time_period: pl.Expr) -> pl.Expr:
    """'2023' -> '2023'; '2023-M01' or '2023-01' -> '2023-01'; anything else -> null (rejected later)."""
    return (
        pl.when(time_period.str.contains(r"^\d{4}$"))
        .then(time_period)
        .when(time_period.str.contains(r"^\d{4}-M?\d{2}$"))
        .then(time_period.str.replace("-M", "-"))
    )


def _to_trade_flows(raw: pl.DataFrame, dataset_version: str) -> pl.DataFrame:
    bad = raw.filter(_period(pl.col("time_period")).is_null())
    if bad.height:
        example = bad.get_column("time_period")[0]
        raise DataError(f"IMF answer: TIME_PERIOD {example!r} is neither a year nor a month; request 'A' or 'M'.")
    return raw.select(
        pl.col("time_period").str.slice(0, 4).cast(pl.Int32).alias("year"),
        _period(pl.col("time_period")).alias("period"),
        pl.col("reporter_iso3"),
        pl.col("partner_iso3"),
        pl.col("indicator").replace_strict(INDICATORS, return_dtype=pl.String).alias("flow"),
        pl.lit("TOTAL").alias("classification"),
        pl.lit(0, dtype=pl.Int8).alias("hs_level"),
        pl.lit("TOTAL").alias("product_code"),
        pl.col("value").alias("value_usd"),
        pl.lit(None, dtype=pl.Float64).alias("quantity"),
        pl.lit(None, dtype=pl.String).alias("quantity_unit"),
        pl.lit(None, dtype=pl.Float64).alias("net_weight_kg"),
        pl.col("reporter_iso3").alias("reported_by"),
        pl.lit(SOURCE).alias("source"),
        pl.lit(dataset_version).alias("dataset_version"),
    )


# --- request and transport --------------------------------------------------------------------


@dataclass(frozen=True)
class _ImfRequest:
    reporter: str  # ISO3 as given
    years: tuple[int, ...]
    frequency: str

    @classmethod
    def build(cls, reporter: str, years: int | Iterable[int], frequency: str) -> _ImfRequest:
        iso3 = normalize_iso3(reporter, role="reporter")
        imf_code_for_iso3(iso3)
        values = (years,) if isinstance(years, int) else tuple(years)
        if not values or not all(isinstance(y, int) and 1948 <= y <= 2100 for y in values):
            raise ParameterError(
                f"years must be one or more years from 1948 on (e.g. 2023 or range(2015, 2024)); got {years!r}."
            )
        if frequency not in ("A", "M"):
            raise ParameterError(f"frequency must be 'A' (annual) or 'M' (monthly); got {frequency!r}.")
        return cls(iso3, tuple(sorted(set(values))), frequency)

    @property
    def url(self) -> str:
        key = f"{imf_code_for_iso3(self.reporter)}.{'+'.join(INDICATORS)}.*.{self.frequency}"
        start, end = self.years[0], self.years[-1]
        return (
            f"{API_ROOT}/data/dataflow/{DATAFLOW}/{key}?c[TIME_PERIOD]=ge:{start}-01-01+le:{end}-12-31"
            "&dimensionAtObservation=TIME_PERIOD&detail=full&includeHistory=false"
        )

    def as_record(self) -> dict[str, Any]:
        return {"reporter": self.reporter, "years": list(self.years), "frequency": self.frequency,
                "indicators": list(INDICATORS), "counterpart": "all"}  # fmt: skip


@dataclass
class _Download:
    frame: pl.DataFrame
    url: str
    body: bytes
    notes: list[str] = field(default_factory=list)


def _download(request: _ImfRequest, *, dataset_version: str) -> _Download:
    fetching.ensure_reachable(SOURCE, request.url, use_env_proxy=True)
    response = _get_with_retry(request.url)
    body = response.content
    if response.status_code == 404:  # SDMX REST: "no results" for this key and period
        span = f"{request.years[0]}-{request.years[-1]}"
        note = f"IMF IMTS has no data for {request.reporter} {span} (HTTP 404: {body[:200]!r})."
        fetching.warn_source(note)
        return _Download(TRADE_FLOWS.empty_frame(), request.url, body, [note])
    frame, notes = _parse(body, dataset_version)
    frame = frame.filter(pl.col("year").is_in(list(request.years)))
    for note in notes:
        fetching.warn_source(note)
    return _Download(frame, request.url, body, notes)


def _get_with_retry(url: str) -> requests.Response:
    """The answer to GET `url` (200 or 404), sent through sdmx1's client session; FetchError otherwise."""
    client = sdmx.Client()

    def attempt() -> fetching.Attempt[requests.Response]:
        response = _get_once(client, url)
        status = response.status_code
        if status in (200, 404):
            return fetching.Attempt(response, status)
        if not fetching.is_retryable_status(status):
            raise FetchError(
                f"IMF answered HTTP {status} for {url}: {response.content[:300]!r}. Check the reporter code and years."
            )
        return fetching.Attempt(None, status, fetching.parse_retry_after(response.headers.get("Retry-After")))

    return fetching.call_with_retry(attempt, publisher="IMF", what=url, source=SOURCE)


def _get_once(client: sdmx.Client, url: str) -> requests.Response:
    """sdmx1 prepares the request (dry run); its session sends it. Parsing is ours (parse_imf_trade),
    so a bad body is a DataError and the status code stays visible for the retry decision."""
    prepared = client.get(url=url, headers={"Accept": "application/xml"}, dry_run=True)
    try:
        return client.session.send(prepared, timeout=REQUEST_TIMEOUT_SECONDS)
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise fetching.offline_error(SOURCE, "Request to api.imf.org failed", exc) from exc


# --- snapshot ---------------------------------------------------------------------------------


def _snapshot_record(request: _ImfRequest, download: _Download) -> dict[str, Any]:
    return {
        "name": SOURCE,
        "title": (
            f"IMF IMTS goods trade of {request.reporter} with all partners, {request.years[0]}-{request.years[-1]}"
        ),
        "publisher": PUBLISHER,
        "origin": {
            "urls": [download.url],
            "api": f"IMF SDMX 3.0 API, dataflow IMF.STA:IMTS, via sdmx1 {sdmx.__version__}",
        },
        "licence": LICENCE,
        "description": (
            "IMF International Trade in Goods by partner (IMTS, formerly DOTS): exports FOB and imports CIF in USD; "
            "SDMX-ML body as obtained (response_001.xml) and the parsed trade_flows table "
            f"({download.frame.height} rows)."
        ),
        "caveats": [
            "IMTS supplements reported data with IMF estimates for non-reporting and late-reporting countries.",
            "OBS_VALUE is in USD units although the series attribute SCALE says 6 (checked against legacy DOTS).",
            "Partner aggregates (EU and other IMF groups) are dropped; WLD is the IMF world total (G001).",
            *download.notes,
        ],
        "query": request.as_record(),
    }
