"""Fetch upstream trade data as immutable snapshots, and read the newest snapshot back.

`fetch("comtrade" | "imf" | "baci", **query)` calls the connector named in the source registry, which
downloads, parses into the canonical `trade_flows` table and writes `raw_dir()/<source>/<UTC stamp>/`
(the folder is the source name, as is the `source` value of its rows) with the response bodies as
obtained, `trade_flows.parquet` and a `source.yml` (publisher, origin, licence, retrieved, query,
sha256 per file). `load_latest(source)` reads a snapshot back, checksums verified and schema validated.

The shared network rules live here, so every connector behaves the same offline:
- before the first request, `ensure_reachable` opens one TCP connection with a short timeout; if the
  host cannot be resolved or refuses, FetchError is raised at once, listing the snapshots already cached;
- a connection failure during a fetch is also raised at once (no retries: they cannot help);
- only answers that say "try again" (HTTP 429 and 5xx) are retried, with exponential backoff.
"""

from __future__ import annotations

import importlib
import inspect
import io
import logging
import re
import socket
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import polars as pl

from bilateral.data import registry
from bilateral.data.limits import shown
from bilateral.data.paths import raw_dir
from bilateral.data.provenance import list_snapshots, write_snapshot
from bilateral.data.trade_flows import TRADE_FLOWS_FILE
from bilateral.errors import FetchError, ParameterError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait when a server answers 429 or 5xx."""

    attempts: int = 4  # total tries, the first included
    base_seconds: float = 2.0  # waits 2, 4, 8 s ...
    max_seconds: float = 60.0  # also caps a server's Retry-After

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed try number `attempt` (1-based)."""
        wanted = retry_after if retry_after is not None else self.base_seconds * 2 ** (attempt - 1)
        return max(0.0, min(wanted, self.max_seconds))


class SourceWarning(UserWarning):
    """Rows were dropped or a service limit applied while fetching; the message says which and why."""


def warn_source(message: str) -> None:
    """Log `message` and raise it as a SourceWarning attributed to the caller of the connector helper."""
    log.info(message)
    warnings.warn(message, SourceWarning, stacklevel=3)


RETRY = RetryPolicy()
PROBE_TIMEOUT_SECONDS = 5.0


def is_retryable_status(status: int) -> bool:
    """True for answers that mean "busy, try later": 429 Too Many Requests and any 5xx."""
    return status == 429 or 500 <= status <= 599


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header given in seconds; None when absent or a date."""
    try:
        return float(value) if value else None
    except ValueError:
        return None


T = TypeVar("T")


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """What one request gave: a result, or None when the server said "busy, try later" (429/5xx)."""

    result: T | None
    status: int | None = None
    retry_after: float | None = None  # seconds, from the server's Retry-After header


def call_with_retry(attempt: Callable[[], Attempt[T]], *, publisher: str, what: str, source: str) -> T:
    """Run `attempt` until it gives a result, waiting per RETRY between tries; FetchError when tries run out.

    The one retry loop of every connector. `attempt` raises for answers that retrying cannot fix (a refused
    key, a bad query, no network) and returns Attempt(None, status) only for 429 and 5xx. `publisher` and
    `what` name the server and the request in messages; `source` lists the cached snapshots.
    """
    policy = RETRY
    for number in range(1, policy.attempts + 1):
        outcome = attempt()
        if outcome.result is not None:
            return outcome.result
        if number == policy.attempts:
            raise FetchError(
                f"{publisher} answered HTTP {outcome.status} (busy or failing) {policy.attempts} times for {what}; "
                f"try again later. {describe_cached(source)}"
            )
        wait = policy.delay(number, outcome.retry_after)
        log.warning(
            "%s answered HTTP %s; retrying in %.1f s (try %d of %d)",
            publisher,
            outcome.status,
            wait,
            number + 1,
            policy.attempts,
        )
        time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def source_dir(source: str) -> Path:
    """Folder holding the snapshots of one source: raw_dir()/<source name> (the registry's naming rule)."""
    return raw_dir() / source


def utc_stamp() -> str:
    """Snapshot folder name for now, e.g. 2026-11-28T101500Z (sortable)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")


STAMP_PATTERN = r"\d{4}-\d{2}-\d{2}T\d{6}Z(-\d{1,3})?"


def new_stamp(source: str, stamp: str | None = None) -> str:
    """A snapshot folder name of `source` that is not taken: `stamp` when given (refused if taken or malformed),
    else now in UTC, with -2, -3 ... appended when two fetches fall in the same second."""
    if stamp is not None:
        if not re.fullmatch(STAMP_PATTERN, stamp):
            raise ParameterError(
                f"Snapshot stamp {shown(stamp)} is not of the form 2026-11-28T101500Z (UTC, optional -N suffix)."
            )
        if (source_dir(source) / stamp).exists():
            raise ParameterError(
                f"Snapshot {source_dir(source) / stamp} already exists; snapshots are immutable. Pass another --stamp."
            )
        return stamp
    base = utc_stamp()
    candidate, number = base, 1
    while (source_dir(source) / candidate).exists() or any(source_dir(source).glob(f".{candidate}.*")):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


_SECRET_KEYS = (
    "token", "key", "apikey", "api_key", "subscription-key", "secret", "password", "passwd", "signature", "sig", "auth",
    "access_token", "credential",
)  # fmt: skip


def redact_url(url: str) -> str:
    """`url` without secrets, for anything stored or printed: user:password@ and query values of secret-looking keys."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "REDACTED@" + netloc.rsplit("@", 1)[-1]
    query = [
        (k, "REDACTED" if any(s in k.lower() for s in _SECRET_KEYS) else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="REDACTED"), parts.fragment))


def dataset_version(api: str, stamp: str) -> str:
    """The `dataset_version` of rows fetched through `api` at `stamp`: 'un_comtrade_api_v1@2026-11-28T101500Z'."""
    return f"{api}@{stamp}"


def describe_cached(source: str) -> str:
    """One sentence for error messages: which snapshots of `source` are already on disk."""
    snapshots = list_snapshots(source_dir(source))
    if not snapshots:
        return f"No snapshot of '{source}' is cached yet in {source_dir(source)}; fetch once while online."
    names = ", ".join(p.name for p in snapshots)
    return (
        f"Cached snapshots of '{source}' in {source_dir(source)}: {names}. "
        f"Work offline with bilateral.data.fetch.load_latest('{source}')."
    )


def offline_error(source: str, what: str, reason: object) -> FetchError:
    """The FetchError raised when a host cannot be reached: what failed, why, and what is cached."""
    return FetchError(f"{what}: {reason}. Check the network connection. {describe_cached(source)}")


def ensure_reachable(source: str, url: str, *, use_env_proxy: bool = False) -> None:
    """Open (and close) one TCP connection to the host of `url`, or raise FetchError at once.

    This turns "no network" into an immediate, clear error instead of a client's long timeouts or
    silent retries. With `use_env_proxy` (for requests-based clients, which honour HTTPS_PROXY), the
    proxy named by the environment is probed instead of the host.
    """
    host, port = _probe_target(url, use_env_proxy)
    try:
        connection = socket.create_connection((host, port), timeout=PROBE_TIMEOUT_SECONDS)
    except OSError as exc:
        raise offline_error(source, f"Cannot reach {host}:{port} for '{source}'", exc) from exc
    connection.close()


def _probe_target(url: str, use_env_proxy: bool) -> tuple[str, int]:
    target = url
    if use_env_proxy:
        import requests.utils  # requests is a dependency of sdmx1

        proxies = requests.utils.get_environ_proxies(url)
        target = proxies.get(urlsplit(url).scheme) or proxies.get("all") or url
    parts = urlsplit(target if "://" in target else f"http://{target}")
    default_port = 443 if parts.scheme == "https" else 80
    return parts.hostname or "", parts.port or default_port


def write_trade_snapshot(
    source: str,
    raw_files: dict[str, bytes],
    frame: pl.DataFrame,
    *,
    record: dict[str, Any],
    stamp: str,
) -> Path:
    """Write the response bodies, the parsed trade_flows table and source.yml as one new snapshot."""
    if TRADE_FLOWS_FILE in raw_files:
        raise ValueError(f"{TRADE_FLOWS_FILE} is reserved for the parsed table")
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    files = {**raw_files, TRADE_FLOWS_FILE: buffer.getvalue()}
    folder = write_snapshot(source_dir(source), files, record=record, stamp=stamp)
    log.info("wrote snapshot %s (%d rows)", folder, frame.height)
    return folder


def fetch(source: str, **query: Any) -> Path:
    """Fetch `source` from its publisher and store it as a new snapshot; return the snapshot folder.

    source: "comtrade" (UN Comtrade via comtradeapicall), "imf" (IMF IMTS via sdmx1) or "baci"
    (CEPII BACI, when its connector is installed). `query` is passed to the connector:
    - comtrade: reporter, partner, years, frequency="A"|"M", hs_level=0|2|4|6 or a list of HS codes,
      flow="both"|"export"|"import" (see bilateral.data.sources.comtrade.fetch_comtrade);
    - imf: reporter, years, frequency="A"|"M" (see bilateral.data.sources.imf.fetch_imf_trade);
    - baci: zip_path_or_url, stamp=None, timeout_s=30.0 (see bilateral.data.sources.baci.fetch_baci_snapshot).
    Snapshots go to raw_dir()/comtrade, raw_dir()/imf and raw_dir()/baci.
    Raises ParameterError for an unknown source or query, FetchError when the publisher cannot be
    reached or answers with an error (the message lists cached snapshots), DataError when the answer
    does not parse into trade_flows. An answer with no data is not an error: the snapshot then holds
    an empty table.
    """
    snapshot_function = _connector_function(source)
    _check_query(source, snapshot_function, query)
    try:
        return snapshot_function(**query)
    except FetchError as exc:
        cached = describe_cached(source)
        if cached in str(exc):
            raise
        raise FetchError(f"{exc} {cached}") from exc


def _check_query(source: str, function: Any, query: dict[str, Any]) -> None:
    """ParameterError naming unknown or missing query arguments, before anything is requested."""
    signature = inspect.signature(function)
    accepted = [name for name, p in signature.parameters.items() if p.kind is not p.VAR_KEYWORD]
    takes_any = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
    unknown = [name for name in query if name not in accepted and not takes_any]
    if unknown:
        raise ParameterError(
            f"Unknown query argument(s) for '{source}': {', '.join(unknown)}; accepted: {', '.join(accepted)}."
        )
    try:
        signature.bind(**query)
    except TypeError as exc:
        raise ParameterError(f"Bad query for '{source}': {exc}; accepted: {', '.join(accepted)}.") from exc


def _upstream(source: str) -> registry.Source:
    return registry.get_source(source, where=lambda s: s.is_upstream, wanted="fetchable source")


def _import(source: str) -> Any:
    entry = _upstream(source)
    try:
        return importlib.import_module(entry.module_path)
    except ImportError as exc:
        raise FetchError(f"The '{source}' connector ({entry.module_path}) is not available: {exc}.") from exc


def _connector_function(source: str):
    entry = _upstream(source)
    assert entry.connector is not None
    function = getattr(_import(source), entry.connector.snapshot_function, None)
    if function is None:
        wanted = f"{entry.module_path}.{entry.connector.snapshot_function}()"
        raise FetchError(f"The '{source}' connector has no {wanted}; it cannot fetch yet.")
    return function


def load_latest(source: str, snapshot: str | None = None) -> pl.DataFrame:
    """The trade_flows table of the newest snapshot of `source` (or of the snapshot named `snapshot`).

    Checksums are verified against the snapshot's source.yml and the schema validated. For a full BACI
    release, filter with bilateral.data.sources.baci.query_baci (or trade_flows.scan_trade_flows) instead
    of loading everything. Raises DataError when there is no such snapshot or a file fails its checksum.
    """
    from bilateral.data.trade_flows import scan_trade_flows

    _upstream(source)
    return scan_trade_flows(source, snapshot=snapshot).collect()
