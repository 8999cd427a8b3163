"""IMF IMTS connector: SDMX-ML 3.0 parsing of a real recorded body, area codes, transport failures.

Only the transport is replaced (requests.Session.send, which sdmx1's client uses, returns a
requests.Response with the recorded body), so sdmx1, the parser, the code mapping and schema
validation run for real. The connectivity probe (socket.create_connection) is replaced too: no test
touches the network. The body is a FORMAT SAMPLE (tests/fixtures/imf/FIXTURES.md); expected values
were read from it by hand.
"""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import requests
import sdmx
import yaml

from bilateral.data import fetch as fetching
from bilateral.data.provenance import read_source, verify_files, write_snapshot
from bilateral.data.schemas import TRADE_FLOWS
from bilateral.data.sources import imf
from bilateral.errors import DataError, FetchError, ParameterError

FIXTURES = Path(__file__).parent / "fixtures" / "imf"
RECORDING = FIXTURES / "imf_imts_sdmx3_data_USA.XG_FOB_USD.G001+G998.A_2023-2024_body.xml"
WORLD_2023 = 2_019_551_635_133.0  # OBS_VALUE of USA -> G001, 2023, in the recording
WORLD_2024 = 2_065_411_250_609.0


class FakeSend:
    """Stands in for requests.Session.send: answers queued (status, body) pairs and records URLs."""

    def __init__(self, answers: list[Any]) -> None:
        self.answers = list(answers)
        self.urls: list[str] = []

    def __call__(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.urls.append(request.url)
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        status, body = answer
        response = requests.Response()
        response.status_code = status
        response._content = body
        response.headers["Content-Type"] = "application/xml"
        response.url = request.url
        response.request = request
        return response


class _OpenSocket:
    def close(self) -> None:
        pass


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(fetching, "RETRY", fetching.RetryPolicy(attempts=3, base_seconds=0.0, max_seconds=0.0))
    monkeypatch.setattr(socket, "create_connection", lambda *args, **kwargs: _OpenSocket())
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


@pytest.fixture
def send(monkeypatch: pytest.MonkeyPatch):
    def install(*answers: Any) -> FakeSend:
        fake = FakeSend(list(answers))
        monkeypatch.setattr(requests.Session, "send", fake)
        return fake

    return install


def recorded() -> bytes:
    return RECORDING.read_bytes()


def values(frame: pl.DataFrame) -> dict[str, float]:
    return dict(zip(frame.get_column("period"), frame.get_column("value_usd"), strict=True))


# --- parsing the recorded body ------------------------------------------------------------------


def test_recorded_body_gives_world_exports_in_usd() -> None:
    with pytest.warns(fetching.SourceWarning, match=r"G998 \(European Union\)"):
        frame = imf.parse_imf_trade(recorded(), dataset_version="test")

    assert values(frame) == {"2023": WORLD_2023, "2024": WORLD_2024}  # SCALE="6" is not applied
    assert frame.get_column("partner_iso3").unique().to_list() == ["WLD"]
    assert frame.get_column("flow").unique().to_list() == ["export"]


def test_recorded_body_fills_every_trade_flows_column() -> None:
    with pytest.warns(fetching.SourceWarning):
        frame = imf.parse_imf_trade(recorded(), dataset_version="test")

    assert frame.columns == list(TRADE_FLOWS.columns)
    row = frame.row(0, named=True)
    assert row["reporter_iso3"] == "USA" and row["reported_by"] == "USA"
    assert row["classification"] == "TOTAL" and row["product_code"] == "TOTAL" and row["hs_level"] == 0
    assert row["quantity"] is None and row["net_weight_kg"] is None
    assert row["source"] == "imf" and row["dataset_version"] == "test"


def test_path_and_message_parse_like_bytes() -> None:
    with pytest.warns(fetching.SourceWarning):
        from_bytes = imf.parse_imf_trade(recorded(), dataset_version="v")
        from_path = imf.parse_imf_trade(RECORDING, dataset_version="v")
        from_message = imf.parse_imf_trade(sdmx.read_sdmx(RECORDING), dataset_version="v")

    assert from_path.equals(from_bytes) and from_message.equals(from_bytes)


def test_components_are_found_by_id_not_by_position() -> None:
    # The same series with attribute OVERLAP removed and SCALE and the key attributes reordered:
    # whether or not sdmx1 calls them dimensions, the parse must not change.
    body = recorded().decode("utf-8")
    body = body.replace(' OVERLAP="OL" SCALE="6"', "")
    body = body.replace(
        'COUNTRY="USA" INDICATOR="XG_FOB_USD" COUNTERPART_COUNTRY="G001"',
        'SCALE="6" COUNTERPART_COUNTRY="G001" INDICATOR="XG_FOB_USD" COUNTRY="USA"',
    )
    body = body.replace(
        'COUNTRY="USA" INDICATOR="XG_FOB_USD" COUNTERPART_COUNTRY="G998"',
        'SCALE="6" COUNTRY="USA" INDICATOR="XG_FOB_USD" COUNTERPART_COUNTRY="G998"',
    )

    with pytest.warns(fetching.SourceWarning):
        frame = imf.parse_imf_trade(body.encode("utf-8"), dataset_version="v")

    assert values(frame) == {"2023": WORLD_2023, "2024": WORLD_2024}


def test_monthly_time_period_becomes_year_month() -> None:
    body = recorded().decode("utf-8").replace('FREQUENCY="A"', 'FREQUENCY="M"')
    body = body.replace('TIME_PERIOD="2023"', 'TIME_PERIOD="2023-M01"').replace(
        'TIME_PERIOD="2024"', 'TIME_PERIOD="2023-M02"'
    )

    with pytest.warns(fetching.SourceWarning):
        frame = imf.parse_imf_trade(body.encode("utf-8"), dataset_version="v")

    assert sorted(frame.get_column("period")) == ["2023-01", "2023-02"]
    assert frame.get_column("year").unique().to_list() == [2023]


def test_dataset_without_series_is_an_empty_frame() -> None:
    body = re.sub(r"<Series .*?</Series>", "", recorded().decode("utf-8"), flags=re.DOTALL)

    frame = imf.parse_imf_trade(body.encode("utf-8"), dataset_version="v")

    assert frame.height == 0
    assert frame.schema == pl.Schema(TRADE_FLOWS.polars_schema())


# --- unit description (SCALE, UNIT) ----------------------------------------------------------------


def modified_recording(folder: Path, old: str, new: str) -> Path:
    """A copy of the recorded body in `folder` with every `old` replaced by `new`."""
    body = recorded().decode("utf-8")
    assert old in body
    path = folder / "modified_body.xml"
    path.write_text(body.replace(old, new), encoding="utf-8")
    return path


def test_other_scale_than_the_checked_one_raises_data_error(tmp_path: Path) -> None:
    body = modified_recording(tmp_path, 'SCALE="6"', 'SCALE="3"')

    expected = r"4 observation\(s\) describe their unit as SCALE=3, UNIT=\(none\).*confirm the scale rule"
    with pytest.raises(DataError, match=expected):
        imf.parse_imf_trade(body, dataset_version="v")


def test_missing_scale_raises_data_error(tmp_path: Path) -> None:
    body = modified_recording(tmp_path, ' SCALE="6"', "")

    with pytest.raises(DataError, match=r"SCALE=\(none\)"):
        imf.parse_imf_trade(body, dataset_version="v")


def test_unit_other_than_usd_raises_data_error(tmp_path: Path) -> None:
    body = modified_recording(tmp_path, 'SCALE="6"', 'SCALE="6" UNIT="EUR"')

    with pytest.raises(DataError, match="SCALE=6, UNIT=EUR"):
        imf.parse_imf_trade(body, dataset_version="v")


def test_explicit_usd_unit_with_scale_6_is_the_checked_description(tmp_path: Path) -> None:
    body = modified_recording(tmp_path, 'SCALE="6"', 'SCALE="6" UNIT="USD"')

    with pytest.warns(fetching.SourceWarning):
        frame = imf.parse_imf_trade(body, dataset_version="v")

    assert values(frame) == {"2023": WORLD_2023, "2024": WORLD_2024}


def test_fetch_of_an_unchecked_scale_writes_no_snapshot(send, isolated: Path) -> None:
    send((200, recorded().replace(b'SCALE="6"', b'SCALE="0"')))

    with pytest.raises(DataError, match="SCALE=0"):
        imf.fetch_imf_snapshot("USA", [2023, 2024])

    assert not (isolated / "raw" / "imf").exists()


def test_body_that_is_not_sdmx_raises_data_error() -> None:
    with pytest.raises(DataError, match="SDMX"):
        imf.parse_imf_trade(b"<html>maintenance</html>", dataset_version="v")


# --- area codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "iso3"),
    [("G001", "WLD"), ("CHN", "CHN"), ("RUS", "RUS"), ("TWN", "TWN"), ("WBG", "PSE"), ("SUN", "SUN"), ("KOS", "KOS")],
)
def test_imf_area_code_maps_to_iso3(code: str, iso3: str) -> None:
    assert imf.iso3_for_imf_code(code) == iso3


@pytest.mark.parametrize("code", ["G998", "G110", "GX170", "TX126", "YAR"])
def test_aggregates_and_former_areas_without_iso_are_not_countries(code: str) -> None:
    assert imf.iso3_for_imf_code(code) is None


def test_unknown_imf_code_raises_data_error_naming_it() -> None:
    with pytest.raises(DataError, match="'ZZ9'.*IMF_AREA_CODES"):
        imf.iso3_for_imf_code("ZZ9")


def test_reporter_is_sent_as_the_imf_code() -> None:
    assert imf.imf_code_for_iso3("PSE") == "WBG"
    assert imf.imf_code_for_iso3("chn") == "CHN"
    with pytest.raises(ParameterError, match="WLD"):
        imf.imf_code_for_iso3("WLD")


# --- fetching through sdmx1 with a recorded transport -------------------------------------------


def test_fetch_builds_the_imts_url_and_parses_the_answer(send) -> None:
    fake = send((200, recorded()))

    with pytest.warns(fetching.SourceWarning):
        frame = imf.fetch_imf_trade("USA", [2023, 2024])

    assert fake.urls == [
        "https://api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/IMTS/+/USA.XG_FOB_USD+MG_CIF_USD.*.A"
        "?c%5BTIME_PERIOD%5D=ge:2023-01-01+le:2024-12-31&dimensionAtObservation=TIME_PERIOD&detail=full&includeHistory=false"
    ]
    assert values(frame) == {"2023": WORLD_2023, "2024": WORLD_2024}


def test_fetch_keeps_only_the_years_asked_for(send) -> None:
    send((200, recorded()))

    with pytest.warns(fetching.SourceWarning):
        frame = imf.fetch_imf_trade("USA", 2024)

    assert values(frame) == {"2024": WORLD_2024}


def test_retry_on_503_then_success(send) -> None:
    fake = send((503, b"upstream busy"), (200, recorded()))

    with pytest.warns(fetching.SourceWarning):
        frame = imf.fetch_imf_trade("USA", [2023, 2024])

    assert len(fake.urls) == 2
    assert frame.height == 2


def test_429_on_every_try_raises_fetch_error(send) -> None:
    fake = send((429, b"too many"), (429, b"too many"), (429, b"too many"))

    with pytest.raises(FetchError, match=r"HTTP 429 \(busy or failing\) 3 times"):
        imf.fetch_imf_trade("USA", 2023)

    assert len(fake.urls) == 3


def test_bad_request_is_not_retried(send) -> None:
    fake = send((400, b"bad key"))

    with pytest.raises(FetchError, match="HTTP 400"):
        imf.fetch_imf_trade("USA", 2023)

    assert len(fake.urls) == 1


def test_404_no_results_is_an_empty_frame_with_a_warning(send) -> None:
    send((404, b"NoResultsFound"))

    with pytest.warns(fetching.SourceWarning, match="no data"):
        frame = imf.fetch_imf_trade("USA", 2023)

    assert frame.height == 0


def test_connection_error_raises_at_once_listing_cached_snapshots(send) -> None:
    record = {"name": "imf", "title": "t", "publisher": "t", "origin": {}, "licence": "t", "description": "t"}
    write_snapshot(fetching.source_dir("imf"), {"a.txt": b"x"}, record=record, stamp="2026-02-03T040506Z")
    fake = send(requests.ConnectionError("Name or service not known"))

    started = time.monotonic()
    with pytest.raises(FetchError, match="2026-02-03T040506Z"):
        imf.fetch_imf_trade("USA", 2023)

    assert time.monotonic() - started < 2
    assert len(fake.urls) == 1


def test_no_network_fails_before_any_request(send, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(socket, "create_connection", refused)
    fake = send()

    with pytest.raises(FetchError, match="api.imf.org:443.*No snapshot of 'imf' is cached yet"):
        imf.fetch_imf_trade("USA", 2023)

    assert fake.urls == []


def test_snapshot_holds_the_body_and_verifies(send) -> None:
    send((200, recorded()))

    with pytest.warns(fetching.SourceWarning):
        folder = imf.fetch_imf_snapshot("USA", [2023, 2024])

    assert folder.parent.name == "imf"
    assert (folder / "response_001.xml").read_bytes() == recorded()
    assert verify_files(folder, read_source(folder)) == []
    record = yaml.safe_load((folder / "source.yml").read_text(encoding="utf-8"))
    assert record["query"] == {"reporter": "USA", "years": [2023, 2024], "frequency": "A",
                               "indicators": ["XG_FOB_USD", "MG_CIF_USD"], "counterpart": "all"}  # fmt: skip
    assert "imf.org" in record["licence"]
    assert pl.read_parquet(folder / "trade_flows.parquet").height == 2
