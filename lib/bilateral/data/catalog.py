"""The data catalog: every dataset the workbench can load, with its provenance.

A dataset is one canonical table loaded from one source folder under data/raw/ (or the newest
fetched snapshot of an upstream). The catalog answers `bilateral data list/show/verify` and gives
notebooks a citation to print under their charts.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from bilateral.data import registry
from bilateral.data.paths import raw_dir
from bilateral.data.provenance import SIDECAR, SourceRecord, list_snapshots, read_source, verify_files
from bilateral.errors import DataError, ParameterError


@dataclass(frozen=True)
class Dataset:
    name: str
    source: str  # provenance folder relative to data/raw: the source name, or <name>/<stamp> for a snapshot
    loader: Callable[[], pl.DataFrame | pl.LazyFrame]  # lazy for tables too large to load just to list them
    description: str
    year_column: str | None = "year"


def _lazy(module: str, function: str, *args: object) -> Callable[[], pl.DataFrame]:
    """A loader that imports its module only when called, so listing the catalog stays cheap."""

    def load() -> pl.DataFrame:
        return getattr(importlib.import_module(module), function)(*args)

    return load


def _table_loader(source: registry.Source, table: registry.Table) -> Callable[[], pl.DataFrame]:
    module, _, function = table.function.rpartition(":")
    return _lazy(module or source.module_path, function, *table.args)


DATASETS: dict[str, Dataset] = {
    table.name: Dataset(table.name, source.name, _table_loader(source, table), table.description, table.year_column)
    for source in registry.sources()
    for table in source.tables
}


def get(name: str) -> Dataset:
    snapshots = {d.name: d for d in snapshot_datasets()}
    if name in snapshots:
        return snapshots[name]
    if name not in DATASETS:
        import difflib

        hint = difflib.get_close_matches(name, DATASETS, n=1)
        suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
        raise ParameterError(f"Unknown dataset '{name}'; run `bilateral data list` to see them all.{suggestion}")
    return DATASETS[name]


def load(name: str) -> pl.DataFrame:
    return get(name).loader()


def datasets() -> list[Dataset]:
    """Shipped datasets, then the newest fetched snapshot of each upstream (if any)."""
    return [*DATASETS.values(), *snapshot_datasets()]


def snapshot_datasets() -> list[Dataset]:
    """One dataset per upstream with a fetched snapshot: `<source>_latest`, read lazily where large."""
    found = []
    for source in registry.upstreams():
        snapshots = list_snapshots(raw_dir() / source.name)
        if not snapshots:
            continue
        newest = snapshots[-1]
        found.append(
            Dataset(
                f"{source.name}_latest",
                f"{source.name}/{newest.name}",
                functools.partial(_snapshot_table, source.name, newest.name),
                f"trade_flows from the newest {source.name} snapshot ({newest.name}); `bilateral data fetch {source.name}` adds one",
            )
        )
    return found


def _snapshot_table(source: str, snapshot: str) -> pl.DataFrame | pl.LazyFrame:
    """A snapshot's trade_flows, lazy (a BACI release holds hundreds of millions of rows)."""
    from bilateral.data.trade_flows import scan_trade_flows

    return scan_trade_flows(source, snapshot=snapshot)


def table_profile(frame: pl.DataFrame | pl.LazyFrame, year_column: str | None) -> dict[str, object]:
    """Rows, schema and year span of a table, computed lazily so a large table is never loaded whole."""
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    aggregations = [pl.len().alias("rows")]
    if year_column and year_column in schema:
        year = pl.col(year_column).cast(pl.String).str.slice(0, 4).cast(pl.Int32, strict=False)
        aggregations += [year.min().alias("first"), year.max().alias("last")]
    stats = lazy.select(aggregations).collect().row(0, named=True)
    years = f"{stats['first']}–{stats['last']}" if stats.get("first") is not None else "–"
    return {"rows": stats["rows"], "years": years, "schema": dict(schema)}


def source_folders() -> list[Path]:
    """Every folder under data/raw holding a source.yml: shipped sources and fetched snapshots."""
    root = raw_dir()
    folders = [p for p in sorted(root.iterdir()) if p.is_dir() and (p / SIDECAR).is_file()] if root.is_dir() else []
    for candidate in sorted(root.iterdir()) if root.is_dir() else []:
        if candidate.is_dir() and not (candidate / SIDECAR).is_file():
            folders.extend(list_snapshots(candidate))
    return folders


def source_record(source: str) -> SourceRecord:
    folder = raw_dir() / source
    if not folder.is_dir():
        raise DataError(f"No data source '{source}' under {raw_dir()}; run `bilateral data list`.")
    return read_source(folder)


def verify_all() -> tuple[int, list[str]]:
    """Check every listed file of every source; returns (files checked, problems)."""
    checked, problems = 0, []
    root = raw_dir()
    if not root.is_dir():
        return 0, [f"{root}: the data folder is missing. Clone the repository again or set BILATERAL_DATA_DIR."]
    for folder in source_folders():
        try:
            record = read_source(folder)
        except DataError as exc:
            problems.append(str(exc))
            continue
        checked += len(record.files)
        problems.extend(verify_files(folder, record))
    problems.extend(_unaccounted(root))
    return checked, problems


def _unaccounted(root: Path) -> list[str]:
    """Folders under data/raw that hold data without provenance, and temporary folders an interrupted run left.

    A fetched source's folder holds only snapshots (each with its source.yml); a hidden `.<name>.*.tmp` folder is
    what a fetch killed half-way leaves (possibly gigabytes): it is reported with the command that removes it.
    """
    problems = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for leftover in sorted(
            p for p in [folder, *folder.iterdir()] if p.is_dir() and p.name.startswith(".") and p.name.endswith(".tmp")
        ):
            problems.append(
                f"{leftover}: a temporary folder left by an interrupted fetch or import; remove it: rm -r '{leftover}'"
            )
        if folder.name.startswith("."):
            continue
        if (folder / SIDECAR).is_file():
            continue
        if folder.name not in registry.names(lambda s: s.is_upstream):
            if any(p.is_file() for p in folder.rglob("*")):
                problems.append(
                    f"{folder}: no {SIDECAR} and not a fetched source's folder; data without provenance is not allowed."
                )
            continue
        for child in sorted(folder.iterdir()):
            if child.name.startswith("."):
                continue
            if child.is_file():
                problems.append(
                    f"{child}: a file in a fetched source's folder outside any snapshot; data without provenance is not allowed."
                )
            elif not (child / SIDECAR).is_file():
                problems.append(
                    f"{child}: a snapshot folder without {SIDECAR}; it is ignored by every loader. Fetch again or remove it."
                )
    return problems


def summary(dataset: Dataset) -> dict[str, object]:
    """One `data list` row: name, rows, years covered, publisher, licence."""
    record = source_record(dataset.source)
    profile = table_profile(dataset.loader(), dataset.year_column)
    return {
        "name": dataset.name,
        "rows": profile["rows"],
        "years": profile["years"],
        "publisher": record.publisher,
        "licence": record.licence,
        "source": dataset.source,
    }


def citation(source: str) -> str:
    """A one-paragraph Markdown citation for report footers, taken from the source's source.yml."""
    record = source_record(source)
    origin = record.origin
    where = ", ".join(
        filter(None, [origin.repository and f"{origin.repository}@{(origin.commit or '')[:10]}", *origin.urls])
    )
    return (
        f"**{record.title}.** Publisher: {record.publisher}. Origin: {where}. Retrieved: {record.retrieved}. "
        f"Licence (as stated): {record.licence}"
    )
