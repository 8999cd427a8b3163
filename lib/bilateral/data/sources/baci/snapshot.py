"""BACI snapshots under data/raw/baci/<stamp>/: register a release (local or downloaded), verify, scan."""

from __future__ import annotations

import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from bilateral.data import fetch as fetching
from bilateral.data.atomic import atomic_dir
from bilateral.data.fetch import redact_url
from bilateral.data.limits import (
    DOWNLOAD_BYTES,
    DOWNLOAD_SECONDS,
)
from bilateral.data.paths import raw_dir
from bilateral.data.provenance import (
    SIDECAR,
    FileRecord,
    SourceRecord,
    check_listed_file,
    newest_snapshot,
    read_source,
    sha256_file,
)
from bilateral.data.sources.baci.convert import convert_baci_release
from bilateral.data.sources.baci.query import scan_baci
from bilateral.data.sources.baci.release import inspect_release
from bilateral.data.sources.baci.settings import (
    CEPII_DOC,
    CEPII_PAGE,
    LICENCE,
    PUBLISHER,
    SOURCE,
    BaciRelease,
)
from bilateral.errors import DataError, FetchError


def fetch_baci_snapshot(
    zip_path_or_url: str | Path,
    *,
    stamp: str | None = None,
    timeout_s: float = 30.0,
) -> Path:
    """Register a BACI release zip as a new snapshot raw_dir()/baci/<stamp>/ and convert it.

    `zip_path_or_url` is a downloaded zip (copied as obtained) or an http(s) URL to download; offline,
    a URL fails at once with FetchError and existing snapshots stay usable. The snapshot holds the
    zip, `parquet/` (see convert_baci_release for units) and a source.yml with publisher, licence as
    CEPII states it, sha256 of every file and the unit conversions. Built in a temporary folder and
    renamed at the end, so a failure leaves nothing behind. Returns the snapshot folder.
    """
    stamp = fetching.new_stamp(SOURCE, stamp)
    target = raw_dir() / SOURCE / stamp
    text = str(zip_path_or_url)
    is_url = text.startswith(("http://", "https://"))
    if not is_url and not Path(text).is_file():
        raise DataError(f"{text}: no such file. Download the BACI zip from {CEPII_PAGE} and pass its path.")
    if not is_url:
        inspect_release(Path(text))  # before copying gigabytes, and so that errors name the user's file
    with atomic_dir(target) as tmp:
        zip_file = _download(text, tmp, timeout_s) if is_url else _copy_local(Path(text), tmp)
        release = inspect_release(zip_file)
        convert_baci_release(zip_file, tmp / "parquet")
        record = _source_record(release, text, is_url, tmp)
        SourceRecord.model_validate(record)  # fail before the snapshot becomes visible
        (tmp / SIDECAR).write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def scan_baci_snapshot(snapshot: Path | None = None) -> pl.LazyFrame:
    """scan_baci over a snapshot's parquet (default: the newest snapshot under raw_dir()/baci).

    First every file under the snapshot's parquet/ is checked against the sha256 in its source.yml;
    a file that is missing, changed, or not listed there (an extra partition would be scanned too)
    raises DataError. Kept cheap on purpose: the release zip (gigabytes, only needed to convert again)
    is not hashed here (`bilateral data verify` checks it); the parquet is hashed once per process, at
    roughly a second per GB, and again only when a file's size or modification time changes.
    """
    snapshot = snapshot or newest_snapshot(raw_dir() / SOURCE)
    if snapshot is None:
        raise DataError(
            f"No BACI snapshot under {raw_dir() / SOURCE}. Download a release zip from {CEPII_PAGE} and run "
            "`bilateral data fetch baci <path to zip>` (or fetch_baci_snapshot('<path to zip>'))."
        )
    snapshot = Path(snapshot)
    verify_snapshot_parquet(snapshot)
    return scan_baci(snapshot / "parquet")


def verify_snapshot_parquet(snapshot: Path) -> None:
    """DataError unless the files under `snapshot`/parquet are exactly those of its source.yml, unchanged."""
    record = read_source(snapshot)
    listed = {item.path: item for item in record.files if item.path.startswith("parquet/")}
    present = {p.relative_to(snapshot).as_posix() for p in (snapshot / "parquet").rglob("*") if p.is_file()}
    unlisted = sorted(present - set(listed))
    if unlisted:
        raise DataError(
            f"{snapshot}: {', '.join(unlisted[:3])} not listed in {SIDECAR}; a snapshot's files are fixed when it is "
            "made. Remove the extra file(s), or register the release again with fetch_baci_snapshot(<zip>)."
        )
    for item in listed.values():
        _verify_file(snapshot / item.path, item)


def _verify_file(path: Path, item: FileRecord) -> None:
    again = "Register the release zip again with fetch_baci_snapshot(<zip>), which converts it into a new snapshot."
    check_listed_file(path, item, fix=again)


def _download(url: str, folder: Path, timeout_s: float) -> Path:
    """Download to `folder`; `timeout_s` bounds each wait for bytes, DOWNLOAD_SECONDS the whole download (a
    server that trickles a byte a minute would otherwise never end) and DOWNLOAD_BYTES its size."""
    name = Path(urllib.parse.urlparse(url).path).name
    target = folder / (name if name.endswith(".zip") else "baci_release.zip")
    deadline = time.monotonic() + DOWNLOAD_SECONDS.value()
    received = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response, target.open("wb") as out:
            while chunk := response.read1(1 << 20):  # what has arrived, so the deadline is checked often
                received += len(chunk)
                if received > DOWNLOAD_BYTES.value():
                    raise FetchError(
                        f"Download from {redact_url(url)} stopped: "
                        + DOWNLOAD_BYTES.exceeded(f"more than {received:,} bytes")
                    )
                if time.monotonic() > deadline:
                    raise FetchError(
                        f"Download from {redact_url(url)} stopped after {received:,} bytes: "
                        + DOWNLOAD_SECONDS.exceeded("still running")
                    )
                out.write(chunk)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(
            f"Could not download BACI from {redact_url(url)} ({reason}). If you are offline, download the zip from {CEPII_PAGE} "
            "elsewhere and pass its local path; existing snapshots remain usable."
        ) from exc
    if not zipfile.is_zipfile(target):
        raise FetchError(
            f"{redact_url(url)} did not return a zip (perhaps an HTML page). Check the URL on {CEPII_PAGE}."
        )
    return target


def _copy_local(path: Path, folder: Path) -> Path:
    target = folder / path.name
    shutil.copyfile(path, target)
    return target


def _source_record(release: BaciRelease, origin: str, is_url: bool, folder: Path) -> dict[str, Any]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {
        "name": SOURCE,
        "title": f"CEPII BACI {release.classification} release V{release.version}: bilateral trade by HS6 product",
        "publisher": PUBLISHER,
        "origin": {
            "urls": [redact_url(origin)] if is_url else [CEPII_PAGE],
            "documentation": CEPII_DOC,
            **({} if is_url else {"local_file": Path(origin).name}),
        },
        "licence": LICENCE,
        "retrieved": datetime.now(UTC).isoformat(timespec="seconds"),
        "description": (
            f"{release.dataset_version}: the release zip as obtained, plus parquet/ converted once by "
            "bilateral.data.sources.baci (trade_flows schema, one partition per year). Units: value_usd = BACI v "
            "(thousands of current US$) * 1000; quantity = BACI q in metric tonnes (quantity_unit 't'); "
            "net_weight_kg = q * 1000. reporter_iso3 = exporter i, partner_iso3 = importer j, flow 'export', "
            "reported_by 'RECONCILED'."
        ),
        "caveats": [
            "Values are CEPII's reconciliation of exporter and importer declarations (FOB), not any country's own figure.",
            "Only strictly positive flows are recorded; an absent row is not proof of zero trade.",
            "Quantity (tonnes) is missing for some flows; such rows have null quantity, net_weight_kg and quantity_unit.",
            "Code 490 'Other Asia, nes' (iso3 S19) is mapped to TWN, following CEPII's FAQ that it stands for Taiwan.",
            "CEPII revises past years in each release: never mix BACI versions; the latest year is provisional.",
        ],
        "files": [
            {"path": p.relative_to(folder).as_posix(), "sha256": sha256_file(p), "bytes": p.stat().st_size}
            for p in files
        ],
        "query": {"zip_path_or_url": redact_url(origin) if is_url else Path(origin).name},
        "is_format_sample": release.is_synthetic,
    }
