"""One report, from notebook to rendered files: which notebooks may run, and executing one on a warm kernel.

Checks before anything runs (in the parent, for every report of a plan):
- only notebooks inside the project's notebooks folder run, unless the user passes
  `--allow-outside-notebooks` (a notebook is code that runs with the user's permissions, and a plan file
  naming any path would otherwise run it);
- the notebook must be a report (have a parameter schema) and its `parameters`-tagged cell must define
  exactly the schema's parameters, and no other cell may assign them: otherwise papermill would inject
  the values in a cell the notebook then overrides, and publish a report labelled with parameters it did
  not use.

Execution (in a worker thread here, or on a Dask worker): the notebook travels as text inside the task,
runs on a warm kernel, and comes back as the executed .ipynb and the rendered .html, as bytes; the
runner publishes them. A kernel that dies is replaced and the report retried once.
"""

from __future__ import annotations

import ast
import functools
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bilateral import __version__
from bilateral.data.paths import notebooks_dir, raw_dir
from bilateral.errors import BilateralError, ParameterError, ReportError

PARAMETERS_TAG = "parameters"
ALLOW_OUTSIDE_FLAG = "--allow-outside-notebooks"


@dataclass
class ReportResult:
    """What happened to one report of a run, for the CLI and the gallery."""

    notebook: str
    params: Any  # ReportParams, or None when the parameters never validated
    raw_params: dict[str, Any]
    title: str
    status: str  # "ok" | "reused" | "failed" | "stopped"
    seconds: float
    html_path: Path | None = None
    ipynb_path: Path | None = None
    error: str | None = None
    sources: list[str] = field(default_factory=list)
    publishers: dict[str, str] = field(default_factory=dict)
    finished_utc: str = ""
    previous: bool = False  # failed/stopped, but an earlier good report is still published at html_path
    attempts: int = 1
    notebook_html_path: Path | None = None  # the executed notebook with its code, as offline HTML
    summary: dict[str, Any] = field(default_factory=dict)  # the gallery card (summary.page_summary + preview)


@dataclass(frozen=True)
class ReportTask:
    """Everything a worker needs to produce one report; plain data, so it pickles to a Dask worker."""

    index: int
    notebook: str
    notebook_json: str
    parameters: dict[str, Any]
    slug: str
    title: str
    sources: tuple[str, ...]
    key: str
    timeout: float
    library: str
    data: tuple[tuple[str, str], ...] = ()  # (folder, source.yml sha256) the key was computed on
    environ: tuple[tuple[str, str], ...] | None = None  # BILATERAL_* of the caller; None on remote workers
    cwd: str = ""


@dataclass
class ExecutedReport:
    index: int
    ipynb: bytes
    html: bytes
    seconds: float
    finished_utc: str
    reads: list[str]  # data folders (relative to data/raw) whose source.yml the kernel opened
    attempts: int = 1
    kernel_pid: int = 0
    notebook_html: bytes = b""  # the executed notebook with its code shown, offline HTML
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass
class FailedReport:
    index: int
    error: str
    seconds: float
    attempts: int = 1


Outcome = ExecutedReport | FailedReport


# -- which notebooks run ---------------------------------------------------------------------------
def notebook_path(notebook: str, *, allow_outside: bool = False) -> Path:
    """Resolve a notebook given by name ('trade_overview') or path; refuse one outside the notebooks folder."""
    folder = notebooks_dir()
    candidate = Path(notebook)
    is_path = candidate.suffix == ".ipynb" or len(candidate.parts) > 1
    path = candidate.resolve() if is_path else (folder / f"{candidate.name}.ipynb").resolve()
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.ipynb")))
        raise ParameterError(f"No notebook '{_short(notebook)}' in {folder}; available: {known}.")
    if not allow_outside and not path.is_relative_to(folder.resolve()):
        raise ParameterError(
            f"{path} is outside the project's notebooks folder {folder}. A notebook is code that runs with your "
            f"permissions, so only notebooks in that folder run as reports; if you trust this one, pass {ALLOW_OUTSIDE_FLAG}."
        )
    return path


def load_report_notebook(path: Path) -> dict[str, Any]:
    """The notebook as JSON-like dict after the report checks (schema, parameters cell); raises ParameterError."""
    from bilateral.reports.params import SCHEMAS

    name = path.stem
    if name not in SCHEMAS:
        raise ParameterError(
            f"{path.name} has no parameter schema, so it is not a report (explore.ipynb is for live use in "
            f"JupyterLab: `make lab`). Reports: {', '.join(sorted(SCHEMAS))}."
        )
    stat = path.stat()
    return _checked(path, stat.st_mtime_ns, stat.st_size, tuple(SCHEMAS[name].model_fields))


@functools.lru_cache(maxsize=64)
def _checked(path: Path, mtime_ns: int, size: int, fields: tuple[str, ...]) -> dict[str, Any]:
    """Read and check a notebook once per version of the file (a grid runs the same notebook many times)."""
    nb = _read_cached(path, mtime_ns, size)
    check_parameters_cell(nb, path.name, list(fields))
    return nb


@functools.lru_cache(maxsize=64)
def _read_cached(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    import json

    try:
        nb = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ParameterError(f"{path} is not a valid notebook (JSON): {exc}. Restore it from git.") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or nb.get("nbformat") != 4:
        raise ParameterError(f"{path} is not a notebook in nbformat 4 (no 'cells' list). Restore it from git.")
    return nb


def _assigned_names(source: str) -> set[str] | None:
    """Names bound at top level by a cell (None when it is not plain Python, e.g. it uses magics)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    names: set[str] = set()
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign | ast.AugAssign)
            else []
        )
        for target in targets:
            names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def check_parameters_cell(nb: dict[str, Any], name: str, fields: list[str]) -> None:
    """Exactly one cell tagged `parameters`, defining exactly the schema's fields, and no other cell rebinding them."""
    code = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    tagged = [c for c in code if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])]
    fix = (
        f"Tag the cell that sets the defaults ({', '.join(fields)}) with `{PARAMETERS_TAG}` "
        "(JupyterLab: property inspector > cell tags); papermill injects the values after it."
    )
    if len(tagged) != 1:
        found = "no cell" if not tagged else f"{len(tagged)} cells"
        raise ParameterError(f"{name} has {found} tagged `{PARAMETERS_TAG}`, so parameters would not reach it. {fix}")
    defined = _assigned_names(_source(tagged[0])) or set()
    if defined != set(fields):
        missing, extra = sorted(set(fields) - defined), sorted(defined - set(fields))
        detail = "; ".join(
            filter(
                None, [missing and f"missing {', '.join(missing)}", extra and f"not in the schema: {', '.join(extra)}"]
            )
        )
        raise ParameterError(
            f"{name}: the `{PARAMETERS_TAG}` cell does not match the report's parameters ({detail}). {fix}"
        )
    for number, cell in enumerate(code, start=1):
        if cell is tagged[0]:
            continue
        rebound = (_assigned_names(_source(cell)) or set()) & set(fields)
        if rebound:
            raise ParameterError(
                f"{name}: code cell {number} assigns {', '.join(sorted(rebound))}, which would override the "
                f"parameters injected after the `{PARAMETERS_TAG}` cell. Set defaults only in that cell."
            )


def notebook_packages(nb: dict[str, Any]) -> set[str]:
    """Top-level packages the notebook's code cells import (`import x.y`, `from x import y`), bilateral aside."""
    return set(_imported_packages(tuple(_source(c) for c in nb["cells"] if c.get("cell_type") == "code")))


@functools.lru_cache(maxsize=64)
def _imported_packages(sources: tuple[str, ...]) -> frozenset[str]:
    names: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:  # a cell with magics or shell escapes: its imports are not read
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.partition(".")[0])
    return frozenset(names - {"bilateral", "__future__"})


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


# -- producing one report (worker side) ------------------------------------------------------------
@dataclass
class KernelRun:
    """A report its kernel has run, not yet rendered: the second half (`finish`) needs no kernel."""

    index: int
    execution: Any  # kernels.Execution
    started: float  # time.perf_counter() when the first attempt began
    attempts: int = 1


def run_in_kernel(task: ReportTask, kernel: Any) -> Any:
    """Run one task's notebook on `kernel` (a WarmKernel); returns its kernels.Execution.

    Raises ReportError (a cell failed), ReportTimedOut or KernelDied.
    """
    import nbformat

    nb = nbformat.reads(task.notebook_json, as_version=4)
    environ = dict(task.environ) if task.environ is not None else None
    return kernel.execute(
        nb, task.parameters, timeout=task.timeout, environ=environ, cwd=task.cwd, collect=COLLECT_SUMMARY
    )


def render_executed(task: ReportTask, execution: Any) -> ExecutedReport:
    """The executed notebook with its metadata, rendered as the report and as the notebook page; raises ReportError."""
    import nbformat

    from bilateral.reports.cache import folder_of

    executed = execution.notebook
    meta = dict(executed.metadata.get("bilateral", {}))
    finished = datetime.now(UTC).isoformat(timespec="seconds")
    summary = card_summary(task, execution.summary)
    executed.metadata["bilateral"] = {
        **meta,
        "parameters": task.parameters,
        "sources": list(task.sources),
        "run_id": uuid.uuid4().hex,
        "finished_utc": finished,
        "duration_s": round(execution.seconds, 2),
        "bilateral_version": __version__,
        "cache_key": task.key,
        "summary": {key: value for key, value in summary.items() if key != "preview_svg"},  # the card, less its image
    }
    # papermill records where it read and wrote; keep repository-relative names, never local absolute paths.
    executed.metadata.setdefault("papermill", {}).update(
        {"input_path": f"notebooks/{task.notebook}.ipynb", "output_path": f"reports/{task.notebook}/{task.slug}.ipynb"}
    )
    html = _render(executed, task.title)
    notebook_html = _render(executed, f"{task.title} (notebook with code)", with_code=True)
    root = raw_dir()
    reads = sorted({folder for folder in (folder_of(path, root) for path in execution.reads) if folder})
    return ExecutedReport(
        index=task.index,
        ipynb=nbformat.writes(executed).encode("utf-8"),
        html=html.encode("utf-8"),
        seconds=execution.seconds,
        finished_utc=finished,
        reads=reads,
        kernel_pid=execution.kernel_pid,
        notebook_html=notebook_html.encode("utf-8"),
        summary=summary,
    )


def execute_task(task: ReportTask, kernel: Any) -> ExecutedReport:
    """Run one task on `kernel` (a WarmKernel) and render it; raises ReportError/KernelDied/ReportTimedOut."""
    return render_executed(task, run_in_kernel(task, kernel))


# Evaluated in the report's kernel after its last cell (kernels.WarmKernel.execute): the card's summary as JSON.
COLLECT_SUMMARY = "__import__('bilateral.reports.summary', fromlist=['collect']).collect(globals())"


def card_summary(task: ReportTask, collected: dict[str, Any] | None) -> dict[str, Any]:
    """The card: notebook, theme, countries and years from the task's parameters, what the page showed from the
    kernel's summary (title, finding, has_data, sources, chart), the chart rendered as the preview."""
    from bilateral.reports import preview, summary

    card = summary.params_summary(task.notebook, task.parameters, task.title)
    collected = collected or {}
    card.update({key: collected[key] for key in summary.PAGE_KEYS if collected.get(key) is not None})
    if collected.get("problem"):
        card["problem"] = str(collected["problem"])
    return preview.finish(card)


def _render(executed: Any, title: str, *, with_code: bool = False) -> str:
    from bilateral.reports.render import render_html

    try:
        return render_html(executed, title=title, with_code=with_code)
    except BilateralError:
        raise
    except Exception as exc:
        raise ReportError(f"rendering the HTML report failed: {type(exc).__name__}: {exc}") from exc


def run_with_retry(task: ReportTask, kernel: Any, *, stopping: Callable[[], bool] = lambda: False) -> Outcome:
    """Produce one report; a kernel death is retried once on a new kernel, any other failure is final."""
    ran = run_kernel_part(task, kernel, stopping=stopping)
    return ran if isinstance(ran, FailedReport) else finish(task, ran)


def run_kernel_part(
    task: ReportTask, kernel: Any, *, stopping: Callable[[], bool] = lambda: False
) -> KernelRun | FailedReport:
    """The kernel's half of a report (`run_in_kernel`), retried once on a new kernel when the kernel died.

    The local executor's kernel thread does only this and hands the rest (`finish`) to a finishing thread,
    so its kernel starts the next report while this one is rendered.
    """
    from bilateral.reports.kernels import KernelDied

    started = time.perf_counter()
    attempts = 0
    while True:
        attempts += 1
        try:
            return KernelRun(task.index, run_in_kernel(task, kernel), started, attempts)
        except KernelDied as exc:
            if attempts < 2 and not stopping():
                continue  # execute() replaces a dead kernel before running
            error = f"{exc} (tried {attempts} times)"
        except BilateralError as exc:
            error = str(exc)
        except Exception as exc:  # a bug or an environment problem: still one failed report, not a dead run
            error = f"{type(exc).__name__}: {exc}"
        return _failed(task, error, started, attempts)


def finish(task: ReportTask, ran: KernelRun) -> Outcome:
    """The second half of a report: render what the kernel ran; a failure here fails only this report."""
    try:
        result = render_executed(task, ran.execution)
    except BilateralError as exc:
        return _failed(task, str(exc), ran.started, ran.attempts)
    except Exception as exc:  # a bug or an environment problem: still one failed report, not a dead run
        return _failed(task, f"{type(exc).__name__}: {exc}", ran.started, ran.attempts)
    result.attempts = ran.attempts
    return result


def _failed(task: ReportTask, error: str, started: float, attempts: int) -> FailedReport:
    return FailedReport(
        index=task.index,
        error=f"Notebook {task.notebook}.ipynb {error}",
        seconds=time.perf_counter() - started,
        attempts=attempts,
    )
