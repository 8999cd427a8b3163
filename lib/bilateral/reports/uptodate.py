"""Whole-plan up-to-date check: a rerun of an unchanged plan answers without loading the runner.

Per-report reuse (cache.py) still validates every parameter set and computes every key, which needs
pydantic, the schemas and the country tables: about 0.3 s for 24 reports, most of it imports. When a
plan's last run ended with every report published, a snapshot of what that run depended on is kept in
reports/.bilateral/plans/; the next run of the same plan compares it first and, if nothing changed,
rewrites the gallery (every card "reused") and stops, in about a tenth of a second.

The snapshot covers: the plan file's bytes, the options that change validation, the current year
(parameter ranges end at it), the BILATERAL_* folders, the library's files (size and mtime of each),
the installed packages (names and versions of every distribution on sys.path), each notebook file,
the source.yml digest and file stats of every data folder any report declared or read, and the size
and mtime of every published file and cache record. Any difference, or any error while checking, falls
back to the full run, which decides report by report.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bilateral.data.paths import reports_dir

SNAPSHOT_DIR = ".bilateral/plans"
FORMAT = 2  # 2: cards keep the summary and the notebook page
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _stat(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def _library_stats() -> str:
    items = sorted(
        (p.relative_to(PACKAGE_DIR).as_posix(), *_stat(p))
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()


def _installed() -> str:
    names = []
    for entry in sys.path:
        try:
            names.extend(n for n in os.listdir(entry or ".") if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()


def _inputs(plan_file: Path, allow_outside: bool, max_reports: int) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "plan": hashlib.sha256(plan_file.read_bytes()).hexdigest(),
        "options": [allow_outside, max_reports],
        "year": date.today().year,
        "environ": sorted([k, v] for k, v in os.environ.items() if k.startswith("BILATERAL_")),
        "library": _library_stats(),
        "installed": _installed(),
    }


def _snapshot_path(root: Path, plan_file: Path) -> Path:
    name = hashlib.sha256(str(plan_file.resolve()).encode()).hexdigest()[:16]
    return root / SNAPSHOT_DIR / f"{name}.json"


def _unchanged(snapshot: dict[str, Any], root: Path) -> bool:
    from bilateral.reports.cache import file_stats, folder_digest

    for path, stat in snapshot["notebooks"].items():
        if _stat(Path(path)) != stat:
            return False
    for folder, (digest, stats) in snapshot["data"].items():
        if folder_digest(folder) != digest or file_stats(folder) != stats:
            return False
    return all(_stat(root / relative) == stat for relative, stat in snapshot["outputs"].items())


def reuse(plan_file: Path, *, allow_outside: bool, max_reports: int) -> dict[str, Any] | None:
    """The saved snapshot if nothing the plan's last complete run depended on changed; None otherwise."""
    root = reports_dir()
    try:
        snapshot = json.loads(_snapshot_path(root, plan_file).read_text(encoding="utf-8"))
        if snapshot.get("inputs") != _inputs(plan_file, allow_outside, max_reports):
            return None
        return snapshot if _unchanged(snapshot, root) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(
    plan_file: Path, *, allow_outside: bool, max_reports: int, plan: Any, planned: list[Any], results: list[Any]
) -> None:
    """After a run in which every report is published (ran or reused): remember what it depended on."""
    from bilateral.reports import cache
    from bilateral.reports.publish import write_atomic

    root = reports_dir()
    target = _snapshot_path(root, plan_file)
    if any(r.status not in ("ok", "reused") for r in results):
        target.unlink(missing_ok=True)
        return
    data: dict[str, Any] = {}
    outputs: dict[str, list[int]] = {}
    cards = []
    for report, result in zip(planned, results, strict=True):
        slug = report.params.slug()
        record = cache.read_record(root, report.notebook, slug)
        pages = (result.html_path, result.ipynb_path, result.notebook_html_path)
        if record is None or any(path is None for path in pages):
            target.unlink(missing_ok=True)
            return
        for folder, digest in record.data.items():
            data[folder] = [digest, record.stats.get(folder, cache.file_stats(folder))]
        for path in (*pages, cache.record_path(root, report.notebook, slug)):
            outputs[path.relative_to(root).as_posix()] = _stat(path)
        cards.append(
            {
                "notebook": report.notebook,
                "parameters": report.params.model_dump(),
                "title": result.title,
                "sources": result.sources,
                "publishers": result.publishers,
                "seconds": record.seconds,
                "finished_utc": record.finished_utc,
                "html": result.html_path.relative_to(root).as_posix(),
                "ipynb": result.ipynb_path.relative_to(root).as_posix(),
                "notebook_html": result.notebook_html_path.relative_to(root).as_posix(),
                "summary": record.summary,
            }
        )
    snapshot = {
        "inputs": _inputs(plan_file, allow_outside, max_reports),
        "title": plan.title,
        "description": plan.description,
        "notebooks": {str(report.path): _stat(report.path) for report in planned},
        "data": data,
        "outputs": outputs,
        "cards": cards,
    }
    write_atomic(target, json.dumps(snapshot).encode())


def results_from(snapshot: dict[str, Any]) -> list[Any]:
    """Gallery cards for a reused plan: every report "reused", as the full check would have found."""
    from bilateral.reports.execute import ReportResult

    root = reports_dir()
    return [
        ReportResult(
            notebook=card["notebook"],
            params=None,
            raw_params=card["parameters"],
            title=card["title"],
            status="reused",
            seconds=card["seconds"],
            html_path=root / card["html"],
            ipynb_path=root / card["ipynb"],
            notebook_html_path=root / card["notebook_html"],
            summary=card["summary"],
            sources=card["sources"],
            publishers=card["publishers"],
            finished_utc=card["finished_utc"],
        )
        for card in snapshot["cards"]
    ]


# -- the fast path of `bilateral report plan`, before the command-line framework loads --------------
_VALUED = ("-j", "--workers", "--timeout", "--executor", "--address", "--max-reports")


def _parse(argv: list[str]) -> dict[str, Any] | None:
    """Options of `report plan PLAN ...` when they are all plainly valid; None sends the command to typer."""
    if len(argv) < 3 or argv[:2] != ["report", "plan"] or argv[2].startswith("-"):
        return None
    found: dict[str, Any] = {"plan": Path(argv[2]), "allow_outside": False, "max_reports": 500, "executor": "local"}
    rest, index = argv[3:], 0
    while index < len(rest):
        name, equals, value = rest[index].partition("=")
        if name == "--allow-outside-notebooks" and not equals:
            found["allow_outside"], index = True, index + 1
            continue
        if name not in _VALUED:
            return None  # --force, --help, anything else: the full command decides
        if not equals:
            if index + 1 >= len(rest):
                return None
            value, index = rest[index + 1], index + 2
        else:
            index += 1
        found[name.lstrip("-").replace("-", "_")] = value
    try:
        max_reports, workers = int(found["max_reports"]), int(found.get("workers", found.get("j", 1)))
        timeout = float(found.get("timeout", 600))
    except ValueError:
        return None
    dask = found["executor"] == "dask"
    if (
        workers < 1
        or not 0 < timeout <= 86400
        or found["executor"] not in ("local", "dask")
        or dask != ("address" in found)
    ):
        return None
    found["max_reports"] = max_reports
    return found


def fast_rerun(argv: list[str]) -> bool:
    """Answer `bilateral report plan PLAN` for an unchanged plan without loading the runner; False otherwise."""
    options = _parse(argv)
    if options is None:
        return False
    snapshot = reuse(options["plan"], allow_outside=options["allow_outside"], max_reports=options["max_reports"])
    if snapshot is None:
        return False
    from bilateral.errors import BilateralError
    from bilateral.reports.gallery import write_gallery

    results = results_from(snapshot)
    try:
        index = write_gallery(results, reports_dir(), title=snapshot["title"], description=snapshot["description"])
    except BilateralError:
        return False  # the full command reports the problem properly
    lines = [f"↺ {result.title} (reused)" for result in results] + [str(index)]
    text = "\n".join(lines) + "\n"
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        sys.stdout.write(text.replace("↺", "reused:"))
    return True
