"""`bilateral ARGS` run in this test process (typer's CliRunner), as end-to-end tests use it.

In process, report runs share the session's warm kernels (conftest.shared_warm_kernels), as consecutive runs
of a long-lived process would, and error paths cost no interpreter start. What only a real subprocess can show
(signals, the process table, the `python -m bilateral.cli` entry point) is tested in test_runner_signals.py and
test_papermill_cli.py.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from bilateral.cli import app

RUNNER = CliRunner()


def run_cli(*args: str, env: dict[str, str] | None = None) -> SimpleNamespace:
    """Run `bilateral ARGS` with `env` set; returns returncode, stdout and stderr like subprocess.run.

    An unexpected exception (not the SystemExit of an exit code) fails the test with its traceback: the CLI
    must never end that way.
    """
    with pytest.MonkeyPatch.context() as patch:
        for key, value in (env or {}).items():
            patch.setenv(key, value)
        result = RUNNER.invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)
