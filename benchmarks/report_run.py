"""Benchmark: one report through `bilateral report run` against papermill + `jupyter nbconvert`.

The baseline is what a user would otherwise type: execute the notebook with papermill, then convert it with
nbconvert's default HTML exporter (`--no-input`). Both run in the same process tree, same notebook and
parameters, several times; the script prints wall time, HTML size and how many external resources each page
needs (script/link tags pointing at http(s) URLs: the baseline's charts and widgets need a network, ours not).

Usage: .venv/bin/python benchmarks/report_run.py [--notebook trade_overview] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EXTERNAL = re.compile(r"<(?:script|link)[^>]+(?:src|href)=[\"']https?://", re.IGNORECASE)


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=REPO)
    return time.perf_counter() - started


def ours(notebook: str, out: Path) -> tuple[float, Path]:
    env = {**os.environ, "BILATERAL_REPORTS_DIR": str(out)}
    seconds = timed([str(BIN / "bilateral"), "report", "run", notebook], env)
    return seconds, next((out / notebook).glob("*.html"))


def baseline(notebook: str, out: Path) -> tuple[float, Path]:
    executed = out / f"{notebook}.ipynb"
    nb = REPO / "notebooks" / f"{notebook}.ipynb"
    env = dict(os.environ)
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "papermill"), str(nb), str(executed), "--cwd", str(nb.parent), "--no-progress-bar"],
        check=True,
        capture_output=True,
        env=env,
    )
    subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
        check=True,
        capture_output=True,
        env=env,
    )
    return time.perf_counter() - started, executed.with_suffix(".html")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default="trade_overview")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"bilateral report run": [], "papermill + nbconvert": []}
    pages: dict[str, Path] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for attempt in range(args.repeat):
            for name, runner in (("bilateral report run", ours), ("papermill + nbconvert", baseline)):
                folder = Path(tmp) / f"{name.split()[0]}-{attempt}"
                folder.mkdir()
                seconds, page = runner(args.notebook, folder)
                results[name].append(seconds)
                pages[name] = page
        print(f"notebook: {args.notebook}, {args.repeat} runs each (median wall time, fresh kernel per run)")
        print(f"{'pipeline':<24}{'median s':>10}{'HTML MB':>10}{'external resources':>20}")
        for name, times in results.items():
            html = pages[name].read_text(encoding="utf-8")
            print(
                f"{name:<24}{statistics.median(times):>10.2f}{len(html.encode()) / 1e6:>10.2f}{len(EXTERNAL.findall(html)):>20}"
            )
        ratio = statistics.median(results["bilateral report run"]) / statistics.median(results["papermill + nbconvert"])
        print(f"time ratio (bilateral / baseline): {ratio:.2f}")


if __name__ == "__main__":
    main()
