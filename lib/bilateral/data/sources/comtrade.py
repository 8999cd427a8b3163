"""UN Comtrade connector: goods trade by reporter, partner, period and HS code, as `trade_flows`.

Goes through UNSD's official client `comtradeapicall`. Two endpoints, chosen by the environment:
- with `COMTRADE_API_KEY` set: the data API (`/data/v1/get`), up to 250,000 records per call as
  comtradeapicall documents it (comtradr's documentation gives 100,000 rows and 500 calls a day
  for the free tier);
- without a key: the public PREVIEW endpoint (`/public/v1/preview`), which returns AT MOST 500
  RECORDS PER CALL (a larger answer is silently cut off) and is rate-limited. Fine for totals and
  HS2 of one pair; HS4/HS6 or all-partner queries need a key. A SourceWarning says so on every call.

Truncated answers are never kept (documented decision): Comtrade does not say that it cut an answer,
so an answer whose record count reaches the per-call limit (500 preview, 250,000 keyed) is taken as
cut. Its request is split in two and both halves asked again, in this order: by period, by flow
(M / X), by reporter, by partner, by product code, until every answer is below the limit; only those
answers are parsed and stored, the cut one is discarded. When nothing is left to split (one period,
one flow, one reporter, one partner or all partners, one product code or a whole HS level), FetchError
says where the answer was cut and how to narrow the query.

Why the transport is observed: comtradeapicall never raises on HTTP errors; it prints the body and
returns None (and its looping helpers turn None into an empty frame). To tell "no data" (an empty
answer: an empty table) from "failed" (FetchError) and to retry only 429/5xx, this module records each
HTTP exchange the client makes (status, headers, body) by wrapping `urllib3.PoolManager.request` for
the duration of one call. The recorded bodies are also what a snapshot stores "as obtained".

Conventions (documented decisions):
- flow: Comtrade X (exports) -> "export", M (imports) -> "import". Re-exports (RX), re-imports (RM)
  and processing flows are not requested: under the general trade system X and M already include
  them, so adding them would double count. If a response holds them anyway they are dropped with a
  SourceWarning.
- only totals over customs procedure (C00), mode of transport (0) and second partner (0) are kept;
  breakdown rows are dropped with a warning, so a value is never counted twice.
- value_usd = primaryValue (USD; CIF for imports and FOB for exports as reported); quantity and
  quantity_unit = qty and qtyUnitAbbr (null when Comtrade says no unit, code -1 / "N/A");
  net_weight_kg = netWgt (kg). reported_by = reporter ISO3.
- reporter/partner codes are Comtrade's own area codes, mapped to ISO3 through
  `data/reference/comtrade_areas.csv` (cited in comtrade_areas.yml): 842 -> USA, 0 -> WLD, ... A code
  missing from that table raises DataError; areas that are not countries (e.g. 899 "Areas, nes",
  490 "Other Asia, nes") are dropped with a SourceWarning giving their names and value.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import comtradeapicall
import pandas as pd
import polars as pl
import polars.selectors as cs
import pycountry
import urllib3

from bilateral.data import fetch as fetching
from bilateral.data.countries import normalize_iso3
from bilateral.data.schemas import TRADE_FLOWS, validate
from bilateral.errors import DataError, FetchError, ParameterError

log = logging.getLogger(__name__)

SOURCE = "comtrade"  # registry name: snapshots in raw_dir()/comtrade, the `source` column of its rows
API_LABEL = "un_comtrade_api_v1"  # dataset_version = "un_comtrade_api_v1@<UTC stamp>"
API_ROOT = "https://comtradeapi.un.org"
API_KEY_ENV = "COMTRADE_API_KEY"
PREVIEW_MAX_RECORDS = 500
KEYED_MAX_RECORDS = 250_000
PERIODS_PER_CALL = 12  # with a key: one year of months, or up to 12 years, per request
PREVIEW_PERIODS_PER_CALL = 1  # preview: one period per request, to stay under its 500-record cap
AREAS_CSV = Path(__file__).resolve().parent.parent / "reference" / "comtrade_areas.csv"

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


# --- area codes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComtradeArea:
    """One row of comtrade_areas.csv; `iso3` is None for areas that are not countries."""

    code: int
    iso3: str | None
    name: str
    note: str


@cache
def comtrade_areas() -> dict[int, ComtradeArea]:
    """The Comtrade area-code table, by code. Raises DataError if the file is malformed."""
    with AREAS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    areas = {int(r["code"]): ComtradeArea(int(r["code"]), r["iso3"] or None, r["name"], r["note"]) for r in rows}
    iso3s = [a.iso3 for a in areas.values() if a.iso3]
    if len(areas) != len(rows) or len(iso3s) != len(set(iso3s)):
        raise DataError(f"{AREAS_CSV}: codes and ISO3 codes must each be unique; the mapping is ambiguous.")
    return areas


def area_for_code(code: int, *, role: str = "area") -> ComtradeArea:
    """The area of a Comtrade code; DataError for a code the table does not know."""
    area = comtrade_areas().get(int(code))
    if area is None:
        raise DataError(
            f"UN Comtrade {role} code {code} is not in {AREAS_CSV.name}. Look it up in Comtrade's reference "
            f"list (https://comtradeapi.un.org/files/v1/app/reference/partnerAreas.json) and add it with its "
            f"ISO3 and a note to {AREAS_CSV}."
        )
    return area


def code_for_iso3(iso3: str, *, role: str = "country") -> int:
    """Comtrade area code for an ISO3 code ('USA' -> 842, 'WLD' -> 0); ParameterError if it has none."""
    iso3 = normalize_iso3(iso3, role=role)
    for area in comtrade_areas().values():
        if area.iso3 == iso3:
            return area.code
    raise ParameterError(
        f"UN Comtrade has no {role} area for '{iso3}' (e.g. Liechtenstein is inside Switzerland's customs area, "
        f"Taiwan is not listed). See {AREAS_CSV.name}."
    )


# --- query ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComtradeQuery:
    """A validated request: ISO3 codes as given, Comtrade codes as sent."""

    reporters: tuple[str, ...]
    partners: tuple[str, ...] | None  # None = every partner, the world (WLD) included
    years: tuple[int, ...]
    frequency: str
    cmd_code: str
    flow: str

    def comtrade_params(self) -> dict[str, str | None]:
        partners = None if self.partners is None else [code_for_iso3(p, role="partner") for p in self.partners]
        return {
            "reporterCode": ",".join(str(code_for_iso3(r, role="reporter")) for r in self.reporters),
            "partnerCode": None if partners is None else ",".join(map(str, partners)),
            "cmdCode": self.cmd_code,
            "flowCode": FLOW_CODES[self.flow],
        }

    def periods(self) -> list[str]:
        if self.frequency == "A":
            return [str(y) for y in self.years]
        return [f"{y}{m:02d}" for y in self.years for m in range(1, 13)]

    def period_chunks(self, per_call: int = PERIODS_PER_CALL) -> list[str]:
        """Comma-joined periods, `per_call` per request."""
        periods = self.periods()
        return [",".join(periods[i : i + per_call]) for i in range(0, len(periods), per_call)]

    def calls(self, per_call: int = PERIODS_PER_CALL) -> list[ComtradeCall]:
        """The client calls that cover this query: one per chunk of `per_call` periods."""
        partners = None if self.partners is None else tuple(code_for_iso3(p, role="partner") for p in self.partners)
        return [
            ComtradeCall(
                frequency=self.frequency,
                periods=tuple(chunk.split(",")),
                flow_codes=tuple(FLOW_CODES[self.flow].split(",")),
                reporter_codes=tuple(code_for_iso3(r, role="reporter") for r in self.reporters),
                partner_codes=partners,
                cmd_codes=tuple(self.cmd_code.split(",")),
            )
            for chunk in self.period_chunks(per_call)
        ]

    def as_record(self) -> dict[str, Any]:
        """The `query:` section of a snapshot's source.yml (plain lists, YAML-safe)."""
        return {
            "reporter": list(self.reporters),
            "partner": "all" if self.partners is None else list(self.partners),
            "years": list(self.years),
            "frequency": self.frequency,
            "cmd_code": self.cmd_code,
            "flow": self.flow,
            "comtrade_params": {**self.comtrade_params(), "periods": self.periods()},
        }


# Order in which a request whose answer reached the record limit is split (see module docstring).
SPLIT_ORDER = ("periods", "flow_codes", "reporter_codes", "partner_codes", "cmd_codes")


@dataclass(frozen=True)
class ComtradeCall:
    """The Comtrade codes one client call asks for; `split` narrows it when its answer was cut."""

    frequency: str  # "A" or "M"
    periods: tuple[str, ...]  # "2023" or "202304"
    flow_codes: tuple[str, ...]  # "M", "X"
    reporter_codes: tuple[int, ...]
    partner_codes: tuple[int, ...] | None  # None = every partner
    cmd_codes: tuple[str, ...]  # "TOTAL", "AG6" or HS codes

    def client_arguments(self) -> dict[str, str | None]:
        return {
            "period": ",".join(self.periods),
            "flowCode": ",".join(self.flow_codes),
            "reporterCode": ",".join(map(str, self.reporter_codes)),
            "partnerCode": None if self.partner_codes is None else ",".join(map(str, self.partner_codes)),
            "cmdCode": ",".join(self.cmd_codes),
        }

    def describe(self) -> str:
        """'periods 2010, flows M,X, reporters 156, partners 32,276, products TOTAL' (Comtrade codes)."""
        args = self.client_arguments()
        return (
            f"periods {args['period']}, flows {args['flowCode']}, reporters {args['reporterCode']}, "
            f"partners {args['partnerCode'] or 'all'}, products {args['cmdCode']}"
        )

    def split(self) -> tuple[ComtradeCall, ComtradeCall] | None:
        """Two calls that together ask for exactly what this one asks for, halving the first field of
        SPLIT_ORDER that holds more than one code; None when every field holds one code (or all partners)."""
        for name in SPLIT_ORDER:
            values = getattr(self, name)
            if values is not None and len(values) > 1:
                half = len(values) // 2
                return replace(self, **{name: values[:half]}), replace(self, **{name: values[half:]})
        return None


def build_comtrade_query(
    reporter: str | Sequence[str],
    partner: str | Sequence[str] | None,
    years: int | Iterable[int],
    *,
    frequency: str = "A",
    hs_level: int | str | Sequence[str] = 0,
    flow: str = "both",
) -> ComtradeQuery:
    """Validate a request; raise ParameterError saying which argument is wrong and what is allowed."""
    reporters = tuple(normalize_iso3(r, role="reporter") for r in _as_list(reporter))
    if "WLD" in reporters:
        raise ParameterError("The reporter must be a country; 'WLD' (world) is only a partner.")
    partners = None
    if partner is not None and partner != "all":
        partners = tuple(normalize_iso3(p, role="partner") for p in _as_list(partner))
    for iso3 in reporters + (partners or ()):
        code_for_iso3(iso3)  # fail now, not mid-download
    return ComtradeQuery(reporters, partners, _years(years), _frequency(frequency), _cmd_code(hs_level), _flow(flow))


def _as_list(value: str | Sequence[str]) -> list[str]:
    items = [value] if isinstance(value, str) else list(value)
    if not items:
        raise ParameterError("Give at least one country code.")
    return items


def _years(years: int | Iterable[int]) -> tuple[int, ...]:
    values = (years,) if isinstance(years, int) else tuple(years)
    if not values or not all(isinstance(y, int) and 1962 <= y <= 2100 for y in values):
        raise ParameterError(
            f"years must be one or more years from 1962 on (e.g. 2023 or range(2015, 2024)); got {years!r}."
        )
    return tuple(sorted(set(values)))


def _frequency(frequency: str) -> str:
    if frequency not in ("A", "M"):
        raise ParameterError(f"frequency must be 'A' (annual) or 'M' (monthly); got {frequency!r}.")
    return frequency


def _cmd_code(hs_level: int | str | Sequence[str]) -> str:
    if isinstance(hs_level, int) and not isinstance(hs_level, bool):
        if hs_level not in HS_LEVEL_COMMANDS:
            raise ParameterError(
                f"hs_level must be 0 (all products), 2, 4 or 6, or a list of HS codes; got {hs_level}."
            )
        return HS_LEVEL_COMMANDS[hs_level]
    codes = [hs_level] if isinstance(hs_level, str) else list(hs_level)
    bad = [c for c in codes if not isinstance(c, str) or not re.fullmatch(r"\d{2}|\d{4}|\d{6}", c)]
    if not codes or bad:
        raise ParameterError(
            f"HS codes must be 2, 4 or 6 digits as strings, e.g. ['27', '2709']; bad: {bad or codes!r}."
        )
    return ",".join(codes)


def _flow(flow: str) -> str:
    if flow not in FLOW_CODES:
        raise ParameterError(
            f"flow must be 'both', 'export' or 'import'; got {flow!r}. Re-exports and re-imports are not "
            "fetched separately: Comtrade's exports and imports already include them."
        )
    return flow


# --- public API -------------------------------------------------------------------------------


def fetch_comtrade(
    reporter: str | Sequence[str],
    partner: str | Sequence[str] | None,
    years: int | Iterable[int],
    *,
    frequency: str = "A",
    hs_level: int | str | Sequence[str] = 0,
    flow: str = "both",
) -> pl.DataFrame:
    """Download UN Comtrade trade of `reporter` with `partner` and return a validated trade_flows frame.

    reporter: ISO3 code(s) of the declaring country ('CHN'). partner: ISO3 code(s), 'WLD' for the
    world total, or None / 'all' for every partner. years: a year or years; with frequency='M' every
    month of those years. hs_level: 0 (all products, 'TOTAL'), 2, 4 or 6 (every code at that level),
    or HS codes such as ['2709', '2711']. flow: 'both', 'export' or 'import'.
    Values are USD (primaryValue). An answer without rows returns an empty frame; a failure raises
    FetchError (429/5xx are retried with backoff first); no network raises FetchError at once.
    Nothing is written to disk: use fetch_comtrade_snapshot to keep what was fetched.
    """
    query = build_comtrade_query(reporter, partner, years, frequency=frequency, hs_level=hs_level, flow=flow)
    return _download(query, dataset_version=fetching.dataset_version(API_LABEL, fetching.utc_stamp())).frame


def fetch_comtrade_snapshot(
    reporter: str | Sequence[str],
    partner: str | Sequence[str] | None,
    years: int | Iterable[int],
    *,
    frequency: str = "A",
    hs_level: int | str | Sequence[str] = 0,
    flow: str = "both",
) -> Path:
    """Like fetch_comtrade, and store bodies + trade_flows.parquet + source.yml as a new snapshot.

    Returns the snapshot folder raw_dir()/comtrade/<UTC stamp>/. The API key is never written.
    """
    query = build_comtrade_query(reporter, partner, years, frequency=frequency, hs_level=hs_level, flow=flow)
    stamp = fetching.utc_stamp()
    download = _download(query, dataset_version=fetching.dataset_version(API_LABEL, stamp))
    bodies = {f"response_{i:03d}.json": ex.body for i, ex in enumerate(download.exchanges, start=1)}
    record = _snapshot_record(query, download)
    return fetching.write_trade_snapshot(SOURCE, bodies, download.frame, record=record, stamp=stamp)


def parse_comtrade_frame(
    data: pd.DataFrame | pl.DataFrame | Iterable[Mapping[str, Any]], *, dataset_version: str
) -> pl.DataFrame:
    """Turn comtradeapicall's frame (or the records of a v1 JSON `data` list) into trade_flows.

    Pure: no network, no files. Empty input gives an empty, validated frame. Raises DataError for a
    missing column, an area code not in comtrade_areas.csv, or rows repeating a trade_flows key
    (schemas.TRADE_FLOWS.key); warns (SourceWarning) about rows it drops (non-country areas,
    re-exports, breakdown rows).
    """
    frame, notes = _parse(data, dataset_version)
    for note in notes:
        fetching.warn_source(note)
    return frame


def parse_comtrade_body(body: bytes | str, *, dataset_version: str) -> pl.DataFrame:
    """Parse one raw v1 JSON response body (as stored in a snapshot) into trade_flows."""
    try:
        payload = json.loads(body)
        records = payload["data"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"Not a UN Comtrade v1 JSON body with a 'data' list: {exc}") from exc
    return parse_comtrade_frame(records, dataset_version=dataset_version)


# --- parsing ----------------------------------------------------------------------------------


def _parse(data: Any, dataset_version: str) -> tuple[pl.DataFrame, list[str]]:
    raw = _to_polars(data)
    if raw.height == 0:
        return TRADE_FLOWS.empty_frame(), []
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"UN Comtrade response lacks column(s) {', '.join(missing)}; is it a v1 'get' answer?")
    notes: list[str] = []
    raw = _keep_totals(raw, notes)
    raw = _keep_export_import(raw, notes)
    raw = _attach_iso3(raw, "reporter", notes)
    raw = _attach_iso3(raw, "partner", notes)
    frame = _to_trade_flows(raw, dataset_version)
    return validate(frame, TRADE_FLOWS, dataset="UN Comtrade response"), notes


def _to_polars(data: Any) -> pl.DataFrame:
    if isinstance(data, pl.DataFrame):
        frame = data
    else:
        records = data.to_dict(orient="records") if isinstance(data, pd.DataFrame) else list(data)
        frame = pl.from_dicts(records, infer_schema_length=None) if records else pl.DataFrame()
    return frame.with_columns(cs.float().fill_nan(None))  # pandas stores JSON null as NaN


def _keep_totals(raw: pl.DataFrame, notes: list[str]) -> pl.DataFrame:
    """Drop breakdown rows (by customs procedure, transport mode, second partner): totals only."""
    conditions = []
    if "customsCode" in raw.columns:
        conditions.append(pl.col("customsCode").is_null() | (pl.col("customsCode") == "C00"))
    if "motCode" in raw.columns:
        conditions.append(pl.col("motCode").is_null() | (pl.col("motCode").cast(pl.Int64) == 0))
    if "partner2Code" in raw.columns:
        conditions.append(pl.col("partner2Code").is_null() | (pl.col("partner2Code").cast(pl.Int64) == 0))
    if not conditions:
        return raw
    kept = raw.filter(pl.all_horizontal(conditions))
    if kept.height < raw.height:
        notes.append(
            f"UN Comtrade: dropped {raw.height - kept.height} breakdown row(s) (customs procedure, mode of transport "
            "or second partner other than the total), so values are not counted twice."
        )
    return kept


def _keep_export_import(raw: pl.DataFrame, notes: list[str]) -> pl.DataFrame:
    kept = raw.filter(pl.col("flowCode").is_in(list(FLOW_NAMES)))
    if kept.height < raw.height:
        others = sorted(set(raw.get_column("flowCode").drop_nulls()) - set(FLOW_NAMES))
        notes.append(
            f"UN Comtrade: dropped {raw.height - kept.height} row(s) with flow code(s) {', '.join(others)} "
            "(re-exports, re-imports or processing); exports (X) and imports (M) already include them."
        )
    return kept


def _attach_iso3(raw: pl.DataFrame, role: str, notes: list[str]) -> pl.DataFrame:
    """Add `<role>_iso3` from the area table; drop (and note) rows of areas that are not countries."""
    codes = raw.get_column(f"{role}Code").cast(pl.Int64)
    areas = {code: area_for_code(code, role=role) for code in codes.unique().to_list()}
    _check_against_response_iso(raw, role, areas)
    mapping = {code: area.iso3 for code, area in areas.items()}
    mapped = raw.with_columns(
        pl.col(f"{role}Code").cast(pl.Int64).replace_strict(mapping, return_dtype=pl.String).alias(f"{role}_iso3")
    )
    kept = mapped.filter(pl.col(f"{role}_iso3").is_not_null())
    if kept.height < mapped.height:
        dropped = mapped.filter(pl.col(f"{role}_iso3").is_null())
        names = sorted({areas[c].name for c in dropped.get_column(f"{role}Code").cast(pl.Int64).to_list()})
        value = dropped.get_column("primaryValue").sum()
        notes.append(
            f"UN Comtrade: dropped {dropped.height} row(s) whose {role} is not a country ({'; '.join(names)}), "
            f"USD {value:,.0f} in total; see {AREAS_CSV.name} for why these areas have no ISO3."
        )
    return kept


def _check_against_response_iso(raw: pl.DataFrame, role: str, areas: dict[int, ComtradeArea]) -> None:
    """Where the answer carries a real ISO3 of its own, it must agree with our table."""
    column = f"{role}ISO"
    if column not in raw.columns:
        return
    pairs = raw.select(pl.col(f"{role}Code").cast(pl.Int64), pl.col(column)).unique().rows()
    for code, iso in pairs:
        ours = areas[code].iso3
        if ours and iso and pycountry.countries.get(alpha_3=iso) and iso != ours:
            raise DataError(
                f"UN Comtrade says {role} code {code} is {iso}, but {AREAS_CSV.name} maps it to {ours}. "
                "Check the code in Comtrade's reference list and correct the table."
            )


def _to_trade_flows(raw: pl.DataFrame, dataset_version: str) -> pl.DataFrame:
    frequencies = set(raw.get_column("freqCode").to_list())
    if not frequencies <= {"A", "M"}:
        unexpected = sorted(str(f) for f in frequencies - {"A", "M"})
        raise DataError(f"UN Comtrade response has frequency code(s) {unexpected}; expected A or M.")
    cmd = pl.col("cmdCode").cast(pl.String)
    unit = pl.col("qtyUnitAbbr").cast(pl.String)
    has_unit = unit.is_not_null() & (unit != "N/A")
    if "qtyUnitCode" in raw.columns:
        has_unit = has_unit & (pl.col("qtyUnitCode").cast(pl.Int64) != -1)
    month = pl.col("refMonth").cast(pl.Int64).cast(pl.String).str.zfill(2)
    return raw.select(
        pl.col("refYear").cast(pl.Int32).alias("year"),
        pl.when(pl.col("freqCode") == "M")
        .then(pl.format("{}-{}", pl.col("refYear").cast(pl.Int64), month))
        .otherwise(pl.col("refYear").cast(pl.Int64).cast(pl.String))
        .alias("period"),
        pl.col("reporter_iso3"),
        pl.col("partner_iso3"),
        pl.col("flowCode").replace_strict(FLOW_NAMES, return_dtype=pl.String).alias("flow"),
        pl.col("classificationCode").cast(pl.String).replace(CLASSIFICATION_NAMES).alias("classification"),
        pl.when(cmd == "TOTAL").then(0).otherwise(cmd.str.len_chars()).cast(pl.Int8).alias("hs_level"),
        cmd.alias("product_code"),
        pl.col("primaryValue").cast(pl.Float64).alias("value_usd"),
        pl.when(has_unit).then(pl.col("qty").cast(pl.Float64)).alias("quantity"),
        pl.when(has_unit).then(unit).alias("quantity_unit"),
        pl.col("netWgt").cast(pl.Float64).alias("net_weight_kg"),
        pl.col("reporter_iso3").alias("reported_by"),
        pl.lit(SOURCE).alias("source"),
        pl.lit(dataset_version).alias("dataset_version"),
    )


# --- transport --------------------------------------------------------------------------------


@dataclass
class Exchange:
    """One HTTP request made by comtradeapicall and what came back (the API key removed)."""

    url: str
    params: dict[str, str]
    status: int | None = None
    body: bytes = b""
    retry_after: float | None = None
    error: BaseException | None = None

    @property
    def full_url(self) -> str:
        return f"{self.url}?{urlencode(self.params)}" if self.params else self.url


@dataclass
class _Download:
    frame: pl.DataFrame
    exchanges: list[Exchange]
    notes: list[str] = field(default_factory=list)
    keyed: bool = False


_TRANSPORT_LOCK = threading.Lock()


@contextlib.contextmanager
def _recording_transport() -> Iterator[list[Exchange]]:
    """Record every urllib3 request made inside the block (see module docstring for why)."""
    seen: list[Exchange] = []
    pool = urllib3.PoolManager
    had_own = "request" in pool.__dict__
    inner = pool.request

    def recording_request(self: urllib3.PoolManager, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        params = {k: str(v) for k, v in (kwargs.get("fields") or {}).items() if k != "subscription-key"}
        exchange = Exchange(url=url, params=params)
        seen.append(exchange)
        bound = inner.__get__(self, type(self)) if hasattr(inner, "__get__") else inner
        try:
            response = bound(method, url, *args, **kwargs)
        except Exception as exc:
            exchange.error = exc
            raise
        exchange.status = response.status
        exchange.body = response.data or b""
        exchange.retry_after = _retry_after(response.headers.get("Retry-After"), exchange.body)
        return response

    with _TRANSPORT_LOCK:
        pool.request = recording_request
        try:
            yield seen
        finally:
            if had_own:
                pool.request = inner
            else:
                del pool.request


def _retry_after(header: str | None, body: bytes) -> float | None:
    seconds = fetching.parse_retry_after(header)
    if seconds is None:  # Comtrade's 429 body says "Try again in N seconds."
        match = re.search(rb"[Tt]ry again in (\d+) second", body)
        seconds = float(match.group(1)) if match else None
    return seconds


def _api_key() -> str | None:
    return os.environ.get(API_KEY_ENV, "").strip() or None


def _download(query: ComtradeQuery, *, dataset_version: str) -> _Download:
    """Every call of `query`, each answer parsed; a call whose answer reached the limit is split first."""
    fetching.ensure_reachable(SOURCE, API_ROOT)
    key = _api_key()
    if key is None:
        fetching.warn_source(PREVIEW_WARNING)
    limit = KEYED_MAX_RECORDS if key else PREVIEW_MAX_RECORDS
    frames, exchanges, notes = [], [], []
    pending = query.calls(PERIODS_PER_CALL if key else PREVIEW_PERIODS_PER_CALL)
    while pending:
        call = pending.pop(0)
        result, exchange = _call_with_retry(call, key, limit)
        if len(result) >= limit:
            pending[:0] = _split_truncated(call, len(result), key)
            continue
        exchanges.append(exchange)
        frame, call_notes = _parse(result, dataset_version)
        frames.append(frame)
        notes.extend(call_notes)
    for note in notes:
        fetching.warn_source(note)
    return _Download(pl.concat(frames), exchanges, notes, keyed=key is not None)


def _split_truncated(call: ComtradeCall, records: int, key: str | None) -> tuple[ComtradeCall, ComtradeCall]:
    """The two halves to ask instead of a call whose answer was cut; FetchError when it cannot be split."""
    halves = call.split()
    if halves is not None:
        log.info("UN Comtrade answer for %s reached %d records, the per-call limit; splitting", call.describe(), records)
        return halves
    endpoint = "data API" if key else "public preview endpoint"
    get_a_key = "" if key else f", or set {API_KEY_ENV} (a free key allows {KEYED_MAX_RECORDS:,} records per call)"
    raise FetchError(
        f"UN Comtrade's answer for {call.describe()} was cut at {records:,} records, the per-call limit of its "
        f"{endpoint}, and this request cannot be split further; nothing was saved. Narrow the query: fewer partners "
        f"(a list of partners is split automatically, 'all' is not) or periods, a coarser HS level (hs_level=2 "
        f"or 4) or a list of HS codes{get_a_key}."
    )


def _call_with_retry(call: ComtradeCall, key: str | None, limit: int) -> tuple[pd.DataFrame, Exchange]:
    policy = fetching.RETRY
    for attempt in range(1, policy.attempts + 1):
        result, exchange = _call_once(call, key, limit)
        if result is not None:
            return result, exchange
        if attempt == policy.attempts:
            raise FetchError(
                f"UN Comtrade answered HTTP {exchange.status} (busy or failing) {policy.attempts} times for "
                f"{call.describe()}; try again later. {fetching.describe_cached(SOURCE)}"
            )
        wait = policy.delay(attempt, exchange.retry_after)
        log.warning(
            "UN Comtrade answered HTTP %s; retrying in %.1f s (try %d of %d)",
            exchange.status, wait, attempt + 1, policy.attempts,
        )  # fmt: skip
        time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def _call_once(call: ComtradeCall, key: str | None, limit: int) -> tuple[pd.DataFrame | None, Exchange]:
    """One client call. Returns (frame, exchange), (None, exchange) for a retryable answer, or raises."""
    printed = io.StringIO()
    failure: Exception | None = None
    result = None
    with _recording_transport() as seen, contextlib.redirect_stdout(printed):
        try:
            result = _call_client(call, key, limit)
        except (urllib3.exceptions.HTTPError, OSError):
            pass  # recorded on the exchange; handled below
        except (ValueError, KeyError) as exc:  # JSONDecodeError is a ValueError; KeyError: no "data"
            failure = exc
    if printed.getvalue().strip():
        log.debug("comtradeapicall printed: %s", printed.getvalue().strip()[:500])
    ours = [ex for ex in seen if ex.url.startswith(API_ROOT)]  # not another thread's request
    if not ours:
        said = printed.getvalue().strip()[:200]
        raise FetchError(f"comtradeapicall made no request for {call.describe()} (it printed: {said!r}).")
    exchange = ours[-1]
    _raise_for_exchange(exchange, failure)
    if exchange.status is not None and fetching.is_retryable_status(exchange.status):
        return None, exchange
    if result is None:
        raise FetchError(f"comtradeapicall returned nothing for {exchange.full_url} (HTTP {exchange.status}).")
    return result, exchange


def _call_client(call: ComtradeCall, key: str | None, limit: int) -> pd.DataFrame | None:
    arguments: dict[str, Any] = dict(
        typeCode="C", freqCode=call.frequency, clCode="HS", **call.client_arguments(),
        partner2Code="0", customsCode="C00", motCode="0",
        maxRecords=limit, format_output="JSON", includeDesc=True,
    )  # fmt: skip
    if key:
        return comtradeapicall.getFinalData(key, **arguments)
    return comtradeapicall.previewFinalData(**arguments)


def _raise_for_exchange(exchange: Exchange, failure: Exception | None) -> None:
    """FetchError for connection failures and non-retryable HTTP errors; retryable ones pass."""
    if exchange.error is not None:
        raise fetching.offline_error(SOURCE, f"Request to {API_ROOT} failed", exchange.error)
    status = exchange.status
    if status is None or fetching.is_retryable_status(status):
        return
    snippet = exchange.body[:300].decode("utf-8", errors="replace")
    if status in (401, 403):
        raise FetchError(
            f"UN Comtrade refused the request (HTTP {status}): {snippet}. Check {API_KEY_ENV}, or unset it to use the "
            "preview endpoint."
        )
    if status != 200:
        raise FetchError(f"UN Comtrade answered HTTP {status} for {exchange.full_url}: {snippet}. Check the query.")
    if failure is not None:
        raise FetchError(
            f"UN Comtrade answered 200 but not with the expected JSON ({failure}); body starts: {snippet!r}"
        )
    _raise_for_error_field(exchange.body, exchange.full_url)


def _raise_for_error_field(body: bytes, url: str) -> None:
    try:
        message = json.loads(body).get("error")
    except (ValueError, AttributeError):
        return
    if message:
        raise FetchError(f"UN Comtrade reported an error for {url}: {message}")


# --- snapshot ---------------------------------------------------------------------------------


def _snapshot_record(query: ComtradeQuery, download: _Download) -> dict[str, Any]:
    endpoint = "data API (/data/v1/get, with key)" if download.keyed else "public preview (/public/v1/preview, no key)"
    caveats = [
        "Values are as reported by the reporter: imports CIF, exports FOB; mirror figures differ.",
        "Only totals over customs procedure, mode of transport and second partner; re-exports are inside exports.",
        *download.notes,
    ]
    if not download.keyed:
        caveats.append(PREVIEW_WARNING)
    return {
        "name": SOURCE,
        "title": (
            f"UN Comtrade goods trade, reporter {', '.join(query.reporters)}, years {query.years[0]}-{query.years[-1]}"
        ),
        "publisher": PUBLISHER,
        "origin": {
            "urls": [ex.full_url for ex in download.exchanges],
            "api": f"UN Comtrade API v1, {endpoint}, via comtradeapicall {_client_version()}",
        },
        "licence": LICENCE,
        "description": (
            f"UN Comtrade {'monthly' if query.frequency == 'M' else 'annual'} trade; response bodies as obtained "
            f"(response_NNN.json) and the parsed trade_flows table ({download.frame.height} rows)."
        ),
        "caveats": caveats,
        "query": query.as_record(),
    }


def _client_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("comtradeapicall")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"

