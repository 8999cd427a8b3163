"""Reference tables kept as data beside the code: country groups, product lenses, name mappings.

These are small, hand-curated YAML files (not downloaded datasets, so they have no source.yml): each entry
carries its own citation. This module reads them and defines the citation record they share, so a broken
file fails on load with a message naming the file and the problem.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from bilateral.data import yaml_text
from bilateral.errors import DataError

REFERENCE_DIR = Path(__file__).resolve().parent


class Citation(BaseModel):
    """Where a membership or a definition comes from: the page, who published it, what it says, when read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    says: str = Field(min_length=1)
    accessed: str = Field(min_length=4)


@cache
def read_yaml(filename: str) -> dict[str, Any]:
    """Parsed contents of one reference file (read once per process); DataError if missing or not YAML."""
    path = REFERENCE_DIR / filename
    try:
        loaded = yaml_text.load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError(f"{path}: reference file missing; restore it with `git checkout -- {path}`.") from exc
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML ({exc}). Fix the file or restore it from git.") from exc
    if not isinstance(loaded, dict):
        raise DataError(f"{path}: expected a mapping at the top level, found {type(loaded).__name__}.")
    return loaded
