"""Tables as Markdown: readable in JupyterLab and in reports, deterministic for nbval, and small when stored."""

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
