"""IMF DOTS benchmark: the checksum-keyed parquet cache against re-reading the workbooks, in one run.

Real data: the 235 shipped workbooks under data/raw/imf_dots (read in place through a temporary data directory,
so the repository's own cache is neither used nor touched). Measured, each in a fresh Python process (time inside
the child around the work alone, imports excluded; the median of --repeat runs):

- first load: `load_dots()` with no cache: verify 235 checksums, parse both sheets of every workbook, map names,
  validate, write the parquet cache, read it back (a one-off per checkout and per change of the workbooks);
- cached load: `load_dots()` of the whole table from the cache (checksums verified again: a fresh process);
- ranking: Russia's partners ranked by Russia's declared exports + imports, every year
  (`analysis.ranking.ranking_from_flows` on `load_dots(reporters="RUS")`);
- and in one warm process, the same ranking repeated (the per-process checksum memo skips re-hashing).

Baselines are what a user would otherwise write each time: polars `read_excel` (calamine) of every workbook's two
sheets, unpivoted to long rows (no name mapping, no checks), for the table; and for the ranking, reading Russia's
workbook (DOTS_162.xlsx) with polars, stripping the " e" flags, dropping aggregates by a hand list, summing and
ranking. The two rankings are compared (same partners, ranks and turnover within 1e-9 relative), so a fast wrong
answer cannot pass.

    .venv/bin/python benchmarks/dots_load.py               # all 235 workbooks, 3 repeats
    .venv/bin/python benchmarks/dots_load.py --limit 4 --repeat 1   # quick run on Russia, China and two more
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "data" / "raw" / "imf_dots"
RUSSIA = "DOTS_162.xlsx"
FIRST_YEAR, LAST_YEAR = 1992, 2020


# --------------------------------------------------------------------------------------------------
# Children: each task runs in its own process and prints {"seconds", "cpu", "result"} as JSON


class Clock:
    """Wall seconds (perf_counter) and CPU seconds of all threads (process_time) since it was started."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def report(self, result: object) -> dict:
        return {"seconds": time.perf_counter() - self.wall, "cpu": time.process_time() - self.cpu, "result": result}


def task_first_load() -> dict:
    from bilateral.data.sources import imf_dots

    clock = Clock()
    rows = imf_dots.load_dots().height
    return clock.report(rows)


def task_cached_load() -> dict:
    from bilateral.data.sources import imf_dots

    clock = Clock()
    rows = imf_dots.load_dots().height
    return clock.report(rows)


def ranking_through_cache() -> list[list]:
    from bilateral.analysis.ranking import ranking_from_flows
    from bilateral.data.sources import imf_dots

    ranked = ranking_from_flows(imf_dots.load_dots(reporters="RUS"), "RUS", FIRST_YEAR, LAST_YEAR)
    return ranked.select("year", "partner_iso3", "rank", "turnover_usd").rows()


def task_ranking_cached() -> dict:
    # Imports stay outside the timing, as for the baseline.
    import bilateral.analysis.ranking
    import bilateral.data.sources.imf_dots  # noqa: F401

    clock = Clock()
    return clock.report(ranking_through_cache())


def task_ranking_warm(repeat: int) -> dict:
    ranking_through_cache()  # first call in the process: checksums hashed once
    times = []
    for _ in range(max(repeat, 3)):
        start = time.perf_counter()
        ranking_through_cache()
        times.append(time.perf_counter() - start)
    return {"seconds": statistics.median(times), "cpu": None, "result": None}


def task_baseline_table(folder: str) -> dict:
    import fastexcel  # noqa: F401  (polars imports it on first read_excel: keep that out of the timing)
    import polars as pl

    clock = Clock()
    parts = []
    for path in sorted(Path(folder).glob("DOTS_*.xlsx")):
        for sheet, flow in (("Exports, FOB", "export"), ("Imports, CIF", "import")):
            grid = pl.read_excel(path, sheet_name=sheet, has_header=False, infer_schema_length=0)
            years = list(grid.row(3)[1:])
            body = grid.slice(4)
            body.columns = ["partner", *years]
            long = body.unpivot(index="partner", variable_name="year", value_name="value").drop_nulls("value")
            parts.append(long.with_columns(pl.lit(path.name).alias("workbook"), pl.lit(flow).alias("flow")))
    return clock.report(pl.concat(parts).height)


def task_baseline_ranking(folder: str) -> dict:
    import fastexcel  # noqa: F401
    import polars as pl

    from bilateral.data import harmonise

    not_countries = [*harmonise.aggregate_names("imf_dots"), "World"]  # the user's own hand list
    clock = Clock()
    parts = []
    for sheet in ("Exports, FOB", "Imports, CIF"):
        grid = pl.read_excel(Path(folder) / RUSSIA, sheet_name=sheet, has_header=False, infer_schema_length=0)
        body = grid.slice(4)
        body.columns = ["partner", *grid.row(3)[1:]]
        parts.append(
            body.unique().unpivot(index="partner", variable_name="year", value_name="value").drop_nulls("value")
        )
    value = pl.col("value").str.strip_suffix(" e").str.replace_all(",", "").cast(pl.Float64) * 1e6
    ranked = (
        pl.concat(parts)
        .filter(~pl.col("partner").is_in(not_countries))
        .with_columns(pl.col("year").cast(pl.Int32), value.alias("value"))
        .filter(pl.col("year").is_between(FIRST_YEAR, LAST_YEAR))
        .group_by("year", "partner")
        .agg(pl.col("value").sum().alias("turnover_usd"))
        .with_columns(pl.col("turnover_usd").rank("min", descending=True).over("year").cast(pl.Int32).alias("rank"))
    )
    report = clock.report(None)
    mapping = harmonise.to_iso3(
        ranked.get_column("partner").unique().to_list(), source="imf_dots"
    )  # for comparing only
    result = ranked.select(
        "year", pl.col("partner").replace_strict(mapping).alias("partner_iso3"), "rank", "turnover_usd"
    )
    return {**report, "result": result.rows()}


TASKS = {
    "first_load": lambda a: task_first_load(),
    "cached_load": lambda a: task_cached_load(),
    "ranking_cached": lambda a: task_ranking_cached(),
    "ranking_warm": lambda a: task_ranking_warm(a.repeat),
    "baseline_table": lambda a: task_baseline_table(a.workbooks),
    "baseline_ranking": lambda a: task_baseline_ranking(a.workbooks),
}


# --------------------------------------------------------------------------------------------------
# Parent


def make_data_dir(root: Path, limit: int | None) -> Path:
    """A data directory whose raw/imf_dots links to the shipped workbooks (all, or Russia, China and a few more)."""
    import yaml

    folder = root / "data" / "raw" / "imf_dots"
    folder.mkdir(parents=True)
    record = yaml.safe_load((RAW / "source.yml").read_text(encoding="utf-8"))
    workbooks = [f for f in record["files"] if f["path"].startswith("DOTS_")]
    if limit is not None:
        first = [f for f in workbooks if f["path"] in (RUSSIA, "DOTS_40.xlsx")]
        workbooks = first + [f for f in workbooks if f not in first][: max(limit - len(first), 0)]
    record["files"] = workbooks
    for item in workbooks:
        (folder / item["path"]).symlink_to(RAW / item["path"])
    (folder / "source.yml").write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
    return root / "data"


def run_child(task: str, data_dir: Path, args: argparse.Namespace) -> dict:
    env = {**os.environ, "BILATERAL_DATA_DIR": str(data_dir)}
    workbooks = str(data_dir / "raw" / "imf_dots")
    command = [sys.executable, __file__, "--child", task, "--workbooks", workbooks, "--repeat", str(args.repeat)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{task} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_of(task: str, data_dir: Path, args: argparse.Namespace) -> tuple[float, object, float]:
    """Median wall seconds, the first run's result, median CPU seconds (all threads) over --repeat processes."""
    runs = [run_child(task, data_dir, args) for _ in range(args.repeat)]
    cpu = [r["cpu"] for r in runs if r["cpu"] is not None]
    return statistics.median(r["seconds"] for r in runs), runs[0]["result"], statistics.median(cpu) if cpu else None


def same_ranking(ours: list[list], theirs: list[list]) -> bool:
    a = {(y, p): (r, v) for y, p, r, v in ours}
    b = {(y, p): (r, v) for y, p, r, v in theirs}
    return a.keys() == b.keys() and all(a[k][0] == b[k][0] and abs(a[k][1] - b[k][1]) <= 1e-9 * abs(b[k][1]) for k in a)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="use only this many workbooks (Russia and China first)")
    parser.add_argument("--child", choices=sorted(TASKS), help=argparse.SUPPRESS)
    parser.add_argument("--workbooks", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(TASKS[args.child](args)))
        return

    root = Path(tempfile.mkdtemp(prefix="dots-bench-"))
    try:
        data_dir = make_data_dir(root, args.limit)
        count = len(list((data_dir / "raw" / "imf_dots").glob("DOTS_*.xlsx")))
        print(
            f"IMF DOTS benchmark: {count} real workbooks (data/raw/imf_dots), median of {args.repeat} fresh process(es)"
        )
        first_run = run_child("first_load", data_dir, args)
        first, first_cpu = first_run["seconds"], first_run["cpu"]
        cached, rows, cached_cpu = median_of("cached_load", data_dir, args)
        base_table, base_rows, base_table_cpu = median_of("baseline_table", data_dir, args)
        ranking, ours, ranking_cpu = median_of("ranking_cached", data_dir, args)
        warm, _, _ = median_of("ranking_warm", data_dir, args)
        base_rank, theirs, base_rank_cpu = median_of("baseline_ranking", data_dir, args)
        agree = "yes" if same_ranking(ours, theirs) else "NO"
        print(f"{'measure':<44}{'seconds':>9}{'baseline s':>12}{'speed ratio':>13}{'cpu s':>8}{'baseline cpu':>14}")
        lines = [
            ("first load (parse + validate + write cache)", first, base_table, first_cpu, base_table_cpu),
            ("cached load, whole table (new process)", cached, base_table, cached_cpu, base_table_cpu),
            ("ranking, Russia 1992-2020 (new process)", ranking, base_rank, ranking_cpu, base_rank_cpu),
            ("ranking, repeated in a warm process", warm, base_rank, None, None),
        ]
        for label, ours_s, base_s, ours_cpu, base_cpu in lines:
            cpu_text = f"{ours_cpu:>8.2f}{base_cpu:>14.2f}" if ours_cpu is not None else f"{'':>8}{'':>14}"
            print(f"{label:<44}{ours_s:>9.3f}{base_s:>12.3f}{base_s / ours_s:>12.1f}x{cpu_text}")
        print(
            f"rows: cache {rows:,} (countries only, typed, checked); baseline {base_rows:,} cells (aggregates included)"
        )
        print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"rankings agree: {agree}")
        if agree != "yes":
            raise SystemExit(1)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
