"""Investment statements, read as what they are: portfolios under consideration, realised amounts, and
"investment" figures on bases that differ tenfold.

The registry's `investment_statements` mix four things that must never be added or joined into one line:
the intergovernmental commission's portfolio *under consideration* (projects and US$ bn), amounts stated as
*realised* (implemented projects, the funds' own investment), levels of Chinese "investment" in Russia on
different bases (a Bank of Russia FDI position, officials' "direct investment", an ambassador's broad
accumulated figure), and growth rates. `split_investment` sorts every row into one of these (or `other`), each
metric into a labelled series; the findings functions write sentences from the stated values only.
Pure functions on polars frames; no I/O.
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis import stated_values as sv

PORTFOLIO = "Portfolio under consideration"
PORTFOLIO_SERIES: dict[str, str] = {
    "igc_investment_portfolio_value": PORTFOLIO,
    "igc_investment_portfolio_projects": PORTFOLIO,
    "igc_priority_projects": "Priority projects (2016 list)",
    "igc_priority_projects_value": "Priority projects (2016 list)",
    "igc_significant_projects": "'Significant' projects within the portfolio",
    "igc_projects_implemented_value": "Implemented with the commission's help",
    "rdif_rcif_invested_in_igc_projects": "Invested by RDIF and RCIF themselves",
    "rdif_chinese_partner_projects_value": "RDIF with Chinese partners, cumulative",
}
REALISED_METRICS = frozenset({
    "igc_projects_implemented_value", "rdif_rcif_invested_in_igc_projects", "rdif_chinese_partner_projects_value",
})  # fmt: skip

# One label per basis: a colour on the chart, never one line.
LEVEL_SERIES: dict[str, str] = {
    "china_fdi_stock_in_russia": "FDI position, Bank of Russia balance of payments",
    "china_fdi_in_russia": "'Direct investment', Chinese officials, stock or flow not stated",
    "china_investment_in_russia": "'Investment', Chinese official, basis not stated",
    "china_investment_in_russia_accumulated": "Accumulated 'investment', Russian ambassador, broad",
    "china_investment_in_russia_accumulated_projection": "Accumulated 'investment', Russian ambassador, broad",
    "china_investment_in_russian_far_east_projects": "Far East projects only, Russian ministry source",
    "china_investment_in_eaeu": "Whole EAEU, MOFCOM",
}
GROWTH_SERIES: dict[str, str] = {
    "china_odi_to_russia_yoy_pct": "China's direct investment in Russia (MOFCOM)",
    "china_fdi_in_russia_yoy_pct": "China's direct investment in Russia (Bank of Russia)",
    "china_all_industry_odi_to_russia_yoy_pct": "China's all-industry direct investment in Russia (MOFCOM)",
    "china_nonfinancial_odi_to_russia_yoy_pct": "China's non-financial direct investment in Russia (MOFCOM)",
}
PARTIAL_SCOPE_METRICS = frozenset({"china_investment_in_russian_far_east_projects", "china_investment_in_eaeu"})


def humanise(metric: str) -> str:
    """A readable label for a metric no table names: 'china_new_thing' -> 'China new thing'."""
    text = metric.replace("_", " ")
    return text[:1].upper() + text[1:]


def split_investment(investment: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Every statement row in exactly one part: portfolio, levels, growth or other (each with a `series` label).

    portfolio: metrics starting igc_ or rdif_, with `measure` ('projects' or 'US$ bn', from the unit) and
    `is_realised`; levels: China-to-Russia (or EAEU) amounts in US$ bn, with `is_partial_scope`; growth:
    metrics ending _yoy_pct (percent changes of a flow); other: anything else, so no row is dropped unseen.
    """
    metric = pl.col("metric")
    is_portfolio = metric.str.starts_with("igc_") | metric.str.starts_with("rdif_")
    is_growth = metric.str.ends_with("_yoy_pct")
    is_level = metric.str.starts_with("china_") & pl.col("unit").str.starts_with("US$ bn") & ~is_growth

    def label(table):
        return (
            metric.replace_strict(table, default=None)
            .fill_null(  # noqa: E731
                metric.map_elements(humanise, return_dtype=pl.String)
            )
            .alias("series")
        )

    portfolio = investment.filter(is_portfolio).with_columns(
        label(PORTFOLIO_SERIES),
        pl.when(pl.col("unit").str.starts_with("projects"))
        .then(pl.lit("projects"))
        .otherwise(pl.lit("US$ bn"))
        .alias("measure"),
        metric.is_in(list(REALISED_METRICS)).alias("is_realised"),
    )
    levels = investment.filter(is_level).with_columns(
        label(LEVEL_SERIES), metric.is_in(list(PARTIAL_SCOPE_METRICS)).alias("is_partial_scope")
    )
    growth = investment.filter(is_growth).with_columns(label(GROWTH_SERIES))
    other = investment.filter(~is_portfolio & ~is_level & ~is_growth).with_columns(
        metric.map_elements(humanise, return_dtype=pl.String).alias("series")
    )
    return {"portfolio": portfolio, "levels": levels, "growth": growth, "other": other}


def _usd(text: str) -> str:
    """'more than 10' -> 'more than US$10 bn'."""
    words, _, number = text.rpartition(" ")
    return f"{words + ' ' if words else ''}US${number} bn"


def _lower_first(label: str) -> str:
    """'Implemented with ...' -> 'implemented with ...'; an acronym ('RDIF with ...') stays as it is."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _projects(text: str) -> str:
    return f"{text} projects"


def portfolio_findings(marked: pl.DataFrame) -> str:
    """Sentences on the commission's portfolio from `split_investment(...)["portfolio"]` with `stated_marks` columns.

    Lists each period's stated size (projects and value, per page), then the realised amounts, then the change
    between the first and the last *exactly* stated portfolio values (qualified values give no growth rate).
    """
    if marked.is_empty():
        return ""
    sentences = []
    under = marked.filter(pl.col("series") == PORTFOLIO).sort("period_end", "source_url")
    if not under.is_empty():
        parts = []
        for (_period, _url), rows in under.group_by(["period", "source_url"], maintain_order=True):
            sizes = {r["measure"]: r["stated"] for r in rows.iter_rows(named=True)}
            said = ", ".join(filter(None, [
                sizes.get("projects") and _projects(sizes["projects"]), sizes.get("US$ bn") and _usd(sizes["US$ bn"]),
            ]))  # fmt: skip
            parts.append(f"{said} ({rows['period_label'][0]}, {rows['publisher_named'][0]})")
        sentences.append(
            "The investment commission's portfolio *under consideration* was stated as " + "; ".join(parts) + "."
        )
        exact = under.filter((pl.col("measure") == "US$ bn") & (pl.col("mark") == sv.EXACT)).sort("period_end")
        if exact.height >= 2 and exact["x"][0] != exact["x"][-1]:
            first, last = exact.row(0, named=True), exact.row(-1, named=True)
            sentences.append(
                f"Between the first and last values stated without a qualifier, US${sv.format_number(first['point'])} bn "
                f"({first['period_label']}) and US${sv.format_number(last['point'])} bn ({last['period_label']}), the stated value grew "
                f"{last['point'] / first['point']:.2f} times."
            )
    realised = marked.filter(pl.col("is_realised")).sort("period_end")
    if not realised.is_empty():
        sentences.append(
            "Amounts stated as realised, listed apart — "
            + "; ".join(
                f"{_lower_first(r['series'])}: {_usd(r['stated'])} ({r['period_label']})"
                for r in realised.iter_rows(named=True)
            )
            + ". A portfolio under consideration is not investment made."
        )
    return " ".join(sentences)


def levels_findings(marked: pl.DataFrame) -> str:
    """How far apart the stated levels of Chinese investment in Russia are, by basis (whole-Russia scope only).

    Names the lowest and highest statement in the frame with their basis and period, and the ratio of the two
    numbers; a forecast is left out (it is not an outturn). Empty when fewer than two bases are present.
    """
    whole = marked.filter(~pl.col("is_partial_scope") & (pl.col("mark") != sv.TARGET) & pl.col("point").is_not_null())
    if whole.get_column("series").n_unique() < 2:
        return ""
    low, high = whole.sort("point").row(0, named=True), whole.sort("point").row(-1, named=True)
    return (
        f"Stated levels of Chinese investment in Russia run from {_usd(low['stated'])} ({low['series']}; {low['period_label']}) to "
        f"{_usd(high['stated'])} ({high['series']}; {high['period_label']}), {high['point'] / low['point']:.1f} times apart: "
        f"{whole.get_column('series').n_unique()} different bases in {whole.height} statements, none of them an annual FDI series. "
        "They are drawn apart and never added or joined."
    )


# --- development-finance loans (BU GDP Center, China's Global Energy Finance) ---------------------------------

ALL = "all"


def filter_loans(
    loans: pl.DataFrame, *, lender: str = ALL, sector: str = ALL, start_year: int, end_year: int
) -> pl.DataFrame:
    """Loans of one lender and energy source ('all' = no filter) in the years given (inclusive)."""
    keep = pl.col("year").is_between(start_year, end_year)
    if lender != ALL:
        keep &= pl.col("lender") == lender
    if sector != ALL:
        keep &= pl.col("energy_source") == sector
    return loans.filter(keep)


def borrower_totals(loans: pl.DataFrame) -> pl.DataFrame:
    """Lending per borrower (country_name; a binational project is its own borrower, never split): amount_usd,
    loans, share_pct of all lending in `loans`, rank (1 = largest, ties share a rank), largest first."""
    total = loans.get_column("amount_usd").sum()
    return (
        loans.group_by("country_name")
        .agg(pl.col("country_iso3").first(), pl.col("amount_usd").sum(), pl.len().alias("loans"))
        .with_columns(
            (pl.col("amount_usd") / total * 100).alias("share_pct"),
            pl.col("amount_usd").rank("min", descending=True).cast(pl.Int32).alias("rank"),
        )
        .sort("amount_usd", "country_name", descending=[True, False])
    )


def loans_by_year(loans: pl.DataFrame) -> pl.DataFrame:
    """amount_usd and number of loans per year (only years with a loan: a year without one has no row)."""
    return loans.group_by("year").agg(pl.col("amount_usd").sum(), pl.len().alias("loans")).sort("year")


def loans_by(loans: pl.DataFrame, column: str) -> pl.DataFrame:
    """amount_usd and number of loans per value of `column` (lender, energy_source, ...), largest first."""
    summed = loans.group_by(column).agg(pl.col("amount_usd").sum(), pl.len().alias("loans"))
    return summed.sort("amount_usd", column, descending=[True, False])


def bn_text(amount_usd: float) -> str:
    return f"US${amount_usd / 1e9:,.2f} bn"


def loans_findings(selected: pl.DataFrame, country_iso3: str, country: str, what: str, span: tuple[int, int]) -> str:
    """Sentences on the loans to one country within `selected` (already filtered by lender, source and years).

    `what` names the filter for the text ("energy loans", "CDB's oil loans"); `span` is the years the data
    cover within the window. Ranks the country among all borrowers in `selected`, lists its loans by year and
    the largest loan, and says when there are none.
    """
    years = f"{span[0]}–{span[1]}" if span[0] != span[1] else str(span[0])
    here = selected.filter(pl.col("country_iso3") == country_iso3)
    if here.is_empty():
        return f"The database lists no {what} to {country} in {years}."
    totals = borrower_totals(selected)
    mine = totals.filter(pl.col("country_iso3") == country_iso3).row(0, named=True)
    others = totals.filter(pl.col("country_iso3").ne_missing(country_iso3))
    if mine["rank"] == 1:
        place = "more than any other borrower" + (
            f" (next: {others['country_name'][0]}, {bn_text(others['amount_usd'][0])})" if others.height else ""
        )
    else:
        place = f"rank {mine['rank']} (largest: {others['country_name'][0]}, {bn_text(others['amount_usd'][0])})"
    sentences = [
        f"China's two policy banks made {mine['loans']} {what} to {country} in {years}, {bn_text(mine['amount_usd'])} in all: "
        f"{mine['share_pct']:.1f}% of the {bn_text(selected['amount_usd'].sum())} they lent to {totals.height} borrowers, {place}."
    ]
    per_year = loans_by_year(here)
    sentences.append("By year: " + ", ".join(
        f"{r['year']} {bn_text(r['amount_usd'])} ({r['loans']} loan{'s' if r['loans'] > 1 else ''})" for r in per_year.iter_rows(named=True)
    ) + "; no other year has a loan.")  # fmt: skip
    big = here.sort("amount_usd", descending=True).row(0, named=True)
    sentences.append(
        f"The largest was {bn_text(big['amount_usd'])} to {big['borrower'] or 'an unnamed borrower'} ({big['year']}, {big['lender']}, "
        f"{big['energy_source']}: {big['description']})."
    )
    by_lender = loans_by(here, "lender")
    if by_lender.height > 1:
        parts = [f"{r['lender']} {bn_text(r['amount_usd'])}" for r in by_lender.iter_rows(named=True)]
        sentences.append("By lender: " + ", ".join(parts) + ".")
    return " ".join(sentences)
