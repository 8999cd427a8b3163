"""The gallery: reports/index.html, one card per report (title, parameters, sources, run time, status).

Plain HTML with inline CSS and no script, so it opens from disk anywhere. Links are relative, so the
whole reports/ folder can be zipped and shared.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

from bilateral.data.atomic import write_text_atomic
from bilateral.data.catalog import source_record
from bilateral.errors import DataError
from bilateral.reports.execute import ReportResult

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { font-weight: 600; margin-bottom: .2rem; }
.sub { color: #666; margin-top: 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 1rem; }
.card { border: 1px solid #ddd; border-radius: 8px; padding: 1rem; background: #fff; }
.card.failed { border-color: #c0392b; background: #fdf2f1; }
.card h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; margin: 0; font-size: .9rem; }
.card dt { color: #666; }
.status-ok { color: #1e7e34; font-weight: 600; }
.status-failed { color: #c0392b; font-weight: 600; }
.error { font-family: ui-monospace, monospace; font-size: .8rem; white-space: pre-wrap; }
"""


def _publisher(source: str) -> str:
    try:
        return source_record(source).publisher
    except DataError:
        return source


def _card(result: ReportResult, root: Path) -> str:
    esc = html.escape
    params = result.params.model_dump() if result.params else result.raw_params
    rows = [
        ("Parameters", ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"),
        ("Sources", "; ".join(f"{s}: {_publisher(s)}" for s in result.sources) or "–"),
        ("Run time", f"{result.seconds:.1f} s"),
        ("Status", f'<span class="status-{result.status}">{result.status}</span>'),
    ]
    items = "".join(f"<dt>{esc(k)}</dt><dd>{v if k == 'Status' else esc(v)}</dd>" for k, v in rows)
    if result.status == "ok" and result.html_path:
        link = result.html_path.relative_to(root).as_posix()
        notebook = result.ipynb_path.relative_to(root).as_posix() if result.ipynb_path else ""
        heading = f'<a href="{esc(link)}">{esc(result.title)}</a>'
        items += f'<dt>Notebook</dt><dd><a href="{esc(notebook)}">executed .ipynb</a></dd>'
    else:
        heading = esc(result.title)
        items += f'<dt>Error</dt><dd class="error">{esc(result.error or "")}</dd>'
    return f'<section class="card {result.status}"><h2>{heading}</h2><dl>{items}</dl></section>'


def write_gallery(results: list[ReportResult], root: Path, *, title: str, description: str = "") -> Path:
    """Write root/index.html atomically and return its path."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    ok = sum(r.status == "ok" for r in results)
    cards = "\n".join(_card(r, root) for r in results)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{CSS}</style></head>
<body><h1>{html.escape(title)}</h1>
<p class="sub">{html.escape(description)} {ok} of {len(results)} reports ok · generated {now} by bilateral</p>
<div class="grid">
{cards}
</div></body></html>
"""
    target = root / "index.html"
    write_text_atomic(target, page)
    return target
