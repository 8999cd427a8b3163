"""Build the people_currency report: travellers and students both ways, and the currencies of settlement.

Everything here is a cited statement (cooperation registry). Each definition of a flow is its own series;
figures a page stated beside its headline figure (the border service's 130,000 trips of 2022, given with 2023's
790,000) are read from the same row, with the same page and quote. The 2020-2022 border closure is shaded;
the 2022 counts are set against the statement that exchanges became "even closer" (claims ledger).
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis import claims
from bilateral.analysis import people_currency as pc
from bilateral.analysis import stated_values as sv
from bilateral.data import catalog
from bilateral.data.paths import data_dir
from bilateral.reports.pages import KeyNumber, Page, latest_statement, method_text
from bilateral.reports.params import PeopleCurrencyParams
from bilateral.viz import statement_charts
from bilateral.viz.statement_tables import HEADERS, statements_table

# Russia closed its border with China to travellers in early 2020; tourist travel resumed in 2023 ("after the lifting
# of anti-COVID restrictions", the FSB count of 2023 via radiometro.ru). The start year is not a shipped row: see notes.
CLOSURE = (2020, 2022)
CLOSURE_LABEL = "Border closed to travellers (COVID-19), 2020–2022"
CLAIM_ID = "xi-people-exchanges-closer"
NOTE = (
    "Source: cited pages (cooperation registry); page and quote in each tooltip. Points are statements, never joined."
)
TRAVEL_HEADERS = {"period_label": "Period", "direction": "Direction", "definition": "Definition", "stated": "Stated", "unit": "Unit",
                  "basis": "Basis", "publisher_named": "Publisher", "source_url": "Page"}  # fmt: skip


def build(params: PeopleCurrencyParams) -> Page:
    page = Page(
        title=params.title(), answer="", has_data=False, sources=[catalog.citation(f) for f in params.sources()]
    )
    page.method = method_text("people_currency")
    people_all = sv.with_figures_stated_alongside(catalog.load("people_exchanges"))
    people = _in_window(people_all, params)
    travel, students = sv.stated_marks(pc.travel_rows(people)), sv.stated_marks(pc.student_rows(people))
    currency = sv.stated_marks(
        pc.currency_rows(
            _in_window(sv.with_figures_stated_alongside(catalog.load("settlement_currency_statements")), params)
        ),
        ceiling=100,
    )
    page.has_data = not (travel.is_empty() and students.is_empty() and currency.is_empty())
    answers = []
    if not travel.is_empty():
        band = _band(params)  # the closure years inside the window: gaps are named only where the reader looks
        answers += [pc.travel_findings(travel, band[:2] if band else CLOSURE), _claim_sentence(travel)]
        _travel_chart(page, travel, pc.travel_rows(people_all), params)
        page.tables["Travellers, as stated"] = statements_table(
            travel.sort("direction", "period_end"), TRAVEL_HEADERS,
            intro="One row per statement; definitions differ (visa-free group tourists, all visitors, tourist-purpose trips, trips for "
            "all purposes) and are never added or joined. A row whose basis ends 'stated on the same page as ...' is a figure the "
            "page gave beside its headline figure.",
        )  # fmt: skip
    if not students.is_empty():
        answers.append(pc.student_findings(students))
        page.add_chart("Students in each other's country, as stated", lambda: statement_charts.statement_chart(
            students, title="Students: Chinese in Russia and Russians in China, as stated", source_note=NOTE,
            series_domain=sorted(pc.student_rows(people_all).get_column("series").unique().to_list()),
            x=_axis(students, params), y_title="Students (stated)", y_domain=[0, _top(students) * 1.1],
        ))  # fmt: skip
        page.tables["Students, as stated"] = statements_table(
            students.sort("series", "period_end"),
            intro="An academic year (2023/24) is drawn between its two calendar years.",
        )
    bilateral = currency.filter(pl.col("is_bilateral"))
    if not bilateral.is_empty():
        answers.append(pc.currency_findings(currency))
        _currency_chart(page, bilateral, params)
        page.tables["Currency shares of Russia–China settlements, as stated (%)"] = statements_table(
            bilateral.sort("period_end", "series"), {**HEADERS, "series": "Currency"}
        )
    others = currency.filter(~pl.col("is_bilateral"))
    if not others.is_empty():
        page.tables["The yuan in all of Russia's trade (not Russia–China), as stated (%)"] = statements_table(
            others.sort("period_end", "series"), {**HEADERS, "series": "Currency"},
            intro="Bank of Russia figures for Russia's settlements with every partner: context for the bilateral shares above, "
            "never one of them.",
        )  # fmt: skip
    leftover = pc.other_people_rows(people)
    if not leftover.is_empty():
        labelled = sv.stated_marks(leftover.with_columns(pl.col("metric").alias("series")))
        page.tables["Other people-to-people statements"] = statements_table(labelled)
    page.answer = "\n\n".join(a for a in answers if a) or _only_targets(
        pl.concat([travel, students], how="diagonal_relaxed"), params
    )
    page.key_numbers = _key_numbers(travel, bilateral)
    page.notes = _notes()
    return page


def _key_numbers(travel: pl.DataFrame, bilateral: pl.DataFrame) -> list[KeyNumber]:
    """The latest full-year count of travel each way (its own definition) and the latest stated rouble-and-yuan share."""
    numbers = []
    for direction in (pc.CHINA_TO_RUSSIA, pc.RUSSIA_TO_CHINA):
        has_figure = pl.col("point").is_not_null() | pl.col("low").is_not_null() | pl.col("high").is_not_null()
        rows = travel.filter((pl.col("direction") == direction) & pl.col("is_full_year") & has_figure
                             & (pl.col("mark") != sv.TARGET)).sort("period_end", maintain_order=True)  # fmt: skip
        if not rows.is_empty():
            series = rows.row(-1, named=True)["series"]
            numbers.append(latest_statement(rows.filter(pl.col("series") == series), series, "persons or trips"))
    rouble_yuan = bilateral.filter(pl.col("series") == "Rouble and yuan") if not bilateral.is_empty() else bilateral
    if not rouble_yuan.is_empty():
        numbers.append(latest_statement(rouble_yuan, "Rouble and yuan, share of Russia–China settlements", "%"))
    return [n for n in numbers if n is not None]


def _years(params: PeopleCurrencyParams) -> str:
    return str(params.start_year) if params.start_year == params.end_year else f"{params.start_year}–{params.end_year}"


def _only_targets(marked: pl.DataFrame, params: PeopleCurrencyParams) -> str:
    """The answer when no finding can be computed: nothing in the window, or only targets and forecasts."""
    if marked.is_empty():
        return f"No people or currency statement falls in {_years(params)}."
    listed = "; ".join(
        f"{r['stated']} {r['series']} ({r['period_label']}, {r['publisher_named']})"
        for r in marked.iter_rows(named=True)
    )
    return f"In {_years(params)} the statements hold only targets or forecasts, which are not outturns: {listed}."


def _top(marked: pl.DataFrame) -> float:
    """The highest number drawn (a point or the top of a range)."""
    return float(marked.select(pl.max_horizontal("point", "high")).max().item())


def _in_window(rows: pl.DataFrame, params: PeopleCurrencyParams) -> pl.DataFrame:
    """Statements whose calendar year (an academic year by its first year) lies in the window."""
    year = pl.coalesce("year", pl.col("period").str.slice(0, 4).cast(pl.Int32))
    return rows.filter(year.is_between(params.start_year, params.end_year))


def _axis(marked: pl.DataFrame, params: PeopleCurrencyParams, *, band: bool = False) -> object:
    xs = marked.get_column("x")
    first, last = float(xs.min()), float(xs.max())
    if band:  # keep the closure band in view when it overlaps the window
        first, last = min(first, max(CLOSURE[0], params.start_year)), max(last, min(CLOSURE[1], params.end_year))
    return statement_charts.year_axis(first, last)


def _band(params: PeopleCurrencyParams) -> tuple[int, int, str] | None:
    first, last = max(CLOSURE[0], params.start_year), min(CLOSURE[1], params.end_year)
    return (first, last, CLOSURE_LABEL) if first <= last else None


def _travel_chart(page: Page, travel: pl.DataFrame, travel_all: pl.DataFrame, params: PeopleCurrencyParams) -> None:
    directions = [d for d in (pc.CHINA_TO_RUSSIA, pc.RUSSIA_TO_CHINA) if d in set(travel.get_column("direction"))]
    pick = statement_charts.select_param("travel_direction", directions, statement_charts.ALL, "Direction: ")
    page.add_chart("Travellers between China and Russia, as stated (log scale)", lambda: statement_charts.statement_chart(
        travel, title="Travellers between China and Russia, each definition apart (log scale)", source_note=NOTE,
        series_domain=sorted(travel_all.get_column("series").unique().to_list()), x=_axis(travel, params, band=True),
        y_title="Persons or trips (stated, log scale)", log=True, pick=pick, pick_field="direction", band=_band(params), height=340,
        width=statement_charts.WIDTH + 180, dodge_step=0.25, qualifier_labels=False, values_in_band=True,
    ))  # fmt: skip


def _currency_chart(page: Page, bilateral: pl.DataFrame, params: PeopleCurrencyParams) -> None:
    currencies = [c for c in pc.CURRENCIES.values() if c in set(bilateral.get_column("currency"))]
    pick = statement_charts.select_param("settlement_currency", currencies, statement_charts.ALL, "Currency: ")
    page.add_chart("Currency of Russia–China settlements, as stated", lambda: statement_charts.statement_chart(
        bilateral, title="Shares of Russia–China settlements by currency, as stated (%)", source_note=NOTE,
        series_domain=_currency_domain(bilateral), x=_axis(bilateral, params),
        y_title="Share of settlements, % (stated)", y_domain=[0, 100], pick=pick, pick_field="currency", height=300,
        width=statement_charts.WIDTH + 180,
    ))  # fmt: skip


def _currency_domain(bilateral: pl.DataFrame) -> list[str]:
    """Colours in a fixed order: the currencies of settlement as a whole first, then the narrower scopes."""
    present = set(bilateral.get_column("series"))
    main = [c for c in pc.CURRENCIES.values() if c in present]
    return main + sorted(present - set(main))


def _claim_sentence(travel: pl.DataFrame) -> str:
    """The 'even closer exchanges' statement of the claims ledger beside the counts of the year before it."""
    claim = claims.parse_ledger((data_dir() / "claims.yml").read_text(encoding="utf-8")).get(CLAIM_ID)
    said_year = int(claim.said_on[:4])
    to_russia = travel.filter((pl.col("direction") == pc.CHINA_TO_RUSSIA) & (pl.col("mark") != sv.TARGET))
    year_before = to_russia.filter((pl.col("year") == said_year - 1) & pl.col("is_full_year"))
    if year_before.is_empty():
        return ""
    counts = " and ".join(f"{r['stated']} {r['definition']}" for r in year_before.sort("point").iter_rows(named=True))
    earlier = to_russia.filter(pl.col("year") == said_year - 2)
    test = (
        f"there is no count for {said_year - 2}, so whether {said_year - 1} was closer than the year before cannot be tested on "
        "these statements"
        if earlier.is_empty()
        else f"{said_year - 2} has {earlier.height} statement(s) to compare with"
    )
    return (
        f'This bears on the statement that the two sides "{claim.quote}" ({claim.speaker}, {claim.said_on}): in {said_year - 1}, the '
        f"year before, the border service counted {counts} by Chinese citizens; {test}."
    )


def _notes() -> list[str]:
    return [
        "Every figure is a statement (a page and its quote), not an official series: definitions, periods and publishers "
        "differ, so no line joins two points and no two definitions are added.",
        "Qualifiers stay: a triangle is a lower bound ('more than'; for a share it runs up to 100%, drawn as a dashed rule), "
        "a diamond an approximate figure ('about'), a square with a rule a stated range ('1.6–1.9 million'), a cross a "
        "target or forecast. Part-year figures carry their months ('Jan–Sep'), and are not full years.",
        "The shaded band marks the border closure of 2020–2022 as the workbench dates it; the shipped rows document its end "
        "(2022 counts 'under COVID restrictions', 2023 'after the lifting of anti-COVID restrictions'), not its start.",
        "Years without a statement are gaps, not zeros: nothing is drawn for them.",
        "Currency shares after 2020 are officials' statements: Russia publishes no bilateral currency split. The yuan's "
        "share of all Russian trade (Bank of Russia) is a different measure and is listed apart.",
    ]
