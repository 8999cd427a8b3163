"""Where reports execute: warm kernels driven by threads of this process (local), or a Dask cluster.

Both take the same `ReportTask`s and hand back the same outcomes (executed and rendered bytes, or a
failure); the runner publishes, caches and writes the gallery, so the two share all of that.

Local: `workers` threads, each owning one warm kernel (a separate process started by jupyter_client,
its parent being this process), and as many finishing threads. A kernel thread only runs notebooks: it
hands each executed notebook to a finishing thread (card preview, the two HTML renderings) and starts the
next report at once, so the kernels never wait for rendering (on the 24-report grid the kernels had been
idle a third of the time). There are no worker processes: stopping this process, by Ctrl-C,
SIGTERM or an exception, kills every kernel's process group and joins the threads; a SIGKILL leaves the
kernels orphaned for at most a second before ipykernel's parent poller ends them. A kernel that dies is
replaced by its thread; nothing else stops.

Dask: `--executor dask --address tcp://host:8786`. Each Dask worker thread keeps its own warm kernel
between tasks; a task checks that the worker has the same library and data the plan was keyed on, so a
stale worker fails its reports with a message instead of publishing something else.
"""

from __future__ import annotations

import atexit
import queue
import threading
from pathlib import Path
from typing import Protocol

from bilateral.errors import ParameterError
from bilateral.reports.execute import (
    FailedReport,
    KernelRun,
    Outcome,
    ReportTask,
    finish,
    run_kernel_part,
    run_with_retry,
)


class Executor(Protocol):
    def submit(self, tasks: list[ReportTask]) -> None: ...
    def next_outcome(self, timeout: float) -> Outcome | None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...


def kernel_cwd() -> Path:
    """Kernels run in the notebooks folder, as papermill's `--cwd` for a notebook would."""
    from bilateral.data.paths import notebooks_dir

    folder = notebooks_dir()
    return folder if folder.is_dir() else Path.home()


def _import_for_workers() -> None:
    """Import what the kernel threads (papermill) and the finishing threads (the renderer) use."""
    from bilateral.reports import preview, render, summary  # noqa: F401
    from bilateral.reports.kernels import register_engine

    register_engine()


class LocalExecutor:
    """Threads of this process, each running reports one after another on its own warm kernel.

    The threads wait for tasks until `close()`, so one executor can serve several runs in a row (see
    `shared_local`); the command line uses one per run.
    """

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._tasks: queue.Queue[ReportTask | None] = queue.Queue()
        self._outcomes: queue.Queue[Outcome] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._finishing: queue.Queue[tuple[ReportTask, KernelRun] | None] = queue.Queue()
        self._finishers: list[threading.Thread] = []
        self._kernels: list[object] = []
        self._stopping = threading.Event()
        self._imported = threading.Event()  # what the threads use is imported (see `submit`)
        self._lock = threading.Lock()
        self._learned: set[str] = set()  # shared by this executor's kernels (WarmKernel.learned)

    def submit(self, tasks: list[ReportTask]) -> None:
        for task in tasks:
            self._tasks.put(task)
        while len(self._threads) < min(self.workers, len(tasks)):
            thread = threading.Thread(target=self._slot, name=f"bilateral-kernel-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()
        if not self._imported.is_set():
            # While the kernels boot (about two seconds), this thread imports what running and rendering a report
            # need. The kernel threads wait for it before their first report: a package imported by two threads at
            # once can hand one of them a partially initialised module (seen with altair, anywidget and IPython).
            try:
                _import_for_workers()
            finally:
                self._imported.set()  # the threads go on either way (an import error fails reports, not the wait)
        while len(self._finishers) < len(self._threads):
            name = f"bilateral-finish-{len(self._finishers)}"
            finisher = threading.Thread(target=self._finish, name=name, daemon=True)
            self._finishers.append(finisher)
            finisher.start()

    def _slot(self) -> None:
        from bilateral.reports.kernels import WarmKernel

        kernel = WarmKernel(kernel_cwd(), learned=self._learned)
        with self._lock:
            self._kernels.append(kernel)
        try:
            try:
                kernel.start()  # now, while `submit` imports; a kernel that cannot start fails its first report
            except Exception:  # noqa: S110 - execute() starts it again and reports why, as a failed report
                pass
            self._imported.wait()
            while not self._stopping.is_set():
                task = self._tasks.get()
                if task is None or self._stopping.is_set():
                    break
                ran = run_kernel_part(task, kernel, stopping=self._stopping.is_set)
                if isinstance(ran, FailedReport):
                    self._outcomes.put(ran)
                else:
                    self._finishing.put((task, ran))
        finally:
            kernel.close()

    def _finish(self) -> None:
        """Render executed reports (no kernel needed) until told to stop."""
        while not self._stopping.is_set():
            item = self._finishing.get()
            if item is None or self._stopping.is_set():
                break
            self._outcomes.put(finish(*item))

    def next_outcome(self, timeout: float) -> Outcome | None:
        try:
            return self._outcomes.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self) -> None:
        """Kill every kernel now, reap it, and give the threads a moment to notice (they are daemons)."""
        self._stopping.set()
        self._imported.set()  # a kernel thread still waiting for the imports goes on, sees the stop and ends
        while True:
            try:
                self._tasks.get_nowait()
            except queue.Empty:
                break
        for _ in self._threads:
            self._tasks.put(None)
        for _ in self._finishers:
            self._finishing.put(None)
        with self._lock:
            kernels = list(self._kernels)
        for kernel in kernels:
            kernel.terminate()
        for kernel in kernels:
            kernel._reap()
        _join([*self._threads, *self._finishers], timeout=3)
        _forget(self)

    def close(self) -> None:
        """Let the threads finish their queue, then shut their kernels down."""
        if _shared.get("executor") is self:
            return  # kept for the next run in this process; closed at exit
        self._shutdown()

    def _shutdown(self) -> None:
        for _ in self._threads:
            self._tasks.put(None)
        _join(self._threads, timeout=30)
        for _ in self._finishers:
            self._finishing.put(None)  # after the kernel threads ended: every report they ran is handed over
        _join(self._finishers, timeout=30)
        if any(thread.is_alive() for thread in [*self._threads, *self._finishers]):
            self.stop()


def _join(threads: list[threading.Thread], timeout: float) -> None:
    import time

    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))


_shared: dict[str, LocalExecutor] = {}
KEEP_KERNELS = False  # True: every local run in this process uses shared_local (the test suite sets it)


def shared_local(workers: int) -> LocalExecutor:
    """One LocalExecutor kept for the life of this process, so runs in a row reuse warm kernels.

    For long-lived callers (the test suite, a notebook driving many runs); the command line makes one
    per run. Kernels still reset between reports exactly as within a run; the executor closes at exit.
    """
    executor = _shared.get("executor")
    if executor is None:
        executor = _shared["executor"] = LocalExecutor(workers)
        atexit.register(_close_shared)
    executor.workers = max(executor.workers, workers)  # more threads start on the next submit
    return executor


def _close_shared() -> None:
    executor = _shared.pop("executor", None)
    if executor is not None:
        executor._shutdown()


def _forget(executor: LocalExecutor) -> None:
    if _shared.get("executor") is executor:
        _shared.pop("executor")


# -- Dask -------------------------------------------------------------------------------------------
_worker_kernels = threading.local()
_all_worker_kernels: list[object] = []
_worker_learned: set[str] = set()


def _close_worker_kernels() -> None:
    for kernel in _all_worker_kernels:
        kernel.kill()


def run_on_worker(task: ReportTask) -> Outcome:
    """The Dask task: check the worker matches the plan, then run on this worker thread's warm kernel."""
    from bilateral.reports.cache import folder_digest, library_digest
    from bilateral.reports.kernels import WarmKernel

    if library_digest() != task.library:
        return FailedReport(
            task.index,
            "the Dask worker runs another version of the bilateral library than this "
            "command; install the same checkout on every worker and restart them.",
            0.0,
        )
    stale = [folder for folder, digest in task.data if folder_digest(folder) != digest]
    if stale:
        return FailedReport(
            task.index,
            f"the Dask worker's data differs from this machine's for {', '.join(stale)} "
            "(source.yml checksums); give the workers the same data folder.",
            0.0,
        )
    kernel = getattr(_worker_kernels, "kernel", None)
    if kernel is None:
        kernel = _worker_kernels.kernel = WarmKernel(kernel_cwd(), learned=_worker_learned)
        if not _all_worker_kernels:
            atexit.register(_close_worker_kernels)
        _all_worker_kernels.append(kernel)
    return run_with_retry(task, kernel)


class DaskExecutor:
    """Tasks submitted to a Dask scheduler; outcomes come back in completion order."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ParameterError(
                "--executor dask needs Dask distributed: pip install 'bilateral[dask]' (or dask[distributed])."
            ) from None
        try:
            self.client = Client(address, timeout="5s")
        except OSError as exc:
            raise ParameterError(f"Cannot reach the Dask scheduler at {address}: {exc}. Is it running?") from None
        self._futures: list[object] = []
        self._indexes: dict[str, int] = {}
        self._outcomes: queue.Queue[Outcome] = queue.Queue()
        self._thread: threading.Thread | None = None

    def submit(self, tasks: list[ReportTask]) -> None:
        self._indexes = {}
        for task in tasks:
            future = self.client.submit(
                run_on_worker, task, pure=False, key=f"bilateral-report-{task.index}-{task.key[:16]}"
            )
            self._futures.append(future)
            self._indexes[future.key] = task.index
        self._thread = threading.Thread(target=self._collect, name="bilateral-dask", daemon=True)
        self._thread.start()

    def _collect(self) -> None:
        from distributed import as_completed

        for future in as_completed(self._futures):
            try:
                self._outcomes.put(future.result())
            except Exception as exc:  # the worker died, or the task could not be deserialised
                self._outcomes.put(
                    FailedReport(
                        self._indexes[future.key], f"failed on the Dask cluster: {type(exc).__name__}: {exc}", 0.0
                    )
                )

    def next_outcome(self, timeout: float) -> Outcome | None:
        try:
            return self._outcomes.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self) -> None:
        try:
            self.client.cancel(self._futures, force=True)
        finally:
            self.client.close()

    def close(self) -> None:
        self.client.close()
