"""A report's .ipynb and .html (and its cache record) are replaced together or not at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bilateral.errors import ReportError
from bilateral.reports import publish

PAIR = ("trade_overview/CHN-RUS_2005-2024.ipynb", "trade_overview/CHN-RUS_2005-2024.html")


def published(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in PAIR}


def version(tag: str) -> dict[str, bytes]:
    return {name: f"{tag} {name}".encode() for name in PAIR}


def test_publish_replaces_both_files_and_leaves_no_staging_folder(tmp_path: Path):
    publish.publish(tmp_path, version("v1"))
    publish.publish(tmp_path, version("v2"))
    assert published(tmp_path) == version("v2")
    assert [p.name for p in tmp_path.iterdir()] == ["trade_overview"]


def test_when_the_html_cannot_be_replaced_the_old_pair_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    publish.publish(tmp_path, version("v1"))
    real_replace = os.replace

    def failing_replace(source, target):
        if str(target).endswith(".html"):
            raise PermissionError(13, "Permission denied")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(ReportError, match="previous report, if any, is kept"):
        publish.publish(tmp_path, version("v2"))
    monkeypatch.undo()
    assert published(tmp_path) == version("v1")
    assert [p.name for p in tmp_path.iterdir()] == ["trade_overview"]


def test_a_first_publication_that_fails_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    real_replace = os.replace
    monkeypatch.setattr(
        os,
        "replace",
        lambda s, t: (
            (_ for _ in ()).throw(OSError(28, "No space left on device"))
            if str(t).endswith(".html")
            else real_replace(s, t)
        ),
    )
    with pytest.raises(ReportError, match="No space left on device"):
        publish.publish(tmp_path, version("v1"))
    monkeypatch.undo()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


CRASH_BETWEEN_THE_TWO_RENAMES = """
import os, sys
from pathlib import Path
from bilateral.reports import publish
real_replace = os.replace
def replace(source, target):
    if str(target).endswith(".html"):
        os._exit(9)  # killed after the .ipynb was replaced, before the .html
    return real_replace(source, target)
os.replace = replace
publish.publish(Path(sys.argv[1]), {name: f"v2 {name}".encode() for name in %r})
"""


def test_a_run_killed_mid_publication_is_rolled_back_by_the_next_run(tmp_path: Path):
    publish.publish(tmp_path, version("v1"))
    crashed = subprocess.run([sys.executable, "-c", CRASH_BETWEEN_THE_TWO_RENAMES % (PAIR,), str(tmp_path)], timeout=60)
    assert crashed.returncode == 9
    assert (tmp_path / PAIR[0]).read_bytes() == b"v2 " + PAIR[0].encode(), "the crash did leave a mixed pair"
    done = publish.sweep(tmp_path)
    assert any("rolled back an interrupted publication" in line for line in done)
    assert published(tmp_path) == version("v1")
    assert [p.name for p in tmp_path.iterdir()] == ["trade_overview"]


def test_sweep_keeps_the_staging_folder_of_a_live_run(tmp_path: Path):
    mine = tmp_path / f"{publish.STAGING_PREFIX}{os.getpid()}-abcd1234"
    mine.mkdir()
    stale = tmp_path / f"{publish.TEMP_PREFIX}999999999-abcd1234-index.html"
    stale.write_text("half a gallery")
    (tmp_path / ".bilateral" / "records").mkdir(parents=True)
    stale_record = tmp_path / ".bilateral" / "records" / f"{publish.TEMP_PREFIX}999999999-abcd1234-x.json"
    stale_record.write_text("{")
    publish.sweep(tmp_path)
    assert mine.is_dir() and not stale.exists() and not stale_record.exists()
