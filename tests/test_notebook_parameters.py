"""Parameters are defined once: each notebook's `parameters` cell says exactly what its pydantic schema says.

The schema (bilateral.reports.params) is what the CLI validates against; the parameters cell is what papermill
injects into and what someone running the notebook by hand sees. Both list the names, defaults and types, so
this test reads the cell with `ast` (no kernel) and fails on any difference: a name missing on either side, a
different default, a different type, or another order (the schema's order names the report files).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from bilateral.reports.params import SCHEMAS

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"


def parameters_cell(notebook: str) -> str:
    cells = json.loads((NOTEBOOKS_DIR / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{notebook}.ipynb: {len(tagged)} cells tagged 'parameters'; there must be exactly one"
    return "".join(tagged[0]["source"])


def cell_parameters(source: str) -> list[tuple[str, str, Any]]:
    """(name, type name, default) of each `name: type = literal` line, in order; anything else is refused."""
    found = []
    for node in ast.parse(source).body:
        assert isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name), (
            f"a parameters cell holds only annotated assignments (`name: type = value  # help`); got {ast.unparse(node)!r}"
        )
        assert node.value is not None, f"{node.target.id} has no default"
        found.append((node.target.id, ast.unparse(node.annotation), ast.literal_eval(node.value)))
    return found


def schema_parameters(notebook: str) -> list[tuple[str, str, Any]]:
    return [
        (name, getattr(field.annotation, "__name__", str(field.annotation)), field.get_default())
        for name, field in SCHEMAS[notebook].model_fields.items()
    ]


@pytest.mark.parametrize("notebook", sorted(SCHEMAS))
def test_parameters_cell_matches_the_schema(notebook: str):
    assert cell_parameters(parameters_cell(notebook)) == schema_parameters(notebook)


def test_every_notebook_with_a_parameters_cell_has_a_schema():
    with_cell = {
        path.stem
        for path in NOTEBOOKS_DIR.glob("*.ipynb")
        if any("parameters" in c.get("metadata", {}).get("tags", []) for c in json.loads(path.read_text())["cells"])
    }
    assert with_cell - set(SCHEMAS) == set()


def test_a_changed_default_is_caught():
    source = parameters_cell("product_lens").replace('lens: str = "critical_minerals"', 'lens: str = "energy"')
    assert cell_parameters(source) != schema_parameters("product_lens")


def test_a_changed_type_or_a_missing_name_is_caught():
    source = parameters_cell("trade_overview")
    assert cell_parameters(source.replace("end_year: int", "end_year: str")) != schema_parameters("trade_overview")
    without_snapshot = "\n".join(line for line in source.splitlines() if not line.startswith("snapshot"))
    assert cell_parameters(without_snapshot) != schema_parameters("trade_overview")


def test_a_cell_with_code_other_than_parameters_is_refused():
    with pytest.raises(AssertionError, match="only annotated assignments"):
        cell_parameters('reporter: str = "CHN"\nprint(reporter)')
