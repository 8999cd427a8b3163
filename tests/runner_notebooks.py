"""Small report notebooks for runner tests: a real report's name and `parameters` cell, with a body the test writes.

The runner only runs notebooks that have a parameter schema, so a test notebook borrows the name and
parameters cell of `trade_overview` and lives in its own notebooks folder (BILATERAL_NOTEBOOKS_DIR).
Its body can then crash the kernel, hang, or read data, depending on the `partner` parameter.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PARAMETERS_SOURCE = next(
    "".join(cell["source"])
    for cell in json.loads((REPO / "notebooks" / "trade_overview.ipynb").read_text())["cells"]
    if "parameters" in cell["metadata"].get("tags", [])
)

# Behaviour by partner: RUS fine, KAZ kills its kernel every time, ARM only the first time (marker file),
# BLR hangs (or the partners listed in BILATERAL_TEST_SLOW), MNG reads hs_classification too (a dataset trade_overview's schema does not declare).
BEHAVIOUR = """
import os, signal, time, pathlib
from bilateral.data import catalog
from IPython.display import Markdown, display
headlines = catalog.load("trade_headlines")
if partner == "KAZ":
    os.kill(os.getpid(), signal.SIGKILL)
if partner == "ARM":
    marker = pathlib.Path(os.environ["BILATERAL_TEST_MARKER"])
    if not marker.exists():
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)
if partner in os.environ.get("BILATERAL_TEST_SLOW", "BLR").split(","):
    time.sleep(float(os.environ.get("BILATERAL_TEST_SLEEP", "120")))
if partner == "MNG":
    from bilateral.data.paths import raw_dir
    (raw_dir() / "hs_classification" / "source.yml").read_text()
display(Markdown(f"Report for {reporter}-{partner}: {headlines.height} statements, kernel parent {os.getppid()}"))
from bilateral.reports.pages import Page
# The page the gallery card is read from (reports/summary.py); partners listed in BILATERAL_TEST_NO_DATA have none.
page = Page(
    title=f"Stand-in report {reporter}-{partner}",
    answer=f"The stand-in report for {partner} ran. It has {headlines.height} statements.",
    has_data=partner not in os.environ.get("BILATERAL_TEST_NO_DATA", "").split(","),
)
"""


def cell(cell_type: str, source: str, tags: list[str] | None = None) -> dict:
    base = {
        "cell_type": cell_type,
        "id": uuid.uuid4().hex[:8],
        "metadata": {"tags": tags} if tags else {},
        "source": source,
    }
    if cell_type == "code":
        base.update(execution_count=None, outputs=[])
    return base


def notebook(cells: list[dict]) -> dict:
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write_report_notebook(
    folder: Path,
    body: str = BEHAVIOUR,
    *,
    parameters: str = PARAMETERS_SOURCE,
    tags: list[str] | None = None,
    name: str = "trade_overview",
) -> Path:
    """notebooks/<name>.ipynb with a title, the parameters cell (tagged unless `tags` says otherwise) and `body`."""
    folder.mkdir(parents=True, exist_ok=True)
    cells = [
        cell("markdown", "# Runner test"),
        cell("code", parameters, ["parameters"] if tags is None else tags),
        cell("code", body),
    ]
    path = folder / f"{name}.ipynb"
    path.write_text(json.dumps(notebook(cells), indent=1))
    return path
