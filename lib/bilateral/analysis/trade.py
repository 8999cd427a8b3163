"""Headline trade indicators for a pair: turnover, exports, imports, balance and growth.

Pure functions over the `trade_headlines` table (no I/O, no drawing). The rule that turns several
cited statements per year into one headline series is documented in
docs/decisions/0002-headline-series-rule.md; in short:

1. Only outturns count: thresholds ("exceeded $190 bn") and projections are left out.
2. One basis per series where possible: the basis that covers the most years for the pair (for
   China-Russia that is Chinese customs, GAC) is preferred; years it lacks are filled from the next
   basis in that order and keep their basis label, so a mixed series is visible, never silent.
3. Within the chosen basis, the statement with the fewest consistency findings wins (rule 7), then the
   most precise figure (84.07 over 84).
4. A (year, metric) is *disputed* when two statements disagree beyond their printed precision: each
   printed figure stands for the interval it may have been rounded or cut from (146.87 agrees with
   146.88; 80.07 does not agree with 84.07; `headline_stated`). Disputes are reported, not resolved.
5. Growth is computed only between consecutive years of the same customs basis (GAC or FCS); the
   growth rate the source itself states is shown beside it, because first releases are later revised
   (GAC's 2016 release says +2.2% on a revised 2015, while the first 2015 release gives +8.3%).
7. A statement the consistency checks dispute (growth arithmetic, parts vs total, other pages, declared
   statistics) stays, marked disputed with both figures; it is never replaced by a declared or implied figure.
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis import headline_stated as stated
from bilateral.analysis import quote_language
from bilateral.analysis.declared_statements import (
    DECLARED_SUFFIX,
    statements_from_flows,  # noqa: F401  (re-exported)
)
from bilateral.analysis.labels import BASIS_LABELS, basis_label  # noqa: F401  (re-exported: one place)

SERIES_METRICS = ("turnover", "exports", "imports")
CUSTOMS_BASES = ("CN_GAC", "RU_FCS")
SWAP = {"exports": "imports", "imports": "exports"}
# Tie-break among bases that cover equally many years: customs before officials before the rest.
BASIS_KIND_RANK = {"CN_GAC": 0, "RU_FCS": 0, "CN_official": 1, "RU_official": 1, "RU_unspecified": 2, "unspecified": 3}


def pair_statements(headlines: pl.DataFrame, reporter: str, partner: str) -> pl.DataFrame:
    """Statements about the pair seen from `reporter`'s side (its exports are the partner's imports)."""
    same = headlines.filter((pl.col("reporter_iso3") == reporter) & (pl.col("partner_iso3") == partner))
    flipped = headlines.filter((pl.col("reporter_iso3") == partner) & (pl.col("partner_iso3") == reporter))
    flipped = flipped.with_columns(
        pl.lit(reporter).alias("reporter_iso3"),
        pl.lit(partner).alias("partner_iso3"),
        pl.col("metric").replace(SWAP),
    )
    return pl.concat([same, flipped]).sort("year", "metric")


def _outturns(statements: pl.DataFrame) -> pl.DataFrame:
    return statements.filter(pl.col("metric").is_in(SERIES_METRICS) & pl.col("value_usd").is_not_null())


def basis_preference(statements: pl.DataFrame, prefer: str | None = None) -> list[str]:
    """Basis codes ordered by preference: `prefer` first if given, then most years covered, customs before
    officials on ties."""
    coverage = (
        _outturns(statements)
        .group_by("basis_code")
        .agg(pl.col("year").n_unique().alias("years"))
        .with_columns(
            (pl.col("basis_code") != (prefer or "")).alias("not_preferred"),
            pl.col("basis_code").replace_strict(BASIS_KIND_RANK, default=9).alias("kind"),
        )
        .sort(["not_preferred", "years", "kind", "basis_code"], descending=[False, True, False, False])
    )
    return coverage.get_column("basis_code").to_list()


def headline_series(
    statements: pl.DataFrame, prefer: str | None = None, contested: pl.DataFrame | None = None
) -> pl.DataFrame:
    """One row per (year, metric): the chosen statement, how many statements exist, the figure as stated and
    whether (and why) it is disputed.

    `prefer` puts one basis first (e.g. the reporter's own declarations when the statements come from fetched
    statistics); otherwise the basis covering most years leads (docs/decisions/0002). `contested` is
    `consistency.disputed_statements` output: within a basis an uncontested statement is preferred to a contested
    one, and a contested statement that stays (no other of its basis) is marked disputed with the checks' reasons.
    A cell is also disputed when its statements disagree beyond their printed precision (`headline_stated`)."""
    outturns = _outturns(statements)
    if outturns.is_empty():
        return outturns.with_columns(
            pl.lit(0, pl.UInt32).alias("n_statements"),
            pl.lit(False).alias("is_disputed"),
            pl.lit(None, pl.String).alias("as_stated"),
            pl.lit(None, pl.String).alias("dispute_reason"),
            pl.lit(None, pl.String).alias("disputed_against"),
        ).clear()
    order = {code: rank for rank, code in enumerate(basis_preference(statements, prefer))}
    ranked = (
        outturns.with_columns(
            pl.col("basis_code").replace_strict(order).alias("_basis_rank"), stated.with_stated(outturns)["as_stated"]
        )
        .hstack(stated.contested_reasons(outturns, contested))
        .with_row_index("_order")
    )
    chosen = (  # within a basis: fewest consistency findings, then the most precise figure, then page order
        ranked.sort(["_basis_rank", "contested_n", "value_decimals", "_order"], descending=[False, False, True, False])
        .group_by(["year", "metric"], maintain_order=True)
        .first()
    )
    spread = (
        disputed_cells(statements)
        .group_by("year", "metric")
        .agg(
            pl.concat_str(pl.col("as_stated"), pl.lit(" ("), pl.col("publisher_named"), pl.lit(")"))
            .unique(maintain_order=True)
            .str.join(" vs ")
            .alias("_spread_reason")
        )
    )
    counts = outturns.group_by(["year", "metric"]).agg(pl.len().cast(pl.UInt32).alias("n_statements"))
    spread_text = pl.lit("statements differ beyond rounding: ") + pl.col("_spread_reason")
    return (
        chosen.drop("_basis_rank", "_order")
        .join(counts, on=["year", "metric"], how="left", validate="1:1")
        .join(spread, on=["year", "metric"], how="left", validate="1:1")
        .with_columns(
            (pl.col("_spread_reason").is_not_null() | pl.col("contested_reason").is_not_null()).alias("is_disputed"),
            pl.concat_str([pl.col("contested_reason"), spread_text], separator="; ", ignore_nulls=True)
            .replace("", None)
            .alias("dispute_reason"),
            pl.concat_str(
                [
                    pl.when(pl.col("contested_kinds").is_not_null()).then(
                        pl.lit("against ") + pl.col("contested_kinds")
                    ),
                    pl.when(pl.col("_spread_reason").is_not_null()).then(pl.lit("statements differ beyond rounding")),
                ],
                separator="; ",
                ignore_nulls=True,
            )
            .replace("", None)
            .alias("disputed_against"),
        )
        .drop("_spread_reason", "contested_reason", "contested_kinds", "contested_n")
        .sort("metric", "year")
    )


def disputed_cells(statements: pl.DataFrame) -> pl.DataFrame:
    """All statements of (year, metric) cells whose figures disagree beyond their printed precision (rounding or
    truncation, qualifiers respected; `headline_stated`), with the spread and what each disagrees with."""
    return stated.disputed_cells(_outturns(statements))


def disputed_rows(statements: pl.DataFrame, contested: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every disputed cited outturn with why, both figures named (`headline_stated.disputed_rows`)."""
    return stated.disputed_rows(_outturns(statements), contested)


def overview_table(
    series: pl.DataFrame, start_year: int, end_year: int, statements: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Wide table per year: turnover, exports, imports, balance (US$) and year-on-year growth (%), plus each
    metric as stated (`*_as_stated`; `statements` lets a missing figure name a growth rate stated without a level),
    why the year is disputed (`disputed_why`) and every basis the year uses (`basis_note`)."""
    window = series.filter(pl.col("year").is_between(start_year, end_year))
    growth = growth_series(series)
    wide = window.pivot(on="metric", index="year", values="value_usd", aggregate_function="first")
    basis = window.pivot(on="metric", index="year", values="basis_code", aggregate_function="first")
    for metric in SERIES_METRICS:
        if metric not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(metric))
        if metric not in basis.columns:
            basis = basis.with_columns(pl.lit(None, pl.String).alias(metric))
    same_basis = basis.select("year", (pl.col("exports") == pl.col("imports")).alias("_same"))
    table = (
        wide.join(same_basis, on="year", how="left", validate="1:1")
        .with_columns(
            pl.when(pl.col("_same")).then(pl.col("exports") - pl.col("imports")).alias("balance"),
        )
        .drop("_same")
        .join(
            growth.filter(pl.col("metric") == "turnover").select(
                "year",
                pl.col("growth_pct").alias("turnover_growth_pct"),
                pl.col("growth_stated_pct").alias("turnover_growth_stated_pct"),
            ),
            on="year",
            how="left",
            validate="1:1",
        )
        .join(
            basis.select(
                "year",
                pl.col("turnover").alias("turnover_basis"),
                pl.col("exports").alias("exports_basis"),
                pl.col("imports").alias("imports_basis"),
            ),
            on="year",
            how="left",
            validate="1:1",
        )
        .join(
            window.filter(pl.col("metric") == "turnover").select(
                "year", pl.col("is_disputed").alias("turnover_disputed")
            ),
            on="year",
            how="left",
            validate="1:1",
        )
        .rename(
            {"turnover": "turnover_usd", "exports": "exports_usd", "imports": "imports_usd", "balance": "balance_usd"}
        )
        .select(
            "year",
            "turnover_usd",
            "exports_usd",
            "imports_usd",
            "balance_usd",
            "turnover_growth_pct",
            "turnover_growth_stated_pct",
            "turnover_basis",
            "exports_basis",
            "imports_basis",
            "turnover_disputed",
        )
        .join(stated.stated_columns(window, statements), on="year", how="left", validate="1:1")
        .with_columns(pl.col("turnover_disputed") | pl.col("disputed_why").is_not_null())
        .sort("year")
    )
    return table


def growth_series(series: pl.DataFrame) -> pl.DataFrame:
    """Year-on-year growth per metric: computed within one customs basis, beside the rate the source states."""
    ordered = series.sort("metric", "year")
    prev = ordered.select(
        "metric",
        (pl.col("year") + 1).alias("year"),
        pl.col("value_usd").alias("_prev_value"),
        pl.col("basis_code").alias("_prev_basis"),
    )
    joined = ordered.join(prev, on=["metric", "year"], how="left", validate="1:1")
    is_customs = pl.col("basis_code").is_in(CUSTOMS_BASES) | pl.col("basis_code").str.ends_with(DECLARED_SUFFIX)
    computable = (pl.col("_prev_basis") == pl.col("basis_code")) & is_customs
    return joined.select(
        "year",
        "metric",
        pl.when(computable).then((pl.col("value_usd") / pl.col("_prev_value") - 1) * 100).alias("growth_pct"),
        pl.col("yoy_pct").alias("growth_stated_pct"),
    )


def findings(table: pl.DataFrame, reporter_name: str, partner_name: str) -> str:
    """One or two sentences computed from the overview table (never typed by hand), naming each basis."""
    turnover = table.filter(pl.col("turnover_usd").is_not_null())
    if turnover.is_empty():
        return f"No cited turnover figure for {reporter_name}–{partner_name} in the selected years."
    first, last = turnover.row(0, named=True), turnover.row(-1, named=True)
    peak = turnover.sort("turnover_usd", descending=True).row(0, named=True)
    was = "was" if _is_declared(last["turnover_basis"]) else "was stated as"  # a statement is what a page said
    text = (
        f"Trade between {reporter_name} and {partner_name} {was} US${last['turnover_usd'] / 1e9:,.1f} bn in {last['year']}"
        f" ({basis_label(last['turnover_basis'])}{_disputed(last)})"
    )
    if first["year"] != last["year"]:
        ratio = last["turnover_usd"] / first["turnover_usd"]
        text += f", {ratio:.1f} times the US${first['turnover_usd'] / 1e9:,.1f} bn of {first['year']}"
        if _disputed(first):
            text += f" ({_disputed(first).removeprefix('; ')})"
        if first["turnover_basis"] != last["turnover_basis"]:
            text += f" ({basis_label(first['turnover_basis'])}: the two years rest on different bases)"
    text += "."
    if peak["year"] != last["year"]:
        highest = (
            "The peak in this window was"
            if _is_declared(peak["turnover_basis"])
            else "The highest figure stated in this window was"
        )
        text += f" {highest} US${peak['turnover_usd'] / 1e9:,.1f} bn in {peak['year']}."
    balance = table.filter(pl.col("balance_usd").is_not_null())
    if not balance.is_empty():
        latest = balance.row(-1, named=True)
        side = "surplus" if latest["balance_usd"] > 0 else "deficit"
        amount = f"a {side} of US${abs(latest['balance_usd']) / 1e9:,.1f} bn with {partner_name}"
        ran = (
            f"{reporter_name} ran {amount}"
            if _is_declared(latest["exports_basis"])
            else f"the stated figures give {reporter_name} {amount}"
        )
        text += f" In {latest['year']} {ran} (exports and imports both: {basis_label(latest['exports_basis'])})."
    return text


def _is_declared(basis: str | None) -> bool:
    """True for a customs service's own statistics (a fetched or shipped declared series), False for statements."""
    return bool(basis) and basis.endswith(DECLARED_SUFFIX)


def _disputed(row: dict) -> str:
    """'; a disputed figure: against declared data, growth arithmetic' for a year whose turnover is disputed."""
    why = row.get("turnover_disputed_why")
    return f"; a disputed figure: {why}" if why else ""


METRIC_LABELS = {"turnover": "Turnover", "exports": "Exports", "imports": "Imports", "balance": "Balance"}


def chart_points(series: pl.DataFrame, table: pl.DataFrame, start_year: int, end_year: int) -> pl.DataFrame:
    """Long frame for charts: the headline series plus the balance, in US$ bn, with source and quote per point."""
    window = series.filter(pl.col("year").is_between(start_year, end_year))
    headline = window.select(
        "year",
        pl.col("metric").replace_strict(METRIC_LABELS).alias("metric"),
        (pl.col("value_usd") / 1e9).alias("value_usd_bn"),
        pl.col("basis_code").map_elements(basis_label, return_dtype=pl.String).alias("basis"),
        "publisher_named",
        "source_url",
        _quote_with_language(),
        "n_statements",
        "is_disputed",
        "as_stated",
        "dispute_reason",
    )
    sides = [
        window.filter(pl.col("metric") == side).select(
            "year",
            pl.col("publisher_named").alias(f"{side}_publisher"),
            pl.col("source_url").alias(f"{side}_url"),
            pl.col("basis_code").alias(f"{side}_basis"),
        )
        for side in ("exports", "imports")
    ]
    balance = (
        table.filter(pl.col("balance_usd").is_not_null())
        .select("year", "balance_usd")
        .join(sides[0], on="year", how="left", validate="1:1")
        .join(sides[1], on="year", how="left", validate="1:1")
        .select(
            "year",
            pl.lit("Balance").alias("metric"),
            (pl.col("balance_usd") / 1e9).alias("value_usd_bn"),
            pl.col("exports_basis").map_elements(basis_label, return_dtype=pl.String).alias("basis"),
            pl.concat_str(pl.col("exports_publisher"), pl.lit(" / "), pl.col("imports_publisher")).alias(
                "publisher_named"
            ),
            pl.concat_str(pl.col("exports_url"), pl.lit(" ; "), pl.col("imports_url")).alias("source_url"),
            pl.concat_str(
                pl.lit("Exports minus imports: exports from "),
                pl.col("exports_url"),
                pl.lit("; imports from "),
                pl.col("imports_url"),
            ).alias("quote"),
            pl.lit(2, pl.UInt32).alias("n_statements"),
            pl.lit(False).alias("is_disputed"),
            (pl.col("balance_usd") / 1e9)
            .map_elements(lambda v: f"{v:,.2f}", return_dtype=pl.String)
            .alias("as_stated"),
            pl.lit(None, pl.String).alias("dispute_reason"),
        )
    )
    return pl.concat([headline, balance]).sort("metric", "year")


def statement_points(statements: pl.DataFrame, start_year: int, end_year: int) -> pl.DataFrame:
    """Every cited outturn in the window (not only the chosen one), for showing disagreement; `as_stated` is the
    figure as the page printed it, with its qualifier ("around 29"), for tooltips."""
    return (
        stated.with_stated(_outturns(statements))
        .filter(pl.col("year").is_between(start_year, end_year))
        .select(
            "year",
            pl.col("metric").replace_strict(METRIC_LABELS).alias("metric"),
            (pl.col("value_usd") / 1e9).alias("value_usd_bn"),
            pl.col("basis_code").map_elements(basis_label, return_dtype=pl.String).alias("basis"),
            "publisher_named",
            "source_url",
            _quote_with_language(),
            "as_stated",
        )
    )


def _quote_with_language() -> pl.Expr:
    """The quote for a tooltip, with "(original in Russian; no translation given by the source)" when it is not in
    English (`quote_language`): never an untranslated line without a word of why."""
    return pl.col("quote").map_elements(quote_language.with_note, return_dtype=pl.String).alias("quote")


def covered_pairs(headlines: pl.DataFrame) -> list[tuple[str, str]]:
    """Pairs (either orientation) with at least one outturn in the headline table."""
    pairs = _outturns(headlines).select("reporter_iso3", "partner_iso3").unique().sort("reporter_iso3", "partner_iso3")
    return [(row[0], row[1]) for row in pairs.iter_rows()]


def no_data_message(
    reporter_name: str, partner_name: str, start_year: int, end_year: int, covered: list[tuple[str, str]]
) -> str:
    """A polite report section for a pair or window without cited figures, saying what is available."""
    available = ", ".join(f"{a}–{b}" for a, b in covered) or "none"
    return (
        f"### No cited figures for {reporter_name}–{partner_name}, {start_year}–{end_year}\n\n"
        f"The shipped headline data has no turnover, export or import figure for this pair in these years, so this "
        f"report shows no chart rather than an empty one. Pairs with cited figures: {available} "
        f"(either direction). For other pairs, the `product_lens` report works on official statistics fetched with "
        f"`bilateral data fetch comtrade` (or `imf`, `baci`), e.g. "
        f"`bilateral report run product_lens -p reporter=... -p partner=... -p lens=energy -p source=comtrade`."
    )
