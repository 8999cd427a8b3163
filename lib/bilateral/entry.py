"""The `bilateral` command's entry point: answer an unchanged plan's rerun before loading the CLI framework.

Loading typer, rich and pydantic costs more than everything else an unchanged rerun of a plan does
(reports/uptodate.py). Any other command, option or change goes to the full command line in cli.py.
"""

from __future__ import annotations

import sys


def main() -> None:
    from bilateral.reports.uptodate import fast_rerun

    if fast_rerun(sys.argv[1:]):
        return
    from bilateral.cli import app

    app()


if __name__ == "__main__":
    main()
