"""The local executor's kernels do not wait for rendering: a kernel runs the next report while the last one renders.

Fakes stand in for the kernel and the renderer (a real kernel is covered by test_runner and test_kernel_reuse):
the test is about the order of work between the kernel thread and the finishing thread.
"""

from __future__ import annotations

import threading
import time

import pytest

from bilateral.reports import executors, kernels
from bilateral.reports.execute import ExecutedReport, FailedReport, KernelRun, ReportTask

RENDER_S = 0.4


class FakeKernel:
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def start(self) -> None: ...
    def close(self) -> None: ...
    def terminate(self) -> None: ...
    def _reap(self) -> None: ...


def task(index: int) -> ReportTask:
    return ReportTask(
        index=index,
        notebook="trade_overview",
        notebook_json="{}",
        parameters={},
        slug=f"r{index}",
        title=f"Report {index}",
        sources=(),
        key=str(index),
        timeout=60.0,
        library="x",
    )


@pytest.fixture
def timeline(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, float]]:
    events: list[tuple[str, int, float]] = []
    lock = threading.Lock()

    def note(what: str, index: int) -> None:
        with lock:
            events.append((what, index, time.monotonic()))

    def run_kernel_part(task: ReportTask, kernel: object, **_: object) -> KernelRun | FailedReport:
        note("kernel start", task.index)
        time.sleep(0.05)
        note("kernel end", task.index)
        if task.index == 2:
            return FailedReport(task.index, "a cell failed", 0.05)
        return KernelRun(task.index, execution=None, started=time.perf_counter())

    def finish(task: ReportTask, ran: KernelRun) -> ExecutedReport:
        note("render start", task.index)
        time.sleep(RENDER_S)
        note("render end", task.index)
        return ExecutedReport(task.index, b"", b"", 0.05, "", [])

    monkeypatch.setattr(kernels, "WarmKernel", FakeKernel)
    monkeypatch.setattr(executors, "run_kernel_part", run_kernel_part)
    monkeypatch.setattr(executors, "finish", finish)
    return events


def run_all(executor: executors.LocalExecutor, count: int) -> list[object]:
    executor.submit([task(index) for index in range(count)])
    outcomes = []
    deadline = time.monotonic() + 30
    while len(outcomes) < count and time.monotonic() < deadline:
        outcome = executor.next_outcome(timeout=0.2)
        if outcome is not None:
            outcomes.append(outcome)
    executor.close()
    return outcomes


def when(events: list[tuple[str, int, float]], what: str, index: int) -> float:
    return next(at for name, number, at in events if (name, number) == (what, index))


def test_one_kernel_runs_the_next_report_while_the_last_one_renders(timeline: list[tuple[str, int, float]]):
    outcomes = run_all(executors.LocalExecutor(1), 4)
    assert sorted(outcome.index for outcome in outcomes) == [0, 1, 2, 3]
    assert when(timeline, "kernel start", 1) < when(timeline, "render end", 0)  # did not wait for report 0's page
    # a failed report has nothing to render: it goes straight to the runner
    assert [o for o in outcomes if isinstance(o, FailedReport)][0].index == 2
    assert not any(name == "render start" and index == 2 for name, index, _ in timeline)
    # every kernel run but the first happened while an earlier report was still rendering
    assert when(timeline, "kernel end", 3) < when(timeline, "render end", 1)


def test_closing_delivers_every_handed_over_report(timeline: list[tuple[str, int, float]]):
    executor = executors.LocalExecutor(2)
    executor.submit([task(0), task(1)])
    while sum(1 for name, _, _ in timeline if name == "kernel end") < 2:
        time.sleep(0.01)
    executor._shutdown()  # as at the end of a run: the renders in progress finish first
    delivered = []
    while (outcome := executor.next_outcome(timeout=0.05)) is not None:
        delivered.append(outcome.index)
    assert sorted(delivered) == [0, 1]
    assert not any(thread.is_alive() for thread in [*executor._threads, *executor._finishers])
