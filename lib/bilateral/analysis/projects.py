"""Mega-projects as milestones: which stage each project has reached, what slipped, what stayed on paper.

Pure functions over the cooperation_projects table (long format: one cited fact per row) and the reading
rules of `bilateral.data.project_milestones` (no I/O). The rules say which attribute marks which stage and
carry the hand readings of text cells; everything here is mechanical from there:

- `milestone_events`: one row per milestone or plan with its page. A dated cell is a plan when its unit says
  planned/expected/scheduled or when the date lies after the page's own date (a page cannot report what has
  not yet happened). Dates keep their precision: "2019" spans the year, "2019-06" the month.
- `project_stages`: the stage of every project as of its latest cited fact: the highest rung of the ladder
  (announced, agreed, construction, commissioned, capacity reached) with a milestone reached, or `suspended`
  when a dated suspension is the latest milestone. Funds and equity stakes (`not_built`) get no rung.
- `reached_in_period`, `slips`, `overdue_plans`, `paper_only`: the findings. "Slipped" means a later date than
  an earlier stated plan for the same stage (reached later, or planned again for later); "overdue" means even
  the latest plan's date has passed the registry's newest fact with no milestone of that stage or beyond.
  Announced or agreed projects with no later milestone are listed as such: announcements are not progress.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Collection
from datetime import date

import polars as pl

from bilateral.data.project_milestones import LADDER, SUSPENDED, MilestoneRules, Reading, matching_rows

EVENT_SCHEMA = {
    "project_id": pl.String, "project_name": pl.String, "sector": pl.String, "stage": pl.String, "event": pl.String,
    "kind": pl.String, "date_text": pl.String, "date_words": pl.String, "date_start": pl.Date, "date_end": pl.Date,
    "enters": pl.Boolean, "as_of": pl.String, "read_from": pl.String, "attribute": pl.String, "value_text": pl.String,
    "unit": pl.String, "source_url": pl.String, "quote": pl.String,
}  # fmt: skip
STAGE_RANK = {stage: rank for rank, stage in enumerate(LADDER)}
DONE, PLAN = "done", "plan"


def date_span(text: str) -> tuple[date, date]:
    """First and last day an ISO year, month or date can mean: '2019' -> (2019-01-01, 2019-12-31)."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0], parts[1], 1), date(parts[0], parts[1], monthrange(parts[0], parts[1])[1])
    day = date(*parts)
    return day, day


def _unit_detail(unit: str) -> str:
    """The unit's first parenthesis ('month (ESPO second phase); ...' -> 'ESPO second phase'), or ''."""
    match = re.match(r"[a-z]+ \(([^()]*)\)", unit)
    return match.group(1) if match else ""


def _is_plan(row: dict, plan_words: tuple[str, ...]) -> bool:
    if any(word in row["unit"].lower() for word in plan_words):
        return True
    return row["as_of"] is not None and date_span(row["value_date"])[0] > date_span(row["as_of"])[1]


def milestone_events(projects: pl.DataFrame, rules: MilestoneRules) -> pl.DataFrame:
    """Every milestone and plan of every project (EVENT_SCHEMA), from dated cells and from the hand readings."""
    rows = []
    dated = projects.filter(
        pl.col("attribute").is_in(list(rules.attribute_stages)) & pl.col("value_date").is_not_null()
    )
    for row in dated.iter_rows(named=True):
        rule = rules.attribute_stages[row["attribute"]]
        detail = _unit_detail(row["unit"])
        rows.append(_event(row, stage=rule.stage, event=f"{rule.event} ({detail})" if detail else rule.event,
                           kind=PLAN if _is_plan(row, rules.plan_words) else DONE, date_text=row["value_date"],
                           enters=rule.enters, read_from="date cell"))  # fmt: skip
    for reading in rules.readings:
        for row in matching_rows(projects, reading.project, reading).iter_rows(named=True):
            rows.append(_reading_event(row, reading))
    return pl.DataFrame(rows, schema=EVENT_SCHEMA, orient="row").sort(
        "project_id", "date_start", "stage", "as_of", maintain_order=True
    )


def _reading_event(row: dict, reading: Reading) -> dict:
    return _event(row, stage=reading.stage, event=reading.event, kind=reading.kind, date_text=reading.date,
                  enters=reading.enters, read_from=f"read from the words: {reading.because}", date_words=reading.date_words)  # fmt: skip


def _event(
    row: dict, *, stage: str, event: str, kind: str, date_text: str, enters: bool, read_from: str, date_words: str = ""
) -> dict:
    start, end = date_span(date_text)
    return {
        "project_id": row["project_id"], "project_name": row["project_name"], "sector": row["sector"], "stage": stage,
        "event": event, "kind": kind, "date_text": date_text, "date_words": date_words or date_text, "date_start": start,
        "date_end": end, "enters": enters, "as_of": row["as_of"], "read_from": read_from, "attribute": row["attribute"],
        "value_text": row["value_text"], "unit": row["unit"], "source_url": row["source_url"], "quote": row["quote"],
    }  # fmt: skip


def undated_stage_statements(projects: pl.DataFrame, events: pl.DataFrame, rules: MilestoneRules) -> pl.DataFrame:
    """Cells of a stage attribute that give no date and were not read by hand: shown as statements, never dated."""
    used = events.select("project_id", "attribute", "value_text").unique()
    return projects.filter(
        pl.col("attribute").is_in(list(rules.attribute_stages)) & pl.col("value_date").is_null()
    ).join(used, on=["project_id", "attribute", "value_text"], how="anti")


def project_stages(projects: pl.DataFrame, events: pl.DataFrame, rules: MilestoneRules) -> pl.DataFrame:
    """One row per project: its stage as of its latest cited fact, since when, the latest fact and status.

    Columns: project_id, project_name, sector, is_built, stage (null for funds and stakes), stage_dates (the
    dates of the milestones that put it there, as stated; several when pages conflict), latest_fact (the newest
    page date or milestone), latest_status, latest_status_as_of, facts.
    """
    rows = []
    for (project_id,), facts in projects.group_by("project_id", maintain_order=True):
        done = events.filter((pl.col("project_id") == project_id) & (pl.col("kind") == DONE))
        stage, dates = (None, "") if project_id in rules.not_built else _stage_of(done)
        status = _latest_status(facts)
        newest = [*facts.get_column("as_of").drop_nulls().to_list(), *done.get_column("date_text").to_list()]
        rows.append({
            "project_id": project_id, "project_name": facts.item(0, "project_name"), "sector": facts.item(0, "sector"),
            "is_built": project_id not in rules.not_built, "stage": stage, "stage_dates": dates,
            "latest_fact": max(newest) if newest else None, "latest_status": status[0], "latest_status_as_of": status[1],
            "facts": facts.height,
        })  # fmt: skip
    return pl.DataFrame(rows).sort("sector", "project_id")


def _stage_of(done: pl.DataFrame) -> tuple[str | None, str]:
    """The top rung reached, or suspended when a suspension is dated at or after every other milestone."""
    ladder = done.filter(pl.col("stage").is_in(LADDER))
    suspended = done.filter(pl.col("stage") == SUSPENDED)
    if ladder.is_empty() and suspended.is_empty():
        return None, ""
    if not suspended.is_empty() and (ladder.is_empty() or suspended["date_start"].max() >= ladder["date_start"].max()):
        return SUSPENDED, _dates(suspended)
    stage = max(ladder.get_column("stage").to_list(), key=STAGE_RANK.__getitem__)
    at_stage = ladder.filter(pl.col("stage") == stage)
    entering = at_stage.filter(pl.col("enters"))
    return stage, _dates(entering if not entering.is_empty() else at_stage)


def _dates(events: pl.DataFrame) -> str:
    return "; ".join(sorted(set(events.get_column("date_text").to_list())))


def _latest_status(facts: pl.DataFrame) -> tuple[str | None, str | None]:
    """The newest `status` cell (undated ones only when no dated one exists)."""
    status = facts.filter(pl.col("attribute") == "status").sort(
        "as_of", descending=True, nulls_last=True, maintain_order=True
    )
    return (None, None) if status.is_empty() else (status.item(0, "value_text"), status.item(0, "as_of"))


def stage_counts(stages: pl.DataFrame) -> pl.DataFrame:
    """Projects per stage (every stage listed, zeros included), with their names; funds and stakes left out."""
    built = stages.filter(pl.col("is_built"))
    counted = built.group_by("stage").agg(pl.len().alias("projects"), pl.col("project_name").sort().alias("names"))
    order = pl.DataFrame({"stage": [*LADDER, SUSPENDED], "order": list(range(len(LADDER) + 1))})
    return (
        order.join(counted, on="stage", how="left", validate="1:1")
        .with_columns(pl.col("projects").fill_null(0).cast(pl.Int64), pl.col("names").fill_null([]))
        .sort("order").drop("order")
    )  # fmt: skip


def reached_in_period(
    events: pl.DataFrame, start_year: int, end_year: int, *, leave_out: Collection[str] = ()
) -> pl.DataFrame:
    """Stage x project: milestones that entered a stage within the years (inclusive), every date as stated.

    A project counts for a stage when one of its milestones of that stage is dated within the period; where
    pages give conflicting dates, each date is listed and any one in the period counts. `leave_out`: project ids
    not counted (funds and stakes, to which the ladder does not apply).
    """
    entered = events.filter(
        (pl.col("kind") == DONE)
        & pl.col("enters")
        & pl.col("date_start").dt.year().is_between(start_year, end_year)
        & ~pl.col("project_id").is_in(list(leave_out))
    )
    return (
        entered.group_by("stage", "project_id", "project_name")
        .agg(pl.col("date_text").unique().sort().str.join("; ").alias("dates"))
        .with_columns(pl.col("stage").replace_strict({s: i for i, s in enumerate([*LADDER, SUSPENDED])}, return_dtype=pl.Int32).alias("_order"))
        .sort("_order", "dates", "project_name").drop("_order")
    )  # fmt: skip


def slips(events: pl.DataFrame) -> pl.DataFrame:
    """Plans overtaken by a later date for the same stage: reached later, or planned again for later.

    Re-planning needs both pages dated (otherwise which came first is unknown). One row per plan and later fact.
    """
    found = []
    for _, group in events.group_by("project_id", "stage", maintain_order=True):
        plans = group.filter(pl.col("kind") == PLAN).to_dicts()
        reached = group.filter((pl.col("kind") == DONE) & pl.col("enters")).to_dicts()
        for plan in plans:
            later = [("reached", d) for d in reached if d["date_start"] > plan["date_end"]]
            later += [
                ("planned again", p) for p in plans if _stated_after(p, plan) and p["date_start"] > plan["date_end"]
            ]
            found += [_slip(plan, what, fact) for what, fact in later]
    schema = {"project_id": pl.String, "project_name": pl.String, "stage": pl.String, "planned": pl.String,
              "planned_on": pl.String, "planned_url": pl.String, "then": pl.String, "then_date": pl.String,
              "then_on": pl.String, "then_url": pl.String}  # fmt: skip
    return pl.DataFrame(found, schema=schema, orient="row").sort(
        "project_id", "stage", "planned", "then_date", maintain_order=True
    )


def _stated_after(later: dict, earlier: dict) -> bool:
    if later["as_of"] is None or earlier["as_of"] is None:
        return False
    return date_span(later["as_of"])[0] > date_span(earlier["as_of"])[1]


def _slip(plan: dict, what: str, fact: dict) -> dict:
    return {
        "project_id": plan["project_id"], "project_name": plan["project_name"], "stage": plan["stage"],
        "planned": plan["date_words"], "planned_on": plan["as_of"], "planned_url": plan["source_url"], "then": what,
        "then_date": fact["date_words"], "then_on": fact["as_of"], "then_url": fact["source_url"],
    }  # fmt: skip


def overdue_plans(events: pl.DataFrame, reference: date) -> pl.DataFrame:
    """Plans whose date has passed by `reference` (the registry's newest fact) with no milestone since.

    Per project and stage the plan with the latest date is taken (the most lenient reading); it is overdue
    when that date ends before `reference` and the project shows no milestone reached at that stage or beyond.
    """
    rows = []
    for (project_id, stage), plans in events.filter(pl.col("kind") == PLAN).group_by(
        "project_id", "stage", maintain_order=True
    ):
        if stage not in STAGE_RANK:
            continue
        latest = plans.sort("date_end", "as_of", nulls_last=True, maintain_order=True).row(-1, named=True)
        done = events.filter(
            (pl.col("project_id") == project_id) & (pl.col("kind") == DONE) & pl.col("stage").is_in(LADDER)
        )
        beyond = [s for s in done.get_column("stage").to_list() if STAGE_RANK[s] >= STAGE_RANK[stage]]
        if latest["date_end"] < reference and not beyond:
            rows.append(
                {
                    k: latest[k]
                    for k in (
                        "project_id",
                        "project_name",
                        "stage",
                        "event",
                        "date_words",
                        "as_of",
                        "source_url",
                        "quote",
                    )
                }
            )
    schema = {
        k: pl.String
        for k in ("project_id", "project_name", "stage", "event", "date_words", "as_of", "source_url", "quote")
    }
    return pl.DataFrame(rows, schema=schema, orient="row").sort(
        "as_of", "project_id", nulls_last=True, maintain_order=True
    )


def paper_only(stages: pl.DataFrame, events: pl.DataFrame, reference: date) -> pl.DataFrame:
    """Built projects still at announced or agreed: the last milestone, years since it, plans pending, status."""
    early = stages.filter(pl.col("is_built") & pl.col("stage").is_in(["announced", "agreed"]))
    rows = []
    for row in early.iter_rows(named=True):
        mine = events.filter(pl.col("project_id") == row["project_id"])
        last = mine.filter(pl.col("kind") == DONE).sort("date_start", maintain_order=True).row(-1, named=True)
        plans = mine.filter(pl.col("kind") == PLAN).sort("date_start", maintain_order=True)
        rows.append({
            "project_id": row["project_id"], "project_name": row["project_name"], "sector": row["sector"],
            "stage": row["stage"], "last_milestone": last["event"], "last_date": last["date_text"],
            "years_since": reference.year - last["date_start"].year,
            "plans": "; ".join(f"{p['event']}: {p['date_words']}" for p in plans.iter_rows(named=True)),
            "latest_status": row["latest_status"], "latest_status_as_of": row["latest_status_as_of"],
        })  # fmt: skip
    schema = {"project_id": pl.String, "project_name": pl.String, "sector": pl.String, "stage": pl.String,
              "last_milestone": pl.String, "last_date": pl.String, "years_since": pl.Int64, "plans": pl.String,
              "latest_status": pl.String, "latest_status_as_of": pl.String}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row").sort("last_date", "project_id")


def newest_fact(projects: pl.DataFrame) -> date:
    """The day the registry's newest page is dated (start of its month or year when less precise)."""
    return date_span(projects.get_column("as_of").drop_nulls().max())[0]
