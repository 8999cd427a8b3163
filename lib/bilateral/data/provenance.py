"""Provenance sidecars (`source.yml`): read, verify and write them.

Every dataset under data/raw/<source>/ (or a fetched snapshot under data/raw/<source>/<stamp>/) has a
`source.yml` saying who published it, where it came from, under which licence, when it was retrieved,
the sha256 of every file, and its known caveats. Nothing is loaded without it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bilateral.data import yaml_text
from bilateral.data.atomic import atomic_dir
from bilateral.errors import DataError

SIDECAR = "source.yml"


class FileRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    sha256: str
    bytes: int
    description: str = ""

    @field_validator("path")
    @classmethod
    def _inside_the_folder(cls, value: str) -> str:
        """A listed file lives in its source's folder: no absolute path, no '..', no backslash tricks."""
        parts = PurePosixPath(value).parts
        if not value or value.startswith(("/", "\\")) or "\\" in value or ".." in parts or ":" in value.split("/")[0]:
            raise ValueError(f"file path {value[:80]!r} must be relative to the source's folder, without '..'")
        return value


class Origin(BaseModel):
    model_config = ConfigDict(extra="allow")

    urls: list[str] = Field(default_factory=list)
    repository: str | None = None
    commit: str | None = None
    api: str | None = None


class SourceRecord(BaseModel):
    """The contents of one source.yml."""

    model_config = ConfigDict(extra="forbid")

    name: str
    title: str
    publisher: str
    origin: Origin
    licence: str
    retrieved: str
    description: str
    caveats: list[str] = Field(default_factory=list)
    files: list[FileRecord]
    query: dict[str, Any] | None = None
    is_format_sample: bool = False  # True for recorded API fixtures: parse tests only, never report data


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# source.yml text -> its parsed record: a warm kernel reads the same sidecars report after report
_PARSED: dict[str, SourceRecord] = {}


def read_source(folder: Path) -> SourceRecord:
    """The parsed source.yml of `folder` (a copy the caller may change); DataError when missing or invalid.

    The file is read every time, on purpose: a report kernel's audit hook records which sidecars a report
    opened, and the report cache invalidates on them (reports/kernel_state.py). Only the parsing of a text
    seen before is skipped.
    """
    sidecar = folder / SIDECAR
    if not sidecar.is_file():
        raise DataError(f"{folder}: no {SIDECAR}; every dataset needs its provenance beside it.")
    text = sidecar.read_text(encoding="utf-8")
    if text not in _PARSED:
        try:
            _PARSED[text] = SourceRecord.model_validate(yaml_text.load(text))
        except (yaml.YAMLError, ValidationError) as exc:
            raise DataError(f"{sidecar}: not a valid provenance file: {exc}") from exc
    return _PARSED[text].model_copy(deep=True)


def verify_files(folder: Path, record: SourceRecord) -> list[str]:
    """Problems with the files of one source (missing, size or checksum mismatch); empty when all is well."""
    problems = []
    root = folder.resolve()
    for item in record.files:
        path = folder / item.path
        if not path.resolve().is_relative_to(root):
            problems.append(
                f"{path}: resolves outside {folder} (a link?); provenance only covers files inside the folder."
            )
            continue
        if not path.is_file():
            problems.append(f"{path}: missing (listed in {folder / SIDECAR}). Restore it from git or re-fetch.")
            continue
        actual = sha256_file(path)
        if actual != item.sha256:
            problems.append(
                f"{path}: checksum mismatch (expected sha256 {item.sha256[:12]}..., found {actual[:12]}...). "
                "The file was changed or corrupted; restore it with `git checkout -- <file>` or re-fetch."
            )
    return problems


# (resolved path, bytes, mtime_ns, sha256) of files hashed in this process: a large file is hashed once per
# process, not once per query; a file changed since (size or mtime) is hashed again.
_VERIFIED: set[tuple[str, int, int, str]] = set()


def check_listed_file(path: Path, item: FileRecord, *, fix: str) -> None:
    """DataError unless `path` exists and matches its source.yml entry (size and sha256). `fix` says what to do.

    The one checksum verifier: shipped loaders, snapshot readers and BACI scans all come through here.
    """
    if not path.is_file():
        raise DataError(f"{path}: missing (listed in {SIDECAR}). {fix}")
    stat = path.stat()
    seen = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, item.sha256)
    if seen in _VERIFIED:
        return
    actual = sha256_file(path)  # the checksum decides; a size recorded wrongly beside a right checksum does not
    if actual != item.sha256:
        raise DataError(
            f"{path}: checksum mismatch with {SIDECAR} (expected sha256 {item.sha256[:12]}..., found {actual[:12]}...): "
            f"the file is corrupted or was edited by hand. {fix}"
        )
    _VERIFIED.add(seen)


def require_verified(folder: Path, record: SourceRecord, relative: str) -> Path:
    """Path of one listed file after checking it exists and matches its checksum."""
    matches = [item for item in record.files if item.path == relative]
    if not matches:
        raise DataError(f"{folder / SIDECAR} does not list {relative}.")
    path = folder / relative
    check_listed_file(
        path, matches[0], fix=f"Restore it (`git checkout -- {path}`) or re-fetch; run `bilateral data verify`."
    )
    return path


def write_snapshot(
    source_dir: Path,
    files: dict[str, bytes],
    *,
    record: dict[str, Any],
    stamp: str | None = None,
) -> Path:
    """Write a new snapshot folder `source_dir/<stamp>/` with `files` and a source.yml, atomically.

    `record` holds the SourceRecord fields except `files` (computed here) and `retrieved`
    (defaults to now, UTC). Returns the snapshot folder. An existing snapshot is never overwritten.
    """
    now = datetime.now(UTC)
    stamp = stamp or now.strftime("%Y-%m-%dT%H%M%SZ")
    target = source_dir / stamp
    if target.exists():
        raise DataError(f"{target} already exists; snapshots are immutable.")
    with atomic_dir(target) as tmp:
        entries = []
        for name, data in files.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_bytes(data)
            entries.append({"path": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
        full = {"retrieved": now.isoformat(timespec="seconds"), **record, "files": entries}
        SourceRecord.model_validate(full)  # fail before anything becomes visible
        (tmp / SIDECAR).write_text(yaml.safe_dump(full, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def list_snapshots(source_dir: Path) -> list[Path]:
    """Snapshot folders of a fetched source, oldest first (names are sortable UTC stamps)."""
    if not source_dir.is_dir():
        return []
    return sorted(
        p for p in source_dir.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / SIDECAR).is_file()
    )


def newest_snapshot(source_dir: Path) -> Path | None:
    snapshots = list_snapshots(source_dir)
    return snapshots[-1] if snapshots else None
