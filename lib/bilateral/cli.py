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
from rich.text import Text

from bilateral.errors import BilateralError, ParameterError

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Research workbench for bilateral economic relations."
)
data_app = typer.Typer(no_args_is_help=True, help="Datasets: list, show, verify, fetch, check.")
report_app = typer.Typer(no_args_is_help=True, help="Run parameterized notebooks into offline HTML reports.")
claims_app = typer.Typer(
    no_args_is_help=True, help="The claims ledger (data/claims.yml): statements tested against data."
)
app.add_typer(data_app, name="data")
app.add_typer(report_app, name="report")
app.add_typer(claims_app, name="claims")
# Wide enough for dataset tables when piped (rich falls back to 80 columns without a terminal).
# Piped output is never hard-wrapped (soft_wrap): a message must not depend on where rich would break it.
out = Console(width=None if sys.stdout.isatty() else 160, soft_wrap=not sys.stdout.isatty())
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160, soft_wrap=not sys.stderr.isatty())


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn BilateralError into a one-paragraph message and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BilateralError as exc:
            # The message may quote user input such as "[/]": never interpret it as rich markup.
            err.print(Text.assemble(("Error: ", "bold red"), str(exc)), highlight=False, soft_wrap=not err.is_terminal)
            raise typer.Exit(2 if isinstance(exc, ParameterError) else 1) from None

    return wrapper


@data_app.command("list")
@friendly
def data_list() -> None:
    """One row per dataset: name, rows, years covered, publisher, licence."""
    from bilateral.data import catalog

    table = Table("dataset", "rows", "years", "publisher", "licence (as stated)", show_lines=False)
    failed: list[str] = []
    for dataset in catalog.datasets():
        try:  # one damaged dataset is reported; the others are still listed
            row = catalog.summary(dataset)
        except BilateralError as exc:
            failed.append(f"{dataset.name}: {exc}")
            table.add_row(dataset.name, "–", "–", "[red]cannot be loaded[/] (see below)", "–")
            continue
        table.add_row(
            str(row["name"]), f"{row['rows']:,}", str(row["years"]), _short(row["publisher"]), _short(row["licence"])
        )
    out.print(table)
    for problem in failed:
        err.print(Text.assemble(("✗ ", "red"), problem), highlight=False)
    if failed:
        err.print(f"{len(failed)} dataset(s) cannot be loaded; `bilateral data verify` names changed or missing files.")
        raise typer.Exit(1)


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
    profile = catalog.table_profile(dataset.loader(), dataset.year_column)
    plain = functools.partial(out.print, markup=False, highlight=False)  # provenance text may hold brackets
    out.print(Text.assemble((dataset.name, "bold"), f": {dataset.description}"))
    plain(f"rows: {profile['rows']:,}  years: {profile['years']}  source folder: data/raw/{dataset.source}")
    schema = Table("column", "dtype", title="Schema")
    for column, dtype in profile["schema"].items():
        schema.add_row(column, str(dtype))
    out.print(schema)
    out.print(Text("Provenance", style="bold"))
    plain(f"  title: {record.title}\n  publisher: {record.publisher}\n  licence (as stated): {record.licence}")
    origin = record.origin
    if origin.repository:
        plain(f"  origin: {origin.repository} @ {origin.commit}")
    for url in origin.urls:
        plain(f"  origin: {url}")
    plain(f"  retrieved: {record.retrieved}")
    for item in record.files:
        plain(f"  file: {item.path}  {item.bytes:,} bytes  sha256 {item.sha256}")
    if record.caveats:
        out.print(Text("Caveats", style="bold"))
        for caveat in record.caveats:
            plain(f"  - {caveat}")


@data_app.command("verify")
@friendly
def data_verify() -> None:
    """Check every file's sha256 against its source.yml; name each bad file and exit non-zero."""
    from bilateral.data import catalog

    checked, problems = catalog.verify_all()
    for problem in problems:
        err.print(Text.assemble(("✗ ", "red"), problem), highlight=False)
    if problems:
        err.print(f"{len(problems)} problem(s) in {checked} files.")
        raise typer.Exit(1)
    out.print(f"[green]✓[/] {checked} files verified against their source.yml checksums.")


@data_app.command("prepare")
@friendly
def data_prepare() -> None:
    """Build derived caches (e.g. the parsed IMF DOTS table) once, so parallel reports do not each build them."""
    import importlib

    from bilateral.data import registry

    for source in registry.sources(lambda s: s.prepare is not None):
        path = getattr(importlib.import_module(source.module_path), str(source.prepare))()
        out.print(f"[green]✓[/] {source.name}: {path}")


@data_app.command("fetch")
@friendly
def data_fetch(
    source: Annotated[str, typer.Argument(help="An upstream source: comtrade | imf | baci.")],
    release: Annotated[str | None, typer.Argument(help="baci only: path or URL of a BACI release zip.")] = None,
    reporter: Annotated[str | None, typer.Option(help="ISO3 of the reporter (comtrade, imf).")] = None,
    partner: Annotated[str | None, typer.Option(help="ISO3 of the partner, or 'all' (comtrade).")] = None,
    years: Annotated[str | None, typer.Option(help="e.g. 2015-2024 or 2019,2021 (comtrade, imf).")] = None,
    frequency: Annotated[str, typer.Option(help="A (annual) or M (monthly).")] = "A",
    hs_level: Annotated[
        str, typer.Option("--hs-level", help="0 (total), 2, 4, 6, or HS codes like 2709,2711 (comtrade).")
    ] = "0",
    flow: Annotated[str, typer.Option(help="export, import or both (comtrade).")] = "both",
    stamp: Annotated[
        str | None, typer.Option(help="Snapshot folder name (UTC, e.g. 2026-11-28T101500Z); default: now.")
    ] = None,
) -> None:
    """Download an upstream into a new snapshot under data/raw/<source>/<UTC stamp>/ (offline: fails at once)."""
    from bilateral.data.fetch import fetch

    query = fetch_query(
        source,
        release=release,
        reporter=reporter,
        partner=partner,
        years=years,
        frequency=frequency,
        hs_level=hs_level,
        flow=flow,
        stamp=stamp,
    )
    folder = fetch(source, **query)
    out.print(f"[green]✓[/] new snapshot {folder}")


# `bilateral data fetch` options as typer passes them when the user did not give them.
FETCH_DEFAULTS: dict[str, str | None] = {
    "release": None, "reporter": None, "partner": None, "years": None, "frequency": "A", "hs_level": "0", "flow": "both",
    "stamp": None,
}  # fmt: skip
FETCH_FLAGS = {"release": "a file argument", "hs_level": "--hs-level"}


def fetch_query(source: str, **options: str | None) -> dict[str, Any]:
    """Turn CLI strings into the connector's query, refusing options the source's connector does not take.

    Which options a source accepts is the registry's `Connector.options`; the conversions (ISO3 codes,
    year ranges, HS levels) are the same for every connector.
    """
    from bilateral.data import registry
    from bilateral.data.countries import normalize_iso3

    entry = registry.get_source(source, where=lambda s: s.is_upstream, wanted="fetchable source")
    accepted = entry.connector.options if entry.connector else frozenset()
    given = [name for name, value in options.items() if value != FETCH_DEFAULTS.get(name)]
    refused = [name for name in given if name not in accepted]
    if refused:
        flags = ", ".join(FETCH_FLAGS.get(name, f"--{name}") for name in refused)
        takes = ", ".join(FETCH_FLAGS.get(name, f"--{name}") for name in sorted(accepted))
        raise ParameterError(f"{source} does not take {flags}; it takes {takes}.")
    stamp = {"stamp": options["stamp"]} if options.get("stamp") else {}
    if "release" in accepted:
        if not options["release"]:
            raise ParameterError(
                f"{source} needs the path or URL of a release zip: bilateral data fetch {source} FILE.zip"
            )
        return {"zip_path_or_url": options["release"], **stamp}
    if not options["reporter"] or not options["years"]:
        raise ParameterError(f"{source} needs --reporter ISO3 and --years (e.g. --years 2015-2024).")
    query: dict[str, Any] = {
        "reporter": normalize_iso3(options["reporter"], role="reporter"),
        "years": parse_years(str(options["years"])),
        "frequency": str(options["frequency"]).upper(),
    }
    if "partner" in accepted:
        partner = options["partner"]
        query["partner"] = None if partner in (None, "all") else normalize_iso3(partner, role="partner")
    if "hs_level" in accepted:
        level = str(options["hs_level"])
        query["hs_level"] = int(level) if level in {"0", "2", "4", "6"} else [code.strip() for code in level.split(",")]
    if "flow" in accepted:
        query["flow"] = options["flow"]
    return {**query, **stamp}


def parse_years(text: str) -> list[int]:
    """'2015-2024' -> [2015, ..., 2024]; '2019,2021' -> [2019, 2021]. Bounded: years 1948 to next year, at most
    limits.YEARS_PER_FETCH of them, so a typo cannot ask for a million years."""
    from datetime import date

    from bilateral.data.limits import YEARS_PER_FETCH, shown

    example = "write e.g. 2015-2024 or 2019,2021"
    if len(text) > 200:
        raise ParameterError(f"--years {shown(text)} is not a year range; {example}.")
    try:
        bounds = [int(part) for part in text.split("-", 1)] if "-" in text else None
        listed = None if bounds else [int(part) for part in text.split(",")]
    except ValueError:
        raise ParameterError(f"--years {shown(text)} is not a year range; {example}.") from None
    if bounds:
        first, last = bounds
        if last < first:
            raise ParameterError(f"--years {shown(text)}: the last year is before the first; {example}.")
    else:
        first, last = min(listed), max(listed)
    newest = date.today().year + 1
    if first < 1948 or last > newest:
        raise ParameterError(
            f"--years {shown(text)}: years must lie between 1948 (the first trade statistics) and {newest}."
        )
    years = listed if listed is not None else list(range(first, last + 1))
    if len(set(years)) > YEARS_PER_FETCH.value():
        raise ParameterError(f"--years {shown(text)}: " + YEARS_PER_FETCH.exceeded(f"{len(set(years)):,} years"))
    return sorted(set(years))


TIMEOUT_HELP = "Seconds one report may run before its kernel is stopped and it fails (1 to 86400)."
ALLOW_HELP = "Also run notebooks outside the project's notebooks/ folder (they are code: only ones you trust)."


@report_app.command("run")
@friendly
def report_run(
    notebook: Annotated[str, typer.Argument(help="Notebook name (e.g. trade_overview) or path.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="key=value, repeatable.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Run even if an unchanged report is already published.")
    ] = False,
    timeout: Annotated[float, typer.Option("--timeout", help=TIMEOUT_HELP)] = 600.0,
    allow_outside_notebooks: Annotated[bool, typer.Option("--allow-outside-notebooks", help=ALLOW_HELP)] = False,
) -> None:
    """Execute NOTEBOOK with parameters and write reports/<notebook>/<slug>.html (+ executed .ipynb)."""
    from bilateral.errors import ReportError
    from bilateral.reports import runner
    from bilateral.reports.params import parse_assignments
    from bilateral.reports.plan import single_report

    planned = single_report(notebook, parse_assignments(param or []), allow_outside=allow_outside_notebooks)
    summary = runner.run([planned], runner.RunOptions(workers=1, force=force, timeout=timeout))
    _report_swept(summary.swept)
    result = summary.results[0]
    if summary.stopped_by is not None:
        err.print("Stopped: no report was written (a previous one, if any, is kept).", soft_wrap=True)
        raise typer.Exit(runner.stop_exit_code(summary.stopped_by))
    if result.status == "failed":
        raise ReportError(result.error or "The report failed.")
    if result.status == "reused":
        out.print(
            f"[blue]↺[/] {result.title}: unchanged since {result.finished_utc}, reused (--force reruns)",
            highlight=False,
        )
    else:
        out.print(f"[green]✓[/] {result.title} in {result.seconds:.1f} s", highlight=False)
    out.print(str(result.html_path), highlight=False, soft_wrap=True)


@report_app.command("plan")
@friendly
def report_plan(
    plan_file: Annotated[Path, typer.Argument(help="Plan YAML, e.g. plans/default.yml.")],
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-j", help="Reports run at once, one warm kernel each (default: cores, at most 4)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Rerun every report, even unchanged ones.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help=TIMEOUT_HELP)] = 600.0,
    executor: Annotated[
        str, typer.Option("--executor", help="local (warm kernels on this machine) or dask.")
    ] = "local",
    address: Annotated[
        str | None, typer.Option("--address", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
    ] = None,
    allow_outside_notebooks: Annotated[bool, typer.Option("--allow-outside-notebooks", help=ALLOW_HELP)] = False,
    max_reports: Annotated[
        int, typer.Option("--max-reports", help="Refuse plans that expand to more reports than this.")
    ] = 500,
) -> None:
    """Run every report of a plan (unchanged ones are reused) and write the gallery reports/index.html."""
    from bilateral.data.paths import reports_dir
    from bilateral.reports import runner, uptodate
    from bilateral.reports.gallery import write_gallery
    from bilateral.reports.plan import default_workers, read_plan

    options = runner.RunOptions(
        workers=workers or default_workers(), force=force, timeout=timeout, executor=executor, address=address
    )
    options.check()  # before the up-to-date shortcut: a wrong option is refused even when nothing would run
    checks = {"allow_outside": allow_outside_notebooks, "max_reports": max_reports}
    snapshot = None if force else uptodate.reuse(plan_file, **checks)
    if snapshot is not None:  # nothing the last complete run depended on changed
        results = uptodate.results_from(snapshot)
        for result in results:
            out.print(Text.assemble(("↺ ", "blue"), f"{result.title} (reused)"), highlight=False)
        index = write_gallery(results, reports_dir(), title=snapshot["title"], description=snapshot["description"])
        out.print(str(index), highlight=False, soft_wrap=True)
        return
    plan, planned = read_plan(plan_file, allow_outside=allow_outside_notebooks, max_reports=max_reports)
    from bilateral.reports.progress import Reporter

    with Reporter(out, err, len(planned)) as shown:
        summary = runner.run(planned, options, on_result=shown.result, on_start=shown.started)
    _report_swept(summary.swept)
    index = write_gallery(summary.results, reports_dir(), title=plan.title, description=plan.description)
    if summary.stopped_by is None:
        uptodate.save(plan_file, **checks, plan=plan, planned=planned, results=summary.results)
    out.print(str(index), highlight=False, soft_wrap=True)
    if summary.stopped_by is not None:
        done = sum(r.status in ("ok", "reused") for r in summary.results)
        err.print(f"Stopped: {done} of {len(summary.results)} reports done; the gallery says which.", soft_wrap=True)
        raise typer.Exit(runner.stop_exit_code(summary.stopped_by))
    failed = summary.failed
    if failed:
        err.print(
            f"{len(failed)} of {len(summary.results)} reports failed; see the gallery for details.", soft_wrap=True
        )
        raise typer.Exit(1)


@data_app.command("check")
@friendly
def data_check(
    output: Annotated[
        str, typer.Option("--format", "-f", help="table (inconsistencies) or json (every finding).")
    ] = "table",
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any inconsistency is found (for CI).")] = False,
) -> None:
    """Check every cited trade figure against itself and the statistics: parts vs totals, stated growth vs levels,
    the same figure on several pages, statements vs declared data. Inconsistencies are findings: exit 0 (see --strict)."""
    from bilateral import cli_render
    from bilateral.reports.claims_data import data_check as run_check

    _choose(output, cli_render.CHECK_FORMATS, "--format")
    findings = run_check()
    cli_render.findings_json(findings) if output == "json" else cli_render.findings_table(out, findings)
    if strict and findings.get_column("is_inconsistent").any():
        raise typer.Exit(1)


@claims_app.command("check")
@friendly
def claims_check(
    output: Annotated[
        str, typer.Option("--format", "-f", help="table | json | claimreview (schema.org JSON-LD).")
    ] = "table",
    claim: Annotated[str | None, typer.Option("--claim", help="Check one claim (its id in the ledger).")] = None,
    ledger_file: Annotated[str, typer.Option("--file", help="Ledger inside data/, relative to it.")] = "claims.yml",
) -> None:
    """Test every claim of the ledger on the shipped data: verdict, why, evidence, datasets, pages, restatements."""
    from bilateral import cli_render
    from bilateral.reports.claims_data import evaluate
    from bilateral.reports.params import validate_parameters

    _choose(output, cli_render.CLAIM_FORMATS, "--format")
    params = validate_parameters("claims", {"claims_file": ledger_file, "claim": claim or ""})
    ledger, results = evaluate(params)
    if output == "json":
        cli_render.claims_json(results, ledger)
    elif output == "claimreview":
        cli_render.claimreview_json(results, ledger)
    else:
        cli_render.claims_table(out, results, ledger)


def _choose(value: str, choices: tuple[str, ...], option: str) -> None:
    if value not in choices:
        raise ParameterError(f"{option} {value!r} is not one of {', '.join(choices)}.")


def _report_swept(swept: list[str]) -> None:
    if swept:
        err.print(Text("Cleaned up after an interrupted run: " + "; ".join(swept)), highlight=False, soft_wrap=True)


def main() -> None:  # pragma: no cover - entry point for `python -m bilateral.cli`
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
