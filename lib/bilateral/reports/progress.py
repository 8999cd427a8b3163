"""What `bilateral report run|plan` shows while reports run: a progress bar on a terminal, one line per report.

Kept out of cli.py so the command functions stay thin; the runner calls back into `Reporter`.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from bilateral.reports.execute import ReportResult

MARKS = {"ok": ("✓ ", "green"), "reused": ("↺ ", "blue"), "failed": ("✗ ", "red"), "stopped": ("■ ", "yellow")}


class Reporter:
    """Prints each finished report (✓ ran, ↺ reused, ✗ failed) and drives a progress bar on terminals."""

    def __init__(self, out: Console, err: Console, total: int) -> None:
        self.out, self.err, self.total = out, err, total
        self.counts = {status: 0 for status in MARKS}
        self.progress: Any = None
        if out.is_terminal:  # a bar only where someone watches; logs get one line per report
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn("[bold]reports"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[status]}"),
                console=out,
                transient=True,
            )
            self.task_id = self.progress.add_task("reports", total=total, status="")

    def __enter__(self) -> Reporter:
        if self.progress:
            self.progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.progress:
            self.progress.stop()

    @property
    def console(self) -> Console:
        return self.progress.console if self.progress else self.out

    def started(self, to_run: int, total: int) -> None:
        reused = total - to_run
        if to_run and reused:
            self.console.print(f"{reused} of {total} reports unchanged (reused); running {to_run}.", highlight=False)

    def result(self, result: ReportResult) -> None:
        self.counts[result.status] = self.counts.get(result.status, 0) + 1
        mark, style = MARKS.get(result.status, ("? ", ""))
        detail = "reused" if result.status == "reused" else f"{result.seconds:.1f} s"
        if result.attempts > 1:
            detail += f", {result.attempts} attempts"
        self.console.print(Text.assemble((mark, style), f"{result.title} ({detail})"), highlight=False)
        if result.error and result.status == "failed":
            self.err.print(Text("    " + result.error), highlight=False, soft_wrap=True)
        if self.progress:
            status = ", ".join(f"{n} {s}" for s, n in self.counts.items() if n)
            self.progress.update(self.task_id, advance=1, status=status)
