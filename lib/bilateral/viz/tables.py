"""Tables as Markdown: readable in JupyterLab and in reports, deterministic for nbval, and small when stored.

One precision per unit, here and nowhere else (a page picks the formatter of its column's unit):

| unit | formatter | example |
|---|---|---|
| US$ bn (computed or declared) | `usd_bn` | 67.95 |
| US$ m | `usd_m` | 29.21 |
| growth, % a year | `pct` | +2.2 |
| share or spread, % | `pct_plain` | 15.41 |
| volumes (Mt, bcm) and other quantities | `number` | 86.25 |
| ranks, counts, years | `integer` | 3 |
| a figure a page printed (statement) | `as_printed` | 15.7 (never 15.70), 146.887 |

A statement keeps the digits its page printed (and its qualifier, see `analysis.headline_stated`); a computed value
gets the precision of its unit. Missing values read "–".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

Formatter = Callable[[Any], str]


def usd_bn(value: float | None) -> str:
    return "–" if value is None else f"{value / 1e9:,.2f}"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f}"


def usd_m(value: float | None) -> str:
    return "–" if value is None else f"{value / 1e6:,.2f}"


def pct_plain(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def number(value: float | None) -> str:
    return "–" if value is None else f"{value:,.2f}"


def integer(value: float | None) -> str:
    """Ranks, counts and years: no decimals ('1', not '1.00')."""
    return "–" if value is None else f"{round(value):,d}"


def as_printed(value: float | None) -> str:
    """A stated figure with the digits it was printed with and no more: 15.0 -> '15', 15.7 -> '15.7', 146.887 ->
    '146.887' (statements are stored as printed, so trailing zeros were not printed)."""
    if value is None:
        return "–"
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return text


def shorten(text: str | None, width: int = 48) -> str:
    if text is None:
        return "–"
    return text if len(text) <= width else text[: width - 1] + "…"


def yes_no(value: bool | None) -> str:
    return "yes" if value else ""


def markdown_table(
    frame: pl.DataFrame, headers: Mapping[str, str], formats: Mapping[str, Formatter] | None = None
) -> str:
    """Render selected columns (keys of `headers`, in order) as a GitHub-style Markdown table."""
    formats = formats or {}
    columns = list(headers)
    lines = ["| " + " | ".join(headers[c] for c in columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in frame.select(columns).iter_rows(named=True):
        cells = [formats.get(c, _plain)(row[c]) for c in columns]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def _plain(value: Any) -> str:
    return "–" if value is None else str(value)
