"""Loader for the stored texts that claims are quoted from (data/raw/claim_sources).

One row per stored text: file name and the text itself, after its checksum is verified, so a quote check
(`bilateral.analysis.claims.quote_problems`) always compares against the text as it was stored.
"""

from __future__ import annotations

import polars as pl

from bilateral.data.paths import raw_dir
from bilateral.data.provenance import read_source, require_verified

SOURCE = "claim_sources"


def load_claim_texts() -> pl.DataFrame:
    """path, text and characters of every stored text listed in the folder's source.yml."""
    folder = raw_dir() / SOURCE
    record = read_source(folder)
    rows = []
    for item in record.files:
        text = require_verified(folder, record, item.path).read_text(encoding="utf-8")
        rows.append({"path": item.path, "text": text, "characters": len(text)})
    return pl.DataFrame(rows, schema={"path": pl.String, "text": pl.String, "characters": pl.Int64})
