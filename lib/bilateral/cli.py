"""The `bilateral` command: a thin face over the data catalog and the report runner.

Errors meant for people (BilateralError) are printed without a traceback and exit with status 1
(2 for bad parameters), so scripts and Make stop on them.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from bilateral.errors import BilateralError, ParameterError

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Research workbench for bilateral economic relations.")
data_app = typer.Typer(no_args_is_help=True, help="Datasets: list, show, verify, fetch.")
report_app = typer.Typer(no_args_is_help=True, help="Run parameterized notebooks into offline HTML reports.")
app.add_typer(data_app, name="data")
app.add_typer(report_app, name="report")
# Wide enough for dataset tables when piped (rich falls back to 80 columns without a terminal).
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn BilateralError into a one-paragraph message and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ParameterError as exc:
            err.print(f"[bold red]Error:[/] {exc}", highlight=False, markup=True)
            raise typer.Exit(2) from None
        except BilateralError as exc:
            err.print(f"[bold red]Error:[/] {exc}", highlight=False)
            raise typer.Exit(1) from None

    return wrapper


@data_app.command("list")
@friendly
def data_list() -> None:
    """One row per dataset: name, rows, years covered, publisher, licence."""
    from bilateral.data import catalog

    table = Table("dataset", "rows", "years", "publisher", "licence (as stated)", show_lines=False)
    for dataset in catalog.datasets():
        row = catalog.summary(dataset)
        table.add_row(str(row["name"]), f"{row['rows']:,}", str(row["years"]), _short(row["publisher"]), _short(row["licence"]))
    out.print(table)


def _short(text: object, width: int = 60) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


@data_app.command("show")
@friendly
def data_show(name: Annotated[str, typer.Argument(help="Dataset name from `bilateral data list`.")]) -> None:
    """Schema, provenance and caveats of one dataset."""
    from bilateral.data import catalog

    dataset = catalog.get(name)
    record = catalog.source_record(dataset.source)
    frame = dataset.loader()
    out.print(f"[bold]{dataset.name}[/]: {dataset.description}")
    out.print(f"rows: {frame.height:,}  source folder: data/raw/{dataset.source}")
    schema = Table("column", "dtype", "nulls", title="Schema")
    for column, dtype in frame.schema.items():
        schema.add_row(column, str(dtype), str(frame.get_column(column).null_count()))
    out.print(schema)
    out.print("[bold]Provenance[/]")
    out.print(f"  title: {record.title}\n  publisher: {record.publisher}\n  licence (as stated): {record.licence}")
    origin = record.origin
    if origin.repository:
        out.print(f"  origin: {origin.repository} @ {origin.commit}")
    for url in origin.urls:
        out.print(f"  origin: {url}")
    out.print(f"  retrieved: {record.retrieved}")
    for item in record.files:
        out.print(f"  file: {item.path}  {item.bytes:,} bytes  sha256 {item.sha256}")
    if record.caveats:
        out.print("[bold]Caveats[/]")
        for caveat in record.caveats:
            out.print(f"  - {caveat}")


@data_app.command("verify")
@friendly
def data_verify() -> None:
    """Check every file's sha256 against its source.yml; name each bad file and exit non-zero."""
    from bilateral.data import catalog

    checked, problems = catalog.verify_all()
    for problem in problems:
        err.print(f"[red]✗[/] {problem}", highlight=False)
    if problems:
        err.print(f"{len(problems)} problem(s) in {checked} files.")
        raise typer.Exit(1)
    out.print(f"[green]✓[/] {checked} files verified against their source.yml checksums.")


@report_app.command("run")
@friendly
def report_run(
    notebook: Annotated[str, typer.Argument(help="Notebook name (e.g. trade_overview) or path.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="key=value, repeatable.")] = None,
) -> None:
    """Execute NOTEBOOK with parameters and write reports/<notebook>/<slug>.html (+ executed .ipynb)."""
    from bilateral.reports.execute import run_report
    from bilateral.reports.params import parse_assignments

    result = run_report(notebook, parse_assignments(param or []))
    out.print(f"[green]✓[/] {result.title} in {result.seconds:.1f} s")
    out.print(str(result.html_path))


@report_app.command("plan")
@friendly
def report_plan(plan_file: Annotated[Path, typer.Argument(help="Plan YAML, e.g. plans/default.yml.")]) -> None:
    """Run every report of a plan and write the gallery reports/index.html."""
    from bilateral.data.paths import reports_dir
    from bilateral.reports.gallery import write_gallery
    from bilateral.reports.plan import run_plan

    def show(result: Any) -> None:
        mark = "[green]✓[/]" if result.status == "ok" else "[red]✗[/]"
        out.print(f"{mark} {result.title} ({result.seconds:.1f} s)")
        if result.error:
            err.print(f"    {result.error}", highlight=False)

    plan, results = run_plan(plan_file, on_result=show)
    index = write_gallery(results, reports_dir(), title=plan.title, description=plan.description)
    failed = [r for r in results if r.status != "ok"]
    out.print(str(index))
    if failed:
        err.print(f"{len(failed)} of {len(results)} reports failed; see the gallery for details.")
        raise typer.Exit(1)


def main() -> None:  # pragma: no cover - entry point for `python -m bilateral.cli`
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
