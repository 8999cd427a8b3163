"""One build function per report: validated parameters in, everything the page shows out.

A notebook is validate -> build -> display: `page = build(params)`, then it displays `page.answer`, each of
`page.charts` and `page.tables`, `page.notes` and `page.sources`. The live explorer calls the same build
functions, so a report and an exploration never compute a number two ways.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Page:
    """What one report shows, in reading order. Text is Markdown; charts are altair charts."""

    title: str
    answer: str  # computed findings: the one-paragraph answer first
    has_data: bool
    charts: dict[str, Any] = field(default_factory=dict)  # heading -> chart
    tables: dict[str, str] = field(default_factory=dict)  # heading -> Markdown table (may start with a sentence)
    notes: list[str] = field(default_factory=list)  # caveats, in plain sentences
    sources: list[str] = field(default_factory=list)  # Markdown citations (catalog.citation)

    def tables_markdown(self) -> str:
        """Every table under its heading, as one Markdown block (what nbval compares)."""
        return "\n\n".join(f"### {heading}\n\n{body}" for heading, body in self.tables.items())

    def notes_markdown(self) -> str:
        return "### Caveats\n\n" + "\n".join(f"- {note}" for note in self.notes) if self.notes else ""

    def sources_markdown(self) -> str:
        return "### Sources\n\n" + "\n\n".join(self.sources)
