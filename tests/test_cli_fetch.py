"""`bilateral data fetch`: CLI strings become a connector query; options that do not apply are refused."""

from __future__ import annotations

import pytest

from bilateral.cli import fetch_query, parse_years
from bilateral.errors import ParameterError

DEFAULTS = {
    "release": None,
    "reporter": None,
    "partner": None,
    "years": None,
    "frequency": "A",
    "hs_level": "0",
    "flow": "both",
}


def query(source: str, **options):
    return fetch_query(source, **{**DEFAULTS, **options})


def test_year_ranges_and_lists():
    assert parse_years("2019-2021") == [2019, 2020, 2021]
    assert parse_years("2019,2022") == [2019, 2022]
    with pytest.raises(ParameterError, match="last year is before the first"):
        parse_years("2022-2019")
    with pytest.raises(ParameterError, match="not a year range"):
        parse_years("recent")


def test_comtrade_query_from_cli_strings():
    assert query("comtrade", reporter="chn", partner="rus", years="2020-2021", hs_level="2", flow="export") == {
        "reporter": "CHN",
        "years": [2020, 2021],
        "frequency": "A",
        "partner": "RUS",
        "hs_level": 2,
        "flow": "export",
    }


def test_comtrade_partner_all_and_explicit_hs_codes():
    built = query("comtrade", reporter="CHN", partner="all", years="2023", hs_level="2709, 271111", frequency="m")
    assert built["partner"] is None and built["hs_level"] == ["2709", "271111"] and built["frequency"] == "M"


def test_imf_refuses_options_it_cannot_honour():
    assert query("imf", reporter="RUS", years="2022") == {"reporter": "RUS", "years": [2022], "frequency": "A"}
    with pytest.raises(ParameterError, match="imf does not take --partner"):
        query("imf", reporter="RUS", years="2022", partner="CHN")


def test_missing_or_wrong_arguments_say_what_to_add():
    with pytest.raises(ParameterError, match="needs --reporter ISO3 and --years"):
        query("comtrade", reporter="CHN")
    with pytest.raises(ParameterError, match="Did you mean 'RUS'"):
        query("comtrade", reporter="CHN", partner="RUSS", years="2020")
    with pytest.raises(ParameterError, match="baci needs the path or URL of a release zip"):
        query("baci")
    with pytest.raises(ParameterError, match="Unknown fetchable source 'wto'"):
        query("wto")


def test_fetch_offline_fails_at_once_listing_cached_snapshots(tmp_path):
    """End to end through the CLI; 'offline' is made certain by a proxy on a closed local port."""
    import os
    import subprocess
    import sys
    import time

    from bilateral.data.provenance import list_snapshots, write_snapshot

    cached = tmp_path / "raw" / "imf"
    record = {
        "name": "imf",
        "title": "t",
        "publisher": "IMF",
        "origin": {"api": "test"},
        "licence": "t",
        "description": "made by a test",
        "is_format_sample": True,
    }
    write_snapshot(cached, {"a.txt": b"x"}, record=record, stamp="2026-01-02T030405Z")
    env = {
        **os.environ,
        "BILATERAL_DATA_DIR": str(tmp_path),
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bilateral.cli", "data", "fetch", "imf", "--reporter", "CHN", "--years", "2022"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    elapsed = time.perf_counter() - started
    message = " ".join(done.stderr.split())
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Cannot reach" in message and "2026-01-02T030405Z" in message
    assert [p.name for p in list_snapshots(cached)] == ["2026-01-02T030405Z"], "no new or partial snapshot"
    assert elapsed < 30, "fails at once, no retry loop"
