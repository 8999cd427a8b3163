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

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from bilateral.data import fetch as fetching
from bilateral.data.sources.comtrade.areas import (
    ComtradeArea,
    area_for_code,
    code_for_iso3,
    comtrade_areas,
)
from bilateral.data.sources.comtrade.parse import (
    parse_comtrade_body,
    parse_comtrade_frame,
)
from bilateral.data.sources.comtrade.query import (
    ComtradeCall,
    ComtradeQuery,
    build_comtrade_query,
)
from bilateral.data.sources.comtrade.settings import (
    API_KEY_ENV,
    API_LABEL,
    API_ROOT,
    AREAS_CSV,
    KEYED_MAX_RECORDS,
    LICENCE,
    PERIODS_PER_CALL,
    PREVIEW_MAX_RECORDS,
    PREVIEW_PERIODS_PER_CALL,
    PREVIEW_WARNING,
    PUBLISHER,
    SOURCE,
)
from bilateral.data.sources.comtrade.transport import Download, download

log = logging.getLogger(__name__)

__all__ = [
    "API_KEY_ENV", "API_LABEL", "API_ROOT", "AREAS_CSV", "KEYED_MAX_RECORDS", "LICENCE", "PERIODS_PER_CALL",
    "PREVIEW_MAX_RECORDS", "PREVIEW_PERIODS_PER_CALL", "PREVIEW_WARNING", "PUBLISHER", "SOURCE",
    "ComtradeArea", "ComtradeCall", "ComtradeQuery", "area_for_code", "build_comtrade_query", "code_for_iso3",
    "comtrade_areas", "fetch_comtrade", "fetch_comtrade_snapshot", "parse_comtrade_body", "parse_comtrade_frame",
]  # fmt: skip


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
    return download(query, dataset_version=fetching.dataset_version(API_LABEL, fetching.utc_stamp())).frame


def fetch_comtrade_snapshot(
    reporter: str | Sequence[str],
    partner: str | Sequence[str] | None,
    years: int | Iterable[int],
    *,
    frequency: str = "A",
    hs_level: int | str | Sequence[str] = 0,
    flow: str = "both",
    stamp: str | None = None,
) -> Path:
    """Like fetch_comtrade, and store bodies + trade_flows.parquet + source.yml as a new snapshot.

    Returns the snapshot folder raw_dir()/comtrade/<UTC stamp>/. The API key is never written.
    """
    query = build_comtrade_query(reporter, partner, years, frequency=frequency, hs_level=hs_level, flow=flow)
    stamp = fetching.new_stamp(SOURCE, stamp)
    fetched = download(query, dataset_version=fetching.dataset_version(API_LABEL, stamp))
    bodies = {f"response_{i:03d}.json": ex.body for i, ex in enumerate(fetched.exchanges, start=1)}
    record = _snapshot_record(query, fetched)
    return fetching.write_trade_snapshot(SOURCE, bodies, fetched.frame, record=record, stamp=stamp)


def _snapshot_record(query: ComtradeQuery, download: Download) -> dict[str, Any]:
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
