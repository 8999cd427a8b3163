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

from bilateral.data.paths import raw_dir
from bilateral.data.provenance import SIDECAR, SourceRecord, list_snapshots, read_source, verify_files
from bilateral.errors import DataError, ParameterError


@dataclass(frozen=True)
class Dataset:
    name: str
    source: str  # folder under data/raw
    loader: Callable[[], pl.DataFrame | pl.LazyFrame]  # lazy for tables too large to load just to list them
    description: str
    year_column: str | None = "year"


def _lazy(module: str, function: str, *args: object) -> Callable[[], pl.DataFrame]:
    """A loader that imports its module only when called, so listing the catalog stays cheap."""

    def load() -> pl.DataFrame:
        return getattr(importlib.import_module(module), function)(*args)

    return load


SOURCES = "bilateral.data.sources."

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "trade_headlines",
            "official_headlines",
            _lazy(SOURCES + "headlines", "load_trade_headlines"),
            "China-Russia annual turnover, exports, imports (US$) as stated on cited pages, one row per statement",
        ),
        Dataset(
            "partner_share_rank",
            "official_headlines",
            _lazy(SOURCES + "headlines", "load_share_rank"),
            "China's and Russia's rank and share among each other's trading partners, as stated",
        ),
        Dataset(
            "energy_headlines",
            "official_headlines",
            _lazy(SOURCES + "headlines", "load_energy_headlines"),
            "Russian crude oil, Power of Siberia gas and LNG supply to China, as stated (units per row)",
        ),
        Dataset(
            "energy_trade_2022",
            "energy_institute_statreview",
            _lazy(SOURCES + "energy_institute", "load_energy_trade", "2023"),
            "EI Statistical Review 2023: 2022 bilateral matrices of crude, products (Mt), pipeline gas, LNG (bcm), coal (EJ)",
        ),
        Dataset(
            "energy_trade_2020",
            "energy_institute_statreview_2021",
            _lazy(SOURCES + "energy_institute", "load_energy_trade", "2021"),
            "bp Statistical Review 2021: 2020 bilateral matrices of crude, products (Mt), pipeline gas, LNG (bcm), coal (EJ)",
        ),
        Dataset(
            "russia_china_energy_flows",
            "energy_institute_statreview",
            _lazy(SOURCES + "energy_institute", "load_russia_china_energy_flows", "2023"),
            "Russia->China energy flows from the EI 2023 workbook (pipeline gas 2000-2022; crude, products, LNG, coal 2022)",
        ),
        Dataset(
            "gas_interregional_trade",
            "energy_institute_statreview",
            _lazy(SOURCES + "energy_institute", "load_gas_interregional", "2023"),
            "EI 2023 inter-regional pipeline gas trade 2000-2022 (bcm), exporter region -> importer region",
        ),
        Dataset(
            "china_critical_mineral_exports",
            "comtrade_china_critical_minerals",
            _lazy(SOURCES + "comtrade_extract", "load_critical_minerals"),
            "China's monthly exports of graphite, Ga/Ge and polysilicon by destination (UN Comtrade extract, trade_flows)",
        ),
        Dataset(
            "china_energy_imports",
            "china_customs_energy_imports_by_origin",
            _lazy(SOURCES + "china_customs_energy", "load_china_energy_imports"),
            "China's monthly energy imports by origin (crude, coal types, LNG, pipeline gas), tonnes and US$, GACC via Wind/CREA; 0 = not published -> null",
        ),
        Dataset(
            "eaeu_trade_statements",
            "cooperation_registry",
            _lazy(SOURCES + "cooperation_registry", "load_eaeu_trade"),
            "China-EAEU agreement milestones and China's trade with the EAEU and its members, as stated on cited pages",
        ),
        Dataset(
            "cooperation_projects",
            "cooperation_registry",
            _lazy(SOURCES + "cooperation_registry", "load_projects"),
            "27 China-Russia mega-projects (energy, transport, nuclear, aerospace, finance): 241 cited facts",
            year_column=None,
        ),
        Dataset(
            "investment_statements",
            "cooperation_registry",
            _lazy(SOURCES + "cooperation_registry", "load_investment"),
            "China-Russia investment portfolio (IGC) and FDI statements, as stated",
        ),
        Dataset(
            "people_exchanges",
            "cooperation_registry",
            _lazy(SOURCES + "cooperation_registry", "load_people_exchanges"),
            "Tourist and student flows between China and Russia, as stated",
        ),
        Dataset(
            "settlement_currency_statements",
            "cooperation_registry",
            _lazy(SOURCES + "cooperation_registry", "load_currency_settlement"),
            "Shares of US$, euro, rouble and yuan in China-Russia settlements, as stated",
        ),
        Dataset(
            "china_energy_finance",
            "bu_china_global_energy_finance",
            _lazy(SOURCES + "china_energy_finance", "load_china_energy_finance"),
            "Chinese development-bank loans to energy projects abroad, 2000-2019 (BU GDP Center, Feb 2020 copy), US$",
        ),
        Dataset(
            "russia_fossil_exports",
            "russia_fossil_exports_by_importer",
            _lazy(SOURCES + "russia_fossil_exports", "load_russia_fossil_exports"),
            "Monthly imports of Russian fossil fuels by importing country, 2016-2022, EUR and tonnes (Comtrade+Eurostat via CREA)",
        ),
        Dataset(
            "hs_codes",
            "hs_classification",
            _lazy("bilateral.data.products", "hs_table"),
            "HS 2022 chapters, headings and subheadings with section and description",
            year_column=None,
        ),
    )
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
    """One dataset per upstream with a fetched snapshot: `<cli name>_latest`, read lazily where large."""
    from bilateral.data.fetch import CONNECTORS

    found = []
    for cli_name, connector in CONNECTORS.items():
        snapshots = list_snapshots(raw_dir() / connector.folder)
        if not snapshots:
            continue
        newest = snapshots[-1]
        found.append(
            Dataset(
                f"{cli_name}_latest",
                f"{connector.folder}/{newest.name}",
                functools.partial(_snapshot_table, cli_name, newest.name),
                f"trade_flows from the newest {cli_name} snapshot ({newest.name}); `bilateral data fetch {cli_name}` adds one",
            )
        )
    return found


def _snapshot_table(cli_name: str, snapshot: str) -> pl.DataFrame | pl.LazyFrame:
    """A snapshot's trade_flows; BACI stays lazy (hundreds of millions of rows in a real release)."""
    from bilateral.data.fetch import _snapshot_folder, load_latest

    if cli_name == "baci":
        from bilateral.data.sources.baci import scan_baci_snapshot

        return scan_baci_snapshot(_snapshot_folder("baci", snapshot))
    return load_latest(cli_name, snapshot)


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
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        has_files = any(p.is_file() for p in folder.rglob("*"))
        if has_files and not (folder / SIDECAR).is_file() and not list_snapshots(folder):
            problems.append(f"{folder}: no {SIDECAR} and no snapshots; data without provenance is not allowed.")
    return checked, problems


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
    where = ", ".join(filter(None, [origin.repository and f"{origin.repository}@{(origin.commit or '')[:10]}", *origin.urls]))
    return (
        f"**{record.title}.** Publisher: {record.publisher}. Origin: {where}. Retrieved: {record.retrieved}. "
        f"Licence (as stated): {record.licence}"
    )
