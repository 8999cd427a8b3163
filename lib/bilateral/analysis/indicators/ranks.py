"""Shares, ranks over time, the runner-up and the margin, and runs of consecutive years at a rank.

These answer statements such as "China has been Russia's largest trading partner for 13 consecutive years":
rank each partner per year, measure the margin over the nearest rival (a 1% lead is not a 40% lead), and
count unbroken runs, where a year without data is not a year at rank.

References: WITS, "Trade indicators" (partner share, market share); Mikic and Gilbert, *Trade Statistics in
Policymaking*, UNESCAP/ARTNeT 2009, chapter 2 (shares and the geographical composition of trade).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from bilateral.analysis.indicators._common import (
    WORLD,
    drop_aggregates,
    partial_flag,
    require_columns,
    require_non_negative,
    require_unique,
    safe_ratio,
    with_group_keys,
)
from bilateral.errors import ParameterError


def shares(
    frame: pl.DataFrame, *, over: str = "partner_iso3", by: Sequence[str] = ("year",), value: str = "value_usd"
) -> pl.DataFrame:
    """Each item's share of its group's total, in percent.

    Formula: s_k = v_k / T x 100, where T is the group's world row (`over` == WLD, the reporter's trade with
    the world as declared) when the frame has one for the group, otherwise the sum over the items present.
    `share_basis` says which, because the sum over listed partners overstates shares when partners are missing.

    Edge cases: T zero or null -> share null (not inf); an item with a null value -> share null; world rows are
    not items and do not appear in the output; partial years are kept and flagged (`is_partial`): shares within
    one period are comparable, but not with full years.
    """
    by = list(by)
    require_columns(frame, [*by, over, value], function="shares")
    require_non_negative(frame, value, function="shares")
    require_unique(frame, [*by, over], function="shares")
    keys, rows = with_group_keys(frame.with_columns(partial_flag(frame).alias("is_partial")), by)
    world = (
        rows.filter(pl.col(over) == WORLD).select(*keys, pl.col(value).alias("_world"))
        if over == "partner_iso3"
        else None
    )
    items = drop_aggregates(rows, over)
    sums = items.group_by(keys).agg(pl.col(value).sum().alias("_sum"))
    table = items.join(sums, on=keys, how="left", validate="m:1", nulls_equal=True)
    if world is not None and world.height:
        table = table.join(world, on=keys, how="left", validate="m:1", nulls_equal=True)
    else:
        table = table.with_columns(pl.lit(None, pl.Float64).alias("_world"))
    denominator = pl.coalesce("_world", "_sum")
    return table.select(
        *by,
        over,
        value,
        denominator.alias("total_value"),
        pl.when(pl.col("_world").is_not_null())
        .then(pl.lit("world total"))
        .otherwise(pl.lit("sum of items"))
        .alias("share_basis"),
        (safe_ratio(pl.col(value), denominator) * 100).alias("share_pct"),
        "is_partial",
    ).sort([*by, over])


def rank_over_time(
    frame: pl.DataFrame, *, over: str = "partner_iso3", by: Sequence[str] = ("year",), value: str = "value_usd"
) -> pl.DataFrame:
    """Rank of each item within its group (1 = largest value), per group (usually per year).

    Ties share the best rank ("min" method: 10, 10, 7 -> 1, 1, 3) and are flagged `is_tied`. Items with a null
    value are not ranked (rank null), since a missing figure is not a small one; `n_ranked` counts items with a
    value. World rows (WLD) and all-products rows (TOTAL) are totals, not items, and are left out.
    """
    by = list(by)
    require_columns(frame, [*by, over, value], function="rank_over_time")
    require_unique(frame, [*by, over], function="rank_over_time")
    keys, rows = with_group_keys(frame.with_columns(partial_flag(frame).alias("is_partial")), by)
    items = drop_aggregates(rows, over)
    ranked = items.with_columns(pl.col(value).rank("min", descending=True).over(keys).cast(pl.Int32).alias("rank"))
    return (
        ranked.with_columns(
            pl.col(value).is_not_null().sum().over(keys).cast(pl.Int32).alias("n_ranked"),
            ((pl.len().over([*keys, "rank"]) > 1) & pl.col("rank").is_not_null()).alias("is_tied"),
        )
        .select(*by, over, value, "rank", "n_ranked", "is_tied", "is_partial")
        .sort([*by, "rank", over], nulls_last=True)
    )


def leaders(
    frame: pl.DataFrame, *, over: str = "partner_iso3", by: Sequence[str] = ("year",), value: str = "value_usd"
) -> pl.DataFrame:
    """Per group: the leader, the runner-up and the leader's margin.

    margin_value = v_leader - v_runner_up; margin_pct = margin_value / v_runner_up x 100 (how much larger the
    leader is than the runner-up). Ties: the two are taken in order of value then code, so a tie shows as a zero
    margin. A group with one ranked item has no runner-up (nulls); v_runner_up = 0 gives margin_pct null.
    """
    by = list(by)
    ranked = rank_over_time(frame, over=over, by=by, value=value).filter(pl.col("rank").is_not_null())
    keys, ranked = with_group_keys(ranked, by)
    ordered = ranked.sort([*keys, value, over], descending=[*([False] * len(keys)), True, False])
    firsts = ordered.group_by(keys, maintain_order=True).agg(
        pl.col(over).first().alias("leader"),
        pl.col(value).first().alias("leader_value"),
        pl.col(over).get(1, null_on_oob=True).alias("runner_up"),
        pl.col(value).get(1, null_on_oob=True).alias("runner_up_value"),
    )
    margin = pl.col("leader_value") - pl.col("runner_up_value")
    return firsts.select(
        *by,
        "leader",
        "leader_value",
        "runner_up",
        "runner_up_value",
        margin.alias("margin_value"),
        (safe_ratio(margin, pl.col("runner_up_value")) * 100).alias("margin_pct"),
    ).sort(by or "leader")


def rival_margin(
    frame: pl.DataFrame,
    focus: str,
    *,
    over: str = "partner_iso3",
    by: Sequence[str] = ("year",),
    value: str = "value_usd",
) -> pl.DataFrame:
    """Per group: the focus item's rank and its margin over the nearest item that matters for rank 1.

    The rival is the runner-up when the focus leads, otherwise the leader. margin_value = v_focus - v_rival
    (positive when the focus leads); margin_pct = margin_value / v_rival x 100. A group where the focus has no
    row or no value keeps a row with rank null: that year is not a year at any rank.
    """
    by = list(by)
    if not by:
        raise ParameterError("rival_margin needs at least one grouping column (usually year).")
    ranked = rank_over_time(frame, over=over, by=by, value=value)
    lead = leaders(frame, over=over, by=by, value=value)
    groups = ranked.select(by).unique()
    mine = ranked.filter(pl.col(over) == focus).select(
        *by, pl.col(value).alias("focus_value"), "rank", "n_ranked", "is_partial"
    )
    table = groups.join(mine, on=by, how="left", validate="1:1").join(lead, on=by, how="left", validate="1:1")
    focus_leads = pl.col("leader") == focus
    rival = pl.when(focus_leads).then(pl.col("runner_up")).otherwise(pl.col("leader"))
    rival_value = pl.when(focus_leads).then(pl.col("runner_up_value")).otherwise(pl.col("leader_value"))
    return table.select(
        *by,
        pl.lit(focus).alias(over),
        "focus_value",
        "rank",
        "n_ranked",
        pl.when(pl.col("focus_value").is_not_null()).then(rival).alias("rival"),
        pl.when(pl.col("focus_value").is_not_null()).then(rival_value).alias("rival_value"),
        (pl.col("focus_value") - rival_value).alias("margin_value"),
        (safe_ratio(pl.col("focus_value") - rival_value, rival_value) * 100).alias("margin_pct"),
        pl.col("is_partial").fill_null(False),
    ).sort(by)


def runs_at_rank(ranks: pl.DataFrame, *, max_rank: int = 1, year: str = "year", rank: str = "rank") -> pl.DataFrame:
    """Unbroken runs of years in which the rank is `max_rank` or better, one row per run.

    `ranks` holds one entity's rank per year (e.g. `rival_margin` output). A year counts when its rank is not
    null and <= max_rank. A year with no row, or a null rank, breaks the run: a year without data is not a year
    at rank. Returns first_year, last_year, n_years, sorted by first_year.
    """
    require_columns(ranks, [year, rank], function="runs_at_rank")
    require_unique(ranks, [year], function="runs_at_rank")
    if max_rank < 1:
        raise ParameterError(f"runs_at_rank: max_rank must be 1 or more; got {max_rank}.")
    years = sorted(ranks.filter(pl.col(rank).is_not_null() & (pl.col(rank) <= max_rank)).get_column(year).to_list())
    runs: list[tuple[int, int]] = []
    for y in years:
        if runs and runs[-1][1] == y - 1:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return pl.DataFrame(
        {
            "first_year": [a for a, _ in runs],
            "last_year": [b for _, b in runs],
            "n_years": [b - a + 1 for a, b in runs],
        },
        schema={"first_year": pl.Int32, "last_year": pl.Int32, "n_years": pl.Int32},
    )


def consecutive_years_at_rank(
    ranks: pl.DataFrame, through_year: int, *, max_rank: int = 1, year: str = "year", rank: str = "rank"
) -> int:
    """Length of the unbroken run at `max_rank` or better that ends in `through_year` (0 if that year is not at rank
    or has no data)."""
    runs = runs_at_rank(ranks, max_rank=max_rank, year=year, rank=rank).filter(pl.col("last_year") == through_year)
    return int(runs.get_column("n_years")[0]) if runs.height else 0
