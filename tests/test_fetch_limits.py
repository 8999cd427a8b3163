"""Hostile and faulty fetches: zip bombs, damaged members, trickling downloads, secrets in URLs, stamps,
absurd year ranges and huge echoed values all end in a clear message, with nothing half-written."""

from __future__ import annotations

import http.server
import os
import stat
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from test_source_baci import TRADE_2022, make_zip

from bilateral.cli import parse_years
from bilateral.data import fetch as fetching
from bilateral.data.sources import baci
from bilateral.errors import DataError, FetchError, ParameterError
from bilateral.reports.params import parse_assignments, validate_parameters


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(tmp_path / "data"))
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


def test_a_member_that_would_expand_a_thousandfold_is_refused_before_extraction(tmp_path: Path) -> None:
    bomb = tmp_path / "BACI_HS92_V202501.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(TRADE_2022, b"0" * (4 * 1024**2))  # 4 MiB of zeros compress to a few KiB
    assert bomb.stat().st_size < 50_000
    with pytest.raises(DataError, match=r"expands .* times, above the limit of 200 .*BILATERAL_MAX_ARCHIVE_EXPANSION"):
        baci.inspect_release(bomb)


def test_a_member_larger_than_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILATERAL_MAX_ARCHIVE_MEMBER_BYTES", "100")
    with pytest.raises(DataError, match=r"above the limit of 100 bytes .*BILATERAL_MAX_ARCHIVE_MEMBER_BYTES"):
        baci.inspect_release(make_zip(tmp_path))


def test_a_damaged_member_is_a_data_error_and_leaves_no_snapshot(isolated: Path, tmp_path: Path) -> None:
    release = make_zip(tmp_path, replace={TRADE_2022: "t,i,j,k,v,q\n" + "2022,4,8,10111,1.5,2\n" * 2000})
    data = bytearray(release.read_bytes())
    with zipfile.ZipFile(release) as archive:
        info = archive.getinfo(TRADE_2022)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF  # flip a byte inside the compressed data: CRC or inflate fails
    release.write_bytes(bytes(data))
    with pytest.raises(DataError, match="damaged inside the archive"):
        baci.fetch_baci_snapshot(release)
    assert not any((isolated / "raw" / "baci").glob("*")) if (isolated / "raw" / "baci").exists() else True


class _Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        for _ in range(100):
            self.wfile.write(b"PK")
            self.wfile.flush()
            time.sleep(0.2)

    def log_message(self, *args: object) -> None:
        pass


def serve(handler: type[http.server.BaseHTTPRequestHandler]) -> tuple[http.server.HTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def test_a_download_that_trickles_stops_at_the_overall_deadline(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BILATERAL_MAX_DOWNLOAD_SECONDS", "1")
    server, root = serve(_Slow)
    try:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"BILATERAL_MAX_DOWNLOAD_SECONDS") as raised:
            baci.fetch_baci_snapshot(f"{root}/BACI_HS92_V202501.zip?token=s3cr3t")
        assert time.monotonic() - started < 5, (
            "each read arrives within the per-read timeout; only the deadline stops it"
        )
        assert "s3cr3t" not in str(raised.value)
    finally:
        server.shutdown()
    assert not (isolated / "raw" / "baci").exists() or not any((isolated / "raw" / "baci").iterdir())


def test_a_secret_in_a_download_url_is_never_stored(isolated: Path, tmp_path: Path) -> None:
    release = make_zip(tmp_path).read_bytes()

    class Zip(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", str(len(release)))
            self.end_headers()
            self.wfile.write(release)

        def log_message(self, *args: object) -> None:
            pass

    server, root = serve(Zip)
    try:
        folder = baci.fetch_baci_snapshot(f"{root}/BACI_HS92_V202501.zip?token=s3cr3t&lang=en")
    finally:
        server.shutdown()
    sidecar = (folder / "source.yml").read_text()
    assert "s3cr3t" not in sidecar
    assert "token=REDACTED" in sidecar and "lang=en" in sidecar
    assert yaml.safe_load(sidecar)["origin"]["urls"][0] == f"{root}/BACI_HS92_V202501.zip?token=REDACTED&lang=en"


def test_credentials_and_secret_query_values_are_redacted_from_urls() -> None:
    assert fetching.redact_url("https://u:p@host/x.zip?api_key=1&Signature=2&year=2022") == (
        "https://REDACTED@host/x.zip?api_key=REDACTED&Signature=REDACTED&year=2022"
    )
    assert fetching.redact_url("https://host/x.zip") == "https://host/x.zip"


def test_two_fetches_in_one_second_get_distinct_stamps_and_an_explicit_stamp_is_checked(
    isolated: Path, tmp_path: Path
) -> None:
    release = make_zip(tmp_path)
    first = baci.fetch_baci_snapshot(release, stamp="2026-11-28T000000Z")
    with pytest.raises(ParameterError, match="already exists; snapshots are immutable. Pass another --stamp"):
        baci.fetch_baci_snapshot(release, stamp="2026-11-28T000000Z")
    with pytest.raises(ParameterError, match="is not of the form 2026-11-28T101500Z"):
        baci.fetch_baci_snapshot(release, stamp="../../etc")
    a, b = fetching.new_stamp("baci"), None
    (isolated / "raw" / "baci" / a).mkdir()
    b = fetching.new_stamp("baci")
    assert b != a and (b == f"{a}-2" or b > a)
    assert first.name == "2026-11-28T000000Z"


def test_snapshot_folders_are_normal_folders_not_private_ones(isolated: Path, tmp_path: Path) -> None:
    folder = baci.fetch_baci_snapshot(make_zip(tmp_path))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~umask


@pytest.mark.parametrize("text", ["1-1000000000", "1948-2100", "0-5", "2015-" + "9" * 5000])
def test_absurd_year_ranges_are_refused_at_once_with_a_short_message(text: str) -> None:
    started = time.monotonic()
    with pytest.raises(ParameterError) as raised:
        parse_years(text)
    assert time.monotonic() - started < 0.5 and len(str(raised.value)) < 400


def test_a_year_range_above_the_limit_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILATERAL_MAX_FETCH_YEARS", "5")
    with pytest.raises(ParameterError, match="BILATERAL_MAX_FETCH_YEARS"):
        parse_years("2010-2024")
    assert parse_years("2020-2024") == [2020, 2021, 2022, 2023, 2024]


def test_a_huge_parameter_value_is_not_echoed_whole() -> None:
    huge = "R" * 120_000
    for call in (lambda: validate_parameters("trade_overview", {"partner": huge}),
                 lambda: validate_parameters("trade_overview", {huge: "RUS"}),
                 lambda: parse_assignments([huge])):  # fmt: skip
        with pytest.raises(ParameterError) as raised:
            call()
        assert len(str(raised.value)) < 600 and "characters)" in str(raised.value)


def test_cli_error_paths_print_a_message_never_a_traceback(tmp_path: Path) -> None:
    bomb = tmp_path / "BACI_HS92_V202501.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(TRADE_2022, b"0" * (4 * 1024**2))
    not_zip = tmp_path / "not.zip"
    not_zip.write_text("hello")
    env = {**os.environ, "BILATERAL_DATA_DIR": str(tmp_path / "data")}
    cases = [
        ["data", "fetch", "baci", str(bomb)],
        ["data", "fetch", "baci", str(not_zip)],
        ["data", "fetch", "baci", str(tmp_path / "missing.zip")],
        ["data", "fetch", "baci", str(not_zip), "--stamp", "not-a-stamp"],
        ["data", "fetch", "imf", "--reporter", "RUS", "--years", "1-99999999"],
        ["data", "fetch", "comtrade", "--reporter", "X" * 100_000, "--years", "2020"],
        ["data", "fetch", "wto"],
        ["data", "show", "nothing_like_it"],
    ]
    for args in cases:
        done = subprocess.run(
            [sys.executable, "-m", "bilateral.cli", *args], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode != 0, args
        assert "Traceback" not in done.stderr and "Error:" in done.stderr, (args, done.stderr[-500:])
        assert len(done.stderr) < 2_000, (args, len(done.stderr))
