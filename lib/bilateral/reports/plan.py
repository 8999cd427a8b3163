"""Report plans: YAML files listing notebooks and parameter sets, run together into a gallery.

Every entry's parameters are validated before the first notebook runs, so a typo in the last entry
does not cost the time of the others. A failing report does not stop the rest: it gets a red card in
the gallery, and the run exits non-zero.
"""

from __future__ import annotations

import time
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


def run_plan(path: Path, *, on_result: Any = None) -> tuple[Plan, list[ReportResult]]:
    """Run every entry of the plan; returns the plan and one result per entry (ok or failed)."""
    plan = read_plan(path)
    results = []
    for entry in plan.reports:
        started = time.perf_counter()
        try:
            result = run_report(entry.notebook, entry.parameters)
        except BilateralError as exc:
            result = ReportResult(
                notebook=entry.notebook,
                params=None,
                raw_params=entry.parameters,
                title=f"{entry.notebook} ({', '.join(f'{k}={v}' for k, v in entry.parameters.items())})",
                status="failed",
                seconds=time.perf_counter() - started,
                error=str(exc),
            )
        results.append(result)
        if on_result:
            on_result(result)
    return plan, results
