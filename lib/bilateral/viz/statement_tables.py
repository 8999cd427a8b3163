"""Markdown helpers for tables of cited statements: a short page link, facts as stated with unit and date.

A statement is shown as the page put it (value text, unit with its qualifiers, the page's date) and links to
its page, with the host name as link text so wide URLs do not stretch the table; nothing is rounded or
converted here.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlparse

import polars as pl

from bilateral.analysis import labels
from bilateral.viz import tables

HEADERS = {"period_label": "Period", "series": "Series", "stated": "Stated", "unit": "Unit", "basis": "Basis",
           "publisher_named": "Publisher", "source_url": "Page"}  # fmt: skip


def page_link(url: str | None) -> str:
    """'https://www.tass.com/economy/1274431' -> '[tass.com](https://www.tass.com/economy/1274431)'."""
    if not url:
        return "–"
    host = (urlparse(url).hostname or url).removeprefix("www.")
    return f"[{host}]({url})"


def page_date(as_of: str | None) -> str:
    return as_of or "undated"


def as_stated(value_text: str, unit: str) -> str:
    """The cell and its unit as one phrase; a text unit adds nothing ('2.7 million tonnes/yr ...', 'quiet ...')."""
    return value_text if unit == "text" else f"{value_text} {unit}"


def stated_list(facts: pl.DataFrame) -> str:
    """Every statement of a frame as 'value unit (page date)', in page-date order, joined by ' · ' ('–' if none)."""
    if facts.is_empty():
        return "–"
    ordered = facts.sort("as_of", nulls_last=True, maintain_order=True)
    return " · ".join(
        f"{as_stated(r['value_text'], r['unit'])} ({page_date(r['as_of'])})" for r in ordered.iter_rows(named=True)
    )


def statements_table(frame: pl.DataFrame, headers: Mapping[str, str] | None = None, *, intro: str = "") -> tables.Table:
    """Marked statement rows (stated_values.stated_marks output with a `series`) as a table (Markdown and CSV)."""
    formats = {
        "source_url": page_link,
        "basis": lambda v: tables.shorten(labels.humanise(v), 60),
        "unit": lambda v: tables.shorten(v, 40),
    }
    return tables.Table(frame, headers or HEADERS, formats, intro=intro)
