"""Charts of the mega-projects: a milestone timeline with its pages in the tooltips, and projects by stage.

Each milestone is drawn with its precision: a bar over the whole year or month the page gives, a mark in its
middle (filled = reached, hollow diamond = a plan). Conflicting dates for one event are both drawn. Sector and
"plans too" are Vega-Lite dropdowns (they work in a static file). Colours are fixed per stage and per sector.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import altair as alt
import polars as pl

from bilateral.viz import theme

STAGE_LABELS = {
    "announced": "announced", "agreed": "agreed", "construction": "construction", "commissioned": "commissioned",
    "capacity_reached": "capacity reached", "suspended": "suspended",
}  # fmt: skip
STAGE_COLORS = ["#9e9e9e", "#1f77b4", "#ff7f0e", "#2ca02c", "#17becf", "#d62728"]
SECTOR_COLORS = {
    "energy-gas": "#1f4e79", "energy-oil": "#8c564b", "energy-nuclear": "#9467bd", "energy-power": "#e6ab02",
    "transport-bridge": "#66a61e", "transport-rail": "#1b9e77", "industry": "#7f7f7f", "aerospace": "#d95f02",
    "finance": "#e7298a",
}  # fmt: skip
KIND_LABELS = {"done": "reached", "plan": "plan"}
ALL = "All"
PLANS_TOO, REACHED_ONLY = "Milestones and plans", "Milestones reached only"


def short_name(name: str) -> str:
    """The name without its parentheses: 'Xudapu (Xudabao) NPP units 3 and 4 (VVER-1200)' -> 'Xudapu NPP units 3 and 4'."""
    return re.sub(r"\s*\([^()]*\)", "", name).strip()


def _title(text: str, note: str, years: tuple[int, int] | list[int] = ()) -> alt.TitleParams:
    return theme.title(text, source=note, years=years)


def timeline_data(events: pl.DataFrame) -> pl.DataFrame:
    """The events with what the chart needs: label, stage and kind words, span ends and a middle date."""
    middle = pl.col("date_start") + (pl.col("date_end") - pl.col("date_start")) / 2
    return events.with_columns(
        pl.col("project_name").map_elements(short_name, return_dtype=pl.String).alias("label"),
        pl.col("stage").replace_strict(STAGE_LABELS).alias("stage_label"),
        pl.col("kind").replace_strict(KIND_LABELS).alias("kind_label"),
        pl.col("date_start").dt.to_string("%Y-%m-%d").alias("start"),
        (pl.col("date_end") + timedelta(days=1)).dt.to_string("%Y-%m-%d").alias("end"),
        middle.dt.to_string("%Y-%m-%d").alias("middle"),
        pl.col("as_of").fill_null("undated page"),
    ).select(
        "project_id", "label", "sector", "stage_label", "kind_label", "event", "date_words", "start", "end", "middle",
        "as_of", "source_url", "quote", "date_start",
    )  # fmt: skip


def timeline_chart(
    events: pl.DataFrame, *, years: tuple[int, int], newest: date, title: str, source_note: str
) -> alt.LayerChart:
    """Projects down the side (grouped by sector), time across; sector and plans picked in dropdowns."""
    data = timeline_data(events)
    order = (
        data.group_by("label", "sector")
        .agg(pl.col("date_start").min())
        .sort("sector", "date_start", "label")
        .get_column("label")
        .to_list()
    )
    sectors = sorted(data.get_column("sector").unique().to_list())
    sector = alt.param(name="sector", value=ALL, bind=alt.binding_select(options=[ALL, *sectors], name="Sector: "))
    show = alt.param(
        name="show", value=PLANS_TOO, bind=alt.binding_select(options=[PLANS_TOO, REACHED_ONLY], name="Show: ")
    )
    keep = ((sector == ALL) | (alt.datum.sector == sector)) & (
        (show == PLANS_TOO) | (alt.datum.kind_label == "reached")
    )
    x = alt.X("middle:T", title=None, scale=alt.Scale(domain=[f"{years[0]}-01-01", f"{years[1]}-12-31"]),
              axis=alt.Axis(format="%Y", labelOverlap="greedy", tickCount={"interval": "year", "step": 5}, grid=True))  # fmt: skip
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=140))
    color = alt.Color("stage_label:N", title="Stage", scale=alt.Scale(domain=list(STAGE_LABELS.values()), range=STAGE_COLORS),
                      legend=theme.legend_beside_labels(140, columns=3, orient="top", symbolOpacity=1))  # fmt: skip
    tooltip = [
        alt.Tooltip("label:N", title="Project"), alt.Tooltip("event:N", title="Milestone"), alt.Tooltip("stage_label:N", title="Stage"),
        alt.Tooltip("kind_label:N", title="Reached or plan"), alt.Tooltip("date_words:N", title="Date as stated"),
        alt.Tooltip("as_of:N", title="Page dated"), alt.Tooltip("source_url:N", title="Page"), alt.Tooltip("quote:N", title="Quote"),
    ]  # fmt: skip
    base = alt.Chart(data).transform_filter(keep)
    spans = base.mark_rule(strokeWidth=4, opacity=0.35).encode(
        x=alt.X("start:T"), x2="end:T", y=y, color=color, tooltip=tooltip
    )
    reached = base.transform_filter(alt.datum.kind_label == "reached").mark_point(filled=True, size=60, opacity=0.9)
    planned = base.transform_filter(alt.datum.kind_label == "plan").mark_point(
        shape="diamond", filled=False, size=80, strokeWidth=2
    )
    marks = [layer.encode(x=x, y=y, color=color, tooltip=tooltip) for layer in (reached, planned)]
    newest_text = f"newest page in the registry: {newest.isoformat()}"
    rule = (
        alt.Chart(pl.DataFrame({"day": [newest.isoformat()], "text": [newest_text]}))
        .mark_rule(strokeDash=[4, 3], color="#555")
        .encode(x="day:T", tooltip=alt.Tooltip("text:N", title=""))
    )
    return theme.fit_width(
        alt.layer(spans, *marks, rule)
        .add_params(sector, show)
        .properties(height=alt.Step(16), title=_title(title, source_note, years))
    )


def stage_chart(stages: pl.DataFrame, *, title: str, source_note: str) -> alt.Chart:
    """Projects per stage as of each one's latest fact: one block per project, coloured by sector."""
    data = stages.filter(pl.col("is_built")).with_columns(
        pl.col("stage").replace_strict(STAGE_LABELS).alias("stage_label"),
        pl.col("project_name").map_elements(short_name, return_dtype=pl.String).alias("label"),
        pl.lit(1).alias("one"),
        pl.col("latest_status").fill_null("–"),
    )
    sectors = [s for s in SECTOR_COLORS if s in set(data.get_column("sector"))]
    return theme.fit_width(
        alt.Chart(data)
        .mark_bar(stroke="white", strokeWidth=1)
        .encode(
            y=alt.Y(
                "stage_label:N",
                title=None,
                sort=list(STAGE_LABELS.values()),
                scale=alt.Scale(domain=list(STAGE_LABELS.values())),
            ),
            x=alt.X("sum(one):Q", title="Projects", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "sector:N",
                title="Sector",
                scale=alt.Scale(domain=sectors, range=[SECTOR_COLORS[s] for s in sectors]),
                legend=theme.legend_beside_labels(110, columns=2, orient="bottom"),
            ),
            order=alt.Order("sector:N"),
            detail="label:N",
            tooltip=[
                alt.Tooltip("label:N", title="Project"),
                alt.Tooltip("sector:N", title="Sector"),
                alt.Tooltip("stage_label:N", title="Stage"),
                alt.Tooltip("stage_dates:N", title="Since (as stated)"),
                alt.Tooltip("latest_fact:N", title="Latest fact"),
                alt.Tooltip("latest_status:N", title="Latest status statement"),
            ],  # fmt: skip
        )
        .properties(height=alt.Step(24), title=_title(title, source_note))
    )
