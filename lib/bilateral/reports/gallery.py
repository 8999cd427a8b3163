"""The gallery: reports/index.html, one card per report (title, parameters, sources, run time, status).

Plain HTML with inline CSS and no script, so it opens from disk anywhere. Links are relative, so the
whole reports/ folder can be zipped and shared.

Statuses: ok (ran now), reused (unchanged since its last run: the cache found nothing it was made from
changed), failed (with the error; the previous good report stays linked when there is one) and
stopped (the run was stopped before this report finished). A card links only files that exist.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

from bilateral.reports.execute import ReportResult
from bilateral.reports.publish import write_atomic

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { font-weight: 600; margin-bottom: .2rem; }
.sub { color: #666; margin-top: 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 1rem; }
.card { border: 1px solid #ddd; border-radius: 8px; padding: 1rem; background: #fff; }
.card.failed { border-color: #c0392b; background: #fdf2f1; }
.card.stopped { border-color: #b9770e; background: #fef9e7; }
.card h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; margin: 0; font-size: .9rem; }
.card dt { color: #666; }
.card dd { margin: 0; overflow-wrap: anywhere; }
.status-ok { color: #1e7e34; font-weight: 600; }
.status-reused { color: #1f618d; font-weight: 600; }
.status-failed { color: #c0392b; font-weight: 600; }
.status-stopped { color: #b9770e; font-weight: 600; }
.error { font-family: ui-monospace, monospace; font-size: .8rem; white-space: pre-wrap; }
"""


STATUS_TEXT = {
    "ok": "ok",
    "reused": "reused (unchanged since its last run)",
    "failed": "failed",
    "stopped": "stopped (the run was stopped before it finished)",
}
MAX_ERROR_CHARS = 4000


def _linked(result: ReportResult) -> bool:
    """A card links a report only when both of its files exist."""
    return bool(result.html_path and result.ipynb_path and result.html_path.is_file() and result.ipynb_path.is_file())


def _card(result: ReportResult, root: Path) -> str:
    esc = html.escape
    params = result.params.model_dump() if result.params else result.raw_params
    publishers = result.publishers or {}
    status = f'<span class="status-{esc(result.status)}">{esc(STATUS_TEXT.get(result.status, result.status))}</span>'
    rows = [
        ("Parameters", esc(", ".join(f"{k}={v}" for k, v in params.items()) or "defaults")),
        ("Sources", esc("; ".join(f"{s}: {publishers.get(s, s)}" for s in result.sources) or "–")),
        (
            "Run time",
            esc(f"{result.seconds:.1f} s" + (f", finished {result.finished_utc}" if result.finished_utc else "")),
        ),
        ("Status", status),
    ]
    if result.attempts > 1:
        rows.append(("Attempts", esc(f"{result.attempts} (the kernel died and was replaced)")))
    items = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
    heading = esc(result.title)
    if _linked(result):
        link = result.html_path.relative_to(root).as_posix()
        notebook = result.ipynb_path.relative_to(root).as_posix()
        heading = f'<a href="{esc(link)}">{esc(result.title)}</a>'
        label = "executed .ipynb" if result.status in ("ok", "reused") else "previous good report and its .ipynb"
        items += f'<dt>Notebook</dt><dd><a href="{esc(notebook)}">{label}</a></dd>'
    if result.status in ("failed", "stopped"):
        error = result.error or ""
        error = error if len(error) <= MAX_ERROR_CHARS else error[:MAX_ERROR_CHARS] + " …"
        items += f'<dt>Error</dt><dd class="error">{esc(error)}</dd>'
    return f'<section class="card {esc(result.status)}"><h2>{heading}</h2><dl>{items}</dl></section>'


def write_gallery(results: list[ReportResult], root: Path, *, title: str, description: str = "") -> Path:
    """Write root/index.html atomically and return its path."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    ok = sum(r.status in ("ok", "reused") for r in results)
    reused = sum(r.status == "reused" for r in results)
    cards = "\n".join(_card(r, root) for r in results)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{CSS}</style></head>
<body><h1>{html.escape(title)}</h1>
<p class="sub">{html.escape(description)} {ok} of {len(results)} reports ok ({reused} reused) · generated {now} by bilateral</p>
<div class="grid">
{cards}
</div></body></html>
"""
    target = root / "index.html"
    write_atomic(target, page.encode("utf-8"))
    return target
