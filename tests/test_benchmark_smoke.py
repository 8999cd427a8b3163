"""The trade-query benchmark still runs end to end (at a tiny scale) and prints its ratios."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "trade_query.py"


def test_benchmark_runs_at_tiny_scale_and_prints_ratios(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--rows", "4000", "--repeat", "1", "--cache-dir", str(tmp_path), "--clean"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "SYNTHETIC" in out
    assert "speed ratio" in out and "memory ratio" in out
    for query in ("pair_hs2_by_year", "partner_ranking", "top50_products"):
        line = next(line for line in out.splitlines() if line.startswith(query))
        assert line.rstrip().endswith("yes"), line  # both sides returned the same result
        assert line.count("x") >= 2  # a speed ratio and a memory ratio
    assert list(tmp_path.iterdir()) == []  # --clean removed the generated data
