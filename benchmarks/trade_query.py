"""Trade-query benchmark: bilateral's BACI data layer against pandas on the same CSVs, in one run.

All data here is SYNTHETIC: numpy (fixed seed) writes yearly CSVs in CEPII BACI's exact layout
(t,i,j,k,v,q; fixed-width padded v and q; "NA" for ~2% of quantities; rows sorted by i, j, k), named
`SYNTHETIC_BACI_HS92_Y<year>_V202501.csv` and zipped (stored, not deflated) as a release. The zip goes
through `convert_baci_release` once (timed and reported on its own); then three typical queries run
through `bilateral.data.sources.baci.query_baci` and, as the baseline, through what a user would
otherwise write: `pd.read_csv` per yearly CSV with dtype hints and only the needed columns, then
filter and group.

Measurement. Every (side, query, repeat) runs in its own fresh Python process, so neither side
inherits the other's memory or caches. Time is `time.perf_counter()` inside the child around the
query alone (imports excluded, same for both); the process wall time including interpreter start and
imports is reported too. Peak memory is the child's own high-water mark (Linux `VmHWM` from
/proc/self/status, read right after the query), which includes the interpreter and library imports
on both sides. `ru_maxrss` (getrusage/wait4) was not used: Linux carries the parent's high-water mark
into a forked-then-exec'd child, and in a first run both sides showed the launcher's 165 MB; the
launcher also imports no numpy/polars/pandas (generation and comparison run in children too).
The files are freshly written or reused from `.cache/`, so both sides read from a warm OS page cache.
Each side's result is written and compared with the other's (same keys, values within 1e-9
relative), so a fast wrong answer cannot pass.

    .venv/bin/python benchmarks/trade_query.py                 # full scale, about 40 million rows
    .venv/bin/python benchmarks/trade_query.py --rows 200000   # quick run
    .venv/bin/python benchmarks/trade_query.py --scale 0.1 --repeat 1 --clean
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FULL_ROWS = 40_000_000  # 5 years x 200 x 199 pairs x 200 products = 39.8 million
YEARS = (2019, 2020, 2021, 2022, 2023)
VERSION = "202501"
REPORTER, PARTNER = ("CHN", 156), ("RUS", 643)  # ISO3 and CEPII numeric code
QUERIES = {
    "pair_hs2_by_year": "CHN->RUS exports by HS2 chapter, every year",
    "partner_ranking": "CHN's export partners ranked, every year",
    "top50_products": f"top 50 HS6 products CHN->RUS, {YEARS[-1]}",
}
TARGET_SPEEDUP, TARGET_MEMORY_RATIO = 5.0, 0.5


# --------------------------------------------------------------------------------------------------
# Synthetic data in BACI's layout


def shape_for(rows: int) -> tuple[int, int]:
    """Countries and products giving about `rows` rows over YEARS (full scale: 200 and 200)."""
    factor = (rows / FULL_ROWS) ** (1 / 3)
    return max(4, round(200 * factor)), max(5, round(200 * factor))


def pick_countries(n: int, rng) -> list[tuple[int, str, str, str]]:
    """(code, name, iso2, iso3): China and Russia plus random ISO countries, sorted by code like CEPII's table."""
    import pycountry

    pool = [
        (int(c.numeric), c.name, c.alpha_2, c.alpha_3) for c in pycountry.countries if c.alpha_3 not in ("CHN", "RUS")
    ]
    chosen = [pool[i] for i in rng.choice(len(pool), size=n - 2, replace=False)]
    fixed = [(156, "China", "CN", "CHN"), (643, "Russian Federation", "RU", "RUS")]
    return sorted(fixed + chosen)


def pick_products(n: int, rng) -> list[str]:
    """n distinct 6-digit HS-like codes spread over chapters 01-97 (many with a leading zero)."""
    codes: set[str] = set()
    while len(codes) < n:
        chapter = int(rng.integers(1, 98))
        if chapter == 77:  # reserved in HS
            continue
        codes.add(f"{chapter:02d}{int(rng.integers(1, 30)):02d}{int(rng.integers(1, 10)) * 10:02d}")
    return sorted(codes)


def padded_thousandths(column: str):
    """Integer thousandths -> BACI's fixed-width text ('        0.357'), 13 characters wide."""
    import polars as pl

    whole = (pl.col(column) // 1000).cast(pl.String)
    frac = (pl.col(column) % 1000).cast(pl.String).str.zfill(3)
    return pl.concat_str([whole, pl.lit("."), frac]).str.pad_start(13)


def write_year(path: Path, year: int, codes, products: list[str], rng) -> int:
    """One dense yearly file: every ordered pair of distinct countries trades every product."""
    import numpy as np
    import polars as pl

    n, m = len(codes), len(products)
    a, b = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    keep = a != b
    ia, jb = a[keep], b[keep]
    size = ia.size * m
    pair_scale = rng.lognormal(0.0, 1.5, ia.size)  # some partners matter far more than others
    v_milli = np.maximum(1, rng.lognormal(2.0, 2.0, size) * np.repeat(pair_scale, m) * 1000).astype(np.int64)
    q_milli = np.maximum(1, v_milli * rng.lognormal(-0.5, 1.5, size)).astype(np.int64)
    frame = pl.DataFrame(
        {
            "t": np.full(size, year, np.int32),
            "i": np.repeat(codes[ia], m),
            "j": np.repeat(codes[jb], m),
            "k": pl.Series(products).gather(np.tile(np.arange(m), ia.size)),
            "v_milli": v_milli,
            "q_milli": q_milli,
            "q_na": rng.random(size) < 0.02,
        }
    )
    text = frame.select(
        "t",
        "i",
        "j",
        "k",
        v=padded_thousandths("v_milli"),
        q=pl.when(pl.col("q_na")).then(pl.lit("NA").str.pad_start(13)).otherwise(padded_thousandths("q_milli")),
    )
    text.write_csv(path)
    return size


def generate(case: Path, rows: int, seed: int) -> dict:
    """Write the SYNTHETIC CSVs and a stored zip of them into `case` (skipped when already complete)."""
    import numpy as np

    marker = case / "COMPLETE.json"
    if marker.is_file():
        return json.loads(marker.read_text()) | {"generated_now": False}
    shutil.rmtree(case, ignore_errors=True)
    csv_dir = case / "csv"
    csv_dir.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    n_countries, n_products = shape_for(rows)
    countries = pick_countries(n_countries, rng)
    products = pick_products(n_products, rng)
    started = time.perf_counter()
    total = 0
    for year in YEARS:
        name = f"SYNTHETIC_BACI_HS92_Y{year}_V{VERSION}.csv"
        total += write_year(csv_dir / name, year, np.array([c[0] for c in countries], np.int32), products, rng)
    write_code_tables(csv_dir, countries, products)
    with zipfile.ZipFile(case / f"SYNTHETIC_BACI_HS92_V{VERSION}.zip", "w", compression=zipfile.ZIP_STORED) as archive:
        for path in sorted(csv_dir.iterdir()):
            archive.write(path, path.name)
    meta = {
        "rows": total,
        "countries": n_countries,
        "products": n_products,
        "seed": seed,
        "generate_s": round(time.perf_counter() - started, 1),
    }
    marker.write_text(json.dumps(meta))
    return meta | {"generated_now": True}


def write_code_tables(csv_dir: Path, countries: list[tuple[int, str, str, str]], products: list[str]) -> None:
    import csv

    with (csv_dir / f"country_codes_V{VERSION}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["country_code", "country_name", "country_iso2", "country_iso3"])
        writer.writerows(countries)
    with (csv_dir / f"product_codes_HS92_V{VERSION}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "description"])
        writer.writerows([(code, f"SYNTHETIC product {code}") for code in products])


# --------------------------------------------------------------------------------------------------
# The queries, each side (run inside a child process)


def polars_query(case: Path, query: str):
    import polars as pl

    from bilateral.data.sources.baci import query_baci

    parquet = case / "parquet"
    if query == "pair_hs2_by_year":
        rows = query_baci(parquet, reporters=REPORTER[0], partners=PARTNER[0])
        return (
            rows.group_by("year", hs2=pl.col("product_code").str.slice(0, 2))
            .agg(value_usd=pl.col("value_usd").sum())
            .sort("year", "hs2")
        )
    if query == "partner_ranking":
        rows = query_baci(parquet, reporters=REPORTER[0])
        totals = rows.group_by("year", "partner_iso3").agg(value_usd=pl.col("value_usd").sum())
        ranked = totals.sort(["year", "value_usd", "partner_iso3"], descending=[False, True, False])
        return ranked.with_columns(rank=pl.int_range(1, pl.len() + 1).over("year"))
    rows = query_baci(parquet, reporters=REPORTER[0], partners=PARTNER[0], years=YEARS[-1])
    return (
        rows.sort(["value_usd", "product_code"], descending=[True, False]).head(50).select("product_code", "value_usd")
    )


def pandas_query(case: Path, query: str, engine: str):
    import pandas as pd

    csv_dir = case / "csv"
    names = pd.read_csv(next(csv_dir.glob("country_codes_*.csv")), dtype=str, keep_default_na=False)
    iso3 = dict(zip(names["country_code"].astype(int), names["country_iso3"], strict=True))

    def read_year(year: int) -> pd.DataFrame:
        return pd.read_csv(
            csv_dir / f"SYNTHETIC_BACI_HS92_Y{year}_V{VERSION}.csv",
            usecols=["t", "i", "j", "k", "v"],
            dtype={"t": "int16", "i": "int32", "j": "int32", "k": "int32", "v": "float64"},
            engine=engine,
            **({"skipinitialspace": True} if engine == "c" else {}),
        )

    if query == "pair_hs2_by_year":
        parts = [df[(df.i == REPORTER[1]) & (df.j == PARTNER[1])] for df in map(read_year, YEARS)]
        rows = pd.concat(parts)
        rows = rows.assign(hs2=(rows.k // 10000).map("{:02d}".format), value_usd=rows.v * 1000)
        out = rows.groupby(["t", "hs2"], as_index=False)["value_usd"].sum().rename(columns={"t": "year"})
        return out.sort_values(["year", "hs2"])
    if query == "partner_ranking":
        rows = pd.concat([df[df.i == REPORTER[1]] for df in map(read_year, YEARS)])
        totals = rows.groupby(["t", "j"], as_index=False)["v"].sum()
        totals = totals.assign(
            year=totals.t.astype("int32"), partner_iso3=totals.j.map(iso3), value_usd=totals.v * 1000
        )
        totals = totals.sort_values(["year", "value_usd", "partner_iso3"], ascending=[True, False, True])
        totals["rank"] = totals.groupby("year").cumcount() + 1
        return totals[["year", "partner_iso3", "value_usd", "rank"]]
    df = read_year(YEARS[-1])
    pair = df[(df.i == REPORTER[1]) & (df.j == PARTNER[1])]
    top = pair.assign(value_usd=pair.v * 1000, product_code=pair.k.map("{:06d}".format))
    return top.sort_values(["value_usd", "product_code"], ascending=[False, True]).head(50)[
        ["product_code", "value_usd"]
    ]


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux VmHWM: per address space, so a fresh exec starts at 0)."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource  # elsewhere: ru_maxrss, which may include the parent's memory at fork

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(args: argparse.Namespace) -> None:
    """Child process body: import, time the work alone, read peak memory, save the result, print one JSON line."""
    side, query, case = args.child, args.query, Path(args.case_dir)
    if side == "generate":
        print(json.dumps(generate(case, args.rows, args.seed)))
        return
    if side == "compare":
        print(json.dumps({"same": compare(case, query)}))
        return
    if side in ("polars", "convert"):
        import polars  # noqa: F401

        from bilateral.data.sources import baci
    else:
        import pandas  # noqa: F401
    baseline_mb = peak_rss_mb()
    started = time.perf_counter()
    if side == "convert":
        baci.convert_baci_release(next(case.glob("SYNTHETIC_BACI_*.zip")), case / "parquet")
        result = None
    elif side == "polars":
        result = polars_query(case, query)
    else:
        result = pandas_query(case, query, args.pandas_engine)
    seconds, peak_mb = time.perf_counter() - started, peak_rss_mb()
    if side == "polars":
        result.write_csv(case / "results" / f"{query}.polars.csv")
    elif side == "pandas":
        result.to_csv(case / "results" / f"{query}.pandas.csv", index=False)  # to_parquet would import pyarrow
    rows = None if result is None else len(result)
    print(json.dumps({"seconds": seconds, "baseline_mb": baseline_mb, "peak_mb": peak_mb, "rows": rows}))


# --------------------------------------------------------------------------------------------------
# Parent: spawn, measure, compare, report


def spawn(side: str, case: Path, args: argparse.Namespace, query: str = "-") -> dict:
    """Run one child process and return its JSON report plus the process wall time."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        side,
        "--query",
        query,
        "--case-dir",
        str(case),
        "--pandas-engine",
        args.pandas_engine,
        "--seed",
        str(args.seed),
        "--rows",
        str(args.rows),
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{side} {query} failed (exit {process.returncode}):\n{err}")
    return json.loads(out.strip().splitlines()[-1]) | {"process_s": wall}


def compare(case: Path, query: str) -> str:
    """'yes' when both sides returned the same rows (values within 1e-9 relative)."""
    import polars as pl

    text_keys = {"hs2": pl.String, "product_code": pl.String, "partner_iso3": pl.String}
    import numpy as np

    ours = pl.read_csv(case / "results" / f"{query}.polars.csv", schema_overrides=text_keys)
    theirs = pl.read_csv(case / "results" / f"{query}.pandas.csv", schema_overrides=text_keys).select(ours.columns)
    theirs = theirs.cast(dict(ours.schema))
    if ours.height != theirs.height:
        return f"NO ({ours.height} vs {theirs.height} rows)"
    keys = [c for c in ours.columns if c != "value_usd"]
    if not ours.select(keys).equals(theirs.select(keys)):
        return "NO (different keys or order)"
    a, b = ours["value_usd"].to_numpy(), theirs["value_usd"].to_numpy()
    return "yes" if np.allclose(a, b, rtol=1e-9, atol=0) else "NO (values differ)"


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def run_benchmark(args: argparse.Namespace) -> None:
    args.rows = int(args.rows or round(args.scale * FULL_ROWS))
    case = Path(args.cache_dir) / f"rows={args.rows}_seed={args.seed}"
    print(f"SYNTHETIC BACI-layout data (numpy, seed {args.seed}); NOT trade data. Case folder: {case}")
    meta = spawn("generate", case, args)
    what = f"generated in {meta['generate_s']:.0f} s" if meta["generated_now"] else "reused from cache"
    print(
        f"data: {meta['rows']:,} rows ({len(YEARS)} years x {meta['countries']} countries x {meta['products']} products), {what}"
    )
    shutil.rmtree(case / "parquet", ignore_errors=True)
    (case / "results").mkdir(exist_ok=True)
    conversion = spawn("convert", case, args)
    print(f"conversion (once per release): {conversion['seconds']:.1f} s, peak RSS {conversion['peak_mb']:.0f} MB")
    print_disk(case)

    table = []
    for query in QUERIES:
        runs: dict[str, list[dict]] = {"polars": [], "pandas": []}
        for _ in range(args.repeat):
            for side in ("pandas", "polars"):
                runs[side].append(spawn(side, case, args, query))
        table.append((query, runs, spawn("compare", case, args, query)["same"]))
    print_table(table, args)
    if args.clean:
        shutil.rmtree(case)
        print(f"removed {case}")


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def print_disk(case: Path) -> None:
    zip_mb = sum(p.stat().st_size for p in case.glob("*.zip")) / 1e6
    print(
        f"disk: CSVs {folder_mb(case / 'csv'):,.0f} MB, zip (stored) {zip_mb:,.0f} MB, "
        f"parquet {folder_mb(case / 'parquet'):,.0f} MB"
    )


def print_table(table: list, args: argparse.Namespace) -> None:
    print(f"\nquery timings: median of {args.repeat} fresh process(es) per side; pandas engine '{args.pandas_engine}'")
    header = f"{'query':<18} {'bilateral s':>11} {'pandas s':>9} {'speed ratio':>11} {'bilateral MB':>12} {'pandas MB':>9} {'memory ratio':>12}  same result"
    print(header)
    print("-" * len(header))
    verdicts = []
    for query, runs, same in table:
        ours_s, theirs_s = median_of(runs["polars"], "seconds"), median_of(runs["pandas"], "seconds")
        ours_mb, theirs_mb = median_of(runs["polars"], "peak_mb"), median_of(runs["pandas"], "peak_mb")
        speed, memory = theirs_s / ours_s, ours_mb / theirs_mb
        verdicts.append(speed >= TARGET_SPEEDUP and memory <= TARGET_MEMORY_RATIO and same == "yes")
        print(
            f"{query:<18} {ours_s:>11.3f} {theirs_s:>9.2f} {speed:>10.1f}x {ours_mb:>12.0f} {theirs_mb:>9.0f} {memory:>11.2f}x  {same}"
        )
    print("\nspeed ratio = pandas time / bilateral time; memory ratio = bilateral peak RSS / pandas peak RSS")
    print("peak RSS = the child's own VmHWM at the end of the query (interpreter and imports included)")
    print("process wall time incl. interpreter start and imports (median s), bilateral vs pandas:")
    for query, runs, _ in table:
        print(
            f"  {query:<18} {median_of(runs['polars'], 'process_s'):.2f} vs {median_of(runs['pandas'], 'process_s'):.2f}"
            f"   (RSS right after imports: {median_of(runs['polars'], 'baseline_mb'):.0f} vs {median_of(runs['pandas'], 'baseline_mb'):.0f} MB)"
        )
    met = "met" if all(verdicts) else "NOT met"
    print(f"target (>= {TARGET_SPEEDUP:.0f}x faster at <= {TARGET_MEMORY_RATIO}x peak memory, same result): {met}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--rows", type=int, help="about this many rows in total (default: full scale, 40 million)")
    size.add_argument("--scale", type=float, default=1.0, help="fraction of full scale (0.01 = 400k rows)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per side and query (median reported)")
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument(
        "--cache-dir",
        default=str(REPO / ".cache" / "benchmarks" / "trade_query"),
        help="where the generated data is kept for reuse (default .cache/, keep it gitignored)",
    )
    parser.add_argument("--clean", action="store_true", help="delete the generated data afterwards")
    parser.add_argument(
        "--pandas-engine",
        choices=["c", "pyarrow"],
        default="c",
        help="pandas CSV parser: 'c' (pandas' default) or 'pyarrow' (multi-threaded)",
    )
    parser.add_argument(
        "--child", choices=["polars", "pandas", "convert", "generate", "compare"], help=argparse.SUPPRESS
    )
    parser.add_argument("--query", help=argparse.SUPPRESS)
    parser.add_argument("--case-dir", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        run_child(args)
    else:
        run_benchmark(args)


if __name__ == "__main__":
    main()
