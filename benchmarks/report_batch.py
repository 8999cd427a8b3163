"""Benchmark: a grid plan of reports through `bilateral report plan` against the loop a user writes without it.

Same machine, same run, same reports; the runner's first run (into an empty reports folder) is timed
--first-runs times before and as often after the naive loop (load from other work drifts over the minutes
the loop takes) and the median of those runs is used: on a shared machine a run of 12 s is sometimes
stalled for seconds, which a 100-second loop averages out and one short run does not. Every run is printed.
The baseline is, per report, `papermill NOTEBOOK OUT.ipynb -p ...` then
`jupyter nbconvert --to html --no-input OUT.ipynb` (a fresh kernel and two interpreter starts per report). The runner gets the plan file, `--workers N`: warm kernels, rendering in process. Then the same
plan runs again with nothing changed (median of --reruns runs), which the cache answers.

Prints wall time and CPU time (user+sys of every process, kernels included) of each side, then
  throughput ratio      = naive loop wall / runner first-run wall       (target >= 8, aim 15)
  unchanged-rerun ratio = runner first-run wall / median rerun wall     (target >= 50)
The machine may be shared: CPU times show how much of a wall-time difference is load from elsewhere.

Usage: .venv/bin/python benchmarks/report_batch.py [--plan plans/partners_grid.yml] [--workers 2]
       [--first-runs 2] [--reruns 5] [--reports N (first N reports of the plan only)] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
THROUGHPUT_TARGET, RERUN_TARGET = 8.0, 50.0


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(commands: list[list[str]], env: dict[str, str]) -> tuple[float, float]:
    """Run commands one after another; (wall s, CPU s of them and everything they started and reaped)."""
    cpu, started = children_cpu(), time.perf_counter()
    for command in commands:
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command[:4])} ... failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started, children_cpu() - cpu


def expand(plan: Path, limit: int | None) -> list[tuple[str, dict[str, object]]]:
    """(notebook, validated parameters) of every report of the plan, in plan order."""
    from bilateral.reports.plan import read_plan

    _, planned = read_plan(plan)
    return [(report.notebook, report.params.model_dump()) for report in planned][:limit]


def write_plan(reports: list[tuple[str, dict[str, object]]], path: Path) -> Path:
    entries = [{"notebook": notebook, "parameters": parameters} for notebook, parameters in reports]
    path.write_text(yaml.safe_dump({"title": "report_batch benchmark", "reports": entries}, sort_keys=False))
    return path


def naive_commands(reports: list[tuple[str, dict[str, object]]], out: Path) -> list[list[str]]:
    commands = []
    for number, (notebook, parameters) in enumerate(reports):
        executed = out / f"{number:03d}-{notebook}.ipynb"
        flags = [item for key, value in parameters.items() for item in ("-p", key, str(value))]
        commands.append(
            [
                str(BIN / "papermill"),
                str(REPO / "notebooks" / f"{notebook}.ipynb"),
                str(executed),
                *flags,
                "--cwd",
                str(REPO / "notebooks"),
                "--no-progress-bar",
            ]
        )
        commands.append([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
    return commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, default=REPO / "plans" / "partners_grid.yml")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--first-runs", type=int, default=2, help="first runs before and again after the loop")
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--reports", type=int, default=None, help="only the first N reports of the plan")
    parser.add_argument("--keep", type=Path, default=None, help="keep the outputs in this folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="report_batch-"))
    try:
        reports = expand(args.plan, args.reports)
        plan = write_plan(reports, work / "plan.yml")
        runner = [str(BIN / "bilateral"), "report", "plan", str(plan), "--workers", str(args.workers)]
        runs = max(1, args.first_runs)

        def first_run(name: str) -> tuple[float, float]:
            return timed([runner], {**os.environ, "BILATERAL_REPORTS_DIR": str(work / name)})

        before = [first_run(f"reports-before-{number}") for number in range(runs)]
        (work / "naive").mkdir()
        naive = timed(naive_commands(reports, work / "naive"), dict(os.environ))
        # First runs before and after the long naive loop: load from elsewhere drifts. The last one's folder
        # is the one the unchanged reruns use.
        after = [first_run(f"reports-after-{number}") for number in range(runs - 1)] + [first_run("reports")]
        env = {**os.environ, "BILATERAL_REPORTS_DIR": str(work / "reports")}
        first = (statistics.median(w for w, _ in before + after), statistics.median(c for _, c in before + after))
        reruns = [timed([runner], env) for _ in range(args.reruns)]
        # each report is published with its notebook page (<slug>.notebook.html) beside it
        html = sorted(p for p in (work / "reports").rglob("*.html") if not p.name.endswith(".notebook.html"))
        assert len(html) == len(reports) + 1, (
            f"expected {len(reports)} reports and the gallery, found {len(html)} files"
        )
        assert (work / "reports" / "index.html").read_text().count('class="badge reused"') == len(reports)
        rerun_wall = statistics.median(wall for wall, _ in reruns)
        rerun_cpu = statistics.median(cpu for _, cpu in reruns)
        throughput, rerun_ratio = naive[0] / first[0], first[0] / rerun_wall
        print(
            f"plan: {args.plan.name}, {len(reports)} reports, --workers {args.workers}, cores: {os.cpu_count()}, "
            f"load average at the end: {os.getloadavg()[0]:.1f}"
        )
        print(f"{'side':<44}{'wall s':>10}{'CPU s':>10}")
        print(f"{'naive loop (papermill + nbconvert per report)':<44}{naive[0]:>10.2f}{naive[1]:>10.2f}")
        print(f"{f'bilateral report plan, first run (median of {2 * runs})':<44}{first[0]:>10.2f}{first[1]:>10.2f}")
        for label, side in (("  before the naive loop", before), ("  after the naive loop", after)):
            walls, cpus = " ".join(f"{w:.1f}" for w, _ in side), " ".join(f"{c:.1f}" for _, c in side)
            print(f"{label:<44}{walls:>10}  (CPU {cpus})")
        print(
            f"{f'bilateral report plan, unchanged (median of {len(reruns)})':<44}{rerun_wall:>10.2f}{rerun_cpu:>10.2f}"
        )
        print(
            f"throughput ratio (naive / first run): {throughput:.1f}x (target {THROUGHPUT_TARGET:g}x) "
            f"{'met' if throughput >= THROUGHPUT_TARGET else 'NOT met'}; CPU ratio {naive[1] / first[1]:.1f}x"
        )
        print(
            f"unchanged-rerun ratio (first run / rerun): {rerun_ratio:.1f}x (target {RERUN_TARGET:g}x) "
            f"{'met' if rerun_ratio >= RERUN_TARGET else 'NOT met'}; CPU ratio {first[1] / max(rerun_cpu, 1e-3):.1f}x"
        )
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
