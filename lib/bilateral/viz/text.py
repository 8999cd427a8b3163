"""Text shown as written: a dollar sign is money, never the start of LaTeX math.

JupyterLab typesets everything between two `$` in Markdown output as math, so a finding such as
"US$244.8 bn in 2024 ... the US$29.1 bn of 2005" came out as italic formula soup. Every Markdown the
workbench displays (findings, tables, headings, citations, the explorer's text) goes through `Markdown`
below, which does two things, because renderers differ:
- escapes `$` as `\\$` (outside code spans): nbconvert's HTML reports and GitHub then show a plain `$`;
- wraps the output in `<div class="mathjax_ignore">`: JupyterLab removes the backslash while rendering
  the Markdown and then runs MathJax over the page, which skips elements of that class (MathJax 3's
  `ignoreHtmlClass`) and nothing else would stop it.
Analysis functions keep returning plain text; escaping is a display concern and happens here, once.
"""

from __future__ import annotations

import html
import re
from typing import Any

import IPython.display

NO_MATH_CLASS = "mathjax_ignore"  # MathJax 3's default ignoreHtmlClass, which JupyterLab keeps
_CODE_SPAN = re.compile(r"(`+).+?\1", re.DOTALL)
_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")


def escape_math(markdown: str) -> str:
    """`markdown` with every `$` outside code spans escaped (`\\$`), so no renderer reads it as math."""
    pieces, position = [], 0
    for span in _CODE_SPAN.finditer(markdown):
        pieces.append(_UNESCAPED_DOLLAR.sub(r"\\$", markdown[position : span.start()]))
        pieces.append(span.group(0))
        position = span.end()
    pieces.append(_UNESCAPED_DOLLAR.sub(r"\\$", markdown[position:]))
    return "".join(pieces)


def as_written(markdown: str) -> str:
    """Markdown that every renderer shows without math: escaped, inside a block MathJax skips.

    The blank lines keep the content Markdown (CommonMark ends an HTML block at a blank line).
    """
    return f'<div class="{NO_MATH_CLASS}">\n\n{escape_math(markdown)}\n\n</div>'


class Markdown(IPython.display.Markdown):
    """IPython's Markdown with dollar signs shown as written (a drop-in: `display(Markdown(text))`)."""

    def _repr_markdown_(self) -> Any:
        data = super()._repr_markdown_()
        if isinstance(data, tuple):
            return (as_written(data[0]), *data[1:])
        return as_written(data) if isinstance(data, str) else data


def html_text(text: str) -> str:
    """Plain text as HTML for an ipywidgets HTML widget (not typeset as math, unlike Label/HTMLMath)."""
    return html.escape(text)
