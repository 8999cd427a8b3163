"""The data catalog: provenance for every source, checksums enforced, listing and citations."""

from __future__ import annotations

from pathlib import Path

import pytest
from datacopy import REPO, corrupt

from bilateral.data import catalog, registry
from bilateral.data.provenance import read_source

RAW = REPO / "data" / "raw"


@pytest.mark.parametrize("folder", [s.name for s in registry.SOURCES if not s.is_upstream])
def test_every_source_has_complete_provenance(folder: str):
    """Shipped sources only: snapshots a user fetched (data/raw/baci/...) are checked by verify_all, not listed here."""
    record = read_source(RAW / folder)
    assert record.publisher and record.licence and record.retrieved and record.description
    assert record.origin.urls or record.origin.repository
    listed = {item.path for item in record.files}
    on_disk = {p.name for p in (RAW / folder).iterdir() if p.is_file() and p.name != "source.yml"}
    assert listed == on_disk, "every file on disk is listed with a checksum, and nothing listed is missing"


def test_shipped_data_verifies():
    checked, problems = catalog.verify_all()
    assert problems == []
    assert checked >= 40


def test_verify_names_a_corrupted_and_a_missing_file(data_copy: Path):
    corrupt(data_copy / "raw" / "hs_classification" / "sections.csv")
    (data_copy / "raw" / "official_headlines" / "china_russia_share_rank.csv").unlink()
    _, problems = catalog.verify_all()
    assert len(problems) == 2
    assert any("sections.csv: checksum mismatch" in p for p in problems)
    assert any("china_russia_share_rank.csv: missing" in p for p in problems)


def test_a_folder_without_provenance_is_a_problem(data_copy: Path):
    (data_copy / "raw" / "mystery").mkdir()
    (data_copy / "raw" / "mystery" / "numbers.csv").write_text("a\n1\n")
    _, problems = catalog.verify_all()
    assert any("mystery: no source.yml" in p for p in problems)


def test_summary_gives_rows_years_publisher_and_licence():
    row = catalog.summary(catalog.get("trade_headlines"))
    assert row["rows"] == 74 and row["years"] == "2004–2024"
    assert "GAC" in row["publisher"] and "attribution" in row["licence"]


def test_unknown_dataset_suggests_a_name():
    from bilateral.errors import ParameterError

    with pytest.raises(ParameterError, match="Did you mean 'trade_headlines'"):
        catalog.get("trade_headline")


def test_citation_names_publisher_origin_and_licence():
    text = catalog.citation("hs_classification")
    assert "World Customs Organization" in text and "datasets/harmonized-system@905e5a0fa2" in text and "PDDL" in text


def test_verify_reports_leftover_temporary_folders_and_snapshots_without_provenance(data_copy: Path):
    baci = data_copy / "raw" / "baci"
    (baci / ".2026-11-28T000000Z.abcd.tmp" / "parquet").mkdir(parents=True)  # a fetch killed half-way
    (baci / "2026-11-27T000000Z").mkdir()  # a snapshot folder whose source.yml is gone
    (baci / "2026-11-27T000000Z" / "trade_flows.parquet").write_bytes(b"PAR1")
    _, problems = catalog.verify_all()
    assert any(
        ".2026-11-28T000000Z.abcd.tmp: a temporary folder left by an interrupted fetch" in p and "rm -r" in p
        for p in problems
    )
    assert any("2026-11-27T000000Z: a snapshot folder without source.yml" in p for p in problems)


def test_verify_refuses_listed_paths_outside_the_source_folder(data_copy: Path):
    sidecar = data_copy / "raw" / "hs_classification" / "source.yml"
    sidecar.write_text(sidecar.read_text().replace("path: sections.csv", "path: ../../../../etc/hostname"))
    _, problems = catalog.verify_all()
    assert any("must be relative to the source's folder, without '..'" in p for p in problems)
    (data_copy / "raw" / "hs_classification" / "link.csv").symlink_to("/etc/hostname")
    sidecar.write_text(sidecar.read_text().replace("path: ../../../../etc/hostname", "path: link.csv"))
    _, problems = catalog.verify_all()
    assert any("link.csv: resolves outside" in p for p in problems)


def test_data_list_reports_a_damaged_dataset_and_still_lists_the_others(data_copy: Path):
    from typer.testing import CliRunner

    from bilateral.cli import app

    corrupt(data_copy / "raw" / "official_headlines" / "china_russia_trade_totals.csv")
    done = CliRunner().invoke(app, ["data", "list"])
    assert done.exit_code == 1
    assert "trade_headlines" in done.output and "cannot be loaded" in done.output
    assert "hs_codes" in done.output and "dots_trade" in done.output, "the other datasets are still listed"
    assert "china_russia_trade_totals.csv: checksum mismatch" in " ".join(done.output.split())
