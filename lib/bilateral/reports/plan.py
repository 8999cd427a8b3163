"""Report plans: YAML files listing notebooks and parameter sets, run together into a gallery.

Every entry's parameters are validated before the first notebook runs, so a typo in the last entry
does not cost the time of the others. A failing report does not stop the rest: it gets a red card in
the gallery, and the run exits non-zero.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bilateral.errors import BilateralError, ParameterError
from bilateral.reports.execute import ReportResult, notebook_path, run_report
from bilateral.reports.params import validate_parameters


class PlanEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notebook: str
    parameters: dict[str, Any] = Field(default_factory=dict)


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = "Reports"
    description: str = ""
    reports: list[PlanEntry]


def read_plan(path: Path) -> Plan:
    if not path.is_file():
        raise ParameterError(f"No plan file {path}; plans live in plans/ (e.g. plans/default.yml).")
    try:
        plan = Plan.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path} is not valid YAML: {exc}") from None
    except ValidationError as exc:
        raise ParameterError(f"{path} is not a valid plan: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None
    for number, entry in enumerate(plan.reports, start=1):
        try:
            validate_parameters(notebook_path(entry.notebook).stem, entry.parameters)
        except ParameterError as exc:
            raise ParameterError(f"{path}, report {number} ({entry.notebook}): {exc}") from None
    return plan


def run_plan(path: Path, *, workers: int = 1, on_result: Any = None) -> tuple[Plan, list[ReportResult]]:
    """Run every entry of the plan; returns the plan and one result per entry (ok or failed), in plan order.

    With `workers` > 1 the reports run in a pool of separate processes (spawned, not forked: a forked
    child would inherit the parent's threads and open kernel sockets). Each report starts its own kernel
    either way, so reports cannot see each other's state. `on_result` is called as each report finishes.
    """
    plan = read_plan(path)
    entries = [entry.model_dump() for entry in plan.reports]
    results: list[ReportResult | None] = [None] * len(entries)
    if workers <= 1 or len(entries) <= 1:
        for index, entry in enumerate(entries):
            results[index] = _finish(run_entry(entry), on_result)
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(entries)), mp_context=context) as pool:
            futures = {pool.submit(run_entry, entry): index for index, entry in enumerate(entries)}
            for future in as_completed(futures):
                results[futures[future]] = _finish(future.result(), on_result)
    return plan, [r for r in results if r is not None]


def run_entry(entry: dict[str, Any]) -> ReportResult:
    """Run one plan entry; a failure becomes a failed result instead of an exception (top level: picklable)."""
    started = time.perf_counter()
    try:
        return run_report(entry["notebook"], entry["parameters"])
    except BilateralError as exc:
        return ReportResult(
            notebook=entry["notebook"],
            params=None,
            raw_params=entry["parameters"],
            title=f"{entry['notebook']} ({', '.join(f'{k}={v}' for k, v in entry['parameters'].items())})",
            status="failed",
            seconds=time.perf_counter() - started,
            error=str(exc),
        )


def _finish(result: ReportResult, on_result: Any) -> ReportResult:
    if on_result:
        on_result(result)
    return result


def default_workers() -> int:
    """One report per core, at most four (each report runs its own kernel: about 200 MB)."""
    return max(1, min(4, os.cpu_count() or 1))
