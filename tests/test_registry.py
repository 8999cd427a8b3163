"""The source registry: every entry resolves to real code and a real folder, and names are used consistently."""

from __future__ import annotations

import importlib

import pytest

from bilateral.data import catalog, registry
from bilateral.data.paths import raw_dir
from bilateral.data.provenance import SIDECAR
from bilateral.errors import ParameterError


@pytest.mark.parametrize("source", registry.SOURCES, ids=lambda s: s.name)
def test_every_entry_points_at_functions_that_exist(source: registry.Source) -> None:
    module = importlib.import_module(source.module_path)
    functions = [t.function for t in source.tables if ":" not in t.function]
    functions += [f for f in (source.trade_flows,) if f]
    if source.connector:
        functions += [f for f in (source.connector.snapshot_function, source.connector.loader) if f]
    missing = [f for f in functions if not callable(getattr(module, f, None))]
    assert not missing, f"{source.name}: {source.module_path} lacks {missing}"


@pytest.mark.parametrize("source", [s for s in registry.SOURCES if not s.is_upstream], ids=lambda s: s.name)
def test_every_shipped_source_is_a_folder_with_provenance_named_after_it(source: registry.Source) -> None:
    assert (raw_dir() / source.name / SIDECAR).is_file()


def test_every_shipped_folder_is_registered() -> None:
    folders = {p.name for p in raw_dir().iterdir() if (p / SIDECAR).is_file()}
    assert folders <= set(registry.names()), f"unregistered data folders: {sorted(folders - set(registry.names()))}"


def test_catalog_tables_come_from_the_registry_and_name_their_source_folder() -> None:
    tables = {t.name: s.name for s in registry.SOURCES for t in s.tables}
    assert {name: d.source for name, d in catalog.DATASETS.items()} == tables


def test_an_unknown_or_unsuitable_source_is_refused_with_the_valid_names() -> None:
    with pytest.raises(ParameterError, match="Did you mean 'comtrade'"):
        registry.get_source("comtrad")
    with pytest.raises(ParameterError, match="'official_headlines' is a source, but not a trade-flow source"):
        registry.get_source("official_headlines", where=registry.with_trade_flows, wanted="trade-flow source")


def test_report_parameters_offer_exactly_the_sources_with_partner_totals() -> None:
    from bilateral.reports.params import declared_total_sources

    assert set(declared_total_sources()) == {"imf_dots", "comtrade", "imf"}


def test_prepare_functions_exist_and_data_prepare_builds_the_dots_cache() -> None:
    from typer.testing import CliRunner

    from bilateral.cli import app

    for source in registry.sources(lambda s: s.prepare is not None):
        assert callable(getattr(importlib.import_module(source.module_path), source.prepare))
    done = CliRunner().invoke(app, ["data", "prepare"])
    assert done.exit_code == 0 and "imf_dots" in done.output
