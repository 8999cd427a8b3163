"""nbconvert's HTML exporter, less the work that a batch of reports repeats for nothing.

Measured on the 24-report grid plan (benchmarks/report_batch.py), rendering was about 70 % of the
runner's own CPU per report, and most of that was spent on three things that give the same answer
every time:
- after rendering, `HTMLExporter.from_notebook_node` parses the whole page with BeautifulSoup (over
  1 MB of HTML) only to add `tabindex="0"` to input wrappers and outputs and alt text to images without
  one, then serialises the page again: about 40 % of a render;
- `clean_html` (bleach) on every highlighted code cell, markdown to HTML for every markdown cell and
  pygments for every code cell, although the cells of one notebook are the same in every report of
  a grid (only the parameters and the outputs change);
- `nbformat.validate` after each of the eight preprocessors instead of once after all of them.

`ReportExporter` adds the same attributes with a targeted rewrite of the template's own tags (when a
page has an <img>, it falls back to nbconvert's soup pass, which is then exact), memoises the pure
filters by their input, and validates once (nbconvert's `optimistic_validation`). A test renders real
reports both ways and requires the same document (tests/test_render_exporter.py).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from typing import Any

from bs4 import BeautifulSoup
from jinja2 import pass_context
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.filters.strings import clean_html
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

MEMO_SIZE = 4096  # cells and outputs remembered per filter (a notebook has tens of cells)
# The elements nbconvert makes keyboard-focusable (`.jp-Notebook div.jp-Cell-inputWrapper`, `... div.jp-OutputArea-output`).
_FOCUSABLE_CLASSES = frozenset({"jp-Cell-inputWrapper", "jp-OutputArea-output"})
_DIV_WITH_CLASS = re.compile(r'<div((?:\s+[\w:-]+="[^"]*")*?)\s+class="([^"]*)"((?:\s+[\w:-]+="[^"]*")*)\s*>')
_TABINDEX = re.compile(r'\s+tabindex="[^"]*"')
_IMG = re.compile(r"<img\b", re.IGNORECASE)
_highlighters: dict[str | None, Highlight2HTML] = {}
_highlighters_lock = threading.Lock()


@functools.lru_cache(maxsize=MEMO_SIZE)
def _clean_html(text: str) -> str:
    return clean_html(text)


def clean_html_memo(element: Any) -> str:
    """nbconvert's `clean_html` (bleach), remembered by its input: the same code cell is cleaned once per run."""
    return _clean_html(element.decode() if isinstance(element, bytes) else str(element))


@functools.lru_cache(maxsize=MEMO_SIZE)
def _highlighted(lexer: str | None, source: str, language: str | None, metadata: str) -> str:
    with _highlighters_lock:
        highlighter = _highlighters.get(lexer)
        if highlighter is None:
            highlighter = _highlighters[lexer] = Highlight2HTML(pygments_lexer=lexer)
    return highlighter(source, language=language, metadata=json.loads(metadata) if metadata else None)


class _MemoHighlight:
    """`highlight_code` for one notebook language, remembered by (source, language, cell metadata)."""

    def __init__(self, lexer: str | None) -> None:
        self.lexer = lexer

    def __call__(self, source: str, language: str | None = None, metadata: Any = None) -> str:
        key = json.dumps(metadata, sort_keys=True, default=str) if metadata else ""
        return _highlighted(self.lexer, source, language, key)


@functools.lru_cache(maxsize=MEMO_SIZE)
def _markdown(source: str, path: str, options: str) -> str:
    settings = json.loads(options)
    renderer = IPythonRenderer(escape=False, attachments={}, path=path, **settings)
    return MarkdownWithMath(renderer=renderer).render(source)


def focusable(html: str) -> str:
    """Give every input wrapper and output div `tabindex="0"`, as nbconvert's soup pass does (last attribute,
    or the existing tabindex replaced in place)."""

    def add(match: re.Match[str]) -> str:
        before, classes, after = match.groups()
        if not _FOCUSABLE_CLASSES.intersection(classes.split()):
            return match.group(0)
        if _TABINDEX.search(before) or _TABINDEX.search(after):
            before, after = _TABINDEX.sub(' tabindex="0"', before), _TABINDEX.sub(' tabindex="0"', after)
            return f'<div{before} class="{classes}"{after}>'
        return f'<div{before} class="{classes}"{after} tabindex="0">'

    return _DIV_WITH_CLASS.sub(add, html)


class ReportExporter(HTMLExporter):
    """HTMLExporter with the same output, without re-parsing each page and with memoised pure filters."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("optimistic_validation", True)  # validate once, after the last preprocessor
        super().__init__(**kwargs)

    def default_filters(self) -> Any:
        for name, function in super().default_filters():
            yield name, (clean_html_memo if name == "clean_html" else function)

    @pass_context
    def markdown2html(self, context: Any, source: str) -> str:
        cell = context.get("cell", {})
        if cell.get("attachments"):  # images inside the cell: nbconvert's own path, not remembered
            return super().markdown2html(context, source)
        path = context.get("resources", {}).get("metadata", {}).get("path", "")
        options = {
            "embed_images": self.embed_images,
            "anchor_link_text": self.anchor_link_text,
            "exclude_anchor_links": self.exclude_anchor_links,
            **self.lexer_options,
        }
        return _markdown(source, path, json.dumps(options, sort_keys=True))

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any) -> tuple[str, Any]:
        """nbconvert's HTMLExporter.from_notebook_node, with the soup pass replaced by `focusable`."""
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        self.register_filter("highlight_code", self.filters.get("highlight_code", _MemoHighlight(lexer)))
        resources = self._init_resources(resources)
        data_types = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("filter_data_type", data_types)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        if _IMG.search(html):  # images may need alt text: nbconvert's exact pass
            return str(_soup_pass(html)), resources
        return focusable(html), resources


def _soup_pass(html: str) -> BeautifulSoup:
    """What nbconvert's HTMLExporter does after rendering (alt text, focusable inputs and outputs)."""
    soup = BeautifulSoup(html, features="html.parser")
    for elem in soup.select("img:not([alt])"):
        elem.attrs["alt"] = "No description has been provided for this image"
    for elem in soup.select(".jp-Notebook div.jp-Cell-inputWrapper"):
        elem.attrs["tabindex"] = "0"
    for elem in soup.select(".jp-Notebook div.jp-OutputArea-output"):
        elem.attrs["tabindex"] = "0"
    return soup
