"""Statement rows as Markdown tables: the figure as stated (with its qualifier), its period, unit, basis,
publisher and a short link to its page (the host name as text, so wide URLs do not stretch the table)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlparse

import polars as pl

from bilateral.viz import tables

HEADERS = {"period_label": "Period", "series": "Series", "stated": "Stated", "unit": "Unit", "basis": "Basis",
           "publisher_named": "Publisher", "source_url": "Page"}  # fmt: skip


def page_link(url: str | None) -> str:
    """'https://tass.com/economy/2038011' -> '[tass.com](https://tass.com/economy/2038011)'."""
    if not url:
        return "–"
    host = (urlparse(url).hostname or url).removeprefix("www.")
    return f"[{host}]({url})"


def statements_table(frame: pl.DataFrame, headers: Mapping[str, str] | None = None) -> str:
    """Marked statement rows (stated_values.stated_marks output with a `series`) as a Markdown table."""
    formats = {"source_url": page_link, "basis": lambda v: tables.shorten(v, 60), "unit": lambda v: tables.shorten(v, 40)}
    return tables.markdown_table(frame, headers or HEADERS, formats)
