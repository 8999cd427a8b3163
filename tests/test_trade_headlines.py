"""The cited headline loader: canonical schema on the real file, clear errors on broken files."""

from __future__ import annotations

import polars as pl
import pytest
from datacopy import corrupt, rewrite_keeping_provenance

from bilateral.data.sources.headlines import load_trade_headlines
from bilateral.errors import DataError


def test_every_statement_is_loaded_with_its_page_and_quote():
    frame = load_trade_headlines()
    assert frame.height == 74
    assert frame.filter(pl.col("source_url").is_null() | pl.col("quote").is_null()).is_empty()


def test_values_are_converted_from_billions_to_us_dollars():
    frame = load_trade_headlines()
    row = frame.filter((pl.col("year") == 2024) & (pl.col("metric") == "exports")).row(0, named=True)
    assert row["value_usd"] == pytest.approx(115.49e9)
    assert row["reported_by"] == "CHN" and row["basis_code"] == "CN_GAC"


def test_printed_precision_is_kept_so_rounding_is_not_mistaken_for_disagreement():
    frame = load_trade_headlines().filter((pl.col("year") == 2017) & (pl.col("metric") == "turnover"))
    assert sorted(frame.get_column("value_decimals").to_list()) == [0, 2, 2]


def test_russian_customs_statements_are_reported_by_russia():
    fcs = load_trade_headlines().filter(pl.col("basis_code") == "RU_FCS")
    assert set(fcs.get_column("reported_by")) == {"RUS"}


def test_a_corrupted_file_is_refused_with_its_name(data_copy):
    target = data_copy / "raw" / "official_headlines" / "china_russia_trade_totals.csv"
    corrupt(target)
    with pytest.raises(DataError, match="china_russia_trade_totals.csv: checksum mismatch"):
        load_trade_headlines()


def test_a_missing_file_says_how_to_restore_it(data_copy):
    (data_copy / "raw" / "official_headlines" / "china_russia_trade_totals.csv").unlink()
    with pytest.raises(DataError, match="missing.*git checkout"):
        load_trade_headlines()


def test_a_non_numeric_value_is_a_data_error_even_with_a_matching_checksum(data_copy):
    folder = data_copy / "raw" / "official_headlines"
    rewrite_keeping_provenance(
        folder, "china_russia_trade_totals.csv", "2024,turnover,244.81,", "2024,turnover,244.8l,"
    )
    with pytest.raises(DataError, match=r"value_usd_bn='244.8l', which is not a number"):
        load_trade_headlines()


def test_stated_figures_are_validated_too(data_copy):
    from bilateral.data.sources.headlines import load_share_rank

    folder = data_copy / "raw" / "official_headlines"
    rewrite_keeping_provenance(
        folder,
        "china_russia_share_rank.csv",
        "2010,china_rank_among_russia_partners,1,",
        "2010,china_rank_among_russia_partners,first,",
    )
    with pytest.raises(DataError, match="row 2 has value='first', which is not a number"):
        load_share_rank()
