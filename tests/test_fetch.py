"""bilateral.data.fetch: dispatch to connectors, snapshots on disk, reading them back, offline behaviour.

The Comtrade transport is replaced by a recorded body (tests/fixtures/comtrade, a FORMAT SAMPLE) and
the connectivity probe by a stub; nothing here touches the network.
"""

from __future__ import annotations

import importlib
import io
import socket
import sys
import time
import types
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import urllib3
import yaml
from pydantic import ValidationError

from bilateral.data import fetch as fetching
from bilateral.data import registry
from bilateral.data.provenance import list_snapshots, read_source, sha256_file, verify_files, write_snapshot
from bilateral.data.sources import comtrade
from bilateral.errors import DataError, FetchError, ParameterError

RECORDING = Path(__file__).parent / "fixtures" / "comtrade" / "get_C_A_HS_reporter156_partners32-276_2010_TOTAL.json"
COMTRADE_QUERY = {"reporter": "CHN", "partner": ["ARG", "DEU"], "years": 2010}


class _OpenSocket:
    def close(self) -> None:
        pass


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(comtrade.API_KEY_ENV, "not-a-real-key")  # the data endpoint: no preview warning
    monkeypatch.setattr(fetching, "RETRY", fetching.RetryPolicy(attempts=3, base_seconds=0.0, max_seconds=0.0))
    monkeypatch.setattr(socket, "create_connection", lambda *args, **kwargs: _OpenSocket())
    return tmp_path / "data"


@pytest.fixture
def recorded_comtrade(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Comtrade request gets the recorded body; returns the list of URLs asked for."""
    urls: list[str] = []

    def answer(pool: urllib3.PoolManager, method: str, url: str, **kwargs: Any) -> urllib3.HTTPResponse:
        urls.append(url)
        return urllib3.HTTPResponse(body=io.BytesIO(RECORDING.read_bytes()), status=200, preload_content=True)

    monkeypatch.setattr(urllib3.PoolManager, "request", answer)
    return urls


def make_snapshot(source: str, stamp: str) -> Path:
    record = {
        "name": source,
        "title": "t",
        "publisher": "t",
        "origin": {},
        "licence": "t",
        "description": "made by a test",
    }
    return write_snapshot(fetching.source_dir(source), {"a.txt": b"x"}, record=record, stamp=stamp)


# --- dispatch -----------------------------------------------------------------------------------


def test_fetch_comtrade_writes_a_snapshot_under_its_source_name(recorded_comtrade: list[str], isolated: Path) -> None:
    folder = fetching.fetch("comtrade", **COMTRADE_QUERY)

    assert folder.parent == isolated / "raw" / "comtrade"
    assert sorted(p.name for p in folder.iterdir()) == ["response_001.json", "source.yml", "trade_flows.parquet"]
    assert len(recorded_comtrade) == 1


def test_snapshot_checksums_match_the_files(recorded_comtrade: list[str]) -> None:
    folder = fetching.fetch("comtrade", **COMTRADE_QUERY)

    record = read_source(folder)
    assert verify_files(folder, record) == []
    assert {f.path: f.sha256 for f in record.files} == {
        name: sha256_file(folder / name) for name in ("response_001.json", "trade_flows.parquet")
    }


def test_snapshot_is_written_atomically_and_never_overwritten(recorded_comtrade: list[str], isolated: Path) -> None:
    folder = fetching.fetch("comtrade", **COMTRADE_QUERY)
    frame = pl.read_parquet(folder / "trade_flows.parquet")

    leftovers = [p.name for p in folder.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no temporary folder left beside the snapshot
    with pytest.raises(DataError, match="immutable"):
        fetching.write_trade_snapshot("comtrade", {}, frame, record={}, stamp=folder.name)


def test_failed_snapshot_leaves_nothing_behind(isolated: Path) -> None:
    frame = comtrade.parse_comtrade_body(RECORDING.read_bytes(), dataset_version="v")

    with pytest.raises(ValidationError):  # the record lacks required provenance fields
        fetching.write_trade_snapshot(
            "comtrade", {"response_001.json": b"{}"}, frame, record={"name": "x"}, stamp="2026-01-01T000000Z"
        )

    assert not (isolated / "raw" / "comtrade").exists(), "not even an empty source folder is left"


def test_snapshot_records_provenance_and_query(recorded_comtrade: list[str]) -> None:
    folder = fetching.fetch("comtrade", **COMTRADE_QUERY)

    record = yaml.safe_load((folder / "source.yml").read_text(encoding="utf-8"))
    assert record["publisher"] == comtrade.PUBLISHER
    assert record["licence"] == comtrade.LICENCE
    assert record["retrieved"]
    assert record["query"]["years"] == [2010]
    assert record["query"]["comtrade_params"]["partnerCode"] == "32,276"
    assert "comtradeapicall" in record["origin"]["api"]


def test_unknown_source_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError, match="comtrade, imf, baci"):
        fetching.fetch("wits", reporter="CHN")


def test_bad_query_is_a_parameter_error_before_any_request(recorded_comtrade: list[str]) -> None:
    with pytest.raises(ParameterError, match="reportr"):
        fetching.fetch("comtrade", reportr="CHN", partner="RUS", years=2023)

    assert recorded_comtrade == []


def test_baci_is_dispatched_to_its_connector(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    received: dict[str, Any] = {}

    def fetch_baci_snapshot(zip_path_or_url: str, *, stamp: str | None = None) -> Path:
        received.update(zip_path_or_url=zip_path_or_url, stamp=stamp)
        return tmp_path / "snapshot"

    fake = types.ModuleType("bilateral.data.sources.baci")
    fake.fetch_baci_snapshot = fetch_baci_snapshot  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bilateral.data.sources.baci", fake)

    assert fetching.fetch("baci", zip_path_or_url="/tmp/BACI_HS92_V202501.zip") == tmp_path / "snapshot"
    assert received == {"zip_path_or_url": "/tmp/BACI_HS92_V202501.zip", "stamp": None}


def test_connector_without_snapshot_function_is_a_fetch_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "bilateral.data.sources.baci", types.ModuleType("bilateral.data.sources.baci"))

    with pytest.raises(FetchError, match="fetch_baci_snapshot"):
        fetching.fetch("baci", zip_path_or_url="x.zip")


def test_connector_fetch_error_gets_the_cached_snapshots_added(monkeypatch: pytest.MonkeyPatch) -> None:
    make_snapshot("baci", "2026-03-01T000000Z")

    def fetch_baci_snapshot(zip_path_or_url: str) -> Path:
        raise FetchError("Could not download BACI (offline).")

    fake = types.ModuleType("bilateral.data.sources.baci")
    fake.fetch_baci_snapshot = fetch_baci_snapshot  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bilateral.data.sources.baci", fake)

    with pytest.raises(FetchError, match="offline.*2026-03-01T000000Z"):
        fetching.fetch("baci", zip_path_or_url="https://example.org/baci.zip")


# --- reading snapshots back ---------------------------------------------------------------------


def test_load_latest_reads_the_parsed_table_back(recorded_comtrade: list[str]) -> None:
    folder = fetching.fetch("comtrade", **COMTRADE_QUERY)

    frame = fetching.load_latest("comtrade")

    expected = comtrade.parse_comtrade_body(RECORDING.read_bytes(), dataset_version=f"un_comtrade_api_v1@{folder.name}")
    assert frame.equals(expected)


def test_load_latest_picks_the_newest_or_the_named_snapshot(recorded_comtrade: list[str]) -> None:
    frame = comtrade.parse_comtrade_body(RECORDING.read_bytes(), dataset_version="v")
    record = {"name": "comtrade", "title": "t", "publisher": "t", "origin": {}, "licence": "t", "description": "t"}
    fetching.write_trade_snapshot("comtrade", {}, frame.head(1), record=record, stamp="2026-01-01T000000Z")
    fetching.write_trade_snapshot("comtrade", {}, frame, record=record, stamp="2026-02-01T000000Z")

    assert fetching.load_latest("comtrade").height == 4
    assert fetching.load_latest("comtrade", "2026-01-01T000000Z").height == 1
    with pytest.raises(DataError, match="2026-01-01T000000Z, 2026-02-01T000000Z"):
        fetching.load_latest("comtrade", "2025-12-31T000000Z")


def test_load_latest_refuses_a_tampered_table(recorded_comtrade: list[str]) -> None:
    folder = fetching.fetch("comtrade", **COMTRADE_QUERY)
    (folder / "trade_flows.parquet").write_bytes(b"not the file that was fetched")

    with pytest.raises(DataError, match="checksum mismatch"):
        fetching.load_latest("comtrade")


def test_load_latest_without_snapshots_says_how_to_get_one() -> None:
    with pytest.raises(DataError, match="bilateral data fetch imf"):
        fetching.load_latest("imf")


# --- offline --------------------------------------------------------------------------------------


def test_no_network_raises_fast_and_lists_cached_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    make_snapshot("imf", "2026-01-01T000000Z")
    make_snapshot("imf", "2026-02-01T000000Z")

    def unresolvable(*args: Any, **kwargs: Any) -> None:
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "create_connection", unresolvable)
    importlib.import_module(
        registry.get_source("imf").module_path
    )  # its first import (sdmx1) is not part of the timing

    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetching.fetch("imf", reporter="CHN", years=[2022, 2023])

    assert time.monotonic() - started < 2
    message = str(caught.value)
    assert "api.imf.org" in message and "Name or service not known" in message
    assert "2026-01-01T000000Z, 2026-02-01T000000Z" in message
    assert "load_latest('imf')" in message
    assert [p.name for p in list_snapshots(fetching.source_dir("imf"))] == ["2026-01-01T000000Z", "2026-02-01T000000Z"]


def test_probe_goes_to_the_proxy_when_requests_would_use_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    probed: list[tuple[str, int]] = []
    monkeypatch.setattr(socket, "create_connection", lambda address, timeout: probed.append(address) or _OpenSocket())

    fetching.ensure_reachable("imf", "https://api.imf.org/external/sdmx/3.0/data", use_env_proxy=True)
    fetching.ensure_reachable("comtrade", "https://comtradeapi.un.org")

    assert probed == [("proxy.internal", 3128), ("comtradeapi.un.org", 443)]


# --- retry policy ---------------------------------------------------------------------------------


def test_backoff_doubles_and_is_capped() -> None:
    policy = fetching.RetryPolicy(attempts=4, base_seconds=2.0, max_seconds=5.0)

    assert [policy.delay(n) for n in (1, 2, 3)] == [2.0, 4.0, 5.0]
    assert policy.delay(1, retry_after=3.0) == 3.0
    assert policy.delay(1, retry_after=600.0) == 5.0


@pytest.mark.parametrize(
    ("status", "retry"), [(429, True), (500, True), (503, True), (400, False), (401, False), (404, False)]
)
def test_only_busy_answers_are_retried(status: int, retry: bool) -> None:
    assert fetching.is_retryable_status(status) is retry
