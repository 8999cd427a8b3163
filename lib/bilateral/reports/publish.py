"""Publish a report's files as one unit: the new .ipynb, its page, the .html and the cache record together, or the old ones.

Readers know a report by its three files, reports/<notebook>/<slug>.html (the report), <slug>.ipynb (the
executed notebook) and <slug>.notebook.html (that notebook as a page, code shown), so they cannot be swapped
by one rename. Instead a small journal makes the swap all-or-nothing, for any number of files:

1. the new files are written into a private staging folder `reports/.publish-<pid>-<random>/new/`;
2. each file to be replaced is hard-linked into `old/` (the published name keeps pointing at it), and
   `journal.json` records which targets existed;
3. each new file is renamed over its target (every rename is atomic, so a reader sees the old file or the
   new one, never half of one); the cache record goes last;
4. `committed` is written, and the staging folder removed.

A failure in step 3 rolls back at once (the old files return, new ones that had no predecessor are
removed). A process killed during step 3 leaves its staging folder; the next run (`sweep`) finds it by
its dead pid and rolls back the same way, or finishes the clean-up if `committed` was written. Staging
folders of dead runs are removed on every run, so no temporary file outlives the run that made it for
longer than the next run's start.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

from bilateral.errors import ReportError

STAGING_PREFIX = ".publish-"
TEMP_PREFIX = ".tmp-"  # single files written atomically by this module (the gallery)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(name: str, prefix: str) -> int:
    try:
        return int(name[len(prefix) :].split("-", 1)[0])
    except ValueError:
        return -1


def publish(root: Path, files: dict[str, bytes]) -> None:
    """Replace every `root/<relative path>` in `files` as one unit; raises ReportError if it cannot.

    Keys are paths relative to `root` (e.g. "trade_overview/CHN-RUS_2005-2024.html"), applied in order.
    """
    staging = root / f"{STAGING_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    (staging / "new").mkdir(parents=True)
    (staging / "old").mkdir()
    entries = []
    try:
        for number, (relative, data) in enumerate(files.items()):
            name = f"{number}-{Path(relative).name}"
            (staging / "new" / name).write_bytes(data)
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            existed = target.is_file()
            if existed:
                _backup(target, staging / "old" / name)
            entries.append({"name": name, "target": relative, "existed": existed})
        _write_journal(staging, entries)
        for entry in entries:
            os.replace(staging / "new" / entry["name"], root / entry["target"])
        (staging / "committed").touch()
    except BaseException as exc:  # includes the runner's stop signal: never leave half a pair
        _roll_back(root, staging, entries)
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise ReportError(
                f"Could not publish {', '.join(files)} in {root}: {exc.strerror or exc}. The previous report, if any, "
                "is kept; check that the reports folder is writable and has space."
            ) from None
        raise
    shutil.rmtree(staging, ignore_errors=True)


def _backup(target: Path, backup: Path) -> None:
    try:
        os.link(target, backup)
    except OSError:  # no hard links on this file system: a copy does the same job, more slowly
        shutil.copy2(target, backup)


def _write_journal(staging: Path, entries: list[dict[str, object]]) -> None:
    tmp = staging / "journal.json.tmp"
    tmp.write_text(json.dumps(entries), encoding="utf-8")
    os.replace(tmp, staging / "journal.json")


def _roll_back(root: Path, staging: Path, entries: list[dict[str, object]]) -> None:
    """Put back every target the journal lists: the old file where there was one, nothing where there was none."""
    for entry in entries:
        name, target = str(entry["name"]), root / str(entry["target"])
        moved = not (staging / "new" / name).exists()
        if not moved:
            continue
        if entry["existed"]:
            os.replace(staging / "old" / name, target)
        else:
            target.unlink(missing_ok=True)


def sweep(root: Path) -> list[str]:
    """Finish or roll back the publications of dead runs and delete their temporary files; returns what was done."""
    done: list[str] = []
    if not root.is_dir():
        return done
    for item in root.iterdir():
        if item.name.startswith(STAGING_PREFIX) and item.is_dir() and not _pid_alive(_owner(item.name, STAGING_PREFIX)):
            if not (item / "committed").exists() and (item / "journal.json").is_file():
                try:
                    entries = json.loads((item / "journal.json").read_text(encoding="utf-8"))
                    _roll_back(root, item, entries)
                    done.append(f"rolled back an interrupted publication ({', '.join(e['target'] for e in entries)})")
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    done.append(f"could not roll back {item.name}: {exc}")
                    continue
            shutil.rmtree(item, ignore_errors=True)
            done.append(f"removed {item.name}")
    for item in root.rglob(f"{TEMP_PREFIX}*"):  # gallery, cache records, plan snapshots
        if item.is_file() and not _pid_alive(_owner(item.name, TEMP_PREFIX)):
            item.unlink(missing_ok=True)
            done.append(f"removed {item.relative_to(root)}")
    return done


def write_atomic(target: Path, data: bytes) -> None:
    """Write one file by rename from a temporary file whose name carries our pid (so `sweep` can tell it is stale)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f"{TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}-{target.name}"
    try:
        tmp.write_bytes(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        raise ReportError(
            f"Could not write {target}: {exc.strerror or exc}. Check that the folder is writable."
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
