"""The data behind a page, as CSV embedded in the page, and the versions of the data it read.

CSV format (docs/reports.md "Downloads"): UTF-8, comma-separated, RFC 4180 quoting, one header row. Before the
header come comment lines starting with `# `: the chart's or table's heading (`# Title:`), the report
(`# Report:`), one `# Source:` line per cited source and a `# Values:` line saying what the numbers are. Read it
with `polars.read_csv(path, comment_prefix="#", infer_schema_length=None)` or `pandas.read_csv(path, comment="#")`.

- A table's CSV has the columns the table shows, under the same headers, with values unrounded (tables.Table.csv).
- A chart's CSV has the rows the chart was drawn from, read from its Vega-Lite spec (`chart.to_dict()`: the
  top-level `datasets` and any inline `data.values`), never from the chart code; the columns are the fields the spec
  titles (axis, legend and tooltip titles: what a reader sees), headed with those titles (a spec that titles none
  gives the fields it encodes, under their names); drawing helpers such as a line's segment id stay out. A chart drawn from several
  datasets (layers) gets a first column `Layer` naming the marks drawn from each.

The CSV travels inside the page as a `data:text/csv` URI on an `<a download>` link, so it downloads from a file
opened with no network and no script.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bilateral.data import catalog
from bilateral.data.paths import raw_dir
from bilateral.viz.tables import csv_text

CSV_URI_PREFIX = "data:text/csv;charset=utf-8,"
_MARKDOWN = re.compile(r"\*\*|__|`")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class DataVersion:
    """One source folder as the page read it: its retrieval date and a short checksum over its files."""

    folder: str  # under data/raw, e.g. 'imf_dots' or 'comtrade/2026-11-30T1200Z'
    title: str
    retrieved: str
    checksum: str  # first 12 hex digits of sha256 over 'path sha256' lines of source.yml's files, sorted by path


def short_checksum(files: Iterable[tuple[str, str]], digits: int = 12) -> str:
    """A checksum of a whole source: sha256 of '<path> <sha256>\\n' lines sorted by path, cut to `digits`."""
    lines = "".join(f"{path} {sha}\n" for path, sha in sorted(files))
    return hashlib.sha256(lines.encode()).hexdigest()[:digits]


def data_versions(citations: Sequence[str]) -> list[DataVersion]:
    """The source folders behind a page's citations (catalog.citation text), in the page's order.

    A page keeps its sources as citations; each is matched back to the folder whose source.yml produced it, so
    every build function keeps listing its sources the one way it does today.
    """
    wanted = set(citations)
    found: dict[str, DataVersion] = {}
    for folder in catalog.source_folders():
        name = folder.relative_to(raw_dir()).as_posix()
        citation = catalog.citation(name)
        if citation in wanted and citation not in found:
            record = catalog.source_record(name)
            found[citation] = DataVersion(
                folder=name,
                title=record.title,
                retrieved=record.retrieved.split(" (")[0],
                checksum=short_checksum((f.path, f.sha256) for f in record.files),
            )
    return [found[c] for c in citations if c in found]


def plain(markdown: str) -> str:
    """Markdown citation as one plain line: '[host](url)' -> 'host <url>', emphasis and code marks removed."""
    return " ".join(_MARKDOWN.sub("", _LINK.sub(r"\1 <\2>", markdown)).split())


def comments(heading: str, report: str, sources: Sequence[str], values: str = "") -> list[str]:
    """The `# ` lines of a CSV (without the `# `): title, report, sources, what the values are."""
    lines = [f"Title: {heading}", f"Report: {report}", *(f"Source: {plain(s)}" for s in sources)]
    return [*lines, f"Values: {values}"] if values else lines


def data_uri(csv: str) -> str:
    """The CSV as a data: URI (percent-encoded UTF-8), for an `<a download href=...>`."""
    return CSV_URI_PREFIX + urllib.parse.quote(csv, safe=",.-_:/()*!~'")


def file_name(report_file: str, heading: str, limit: int = 120) -> str:
    """'trade_overview/CHN-RUS_2005-2024.html' + 'Key figures' -> 'trade_overview_CHN-RUS_2005-2024_key-figures.csv'."""
    stem = report_file.removesuffix(".html").replace("/", "_")
    slug = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
    return f"{stem}_{slug}"[:limit].rstrip("-_") + ".csv"


def chart_rows(spec: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(layer label, rows) for every non-empty dataset of a Vega-Lite spec: top-level `datasets` by name, then
    inline `data.values`; the label names the marks drawn from that data ('line', 'point; text')."""
    datasets: dict[str, list[dict[str, Any]]] = {
        name: rows for name, rows in (spec.get("datasets") or {}).items() if isinstance(rows, list)
    }
    marks: dict[str, list[str]] = {}
    inline: list[tuple[str, list[dict[str, Any]]]] = []

    def walk(node: Any, inherited: str | None) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, inherited)
            return
        if not isinstance(node, dict):
            return
        data = node.get("data")
        source = inherited
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            source = data["name"]
        elif isinstance(data, dict) and isinstance(data.get("values"), list):
            source = f"inline-{len(inline)}"
            inline.append((source, data["values"]))
        mark = node.get("mark")
        mark_type = mark.get("type") if isinstance(mark, dict) else mark
        if isinstance(mark_type, str) and source is not None:
            marks.setdefault(source, [])
            if mark_type not in marks[source]:
                marks[source].append(mark_type)
        for key in ("layer", "hconcat", "vconcat", "concat", "spec"):
            if key in node:
                walk(node[key], source)

    walk(spec, None)
    named = [*datasets.items(), *inline]
    return [(("; ".join(marks.get(name, [])) or "data"), rows) for name, rows in named if rows]


def field_titles(spec: Any) -> dict[str, str]:
    """Field name -> the title the spec gives it (encodings, tooltips); the first title found wins."""
    titles: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            name, title = node.get("field"), node.get("title")
            if isinstance(name, str) and isinstance(title, str) and title.strip():
                titles.setdefault(name, title.strip())
            for value in node.values():
                walk(value)

    walk(spec)
    return titles


def encoded_fields(spec: Any) -> set[str]:
    """Every field an encoding channel or tooltip of the spec reads (whether or not it has a title)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if isinstance(node.get("field"), str):
                found.add(node["field"])
            for value in node.values():
                walk(value)

    walk(spec)
    return found


def shown_fields(columns: list[str], titles: dict[str, str], encoded: set[str]) -> list[str]:
    """The columns a reader of the chart sees: those the spec titles (axes, legends, tooltips) when it titles any,
    else those it encodes, else all. Drawing helpers (a line's segment id, a label's offset) stay out of the CSV."""
    for keep in (set(titles), encoded):
        chosen = [c for c in columns if c in keep]
        if chosen:
            return chosen
    return columns


def chart_csv(
    chart: Any, *, heading: str, report: str, sources: Sequence[str], spec: dict[str, Any] | None = None
) -> str:
    """A chart's data as CSV text with its comment lines; '' when the spec holds no inline rows.

    `spec`: the chart's spec when the caller made it already (page_view.show_charts displays it).
    """
    # not validated again: altair validates the spec when the chart is displayed beside this link (a third of
    # a report's chart CPU went to validating each spec three times)
    spec = spec if spec is not None else chart.to_dict(validate=False)
    parts = chart_rows(spec)
    if not parts:
        return ""
    columns: list[str] = []
    for _, rows in parts:
        for row in rows:
            columns.extend(c for c in row if c not in columns)
    titles = field_titles(spec)
    columns = shown_fields(columns, titles, encoded_fields(spec))
    headers = [titles.get(c, c) for c in columns]
    repeated = {h for h in headers if headers.count(h) > 1}
    headers = [f"{h} ({c})" if h in repeated else h for h, c in zip(headers, columns, strict=True)]
    layered = len(parts) > 1
    table: list[list[Any]] = [(["Layer"] if layered else []) + headers]
    for label, rows in parts:
        for row in rows:
            table.append(([label] if layered else []) + [_cell(row.get(c)) for c in columns])
    values = "the rows the chart is drawn from, as in its specification (unrounded)"
    return csv_text(table, comments(heading, report, sources, values))


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    return value
