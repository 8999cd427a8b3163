"""The report runner: plan -> cache check -> executor -> atomic publication -> gallery, and a clean stop.

Order of work: everything is validated first (plan.read_plan); the leftovers of killed runs are swept
(publish.sweep); each report's cache key is computed and an unchanged report is reused without starting a
kernel; the rest go to an executor; each outcome is published by this process alone (so nothing is
published after this process is gone), its cache record written with it; the gallery is written last,
and also when the run is stopped.

Stopping: SIGTERM and Ctrl-C raise `RunStopped` in the main thread, except while a report is being
published (then the stop waits for the few renames to finish, so a pair is never half-replaced). The
executor then kills every kernel, the gallery marks the reports that did not run as stopped (linking the
previous good report where there is one) and the CLI exits 143 (SIGTERM) or 130 (Ctrl-C).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilateral.data.paths import reports_dir
from bilateral.errors import BilateralError, ParameterError
from bilateral.reports import cache, publish
from bilateral.reports.execute import ExecutedReport, FailedReport, ReportResult, ReportTask
from bilateral.reports.executors import kernel_cwd
from bilateral.reports.plan import PlannedReport

DEFAULT_TIMEOUT_S = 600.0
MAX_TIMEOUT_S = 24 * 3600.0


class RunStopped(BaseException):
    """The run was asked to stop (SIGTERM, Ctrl-C); BaseException so no `except Exception` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@dataclass
class RunOptions:
    workers: int = 1
    force: bool = False
    timeout: float = DEFAULT_TIMEOUT_S
    executor: str = "local"
    address: str | None = None
    keep_kernels: bool = False  # reuse this process's shared warm kernels across runs (executors.shared_local)

    def check(self) -> None:
        if self.workers < 1:
            raise ParameterError(f"--workers must be 1 or more; got {self.workers}.")
        if not 0 < self.timeout <= MAX_TIMEOUT_S:
            raise ParameterError(f"--timeout must be between 1 and {MAX_TIMEOUT_S:g} seconds; got {self.timeout:g}.")
        if self.executor not in ("local", "dask"):
            raise ParameterError(f"--executor must be local or dask; got {self.executor!r}.")
        if self.executor == "dask" and not self.address:
            raise ParameterError(
                "--executor dask needs --address of the scheduler, e.g. --address tcp://127.0.0.1:8786."
            )
        if self.executor == "local" and self.address:
            raise ParameterError("--address applies to --executor dask only.")


@dataclass
class RunSummary:
    results: list[ReportResult]
    swept: list[str] = field(default_factory=list)
    stopped_by: int | None = None

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.results if r.status in ("failed", "stopped")]


class _Signals:
    """Turn SIGTERM/SIGINT into RunStopped in the main thread, deferred while a publication is in progress."""

    def __init__(self) -> None:
        self.critical = False
        self.stopping = False
        self.pending: int | None = None
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: Any) -> None:
        if self.critical or self.stopping:  # publishing, or already stopping: finish that first
            self.pending = self.pending or signum
            return
        self.stopping = True
        raise RunStopped(signum)

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        for signum in (signal.SIGTERM, signal.SIGINT):
            self._previous[signum] = signal.signal(signum, self._handle)
        try:
            yield
        finally:
            for signum, handler in self._previous.items():
                signal.signal(signum, handler)

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        self.critical = True
        try:
            yield
        finally:
            self.critical = False
        if self.pending is not None and not self.stopping:
            self.stopping = True
            raise RunStopped(self.pending)


def make_tasks(planned: list[PlannedReport], options: RunOptions) -> list[ReportTask]:
    import json
    import os

    library = cache.library_digest()
    local = options.executor == "local"
    environ = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("BILATERAL_"))) if local else None
    cwd = str(kernel_cwd()) if local else ""
    tasks = []
    encoded: dict[int, tuple[str, str]] = {}  # one JSON text and digest per notebook, however many reports use it
    for index, report in enumerate(planned):
        params = report.params
        sources = _declared_sources(report)
        parameters = params.model_dump()
        if id(report.nb) not in encoded:
            encoded[id(report.nb)] = (json.dumps(report.nb), cache.notebook_digest(report.nb))
        notebook_json, notebook_sha = encoded[id(report.nb)]
        key = cache.report_key(notebook_sha=notebook_sha, parameters=parameters, sources=sources, library=library)
        tasks.append(
            ReportTask(
                index=index,
                notebook=report.notebook,
                notebook_json=notebook_json,
                parameters=parameters,
                slug=params.slug(),
                title=params.title(),
                sources=tuple(sources),
                key=key,
                timeout=options.timeout,
                library=library,
                data=tuple((folder, cache.folder_digest(folder)) for folder in sources),
                environ=environ,
                cwd=cwd,
            )
        )
    return tasks


def _declared_sources(report: PlannedReport) -> list[str]:
    declared = report.params.sources()
    return list(declared) if declared else list(report.nb.get("metadata", {}).get("bilateral", {}).get("sources", []))


NOTEBOOK_HTML_SUFFIX = ".notebook.html"  # the executed notebook with its code, beside <slug>.html and <slug>.ipynb


def _paths(root: Path, task: ReportTask) -> tuple[Path, Path, Path]:
    """The report, its executed notebook and that notebook as a page (code shown): published as one unit."""
    folder = root / task.notebook
    return folder / f"{task.slug}.html", folder / f"{task.slug}.ipynb", folder / f"{task.slug}{NOTEBOOK_HTML_SUFFIX}"


def _result(task: ReportTask, report: PlannedReport, status: str, **extra: Any) -> ReportResult:
    return ReportResult(
        notebook=task.notebook,
        params=report.params,
        raw_params=report.raw_params,
        title=task.title,
        status=status,
        sources=list(task.sources),
        **extra,
    )


def _from_record(
    task: ReportTask, report: PlannedReport, record: cache.Record, root: Path, status: str, **extra: Any
) -> ReportResult:
    html, ipynb, notebook_html = _paths(root, task)
    extra.setdefault("seconds", record.seconds)
    return _result(
        task,
        report,
        status,
        html_path=html,
        ipynb_path=ipynb,
        notebook_html_path=notebook_html,
        publishers=record.publishers,
        finished_utc=record.finished_utc,
        summary=record.summary,
        **extra,
    )


def run(
    planned: list[PlannedReport],
    options: RunOptions,
    *,
    on_result: Callable[[ReportResult], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Run every planned report (reusing unchanged ones); returns one result per report, in plan order."""
    options.check()
    root = reports_dir()
    signals = _Signals()
    with signals.installed():
        swept = _prepare(root)
        tasks = make_tasks(planned, options)
        results: list[ReportResult | None] = [None] * len(tasks)
        stopped_by = None
        try:
            todo = []
            for task, report in zip(tasks, planned, strict=True):
                record = None if options.force else cache.read_record(root, task.notebook, task.slug)
                if record is not None and cache.still_valid(record, task.key, *_paths(root, task)):
                    results[task.index] = _from_record(task, report, record, root, "reused")
                    if on_result:
                        on_result(results[task.index])
                else:
                    todo.append(task)
            if on_start:
                on_start(len(todo), len(tasks))
            if todo:
                _execute(todo, planned, options, root, results, signals, on_result)
        except RunStopped as stop:
            stopped_by = stop.signum
        final = [r or _stopped(tasks[i], planned[i], root) for i, r in enumerate(results)]
        return RunSummary(final, swept=swept, stopped_by=stopped_by)


def _prepare(root: Path) -> list[str]:
    if root.exists() and not root.is_dir():
        raise ParameterError(f"The reports folder {root} is a file; move it away or set BILATERAL_REPORTS_DIR.")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(f"Cannot create the reports folder {root}: {exc.strerror}.") from None
    return publish.sweep(root)


def _execute(
    todo: list[ReportTask],
    planned: list[PlannedReport],
    options: RunOptions,
    root: Path,
    results: list[ReportResult | None],
    signals: _Signals,
    on_result: Callable[[ReportResult], None] | None,
) -> None:
    from bilateral.reports import executors
    from bilateral.reports.executors import DaskExecutor, LocalExecutor, shared_local

    if options.executor == "dask":
        executor: Any = DaskExecutor(options.address or "")
    else:
        executor = (
            shared_local(options.workers)
            if options.keep_kernels or executors.KEEP_KERNELS
            else LocalExecutor(options.workers)
        )
    by_index = {task.index: task for task in todo}
    pending = set(by_index)
    finished = False
    # What the kernel threads need to start a kernel (jupyter_client) is imported before they start; the rest
    # (papermill, the renderer) while the kernels boot (LocalExecutor.submit).
    from bilateral.reports import kernels  # noqa: F401

    try:
        executor.submit(todo)
        from bilateral.reports import render

        if options.executor == "local":
            render.prewarm(min(options.workers, len(todo)))  # while the kernels start
        while pending:
            outcome = executor.next_outcome(timeout=0.2)
            if outcome is None or outcome.index not in pending:
                continue
            pending.discard(outcome.index)
            task, report = by_index[outcome.index], planned[outcome.index]
            with signals.deferred():
                results[task.index] = _settle(task, report, outcome, root)
            if on_result:
                on_result(results[task.index])
        finished = True
    finally:
        if finished:
            executor.close()
        else:
            executor.stop()


def _settle(
    task: ReportTask, report: PlannedReport, outcome: ExecutedReport | FailedReport, root: Path
) -> ReportResult:
    """Publish an executed report with its cache record, or record a failure keeping the previous report."""
    html, ipynb, notebook_html = _paths(root, task)
    if isinstance(outcome, ExecutedReport):
        folders = set(task.sources) | set(outcome.reads)
        digests, stats, publishers = cache.describe_inputs(folders)
        record = cache.Record(
            key=task.key,
            notebook=task.notebook,
            slug=task.slug,
            title=task.title,
            parameters=task.parameters,
            sources=list(task.sources),
            finished_utc=outcome.finished_utc,
            seconds=round(outcome.seconds, 2),
            data=digests,
            stats=stats,
            publishers=publishers,
            summary=outcome.summary,
        )
        try:
            _publish(root, task, outcome, record)
        except BilateralError as exc:
            outcome = FailedReport(task.index, str(exc), outcome.seconds, outcome.attempts)
        else:
            return _result(
                task,
                report,
                "ok",
                seconds=outcome.seconds,
                html_path=html,
                ipynb_path=ipynb,
                notebook_html_path=notebook_html,
                publishers=publishers,
                finished_utc=outcome.finished_utc,
                attempts=outcome.attempts,
                summary=outcome.summary,
            )
    return _unfinished(task, report, root, "failed", outcome.error, seconds=outcome.seconds, attempts=outcome.attempts)


def _unfinished(
    task: ReportTask, report: PlannedReport, root: Path, status: str, error: str, **extra: Any
) -> ReportResult:
    """A failed or stopped report: linking the previous good one when it is still published (with its card)."""
    html, ipynb, notebook_html = _paths(root, task)
    previous = html.is_file() and ipynb.is_file()
    record = cache.read_record(root, task.notebook, task.slug) if previous else None
    return _result(
        task,
        report,
        status,
        error=error,
        previous=previous,
        html_path=html if previous else None,
        ipynb_path=ipynb if previous else None,
        notebook_html_path=notebook_html if previous and notebook_html.is_file() else None,
        summary=record.summary if record else {},
        **extra,
    )


def _publish(root: Path, task: ReportTask, outcome: ExecutedReport, record: cache.Record) -> None:
    """The .ipynb, its page, the .html and the cache record as one unit; the record then learns the files' stats."""
    html, ipynb, notebook_html = _paths(root, task)
    relative = cache.record_path(root, task.notebook, task.slug).relative_to(root).as_posix()
    record.outputs = {}
    publish.publish(
        root,
        {
            ipynb.relative_to(root).as_posix(): outcome.ipynb,
            notebook_html.relative_to(root).as_posix(): outcome.notebook_html,
            html.relative_to(root).as_posix(): outcome.html,
            relative: record.to_json(),  # without output stats yet: not valid for reuse until rewritten below
        },
    )
    record.outputs = cache.output_stats(html, ipynb, notebook_html)
    publish.write_atomic(cache.record_path(root, task.notebook, task.slug), record.to_json())


def _stopped(task: ReportTask, report: PlannedReport, root: Path) -> ReportResult:
    return _unfinished(task, report, root, "stopped", "stopped before this report finished", seconds=0.0)


def stop_exit_code(signum: int | None) -> int:
    return 128 + (signum or signal.SIGINT)


def run_report(
    notebook: str, values: dict[str, Any], *, force: bool = False, timeout: float = 600.0, allow_outside: bool = False
) -> ReportResult:
    """Run one report (the `bilateral report run` path, also the explorer's button): its result, published or reused.

    Raises ParameterError for bad parameters, ReportError when the report failed (the previous good one is kept)
    and RunStopped when a signal stopped it.
    """
    from bilateral.errors import ReportError
    from bilateral.reports.plan import single_report

    planned = single_report(notebook, values, allow_outside=allow_outside)
    summary = run([planned], RunOptions(workers=1, force=force, timeout=timeout))
    if summary.stopped_by is not None:
        raise RunStopped(summary.stopped_by)
    result = summary.results[0]
    if result.status == "failed":
        raise ReportError(result.error or "The report failed.")
    return result
