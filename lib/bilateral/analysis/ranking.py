"""Where a partner ranks among a reporter's trading partners, from statistics or from cited statements.

Computed rankings need a reporter's trade with every partner (IMF IMTS, or Comtrade with partner=all) at the
all-products level. Turnover is exports plus imports as the reporter declares them; a partner with only one
direction reported is ranked on what exists and flagged, since leaving it out would move everyone below it.
Shares are of the reporter's trade with the world where the source gives a World row, otherwise of the sum
over partners (and `share_basis` says which).
"""

from __future__ import annotations

import polars as pl

# Cited statement metrics -> (reporter, partner, measure): who ranks whom.
CITED_METRICS = {
    "china_rank_among_russia_partners": ("RUS", "CHN", "rank"),
    "china_share_of_russia_trade": ("RUS", "CHN", "share_pct"),
    "china_consecutive_years_as_russia_top_partner": ("RUS", "CHN", "years_as_top_partner"),
    "russia_rank_among_china_partners": ("CHN", "RUS", "rank"),
    "russia_share_of_china_trade": ("CHN", "RUS", "share_pct"),
}


def ranking_from_flows(flows: pl.DataFrame, reporter: str, start_year: int, end_year: int) -> pl.DataFrame:
    """year x partner: turnover (US$), directions reported, rank (1 = largest), share_pct and its basis."""
    rows = flows.filter(
        (pl.col("reporter_iso3") == reporter)
        & (pl.col("reported_by") == reporter)
        & (pl.col("hs_level") == 0)
        & (pl.col("period").str.len_chars() == 4)
        & pl.col("year").is_between(start_year, end_year)
        & pl.col("value_usd").is_not_null()
    )
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
            pl.when(pl.col("_world").is_not_null()).then(pl.lit("world total")).otherwise(pl.lit("sum of partners")).alias("share_basis"),
            pl.coalesce(pl.col("_world"), pl.col("turnover_usd").sum().over("year")).alias("_denominator"),
        )
        .with_columns((pl.col("turnover_usd") / pl.col("_denominator") * 100).alias("share_pct"))
        .drop("_world", "_denominator")
        .sort("year", "rank", "partner_iso3")
    )


def cited_ranking(share_rank: pl.DataFrame, reporter: str, partner: str) -> pl.DataFrame:
    """Cited rank and share statements of `partner` among `reporter`'s partners, full years only."""
    wanted = {m: measure for m, (r, p, measure) in CITED_METRICS.items() if (r, p) == (reporter, partner)}
    if not wanted:
        return pl.DataFrame(schema={"year": pl.Int32, "measure": pl.String, "value": pl.Float64, "basis": pl.String,
                                    "publisher_named": pl.String, "source_url": pl.String, "quote": pl.String})
    return (
        share_rank.filter(pl.col("metric").is_in(list(wanted)) & pl.col("year").str.contains(r"^\d{4}$"))
        .select(
            pl.col("year").cast(pl.Int32),
            pl.col("metric").replace_strict(wanted).alias("measure"),
            "value", "basis", "publisher_named", "source_url", "quote",
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
        parts.append(f"Cited statements put {partner_name} at rank {row['value']:.0f} among {reporter_name}'s trading partners in {row['year']}")
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
