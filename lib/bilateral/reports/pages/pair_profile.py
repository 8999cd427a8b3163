"""Build the pair_profile report: one page that links every theme of a pair's relationship.

Each theme is answered by its own report's build function, run with the parameters the default plan uses, so the
profile and the report it links to can never say different things: the profile shows the report's first finding
and links to the report in the gallery. A pair gets the themes its data support; the rest are listed with what is
missing and what would supply it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import polars as pl

from bilateral.data.countries import country_name
from bilateral.errors import BilateralError
from bilateral.reports.pages import KeyNumber, Page, answers_only, method_text
from bilateral.reports.params import PairProfileParams, validate_parameters
from bilateral.viz import tables

CHINA_RUSSIA = {"CHN", "RUS"}


@dataclass(frozen=True)
class Theme:
    """One row of the profile: a question, the report that answers it, and the parameters to build it with."""

    name: str
    notebook: str
    parameters: Callable[[str, str], dict[str, Any]]  # (reporter, partner) -> report parameters
    china_russia_only: bool = False
    missing: str = ""  # what another pair lacks, and what would supply it


THEMES: tuple[Theme, ...] = (
    Theme(
        "Trade: how much, which way, how fast",
        "trade_overview",
        lambda a, b: {"reporter": a, "partner": b, "source": "imf_dots", "start_year": 2005, "end_year": 2024},
    ),
    Theme(
        "The partner's rank on one side",
        "partner_ranking",
        lambda a, b: {"reporter": b, "partner": a, "source": "imf_dots", "start_year": 2005, "end_year": 2024},
    ),
    Theme(
        "What is traded, and its quality",
        "trade_composition",
        lambda a, b: {
            "reporter": a,
            "partner": b,
            "source": "baci_china_russia_hs17",
            "start_year": 2017,
            "end_year": 2023,
        },
        china_russia_only=True,
        missing="product rows for this pair: `bilateral data fetch comtrade --hs-level 6` or a full BACI release",
    ),
    Theme(
        "Energy",
        "energy_flows",
        lambda a, b: {"exporter": b if a == "CHN" else a, "start_year": 2010, "end_year": 2024},
        china_russia_only=True,
        missing="energy flows are shipped for China's imports only (China customs, Statistical Review)",
    ),
    Theme(
        "Mega-projects by stage",
        "projects",
        lambda a, b: {"sector": "all", "status": "all", "start_year": 1995, "end_year": 2030},
        china_russia_only=True,
        missing="the cooperation registry covers China-Russia projects only",
    ),
    Theme(
        "Investment and finance",
        "investment_finance",
        lambda a, b: {"country": "RUS", "lender": "all", "sector": "all", "start_year": 2000, "end_year": 2025},
        china_russia_only=True,
        missing="investment statements are shipped for China-Russia; BU loans cover other borrowers",
    ),
    Theme(
        "Hi-tech and science",
        "hitech_science",
        lambda a, b: {"start_year": 2017, "end_year": 2024, "top_n": 10},
        china_russia_only=True,
        missing="the high-tech lens needs product rows for the pair (see trade composition)",
    ),
    Theme(
        "People and settlement currency",
        "people_currency",
        lambda a, b: {"start_year": 2013, "end_year": 2030},
        china_russia_only=True,
        missing="tourist, student and currency statements are shipped for China-Russia only",
    ),
)


def applicable(reporter: str, partner: str) -> list[Theme]:
    """The themes the workbench can answer for this pair."""
    flagship = {reporter, partner} == CHINA_RUSSIA
    return [t for t in THEMES if flagship or not t.china_russia_only]


def theme_sources(reporter: str, partner: str) -> list[str]:
    """Data folders read by the themes' reports for this pair, in order, once each."""
    folders: list[str] = []
    for theme in applicable(reporter, partner):
        try:
            found = validate_parameters(theme.notebook, theme.parameters(reporter, partner)).sources()
        except BilateralError:
            continue
        folders += [f for f in found if f not in folders]
    return folders


def build(params: PairProfileParams) -> Page:
    a, b = params.reporter, params.partner
    names = {a: country_name(a), b: country_name(b)}
    is_flagship = {a, b} == CHINA_RUSSIA
    rows, missing, sources = [], [], []
    numbers: list[KeyNumber] = []
    charts: dict[str, Any] = {}
    for theme in THEMES:
        if theme.china_russia_only and not is_flagship:
            missing.append(f"**{theme.name}**: {theme.missing}.")
            continue
        report = validate_parameters(theme.notebook, theme.parameters(a, b))
        try:
            # the profile shows one chart, the first answered theme's lead chart: the themes after it are built
            # for their answers only (their charts were most of the profile's time)
            with answers_only() if charts else nullcontext():
                page = _build(theme.notebook, report)
        except BilateralError as exc:
            missing.append(f"**{theme.name}**: the {theme.notebook} report cannot be built ({exc}).")
            continue
        if not page.has_data:
            missing.append(f"**{theme.name}**: {first_sentence(page.answer)}")
            continue
        sources += [s for s in page.sources if s not in sources]
        numbers += page.key_numbers[:1]  # each theme's lead number, with its own basis
        if page.charts and not charts:  # the first answered theme's lead chart (trade, when the pair has it)
            heading, chart = next(iter(page.charts.items()))
            charts[f"{theme.name}: {heading}"] = chart
        rows.append({"theme": theme.name, "answer": first_sentence(page.answer),
                     "report": f"[{report.title()}](../{theme.notebook}/{report.slug()}.html)"})  # fmt: skip
    answered = pl.DataFrame(rows, schema={"theme": pl.String, "answer": pl.String, "report": pl.String})
    result = Page(
        title=params.title(), answer=_answer(answered, names), has_data=not answered.is_empty(), sources=sources
    )
    result.charts = charts
    result.method = method_text("pair_profile")
    result.key_numbers = numbers
    result.tables["Every theme in one line"] = tables.Table(
        answered, {"theme": "Theme", "answer": "Answer", "report": "Report"},
        intro="Each line is the first finding of the theme's own report (same data, same parameters as the gallery's), with a link "
        "to it.",
    )  # fmt: skip
    if missing:
        result.tables["What is missing for this pair"] = "\n".join(f"- {line}" for line in missing)
    result.notes = [
        "Statements, declared and reconciled data stay labelled as in each report; open a report for its charts, tables "
        "and caveats.",
        "Declared trade by partner (IMF DOTS) ends in 2020; later years in the reports rest on cited statements.",
    ]
    return result


def _build(notebook: str, params: Any) -> Page:
    import importlib

    module = importlib.import_module(f"bilateral.reports.pages.{notebook}")
    return module.build(params)


def first_sentence(text: str) -> str:
    """The first sentence of a finding (a full stop followed by a space or the end; 'US$1.5 bn' is not an end)."""
    plain = re.sub(r"\*\*", "", text.strip()).split("\n")[0].strip()
    match = re.search(r"(?<=[^\s.][.!?])\s+(?=[A-Z0-9(])", plain)
    return plain[: match.start()] if match else plain


def _answer(answered: pl.DataFrame, names: dict[str, str]) -> str:
    if answered.is_empty():
        return f"No theme of the {' – '.join(names.values())} relationship has data in the workbench yet; see what is missing below."
    lead, *others = answered.head(3).iter_rows(named=True)
    return (
        f"{lead['answer']} "
        + " ".join(f"**{r['theme']}.** {r['answer']}" for r in others)
        + f" ({answered.height} of {len(THEMES)} themes of the {' – '.join(names.values())} relationship are answered "
        "from the workbench's data; every one is in the table below, each with its own report.)"
    )
