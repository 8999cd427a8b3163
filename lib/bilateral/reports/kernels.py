"""Warm kernels: one started Jupyter kernel that executes report after report through papermill.

A fresh kernel costs 4-5 s per report (start-up and `import altair`); a started one runs a report in well
under a second. `WarmKernel` starts a kernel once (a new process, never a fork of ours), imports what
reports use, and after every report puts the kernel back to its baseline (`kernel_state.reset`). When a
report leaves something that cannot be undone, times out or kills its kernel, the kernel is replaced.

Threads: a WarmKernel belongs to the thread that created it (its sockets and event loop live there);
only `kill()` may be called from another thread (the runner's stop path and the timeout watchdog).
Kernels are started in their own session, with the runner as their parent: ipykernel exits by itself
within a second when that parent dies, so even SIGKILL of the runner leaves no kernel behind.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync

from bilateral.errors import ReportError

ENGINE_NAME = "bilateral-warm-kernel"
STARTUP_TIMEOUT_S = 120
RESET_TIMEOUT_S = 60
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]
# kernel_state as an expression: used in the kernel without binding a name in the report's namespace
KERNEL_STATE = "__import__('bilateral.reports.kernel_state', fromlist=['reset'])"


class KernelDied(ReportError):
    """The kernel process died while running a report (crash, out of memory, killed)."""


class ReportTimedOut(ReportError):
    """A report did not finish within its time limit; its kernel was stopped."""


@functools.cache
def register_engine() -> str:
    """Register the warm-kernel engine with papermill and return its name.

    Importing papermill costs about 0.3 s (it loads pyarrow's file systems, among others). It is done here, not
    at import: the local executor starts its kernels first and imports papermill while they boot.
    """
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmKernelEngine(NBClientEngine):
        """papermill's nbclient engine, handed a started kernel manager *and* client.

        `execute_notebook(..., km=...)` alone would open a new client (sockets, threads) per report and never
        close it, since nbclient only cleans up kernels it owns.
        """

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            km=None,
            kc=None,
            **kwargs,
        ):
            from papermill.clientwrap import PapermillNotebookClient
            from papermill.log import logger

            kwargs.pop("input_path", None)
            client = PapermillNotebookClient(
                nb_man,
                km=km,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            client.kc = kc
            return client.execute()

    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)
    return ENGINE_NAME


@dataclass
class Execution:
    """An executed notebook and what the kernel saw while running it."""

    notebook: nbformat.NotebookNode
    seconds: float
    reads: list[str] = field(default_factory=list)  # absolute paths of source.yml files the report opened
    kernel_pid: int = 0
    reused_kernel: bool = False
    summary: dict[str, Any] | None = None  # what `collect` returned (the gallery card), None when not asked


class WarmKernel:
    """A started kernel that runs one report at a time and is reset between reports."""

    def __init__(self, cwd: Path, kernel_name: str = "python3", learned: set[str] | None = None) -> None:
        self.cwd = Path(cwd)
        self.kernel_name = kernel_name
        # bilateral modules reports imported after warm-up; shared by the kernels of one executor, so a
        # replacement kernel preloads them (kernel_state.LAZY_PACKAGES)
        self.learned = learned if learned is not None else set()
        self.km: Any = None
        self.kc: Any = None
        self.pid = 0
        self.reports_run = 0
        self.problems: list[str] = []  # why the kernel must be replaced before the next report
        self.packages: set[str] = set()  # imported by notebooks run so far: preloaded, also by a replacement kernel
        self._asked: set[str] = set()  # packages already preloaded or tried (a missing one is not asked again)
        self._expired = threading.Event()
        self._lock = threading.Lock()
        self._terminated = False  # set by terminate(): never start again
        self._process: Any = None

    # -- lifecycle (owning thread) -------------------------------------------------------------
    def start(self) -> None:
        """Start the kernel and warm it up; raises ReportError if it cannot start."""
        if self._terminated:
            raise KernelDied("was not run: the run is stopping")
        try:
            run_sync(self._astart)()
        except ReportError:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise ReportError(
                f"could not start a '{self.kernel_name}' kernel ({type(exc).__name__}: {exc}); check "
                f"`jupyter kernelspec list` shows it (make setup installs it)"
            ) from exc

    async def _astart(self) -> None:
        km = AsyncKernelManager(kernel_name=self.kernel_name)
        with self._lock:
            self.km = km
        # log level ERROR: ipykernel warns on every start that local TCP is unencrypted (loopback only here);
        # no history database: reports never read it, and it costs a write per cell.
        await km.start_kernel(cwd=str(self.cwd), extra_arguments=KERNEL_ARGUMENTS)
        with self._lock:
            self._process = km.provisioner.process if km.provisioner else None
            self.pid = self._process.pid if self._process else 0
            terminated = self._terminated
        if terminated:  # stopped while this kernel was starting: it must not outlive the stop
            self.kill()
            raise KernelDied("was not run: the run is stopping")
        self.kc = km.client()
        self.kc.start_channels()
        await self.kc.wait_for_ready(timeout=STARTUP_TIMEOUT_S)
        warm_up = f"{KERNEL_STATE}.warm_up({tuple(sorted(self.learned))!r}, {tuple(sorted(self.packages))!r})"
        reply = await self._aexecute(warm_up, {}, STARTUP_TIMEOUT_S)
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise ReportError(f"The report kernel failed to warm up: {content.get('ename')}: {content.get('evalue')}")
        self.reports_run = 0
        self.problems = []

    def close(self) -> None:
        """Stop the kernel and its client; safe to call twice or on a kernel that never started."""
        kc, km = self.kc, self.km
        self.kc = None
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception:  # noqa: S110 - best effort on the way out
                pass
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:
                self.kill()
            try:
                run_sync(km.cleanup_resources)()
            except Exception:  # noqa: S110
                pass
        self._reap()
        with self._lock:
            self.km, self.pid = None, 0

    def restart(self) -> None:
        self.close()
        self._expired.clear()
        self.start()

    @property
    def alive(self) -> bool:
        return self.km is not None and self.pid != 0

    # -- any thread ----------------------------------------------------------------------------
    def kill(self) -> None:
        """SIGKILL the kernel's whole process group (the kernel and anything it started)."""
        with self._lock:
            pid = self.pid
        if pid:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def terminate(self) -> None:
        """Kill the kernel for good, from any thread: a thread still using this object cannot start another."""
        with self._lock:
            self._terminated = True
        self.kill()

    def _expire(self) -> None:
        self._expired.set()
        self.kill()

    def _reap(self) -> None:
        with self._lock:
            process = self._process
        if process is not None:
            try:
                process.wait(timeout=5)
            except Exception:  # noqa: S110 - already reaped or unkillable; nothing more to do here
                pass

    # -- running reports (owning thread) -------------------------------------------------------
    def execute(
        self,
        nb: nbformat.NotebookNode,
        parameters: dict[str, Any],
        *,
        timeout: float,
        environ: dict[str, str] | None = None,
        cwd: str = "",
        collect: str | None = None,
    ) -> Execution:
        """Run one parameterized notebook; returns the executed notebook, resets the kernel afterwards.

        `environ` (BILATERAL_* variables) and `cwd` apply to this report only. `collect`: an expression the
        kernel evaluates after the last cell and before the reset, returning JSON text (the gallery card,
        `summary.collect(globals())`); its failure never fails the report. Raises ReportError (a cell
        failed: the message names the cell), ReportTimedOut or KernelDied.
        """
        if not self.alive or self.problems:
            self.restart()
        import papermill
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from papermill.exceptions import PapermillExecutionError

        self._preload(nb)
        reused = self.reports_run > 0
        if environ is not None or cwd:
            run_sync(self._aprepare)(environ or {}, cwd)
        self._expired.clear()
        watchdog = threading.Timer(timeout + 5, self._expire)  # whole-report deadline; cells have `timeout` each
        watchdog.daemon = True
        started = time.perf_counter()
        watchdog.start()
        try:
            executed = papermill.execute_notebook(
                nb,
                None,
                parameters=parameters,
                engine_name=register_engine(),
                kernel_name=self.kernel_name,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                execution_timeout=int(timeout) or 1,
                km=self.km,
                kc=self.kc,
            )
        except PapermillExecutionError as exc:
            self._after_report()
            raise ReportError(f"failed in cell {exc.exec_count} with {exc.ename}: {_first_line(exc.evalue)}") from None
        except CellTimeoutError:
            self.problems = ["a cell timed out"]
            self.kill()  # the cell may still be running: stop it now, not at the next report
            raise ReportTimedOut(_timed_out(timeout)) from None
        except DeadKernelError:
            self.problems = ["the kernel died"]
            if self._expired.is_set():
                raise ReportTimedOut(_timed_out(timeout)) from None
            raise KernelDied("its kernel died while running it (crash, out of memory or killed)") from None
        except ReportError:
            raise
        except Exception as exc:  # nbclient/papermill raise many kinds; the reader needs one message
            self.problems = [f"{type(exc).__name__}"]
            if self._expired.is_set():
                raise ReportTimedOut(_timed_out(timeout)) from None
            raise ReportError(f"could not be executed: {type(exc).__name__}: {_first_line(str(exc))}") from exc
        finally:
            watchdog.cancel()
        seconds = time.perf_counter() - started
        summary = self._collect(collect) if collect else None
        reads = self._after_report()
        return Execution(
            notebook=executed, seconds=seconds, reads=reads, kernel_pid=self.pid, reused_kernel=reused, summary=summary
        )

    def _collect(self, expression: str) -> dict[str, Any]:
        """Evaluate `expression` in the kernel (user namespace intact) and parse its JSON text result."""
        try:
            return dict(self._evaluate(expression))
        except Exception as exc:  # a card is never worth a failed report
            return {"problem": f"{type(exc).__name__}: {exc}"}

    def _evaluate(self, expression: str) -> Any:
        """The JSON text `expression` evaluates to in the kernel, parsed; raises ReportError when it fails."""
        reply = run_sync(self._aexecute)("", {"result": expression}, RESET_TIMEOUT_S)
        return expression_value(reply, "result")

    def _preload(self, nb: nbformat.NotebookNode) -> None:
        """Have the packages the notebook imports loaded before it runs (kernel_state.preload), once per package."""
        from bilateral.reports.execute import notebook_packages

        wanted = notebook_packages(nb) - self._asked
        if not wanted:
            return
        self._asked |= wanted
        try:
            answer = self._evaluate(f"{KERNEL_STATE}.preload({tuple(sorted(wanted))!r})")
        except Exception:  # noqa: S110 - then the report imports them itself (and the kernel is replaced after it)
            return
        if answer["problems"]:  # an import changed watched state: a new kernel (without it) runs the report
            self.problems = list(answer["problems"])
            self.restart()
        else:
            self.packages.update(answer["new"])

    def _after_report(self) -> list[str]:
        """Reset the kernel to its baseline; returns the source.yml files the report read."""
        self.reports_run += 1
        try:
            state = run_sync(self._areset)()
        except Exception as exc:
            self.problems = [f"reset failed: {type(exc).__name__}"]
            return []
        self.problems = list(state.get("problems", []))
        self.learned.update(state.get("learned", []))
        return list(state.get("reads", []))

    async def _aprepare(self, environ: dict[str, str], cwd: str) -> None:
        code = f"{KERNEL_STATE}.prepare({json.dumps(environ)}, {json.dumps(cwd)})"
        reply = await self._aexecute(code, {}, RESET_TIMEOUT_S)
        if reply["content"]["status"] != "ok":
            self.problems = ["prepare failed"]
            raise KernelDied(f"could not be prepared: {reply['content'].get('evalue')}")

    async def _areset(self) -> dict[str, Any]:
        reply = await self._aexecute("", {"state": f"{KERNEL_STATE}.reset()"}, RESET_TIMEOUT_S)
        try:
            return expression_value(reply, "state")
        except ReportError as exc:
            return {"problems": [f"reset failed: {exc}"]}

    async def _aexecute(self, code: str, expressions: dict[str, str], timeout: float) -> dict[str, Any]:
        return await self.kc.execute_interactive(
            code,
            silent=False,
            store_history=False,
            user_expressions=expressions,
            allow_stdin=False,
            timeout=timeout,
            output_hook=lambda msg: None,
        )


def expression_value(reply: dict[str, Any], name: str) -> Any:
    """What the user expression `name` of an execute reply evaluated to (JSON text, parsed); raises ReportError with
    the kernel's error when it failed."""
    result = reply["content"].get("user_expressions", {}).get(name, {})
    if result.get("status") != "ok":
        raise ReportError(f"{result.get('ename')}: {result.get('evalue')}")
    return json.loads(ast.literal_eval(result["data"]["text/plain"]))


def _timed_out(timeout: float) -> str:
    return (
        f"did not finish within {timeout:g} s (--timeout), so its kernel was stopped; find the slow cell, "
        "or raise the limit with --timeout SECONDS"
    )


def _first_line(text: str) -> str:
    stripped = str(text).strip()
    return stripped.splitlines()[0] if stripped else ""
