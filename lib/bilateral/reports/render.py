"""Render an executed notebook into one self-contained HTML file that works offline.

nbconvert's stock HTML loads require.js, MathJax, mermaid and the widget manager from CDNs, and
altair loads vega from a CDN, so offline readers saw "Error loading script" and blank widgets. The
`bilateral` template (templates/bilateral) inlines checksum-verified copies instead, hides code
cells and prompts, and only includes the 3.6 MB widget manager when the notebook saved widget state.

The same template renders the executed notebook *with* its code (`with_code=True`): the gallery links it as
the reproducible version of a report, with the same inlined libraries, so its charts draw offline too.

A batch renders many reports in one process: the vendored scripts are verified once per process and each
thread keeps its own exporter (the template is compiled once), which makes a render about 0.1 s.
"""

from __future__ import annotations

import functools
import queue
import re
import threading
import uuid
from pathlib import Path

import markupsafe
import nbformat

from bilateral.data.atomic import write_text_atomic
from bilateral.errors import ReportError
from bilateral.reports.assets import VendorScripts, load_vendor_scripts
from bilateral.reports.exporter import ReportExporter

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


_ready: queue.SimpleQueue[ReportExporter] = queue.SimpleQueue()


def prewarm(count: int) -> None:
    """Verify the scripts and compile `count` exporters' templates now (the runner calls this while its kernels
    start, when this process would otherwise wait); each worker thread then takes one ready-made."""
    _verified_scripts()
    for _ in range(count):
        exporter = make_exporter()
        exporter.template  # noqa: B018 - loading the property compiles the template chain
        _ready.put(exporter)


def _exporter(with_code: bool = False) -> ReportExporter:
    """This thread's exporter (one per thread: an exporter keeps state while it converts)."""
    if with_code:
        if getattr(_local, "code_exporter", None) is None:
            _local.code_exporter = make_exporter(with_code=True)
        return _local.code_exporter
    if getattr(_local, "exporter", None) is None:
        try:
            _local.exporter = _ready.get_nowait()
        except queue.Empty:
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


# The template receives markers, and the vendored scripts replace them after nbconvert: nbconvert parses
# and re-serialises its whole output with BeautifulSoup, which over 1 MB of inlined JavaScript cost about
# 50 ms a report. The token is random per process, so no notebook output can contain a marker by chance.
_TOKEN = uuid.uuid4().hex
_SCRIPTS = {"vega": "vega", "vega_lite": "vega_lite", "vega_embed": "vega_embed", "requirejs": "requirejs"}


def _marker(name: str) -> str:
    return f"/*bilateral-inline-{_TOKEN}-{name}*/"


def _template_resources(*, with_widgets: bool) -> dict[str, markupsafe.Markup | str]:
    """What templates/bilateral/index.html.j2 reads as `resources.bilateral` (markers, see `_inline`)."""
    names = [*_SCRIPTS, "html_manager"] if with_widgets else list(_SCRIPTS)
    resources: dict[str, markupsafe.Markup | str] = {name: markupsafe.Markup(_marker(name)) for name in names}
    resources.setdefault("html_manager", "")
    return resources


def _inline(html: str, scripts: VendorScripts, *, with_widgets: bool) -> str:
    """Put each vendored script where the template left its marker (exactly once each)."""
    names = [*_SCRIPTS, "html_manager"] if with_widgets else list(_SCRIPTS)
    for name in names:
        marker = _marker(name)
        if html.count(marker) != 1:
            raise ReportError(
                f"The report template placed the {name} script {html.count(marker)} times instead of once."
            )
        html = html.replace(marker, _inline_script(getattr(scripts, name)))
    return html


# The notebook page shows code: JupyterLab's CSS clips a long line at the cell's edge (overflow: hidden), so a
# reader on a phone could not see the end of it; the cell scrolls sideways instead (the page itself does not).
CODE_CSS = (
    "<style>.jp-InputArea-editor { overflow-x: auto; } .jp-InputArea-editor pre { overflow: visible; }"
    " .jp-InputArea { min-width: 0; }</style>"
)


def make_exporter(*, with_code: bool = False) -> ReportExporter:
    """An HTML exporter (exporter.ReportExporter) on the bilateral template: no code, no prompts (readers get
    --no-input reports); `with_code` keeps the code cells (the executed notebook as a page)."""
    return ReportExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=not with_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def render_html(nb: nbformat.NotebookNode, *, title: str | None = None, with_code: bool = False) -> str:
    """Return the report for an executed notebook as one HTML string that needs no network.

    `with_code` shows the code cells too (the executed notebook as a page). The notebook is not modified.
    Raises ReportError if a vendored script fails its checksum or the
    vendored vega-lite does not match the installed altair, or if nbconvert cannot render it.
    """
    scripts = _verified_scripts()
    # A shallow copy with its own metadata: nbconvert deep-copies the notebook itself, and ours stays untouched.
    nb = nbformat.NotebookNode(
        {**nb, "metadata": nbformat.NotebookNode({**nb.metadata, "title": report_title(nb, title)})}
    )
    with_widgets = has_widget_state(nb)
    resources = {"bilateral": _template_resources(with_widgets=with_widgets)}
    try:
        html, _ = _exporter(with_code).from_notebook_node(nb, resources=resources)
    except Exception as exc:  # nbconvert/jinja raise many types; the reader needs one message
        raise ReportError(f"Could not render '{nb.metadata['title']}' to HTML: {exc}") from exc
    if with_code:
        html = html.replace("</head>", CODE_CSS + "</head>", 1)
    return _inline(html, scripts, with_widgets=with_widgets)


def write_html(nb: nbformat.NotebookNode, target: Path, *, title: str | None = None) -> Path:
    """Render `nb` and write it to `target` atomically (readers never see half a report); return `target`."""
    target = Path(target)
    write_text_atomic(target, render_html(nb, title=title))
    return target
