"""Report plans: YAML files listing notebooks and parameter sets (or grids of them), checked before anything runs.

    title: Partners
    reports:
      - notebook: trade_overview
        parameters: {reporter: CHN, start_year: 2015}
        grid: {partner: [RUS, KAZ, BLR]}          # one report per value (per combination for several keys)
      - notebooks: [trade_overview, partner_ranking]
        grid: {reporter: [RUS, KAZ], partner: [CHN]}

YAML anchors may be defined under `anchors:` and reused by alias. Every expanded report is validated (notebook allowed and well formed, parameters valid, no two reports
writing the same file) before the first kernel starts, and all problems are listed at once. Inputs are
bounded so that a small file cannot cause huge work: file size, expanded YAML size (anchors and aliases
are allowed, but their expansion is capped), and the number of reports.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bilateral.errors import ParameterError

MAX_PLAN_BYTES = 1_000_000
MAX_YAML_NODES = 100_000  # after alias expansion: a few hundred bytes of nested aliases can mean billions
MAX_REPORTS = 500  # default of --max-reports
MAX_LISTED_PROBLEMS = 10
Scalar = str | int | float | bool


class PlanEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notebook: str | None = None
    notebooks: list[str] | None = None
    parameters: dict[str, Scalar] = Field(default_factory=dict)
    grid: dict[str, list[Scalar]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_notebook_field(self) -> PlanEntry:
        if (self.notebook is None) == (self.notebooks is None):
            raise ValueError("give either `notebook: NAME` or `notebooks: [NAME, ...]`")
        if self.notebooks is not None and not self.notebooks:
            raise ValueError("`notebooks` is empty")
        for key, values in self.grid.items():
            if not values:
                raise ValueError(f"grid `{key}` has no values")
            if key in self.parameters:
                raise ValueError(f"`{key}` is both a parameter and a grid axis; keep one")
        return self

    def names(self) -> list[str]:
        return [self.notebook] if self.notebook is not None else list(self.notebooks or [])

    def size(self) -> int:
        count = len(self.names())
        for values in self.grid.values():
            count *= len(values)
        return count

    def expand(self) -> list[tuple[str, dict[str, Scalar]]]:
        keys = list(self.grid)
        combos = itertools.product(*(self.grid[k] for k in keys)) if keys else [()]
        return [
            (name, {**self.parameters, **dict(zip(keys, combo, strict=True))})
            for combo in combos
            for name in self.names()
        ]


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = "Reports"
    description: str = ""
    anchors: Any = None  # a place for YAML anchors that entries reuse (`parameters: *common`); otherwise unused
    reports: list[PlanEntry]


@dataclass
class PlannedReport:
    """One report of a plan after expansion and validation."""

    number: int  # position in the expanded plan, from 1
    notebook: str
    path: Path
    raw_params: dict[str, Any]
    params: Any  # ReportParams
    nb: dict[str, Any]  # the notebook (JSON), as checked


def _count_nodes(value: Any, budget: int) -> int:
    """Nodes of `value` with aliases expanded, stopping once past `budget` (so the count itself stays cheap)."""
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        count += 1
        if count > budget:
            return count
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def load_yaml(path: Path, *, max_bytes: int = MAX_PLAN_BYTES, max_nodes: int = MAX_YAML_NODES) -> Any:
    """Parse a plan file with the safe loader, refusing files too large or whose aliases expand too far."""
    if not path.is_file():
        raise ParameterError(f"No plan file {path}; plans live in plans/ (e.g. plans/default.yml).")
    size = path.stat().st_size
    if size > max_bytes:
        raise ParameterError(
            f"{path} is {size:,} bytes; plans are limited to {max_bytes:,}. Split it into several plans."
        )
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8.") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path} is not valid YAML: {exc}") from None
    if _count_nodes(data, max_nodes) > max_nodes:
        raise ParameterError(
            f"{path} expands to more than {max_nodes:,} YAML values (anchors and aliases are expanded); "
            "write the reports out, or split the plan."
        )
    return data


def read_plan(
    path: Path, *, allow_outside: bool = False, max_reports: int = MAX_REPORTS
) -> tuple[Plan, list[PlannedReport]]:
    """Read, expand and validate a plan; raises ParameterError listing every problem found."""
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise ParameterError(f"{path} is not a plan: expected a mapping with `reports:` (see plans/default.yml).")
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise ParameterError(f"{path} is not a valid plan: {where}: {error['msg']}") from None
    total = sum(entry.size() for entry in plan.reports)
    if total == 0:
        raise ParameterError(f"{path} lists no reports; add at least one under `reports:`.")
    if total > max_reports:
        raise ParameterError(
            f"{path} expands to {total:,} reports; the limit is {max_reports:,}. Shrink the grids or raise the "
            "limit with --max-reports."
        )
    return plan, validate_entries(path, plan, allow_outside=allow_outside)


def validate_entries(path: Path, plan: Plan, *, allow_outside: bool) -> list[PlannedReport]:
    from bilateral.reports.execute import load_report_notebook, notebook_path
    from bilateral.reports.params import validate_parameters

    planned: list[PlannedReport] = []
    problems: list[str] = []
    written: dict[tuple[str, str], int] = {}
    expanded = [item for entry in plan.reports for item in entry.expand()]
    for number, (notebook, raw) in enumerate(expanded, start=1):
        label = _label(number, notebook, raw, grid=len(expanded) != len(plan.reports))
        try:
            nb_path = notebook_path(notebook, allow_outside=allow_outside)
            nb = load_report_notebook(nb_path)
            params = validate_parameters(nb_path.stem, dict(raw))
        except ParameterError as exc:
            problems.append(f"{label}: {exc}")
            continue
        target = (nb_path.stem, params.slug())
        if target in written:
            problems.append(
                f"{label}: writes the same report as report {written[target]} ({target[0]}/{target[1]}); remove one."
            )
            continue
        written[target] = number
        planned.append(PlannedReport(number, nb_path.stem, nb_path, dict(raw), params, nb))
    if problems:
        more = f"\n… and {len(problems) - MAX_LISTED_PROBLEMS} more" if len(problems) > MAX_LISTED_PROBLEMS else ""
        listed = "\n".join(problems[:MAX_LISTED_PROBLEMS])
        raise ParameterError(f"{path}: nothing was run; fix these first:\n{listed}{more}")
    return planned


def _label(number: int, notebook: str, raw: dict[str, Any], *, grid: bool) -> str:
    if not grid or not raw:
        return f"report {number} ({_short(notebook)})"
    values = ", ".join(f"{key}={_short(str(value), 40)}" for key, value in raw.items())
    return f"report {number} ({_short(notebook)}: {values})"


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else f"{text[:limit]}…"


def default_workers() -> int:
    """One warm kernel per core, at most four (each holds about 200 MB)."""
    import os

    return max(1, min(4, os.cpu_count() or 1))


def single_report(notebook: str, raw: dict[str, Any], *, allow_outside: bool = False) -> PlannedReport:
    """`bilateral report run`: one report, checked exactly as a plan entry is (errors not prefixed)."""
    from bilateral.reports.execute import load_report_notebook, notebook_path
    from bilateral.reports.params import validate_parameters

    nb_path = notebook_path(notebook, allow_outside=allow_outside)
    nb = load_report_notebook(nb_path)
    params = validate_parameters(nb_path.stem, raw)
    return PlannedReport(1, nb_path.stem, nb_path, dict(raw), params, nb)
