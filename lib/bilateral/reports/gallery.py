"""The gallery: reports/index.html, one card per report of a plan, with search and filters.

One self-contained file: its CSS, the small filter script (templates/gallery/) and each card's chart preview
(an SVG data URI) are inlined, links are relative, so the reports folder can be zipped and opened from disk
with no network. Without JavaScript every card is listed and the filter form stays hidden.

A card (from the report's summary, reports/summary.py): title linking the report, status, key finding, the
main chart's preview, countries, theme, years, short source names, and links to the notebook with its code
(offline HTML) and the .ipynb. Status:
- ok (green): the report ran and its page has data;
- no data (amber): it ran but its page says it has no data for these parameters;
- ran (grey): it ran but its page does not say whether it has data (a notebook without `page`);
- failed (red, with the error; the previous good report stays linked when there is one);
- stopped (the run was stopped before this report finished).
A report reused from the cache (nothing it was made from changed) keeps its card and adds a "reused" marker.
The subtitle is written from the cards (how many reports, which themes, countries and years), never typed in.
"""

from __future__ import annotations

import base64
import html
from collections import Counter
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from bilateral.reports.execute import ReportResult
from bilateral.reports.publish import write_atomic
from bilateral.reports.summary import THEME_ORDER, params_summary

MAX_ERROR_CHARS = 4000
MAX_SOURCES = 4  # a card names this many sources and counts the rest (the report lists them all)
STATUS_LABEL = {
    "ok": "ok",
    "no-data": "no data",
    "ran": "ran",
    "failed": "failed",
    "stopped": "stopped",
}
STATUS_HELP = {
    "ok": "The report ran and has data.",
    "no-data": "The report ran, but the data hold nothing for these parameters.",
    "ran": "The report ran; its page does not say whether it has data.",
    "failed": "The report failed; see the error.",
    "stopped": "The run was stopped before this report finished.",
}


def _asset(name: str) -> str:
    return resources.files("bilateral.reports").joinpath("templates", "gallery", name).read_text(encoding="utf-8")


def card_status(result: ReportResult, summary: dict[str, Any]) -> str:
    """ok / no-data / ran / failed / stopped: green only when the report ran and its page has data."""
    if result.status in ("failed", "stopped"):
        return result.status
    has_data = summary.get("has_data")
    return "ok" if has_data is True else "no-data" if has_data is False else "ran"


def summary_of(result: ReportResult) -> dict[str, Any]:
    """The report's stored summary, or one from its parameters when it has none (failed before any run)."""
    if result.summary and result.summary.get("notebook"):
        return result.summary
    values = result.params.model_dump() if result.params is not None else dict(result.raw_params)
    return params_summary(result.notebook, values, result.title)


def _linked(result: ReportResult) -> bool:
    """A card links a report only when its report and notebook files exist."""
    return bool(result.html_path and result.ipynb_path and result.html_path.is_file() and result.ipynb_path.is_file())


def _years(summary: dict[str, Any]) -> str:
    years, held = summary.get("years"), summary.get("data_years")
    text = f"{years[0]}–{years[1]}" if years else ""
    if held and held != years:
        text += f" (charts hold {held[0]}–{held[1]})" if text else f"{held[0]}–{held[1]}"
    return text


def _countries(summary: dict[str, Any]) -> list[tuple[str, str]]:
    found = [(c["iso3"], c["name"]) for c in summary.get("countries", []) if c.get("iso3")]
    return found + [(group, group) for group in summary.get("groups", [])]


def _preview(summary: dict[str, Any], link: str | None) -> str:
    esc = html.escape
    svg = summary.get("preview_svg")
    if not svg:
        return ""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = f"Preview of the chart “{summary.get('preview_heading', '')}”"
    image = f'<img src="data:image/svg+xml;base64,{data}" alt="{esc(alt)}">'
    return f'<a class="preview" href="{esc(link)}">{image}</a>' if link else f'<div class="preview">{image}</div>'


def _details(result: ReportResult) -> str:
    esc = html.escape
    params = result.params.model_dump() if result.params is not None else result.raw_params
    publishers = result.publishers or {}
    rows = [
        ("Notebook", f"{result.notebook}.ipynb"),
        ("Parameters", ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"),
        ("Data folders", "; ".join(f"{s} ({publishers[s]})" if s in publishers else s for s in result.sources) or "–"),
        ("Run time", f"{result.seconds:.1f} s" + (f", finished {result.finished_utc}" if result.finished_utc else "")),
    ]
    if result.attempts > 1:
        rows.append(("Attempts", f"{result.attempts} (the kernel died and was replaced)"))
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    return f"<details><summary>Parameters and run</summary><dl>{items}</dl></details>"


def _card(result: ReportResult, root: Path) -> str:
    esc = html.escape
    summary = summary_of(result)
    status = card_status(result, summary)
    title = summary.get("title") or result.title
    linked = _linked(result)
    link = result.html_path.relative_to(root).as_posix() if linked else None
    heading = f'<a href="{esc(link)}">{esc(title)}</a>' if link else esc(title)
    badges = [f'<span class="badge {status}" title="{esc(STATUS_HELP[status])}">{esc(STATUS_LABEL[status])}</span>']
    if result.status == "reused":
        badges.append(
            '<span class="badge reused" title="Unchanged since its last run: reused, not rerun">reused</span>'
        )
    countries = _countries(summary)
    facts = [summary.get("theme", "other"), _years(summary), ", ".join(name for _, name in countries)]
    parts = [
        f"<h2>{heading}</h2>",
        f'<p class="badges">{"".join(badges)}</p>',
        _preview(summary, link),
    ]
    if summary.get("finding"):
        parts.append(f'<p class="finding">{esc(summary["finding"])}</p>')
    parts.append('<p class="facts">' + "".join(f"<span>{esc(f)}</span>" for f in facts if f) + "</p>")
    sources = list(summary.get("sources") or [])
    if sources:
        shown = "; ".join(sources[:MAX_SOURCES]) + (
            f"; and {len(sources) - MAX_SOURCES} more" if len(sources) > MAX_SOURCES else ""
        )
        parts.append(f'<p class="sources" title="{esc("; ".join(sources))}">Sources: {esc(shown)}</p>')
    if result.status in ("failed", "stopped"):
        error = result.error or ""
        error = error if len(error) <= MAX_ERROR_CHARS else error[:MAX_ERROR_CHARS] + " …"
        parts.append(f'<pre class="error">{esc(error)}</pre>')
    if linked:
        links = [f'<a href="{esc(link)}">{"Previous good report" if result.previous else "Report"}</a>']
        if result.notebook_html_path and result.notebook_html_path.is_file():
            page = result.notebook_html_path.relative_to(root).as_posix()
            links.append(f'<a href="{esc(page)}">Notebook with code</a>')
        notebook = result.ipynb_path.relative_to(root).as_posix()
        links.append(f'<a href="{esc(notebook)}" download>.ipynb</a>')
        parts.append(f'<p class="links">{"".join(links)}</p>')
    parts.append(_details(result))
    search = " ".join(
        [title, summary.get("finding", ""), result.notebook, summary.get("theme", ""), STATUS_LABEL[status]]
        + [f"{code} {name}" for code, name in countries]
        + list(summary.get("sources", []))
    ).lower()
    attributes = {
        "class": f"card {status}",
        "data-status": status,
        "data-has-data": {True: "true", False: "false"}.get(summary.get("has_data"), "unknown"),
        "data-notebook": result.notebook,
        "data-theme": summary.get("theme", "other"),
        "data-countries": " ".join(code for code, _ in countries),
        "data-search": search,
    }
    opening = " ".join(f'{name}="{esc(value)}"' for name, value in attributes.items())
    return f"<article {opening}>{''.join(parts)}</article>"


def _and(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def subtitle(summaries: list[dict[str, Any]]) -> str:
    """One sentence written from the cards: how many reports, on which themes, countries and years."""
    if not summaries:
        return "No reports in this plan."
    themes = Counter(s.get("theme", "other") for s in summaries)
    ordered = sorted(themes, key=lambda t: THEME_ORDER.index(t) if t in THEME_ORDER else len(THEME_ORDER))
    countries: Counter[str] = Counter()
    for s in summaries:
        countries.update(name for _, name in _countries(s))
    spans = [year for s in summaries for year in (s.get("years") or [])]
    text = f"{len(summaries)} report{'s' if len(summaries) != 1 else ''} on " + _and(
        [f"{theme} ({themes[theme]})" for theme in ordered]
    )
    if countries:
        text += ", covering " + _and([name for name, _ in countries.most_common()])
    if spans:
        text += f", years {min(spans)}–{max(spans)}"
    return text + "."


def _options(values: list[tuple[str, str]], everything: str) -> str:
    esc = html.escape
    return f'<option value="">{esc(everything)}</option>' + "".join(
        f'<option value="{esc(value)}">{esc(label)}</option>' for value, label in values
    )


def _filters(results: list[ReportResult], summaries: list[dict[str, Any]]) -> str:
    notebooks = sorted({r.notebook for r in results})
    countries = sorted({pair for s in summaries for pair in _countries(s)}, key=lambda pair: pair[1])
    themes = sorted(
        {s.get("theme", "other") for s in summaries},
        key=lambda t: THEME_ORDER.index(t) if t in THEME_ORDER else len(THEME_ORDER),
    )
    return (
        '<form id="filters" class="filters" role="search" hidden>'
        '<label class="search">Search<input type="search" name="q" placeholder="title, finding, country, source…"'
        ' autocomplete="off"></label>'
        f'<label>Notebook<select name="notebook">{_options([(n, n) for n in notebooks], "all notebooks")}</select></label>'
        '<label>Country<select name="country">'
        f"{_options([(code, f'{name} ({code})' if name != code else name) for code, name in countries], 'all countries')}"
        "</select></label>"
        f'<label>Theme<select name="theme">{_options([(t, t) for t in themes], "all themes")}</select></label>'
        '<button type="reset">Clear</button>'
        '<p id="shown" class="shown" aria-live="polite"></p>'
        "</form>"
    )


def write_gallery(results: list[ReportResult], root: Path, *, title: str, description: str = "") -> Path:
    """Write root/index.html atomically and return its path. `description` (the plan's) goes in the page's metadata."""
    esc = html.escape
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    summaries = [summary_of(r) for r in results]
    statuses = Counter(card_status(r, s) for r, s in zip(results, summaries, strict=True))
    reused = sum(r.status == "reused" for r in results)
    counts = ", ".join(f"{statuses[s]} {STATUS_LABEL[s]}" for s in STATUS_LABEL if statuses[s])
    cards = "\n".join(_card(r, root) for r in results)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><meta name="description" content="{esc(description)}">
<style>{_asset("gallery.css")}</style></head>
<body><div class="page">
<header><h1>{esc(title)}</h1>
<p class="sub">{esc(subtitle(summaries))}</p>
<p class="run">{esc(counts or "no reports")}{f" ({reused} reused from earlier runs)" if reused else ""} · generated {now} by bilateral</p></header>
{_filters(results, summaries)}
<main class="grid">
{cards}
</main>
<p id="empty" class="empty" hidden>No report matches these filters.</p>
</div>
<script>{_asset("gallery.js")}</script>
</body></html>
"""
    target = root / "index.html"
    write_atomic(target, page.encode("utf-8"))
    return target
