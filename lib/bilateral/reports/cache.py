"""The report cache: a report is reused when nothing it was made from has changed.

The key is a sha256 over everything that decides a report's content:
- the notebook's code and markdown (cell types, sources, tags, notebook metadata; stored outputs excluded),
- the validated parameters,
- the source.yml of every data folder the parameters name (each lists the sha256 of every file, and the
  loaders refuse a file that does not match: hashing the sidecar is hashing the data, without re-reading it),
- the library: every file of the `bilateral` package, which includes the HTML template and the vendored
  JavaScript (a version string would miss an edit),
- the versions of Python and of the packages that shape the output (altair, polars, nbconvert, vl-convert, ...).

A report may read data its schema did not name: the kernel records every source.yml it opened, and the
record written beside the published report keeps their digests and the size and mtime of their files.
A report is reused only if its record's key matches, those digests and file stats are unchanged (a data
file edited without updating its source.yml fails the rerun instead of being hidden), and all three
published files (report, executed notebook, notebook page) are still the ones the record describes. The record
also keeps the report's gallery card (`summary`), so a reused report keeps its finding, years and preview.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilateral.data import yaml_text
from bilateral.data.paths import raw_dir

FORMAT = 2  # bump when the record layout or the key recipe changes (2: the card summary, three published files)
RECORDS_DIR = ".bilateral/records"
PROVENANCE_FILE = "source.yml"
SHAPING_PACKAGES = (
    "altair",
    "polars",
    "pandas",
    "nbconvert",
    "nbformat",
    "papermill",
    "ipykernel",
    "ipywidgets",
    "vl-convert-python",  # the gallery preview stored in the record
)
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _sha(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def library_digest(root: Path = PACKAGE_DIR) -> str:
    """sha256 over every file of the bilateral package (code, templates, vendored JS, reference tables)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def environment_digest() -> str:
    """Python and the versions of the packages whose behaviour shows in a report."""
    from importlib import metadata

    versions = [f"python={sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}"]
    for name in SHAPING_PACKAGES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=absent")
    return _sha(*(v.encode() for v in versions))


def notebook_digest(nb: dict[str, Any]) -> str:
    """What in a notebook decides its report: cell types, sources and tags, and the notebook metadata."""
    cells = [
        [cell.get("cell_type"), _text(cell.get("source", "")), sorted(cell.get("metadata", {}).get("tags", []))]
        for cell in nb.get("cells", [])
    ]
    return _sha(json.dumps([cells, nb.get("metadata", {})], sort_keys=True, default=str).encode())


def _text(source: str | list[str]) -> str:
    return "".join(source) if isinstance(source, list) else source


def _sidecar(folder: str) -> tuple[Path, int, int] | None:
    path = raw_dir() / folder / PROVENANCE_FILE
    try:
        stat = path.stat()
    except OSError:
        return None
    return path, stat.st_mtime_ns, stat.st_size


def folder_digest(folder: str) -> str:
    """sha256 of a data folder's source.yml (which lists every file's sha256); 'missing' when absent."""
    sidecar = _sidecar(folder)
    return _digest(*sidecar) if sidecar else "missing"


@functools.lru_cache(maxsize=256)
def _digest(path: Path, mtime_ns: int, size: int) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


@functools.lru_cache(maxsize=256)
def _listing(path: Path, mtime_ns: int, size: int) -> tuple[tuple[str, ...], str]:
    """(files listed, publisher) of a source.yml, parsed once per version of the file."""
    import yaml

    try:
        record = yaml_text.load(path.read_text(encoding="utf-8"))
        return tuple(str(item["path"]) for item in record.get("files", [])), str(record.get("publisher", ""))
    except (OSError, ValueError, TypeError, KeyError, AttributeError, yaml.YAMLError):
        return (), ""


def report_key(*, notebook_sha: str, parameters: dict[str, Any], sources: list[str], library: str) -> str:
    """The cache key of one report (see the module docstring for what goes in)."""
    declared = {folder: folder_digest(folder) for folder in sorted(set(sources))}
    payload = {
        "format": FORMAT,
        "notebook": notebook_sha,
        "parameters": parameters,
        "data": declared,
        "library": library,
        "environment": environment_digest(),
    }
    return _sha(json.dumps(payload, sort_keys=True, default=str).encode())


def folder_of(path: str, root: Path | None = None) -> str | None:
    """'/…/data/raw/imf/2026-…/source.yml' -> 'imf/2026-…'; None for a file outside the data folder."""
    root = (root or raw_dir()).resolve()
    try:
        relative = Path(path).resolve().parent.relative_to(root)
    except ValueError:
        return None
    return relative.as_posix()


def file_stats(folder: str) -> dict[str, list[int]]:
    """Size and mtime (ns) of every file a folder's source.yml lists: a cheap check that none changed."""
    sidecar = _sidecar(folder)
    if sidecar is None:
        return {}
    base = raw_dir() / folder
    stats: dict[str, list[int]] = {}
    for relative in _listing(*sidecar)[0]:
        try:
            stat = (base / relative).stat()
        except OSError:
            stats[relative] = [-1, -1]
            continue
        stats[relative] = [stat.st_size, stat.st_mtime_ns]
    return stats


@dataclass
class Record:
    """What the runner knows about a published report (stored as JSON beside the reports)."""

    key: str
    notebook: str
    slug: str
    title: str
    parameters: dict[str, Any]
    sources: list[str]
    finished_utc: str
    seconds: float
    data: dict[str, str] = field(default_factory=dict)  # folder -> source.yml sha256 (declared and read)
    stats: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # folder -> file -> [size, mtime_ns]
    outputs: dict[str, list[int]] = field(default_factory=dict)  # "html"/"ipynb"/"notebook_html" -> [size, mtime_ns]
    publishers: dict[str, str] = field(default_factory=dict)  # folder -> publisher, for the gallery
    summary: dict[str, Any] = field(default_factory=dict)  # the gallery card (reports/summary.py), kept for reuse
    format: int = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=1, sort_keys=True, default=str).encode()


def record_path(root: Path, notebook: str, slug: str) -> Path:
    return root / RECORDS_DIR / notebook / f"{slug}.json"


def read_record(root: Path, notebook: str, slug: str) -> Record | None:
    path = record_path(root, notebook, slug)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT:
            return None
        return Record(**raw)
    except (OSError, ValueError, TypeError):
        return None


def output_stats(html: Path, ipynb: Path, notebook_html: Path) -> dict[str, list[int]]:
    """Size and mtime of the three published files of a report (raises OSError when one is missing)."""
    stats = {}
    for kind, path in (("html", html), ("ipynb", ipynb), ("notebook_html", notebook_html)):
        stat = path.stat()
        stats[kind] = [stat.st_size, stat.st_mtime_ns]
    return stats


def still_valid(record: Record, key: str, html: Path, ipynb: Path, notebook_html: Path) -> bool:
    """True when the published report can be reused for `key` (see the module docstring)."""
    if record.key != key:
        return False
    try:
        if output_stats(html, ipynb, notebook_html) != record.outputs:
            return False
    except OSError:
        return False
    for folder, digest in record.data.items():
        if folder_digest(folder) != digest:
            return False
    return all(file_stats(folder) == stats for folder, stats in record.stats.items())


def describe_inputs(folders: set[str]) -> tuple[dict[str, str], dict[str, dict[str, list[int]]], dict[str, str]]:
    """Digests, file stats and publishers of the data folders a report used (for its record)."""
    digests, stats, publishers = {}, {}, {}
    for folder in sorted(folders):
        digests[folder] = folder_digest(folder)
        stats[folder] = file_stats(folder)
        publishers[folder] = _publisher(folder)
    return digests, stats, publishers


def _publisher(folder: str) -> str:
    sidecar = _sidecar(folder)
    return (_listing(*sidecar)[1] if sidecar else "") or folder
