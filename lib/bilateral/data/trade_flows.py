"""One door to every `trade_flows` table, whichever source fed it.

Notebooks ask for `load_trade_flows(source, ...)` and get the same canonical schema from the shipped
Comtrade extract or from the newest fetched snapshot of UN Comtrade, IMF or CEPII BACI (or a named
snapshot when a report must be reproducible). BACI is filtered lazily before it is collected, so
the full matrix is never loaded for one pair.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from bilateral.errors import ParameterError

SHIPPED = "shipped"
SOURCES = (SHIPPED, "comtrade", "imf", "baci")
SOURCE_LABELS = {
    SHIPPED: "UN Comtrade extract shipped with the workbench (China's critical-mineral exports, monthly)",
    "comtrade": "UN Comtrade (newest fetched snapshot)",
    "imf": "IMF IMTS (newest fetched snapshot)",
    "baci": "CEPII BACI (newest fetched snapshot)",
}
# Folder under data/raw holding each source's provenance (snapshots live one level down).
SOURCE_FOLDERS = {SHIPPED: "comtrade_china_critical_minerals", "comtrade": "un_comtrade", "imf": "imf_imts", "baci": "cepii_baci"}


def check_source(source: str) -> str:
    if source not in SOURCES:
        raise ParameterError(f"Unknown trade-flow source '{source}'; choose one of {', '.join(SOURCES)}.")
    return source


def load_trade_flows(
    source: str = SHIPPED,
    *,
    snapshot: str | None = None,
    reporters: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
) -> pl.DataFrame:
    """trade_flows rows of `source` (newest snapshot unless `snapshot` names one), optionally pre-filtered."""
    check_source(source)
    if source == SHIPPED:
        if snapshot:
            raise ParameterError("The shipped extract has no snapshots; leave `snapshot` empty.")
        from bilateral.data.sources.comtrade_extract import load_critical_minerals

        frame = load_critical_minerals().lazy()
    elif source == "baci":
        from bilateral.data.fetch import _snapshot_folder
        from bilateral.data.sources.baci import scan_baci_snapshot

        frame = scan_baci_snapshot(_snapshot_folder("baci", snapshot))
    else:
        from bilateral.data.fetch import load_latest

        frame = load_latest(source, snapshot).lazy()
    if reporters:
        frame = frame.filter(pl.col("reporter_iso3").is_in(list(reporters)))
    if years:
        frame = frame.filter(pl.col("year").is_in(list(years)))
    return frame.collect()


def provenance_folder(source: str, snapshot: str | None = None) -> str:
    """Folder (relative to data/raw) whose source.yml describes the data `load_trade_flows` reads."""
    check_source(source)
    if source == SHIPPED:
        return SOURCE_FOLDERS[SHIPPED]
    from bilateral.data.fetch import _snapshot_folder

    return f"{SOURCE_FOLDERS[source]}/{_snapshot_folder(source, snapshot).name}"
