"""The Markdown tables of the projects report (one function per table, each with its lead sentence)."""

from __future__ import annotations

from datetime import date

import polars as pl

from bilateral.data.project_milestones import MilestoneRules
from bilateral.viz import tables
from bilateral.viz.project_charts import STAGE_LABELS, short_name
from bilateral.viz.statement_tables import as_stated, page_date, page_link, stated_list

NONE_FOUND = "_None in the selection._"


def _short(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col("project_name").map_elements(short_name, return_dtype=pl.String))


def _stage(value: str | None) -> str:
    return "–" if value is None else STAGE_LABELS[value]


def stage_table(stages: pl.DataFrame) -> tables.Table:
    built = _short(stages.filter(pl.col("is_built"))).sort("sector", "project_name")
    return tables.Table(
        built, {"project_name": "Project", "sector": "Sector", "stage": "Stage", "stage_dates": "Since", "latest_fact": "Latest fact",
                "latest_status": "Latest status statement", "latest_status_as_of": "Status dated"},
        {"stage": _stage, "latest_status": lambda v: tables.shorten(v, 60)},
        intro="*Since*: the dates of the milestones that put the project at its stage, as the pages give them (several where "
        "pages conflict). *Latest fact*: the newest page date or milestone about the project.",
    )  # fmt: skip


def count_table(counts: pl.DataFrame, stages: pl.DataFrame) -> tables.Table:
    funds = stages.filter(~pl.col("is_built")).height
    return tables.Table(
        counts.with_columns(pl.col("names").list.eval(pl.element().map_elements(short_name, return_dtype=pl.String)).list.join(", ")),
        {"stage": "Stage", "projects": "Projects", "names": "Which"}, {"stage": _stage},
        intro=f"Construction projects by stage as of each one's latest cited fact; {funds} funds and equity stakes are not on the ladder.",
    )  # fmt: skip


def period_table(period: pl.DataFrame) -> tables.Table | str:
    if period.is_empty():
        return NONE_FOUND
    grouped = (
        _short(period).group_by("stage", maintain_order=True)
        .agg(pl.len().alias("projects"), (pl.col("project_name") + " (" + pl.col("dates") + ")").str.join("; ").alias("which"))
    )  # fmt: skip
    return tables.Table(
        grouped, {"stage": "Stage", "projects": "Projects", "which": "Which (dates as stated)"}, {"stage": _stage},
        intro="A project counts for a stage when a milestone that starts the stage is dated within the years (funds and stakes left "
        "out); where pages conflict every date is listed.",
    )  # fmt: skip


def slip_table(slipped: pl.DataFrame) -> tables.Table | str:
    if slipped.is_empty():
        return NONE_FOUND
    return tables.Table(
        _short(slipped),
        {"project_name": "Project", "stage": "Stage", "planned": "Planned for", "planned_on": "Stated on", "planned_url": "Page",
         "then": "Then", "then_date": "Date", "then_on": "Stated on", "then_url": "Page "},
        {"stage": _stage, "planned_on": page_date, "then_on": page_date, "planned_url": page_link, "then_url": page_link},
        intro="A plan for a stage, then a later date for the same stage: reached later, or planned again for later by a later page.",
    )  # fmt: skip


def overdue_table(overdue: pl.DataFrame, newest: date) -> tables.Table | str:
    if overdue.is_empty():
        return NONE_FOUND
    return tables.Table(
        _short(overdue),
        {"project_name": "Project", "event": "Planned", "date_words": "For", "as_of": "Stated on", "source_url": "Page"},
        {"as_of": page_date, "source_url": page_link},
        intro=f"The latest plan's date has passed by the registry's newest page ({newest.isoformat()}), and no milestone of that stage "
        "or beyond is in the registry. The registry is not exhaustive: this says what was not found, not what did not happen.",
    )  # fmt: skip


def paper_table(paper: pl.DataFrame) -> tables.Table | str:
    if paper.is_empty():
        return NONE_FOUND
    return tables.Table(
        _short(paper),
        {"project_name": "Project", "sector": "Sector", "last_milestone": "Last milestone", "last_date": "Date",
         "years_since": "Years since", "plans": "Plans stated", "latest_status": "Latest status statement"},
        {"plans": lambda v: v or "–", "latest_status": lambda v: tables.shorten(v, 50)},
        intro="Projects whose newest milestone is an announcement or an agreement: no construction, opening or suspension is cited. "
        "*Years since*: from that milestone to the registry's newest page.",
    )  # fmt: skip


def conflict_table(conflicts: pl.DataFrame) -> tables.Table | str:
    if conflicts.is_empty():
        return NONE_FOUND
    first = pl.col("conflict").is_first_distinct()
    shown = _short(conflicts).with_columns(
        pl.when(first).then(pl.col("conflict").cast(pl.String)).otherwise(pl.lit("")).alias("number"),
        pl.when(first).then(pl.col("project_name")).otherwise(pl.lit("")).alias("project_name"),
        pl.when(first).then(pl.col("topic")).otherwise(pl.lit("")).alias("topic"),
        pl.when(first).then(pl.col("why")).otherwise(pl.lit("")).alias("why"),
        pl.struct("value_text", "unit")
        .map_elements(lambda r: as_stated(r["value_text"], r["unit"]), return_dtype=pl.String)
        .alias("stated"),
    )
    return tables.Table(
        shown, {"number": "No.", "project_name": "Project", "topic": "About", "stated": "Stated", "as_of": "Page dated",
                "source_url": "Page", "why": "Why it is a conflict"},
        {"as_of": page_date, "source_url": page_link},
        intro="Each conflict lists every statement with its page, oldest page first; none is picked, averaged or corrected.",
    )  # fmt: skip


def explained_table(explained: pl.DataFrame) -> tables.Table | str:
    if explained.is_empty():
        return NONE_FOUND
    return tables.Table(
        _short(explained).sort("project_name"),
                            {"project_name": "Project", "topic": "About", "values": "Values", "why": "Why not a conflict"},
        intro="Values that differ for a reason the pages give (another section, unit, precision or date); all are shown.",
    )  # fmt: skip


def unreviewed_table(unreviewed: pl.DataFrame) -> tables.Table:
    return tables.Table(
        _short(unreviewed), {"project_name": "Project", "attribute": "About", "values": "Values"},
        intro="The reading rules give no verdict on these differences yet: treat them as possible conflicts.",
    )  # fmt: skip


def connectivity_table(connected: pl.DataFrame, facts: pl.DataFrame, events: pl.DataFrame) -> tables.Table:
    rows = []
    for project in _short(connected).sort("sector", "project_name").iter_rows(named=True):
        mine = facts.filter(pl.col("project_id") == project["project_id"])
        done = events.filter((pl.col("project_id") == project["project_id"]) & (pl.col("kind") == "done"))
        rows.append({
            "project": project["project_name"], "stage": _stage(project["stage"]),
            "agreed": _dates(done, "agreed"), "construction": _dates(done, "construction"), "opened": _dates(done, "commissioned"),
            "length": stated_list(mine.filter(pl.col("attribute").str.starts_with("length"))),
            "capacity": stated_list(mine.filter(pl.col("attribute").str.starts_with("capacity") | pl.col("attribute").str.starts_with("exports_"))),
            "cost": stated_list(mine.filter(pl.col("attribute").str.starts_with("cost") | pl.col("attribute").str.starts_with("contract_value"))),
        })  # fmt: skip
    frame = pl.DataFrame(rows)
    return tables.Table(
        frame, {"project": "Project", "stage": "Stage", "agreed": "Agreed", "construction": "Construction",
                                    "opened": "Opened", "length": "Length", "capacity": "Capacity", "cost": "Cost"},
        intro="Milestones reached (dates as stated, every page's date where they differ) and every stated figure with its page date.",
    )  # fmt: skip


def _dates(done: pl.DataFrame, stage: str) -> str:
    at = done.filter(pl.col("stage") == stage).sort("date_start", maintain_order=True)
    return "; ".join(f"{r['date_text']} {r['event']}" for r in at.iter_rows(named=True)) or "–"


def figure_table(facts: pl.DataFrame, rules: MilestoneRules) -> tables.Table:
    skip = [*rules.attribute_stages, *rules.descriptive_attributes, "status"]
    figures = _short(facts.filter(~pl.col("attribute").is_in(skip))).sort(
        "project_name", "attribute", "as_of", nulls_last=True, maintain_order=True
    )
    return tables.Table(
        figures.with_columns(pl.col("attribute").str.replace_all("_", " ")),
        {"project_name": "Project", "attribute": "Figure", "value_text": "Value", "unit": "Unit", "as_of": "Page dated", "source_url": "Page"},
        {"as_of": page_date, "source_url": page_link},
        intro="Every figure as the page states it: value with its qualifier, unit (what the number means) and page date.",
    )  # fmt: skip


def fund_table(funds: pl.DataFrame, facts: pl.DataFrame, rules: MilestoneRules) -> tables.Table:
    rows = []
    for fund in _short(funds).iter_rows(named=True):
        mine = facts.filter(pl.col("project_id") == fund["project_id"])
        rows.append({"project": fund["project_name"], "what": rules.not_built[fund["project_id"]],
                     "facts": stated_list(mine.filter(~pl.col("attribute").is_in(list(rules.descriptive_attributes))))})  # fmt: skip
    return tables.Table(
        pl.DataFrame(rows), {"project": "Fund or stake", "what": "What it is", "facts": "Facts as stated (page date)"},
        intro="Funds are set up and stakes bought, not built; their facts as stated.",
    )  # fmt: skip


def undated_table(undated: pl.DataFrame) -> tables.Table:
    return tables.Table(
        _short(undated).with_columns(pl.col("attribute").str.replace_all("_", " ")),
        {
            "project_name": "Project",
            "attribute": "About",
            "value_text": "As stated",
            "as_of": "Page dated",
            "source_url": "Page",
        },
        {"as_of": page_date, "source_url": page_link},
    )


def rules_table(rules: MilestoneRules) -> tables.Table:
    frame = pl.DataFrame([
        {"attribute": name.replace("_", " "), "stage": STAGE_LABELS[rule.stage], "event": rule.event, "enters": "yes" if rule.enters else "no"}
        for name, rule in rules.attribute_stages.items()
    ])  # fmt: skip
    return tables.Table(
        frame, {"attribute": "Attribute", "stage": "Stage", "event": "Milestone", "enters": "Starts the stage"},
        intro="A dated fact of these attributes is a milestone of the stage; it is a plan when its unit says "
        f"{', '.join(rules.plan_words)} or when its date lies after the page's own date. The stage is the highest rung reached "
        "(announced < agreed < construction < commissioned < capacity reached), or suspended when a dated suspension is the "
        f"latest milestone. {len(rules.readings)} further milestones and plans are read by hand from the words of text cells and "
        "quotes (each tooltip says so and quotes the words).",
    )  # fmt: skip
