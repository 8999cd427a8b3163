"""Run one parameterized notebook with papermill and publish its report atomically.

The order matters for "nothing is lost": parameters are validated before a kernel starts; the
notebook executes into a private temporary folder; only when execution and rendering both succeed
are the .ipynb and .html moved into reports/<notebook>/<slug>.* (each by an atomic rename). A failure
raises ReportError naming the cell and the error, and leaves the previous report, if any, untouched.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

from bilateral import __version__
from bilateral.data.paths import notebooks_dir, reports_dir
from bilateral.errors import BilateralError, ParameterError, ReportError
from bilateral.reports.params import SCHEMAS, ReportParams, validate_parameters


@dataclass
class ReportResult:
    """What a run produced (or why it failed), for the CLI and the gallery."""

    notebook: str
    params: ReportParams | None
    raw_params: dict[str, Any]
    title: str
    status: str  # "ok" | "failed"
    seconds: float
    html_path: Path | None = None
    ipynb_path: Path | None = None
    error: str | None = None
    sources: list[str] = field(default_factory=list)


def notebook_path(notebook: str) -> Path:
    """Resolve a notebook given by name ('trade_overview') or path; unknown names list what exists."""
    candidate = Path(notebook)
    if candidate.suffix == ".ipynb" and candidate.is_file():
        return candidate.resolve()
    path = notebooks_dir() / f"{candidate.stem}.ipynb"
    if path.is_file():
        return path
    known = ", ".join(sorted(p.stem for p in notebooks_dir().glob("*.ipynb")))
    raise ParameterError(f"No notebook '{notebook}' in {notebooks_dir()}; available: {known}.")


def run_report(notebook: str, raw_params: dict[str, Any], *, kernel_name: str | None = None) -> ReportResult:
    """Validate, execute and render one report; raises BilateralError on any failure (nothing written)."""
    path = notebook_path(notebook)
    name = path.stem
    if name not in SCHEMAS:
        raise ParameterError(
            f"{path.name} has no parameter schema, so it is not a report (explore.ipynb is for live use in "
            f"JupyterLab: `make lab`). Reports: {', '.join(sorted(SCHEMAS))}."
        )
    params = validate_parameters(name, raw_params)
    source_nb = nbformat.read(path, as_version=4)
    meta = dict(source_nb.metadata.get("bilateral", {}))
    out_dir = reports_dir() / name
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f".{params.slug()}.", dir=out_dir) as tmp:
        executed_path = Path(tmp) / f"{params.slug()}.ipynb"
        executed = _execute(path, executed_path, params, kernel_name)
        seconds = time.perf_counter() - started
        executed.metadata["bilateral"] = {
            **meta,
            "parameters": params.model_dump(),
            "sources": params.sources() or list(meta.get("sources", [])),
            "run_id": uuid.uuid4().hex,
            "finished_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "duration_s": round(seconds, 2),
            "bilateral_version": __version__,
        }
        nbformat.write(executed, executed_path)
        html_tmp = Path(tmp) / f"{params.slug()}.html"
        _render(executed, html_tmp, params.title())
        ipynb_path, html_path = out_dir / executed_path.name, out_dir / html_tmp.name
        os.replace(executed_path, ipynb_path)
        os.replace(html_tmp, html_path)
    return ReportResult(
        notebook=name,
        params=params,
        raw_params=raw_params,
        title=params.title(),
        status="ok",
        seconds=time.perf_counter() - started,
        html_path=html_path,
        ipynb_path=ipynb_path,
        sources=params.sources() or list(meta.get("sources", [])),
    )


def _execute(path: Path, target: Path, params: ReportParams, kernel_name: str | None) -> nbformat.NotebookNode:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            str(path),
            str(target),
            parameters=params.model_dump(),
            kernel_name=kernel_name,
            cwd=str(path.parent),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as exc:
        raise ReportError(
            f"Notebook {path.name} failed in cell {exc.exec_count} with {exc.ename}: {_first_line(exc.evalue)}. "
            "No report was written; fix the cause (the message above says what) and run again."
        ) from None
    except BilateralError:
        raise
    except Exception as exc:  # kernel died, notebook unreadable, ...
        raise ReportError(f"Could not execute {path.name}: {type(exc).__name__}: {_first_line(str(exc))}") from exc
    return nbformat.read(target, as_version=4)


def _render(executed: nbformat.NotebookNode, target: Path, title: str) -> None:
    from bilateral.reports.render import render_html

    try:
        html = render_html(executed, title=title)
    except BilateralError:
        raise
    except Exception as exc:
        raise ReportError(f"Rendering the HTML report failed: {type(exc).__name__}: {_first_line(str(exc))}") from exc
    target.write_text(html, encoding="utf-8")


def _first_line(text: str) -> str:
    stripped = str(text).strip()
    return stripped.splitlines()[0] if stripped else ""
