"""A report's gallery card, computed from the page it showed: title, key finding, years, countries, sources, preview.

The runner asks the report's own kernel for `collect(globals())` right after the notebook ran (before the
kernel is reset), so the card describes exactly what the reader sees, without running anything twice and
without changing the notebooks. It relies only on the shared contract: `params` (validated parameters) and
`page` (title, answer, has_data, charts, sources). A notebook without `page` still gets a card from its
parameters (has_data then unknown). The preview (an SVG of the first chart) is rendered outside the kernel
by `bilateral.reports.preview`, so the kernel never imports the renderer.

The summary is plain JSON (stored in the executed notebook's metadata and in the cache record, so a reused
report keeps its card). Keys: notebook, title, finding, years [first, last] or None, data_years (the years
the page's charts hold) or None, has_data (True, False or None = unknown), theme, countries
[{iso3, name}], groups, sources (short names), chart {heading, spec} (replaced by preview_svg later).
"""

from __future__ import annotations

import json
import re
from typing import Any

VERSION = 1
MAX_FINDING_CHARS = 280
MAX_SPEC_CHARS = 2_000_000  # a chart spec larger than this gets no preview (it would only bloat the card)

# Themes by notebook: what a reader filters on. product_lens sits under trade (a lens is a set of products).
THEMES = {
    "pair_profile": "profile",
    "trade_overview": "trade",
    "partner_ranking": "trade",
    "trade_composition": "trade",
    "group_link": "trade",
    "product_lens": "trade",
    "energy_flows": "energy",
    "hitech_science": "hi-tech",
    "projects": "projects",
    "investment_finance": "investment",
    "people_currency": "people",
    "claims": "claims",
}
THEME_ORDER = ("profile", "trade", "energy", "hi-tech", "projects", "investment", "people", "claims", "other")
# Parameters that name a country, in the order a card lists them.
COUNTRY_FIELDS = ("reporter", "partner", "exporter", "country")
# Countries a notebook covers without a parameter naming them: energy_flows is always imports *to China*; the
# other reports read China–Russia data only (their titles say so) and, for investment, China as the lender.
FIXED_COUNTRIES = {
    "energy_flows": ("CHN",),
    "projects": ("CHN", "RUS"),
    "hitech_science": ("CHN", "RUS"),
    "people_currency": ("CHN", "RUS"),
    "claims": ("CHN", "RUS"),
    "investment_finance": ("CHN",),
}


# -- text ------------------------------------------------------------------------------------------
_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*)(?=\S)(.+?)(?<=\S)\1")
_CODE = re.compile(r"`([^`]*)`")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
# A sentence ends at . ! or ? followed by a space and a capital, a digit or an opening mark; "3.7" and "e.g. the"
# do not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])[)\"”’]?\s+(?=[A-Z0-9\"“‘(])")


def plain_text(markdown: str) -> str:
    """Markdown (and inline HTML) as one line of plain text: emphasis, links, code marks and escapes removed."""
    lines = []
    for line in markdown.splitlines():
        line = _LIST.sub("", _HEADING.sub("", line))
        lines.append(line)
    text = " ".join(lines)
    text = _TAG.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    for _ in range(2):  # bold inside italics and the reverse
        text = _EMPHASIS.sub(r"\2", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!$|~<>])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def first_sentence(markdown: str, limit: int = MAX_FINDING_CHARS) -> str:
    """The answer's first sentence as plain text (a heading counts as one), cut at a word under `limit` chars."""
    blocks = [block for block in re.split(r"\n\s*\n", markdown or "") if block.strip()]
    if not blocks:
        return ""
    first = blocks[0].strip()
    if _HEADING.match(first.splitlines()[0]):
        text = plain_text(first.splitlines()[0])
    else:
        # A bold run after "; " or ": " opens a new thought (the profile's answer lists themes that way).
        first = re.split(r"(?<=[;:,])\s+(?=\*\*)", first, maxsplit=1)[0]
        text = _SENTENCE_END.split(plain_text(first), maxsplit=1)[0].rstrip(";:,")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " ":  # the cut fell inside a word: drop that word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


# -- sources ---------------------------------------------------------------------------------------
_CITATION_TITLE = re.compile(r"^\s*\*\*(.+?)\*\*")


def citation_title(citation: str) -> str:
    """The bold title a catalog citation starts with ('**Title.** Publisher: ...'), without its final stop."""
    match = _CITATION_TITLE.match(citation or "")
    title = match.group(1) if match else plain_text(citation or "")
    return title.strip().rstrip(".")


def _registry_labels() -> dict[str, str]:
    """source.yml title -> the registry's short label, for every shipped source (upstream ones have snapshots)."""
    from bilateral.data import catalog
    from bilateral.data.registry import SOURCES

    labels = {}
    for source in SOURCES:
        try:
            labels[str(catalog.source_record(source.name).title).strip().rstrip(".")] = source.label
        except Exception:  # noqa: S112 - an upstream without a shipped folder, or an unreadable sidecar: no label
            continue
    return labels


# Filled in place once per process and never rebound: the warm kernel's reset treats a rebound global of a
# bilateral module as state a report left behind, and would replace the kernel after every report.
_LABELS: dict[str, str] = {}


def short_source_names(citations: list[str]) -> list[str]:
    """Short names for a page's citations: the registry label of a shipped source, else the title up to its colon."""
    if not _LABELS:
        _LABELS.update(_registry_labels())
    names = []
    for citation in citations:
        title = citation_title(citation)
        name = _LABELS.get(title) or title.split(":", 1)[0].strip()
        if len(name) > 90:
            name = name[:89].rsplit(" ", 1)[0] + "…"
        if name and name not in names:
            names.append(name)
    return names


# -- parameters ------------------------------------------------------------------------------------
def _country(code: str) -> dict[str, str] | None:
    from bilateral.data.countries import country_name

    try:
        return {"iso3": code, "name": country_name(code)}
    except Exception:  # "all" or a code the tables do not know: not a country to filter on
        return None


def countries_of(notebook: str, values: dict[str, Any]) -> list[dict[str, str]]:
    """The countries a report is about: those its parameters name, then those its notebook always covers."""
    codes = [str(values[name]) for name in COUNTRY_FIELDS if isinstance(values.get(name), str)]
    codes += [code for code in FIXED_COUNTRIES.get(notebook, ()) if code not in codes]
    found = [_country(code) for code in dict.fromkeys(codes)]
    return [country for country in found if country]


def years_of(values: dict[str, Any]) -> list[int] | None:
    first, last = values.get("start_year"), values.get("end_year")
    return [int(first), int(last)] if isinstance(first, int) and isinstance(last, int) else None


def params_summary(notebook: str, values: dict[str, Any], title: str = "") -> dict[str, Any]:
    """The card a report gets from its parameters alone (no page: not run, failed, or a notebook without one)."""
    return {
        "version": VERSION,
        "notebook": notebook,
        "title": title,
        "finding": "",
        "years": years_of(values),
        "data_years": None,
        "has_data": None,
        "theme": THEMES.get(notebook, "other"),
        "countries": countries_of(notebook, values),
        "groups": [str(values["group"])] if isinstance(values.get("group"), str) else [],
        "sources": [],
        "chart": None,
        "from_page": False,
    }


# -- charts ----------------------------------------------------------------------------------------
def _rows(spec: dict[str, Any]) -> list[Any]:
    """Every data row a Vega-Lite spec carries (top-level datasets and inline values of any view)."""
    rows: list[Any] = []
    for values in (spec.get("datasets") or {}).values():
        rows.extend(values if isinstance(values, list) else [])

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                rows.extend(data["values"])
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in spec.items() if k != "datasets"})
    return rows


def data_years(specs: list[dict[str, Any]]) -> list[int] | None:
    """[first, last] of the `year` values the charts hold (the canonical name for a year column), or None."""
    years = [
        row["year"]
        for spec in specs
        for row in _rows(spec)
        if isinstance(row, dict) and isinstance(row.get("year"), int) and not isinstance(row.get("year"), bool)
    ]
    return [min(years), max(years)] if years else None


LEGEND_CHANNELS = ("color", "fill", "stroke", "shape", "size", "opacity", "strokeDash", "strokeWidth")


def _without_legends(node: Any) -> Any:
    """A copy of a spec with every legend switched off, including those an encoding asks for explicitly, and
    without tooltips (an <img> shows none; they cost a third of a preview's rendering time)."""
    if isinstance(node, list):
        return [_without_legends(item) for item in node]
    if not isinstance(node, dict):
        return node
    copy = {key: _without_legends(value) for key, value in node.items() if key != "datasets"}
    encoding = copy.get("encoding")
    if isinstance(encoding, dict):
        encoding.pop("tooltip", None)
        for channel in LEGEND_CHANNELS:
            if isinstance(encoding.get(channel), dict):
                encoding[channel] = {**encoding[channel], "legend": None}
    if "datasets" in node:
        copy["datasets"] = node["datasets"]  # data rows as they are (never walked: they can be large)
    return copy


def preview_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The first chart as a thumbnail: no title (the card has one), no legend (unreadable at that size), no tooltips
    and no ARIA labels per mark (the gallery shows it as an <img>, whose alt text describes it; the labels made up
    a third of the SVG)."""
    reduced = _without_legends({key: value for key, value in spec.items() if key != "title"})
    config = dict(reduced.get("config") or {})
    config["legend"] = {**(config.get("legend") or {}), "disable": True}
    config["aria"] = False
    reduced["config"] = config
    return reduced


# What a page contributes to a card; the rest comes from the parameters (which the runner also knows).
PAGE_KEYS = ("title", "finding", "has_data", "data_years", "sources", "chart", "from_page")


# -- the summary -----------------------------------------------------------------------------------
def page_summary(page: Any, params: Any) -> dict[str, Any]:
    """The card of a report from its validated `params` (None: unknown) and its `page` (None: from the parameters)."""
    notebook = getattr(params, "notebook", "") or ""
    values = params.model_dump() if hasattr(params, "model_dump") else dict(params or {})
    title = params.title() if hasattr(params, "title") else ""
    summary = params_summary(notebook, values, title)
    summary["from_page"] = page is not None
    if page is None:
        return summary
    charts = getattr(page, "charts", None) or {}
    shown = getattr(page, "shown_specs", None) or {}
    specs = []
    for heading, chart in charts.items():
        if heading in shown:  # the spec the page displayed (page_view.show_charts)
            specs.append(shown[heading])
            continue
        try:
            specs.append(chart.to_dict(validate=False))  # validated when the report displayed it
        except Exception:  # noqa: S112 - a chart that cannot serialise simply gives no preview/years
            continue
    has_data = getattr(page, "has_data", None)
    summary.update(
        title=str(getattr(page, "title", "") or title),
        finding=first_sentence(str(getattr(page, "answer", "") or "")),
        has_data=bool(has_data) if has_data is not None else None,
        data_years=data_years(specs),
        sources=short_source_names([str(c) for c in getattr(page, "sources", None) or []]),
    )
    if specs:
        spec = preview_spec(specs[0])
        if len(json.dumps(spec, default=str)) <= MAX_SPEC_CHARS:
            summary["chart"] = {"heading": str(next(iter(charts))), "spec": spec}
    return summary


def collect(namespace: dict[str, Any]) -> str:
    """Run in a report's kernel after the notebook: its summary as JSON text (never raises).

    Reading source.yml files for the source labels must not count as the report reading that data (the
    kernel's audit hook feeds the cache's invalidation), so those reads are taken back out.
    """
    try:
        from bilateral.reports import kernel_state

        before = set(kernel_state._reads)
    except Exception:
        kernel_state, before = None, None
    params, page = namespace.get("params"), namespace.get("page")
    try:
        if page is None:
            summary: dict[str, Any] = {"version": VERSION}  # the runner fills the card in from the parameters
        else:
            summary = page_summary(page, params)
    except Exception as exc:  # a card must never fail a report that ran
        summary = {"version": VERSION, "problem": f"{type(exc).__name__}: {exc}"}
    finally:
        if kernel_state is not None and before is not None:
            kernel_state._reads.intersection_update(before)
    return json.dumps(summary, default=str)
