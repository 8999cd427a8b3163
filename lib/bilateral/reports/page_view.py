"""Show a report page in reading order: what every notebook's display cells call.

Order (issue 8): the specific title; a header line (when it ran, with which parameters, on which data versions, and
a link back to the gallery); the one-paragraph answer; the key-numbers box; each chart under its heading with a
CSV download; each table with a CSV download; then "Method and sources" (method, caveats, sources) and a "Cite as"
line. Downloads are embedded in the page (data: URIs, see `downloads`), so they work from a file with no network.

The run time is printed as `YYYY-MM-DD HH:MM UTC`, which tests/nbval_sanitize.cfg replaces, so the cells showing
it stay checked by nbval; the data versions come from each source's source.yml and are deterministic.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import polars as pl
from IPython.display import Markdown as RawMarkdown
from IPython.display import display

import bilateral
from bilateral.reports import downloads
from bilateral.reports.pages import Page, table_markdown
from bilateral.viz.tables import Table
from bilateral.viz.text import NO_MATH_CLASS, Markdown

GALLERY_LINK = "../index.html"  # reports/<notebook>/<slug>.html -> reports/index.html


def run_time(now: dt.datetime | None = None) -> str:
    """'2026-12-01 18:20 UTC' (the form the nbval timestamp sanitizer replaces)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def report_file(params: Any) -> str:
    """The report's path inside reports/, as the runner names it: '<notebook>/<slug>.html'."""
    return f"{params.notebook}/{params.slug()}.html"


def parameters_text(params: Any) -> str:
    """'reporter=CHN, partner=RUS, start_year=2005, ...' in the schema's field order (empty values left out)."""
    return ", ".join(f"{name}={value}" for name, value in params.model_dump().items() if value not in ("", None))


def _no_math(inner: str, css_class: str) -> RawMarkdown:
    """An HTML block inside a Markdown output, in a block MathJax skips (`US$ ... $` must stay money).

    Markdown, not an HTML output: the page's text then has one output type (text/markdown), which is all the
    stored notebooks keep for nbval. One line with no blank line, so CommonMark keeps it one raw HTML block; `$`
    as the entity `&#36;`, since a Markdown backslash escape is not read inside raw HTML."""
    block = " ".join(f'<div class="{NO_MATH_CLASS} {css_class}">{inner}</div>'.split("\n"))
    return RawMarkdown(block.replace("$", "&#36;"))


def header_html(page: Any, params: Any, *, now: dt.datetime | None = None) -> str:
    """The header line: date of the run, parameters, data versions and the link back to the gallery."""
    versions = downloads.data_versions(page.sources)
    data = "; ".join(
        f'<span class="bilateral-version" title="{html.escape(v.title)}">{html.escape(v.folder)} '
        f"(retrieved {html.escape(v.retrieved)}, version {v.checksum})</span>"
        for v in versions
    )
    parts = [
        f"<span>Run {run_time(now)}</span>",
        f"<span>Parameters: <code>{html.escape(parameters_text(params))}</code></span>",
        f"<span>Data: {data or 'none'}</span>",
        f'<a class="bilateral-gallery-link" href="{GALLERY_LINK}">All reports</a>',
    ]
    return " · ".join(parts)


def key_numbers_html(page: Any) -> str:
    """The key-numbers box: one cell per number, with unit, year and basis ('' when the page has none)."""
    cells = [
        f'<div class="bilateral-key-number" role="listitem">'
        f'<div class="bilateral-kn-label">{html.escape(n.label)}, {html.escape(n.year)}</div>'
        f'<div class="bilateral-kn-value">{html.escape(n.shown())} <span class="bilateral-kn-unit">'
        f"{html.escape(n.unit)}</span></div>"
        f'<div class="bilateral-kn-basis bilateral-basis-{n.basis}">{html.escape(n.basis_text())}</div></div>'
        for n in getattr(page, "key_numbers", [])
    ]
    return f'<div role="list" aria-label="Key numbers">{"".join(cells)}</div>' if cells else ""


def show_top(page: Any, params: Any, *, now: dt.datetime | None = None) -> None:
    """Title, header line, answer and key numbers: what a reader sees first."""
    display(Markdown(f"# {page.title}"))
    display(_no_math(header_html(page, params, now=now), "bilateral-header"))
    display(Markdown(page.answer))
    box = key_numbers_html(page)
    if box:
        display(_no_math(box, "bilateral-key-numbers"))


def download_html(csv: str, file_name: str, label: str) -> str:
    """An `<a download>` link carrying the CSV itself (works from file://, no network, no script)."""
    return (
        f'<a class="bilateral-download" download="{html.escape(file_name)}" href="{downloads.data_uri(csv)}">'
        f"{html.escape(label)}</a>"
    )


class ShownSpec:
    """A chart's validated spec, displayed through altair's active renderer as the chart itself would be."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        import altair as alt

        renderer = alt.renderers.get()
        return renderer(self.spec) if renderer else {}


def show_charts(page: Any, params: Any) -> None:
    """Each chart under its heading, with its data as CSV below it.

    The spec is made (and validated) once, as altair does for display, and kept in `page.shown_specs` for the
    CSV link and the gallery card. A chart altair cannot serialise is displayed as altair displays it (its
    traceback in the output) and gets no CSV link.
    """
    shown = getattr(page, "shown_specs", None)
    for heading, chart in page.charts.items():
        try:
            spec = chart.to_dict(context={"pre_transform": False})  # what altair's own display does
        except Exception:
            display(Markdown(f"### {heading}"), chart)
            continue
        display(Markdown(f"### {heading}"), ShownSpec(spec))
        if shown is not None:
            shown[heading] = spec
        show_chart_download(page, params, heading, chart, spec=spec)


def show_chart_download(
    page: Any, params: Any, heading: str, chart: Any, *, spec: dict[str, Any] | None = None
) -> None:
    """The CSV link of one chart (nothing when the chart carries no inline data); `spec`: the chart's, if made."""
    csv = downloads.chart_csv(chart, heading=heading, report=page.title, sources=page.sources, spec=spec)
    if csv:
        name = downloads.file_name(report_file(params), f"{heading} chart")  # a table may share the heading
        display(_no_math(download_html(csv, name, "Download the chart's data (CSV)"), "bilateral-downloads"))


def show_tables(page: Any, params: Any) -> None:
    """Each table under its heading, with its rows as CSV below it (text under a table heading has none)."""
    for heading, table in page.tables.items():
        show_table(page, params, heading, table)


def show_table(page: Any, params: Any, heading: str, table: Table | str, *, with_heading: bool = True) -> None:
    """One table (or text) and its CSV link; `with_heading=False` when the notebook shows the heading itself."""
    display(Markdown(f"### {heading}\n\n{table_markdown(table)}" if with_heading else table_markdown(table)))
    show_table_download(page, params, heading, table)


def show_frame_download(page: Any, params: Any, heading: str, frame: pl.DataFrame | None) -> None:
    """A CSV link for rows shown as text elsewhere (e.g. the claims' evidence), under their own column names."""
    if frame is not None:
        show_table_download(page, params, heading, Table(frame, {c: c for c in frame.columns}))


def show_table_download(page: Any, params: Any, heading: str, table: Table | str) -> None:
    """The CSV link of one table (nothing for text or a table without rows)."""
    if isinstance(table, str) or not table.has_rows:
        return
    values = "the rows and columns of the table, numbers unrounded, in the unit its header names"
    csv = table.csv(downloads.comments(heading, page.title, page.sources, values))
    name = downloads.file_name(report_file(params), heading)
    display(_no_math(download_html(csv, name, "Download the table (CSV)"), "bilateral-downloads"))


def method_markdown(page: Any) -> str:
    """The closing section: method, caveats and sources under one heading."""
    parts = ["## Method and sources"]
    if getattr(page, "method", ""):
        parts.append(page.method)
    if page.notes:
        parts.append("### Caveats\n\n" + "\n".join(f"- {note}" for note in page.notes))
    parts.append("### Sources\n\n" + "\n\n".join(page.sources))
    return "\n\n".join(parts)


def cite_as(page: Any, params: Any, *, now: dt.datetime | None = None) -> str:
    """'Cite as: <title>. bilateral 0.1.0, run 2026-12-01 18:20 UTC; data: imf_dots version 914e8cc3e358, ...
    File: trade_overview/....html.' The data versions make the citation reproducible: each is the checksum over the
    source folder's files as listed in its source.yml (`downloads.short_checksum`)."""
    versions = ", ".join(f"{v.folder} version {v.checksum}" for v in downloads.data_versions(page.sources))
    data = f"; data: {versions}" if versions else ""
    return (
        f"**Cite as:** {page.title}. bilateral {bilateral.__version__}, run {run_time(now)}{data}. "
        f"File: `{report_file(params)}`."
    )


def show_closing(page: Any, params: Any, *, now: dt.datetime | None = None) -> None:
    display(Markdown(method_markdown(page)))
    display(Markdown(cite_as(page, params, now=now)))


def show(page: Page, params: Any, *, now: dt.datetime | None = None) -> None:
    """The whole page in one call (the explorer and quick looks); notebooks call the parts, one cell each."""
    show_top(page, params, now=now)
    show_charts(page, params)
    show_tables(page, params)
    show_closing(page, params, now=now)
