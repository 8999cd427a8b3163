"""Where a partner ranks among a reporter's trading partners, from statistics or from cited statements.

Computed rankings need a reporter's trade with every partner (IMF IMTS, or Comtrade with partner=all) at the
all-products level. Turnover is exports plus imports as the reporter declares them; a partner with only one
direction reported is ranked on what exists and flagged, since leaving it out would move everyone below it.
Shares are of the reporter's trade with the world where the source gives a World row, otherwise of the sum
over partners (and `share_basis` says which).
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis import quote_language

# Cited statement metrics -> (reporter, partner, measure): who ranks whom.
CITED_METRICS = {
    "china_rank_among_russia_partners": ("RUS", "CHN", "rank"),
    "china_share_of_russia_trade": ("RUS", "CHN", "share_pct"),
    "china_consecutive_years_as_russia_top_partner": ("RUS", "CHN", "years_as_top_partner"),
    "russia_rank_among_china_partners": ("CHN", "RUS", "rank"),
    "russia_share_of_china_trade": ("CHN", "RUS", "share_pct"),
}


# What is ranked: exports + imports ("turnover"), or one direction alone, always from the reporter's side.
MEASURES: dict[str, tuple[str, ...]] = {
    "turnover": ("export", "import"),
    "exports": ("export",),
    "imports": ("import",),
}
VIEWS = ("own", "mirror")  # own = the reporter's declarations; mirror = each partner's declarations of the same trade
_OPPOSITE = {"export": "import", "import": "export"}


def ranking_from_flows(
    flows: pl.DataFrame,
    reporter: str,
    start_year: int,
    end_year: int,
    *,
    measure: str = "turnover",
    view: str = "own",
) -> pl.DataFrame:
    """year x partner: turnover_usd (the measure's value, US$), directions, rank (1 = largest), share_pct, share_basis.

    view="own": the reporter's declarations (its exports FOB and imports CIF by partner). view="mirror": each
    partner's own declarations of its trade with the reporter, read from the reporter's side (the reporter's
    exports = the partner's declared imports from it). A mirror share is of the sum over partners that declared
    (no partner declares the reporter's world total), and `share_basis` says so.
    """
    if measure not in MEASURES or view not in VIEWS:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)} and view one of {', '.join(VIEWS)}")
    base = _annual_totals(flows, start_year, end_year)
    if view == "own":
        rows = base.filter((pl.col("reporter_iso3") == reporter) & (pl.col("reported_by") == reporter))
    else:
        rows = base.filter(
            (pl.col("partner_iso3") == reporter) & (pl.col("reported_by") == pl.col("reporter_iso3"))
        ).select(
            "year",
            pl.col("reporter_iso3").alias("partner_iso3"),
            pl.col("flow").replace_strict(_OPPOSITE).alias("flow"),
            "value_usd",
        )
    rows = rows.filter(pl.col("flow").is_in(list(MEASURES[measure])))
    by_partner = rows.group_by("year", "partner_iso3").agg(
        pl.col("value_usd").sum().alias("turnover_usd"), pl.col("flow").n_unique().cast(pl.Int8).alias("directions")
    )
    world = by_partner.filter(pl.col("partner_iso3") == "WLD").select("year", pl.col("turnover_usd").alias("_world"))
    partners = by_partner.filter(pl.col("partner_iso3") != "WLD")
    return (
        partners.join(world, on="year", how="left", validate="m:1")
        .with_columns(
            pl.col("turnover_usd").rank("min", descending=True).over("year").cast(pl.Int32).alias("rank"),
            pl.len().over("year").cast(pl.Int32).alias("partners_ranked"),
            pl.when(pl.col("_world").is_not_null())
            .then(pl.lit("world total"))
            .otherwise(pl.lit("sum of partners"))
            .alias("share_basis"),
            pl.coalesce(pl.col("_world"), pl.col("turnover_usd").sum().over("year")).alias("_denominator"),
        )
        .with_columns(
            (pl.col("turnover_usd") / pl.col("_denominator") * 100).alias("share_pct"),
            # trade the reporter declared with the world but assigned to no listed partner (DOTS "not specified")
            (pl.col("_world") - pl.col("turnover_usd").sum().over("year")).clip(lower_bound=0).alias("unallocated_usd"),
        )
        .drop("_world", "_denominator")
        .sort("year", "rank", "partner_iso3")
    )


def _annual_totals(flows: pl.DataFrame, start_year: int, end_year: int) -> pl.DataFrame:
    return flows.filter(
        (pl.col("hs_level") == 0)
        & (pl.col("period").str.len_chars() == 4)
        & pl.col("year").is_between(start_year, end_year)
        & pl.col("value_usd").is_not_null()
    )


def leaders(ranked: pl.DataFrame, mirror: pl.DataFrame | None = None) -> pl.DataFrame:
    """Per year: the leader and the runner-up, the margin between them, and whether the call is close.

    Columns: year, unallocated_usd (the reporter's world total minus the sum over its partners, when the source
    gives a world total), leader_iso3, leader_usd, runner_up_iso3, runner_up_usd, margin_usd, margin_pct (the
    leader's lead as a % of the runner-up's value), disagreement_pct and close_call. A year with fewer than
    two partners has no runner-up (nulls). With a `mirror` ranking of the same years, disagreement_pct is the
    larger of the two partners' gaps between the reporter's and the partners' declarations
    (|mirror - own| / own x 100), and the call is close when the two declarations could reverse it: the
    leader's lower declared value is not above the runner-up's higher one. Without a mirror value for both,
    close_call is null (unknown), never False.
    """
    ordered = ranked.sort("year", "turnover_usd", "partner_iso3", descending=[False, True, False])
    top = ordered.group_by("year", maintain_order=True).agg(
        pl.col("unallocated_usd").first().alias("unallocated_usd")
        if "unallocated_usd" in ranked.columns
        else pl.lit(None, pl.Float64).alias("unallocated_usd"),
        pl.col("partner_iso3").first().alias("leader_iso3"),
        pl.col("turnover_usd").first().alias("leader_usd"),
        pl.col("partner_iso3").get(1, null_on_oob=True).alias("runner_up_iso3"),
        pl.col("turnover_usd").get(1, null_on_oob=True).alias("runner_up_usd"),
    )
    top = top.with_columns(
        (pl.col("leader_usd") - pl.col("runner_up_usd")).alias("margin_usd"),
        pl.when(pl.col("runner_up_usd") > 0)
        .then((pl.col("leader_usd") - pl.col("runner_up_usd")) / pl.col("runner_up_usd") * 100)
        .alias("margin_pct"),
    )
    if mirror is None:
        return top.with_columns(
            pl.lit(None, pl.Float64).alias("disagreement_pct"), pl.lit(None, pl.Boolean).alias("close_call")
        )
    mirrored = mirror.select("year", "partner_iso3", pl.col("turnover_usd").alias("_mirror"))
    for role in ("leader", "runner_up"):
        top = top.join(mirrored.rename({"partner_iso3": f"{role}_iso3", "_mirror": f"_{role}_mirror"}),
                       on=["year", f"{role}_iso3"], how="left", validate="1:1")  # fmt: skip
    gap = {
        role: (pl.col(f"_{role}_mirror") - pl.col(f"{role}_usd")).abs() / pl.col(f"{role}_usd") * 100
        for role in ("leader", "runner_up")
    }
    both_known = pl.col("_leader_mirror").is_not_null() & pl.col("_runner_up_mirror").is_not_null()
    reversible = pl.min_horizontal("leader_usd", "_leader_mirror") <= pl.max_horizontal(
        "runner_up_usd", "_runner_up_mirror"
    )
    return (
        top.with_columns(
            pl.when(both_known).then(pl.max_horizontal(gap["leader"], gap["runner_up"])).alias("disagreement_pct"),
            pl.when(both_known).then(reversible).alias("close_call"),
        )
        .drop("_leader_mirror", "_runner_up_mirror")
        .sort("year")
    )


def cited_ranking(share_rank: pl.DataFrame, reporter: str, partner: str) -> pl.DataFrame:
    """Cited rank and share statements of `partner` among `reporter`'s partners, full years only."""
    wanted = {m: measure for m, (r, p, measure) in CITED_METRICS.items() if (r, p) == (reporter, partner)}
    if not wanted:
        return pl.DataFrame(
            schema={
                "year": pl.Int32,
                "measure": pl.String,
                "value": pl.Float64,
                "basis": pl.String,
                "publisher_named": pl.String,
                "source_url": pl.String,
                "quote": pl.String,
            }
        )
    return (
        share_rank.filter(pl.col("metric").is_in(list(wanted)) & pl.col("year").str.contains(r"^\d{4}$"))
        .select(
            pl.col("year").cast(pl.Int32),
            pl.col("metric").replace_strict(wanted).alias("measure"),
            "value",
            "basis",
            "publisher_named",
            "source_url",
            # a quote not in English says so ("original in Russian; ..."): no untranslated line without a word of why
            pl.col("quote").map_elements(quote_language.with_note, return_dtype=pl.String),
        )
        .sort("year", "measure")
    )


def ranking_findings(partner_rows: pl.DataFrame, reporter_name: str, partner_name: str) -> str:
    """Sentences from the partner's own rows of a computed ranking."""
    if partner_rows.is_empty():
        return ""
    last = partner_rows.row(-1, named=True)
    first = partner_rows.row(0, named=True)
    text = (
        f"{partner_name} ranked {last['rank']} of {last['partners_ranked']} among {reporter_name}'s trading partners in "
        f"{last['year']}, with {last['share_pct']:.1f}% of its trade ({last['share_basis']})"
    )
    if first["year"] != last["year"]:
        text += f", against rank {first['rank']} and {first['share_pct']:.1f}% in {first['year']}"
    text += "."
    if last["directions"] < 2:
        text += f" Only one direction of {last['year']} trade is reported for {partner_name}."
    return text


def cited_findings(cited: pl.DataFrame, partner_name: str, reporter_name: str) -> str:
    """Sentences from cited statements: the latest stated rank and share."""
    ranks = cited.filter(pl.col("measure") == "rank")
    shares = cited.filter(pl.col("measure") == "share_pct")
    streaks = cited.filter(pl.col("measure") == "years_as_top_partner")
    parts = []
    if not ranks.is_empty():
        row = ranks.row(-1, named=True)
        parts.append(
            f"Cited statements put {partner_name} at rank {row['value']:.0f} among {reporter_name}'s trading partners in {row['year']}"
        )
    if not shares.is_empty():
        row = shares.row(-1, named=True)
        parts.append(f"with {row['value']:.1f}% of its trade in {row['year']} ({row['basis']})")
    text = (", ".join(parts) + ".") if parts else ""
    if not streaks.is_empty():
        row = streaks.sort("year", "value").row(-1, named=True)
        text += (
            f" Statements count {row['value']:.0f} consecutive years as {reporter_name}'s largest partner "
            f"by {row['year']} ({row['publisher_named']})."
        )
    return text.strip()


def _runs(years: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    return runs


def _years_text(runs: list[tuple[int, int]]) -> str:
    """[(2005, 2009), (2011, 2011)] -> '2005–2009, 2011'."""
    return ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in runs)


def runs_at_rank(years_and_ranks: pl.DataFrame, rank: int = 1) -> list[tuple[int, int]]:
    """Maximal runs of consecutive years at `rank`, as (first, last). A missing year breaks a run: a year
    without data is not a year at rank."""
    return _runs(years_and_ranks.filter(pl.col("rank") == rank).get_column("year").to_list())


def position_findings(
    own: pl.DataFrame,
    lead: pl.DataFrame,
    statements: pl.DataFrame,
    *,
    reporter_iso3: str,
    partner_iso3: str,
    source_label: str,
) -> str:
    """The answer in sentences: the partner's runs at rank 1, who led before, close calls, the latest share,
    and which years rest on statements only (after the data end)."""
    from bilateral.data.countries import country_name

    reporter, partner = country_name(reporter_iso3), country_name(partner_iso3)
    rows = own.filter(pl.col("partner_iso3") == partner_iso3).sort("year")
    first, last = int(rows.get_column("year").min()), int(rows.get_column("year").max())
    runs = runs_at_rank(rows)
    sentences = []
    if runs:
        longest = max(runs, key=lambda r: (r[1] - r[0], r[1]))
        if len(runs) == 1 and longest[1] > longest[0]:
            span = f"every year {longest[0]}–{longest[1]} ({longest[1] - longest[0] + 1} years)"
        else:
            span = _years_text(runs)
        sentences.append(
            f"By {reporter}'s own declarations ({source_label}), {partner} was {reporter}'s largest trading partner in {span}"
        )
        others = lead.filter((pl.col("leader_iso3") != partner_iso3) & pl.col("year").is_between(first, last))
        if not others.is_empty():
            by_leader = others.group_by("leader_iso3").agg(pl.col("year").sort()).sort(pl.col("year").list.first())
            named = "; ".join(
                f"{country_name(r['leader_iso3'])} {_years_text(_runs(r['year']))}"
                for r in by_leader.iter_rows(named=True)
            )
            sentences[-1] += f"; in the other years the largest was {named}"
        sentences[-1] += "."
    else:
        best = rows.sort("rank", "year", descending=[False, True]).row(0, named=True)
        sentences.append(
            f"By {reporter}'s own declarations ({source_label}), {partner} was never {reporter}'s largest partner in "
            f"{first}–{last}; its best rank was {best['rank']} ({best['year']})."
        )
    unassigned = lead.filter(
        (pl.col("leader_iso3") == partner_iso3) & (pl.col("unallocated_usd") > pl.col("margin_usd"))
    )
    close = lead.filter((pl.col("leader_iso3") == partner_iso3) & pl.col("close_call").fill_null(False))
    if not close.is_empty():
        listed = ", ".join(
            f"{r['year']} ({r['margin_pct']:.1f}% over {country_name(r['runner_up_iso3'])}, sources' gap {r['disagreement_pct']:.1f}%)"
            for r in close.iter_rows(named=True)
        )
        sentences.append(f"Close calls, where the partners' own declarations could reverse the lead: {listed}.")
    if not unassigned.is_empty():
        listed = ", ".join(
            f"{r['year']} (US${r['unallocated_usd'] / 1e9:,.1f} bn unassigned vs a lead of US${r['margin_usd'] / 1e9:,.1f} bn)"
            for r in unassigned.iter_rows(named=True)
        )
        sentences.append(
            f"{reporter}'s declarations also leave trade assigned to no partner that exceeds {partner}'s lead in {listed}: "
            "those years cannot be settled from this data."
        )
    latest = rows.row(-1, named=True)
    sentences.append(
        f"In {last} {partner} had {latest['share_pct']:.1f}% of {reporter}'s trade ({latest['share_basis']})."
    )
    later = statements.filter(pl.col("year") > last)
    if not later.is_empty():
        said = []
        for r in later.unique(["year", "measure", "value"]).sort("year", "measure").iter_rows(named=True):
            if r["measure"] == "rank":
                said.append(f"rank {r['value']:.0f} in {r['year']}")
            elif r["measure"] == "share_pct":
                said.append(f"a {r['value']:.1f}% share in {r['year']}")
            else:  # years_as_top_partner: a run ending in the statement's year
                said.append(
                    f"{r['value']:.0f} consecutive years as largest partner by {r['year']} (a run from {r['year'] - int(r['value']) + 1})"
                )
        years = sorted(set(later.get_column("year").to_list()))
        sentences.append(
            f"The data end in {last}; {years[0]}"
            + (f"–{years[-1]}" if years[-1] > years[0] else "")
            + f" rest on cited statements only ({'; '.join(said)}): statements, not data."
        )
    return " ".join(sentences)
