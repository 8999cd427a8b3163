"""nbval on a warm kernel: each test process runs its notebooks one after another on one kernel, reset in between.

nbval starts a kernel per notebook and stops it after the last cell: 0.4 s of kernel start and 0.5-1 s of
imports (altair, polars, the library) per notebook, some 13 times per suite. Here nbval gets the process's warm
kernel instead, warmed and reset by the same `kernel_state` the report runner relies on (tests/test_kernel_reuse.py
proves a report cannot see what the previous one left), so a notebook runs exactly as it does in a report batch.
When the reset finds something it cannot undo, or the kernel died, the kernel is stopped and the next notebook gets a
fresh one; a notebook's own cells, outputs and comparisons are nbval's, unchanged.
"""

from __future__ import annotations

import json
import os
from queue import Empty
from typing import Any

import nbval.plugin
from nbval.kernel import RunningKernel

from bilateral.errors import ReportError
from bilateral.reports.kernels import KERNEL_STATE, expression_value

TIMEOUT_S = 120


class WarmNbvalKernel(RunningKernel):
    """nbval's kernel, warmed like a report kernel; `stop()` (nbval's end of a notebook) resets it for the next."""

    def __init__(self, kernel_name: str, cwd: str | None = None, startup_timeout: int = 60) -> None:
        super().__init__(kernel_name, cwd=cwd, startup_timeout=startup_timeout)
        self.kernel_name = kernel_name
        self.reusable = False
        self.evaluate(f"{KERNEL_STATE}.warm_up() or '{{}}'")

    def evaluate(self, expression: str) -> Any:
        """Run `expression` (JSON text) in the kernel, read its value from the reply, drain its outputs."""
        msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions={"result": expression})
        while True:
            reply = self.get_message("shell", timeout=TIMEOUT_S)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        self.await_idle(msg_id, TIMEOUT_S)  # no message of this request is left for nbval's next cell
        return expression_value(reply, "result")

    def prepare(self, cwd: str | None) -> None:
        """This notebook's folder and the test process's BILATERAL_* variables, as a fresh kernel would get them."""
        environ = {key: value for key, value in os.environ.items() if key.startswith("BILATERAL_")}
        self.evaluate(f"{KERNEL_STATE}.prepare({json.dumps(environ)}, {json.dumps(cwd or '')}) or '{{}}'")

    def stop(self) -> None:
        """End of a notebook: reset the kernel for the next one, or stop it when the reset finds leftovers."""
        global _kernel
        try:
            problems = self.evaluate(f"{KERNEL_STATE}.reset()")["problems"] if self.is_alive() else ["the kernel died"]
        except (Empty, ReportError) as exc:
            problems = [f"reset failed: {exc}"]
        if problems:
            self.shutdown()
            if _kernel is self:
                _kernel = None

    def shutdown(self) -> None:
        """Stop the kernel for good (nbval's own stop)."""
        if hasattr(self, "km"):
            RunningKernel.stop(self)


_kernel: WarmNbvalKernel | None = None


def warm_kernel(kernel_name: str, cwd: str | None = None, startup_timeout: int = 60) -> WarmNbvalKernel:
    """What nbval calls for each notebook instead of starting a kernel: this process's warm kernel."""
    global _kernel
    if _kernel is not None and (_kernel.kernel_name != kernel_name or not _kernel.is_alive()):
        _kernel.shutdown()
        _kernel = None
    if _kernel is None:
        _kernel = WarmNbvalKernel(kernel_name, cwd=cwd, startup_timeout=startup_timeout)
    _kernel.prepare(cwd)
    return _kernel


def pytest_configure(config: Any) -> None:
    """Loaded with `-p nbval_warm` (pyproject addopts): nbval takes notebooks' kernels from `warm_kernel` (nbval.plugin
    looks the name up at each notebook)."""
    nbval.plugin.RunningKernel = warm_kernel


def pytest_sessionfinish() -> None:
    """Stop the warm kernel at the end of the session (each xdist worker has its own)."""
    global _kernel
    if _kernel is not None:
        _kernel.shutdown()
        _kernel = None
