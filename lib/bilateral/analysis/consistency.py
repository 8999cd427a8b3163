"""Consistency of cited figures: every stated figure checked against itself and against the data.

Four checks over the cited China-Russia trade statements (`trade_headlines`, one row per page statement):
1. parts vs total: a stated turnover against stated exports + imports of the same year and basis;
2. growth vs levels: a stated growth rate against the levels it links (2016's "+2.2% to 69.5 bn" implies
   68.0 bn for 2015; the shipped 2015 statement says 64.2);
3. the same figure on several pages: statements of one year, metric and side that disagree;
4. stated vs declared: a stated figure against the same side's declaration in the statistics (IMF DOTS, China's
   customs series).
A difference is an inconsistency when it exceeds the rounding of the printed figures plus `REVISION_ALLOWANCE_PCT`
(first releases are revised by fractions of a percent: GAC's 2017 release, +20.8% to 84.07 bn, implies 69.59 bn for
2016 against the 69.525 first published). Smaller differences are kept as minor findings, never dropped. Nothing
is corrected: each finding names both figures, both pages (or the dataset) and both bases. A qualifier of the
quote ("around", "more than", "nearly") stays with the figure; "more than" makes it a lower bound, "nearly" an
upper bound, "around" is shown but widens nothing. Pure functions; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import polars as pl

REVISION_ALLOWANCE_PCT = 1.0
# Statistics are later vintages than the statements: the same declarant's figure differs between releases by up
# to about 1.5% (China's 2019 imports from Russia: 60.26 bn in IMF DOTS, 61.19 bn in UN Comtrade).
DECLARED_ALLOWANCE_PCT = 2.0
CUSTOMS_SIDES = {"CN_GAC": "CHN", "RU_FCS": "RUS"}  # bases tied to one declarant; officials may quote either side
METRICS = ("turnover", "exports", "imports")
LOWER_BOUNDS = ("more than", "over", "exceeded", "exceeding", "above", "topped")
UPPER_BOUNDS = ("nearly", "almost", "close to", "just under")
APPROXIMATE = ("around", "about", "approximately", "roughly", "some")
_QUALIFIER = re.compile(
    r"\b("
    + "|".join(re.escape(q) for q in (*LOWER_BOUNDS, *UPPER_BOUNDS, *APPROXIMATE))
    + r")\s+(?:a\s+)?(?:record\s+)?"
    r"(?:(?:US|U\.S\.)\s?)?\$?\s?(\d[\d,.]*)",
    re.IGNORECASE,
)
CHECKS = {
    "parts_vs_total": "exports + imports vs turnover",
    "growth_vs_levels": "stated growth vs the levels it links",
    "same_figure": "the same figure on several pages",
    "stated_vs_declared": "stated figure vs declared statistics",
}
FINDING_SCHEMA = {
    "check": pl.String, "year": pl.Int32, "metric": pl.String,
    "figure": pl.String, "value": pl.Float64, "unit": pl.String, "publisher": pl.String, "source_url": pl.String,
    "basis": pl.String, "other_figure": pl.String, "other_value": pl.Float64, "other_publisher": pl.String,
    "other_source_url": pl.String, "other_basis": pl.String,
    "expected": pl.Float64, "gap_pct": pl.Float64, "is_inconsistent": pl.Boolean, "explanation": pl.String,
}  # fmt: skip


def qualifier_of(quote: str | None, value_usd: float | None) -> str | None:
    """The qualifier the quote puts before the figure ("around $29 billion" -> "around"), or None.

    Only a qualifier directly before a number equal to the figure (in billions, as printed) counts, so "nearly 30
    percent" does not qualify a turnover of 107.06. English qualifiers only; other languages keep their quote."""
    if not quote or value_usd is None:
        return None
    for match in _QUALIFIER.finditer(quote):
        number = match.group(2).rstrip(".,").replace(",", "")
        try:
            stated = float(number)
        except ValueError:
            continue
        if abs(stated - value_usd / 1e9) < 1e-6:
            return match.group(1).lower()
    return None


def bound_of(qualifier: str | None, metric: str) -> str:
    """'lower' for "more than" (and threshold rows), 'upper' for "nearly", 'point' otherwise."""
    if metric == "turnover_exceeds" or qualifier in LOWER_BOUNDS:
        return "lower"
    return "upper" if qualifier in UPPER_BOUNDS else "point"


def decimals_of(value: float) -> int:
    """Printed decimals of a rate as stored (2.2 -> 1, 44.0 -> 0)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def prepare(headlines: pl.DataFrame) -> pl.DataFrame:
    """Statements with the columns the checks read: qualifier, bound, rounding and the figure as stated."""
    rows = headlines.filter(pl.col("metric").is_in([*METRICS, "turnover_exceeds"])).with_row_index("statement_id")
    rows = rows.with_columns(pl.col("value_usd").alias("value"), pl.lit("US$").alias("unit"))
    qualifiers = [qualifier_of(q, v) for q, v in zip(rows["quote"], rows["value"], strict=True)]
    rows = rows.with_columns(pl.Series("qualifier", qualifiers, dtype=pl.String))
    return rows.with_columns(
        pl.struct("qualifier", "metric")
        .map_elements(lambda r: bound_of(r["qualifier"], r["metric"]), return_dtype=pl.String)
        .alias("bound"),
        # half a unit of the last printed digit, in US$ (figures are printed in billions)
        (pl.lit(10.0).pow(-pl.col("value_decimals").fill_null(0).cast(pl.Float64)) * 0.5e9).alias("rounding"),
        pl.struct("value", "value_decimals", "qualifier", "metric")
        .map_elements(_as_stated, return_dtype=pl.String)
        .alias("figure"),
        pl.col("metric").replace({"turnover_exceeds": "turnover"}).alias("measure"),
    )


def _as_stated(row: dict) -> str | None:
    if row["value"] is None:
        return None
    word = row["qualifier"] or ("more than" if row["metric"] == "turnover_exceeds" else None)
    number = f"{row['value'] / 1e9:.{row['value_decimals'] or 0}f} bn"
    return f"{word} {number}" if word else number


def interval(value: float, rounding: float, bound: str) -> tuple[float, float]:
    """A stated figure as the interval it stands for: +- its rounding, open above for a lower bound, below for an upper."""
    low, high = value - rounding, value + rounding
    return (low, float("inf")) if bound == "lower" else (float("-inf"), high) if bound == "upper" else (low, high)


def apart(
    a: tuple[float, float], b: tuple[float, float], reference: float, allowance_pct: float = REVISION_ALLOWANCE_PCT
) -> tuple[float, bool]:
    """Distance between two intervals (0 when they overlap) and whether it exceeds the allowance (% of reference)."""
    distance = max(a[0] - b[1], b[0] - a[1], 0.0)
    return distance, distance > abs(reference) * allowance_pct / 100


def finding(check: str, row: dict, other: dict | None, *, other_figure: str, expected: float | None, gap_pct: float | None,
             inconsistent: bool, explanation: str, other_publisher: str | None = None, other_url: str | None = None,
             other_basis: str | None = None) -> dict:  # fmt: skip
    return {
        "check": check, "year": row["year"], "metric": row["measure"], "figure": row["figure"], "value": row["value"],
        "unit": row["unit"], "publisher": row["publisher_named"], "source_url": row["source_url"], "basis": row["basis"],
        "other_figure": other_figure, "other_value": other["value"] if other else expected,
        "other_publisher": other["publisher_named"] if other else other_publisher,
        "other_source_url": other["source_url"] if other else other_url,
        "other_basis": other["basis"] if other else other_basis,
        "expected": expected, "gap_pct": gap_pct, "is_inconsistent": inconsistent, "explanation": explanation,
    }  # fmt: skip


def _bn(value: float) -> str:
    return f"{value / 1e9:,.2f} bn"


def parts_vs_total(statements: pl.DataFrame) -> list[dict]:
    """A stated turnover against every stated exports + imports pair of the same year and basis; one finding per
    turnover statement, against the pair that comes closest (a turnover any pair agrees with is consistent)."""
    rows = statements.filter(pl.col("value").is_not_null() & (pl.col("metric") != "turnover_exceeds"))
    findings = []
    for (year, _basis), group in rows.group_by("year", "basis_code", maintain_order=True):
        exports, imports = group.filter(pl.col("metric") == "exports"), group.filter(pl.col("metric") == "imports")
        if exports.is_empty() or imports.is_empty():
            continue
        for total in group.filter(pl.col("metric") == "turnover").iter_rows(named=True):
            best = None
            for e in exports.iter_rows(named=True):
                for i in imports.iter_rows(named=True):
                    parts = (e["value"] + i["value"], e["rounding"] + i["rounding"])
                    distance, beyond = apart(interval(total["value"], total["rounding"], total["bound"]),
                                              (parts[0] - parts[1], parts[0] + parts[1]), parts[0])  # fmt: skip
                    if best is None or distance < best[0]:
                        best = (distance, beyond, e, i, parts[0])
            distance, beyond, e, i, parts_sum = best
            if distance == 0:
                continue
            gap = (total["value"] - parts_sum) / parts_sum * 100
            pages = list(dict.fromkeys([e["source_url"], i["source_url"]]))
            findings.append(finding(
                "parts_vs_total", total, None,
                other_figure=f"exports {e['figure']} + imports {i['figure']} = {_bn(parts_sum)}", expected=parts_sum,
                gap_pct=gap, inconsistent=beyond, other_publisher=" / ".join(dict.fromkeys([e["publisher_named"], i["publisher_named"]])),
                other_url=" ; ".join(pages), other_basis=e["basis"],
                explanation=f"{year} turnover {total['figure']} ({total['publisher_named']}) vs exports {e['figure']} "
                f"({e['publisher_named']}) + imports {i['figure']} ({i['publisher_named']}) = {_bn(parts_sum)}, "
                f"{abs(gap):.1f}% apart",
            ))  # fmt: skip
    return findings


def growth_vs_levels(statements: pl.DataFrame) -> list[dict]:
    """A stated level and growth rate imply last year's level: level / (1 + rate). One finding per rate, against the
    closest of last year's statements of the same metric: of the same basis if any, else of the same side, else any
    (the bases are then named: a gap may be the basis, not an error) except Chinese against Russian customs, which
    are known to differ (FOB/CIF). A rate without a level, or with no level stated the year before, is left out."""
    findings = []
    levels = statements.filter(pl.col("value").is_not_null())
    for row in statements.filter(pl.col("yoy_pct").is_not_null() & pl.col("value").is_not_null()).iter_rows(named=True):
        rate, rate_step = row["yoy_pct"], 0.5 * 10.0 ** -decimals_of(row["yoy_pct"])
        low = (row["value"] - row["rounding"]) / (1 + (rate + rate_step) / 100)
        high = (row["value"] + row["rounding"]) / (1 + (rate - rate_step) / 100)
        implied = row["value"] / (1 + rate / 100)
        prior = _linked(levels.filter((pl.col("year") == row["year"] - 1) & (pl.col("measure") == row["measure"])), row)
        if prior.is_empty():
            continue
        compared = [
            (*apart((low, high), interval(o["value"], o["rounding"], o["bound"]), implied), o)
            for o in prior.iter_rows(named=True)
        ]
        distance, beyond, other = min(compared, key=lambda c: c[0])
        if distance == 0:
            continue
        gap = (other["value"] - implied) / implied * 100
        bases = (
            ""
            if other["basis_code"] == row["basis_code"]
            else f" (different bases: {row['basis']} vs {other['basis']})"
        )
        findings.append(finding(
            "growth_vs_levels", row, other, other_figure=other["figure"], expected=implied, gap_pct=gap, inconsistent=beyond,
            explanation=f"{row['year']}: {rate:+g}% to {row['figure']} ({row['publisher_named']}) implies about "
            f"{_bn(implied)} for {row['year'] - 1}; {other['publisher_named']} says {other['figure']} for "
            f"{row['year'] - 1}, {abs(gap):.1f}% apart{bases}",
        ))  # fmt: skip
    return findings


def rate_vs_levels(statements: pl.DataFrame) -> list[dict]:
    """A growth rate stated without a level, against the growth between the levels stated for its two years (each
    chosen as `_linked` chooses, the pair closest to the rate). Left out when either year has no level."""
    findings = []
    levels = statements.filter(pl.col("value").is_not_null())
    for row in statements.filter(pl.col("yoy_pct").is_not_null() & pl.col("value").is_null()).iter_rows(named=True):
        same_metric = levels.filter(pl.col("measure") == row["measure"])
        now = _linked(same_metric.filter(pl.col("year") == row["year"]), row)
        before = _linked(same_metric.filter(pl.col("year") == row["year"] - 1), row)
        step = 0.5 * 10.0 ** -decimals_of(row["yoy_pct"])
        compared = []
        for a in now.iter_rows(named=True):
            for b in before.iter_rows(named=True):
                a_low, a_high = interval(a["value"], a["rounding"], a["bound"])
                b_low, b_high = interval(b["value"], b["rounding"], b["bound"])
                growth = (a["value"] / b["value"] - 1) * 100
                implied = ((a_low / b_high - 1) * 100, (a_high / b_low - 1) * 100)
                distance, beyond = apart(
                    (row["yoy_pct"] - step, row["yoy_pct"] + step), implied, 100.0
                )  # allowance in points
                compared.append((distance, beyond, growth, a, b))
        if not compared:
            continue
        distance, beyond, growth, a, b = min(compared, key=lambda c: c[0])
        if distance == 0:
            continue
        findings.append(finding(
            "growth_vs_levels", {**row, "figure": f"{row['yoy_pct']:+g}%"}, b, other_figure=f"{b['figure']} to {a['figure']} ({growth:+.1f}%)",
            expected=None, gap_pct=growth - row["yoy_pct"], inconsistent=beyond,
            explanation=f"{row['year']}: {row['publisher_named']} states {row['yoy_pct']:+g}% without a level; the levels stated "
            f"for {row['year'] - 1} ({b['figure']}, {b['publisher_named']}) and {row['year']} ({a['figure']}, {a['publisher_named']}) "
            f"give {growth:+.1f}%, {abs(growth - row['yoy_pct']):.1f} points apart",
        ))  # fmt: skip
    return findings


def _linked(prior: pl.DataFrame, row: dict) -> pl.DataFrame:
    """Last year's statements a rate links to: same basis, else same side, else any but the other side's customs."""
    same = prior.filter(pl.col("basis_code") == row["basis_code"])
    if same.height or row["reported_by"] is None:
        return same if same.height else prior
    side = prior.filter(pl.col("reported_by") == row["reported_by"])
    if side.height:
        return side
    if row["basis_code"] in CUSTOMS_SIDES:
        return prior.filter(~pl.col("basis_code").is_in(list(CUSTOMS_SIDES)))
    return prior


def same_figure(statements: pl.DataFrame) -> list[dict]:
    """Statements of one year and metric from one side (China's or Russia's; a basis not stated is its own group)
    that disagree beyond rounding: one finding per disagreeing pair, each pair once."""
    rows = statements.filter(pl.col("value").is_not_null()).with_columns(
        pl.col("reported_by").fill_null("unstated").alias("_side")
    )
    findings = []
    for _, group in rows.group_by("year", "measure", "_side", maintain_order=True):
        items = list(group.iter_rows(named=True))
        for n, row in enumerate(items):
            for other in items[n + 1 :]:
                distance, beyond = apart(interval(row["value"], row["rounding"], row["bound"]),
                                          interval(other["value"], other["rounding"], other["bound"]), other["value"])  # fmt: skip
                if distance == 0:
                    continue
                gap = (row["value"] - other["value"]) / other["value"] * 100
                findings.append(finding(
                    "same_figure", row, other, other_figure=other["figure"], expected=other["value"], gap_pct=gap,
                    inconsistent=beyond,
                    explanation=f"{row['year']} {row['measure']}: {row['figure']} ({row['publisher_named']}) vs "
                    f"{other['figure']} ({other['publisher_named']}), {abs(gap):.1f}% apart",
                ))  # fmt: skip
    return findings


def stated_vs_declared(statements: pl.DataFrame, declared: pl.DataFrame) -> list[dict]:
    """Each stated figure against the declarations of the same year and metric, allowing DECLARED_ALLOWANCE_PCT.

    `declared`: year, reported_by (CHN or RUS), metric (turnover / exports / imports, phrased from China's side:
    exports = China's exports to Russia), value_usd, dataset (e.g. "IMF DOTS"). A customs statement (GAC, FCS) is
    compared with its own declarant in every dataset that has it; a statement of an official or of unstated basis
    may quote either side's customs, so it is judged against the declaration it is closest to."""
    findings = []
    for row in statements.filter(pl.col("value").is_not_null()).iter_rows(named=True):
        data = declared.filter((pl.col("year") == row["year"]) & (pl.col("metric") == row["measure"]))
        declarant = CUSTOMS_SIDES.get(row["basis_code"])
        if declarant:
            data = data.filter(pl.col("reported_by") == declarant)
        stated = interval(row["value"], row["rounding"], row["bound"])
        compared = [
            (*apart(stated, (o["value_usd"], o["value_usd"]), o["value_usd"], DECLARED_ALLOWANCE_PCT), o)
            for o in data.iter_rows(named=True)
        ]
        if not declarant and compared:
            compared = [min(compared, key=lambda c: c[0])]
        for distance, beyond, other in compared:
            if distance == 0:
                continue
            gap = (row["value"] - other["value_usd"]) / other["value_usd"] * 100
            side = f"{other['dataset']}, declared by {other['reported_by']}"
            findings.append(finding(
                "stated_vs_declared", row, None, other_figure=_bn(other["value_usd"]), expected=other["value_usd"], gap_pct=gap,
                inconsistent=beyond, other_publisher=side, other_url=None, other_basis=f"declared by {other['reported_by']}",
                explanation=f"{row['year']} {row['measure']}: stated {row['figure']} ({row['publisher_named']}, {row['basis']}) vs "
                f"{_bn(other['value_usd'])} ({side}), {abs(gap):.1f}% apart",
            ))  # fmt: skip
    return findings


def declared_pair_figures(flows: pl.DataFrame, dataset: str, a: str = "CHN", b: str = "RUS") -> pl.DataFrame:
    """Each side's declared trade of the pair per year, phrased from `a`'s side as the statements are: exports =
    a's exports to b (a declares them as exports, b as imports), imports = a's imports from b, turnover = both,
    only when a side declares both directions. All-products annual rows (hs_level 0); monthly rows count only for
    a year with all 12 months. Columns: year, reported_by, metric, value_usd, dataset."""
    pair = ((pl.col("reporter_iso3") == a) & (pl.col("partner_iso3") == b)) | (
        (pl.col("reporter_iso3") == b) & (pl.col("partner_iso3") == a)
    )
    rows = flows.filter(
        pair
        & (pl.col("hs_level") == 0)
        & (pl.col("reported_by") == pl.col("reporter_iso3"))
        & pl.col("value_usd").is_not_null()
    )
    monthly = (
        rows.filter(pl.col("period").str.len_chars() > 4)
        .group_by("year", "reporter_iso3", "flow")
        .agg(pl.col("value_usd").sum(), pl.col("period").n_unique().alias("_months"))
        .filter(pl.col("_months") == 12)
        .drop("_months")
    )
    annual = (
        rows.filter(pl.col("period").str.len_chars() == 4)
        .group_by("year", "reporter_iso3", "flow")
        .agg(pl.col("value_usd").sum())
    )
    both = pl.concat([annual, monthly.join(annual, on=["year", "reporter_iso3", "flow"], how="anti")])
    china_side = (
        pl.when((pl.col("reporter_iso3") == a) == (pl.col("flow") == "export"))
        .then(pl.lit("exports"))
        .otherwise(pl.lit("imports"))
    )
    directions = both.select(
        pl.col("year").cast(pl.Int32),
        pl.col("reporter_iso3").alias("reported_by"),
        china_side.alias("metric"),
        "value_usd",
    )
    turnover = (
        directions.group_by("year", "reported_by")
        .agg(pl.col("value_usd").sum(), pl.len().alias("_n"))
        .filter(pl.col("_n") == 2)
        .select("year", "reported_by", pl.lit("turnover").alias("metric"), "value_usd")
    )
    return (
        pl.concat([directions, turnover])
        .with_columns(pl.lit(dataset).alias("dataset"))
        .sort("year", "reported_by", "metric")
    )


def check_statements(headlines: pl.DataFrame, declared: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every finding of the four checks, inconsistencies first (largest gap first), then minor differences."""
    statements = prepare(headlines)
    findings: Iterable[dict] = [
        *parts_vs_total(statements), *growth_vs_levels(statements), *rate_vs_levels(statements), *same_figure(statements),
    ]  # fmt: skip
    if declared is not None and declared.height:
        findings = [*findings, *stated_vs_declared(statements, declared)]
    return sort_findings(pl.DataFrame(list(findings), schema=FINDING_SCHEMA))


def sort_findings(findings: pl.DataFrame) -> pl.DataFrame:
    """Inconsistencies first, then by check, year and gap."""
    return findings.sort(
        ["is_inconsistent", "check", "year", "gap_pct"], descending=[True, False, False, False], nulls_last=True
    )


def disputed_statements(findings: pl.DataFrame) -> pl.DataFrame:
    """(year, source_url, value, unit, reason) of every statement an inconsistency names, on either side of it (a
    growth finding's other side is last year's statement): what a report marks as disputed. A statement named by
    several findings keeps each reason; sums of parts and declared figures are not statements and are left out."""
    bad = findings.filter(pl.col("is_inconsistent"))
    first = bad.select("year", "source_url", "value", "unit", pl.col("explanation").alias("reason"))
    second = bad.filter(pl.col("check").is_in(["growth_vs_levels", "same_figure"])).select(
        pl.when(pl.col("check") == "growth_vs_levels").then(pl.col("year") - 1).otherwise(pl.col("year")).alias("year"),
        pl.col("other_source_url").alias("source_url"),
        pl.col("other_value").alias("value"),
        "unit",
        pl.col("explanation").alias("reason"),
    )
    return pl.concat([first, second]).unique(maintain_order=True)
