"""A partner's rank and share over the years: data lines by view, statements as their own marks.

Gaps are gaps: a line is drawn only between consecutive years (each run of years is its own `segment`),
and cited statements are hollow diamonds never joined to any line, so a year after the data end is
visibly a statement. Rank (reversed axis: 1 at the top) and share are drawn as two panels on one year axis.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from bilateral.viz import theme

SERIES_SCHEMA = {"year": pl.Int32, "measure": pl.String, "view": pl.String, "value": pl.Float64, "segment": pl.Int32}
STATEMENT_LABEL = "Statement (cited page)"


def position_series(views: dict[str, pl.DataFrame], partner_iso3: str) -> pl.DataFrame:
    """Long rows (year, measure, view, value, segment) of one partner from rankings keyed by view label."""
    parts = []
    for label, ranked in views.items():
        rows = ranked.filter(pl.col("partner_iso3") == partner_iso3).sort("year")
        for measure, column in (("Rank", "rank"), ("Share %", "share_pct")):
            parts.append(rows.select(
                pl.col("year").cast(pl.Int32), pl.lit(measure).alias("measure"), pl.lit(label).alias("view"),
                pl.col(column).cast(pl.Float64).alias("value"),
            ))  # fmt: skip
    if not parts:
        return pl.DataFrame(schema=SERIES_SCHEMA)
    # a year without a value (not published) is dropped, so the segment rule breaks the line there
    present = pl.concat(parts).filter(pl.col("value").is_not_null())
    return theme.segments(present, by=("view", "measure")).select(list(SERIES_SCHEMA))


def position_chart(series: pl.DataFrame, statements: pl.DataFrame, *, title: str, source_note: str) -> alt.VConcatChart:
    """Rank (1 at the top) above share, one line per view, statements as hollow diamonds; shared year axis."""
    stated = statements.filter(pl.col("measure").is_in(["rank", "share_pct"])).select(
        pl.col("year").cast(pl.Int32),
        pl.col("measure").replace_strict({"rank": "Rank", "share_pct": "Share %"}),
        pl.lit(STATEMENT_LABEL).alias("view"), "value", "basis", "publisher_named", "source_url", "quote",
    )  # fmt: skip
    views = [*dict.fromkeys(series.get_column("view").to_list()), STATEMENT_LABEL]
    color = alt.Color("view:N", title=None, scale=theme.color_scale(views), legend=alt.Legend(orient="top", columns=1))
    years = [*series.get_column("year").to_list(), *stated.get_column("year").to_list()]
    x = theme.year_x(first=min(years), last=max(years)) if years else alt.X("year:Q", axis=theme.year_axis())
    panels = [
        _panel("Rank", series, stated, x, color, theme.rank_y()),
        _panel("Share %", series, stated, x, color, alt.Y("value:Q", title="Share of the reporter's trade, %", scale=alt.Scale(zero=True), axis=alt.Axis(format=".0f"))),
    ]  # fmt: skip
    heading = theme.title(f"{title}: rank (1 = largest) and share, %", source=source_note, years=years,
                          note="Lines: the data, broken at a missing year; hollow diamonds: cited statements.")  # fmt: skip
    return theme.fit_width(alt.vconcat(*panels).properties(title=heading))


def _panel(
    measure: str, series: pl.DataFrame, stated: pl.DataFrame, x: alt.X, color: alt.Color, y: alt.Y
) -> alt.LayerChart:
    tooltip = [alt.Tooltip("year:Q", format="d", title="Year"), alt.Tooltip("view:N", title="From"),
               alt.Tooltip("value:Q", format=",.1f", title=measure)]  # fmt: skip
    data = alt.Chart(series.filter(pl.col("measure") == measure))
    lines = data.mark_line(strokeWidth=2).encode(x=x, y=y, color=color, detail=alt.Detail("segment:N"))
    dots = data.mark_circle(size=45).encode(x=x, y=y, color=color, tooltip=tooltip)
    said = alt.Chart(stated.filter(pl.col("measure") == measure)).mark_point(shape="diamond", filled=False, size=110, strokeWidth=2).encode(
        x=x, y=y, color=color, tooltip=[
            *tooltip[:1], alt.Tooltip("value:Q", format=",.1f", title=f"Stated {measure.lower()}"),
            alt.Tooltip("basis:N", title="Basis"), alt.Tooltip("publisher_named:N", title="Publisher"),
            alt.Tooltip("source_url:N", title="Page"), alt.Tooltip("quote:N", title="Quote"),
        ],
    )  # fmt: skip
    return alt.layer(lines, dots, said).properties(height=180)
