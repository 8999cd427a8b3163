"""Fixtures that give a test its own copy of data/ (and reports/) so it can corrupt or fill them safely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/ whose raw/ the test may edit; BILATERAL_DATA_DIR points at it."""
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
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
