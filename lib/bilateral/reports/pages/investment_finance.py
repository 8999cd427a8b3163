"""Build the investment_finance report: the commission's portfolio, investment statements by basis, and the
Chinese policy banks' energy loans (BU GDP Center), each with what its source does and does not cover.

Statements (cooperation registry: page and quote per figure) are China-Russia only; the loans data cover any
borrower, so another `country` gets its loans and the borrowers' comparison, and says the statements are absent.
Nothing is added across bases: the portfolio under consideration, realised amounts, FDI-type levels and loans
are drawn and tabled apart.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from bilateral.analysis import investment as inv
from bilateral.analysis import stated_values as sv
from bilateral.data import catalog
from bilateral.data.countries import country_name
from bilateral.reports.pages import Page, latest_statement, method_text
from bilateral.reports.params import InvestmentFinanceParams
from bilateral.viz import finance_charts, statement_charts, tables, theme
from bilateral.viz.statement_tables import statements_table

STATEMENTS_ABOUT = "RUS"  # the registry's investment statements are about China-Russia only
TOP_BORROWERS = 12
LOANS_LABEL = "Boston University GDP Center, China's Global Energy Finance (2020 copy)"
STATEMENT_NOTE = (
    "Source: cited pages (cooperation registry); page and quote in each tooltip. Points are statements, never joined."
)


def build(params: InvestmentFinanceParams) -> Page:
    country = country_name(params.country)
    page = Page(
        title=params.title(), answer="", has_data=False, sources=[catalog.citation(f) for f in params.sources()]
    )
    page.method = method_text("investment_finance")
    answers = []
    if params.country == STATEMENTS_ABOUT:
        answers += _add_statements(page, params)
    else:
        answers.append(
            f"The cited investment statements are about China and Russia only; for {country} this page shows the loans data."
        )
    answers.append(_add_loans(page, params, country))
    page.answer = "\n\n".join(a for a in answers if a)
    page.tables["What each source covers, and what it does not"] = _coverage_table(params)
    page.notes = _notes()
    return page


def _statement_parts(params: InvestmentFinanceParams) -> dict[str, pl.DataFrame]:
    rows = catalog.load("investment_statements").filter(pl.col("year").is_between(params.start_year, params.end_year))
    return {name: sv.stated_marks(part) for name, part in inv.split_investment(rows).items()}


def _domain(rows: pl.DataFrame, order: list[str]) -> list[str]:
    """Series labels for a colour scale: the known ones in their table's order (the main series first), then any other."""
    present = set(rows.get_column("series"))
    return [s for s in order if s in present] + sorted(present - set(order))


def _x_axis(*frames: pl.DataFrame) -> alt.X:
    xs = pl.concat([f.select("x") for f in frames]).get_column("x")
    return statement_charts.year_axis(float(xs.min()), float(xs.max()))


def _portfolio_chart(portfolio: pl.DataFrame, domain: list[str]) -> alt.VConcatChart:
    """The commission's stated portfolio: US$ bn above, number of projects below, one colour per series."""
    x = _x_axis(portfolio)
    value = statement_charts.statement_layers(portfolio.filter(pl.col("measure") == "US$ bn"), series_domain=domain, x=x,
                                              y_title="US$ bn (stated)", height=220)  # fmt: skip
    count = statement_charts.statement_layers(portfolio.filter(pl.col("measure") == "projects"), series_domain=domain, x=x,
                                              y_title="Projects (stated)", height=160)  # fmt: skip
    both = alt.vconcat(value, count).resolve_scale(color="shared", shape="shared")
    return theme.fit_width(both.properties(
        title=theme.title("Russian–Chinese intergovernmental investment commission: portfolio (US$ bn) and projects",
                          source=STATEMENT_NOTE, years=statement_charts.statement_years(portfolio))
    ))  # fmt: skip


def _add_statements(page: Page, params: InvestmentFinanceParams) -> list[str]:
    """Portfolio and investment-level charts and tables; returns the finding paragraphs."""
    parts = _statement_parts(params)
    portfolio, levels, growth = parts["portfolio"], parts["levels"], parts["growth"]
    if portfolio.is_empty() and levels.is_empty() and growth.is_empty():
        years = (
            str(params.start_year) if params.start_year == params.end_year else f"{params.start_year}–{params.end_year}"
        )
        return [f"No investment statement falls in {years}."]
    page.has_data = True
    stated_portfolio = portfolio.filter((pl.col("series") == inv.PORTFOLIO) & (pl.col("measure") == "US$ bn"))
    portfolio_number = latest_statement(
        stated_portfolio, "Investment commission's portfolio under consideration", "US$ bn"
    )
    page.key_numbers = [portfolio_number] if portfolio_number else []
    all_rows = inv.split_investment(
        catalog.load("investment_statements")
    )  # colour domains from every row: stable colours
    if not portfolio.is_empty():
        domain = _domain(all_rows["portfolio"], list(dict.fromkeys(inv.PORTFOLIO_SERIES.values())))
        page.add_chart("The investment commission's portfolio, as stated", lambda: _portfolio_chart(portfolio, domain))
        page.tables["The commission's portfolio and realised amounts, as stated"] = statements_table(
            portfolio.sort("period_end", "series")
        )
    if not levels.is_empty():
        domain = _domain(all_rows["levels"], list(dict.fromkeys(inv.LEVEL_SERIES.values())))
        page.add_chart("Chinese investment in Russia: statements by basis", lambda: statement_charts.statement_chart(
            levels, title="Chinese investment in Russia as stated, by basis (never one series)", source_note=STATEMENT_NOTE,
            series_domain=domain, x=_x_axis(levels), y_title="US$ bn (stated)", value_format=",.0f",
        ))  # fmt: skip
        page.tables["Investment levels by basis, as stated"] = statements_table(levels.sort("series", "period_end"))
    if not growth.is_empty():
        page.tables["Growth rates, as stated (percent change on a year earlier)"] = statements_table(
            growth.sort("period_end"),
            intro="Each rate is for the period and measure its page named (MOFCOM's non-financial or all-industry direct investment, "
            "the Bank of Russia's direct investment): rates of different measures are not one series.",
        )
    if not parts["other"].is_empty():
        page.tables["Other investment statements"] = statements_table(parts["other"])
    return [inv.portfolio_findings(portfolio), inv.levels_findings(levels)]


def _span(params: InvestmentFinanceParams, loans: pl.DataFrame) -> tuple[int, int] | None:
    """The years of the window that the loans data cover, or None when they do not overlap."""
    first = max(params.start_year, int(loans.get_column("year").min()))
    last = min(params.end_year, int(loans.get_column("year").max()))
    return (first, last) if first <= last else None


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _what(params: InvestmentFinanceParams) -> str:
    lender = "" if params.lender == inv.ALL else f"{params.lender} "
    sector = "energy" if params.sector == inv.ALL else params.sector.lower().replace("gas/lng", "gas and LNG")
    return f"{lender}{sector} loans"


def _add_loans(page: Page, params: InvestmentFinanceParams, country: str) -> str:
    """Loans charts and tables; returns the finding paragraph."""
    loans = catalog.load("china_energy_finance")
    span = _span(params, loans)
    if span is None:
        return f"The loans data cover {loans['year'].min()}–{loans['year'].max()} only, outside {params.start_year}–{params.end_year}."
    in_window = inv.filter_loans(loans, start_year=span[0], end_year=span[1])
    selected = inv.filter_loans(
        in_window, lender=params.lender, sector=params.sector, start_year=span[0], end_year=span[1]
    )
    page.has_data = True
    bu_name = loans.filter(pl.col("country_iso3") == params.country).get_column("country_name")[0]
    note = f"Source: {LOANS_LABEL}. Loans by China Development Bank and China Ex-Im Bank, current US$."
    mine = in_window.filter(pl.col("country_iso3") == params.country)
    initial_lender = finance_charts.ALL if params.lender == inv.ALL else params.lender
    page.add_chart(f"Policy-bank energy loans to {country} by year", lambda: finance_charts.loans_by_year_chart(
        mine, list(range(span[0], span[1] + 1)), sorted(loans["lender"].unique().to_list()), initial_lender,
        title=f"Chinese policy-bank energy loans to {country}, {span[0]}–{span[1]} (one segment per loan)", source_note=note,
    ))  # fmt: skip
    initial_sector = finance_charts.ALL if params.sector == inv.ALL else params.sector
    page.add_chart("For scale: China's energy loans by borrower", lambda: finance_charts.borrowers_chart(
        in_window if params.lender == inv.ALL else in_window.filter(pl.col("lender") == params.lender), bu_name,
        sorted(loans["energy_source"].unique().to_list()), initial_sector, top=TOP_BORROWERS,
        title=f"{_sentence_case(_what(params))} by borrower, {span[0]}–{span[1]}: the {TOP_BORROWERS} largest, {country} in red",
        source_note=note,
    ))  # fmt: skip
    chosen = selected.filter(pl.col("country_iso3") == params.country).sort(
        "year", "amount_usd", descending=[False, True]
    )
    if chosen.height:
        page.tables[f"{_sentence_case(_what(params))} to {country}, {span[0]}–{span[1]}"] = tables.Table(
            chosen, {"year": "Year", "borrower": "Borrower", "lender": "Lender", "energy_source": "Energy source",
                     "energy_subsector": "Subsector", "amount_usd": "US$ bn", "description": "Project"},
            {"amount_usd": tables.usd_bn, "description": lambda v: tables.shorten(v, 60)},
        )  # fmt: skip
    totals = inv.borrower_totals(selected)
    shown = totals.filter((pl.col("rank") <= 10) | (pl.col("country_iso3") == params.country))
    page.tables[f"Largest borrowers of {_what(params)}, {span[0]}–{span[1]}"] = tables.Table(
        shown, {"rank": "Rank", "country_name": "Borrower", "loans": "Loans", "amount_usd": "US$ bn", "share_pct": "Share %"},
        {"amount_usd": tables.usd_bn, "share_pct": tables.pct_plain},
        intro=f"Of {totals.height} borrowers in all; a binational project is its own borrower (never split).",
    )  # fmt: skip
    related = selected.filter(pl.col("russia_related") & pl.col("country_iso3").ne_missing("RUS"))
    finding = inv.loans_findings(selected, params.country, country, _what(params), span)
    if params.country == STATEMENTS_ABOUT and related.height:
        finding += (
            " Not counted here: "
            + "; ".join(
                f"{r['description']} ({r['country_name']}, {r['year']}, {inv.bn_text(r['amount_usd'])})"
                for r in related.iter_rows(named=True)
            )
            + ", a loan to another country that mentions Russia."
        )
    return finding


def _coverage_table(params: InvestmentFinanceParams) -> tables.Table:
    """One row per source: what it is, the years it has, what it does not cover (from docs/data.md and PROVENANCE)."""
    statements = inv.split_investment(catalog.load("investment_statements"))
    loans = catalog.load("china_energy_finance")

    def years(frame: pl.DataFrame) -> str:
        column = frame.get_column("year")
        return f"{column.min()}–{column.max()} ({frame.height} statements, {column.n_unique()} years)"

    rows = [
        ("Commission portfolio (cooperation registry)", "Projects and value under consideration by the Russian–Chinese "
         "intergovernmental investment commission, and amounts stated as realised, as officials put them", years(statements["portfolio"]),
         "Investment made or disbursed; a project list; an annual series (statements come from meetings, some in machine translation or reposts)"),
        ("Investment statements (cooperation registry)", "Levels and growth rates of Chinese investment in Russia stated by "
         "officials, ambassadors and the Bank of Russia", years(pl.concat([statements["levels"].select("year"), statements["growth"].select("year")])),
         "An annual FDI series on one basis (MOFCOM's outward FDI bulletin was not found in quoted form); Russia's direct "
         "investment in China (nothing citable); figures on one basis to compare across years"),
        ("China's Global Energy Finance (BU GDP Center, 2020 copy)", "Loans by China Development Bank and China Ex-Im Bank "
         "to energy projects abroad, one row per loan, current US$", f"{loans['year'].min()}–{loans['year'].max()} ({loans.height} loans)",
         "FDI or equity; other lenders (commercial banks, funds); non-energy loans; anything after 2019 (BU has revised the database since)"),
    ]  # fmt: skip
    frame = pl.DataFrame(rows, schema=["source", "what", "years", "not"], orient="row")
    return tables.Table(
        frame, {"source": "Source", "what": "What it is", "years": "Years held", "not": "What it does not cover"}
    )


def _notes() -> list[str]:
    return [
        "A portfolio 'under consideration' is a list of proposals discussed by the commission, not investment made; "
        "amounts stated as realised are drawn and listed as their own series.",
        "Investment levels come on different bases (a Bank of Russia FDI position; officials' 'direct investment' without "
        "saying stock or flow; an ambassador's broad accumulated 'investment'): they are drawn in different colours, never "
        "added, never joined into a line, and their spread is itself a finding.",
        "Shapes keep the page's qualifier: a triangle is a lower bound ('more than'), a diamond an approximate figure "
        "('about'), a cross a forecast; part-year figures are labelled with their months.",
        "The loans are energy loans by two policy banks only (BU GDP Center, 2020 copy): they are not FDI, and years "
        "without a loan have no bar (no zero is filled in). The same loans appear as facts in the projects registry "
        "(ESPO spur 2009, Yamal LNG 2016, Arctic LNG 2): never add the two.",
    ]
