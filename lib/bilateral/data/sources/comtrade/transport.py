"""Talking to comtradeapicall: each HTTP exchange observed, 429/5xx retried, truncated answers split."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import comtradeapicall
import pandas as pd
import polars as pl
import urllib3

from bilateral.data import fetch as fetching
from bilateral.data.sources.comtrade.parse import parse_records
from bilateral.data.sources.comtrade.query import ComtradeCall, ComtradeQuery
from bilateral.data.sources.comtrade.settings import (
    API_KEY_ENV,
    API_ROOT,
    KEYED_MAX_RECORDS,
    PERIODS_PER_CALL,
    PREVIEW_MAX_RECORDS,
    PREVIEW_PERIODS_PER_CALL,
    PREVIEW_WARNING,
    SOURCE,
)
from bilateral.errors import FetchError

log = logging.getLogger(__name__)


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
class Download:
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


def download(query: ComtradeQuery, *, dataset_version: str) -> Download:
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
        frame, call_notes = parse_records(result, dataset_version)
        frames.append(frame)
        notes.extend(call_notes)
    for note in notes:
        fetching.warn_source(note)
    return Download(pl.concat(frames), exchanges, notes, keyed=key is not None)


def _split_truncated(call: ComtradeCall, records: int, key: str | None) -> tuple[ComtradeCall, ComtradeCall]:
    """The two halves to ask instead of a call whose answer was cut; FetchError when it cannot be split."""
    halves = call.split()
    if halves is not None:
        log.info(
            "UN Comtrade answer for %s reached %d records, the per-call limit; splitting", call.describe(), records
        )
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
    def attempt() -> fetching.Attempt[tuple[pd.DataFrame, Exchange]]:
        result, exchange = _call_once(call, key, limit)
        return fetching.Attempt(None if result is None else (result, exchange), exchange.status, exchange.retry_after)

    return fetching.call_with_retry(attempt, publisher="UN Comtrade", what=call.describe(), source=SOURCE)


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
