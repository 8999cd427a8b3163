"""Render an executed notebook into one self-contained HTML file that works offline.

nbconvert's stock HTML loads require.js, MathJax, mermaid and the widget manager from CDNs, and
altair loads vega from a CDN, so offline readers saw "Error loading script" and blank widgets. The
`bilateral` template (templates/bilateral) inlines checksum-verified copies instead, hides code
cells and prompts, and only includes the 3.6 MB widget manager when the notebook saved widget state.

A batch renders many reports in one process: the vendored scripts are verified once per process and each
thread keeps its own exporter (the template is compiled once), which makes a render about 0.1 s.
"""

from __future__ import annotations

import copy
import functools
import re
import threading
from pathlib import Path

import markupsafe
import nbformat
from nbconvert import HTMLExporter

from bilateral.data.atomic import write_text_atomic
from bilateral.errors import ReportError
from bilateral.reports.assets import VendorScripts, load_vendor_scripts

TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "bilateral"
WIDGET_STATE_MIMETYPE = "application/vnd.jupyter.widget-state+json"
DEFAULT_TITLE = "Report"

_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)
_HEADING = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_local = threading.local()


@functools.lru_cache(maxsize=1)
def _verified_scripts() -> VendorScripts:
    return load_vendor_scripts()


def _exporter() -> HTMLExporter:
    if getattr(_local, "exporter", None) is None:
        _local.exporter = make_exporter()
    return _local.exporter


def has_widget_state(nb: nbformat.NotebookNode) -> bool:
    """True when the notebook carries saved ipywidgets state (papermill/nbclient store it there)."""
    return WIDGET_STATE_MIMETYPE in nb.get("metadata", {}).get("widgets", {})


def report_title(nb: nbformat.NotebookNode, title: str | None = None) -> str:
    """The page title: `title` if given, else metadata.title, else the first `# ` heading, else 'Report'."""
    if title:
        return title
    if nb.metadata.get("title"):
        return str(nb.metadata["title"])
    for cell in nb.cells:
        match = _HEADING.search(cell.source) if cell.cell_type == "markdown" else None
        if match:
            return match.group(1)
    return DEFAULT_TITLE


def _inline_script(js: str) -> markupsafe.Markup:
    """JS text safe inside <script>...</script>: a literal `</script` would end the element early."""
    return markupsafe.Markup(_SCRIPT_END.sub(r"<\\/\1", js))  # noqa: S704 - vendored, checksummed JS


def _template_resources(scripts: VendorScripts, *, with_widgets: bool) -> dict[str, markupsafe.Markup | str]:
    """What templates/bilateral/index.html.j2 reads as `resources.bilateral`."""
    return {
        "vega": _inline_script(scripts.vega),
        "vega_lite": _inline_script(scripts.vega_lite),
        "vega_embed": _inline_script(scripts.vega_embed),
        "requirejs": _inline_script(scripts.requirejs),
        "html_manager": _inline_script(scripts.html_manager) if with_widgets else "",
    }


def make_exporter() -> HTMLExporter:
    """An HTMLExporter on the bilateral template: no code, no prompts (readers get --no-input reports)."""
    return HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def render_html(nb: nbformat.NotebookNode, *, title: str | None = None) -> str:
    """Return the report for an executed notebook as one HTML string that needs no network.

    The notebook is not modified. Raises ReportError if a vendored script fails its checksum or the
    vendored vega-lite does not match the installed altair, or if nbconvert cannot render it.
    """
    scripts = _verified_scripts()
    nb = copy.deepcopy(nb)
    nb.metadata["title"] = report_title(nb, title)
    resources = {"bilateral": _template_resources(scripts, with_widgets=has_widget_state(nb))}
    try:
        html, _ = _exporter().from_notebook_node(nb, resources=resources)
    except Exception as exc:  # nbconvert/jinja raise many types; the reader needs one message
        raise ReportError(f"Could not render '{nb.metadata['title']}' to HTML: {exc}") from exc
    return html


def write_html(nb: nbformat.NotebookNode, target: Path, *, title: str | None = None) -> Path:
    """Render `nb` and write it to `target` atomically (readers never see half a report); return `target`."""
    target = Path(target)
    write_text_atomic(target, render_html(nb, title=title))
    return target
