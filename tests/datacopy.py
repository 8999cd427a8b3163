"""Fixtures that give a test its own copy of data/ (and reports/) so it can corrupt or fill them safely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def copy_shipped_data(target: Path) -> Path:
    """Copy data/ without the snapshots a user fetched (data/raw/comtrade|imf|baci may hold gigabytes, and a test
    must pass whatever a user fetched before); derived caches are kept, since they are keyed by checksums."""
    from bilateral.data import registry

    fetched = {s.name for s in registry.upstreams()}

    def skip(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if Path(folder) == REPO / "data" / "raw" and n in fetched]

    shutil.copytree(REPO / "data", target, ignore=skip)
    return target


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped data/ whose raw/ the test may edit; BILATERAL_DATA_DIR points at it."""
    target = copy_shipped_data(tmp_path / "data")
    monkeypatch.setenv("BILATERAL_DATA_DIR", str(target))
    return target


@pytest.fixture
def reports_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty reports/ folder; BILATERAL_REPORTS_DIR points at it."""
    target = tmp_path / "reports"
    target.mkdir()
    monkeypatch.setenv("BILATERAL_REPORTS_DIR", str(target))
    return target


def corrupt(path: Path) -> None:
    """Change one byte in the middle of a file (keeps its size, breaks its checksum)."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] = ord("9") if data[middle] != ord("9") else ord("8")
    path.write_bytes(bytes(data))


def rewrite_keeping_provenance(folder: Path, name: str, old: str, new: str) -> None:
    """Edit a data file and re-record its checksum, so the loader's own validation is what gets tested."""
    import yaml

    from bilateral.data.provenance import sha256_file

    target = folder / name
    text = target.read_text()
    assert old in text, f"{old!r} not in {name}"
    target.write_text(text.replace(old, new, 1))
    record = yaml.safe_load((folder / "source.yml").read_text())
    for item in record["files"]:
        if item["path"] == name:
            item["sha256"], item["bytes"] = sha256_file(target), target.stat().st_size
    (folder / "source.yml").write_text(yaml.safe_dump(record, sort_keys=False))
