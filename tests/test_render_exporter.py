"""The fast exporter renders the same document as nbconvert's HTMLExporter (bilateral.reports.exporter).

The reference is nbconvert itself, run on the same notebook with the same template: its output is what
BeautifulSoup serialised, so ours is compared after the same serialisation (that only changes spelling,
e.g. `<br>` and `<br/>`, never an element or an attribute).
"""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from bilateral.reports import render
from bilateral.reports.exporter import ReportExporter, focusable

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def both_ways(nb: nbformat.NotebookNode, *, with_code: bool) -> tuple[str, str]:
    """(nbconvert's page, ours re-serialised by BeautifulSoup as nbconvert does) on the bilateral template."""
    options = {
        "template_name": render.TEMPLATE_NAME,
        "extra_template_basedirs": [str(render.TEMPLATES_DIR)],
        "exclude_input": not with_code,
        "exclude_input_prompt": True,
        "exclude_output_prompt": True,
    }

    def resources() -> dict[str, object]:
        return {"bilateral": render._template_resources(with_widgets=render.has_widget_state(nb))}

    stock, _ = HTMLExporter(**options).from_notebook_node(nb, resources=resources())
    ours, _ = ReportExporter(**options).from_notebook_node(nb, resources=resources())
    return stock, str(BeautifulSoup(ours, features="html.parser"))


# The notebook page (code shown) of these too; every report type as the page readers get (code hidden).
WITH_CODE_TOO = ("trade_overview",)


def test_every_report_renders_as_nbconvert_renders_it(one_of_each: Path):
    executed = sorted(one_of_each.rglob("*.ipynb"))
    assert len(executed) >= 12  # one report of each type
    for path in executed:
        nb = nbformat.read(path, as_version=4)
        for with_code in (False, True) if path.parent.name in WITH_CODE_TOO else (False,):
            stock, ours = both_ways(nb, with_code=with_code)
            assert ours == stock, f"{path.name} (with_code={with_code}) differs from nbconvert's page"
            assert stock.count('tabindex="0"') > 0


def odd_notebook() -> nbformat.NotebookNode:
    """What reports rarely have: a markdown attachment, an image output, an output div with its own tabindex."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    picture = nbformat.v4.new_markdown_cell("# Odd\n\n![dot](attachment:dot.png) and *text*")
    picture["attachments"] = {"dot.png": {"image/png": base64.b64encode(PNG_1PX).decode()}}
    image = nbformat.v4.new_code_cell(
        "%matplotlib inline\nshow()",
        outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(PNG_1PX).decode()}),
            nbformat.v4.new_output(
                "display_data",
                data={"text/html": '<div class="jp-OutputArea-output" tabindex="-1" id="x">inner</div>'},
            ),
        ],
    )
    return nbformat.v4.new_notebook(cells=[picture, image], metadata=nb.metadata)


@pytest.mark.parametrize("with_code", [False, True])
def test_images_attachments_and_existing_tabindex_render_as_nbconvert_renders_them(with_code: bool):
    nb = odd_notebook()
    stock, ours = both_ways(nb, with_code=with_code)
    assert ours == stock
    assert 'alt="No description has been provided for this image"' in stock  # the image output got its alt text


def test_without_images_the_same_notebook_twice_gives_the_same_page():
    nb = odd_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Same\n\nA table:\n\n| a | b |\n|---|---|\n| 1 | 2 |")] + nb.cells[1:]
    nb.cells[1].outputs = nb.cells[1].outputs[1:]  # no image: the fast path, with its memoised filters
    first = both_ways(nb, with_code=True)
    second = both_ways(nb, with_code=True)
    assert first[1] == first[0] == second[1]


def test_focusable_marks_input_wrappers_and_outputs_only():
    html = (
        '<div class="jp-Cell-inputWrapper">'
        '<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain">'
        '<div id="js" class="jp-RenderedJavaScript jp-OutputArea-output extra">'
        '<div class="jp-OutputArea-output" tabindex="-1">'
        '<div class="jp-OutputArea-outputs">'  # a different class, though it starts the same
        '<span class="jp-OutputArea-output">'
    )
    assert focusable(html) == (
        '<div class="jp-Cell-inputWrapper" tabindex="0">'
        '<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain" tabindex="0">'
        '<div id="js" class="jp-RenderedJavaScript jp-OutputArea-output extra" tabindex="0">'
        '<div class="jp-OutputArea-output" tabindex="0">'
        '<div class="jp-OutputArea-outputs">'
        '<span class="jp-OutputArea-output">'
    )
