"""Benchmark: a report plan run one report at a time against a pool of worker processes.

Same plan, same machine, same run: `bilateral report plan PLAN --workers 1` (what the command did before
the pool existed; each report starts its own kernel) against `--workers N`. Prints wall times and the ratio.

Usage: .venv/bin/python benchmarks/plan_run.py [--plan plans/default.yml] [--workers 2] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BILATERAL = Path(sys.executable).parent / "bilateral"


def run(plan: Path, workers: int) -> float:
    with tempfile.TemporaryDirectory() as reports:
        env = {**os.environ, "BILATERAL_REPORTS_DIR": reports}
        started = time.perf_counter()
        subprocess.run(
            [str(BILATERAL), "report", "plan", str(plan), "--workers", str(workers)],
            check=True,
            capture_output=True,
            env=env,
            cwd=REPO,
        )
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, default=REPO / "plans" / "default.yml")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    times = {1: [], args.workers: []}
    for _ in range(args.repeat):
        for workers in times:
            times[workers].append(run(args.plan, workers))
    serial, pooled = statistics.median(times[1]), statistics.median(times[args.workers])
    print(f"plan: {args.plan.name}, cores: {os.cpu_count()}, {args.repeat} runs each (median wall time)")
    print(f"--workers 1: {serial:.1f} s")
    print(f"--workers {args.workers}: {pooled:.1f} s")
    print(f"speed-up: {serial / pooled:.2f}x")


if __name__ == "__main__":
    main()
