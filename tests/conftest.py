"""Shared fixtures: an offline headless browser, and the venv's python3 kernel for executing notebooks."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import OfflinePage, launch_chromium, new_offline_page

# pytest rewrites every test module's asserts on import and caches the result beside it, unless Python is told not
# to write bytecode (this machine sets PYTHONDONTWRITEBYTECODE): then each xdist worker rewrote all ~100 modules on
# every run, 2-3 s of CPU each. The test modules are cached like the library (`make bytecode`); only this process's
# flag changes, so kernels and CLI subprocesses keep the machine's setting.
sys.dont_write_bytecode = False

KERNEL_NAME = "python3"
_PYTHON_NAMES = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}


# The longest files, in the order they start. pytest-xdist hands out whole files in collection order, first one to
# each worker, then a second to each: the JupyterLab module (about 80 s) starts on one worker with the chart module
# second, the page module on the other. The page and chart modules read the same session-wide rendered reports
# (tests/shared_reports.py): whichever asks first renders them, and by the time the chart module starts they are
# there, so no worker waits on the other.
LONGEST_FIRST = ("test_lab_browser.py", "test_report_pages_browser.py", "test_chart_browser.py")


def _weight(path: str, items: list[pytest.Item]) -> tuple[int, int]:
    """LONGEST_FIRST in order, then modules with browser tests, then with slow (end-to-end) tests, then the rest."""
    name = path.rsplit("/", 1)[-1]
    if name in LONGEST_FIRST:
        return 0, LONGEST_FIRST.index(name)
    if any(item.get_closest_marker("browser") for item in items):
        return 1, 0
    return (2 if any(item.get_closest_marker("slow") for item in items) else 3), 0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long files first (`--dist loadfile --no-loadscope-reorder`, pyproject.toml), so the two workers end together
    instead of one waiting on a long file that started last. The order inside a file is unchanged."""
    by_file: dict[str, list[pytest.Item]] = {}
    for item in items:
        by_file.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    ordered = sorted(by_file.items(), key=lambda pair: _weight(*pair))  # stable: alphabetical within a weight
    items[:] = [item for _, group in ordered for item in group]


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[object]:
    """One headless Chromium for the session (skipped without Debian's chromium-headless-shell or chromium unless CI is set)."""
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def offline_page(chromium_browser: object) -> Iterator[OfflinePage]:
    """A fresh page that blocks and records every request except the opened file, and collects errors."""
    context, offline = new_offline_page(chromium_browser)
    try:
        yield offline
    finally:
        context.close()


def _kernel_interpreter(argv0: str) -> Path:
    # jupyter_client runs a spec whose argv[0] is a bare "python" with its own sys.executable.
    return Path(sys.executable if argv0 in _PYTHON_NAMES else argv0)


@pytest.fixture(scope="session")
def python3_kernel() -> str:
    """The name of a kernel that runs this venv's interpreter, installing its spec once if absent.

    Idempotent: `ipykernel install --sys-prefix` only runs when no `python3` spec is found. A spec
    that runs another interpreter (e.g. a user-level one shadowing the venv's) fails the session,
    since notebooks would then execute without the editable `bilateral`.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix"], check=True)
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    interpreter = _kernel_interpreter(spec.argv[0])
    # Compare unresolved paths: a venv's python is a symlink to the system interpreter.
    if Path(sys.prefix) not in interpreter.absolute().parents:
        pytest.fail(
            f"Kernel '{KERNEL_NAME}' ({spec.resource_dir}) runs {interpreter}, not this venv's "
            f"{sys.executable}. Remove that spec or run `{sys.executable} -m ipykernel install --sys-prefix`.",
            pytrace=False,
        )
    return KERNEL_NAME


# Data-copy fixtures (tests/datacopy.py) for every test module.
from datacopy import data_copy, reports_copy  # noqa: E402, F401

# One report of each type, rendered once per session (tests/shared_reports.py).
from shared_reports import one_of_each, opened_reports  # noqa: E402, F401


@pytest.fixture(scope="session", autouse=True)
def shared_warm_kernels() -> Iterator[None]:
    """In-process report runs (CliRunner tests) share warm kernels across tests, as a long-lived caller would;
    kernels still reset between reports. Subprocess runs of the CLI are unaffected."""
    from bilateral.reports import executors

    executors.KEEP_KERNELS = True
    yield
    executors.KEEP_KERNELS = False
    executors._close_shared()
