"""Execute notebooks with their defaults and store only the outputs nbval compares.

Cells whose source contains `# NBVAL_CHECK_OUTPUT` keep their outputs (Markdown tables and findings:
small, deterministic); every other output (charts, widgets) and all execution counts and timing
metadata are dropped so diffs stay readable. Usage: python tools/store_notebook_outputs.py notebooks/*.ipynb
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import nbformat
import papermill

CHECK_MARK = "# NBVAL_CHECK_OUTPUT"


def store(path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        executed_path = Path(tmp) / path.name
        papermill.execute_notebook(str(path), str(executed_path), cwd=str(path.parent), progress_bar=False)
        executed = nbformat.read(executed_path, as_version=4)
    original = nbformat.read(path, as_version=4)
    by_source = [c for c in executed.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    for cell, ran in zip(original.cells, by_source, strict=True):
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        checked = CHECK_MARK in cell.source
        # nbval treats a cell without an execution count as never run and refuses its stored outputs.
        cell.execution_count = ran.execution_count if checked else None
        cell.outputs = [_clean(o) for o in ran.outputs] if checked else []
    original.metadata.pop("papermill", None)
    nbformat.write(original, path)
    print(f"stored {path}")


# The CSV downloads travel inside the page as data: URIs (bilateral.reports.downloads); stored notebooks keep a
# placeholder instead, and tests/nbval_sanitize.cfg turns the fresh output's URI into the same placeholder.
CSV_URI = re.compile(r"data:text/csv;[^\"]*")
CSV_PLACEHOLDER = "data:text/csv;CSV"


def _clean(output: nbformat.NotebookNode) -> nbformat.NotebookNode:
    output.pop("metadata", None)
    if output.get("output_type") in {"display_data", "execute_result"}:
        output["metadata"] = {}
        for mimetype, value in output.get("data", {}).items():
            if isinstance(value, str):
                output["data"][mimetype] = CSV_URI.sub(CSV_PLACEHOLDER, value)
    return output


if __name__ == "__main__":
    for name in sys.argv[1:]:
        store(Path(name))
