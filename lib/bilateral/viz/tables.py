"""Tables as Markdown (readable in JupyterLab and in reports, deterministic for nbval, small when stored) and as
CSV downloads of the same columns (`Table`).

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
| a column mixing computed and stated figures | `trimmed` | 83.45, 2 (never 2.00) |

A statement keeps the digits its page printed (and its qualifier, see `analysis.headline_stated`); a computed value
gets the precision of its unit. Missing values read "–".
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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


def trimmed(value: float | None) -> str:
    """At most two decimals and no padding zeros: a column mixing computed sums (83.445085 -> '83.45') with stated
    figures ('nearly 2' -> '2', never '2.00', which would claim a precision the page did not print)."""
    if value is None:
        return "–"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


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
        lines.append("| " + " | ".join(_cell_text(cell) for cell in cells) + " |")
    return "\n".join(lines)


def _cell_text(cell: str) -> str:
    """A cell as Markdown text: '|' escaped (it would end the cell) and '<', '>' as entities, so a quote scraped from
    a page can never become HTML in the report (Markdown renders raw HTML)."""
    return cell.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _plain(value: Any) -> str:
    return "–" if value is None else str(value)


# CSV: formatters that only rescale a number (US$ -> US$ bn) are applied as the division they stand for,
# without rounding, so a CSV value is in the unit its header names; any other formatter of a number is skipped.
CSV_SCALES: dict[Formatter, float] = {usd_bn: 1e9, usd_m: 1e6}
_MARKDOWN_LINK = re.compile(r"^\[[^\]]*\]\(([^)\s]+)\)$")


@dataclass
class Table:
    """A table as a page shows it: the frame, which columns under which headers, their formatters, a lead sentence.

    `markdown()` is what the notebook and the report show; `csv()` is the download: the same columns under the
    same headers, with values unrounded (numbers as they are, rescaled only by the scale a CSV_SCALES formatter
    stands for; text through its formatter, but a Markdown link becomes its URL and a shortened text stays whole).
    `empty` is the sentence shown instead of the table when the frame has no row.
    """

    frame: pl.DataFrame
    headers: Mapping[str, str]
    formats: Mapping[str, Formatter] | None = None
    intro: str = ""
    empty: str = ""

    @property
    def has_rows(self) -> bool:
        return self.frame.height > 0

    def markdown(self) -> str:
        body = markdown_table(self.frame, self.headers, self.formats) if self.has_rows or not self.empty else self.empty
        return f"{self.intro}\n\n{body}" if self.intro else body

    def csv_rows(self) -> list[list[Any]]:
        """The header row then one row per frame row, values as the CSV writes them."""
        formats = self.formats or {}
        columns = list(self.headers)
        rows: list[list[Any]] = [unique_headers([self.headers[c].strip() or c for c in columns])]  # blank: the name
        for record in self.frame.select(columns).iter_rows(named=True):
            rows.append([csv_value(record[c], formats.get(c)) for c in columns])
        return rows

    def csv(self, comments: Sequence[str] = ()) -> str:
        """CSV text: `# ` comment lines first (title, sources), then the header row and the rows."""
        return csv_text(self.csv_rows(), comments)


def unique_headers(headers: list[str]) -> list[str]:
    """Headers a CSV reader can tell apart: a header used twice ('Leader | US$ bn | Runner-up | US$ bn' on the
    page, where position says which) is prefixed with the header before it ('Leader, US$ bn', 'Runner-up, US$ bn')."""
    repeated = {h for h in headers if headers.count(h) > 1}
    named = [f"{headers[i - 1]}, {h}" if h in repeated and i > 0 else h for i, h in enumerate(headers)]
    return [f"{h} ({i + 1})" if named.count(h) > 1 else h for i, h in enumerate(named)]


def csv_value(value: Any, formatter: Formatter | None) -> Any:
    """One cell for a CSV: empty for missing, a number unrounded, text as the table shows it but never cut short."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return formatter(value) if formatter else value
    if isinstance(value, int | float):
        scale = CSV_SCALES.get(formatter) if formatter else None
        # 12 significant digits: the division's binary noise (33.144762988000004) is not a digit of the data
        return float(f"{value / scale:.12g}") if scale else value
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if formatter is None or not isinstance(value, str):
        return str(value)
    shown = formatter(value)
    link = _MARKDOWN_LINK.match(shown or "")
    if link:
        return link.group(1)
    return value if not shown or shown.endswith("…") or shown == "–" else shown


def csv_text(rows: Sequence[Sequence[Any]], comments: Sequence[str] = ()) -> str:
    """Rows as CSV (RFC 4180 quoting, \\n line ends) after `# ` comment lines (one line each, newlines removed)."""
    if rows and rows[0] and str(rows[0][0]).startswith("#"):
        # readers skip lines starting with '#' (comment_prefix="#"): such a header row would vanish with its columns
        raise ValueError(f"A CSV header may not start with '#' ({rows[0][0]!r}): rename the column.")
    buffer = io.StringIO()
    for comment in comments:
        buffer.write("# " + " ".join(str(comment).split()) + "\n")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()
