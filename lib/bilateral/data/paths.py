"""Where the workbench keeps its data and reports.

The repository layout is the default (data/ and reports/ beside lib/); BILATERAL_DATA_DIR and
BILATERAL_REPORTS_DIR override it, which tests use to work on copies.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = PACKAGE_DIR.parent.parent


def data_dir() -> Path:
    return Path(os.environ.get("BILATERAL_DATA_DIR", REPO_DIR / "data")).resolve()


def raw_dir() -> Path:
    return data_dir() / "raw"


def reports_dir() -> Path:
    return Path(os.environ.get("BILATERAL_REPORTS_DIR", REPO_DIR / "reports")).resolve()


def notebooks_dir() -> Path:
    return Path(os.environ.get("BILATERAL_NOTEBOOKS_DIR", REPO_DIR / "notebooks")).resolve()
