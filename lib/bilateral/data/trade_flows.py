"""One door to every `trade_flows` table, whichever source fed it.

Notebooks ask for `load_trade_flows(source, ...)` and get the same canonical schema from a shipped
source (the Comtrade critical-minerals extract, IMF DOTS, the BACI China-Russia extract) or from the
newest fetched snapshot of UN Comtrade, IMF or CEPII BACI (or a named snapshot when a report must be
reproducible). Which sources have trade_flows, and how each is read, is the source registry's business
(`bilateral.data.registry`); this module only routes. Everything is scanned lazily and filtered before
it is collected, so a full BACI release is never loaded for one pair.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from bilateral.data import registry
from bilateral.data.paths import raw_dir
from bilateral.data.provenance import list_snapshots, read_source, require_verified
from bilateral.data.schemas import TRADE_FLOWS, validate
from bilateral.errors import DataError, ParameterError

TRADE_FLOWS_FILE = "trade_flows.parquet"  # the parsed table inside a comtrade or imf snapshot


def trade_flow_source(source: str) -> registry.Source:
    """The registry entry of a source that has trade_flows; ParameterError listing them otherwise."""
    return registry.get_source(source, where=registry.with_trade_flows, wanted="trade-flow source")


def check_source(source: str) -> str:
    """`source` if it names a source with trade_flows (for parameter validation)."""
    return trade_flow_source(source).name


def source_label(source: str) -> str:
    """What to call the source in a chart footnote or a table."""
    return trade_flow_source(source).label


def scan_trade_flows(source: str, *, snapshot: str | None = None) -> pl.LazyFrame:
    """Lazy trade_flows of `source` (its newest snapshot unless `snapshot` names one), checksums verified."""
    entry = trade_flow_source(source)
    module = importlib.import_module(entry.module_path)
    if entry.connector is None:
        if snapshot:
            raise ParameterError(
                f"'{source}' is shipped with the workbench and has no snapshots; leave `snapshot` empty."
            )
        loaded = getattr(module, str(entry.trade_flows))()
        return loaded.lazy()
    folder = snapshot_folder(source, snapshot)
    if entry.connector.loader is not None:
        return getattr(module, entry.connector.loader)(folder).lazy()
    record = read_source(folder)
    path = require_verified(folder, record, TRADE_FLOWS_FILE)
    frame = validate(pl.read_parquet(path), TRADE_FLOWS, dataset=f"{source} snapshot {folder.name}")
    return frame.lazy()


def load_trade_flows(
    source: str,
    *,
    snapshot: str | None = None,
    reporters: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
) -> pl.DataFrame:
    """trade_flows rows of `source` (newest snapshot unless `snapshot` names one), optionally pre-filtered."""
    frame = scan_trade_flows(source, snapshot=snapshot)
    if reporters:
        frame = frame.filter(pl.col("reporter_iso3").is_in(list(reporters)))
    if years:
        frame = frame.filter(pl.col("year").is_in(list(years)))
    return frame.collect()


def snapshot_folder(source: str, snapshot: str | None = None) -> Path:
    """The snapshot folder of an upstream: the newest, or the one named `snapshot`; DataError if absent."""
    entry = registry.get_source(source, where=lambda s: s.is_upstream, wanted="fetched source")
    snapshots = list_snapshots(raw_dir() / entry.name)
    if not snapshots:
        raise DataError(
            f"No snapshot of '{source}' in {raw_dir() / entry.name}. Run `bilateral data fetch {source} ...` "
            "while online, or set BILATERAL_DATA_DIR to a data folder that has one."
        )
    if snapshot is None:
        return snapshots[-1]
    named = [p for p in snapshots if p.name == snapshot]
    if not named:
        listed = ", ".join(p.name for p in snapshots)
        raise DataError(f"No snapshot '{snapshot}' of '{source}'; cached snapshots: {listed}.")
    return named[0]


def provenance_folder(source: str, snapshot: str | None = None) -> str:
    """Folder (relative to data/raw) whose source.yml describes the data `load_trade_flows` reads."""
    entry = trade_flow_source(source)
    if entry.connector is None:
        return entry.name
    return f"{entry.name}/{snapshot_folder(source, snapshot).name}"
