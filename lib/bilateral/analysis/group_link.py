"""A country's trade with a group (China with the EAEU), as a total and as the members' split.

Two inputs give the same output shape, one row per year and member with `turnover_usd`:
- fetched statistics (`trade_flows`, any source): the reporter's declared exports plus imports at the
  all-products level, per member;
- cited statements (pages quoting customs or officials): one figure per member and year chosen by a
  stated rule, every statement kept for the disagreement table.
The group total is the sum over the members that have a figure, and says how many that is: a total over
four of five members is labelled as such, never passed off as the group's.
"""

from __future__ import annotations

import polars as pl

MEMBER_SCHEMA = {
    "year": pl.Int32,
    "partner_iso3": pl.String,
    "turnover_usd": pl.Float64,
    "qualifier": pl.String,  # "nearly", "almost" ... as the page worded it; null for exact and declared figures
    "is_reporter_side": pl.Boolean,  # the reporter's own statistics (declared data, or China-side for China)
    "basis": pl.String,
    "source_url": pl.String,
}


def turnover_from_flows(
    flows: pl.DataFrame, reporter: str, members: list[str], start_year: int, end_year: int
) -> pl.DataFrame:
    """Exports + imports declared by `reporter` with each member, all products, annual rows only.

    A year where only one direction is reported is left out for that member (half a turnover is not a
    turnover).
    """
    rows = flows.filter(
        (pl.col("reporter_iso3") == reporter)
        & (pl.col("reported_by") == reporter)
        & pl.col("partner_iso3").is_in(members)
        & (pl.col("hs_level") == 0)
        & (pl.col("period").str.len_chars() == 4)
        & pl.col("year").is_between(start_year, end_year)
        & pl.col("value_usd").is_not_null()
    )
    return (
        rows.group_by("year", "partner_iso3")
        .agg(
            pl.col("value_usd").sum().alias("turnover_usd"),
            pl.col("flow").n_unique().alias("_directions"),
            pl.lit(f"{reporter}_declared").alias("basis"),  # whose figure: the reporter's declarations
            pl.concat_str(pl.lit("snapshot "), pl.col("dataset_version").first()).alias("source_url"),
        )
        .filter(pl.col("_directions") == 2)
        .drop("_directions")
        .with_columns(pl.lit(None, pl.String).alias("qualifier"), pl.lit(True).alias("is_reporter_side"))
        .select(list(MEMBER_SCHEMA))
        .cast(MEMBER_SCHEMA)
        .sort("year", "partner_iso3")
    )


def group_totals(member_turnover: pl.DataFrame, members: list[str]) -> pl.DataFrame:
    """Per year: sum over members with a figure, how many members that is, and whether the group is complete."""
    return (
        member_turnover.group_by("year")
        .agg(
            pl.col("turnover_usd").sum().alias("members_turnover_usd"),
            pl.col("partner_iso3").n_unique().alias("members_covered"),
            pl.col("partner_iso3").sort().str.join(", ").alias("members_listed"),
        )
        .with_columns((pl.col("members_covered") == len(members)).alias("is_complete"))
        .sort("year")
    )


def member_shares(member_turnover: pl.DataFrame, totals: pl.DataFrame) -> pl.DataFrame:
    """Each member's share of the covered total (only meaningful where `is_complete`)."""
    return (
        member_turnover.join(
            totals.select("year", "members_turnover_usd", "is_complete"), on="year", how="left", validate="m:1"
        )
        .with_columns((pl.col("turnover_usd") / pl.col("members_turnover_usd") * 100).alias("share_pct"))
        .sort("year", "partner_iso3")
    )


def group_findings(
    totals: pl.DataFrame, shares: pl.DataFrame, reporter_name: str, group: str, member_names: dict[str, str]
) -> str:
    """Sentences computed from the totals: the latest complete year, else the latest best-covered year."""
    if totals.is_empty():
        return ""
    complete = totals.filter(pl.col("is_complete"))
    best = (
        totals.sort(["members_covered", "year"], descending=True)
        if complete.is_empty()
        else complete.sort("year", descending=True)
    )
    row = best.row(0, named=True)
    year = row["year"]
    top = shares.filter(pl.col("year") == year).sort("turnover_usd", descending=True).row(0, named=True)
    names = ", ".join(member_names.get(code, code) for code in row["members_listed"].split(", "))
    scope = f"all {row['members_covered']} members" if row["is_complete"] else f"the members with a figure ({names})"
    text = (
        f"In {year}, {reporter_name}'s trade with the {group} came to US${row['members_turnover_usd'] / 1e9:,.1f} bn over {scope}; "
        f"{member_names.get(top['partner_iso3'], top['partner_iso3'])} accounted for {top['share_pct']:.0f}% of it."
    )
    year_rows = shares.filter(pl.col("year") == year)
    other_side = [
        member_names.get(c, c) for c in year_rows.filter(~pl.col("is_reporter_side")).get_column("partner_iso3")
    ]
    approximate = [
        member_names.get(c, c) for c in year_rows.filter(pl.col("qualifier").is_not_null()).get_column("partner_iso3")
    ]
    if other_side:
        text += f" The figures for {_join(other_side)} are not the reporter's own statistics (partner-side or basis not stated)."
    if approximate:
        text += f" The figures for {_join(approximate)} are approximate as stated (e.g. 'nearly')."
    if complete.is_empty():
        text += f" No year in the selection has a figure for every member, so no total for the whole {group} is given."
    return text


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# Bases that state China-side data. Written out explicitly: notes such as "magnitude matches Chinese-side
# data" describe a partner-side figure and must not match.
CHINESE_SIDE = r"^CN_GAC\b|citing Chinese data|\(Chinese-side data\)"


def turnover_from_statements(russia_turnover: pl.DataFrame, registry: pl.DataFrame, members: list[str]) -> pl.DataFrame:
    """One cited full-year turnover per member and year, China's side preferred (docs/decisions/0003).

    `russia_turnover`: the headline series rows for China-Russia turnover (year, value_usd, basis, source_url),
    already chosen by the headline rule. `registry`: cited member statements (load_eaeu_trade). For other
    members the figure is, in order of preference: one whose basis names Chinese-side data (the reporter's
    own customs, like GAC for Russia), one stated without a qualifier ("nearly", "more than"), the first.
    """
    statements = member_statements(registry, members).with_columns(
        pl.col("basis").str.contains(CHINESE_SIDE).alias("_chinese"),
        pl.col("qualifier").is_null().alias("_exact"),
    )
    chosen = (
        statements.sort(["_chinese", "_exact"], descending=True)
        .group_by("year", "partner_iso3", maintain_order=True)
        .first()
        .select(
            "year",
            "partner_iso3",
            pl.col("value_usd").alias("turnover_usd"),
            "qualifier",
            pl.col("_chinese").fill_null(False).alias("is_reporter_side"),
            "basis",
            "source_url",
        )
    )
    russia = russia_turnover.select(
        "year",
        pl.lit("RUS").alias("partner_iso3"),
        pl.col("value_usd").alias("turnover_usd"),
        pl.lit(None, pl.String).alias("qualifier"),
        pl.lit(True).alias("is_reporter_side"),
        "basis",
        "source_url",
    )
    frames = [chosen, russia] if "RUS" in members else [chosen]
    return pl.concat([f.cast(MEMBER_SCHEMA) for f in frames]).sort("year", "partner_iso3")


def member_statements(registry: pl.DataFrame, members: list[str]) -> pl.DataFrame:
    """Every cited full-year turnover outturn of a member (thresholds, targets and part-years left out)."""
    return registry.filter(
        (pl.col("metric") == "turnover")
        & pl.col("is_full_year")
        & ~pl.col("is_target_or_threshold")
        & pl.col("partner_iso3").is_in(members)
        & pl.col("value_usd").is_not_null()
    ).sort("year", "partner_iso3")


def group_statements(registry: pl.DataFrame, group: str) -> pl.DataFrame:
    """Cited statements about the group as a whole (e.g. 'EAEU-China turnover exceeded US$166.5 bn')."""
    return registry.filter(
        (pl.col("partner_group") == group)
        & pl.col("metric").is_in(["turnover", "turnover_exceeds"])
        & pl.col("is_full_year")
        & pl.col("value_usd").is_not_null()
    ).sort("year")


def after_data_sentence(
    member_turnover: pl.DataFrame, cited_members: pl.DataFrame, names: dict[str, str], members: list[str]
) -> str:
    """The years after the declared data end, answered by cited statements only: one figure per member and year
    (US$ bn), and for each such year the members with no full-year figure cited, named as gaps (a part-year figure
    is not a year's figure, and no figure is filled in). '' when the statements end with the data."""
    last = int(member_turnover.get_column("year").max())
    later = cited_members.filter(pl.col("year") > last)
    if later.is_empty():
        return ""
    parts = []
    for row in later.group_by("year").agg("partner_iso3", "turnover_usd").sort("year").iter_rows(named=True):
        pairs = sorted(zip(row["partner_iso3"], row["turnover_usd"], strict=True), key=lambda p: names.get(p[0], p[0]))
        figures = ", ".join(f"{names.get(c, c)} {v / 1e9:,.1f}" for c, v in pairs)
        missing = sorted(names.get(m, m) for m in members if m not in row["partner_iso3"])
        gap = f" (no full-year figure cited for {_join(missing)})" if missing else ""
        parts.append(f"{row['year']}: {figures}{gap}")
    return (
        f" The declared data end in {last}; later years rest on cited statements only (US$ bn, one figure per member "
        f"by docs/decisions/0003; a member without a cited figure is a gap, not a zero): {'; '.join(parts)}. "
        "Statements, not data."
    )
