"""UN Comtrade connector: parsing of real recorded v1 bodies, area-code mapping, transport failures.

Only the transport is replaced (urllib3.PoolManager.request returns a urllib3.HTTPResponse with a
recorded body), so comtradeapicall, the parser, the area table and schema validation all run for real.
The connectivity probe (socket.create_connection) is replaced too, so no test touches the network.
The recorded bodies are FORMAT SAMPLES (tests/fixtures/comtrade/FIXTURES.md); the values asserted
below were read from them by hand.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import time
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pycountry
import pytest
import urllib3
import yaml

from bilateral.data import fetch as fetching
from bilateral.data.provenance import write_snapshot
from bilateral.data.schemas import TRADE_FLOWS
from bilateral.data.sources import comtrade
from bilateral.errors import DataError, FetchError, ParameterError

FIXTURES = Path(__file__).parent / "fixtures" / "comtrade"
RECORDING = FIXTURES / "get_C_A_HS_reporter156_partners32-276_2010_TOTAL.json"
RECORDING_2 = FIXTURES / "get_C_A_HS_reporter156_partners32-280-276_2010_TOTAL_recorded_body.json"
EMPTY_BODY = b'{"elapsedTime":"0.01 secs","count":0,"data":[],"error":""}'  # the v1 envelope with no rows


class FakeTransport:
    """Stands in for urllib3.PoolManager.request: answers queued (status, body) pairs and records calls."""

    def __init__(self, answers: list[Any]) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, dict[str, str]]] = []

    def __call__(self, method: str, url: str, fields: dict | None = None, **kwargs: Any) -> urllib3.HTTPResponse:
        self.calls.append((url, {k: str(v) for k, v in (fields or {}).items()}))
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        status, body = answer
        return urllib3.HTTPResponse(
            body=io.BytesIO(body), status=status, headers={"Content-Type": "application/json"}, preload_content=True
        )


class _OpenSocket:
    def close(self) -> None:
        pass


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Own data folder, no API key, instant retries, and a connectivity probe that succeeds."""
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv(comtrade.API_KEY_ENV, raising=False)
    monkeypatch.setattr(fetching, "RETRY", fetching.RetryPolicy(attempts=3, base_seconds=0.0, max_seconds=0.0))
    monkeypatch.setattr(socket, "create_connection", lambda *args, **kwargs: _OpenSocket())
    return tmp_path / "data"


@pytest.fixture
def transport(monkeypatch: pytest.MonkeyPatch):
    def install(*answers: Any) -> FakeTransport:
        fake = FakeTransport(list(answers))
        monkeypatch.setattr(urllib3.PoolManager, "request", fake)
        return fake

    return install


def recorded_records() -> list[dict[str, Any]]:
    return json.loads(RECORDING.read_bytes())["data"]


def value_of(frame: pl.DataFrame, flow: str, partner: str) -> float:
    row = frame.filter((pl.col("flow") == flow) & (pl.col("partner_iso3") == partner))
    assert row.height == 1
    return row.get_column("value_usd")[0]


# --- parsing recorded bodies --------------------------------------------------------------------


def test_recorded_body_parses_to_the_values_in_the_recording() -> None:
    frame = comtrade.parse_comtrade_body(RECORDING.read_bytes(), dataset_version="test")

    assert frame.height == 4
    assert value_of(frame, "import", "DEU") == 74_251_272_075.0
    assert value_of(frame, "export", "DEU") == 68_047_133_397.0
    assert value_of(frame, "import", "ARG") == 6_804_128_143.0
    assert value_of(frame, "export", "ARG") == 6_115_764_185.0


def test_recorded_body_fills_every_trade_flows_column() -> None:
    frame = comtrade.parse_comtrade_body(RECORDING.read_bytes(), dataset_version="test")

    assert frame.columns == list(TRADE_FLOWS.columns)
    row = frame.row(0, named=True)
    assert row["year"] == 2010 and row["period"] == "2010"
    assert row["reporter_iso3"] == "CHN" and row["reported_by"] == "CHN"
    assert row["classification"] == "HS07"  # classificationCode H3
    assert row["hs_level"] == 0 and row["product_code"] == "TOTAL"
    assert row["quantity"] is None and row["quantity_unit"] is None  # qtyUnitAbbr "N/A"
    assert row["net_weight_kg"] is None
    assert row["source"] == "comtrade" and row["dataset_version"] == "test"


def test_pandas_frame_from_comtradeapicall_parses_like_the_records() -> None:
    from_records = comtrade.parse_comtrade_frame(recorded_records(), dataset_version="v")
    from_pandas = comtrade.parse_comtrade_frame(pd.json_normalize(recorded_records()), dataset_version="v")

    assert from_pandas.equals(from_records)


def test_second_recording_of_the_same_query_gives_the_same_table() -> None:
    key = ["flow", "partner_iso3"]
    first = comtrade.parse_comtrade_body(RECORDING.read_bytes(), dataset_version="v").sort(key)
    second = comtrade.parse_comtrade_body(RECORDING_2.read_bytes(), dataset_version="v").sort(key)

    assert second.equals(first)


def test_empty_input_gives_an_empty_validated_frame() -> None:
    frame = comtrade.parse_comtrade_frame(pd.DataFrame(), dataset_version="v")

    assert frame.height == 0
    assert frame.schema == pl.Schema(TRADE_FLOWS.polars_schema())


def test_monthly_record_gets_a_year_month_period() -> None:
    record = {**recorded_records()[0], "freqCode": "M", "refMonth": 3, "period": "201003"}

    frame = comtrade.parse_comtrade_frame([record], dataset_version="v")

    assert frame.get_column("period").to_list() == ["2010-03"]


def test_missing_column_raises_data_error_naming_it() -> None:
    record = {k: v for k, v in recorded_records()[0].items() if k != "primaryValue"}

    with pytest.raises(DataError, match="primaryValue"):
        comtrade.parse_comtrade_frame([record], dataset_version="v")


def test_a_row_repeating_a_key_raises_data_error() -> None:
    records = recorded_records() + [recorded_records()[1]]  # CHN imports from DEU, twice

    with pytest.raises(DataError, match=r"UN Comtrade response: 2 rows share their key .*partner_iso3='DEU'"):
        comtrade.parse_comtrade_frame(records, dataset_version="v")


# --- area codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "iso3"),
    [
        (842, "USA"),
        (251, "FRA"),
        (381, "ITA"),
        (757, "CHE"),
        (699, "IND"),
        (579, "NOR"),
        (0, "WLD"),
        (643, "RUS"),
        (156, "CHN"),
    ],
)
def test_comtrade_code_maps_to_iso3(code: int, iso3: str) -> None:
    assert comtrade.area_for_code(code).iso3 == iso3


def test_iso3_maps_back_to_the_comtrade_code() -> None:
    assert comtrade.code_for_iso3("USA") == 842
    assert comtrade.code_for_iso3("WLD") == 0
    assert comtrade.code_for_iso3("rus") == 643


def test_area_table_is_one_to_one_and_uses_known_codes() -> None:
    with comtrade.AREAS_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    iso3s = [r["iso3"] for r in rows if r["iso3"]]
    known = {c.alpha_3 for c in pycountry.countries} | {c.alpha_3 for c in pycountry.historic_countries} | {"WLD"}

    assert len({r["code"] for r in rows}) == len(rows)
    assert len(set(iso3s)) == len(iso3s)
    assert set(iso3s) <= known
    assert all(r["note"] for r in rows if not r["iso3"])  # every unmapped area says why


def test_reporter_842_in_a_response_becomes_usa() -> None:
    record = {**recorded_records()[0], "reporterCode": 842, "reporterISO": "USA"}

    frame = comtrade.parse_comtrade_frame([record], dataset_version="v")

    assert frame.get_column("reporter_iso3").to_list() == ["USA"]


def test_unknown_area_code_raises_data_error_naming_code_and_table() -> None:
    record = {**recorded_records()[0], "partnerCode": 9999, "partnerISO": None}

    with pytest.raises(DataError, match=r"partner code 9999 .*comtrade_areas\.csv"):
        comtrade.parse_comtrade_frame([record], dataset_version="v")


def test_non_country_partner_is_dropped_with_a_warning_naming_it() -> None:
    records = recorded_records()
    records[0] = {**records[0], "partnerCode": 899, "partnerISO": "_X"}

    with pytest.warns(fetching.SourceWarning, match="Areas, nes"):
        frame = comtrade.parse_comtrade_frame(records, dataset_version="v")

    assert frame.height == 3


def test_table_contradicting_the_response_iso_raises() -> None:
    record = {**recorded_records()[0], "partnerCode": 276, "partnerISO": "FRA"}

    with pytest.raises(DataError, match="code 276 is FRA"):
        comtrade.parse_comtrade_frame([record], dataset_version="v")


def test_re_export_rows_are_dropped_because_exports_include_them() -> None:
    records = recorded_records() + [{**recorded_records()[2], "flowCode": "RX"}]

    with pytest.warns(fetching.SourceWarning, match="RX"):
        frame = comtrade.parse_comtrade_frame(records, dataset_version="v")

    assert sorted(frame.get_column("flow").unique()) == ["export", "import"]
    assert frame.height == 4


def test_breakdown_rows_are_dropped_so_nothing_counts_twice() -> None:
    records = recorded_records() + [{**recorded_records()[0], "motCode": 1000}]

    with pytest.warns(fetching.SourceWarning, match="breakdown"):
        frame = comtrade.parse_comtrade_frame(records, dataset_version="v")

    assert frame.height == 4


# --- query validation ---------------------------------------------------------------------------


def test_query_sends_comtrade_codes() -> None:
    query = comtrade.build_comtrade_query("CHN", ["USA", "WLD"], 2023, hs_level=["2709", "27"], flow="import")

    assert query.comtrade_params() == {
        "reporterCode": "156",
        "partnerCode": "842,0",
        "cmdCode": "2709,27",
        "flowCode": "M",
    }


def test_monthly_query_asks_twelve_months_per_call_with_a_key_and_one_without() -> None:
    query = comtrade.build_comtrade_query("CHN", "RUS", [2022, 2023], frequency="M")

    keyed = query.period_chunks(comtrade.PERIODS_PER_CALL)
    preview = query.period_chunks(comtrade.PREVIEW_PERIODS_PER_CALL)

    assert len(keyed) == 2
    assert keyed[0].split(",")[0] == "202201" and keyed[1].split(",")[-1] == "202312"
    assert len(preview) == 24 and preview[0] == "202201"


def test_preview_fetch_makes_one_request_per_year(transport) -> None:
    fake = transport((200, RECORDING.read_bytes()), (200, EMPTY_BODY))

    with pytest.warns(fetching.SourceWarning):
        frame = comtrade.fetch_comtrade("CHN", ["ARG", "DEU"], [2010, 2011])

    assert [fields["period"] for _, fields in fake.calls] == ["2010", "2011"]
    assert frame.height == 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hs_level": 3}, "hs_level"),
        ({"hs_level": ["270"]}, "HS codes"),
        ({"flow": "re-export"}, "Re-exports"),
        ({"frequency": "Q"}, "frequency"),
        ({"years": 1900}, "years"),
    ],
)
def test_bad_query_raises_parameter_error(kwargs: dict[str, Any], message: str) -> None:
    arguments = {"reporter": "CHN", "partner": "RUS", "years": 2023, **kwargs}

    with pytest.raises(ParameterError, match=message):
        comtrade.build_comtrade_query(**arguments)


def test_world_is_not_a_reporter_and_taiwan_has_no_comtrade_area() -> None:
    with pytest.raises(ParameterError, match="WLD"):
        comtrade.build_comtrade_query("WLD", "CHN", 2023)
    with pytest.raises(ParameterError, match="TWN"):
        comtrade.build_comtrade_query("CHN", "TWN", 2023)


# --- fetching through comtradeapicall with a recorded transport ---------------------------------


def test_fetch_without_key_uses_the_preview_endpoint_and_warns(transport) -> None:
    fake = transport((200, RECORDING.read_bytes()))

    with pytest.warns(fetching.SourceWarning, match="at most 500 records"):
        frame = comtrade.fetch_comtrade("CHN", ["ARG", "DEU"], 2010)

    url, fields = fake.calls[0]
    assert url == "https://comtradeapi.un.org/public/v1/preview/C/A/HS"
    assert fields["reportercode"] == "156" and fields["partnerCode"] == "32,276"
    assert fields["period"] == "2010" and fields["cmdCode"] == "TOTAL" and fields["flowCode"] == "M,X"
    assert value_of(frame, "import", "DEU") == 74_251_272_075.0


def test_fetch_with_key_uses_the_data_endpoint(transport, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(comtrade.API_KEY_ENV, "not-a-real-key")
    fake = transport((200, RECORDING.read_bytes()))

    frame = comtrade.fetch_comtrade("CHN", ["ARG", "DEU"], 2010)

    url, fields = fake.calls[0]
    assert url == "https://comtradeapi.un.org/data/v1/get/C/A/HS"
    assert fields["subscription-key"] == "not-a-real-key"
    assert frame.height == 4


def test_retry_on_429_then_success(transport) -> None:
    busy = b'{"statusCode": 429, "message": "Rate limit is exceeded. Try again in 1 seconds."}'  # shape of a 429 body
    fake = transport((429, busy), (200, RECORDING.read_bytes()))

    with pytest.warns(fetching.SourceWarning):
        frame = comtrade.fetch_comtrade("CHN", ["ARG", "DEU"], 2010)

    assert len(fake.calls) == 2
    assert frame.height == 4


def test_server_error_on_every_try_raises_fetch_error(transport) -> None:
    fake = transport((503, b"Service Unavailable"), (503, b"Service Unavailable"), (503, b"Service Unavailable"))

    with pytest.warns(fetching.SourceWarning), pytest.raises(FetchError, match="HTTP 503 .*3 times"):
        comtrade.fetch_comtrade("CHN", "DEU", 2010)

    assert len(fake.calls) == 3


def test_refused_key_is_not_retried(transport, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(comtrade.API_KEY_ENV, "not-a-real-key")
    fake = transport((401, b'{"statusCode": 401, "message": "Access denied"}'))

    with pytest.raises(FetchError, match="COMTRADE_API_KEY"):
        comtrade.fetch_comtrade("CHN", "DEU", 2010)

    assert len(fake.calls) == 1


def test_non_json_answer_is_a_fetch_error_not_a_crash(transport) -> None:
    transport((200, b"<html>maintenance</html>"))

    with pytest.warns(fetching.SourceWarning), pytest.raises(FetchError, match="not with the expected JSON"):
        comtrade.fetch_comtrade("CHN", "DEU", 2010)


def test_error_field_in_the_body_is_a_fetch_error(transport) -> None:
    transport((200, b'{"elapsedTime":"0 secs","count":0,"data":[],"error":"Invalid period"}'))

    with pytest.warns(fetching.SourceWarning), pytest.raises(FetchError, match="Invalid period"):
        comtrade.fetch_comtrade("CHN", "DEU", 2010)


def test_empty_answer_is_no_data_not_a_failure(transport) -> None:
    transport((200, EMPTY_BODY))

    with pytest.warns(fetching.SourceWarning):
        frame = comtrade.fetch_comtrade("CHN", "DEU", 2010)

    assert frame.height == 0
    assert frame.columns == list(TRADE_FLOWS.columns)


def test_connection_failure_raises_at_once_listing_cached_snapshots(transport, isolated: Path) -> None:
    write_snapshot(
        fetching.source_dir("comtrade"), {"a.txt": b"x"}, record=_minimal_record(), stamp="2026-01-01T000000Z"
    )
    unreachable = urllib3.exceptions.MaxRetryError(
        None, "/public/v1/preview", reason=OSError("Name or service not known")
    )
    fake = transport(unreachable)

    started = time.monotonic()
    with pytest.warns(fetching.SourceWarning), pytest.raises(FetchError, match="2026-01-01T000000Z"):
        comtrade.fetch_comtrade("CHN", "DEU", 2010)

    assert time.monotonic() - started < 2
    assert len(fake.calls) == 1


def test_no_network_fails_before_any_request(transport, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "create_connection", no_network)
    fake = transport()

    with pytest.raises(FetchError, match="comtradeapi.un.org.*No snapshot of 'comtrade' is cached yet"):
        comtrade.fetch_comtrade("CHN", "DEU", 2010)

    assert fake.calls == []


def test_snapshot_keeps_the_body_as_obtained_and_never_the_key(transport, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(comtrade.API_KEY_ENV, "not-a-real-key")
    transport((200, RECORDING.read_bytes()))

    folder = comtrade.fetch_comtrade_snapshot("CHN", ["ARG", "DEU"], 2010)

    assert folder.parent.name == "comtrade"
    assert (folder / "response_001.json").read_bytes() == RECORDING.read_bytes()
    sidecar = (folder / "source.yml").read_text(encoding="utf-8")
    assert "not-a-real-key" not in sidecar
    record = yaml.safe_load(sidecar)
    assert record["query"]["reporter"] == ["CHN"] and record["query"]["partner"] == ["ARG", "DEU"]
    assert record["origin"]["urls"][0].startswith("https://comtradeapi.un.org/data/v1/get/C/A/HS?")
    parsed = pl.read_parquet(folder / "trade_flows.parquet")
    assert parsed.get_column("dataset_version").unique().to_list() == [f"un_comtrade_api_v1@{folder.name}"]


# --- answers cut at the per-call record limit ---------------------------------------------------


def body_of(records: list[dict[str, Any]]) -> bytes:
    """A v1 JSON body holding `records`."""
    return json.dumps({"elapsedTime": "0.1 secs", "count": len(records), "data": records, "error": ""}).encode()


def capped_body(count: int) -> bytes:
    """A body of `count` records: what Comtrade sends when it cuts an answer at that limit."""
    return body_of([recorded_records()[0]] * count)


def flow_body(flow_code: str) -> bytes:
    return body_of([r for r in recorded_records() if r["flowCode"] == flow_code])


def call(**changes: Any) -> comtrade.ComtradeCall:
    fields = dict(
        frequency="A", periods=("2010",), flow_codes=("M",), reporter_codes=(156,), partner_codes=(276,),
        cmd_codes=("TOTAL",),
    )  # fmt: skip
    return comtrade.ComtradeCall(**{**fields, **changes})


def test_a_call_is_split_by_period_before_anything_else() -> None:
    halves = call(periods=("2010", "2011", "2012"), flow_codes=("M", "X"), partner_codes=(32, 276)).split()

    assert [h.periods for h in halves] == [("2010",), ("2011", "2012")]
    assert [h.flow_codes for h in halves] == [("M", "X"), ("M", "X")]


def test_a_single_period_call_is_split_by_flow_then_reporter_partner_product() -> None:
    assert [h.flow_codes for h in call(flow_codes=("M", "X"), partner_codes=(32, 276)).split()] == [("M",), ("X",)]
    assert [h.reporter_codes for h in call(reporter_codes=(156, 842), partner_codes=(32, 276)).split()] == [
        (156,),
        (842,),
    ]
    assert [h.partner_codes for h in call(partner_codes=(32, 276), cmd_codes=("27", "28")).split()] == [(32,), (276,)]
    assert [h.cmd_codes for h in call(cmd_codes=("27", "28")).split()] == [("27",), ("28",)]


def test_a_call_with_one_code_everywhere_or_all_partners_cannot_be_split() -> None:
    assert call().split() is None
    assert call(partner_codes=None, cmd_codes=("AG6",)).split() is None


def test_preview_answer_at_500_records_is_split_by_flow_and_asked_again(transport) -> None:
    fake = transport((200, capped_body(500)), (200, flow_body("M")), (200, flow_body("X")))

    with pytest.warns(fetching.SourceWarning):
        frame = comtrade.fetch_comtrade("CHN", ["ARG", "DEU"], 2010)

    assert [fields["flowCode"] for _, fields in fake.calls] == ["M,X", "M", "X"]
    assert frame.height == 4  # the 500 repeated records of the cut answer are not in it
    assert value_of(frame, "import", "DEU") == 74_251_272_075.0
    assert value_of(frame, "export", "ARG") == 6_115_764_185.0


def test_keyed_answer_at_the_limit_is_split_by_period(transport, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(comtrade.API_KEY_ENV, "not-a-real-key")
    monkeypatch.setattr(comtrade.transport, "KEYED_MAX_RECORDS", 3)  # the recorded 2010 body has 4 records
    fake = transport((200, RECORDING.read_bytes()), (200, flow_body("M")), (200, EMPTY_BODY))

    frame = comtrade.fetch_comtrade("CHN", ["ARG", "DEU"], [2010, 2011])

    assert [fields["period"] for _, fields in fake.calls] == ["2010,2011", "2010", "2011"]
    assert fake.calls[0][1]["maxRecords"] == "3"
    assert sorted(frame.get_column("partner_iso3")) == ["ARG", "DEU"]  # the two import rows of 2010


def test_snapshot_keeps_only_the_answers_below_the_limit(transport) -> None:
    transport((200, capped_body(500)), (200, flow_body("M")), (200, flow_body("X")))

    with pytest.warns(fetching.SourceWarning):
        folder = comtrade.fetch_comtrade_snapshot("CHN", ["ARG", "DEU"], 2010)

    assert sorted(p.name for p in folder.glob("response_*.json")) == ["response_001.json", "response_002.json"]
    assert (folder / "response_001.json").read_bytes() == flow_body("M")
    urls = yaml.safe_load((folder / "source.yml").read_text(encoding="utf-8"))["origin"]["urls"]
    assert ["flowCode=M&" in urls[0], "flowCode=X&" in urls[1]] == [True, True]


def test_cut_answer_that_cannot_be_split_raises_and_saves_nothing(transport, isolated: Path) -> None:
    transport((200, capped_body(500)))

    with pytest.warns(fetching.SourceWarning), pytest.raises(FetchError) as caught:
        comtrade.fetch_comtrade_snapshot("CHN", "DEU", 2010, flow="export")

    message = str(caught.value)
    assert "cut at 500 records" in message and "periods 2010, flows X, reporters 156, partners 276" in message
    assert "coarser HS level" in message and "COMTRADE_API_KEY" in message
    assert not (isolated / "raw" / "comtrade").exists()


def _minimal_record() -> dict[str, Any]:
    return {
        "name": "comtrade",
        "title": "test snapshot",
        "publisher": "test",
        "origin": {},
        "licence": "test",
        "description": "made by a test",
    }
