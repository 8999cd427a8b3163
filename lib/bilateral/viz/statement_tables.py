"""Markdown helpers for tables of cited statements: a short page link, facts as stated with unit and date.

A statement is shown as the page put it (value text, unit with its qualifiers, the page's date) and links to
its page; nothing is rounded or converted here.
"""

from __future__ import annotations

from urllib.parse import urlparse

import polars as pl


def page_link(url: str | None) -> str:
    """'[tass.com](https://tass.com/economy/1274431)': the page's site as the link text."""
    if not url:
        return "–"
    host = urlparse(url).netloc.removeprefix("www.") or url
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
