"""One build function per report: validated parameters in, everything the page shows out.

A notebook is validate -> build -> display: `page = build(params)`, then `bilateral.reports.page_view` shows it in
reading order (title, header line, answer, key numbers, charts and tables with their CSV downloads, method and
sources, cite-as). The live explorer calls the same build functions, so a report and an exploration never
compute a number two ways.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilateral.viz.tables import Table

# ARCHITECTURE.md "Evidence and statements", plus "computed": a count or measure the workbench derived itself (how
# many claims got a verdict, how many projects reached a stage); `by` then says from what.
BASES = ("statement", "declared", "reconciled", "computed")
# False while pages are built for their answers only (answers_only): Page.add_chart then skips the chart.
_CHARTS_WANTED: ContextVar[bool] = ContextVar("bilateral_charts_wanted", default=True)


@contextmanager
def answers_only() -> Iterator[None]:
    """Build pages without their charts, for a caller that quotes a page's answer, numbers and tables.

    The pair profile quotes the first finding of eight reports: building their charts too (altair copies and checks
    every part of a chart at each step) was most of its time. Everything but `charts` is built as always.
    """
    token = _CHARTS_WANTED.set(False)
    try:
        yield
    finally:
        _CHARTS_WANTED.reset(token)


@dataclass(frozen=True)
class KeyNumber:
    """One number of the key-numbers box: what it is, its value and unit, its year and its basis.

    `basis` is one of BASES: a statement (what a page said), declared (a customs service's own statistics) or
    reconciled (a statistician's estimate from both sides). `value` is in `unit` (e.g. 244.8 with unit "US$ bn");
    `digits` is how many decimals are shown (one precision per unit). `year` is text: "2020", "2023/24", "2017–2023".
    """

    label: str
    value: float
    unit: str
    year: str
    basis: str
    digits: int = 1
    qualifier: str = ""  # the page's own qualifier kept with a stated number ("around", "more than")
    by: str = ""  # whose figure, completing the basis: "by China" (declared), "CEPII BACI" (reconciled)
    printed: str = ""  # a statement exactly as its page printed it ("around 29", "1.6–1.9 million"): shown instead

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise ValueError(f"Key number {self.label!r}: basis must be one of {', '.join(BASES)}; got {self.basis!r}.")

    def shown(self) -> str:
        """The value as the box prints it: '244.8', 'more than 200.0', '1', or the statement as printed."""
        if self.printed:
            return self.printed
        text = f"{self.value:,.{self.digits}f}"
        return f"{self.qualifier} {text}" if self.qualifier else text

    def basis_text(self) -> str:
        """'declared by China', 'reconciled (CEPII BACI)', 'statement: Chinese customs (GAC)', 'computed from the
        evidence'."""
        if not self.by:
            return self.basis
        if self.by.startswith(("by ", "from ")):
            return f"{self.basis} {self.by}"
        return f"{self.basis}: {self.by}" if self.basis == "statement" else f"{self.basis} ({self.by})"

    def markdown(self) -> str:
        """One line for text renderings (nbval, the explorer): '- **Turnover, 2020:** 107.8 US$ bn (declared)'."""
        unit = f" {self.unit}" if self.unit else ""
        return f"- **{self.label}, {self.year}:** {self.shown()}{unit} ({self.basis_text()})"


@dataclass
class Page:
    """What one report shows, in reading order. Text is Markdown; charts are altair charts."""

    title: str
    answer: str  # computed findings: the one-paragraph answer first
    has_data: bool
    charts: dict[str, Any] = field(default_factory=dict)  # heading -> chart
    tables: dict[str, Table | str] = field(default_factory=dict)  # heading -> Table (or Markdown text, e.g. a list)
    notes: list[str] = field(default_factory=list)  # caveats, in plain sentences
    sources: list[str] = field(default_factory=list)  # Markdown citations (catalog.citation)
    key_numbers: list[KeyNumber] = field(default_factory=list)  # computed from the page's own data; none without data
    method: str = ""  # Markdown: how the report answers its question (repository paths, parameters, decisions)
    # heading -> the chart's Vega-Lite spec as displayed (page_view.show_charts fills it: the CSV link and the
    # gallery card read the spec the page showed instead of serialising each chart twice more)
    shown_specs: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)

    def add_chart(self, heading: str, make: Callable[[], Any]) -> None:
        """Put the chart `make()` builds under `heading`; skipped inside `answers_only()`."""
        if _CHARTS_WANTED.get():
            self.charts[heading] = make()

    def tables_markdown(self) -> str:
        """Every table under its heading, as one Markdown block (what nbval compares)."""
        return "\n\n".join(f"### {heading}\n\n{table_markdown(body)}" for heading, body in self.tables.items())

    def key_numbers_markdown(self) -> str:
        return "\n".join(number.markdown() for number in self.key_numbers)

    def notes_markdown(self) -> str:
        return "### Caveats\n\n" + "\n".join(f"- {note}" for note in self.notes) if self.notes else ""

    def sources_markdown(self) -> str:
        return "### Sources\n\n" + "\n\n".join(self.sources)


def table_markdown(table: Table | str) -> str:
    """A table's Markdown, or the text itself when the page holds text (a bullet list) under a table heading."""
    return table if isinstance(table, str) else table.markdown()


METHODS_DIR = Path(__file__).parent / "methods"


def method_text(notebook: str) -> str:
    """The report's method paragraph (pages/methods/<notebook>.md): the question, how the data answer it, which
    parameters switch sources, and the decision records it follows. Written once, shown in "Method and sources"."""
    return (METHODS_DIR / f"{notebook}.md").read_text(encoding="utf-8").strip()


def latest_statement(marked: Any, label: str, unit: str | None = None) -> KeyNumber | None:
    """The latest stated outturn of `marked` (stated_values.stated_marks rows) as a key number, qualifier kept.

    Targets and forecasts are left out (a key number is an outturn); a range stays a range, printed as stated.
    """
    import polars as pl

    from bilateral.analysis import stated_values as sv

    rows = marked.filter(
        (pl.col("point").is_not_null() | pl.col("low").is_not_null() | pl.col("high").is_not_null())
        & (pl.col("mark") != sv.TARGET)
    )
    if rows.is_empty():
        return None
    row = rows.sort("period_end", maintain_order=True).row(-1, named=True)
    value = float(row["point"] if row["point"] is not None else row["low"] if row["low"] is not None else row["high"])
    return KeyNumber(label, value, unit if unit is not None else str(row["unit"]), str(row["period_label"]), "statement",
                     qualifier=row.get("qualifier") or "", printed=str(row.get("stated") or ""))  # fmt: skip
