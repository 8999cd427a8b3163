"""A claim's evidence as a chart: statistics as lines, statements as their own marks, restatements drawn apart.

One panel per evidence series (each with its own unit). Declared and reconciled figures are lines, one per
declarant or estimate, drawn only between consecutive years (a missing year is a gap). Statements the verdict
counted are red hollow diamonds; restatements by the claimant's side are grey crosses, labelled "not counted", never
joined to anything. "N consecutive years at rank 1" statements are bars over the years they claim, in a panel of
their own. A target is a dashed rule. Dated events (project milestones) are a timeline with the test's window.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl

from bilateral.analysis.consistency import qualifier_of
from bilateral.analysis.evidence import COUNTED, RESTATEMENT
from bilateral.data.countries import country_name
from bilateral.viz import theme
from bilateral.viz.claim_tables import SERIES_NAMES, shown_value

STATEMENT_COUNTED = "Statement (counted)"
RESTATED = "Restatement by the claimant's side (not counted)"
STAT_COLORS = ["#1f4e79", "#7fa7d6", "#2e8b57", "#8e44ad", "#d68910"]
STATEMENT_COLOR, RESTATEMENT_COLOR = "#c0392b", "#8a8f94"
DODGE = 0.18  # of a year
UNIT_TITLES = {"US$": "US$ bn", "rank": "Rank (1 = largest)", "Mt": "Million tonnes", "bcm": "Billion cubic metres",
               "products": "Effective number of products"}  # fmt: skip
TOOLTIP = [
    alt.Tooltip("year:Q", format="d", title="Year"), alt.Tooltip("shown:N", title="Value"), alt.Tooltip("label:N", title="Figure"),
    alt.Tooltip("source:N", title="Source"), alt.Tooltip("page:N", title="Page"), alt.Tooltip("quote:N", title="Quote"),
    alt.Tooltip("note:N", title="Note"),
]  # fmt: skip


def _label(kind: str, reported_by: str | None, source: str, role: str) -> str:
    if kind == "declared":
        return (
            "Declared by each partner (mirror)"
            if reported_by == "PARTNERS"
            else f"Declared by {country_name(reported_by)}"
        )
    if kind == "reconciled":
        return f"Reconciled ({source})"
    return RESTATED if role == RESTATEMENT else STATEMENT_COUNTED


def _qualifier(row: dict) -> str:
    """The quote's word before a stated amount ("around", "more than"), "" for statistics and plain figures."""
    if row["kind"] != "statement" or row["unit"] != "US$":
        return ""
    return qualifier_of(row["quote"], row["value"]) or ""


def chart_points(evidence: pl.DataFrame) -> pl.DataFrame:
    """Rows the chart draws (counted figures and restatements with a value), with label, display value and segment."""
    drawable = pl.col("value").is_not_null() | pl.col("date").is_not_null()  # events have a date and no value
    rows = evidence.filter(drawable & pl.col("role").is_in([COUNTED, RESTATEMENT]))
    if rows.is_empty():
        return pl.DataFrame()
    labelled = rows.with_columns(
        pl.struct("kind", "reported_by", "source", "role").map_elements(lambda r: _label(r["kind"], r["reported_by"], r["source"], r["role"]), return_dtype=pl.String).alias("label"),
        pl.when(pl.col("unit") == "US$").then(pl.col("value") / 1e9).otherwise(pl.col("value")).alias("y"),
        pl.struct("value", "unit", "series", "kind", "quote", "entity").map_elements(shown_value, return_dtype=pl.String).alias("shown"),
        pl.struct("value", "unit", "kind", "quote").map_elements(_qualifier, return_dtype=pl.String).alias("qualifier"),
        pl.col("source_url").fill_null(pl.col("source")).alias("page"),
        pl.col("quote").fill_null(""), pl.col("note").fill_null(""),
    )  # fmt: skip
    segment = (pl.col("year").diff().fill_null(1) != 1).cum_sum().over("series", "label").cast(pl.Int32)
    # Statements are dodged off the year (counted to the left, restatements to the right) so they never hide a
    # statistic or each other; statistics sit on the year itself.
    dodge = (
        pl.when(pl.col("label") == STATEMENT_COUNTED)
        .then(-DODGE)
        .when(pl.col("label") == RESTATED)
        .then(DODGE)
        .otherwise(0.0)
    )
    return labelled.sort("series", "label", "year").with_columns(
        segment.alias("segment"), (pl.col("year") + dodge).alias("x")
    )


def evidence_chart(evidence: pl.DataFrame, *, title: str, source_note: str, threshold: float | None = None,
                   window: tuple[dt.date, dt.date] | None = None) -> alt.VConcatChart | None:  # fmt: skip
    """The chart for one claim's evidence table (with `role`), or None when there is nothing to draw."""
    points = chart_points(evidence)
    if points.is_empty():
        return None
    if window is not None:
        panel = _timeline(points, window)
        heading = theme.title(title, source=source_note, years=[window[0].year, window[1].year])
        return theme.fit_width(alt.vconcat(panel).properties(title=heading))
    labels = [
        *dict.fromkeys(
            points.filter(~pl.col("label").is_in([STATEMENT_COUNTED, RESTATED])).sort("label").get_column("label")
        )
    ]
    domain = [*labels, STATEMENT_COUNTED, RESTATED]
    color = alt.Color(
        "label:N", title=None, scale=theme.color_scale(domain), legend=theme.legend_beside_labels(150, orient="top")
    )
    runs = points.filter(pl.col("series") == "consecutive_years")
    starts = (runs.get_column("year") - runs.get_column("value") + 1).to_list() if runs.height else []
    years = [*points.get_column("year").to_list(), *starts]
    domain = [min(years) - 0.5, max(years) + 0.5]
    x = alt.X("x:Q", title=None, scale=alt.Scale(domain=domain, nice=False),
              axis=theme.year_axis())  # fmt: skip
    panels = []
    for series in dict.fromkeys(points.filter(pl.col("series") != "consecutive_years").get_column("series")):
        rows = points.filter(pl.col("series") == series)
        panels.append(_panel(rows, x, color, threshold if series != "rank" else None, SERIES_NAMES.get(series, series)))
    if runs.height:
        panels.append(_runs(runs, color, domain))
    heading = theme.title(title, source=source_note, years=points.get_column("year").drop_nulls().to_list(),
                          note="Lines: statistics, broken at a missing year; hollow diamonds: statements counted; crosses: restatements.")  # fmt: skip
    return theme.fit_width(alt.vconcat(*panels).resolve_scale(color="shared").properties(title=heading))


def _stat_colors(n: int) -> list[str]:
    return [STAT_COLORS[i % len(STAT_COLORS)] for i in range(n)]


def _panel(rows: pl.DataFrame, x: alt.X, color: alt.Color, threshold: float | None, name: str) -> alt.LayerChart:
    unit = rows.get_column("unit").drop_nulls().first() if rows.get_column("unit").drop_nulls().len() else None
    is_rank = rows.get_column("series").first() == "rank"
    y_title = UNIT_TITLES["rank"] if is_rank else f"{name} ({UNIT_TITLES.get(unit, unit or 'value')})"
    y = theme.rank_y("y", y_title) if is_rank else alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=False))
    stats = alt.Chart(rows.filter(pl.col("kind") != "statement"))
    said = rows.filter(pl.col("kind") == "statement")
    layers = [
        stats.mark_line(strokeWidth=2).encode(x=x, y=y, color=color, detail=alt.Detail("segment:N")),
        stats.mark_circle(size=50).encode(x=x, y=y, color=color, tooltip=TOOLTIP),
        alt.Chart(said.filter(pl.col("label") == STATEMENT_COUNTED)).mark_point(shape="diamond", filled=False, size=120, strokeWidth=2)
        .encode(x=x, y=y, color=color, tooltip=TOOLTIP),
        alt.Chart(said.filter(pl.col("label") == RESTATED)).mark_point(shape="cross", filled=True, size=90, opacity=0.8)
        .encode(x=x, y=y, color=color, tooltip=TOOLTIP),
    ]  # fmt: skip
    qualified = said.filter(pl.col("qualifier") != "")
    if qualified.height:  # the qualifier stays on the point: "around", "more than" written beside the mark
        layers.append(
            alt.Chart(qualified)
            .mark_text(align="left", dx=8, dy=-8, fontSize=10, color="#333")
            .encode(x=x, y=y, text="qualifier:N", tooltip=TOOLTIP)
        )
    if threshold is not None:
        target = pl.DataFrame({"y": [threshold / 1e9 if unit == "US$" else threshold], "text": ["target"]})
        rule = alt.Chart(target).mark_rule(strokeDash=[6, 4], color="#333").encode(y="y:Q")
        layers += [
            rule,
            alt.Chart(target)
            .mark_text(align="left", dx=4, dy=-6, color="#333")
            .encode(y="y:Q", text="text:N", x=alt.value(0)),
        ]
    return alt.layer(*layers).properties(height=200)


def _runs(runs: pl.DataFrame, color: alt.Color, domain: list[float]) -> alt.Chart:
    """'N consecutive years' statements as bars over the years they claim (year - N + 1 to year), on the year axis
    of the panels above; a bar covers each claimed year from its start to its end."""
    bars = runs.with_columns(
        (pl.col("year") - pl.col("value") + 0.5).alias("from_x"),
        (pl.col("year") + 0.5).alias("to_x"),
        (pl.col("source") + pl.lit(" (said of ") + pl.col("year").cast(pl.String) + pl.lit(")")).alias("who"),
    )
    x = alt.X("from_x:Q", title="Years a statement says China was first, consecutively", scale=alt.Scale(domain=domain, nice=False),
              axis=alt.Axis(format="d", tickMinStep=1))  # fmt: skip
    return (
        alt.Chart(bars)
        .mark_bar(height=10, opacity=0.8)
        .encode(
            x=x, x2="to_x:Q", y=alt.Y("who:N", title=None, axis=alt.Axis(labelLimit=150)), color=color, tooltip=TOOLTIP
        )
        .properties(height=max(40, 22 * bars.height))
    )


def _timeline(points: pl.DataFrame, window: tuple[dt.date, dt.date]) -> alt.LayerChart:
    """Dated events on a time axis, one row per entity, with the test's window shaded."""
    dated = points.filter(pl.col("date").is_not_null()).with_columns(pl.col("date").str.slice(0, 10).alias("day"))
    band = pl.DataFrame({"start": [window[0].isoformat()], "end": [window[1].isoformat()]})
    color = alt.Color("label:N", title=None, scale=alt.Scale(domain=[STATEMENT_COUNTED, RESTATED], range=[STATEMENT_COLOR, RESTATEMENT_COLOR]),
                      legend=theme.legend_beside_labels(150, orient="top"))  # fmt: skip
    shade = alt.Chart(band).mark_rect(opacity=0.12, color="#1f4e79").encode(x="start:T", x2="end:T")
    marks = alt.Chart(dated).mark_point(filled=True, size=70).encode(
        x=alt.X("day:T", title="Date of the milestone (window of the test shaded)"),
        y=alt.Y("entity:N", title=None, axis=alt.Axis(labelLimit=150)),
        color=color, shape=alt.Shape("label:N", legend=None),
        tooltip=[alt.Tooltip("date:N", title="Date"), alt.Tooltip("entity:N", title="Project"), alt.Tooltip("note:N", title="Milestone"),
                 alt.Tooltip("label:N", title="Figure"), alt.Tooltip("page:N", title="Page"), alt.Tooltip("quote:N", title="Quote")],
    )  # fmt: skip
    return alt.layer(shade, marks).properties(height=max(120, 24 * dated.get_column("entity").n_unique()))
