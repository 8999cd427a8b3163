"""Build the projects report: China-Russia mega-projects by stage, what slipped, what stayed on paper, conflicts.

Everything comes from the cited registry (data/raw/cooperation_registry/projects.csv: one fact per page) read
through the milestone rules (lib/bilateral/data/reference/project_milestones.yml). The stage of a project is
the highest rung of announced, agreed, construction, commissioned, capacity reached that a cited milestone
shows reached, or suspended when a dated suspension is its latest milestone; plans are drawn and counted
apart from milestones reached. Conflicting statements stay side by side; funds and stakes are kept apart.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from bilateral.analysis import project_conflicts, projects
from bilateral.data import catalog
from bilateral.data.project_milestones import LADDER, SUSPENDED, MilestoneRules, load_milestone_rules
from bilateral.reports.pages import KeyNumber, Page, method_text
from bilateral.reports.pages import projects_tables as ptables
from bilateral.reports.params import ALL, ProjectsParams
from bilateral.viz import project_charts

SOURCE_NOTE = "Source: cited pages (cooperation registry); page and quote in every tooltip. Statements, not statistics."
STAGE_WORDS = {
    "announced": "were announced", "agreed": "signed an agreement or contract", "construction": "started construction",
    "commissioned": "were commissioned or opened", "capacity_reached": "reached design capacity", "suspended": "were suspended",
}  # fmt: skip


@cache
def registry() -> tuple[pl.DataFrame, MilestoneRules, pl.DataFrame, pl.DataFrame]:
    """The projects table, the rules, every milestone and every project's stage (computed once per process)."""
    table = catalog.load("cooperation_projects")
    rules = load_milestone_rules()
    events = projects.milestone_events(table, rules)
    return table, rules, events, projects.project_stages(table, events, rules)


def values_present() -> dict[str, object]:
    """What the parameters may take: sectors, stages some project is at, and the years milestones span."""
    table, _, events, stages = registry()
    return {
        "sectors": sorted(table.get_column("sector").unique().to_list()),
        "statuses": [s for s in (*LADDER, SUSPENDED) if s in set(stages.get_column("stage").drop_nulls())],
        "years": (
            int(events.get_column("date_start").dt.year().min()),
            int(events.get_column("date_end").dt.year().max()),
        ),
    }


def build(params: ProjectsParams) -> Page:
    table, rules, all_events, all_stages = registry()
    stages = all_stages.filter(_selected(params))
    ids = stages.get_column("project_id").to_list()
    events = all_events.filter(pl.col("project_id").is_in(ids))
    facts = table.filter(pl.col("project_id").is_in(ids))
    page = Page(
        title=params.title(), answer="", has_data=bool(ids), sources=[catalog.citation(f) for f in params.sources()]
    )
    page.method = method_text("projects")
    page.notes = _notes()
    if not ids:
        page.answer = (f"**No project matches sector={params.sector} and status={params.status}.** The registry's projects by "
                       "stage are listed with the defaults (`-p sector=all -p status=all`).")  # fmt: skip
        return page
    newest = projects.newest_fact(table)
    span = (params.start_year, params.end_year)
    counts = projects.stage_counts(stages)
    period = projects.reached_in_period(events, *span, leave_out=rules.not_built)
    slipped = projects.slips(events)
    overdue = projects.overdue_plans(events, newest)
    paper = projects.paper_only(stages, events, newest)
    conflicts = project_conflicts.conflicts(table, rules).filter(pl.col("project_id").is_in(ids))
    page.answer = _findings(params, table, stages, counts, period, slipped, overdue, paper, conflicts, events)
    page.key_numbers = _key_numbers(stages, counts, slipped, newest)

    in_window = events.filter((pl.col("date_end").dt.year() >= span[0]) & (pl.col("date_start").dt.year() <= span[1]))
    page.add_chart(f"Milestones and plans, {span[0]}–{span[1]}", lambda: project_charts.timeline_chart(
        in_window, years=span, newest=newest, title="Milestones reached (filled) and plans (hollow diamonds), by project",
        source_note=SOURCE_NOTE + " A bar spans the year or month a page gives.",
    ))  # fmt: skip
    page.add_chart("Projects by stage, as of each one's latest cited fact", lambda: project_charts.stage_chart(
        stages, title="Projects by stage as of their latest cited fact (funds and stakes left out)", source_note=SOURCE_NOTE,
    ))  # fmt: skip
    connectivity = in_window.filter(pl.col("sector").is_in(list(rules.connectivity_sectors)))
    if not connectivity.is_empty():
        page.add_chart("Connectivity: bridges, cableway, rail, power line", lambda: project_charts.timeline_chart(
            connectivity, years=_extent(connectivity, span), newest=newest, title="Connectivity projects: bridges, cableway, rail, power line",
            source_note=SOURCE_NOTE,
        ))  # fmt: skip

    page.tables["Stage of each project as of its latest cited fact"] = ptables.stage_table(stages)
    page.tables["Projects per stage (the construction ladder; funds and stakes apart)"] = ptables.count_table(
        counts, stages
    )
    page.tables[f"Milestones reached in {span[0]}–{span[1]}"] = ptables.period_table(period)
    page.tables["Slipped: a later date than an earlier stated plan"] = ptables.slip_table(slipped)
    page.tables["Plan dates passed with no milestone since in the registry"] = ptables.overdue_table(overdue, newest)
    page.tables["Announced or agreed, no later milestone (announcements are not progress)"] = ptables.paper_table(paper)
    page.tables["Conflicting statements, side by side"] = ptables.conflict_table(conflicts)
    explained = project_conflicts.explained_differences(table, rules).filter(pl.col("project_id").is_in(ids))
    page.tables["Differing values that are not conflicts"] = ptables.explained_table(explained)
    unreviewed = project_conflicts.unreviewed_differences(table, rules).filter(pl.col("project_id").is_in(ids))
    if not unreviewed.is_empty():
        page.tables["Differing values not yet reviewed (possible conflicts)"] = ptables.unreviewed_table(unreviewed)
    connected = stages.filter(pl.col("sector").is_in(list(rules.connectivity_sectors)))
    if not connected.is_empty():
        page.tables["Connectivity projects: dates and figures as stated"] = ptables.connectivity_table(
            connected, facts, events
        )
    page.tables["Capacity, size and cost as stated"] = ptables.figure_table(facts, rules)
    funds = stages.filter(~pl.col("is_built"))
    if not funds.is_empty():
        page.tables["Funds and equity stakes (the construction ladder does not apply)"] = ptables.fund_table(
            funds, facts, rules
        )
    undated = projects.undated_stage_statements(facts, events, rules)
    if not undated.is_empty():
        page.tables["Stage statements without a date (shown, not dated by us)"] = ptables.undated_table(undated)
    page.tables["How a stage is read from the facts"] = ptables.rules_table(rules)
    return page


def _extent(events: pl.DataFrame, span: tuple[int, int]) -> tuple[int, int]:
    """The years the events cover, within the period (a chart of a few projects need not span every year)."""
    first = max(span[0], int(events.get_column("date_start").dt.year().min()))
    return first, min(span[1], max(int(events.get_column("date_end").dt.year().max()), first))


def _selected(params: ProjectsParams) -> pl.Expr:
    keep = pl.lit(True)
    if params.sector != ALL:
        keep &= pl.col("sector") == params.sector
    if params.status != ALL:
        keep &= pl.col("stage") == params.status
    return keep


def _key_numbers(stages: pl.DataFrame, counts: pl.DataFrame, slipped: pl.DataFrame, newest: object) -> list[KeyNumber]:
    """Construction projects, those in operation (commissioned or at capacity) and those that slipped, as of the
    registry's newest fact: counted by the workbench from cited statements."""
    as_of = str(getattr(newest, "year", newest))
    by_stage = {r["stage"]: r["projects"] for r in counts.iter_rows(named=True)}
    built = stages.filter(pl.col("is_built")).height
    working = by_stage.get("commissioned", 0) + by_stage.get("capacity_reached", 0)
    slips = slipped.get_column("project_id").n_unique() if not slipped.is_empty() else 0
    return [
        KeyNumber("Construction projects", built, "projects", as_of, "computed", digits=0, by="from cited statements"),
        KeyNumber(
            "In operation",
            working,
            "commissioned or at capacity",
            as_of,
            "computed",
            digits=0,
            by="from cited statements",
        ),
        KeyNumber(
            "Slipped against a stated plan", slips, "projects", as_of, "computed", digits=0, by="from cited statements"
        ),
    ]


def _names(frame: pl.DataFrame, limit: int = 12) -> str:
    names = [project_charts.short_name(n) for n in frame.get_column("project_name").to_list()]
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _findings(params: ProjectsParams, table: pl.DataFrame, stages: pl.DataFrame, counts: pl.DataFrame, period: pl.DataFrame,
              slipped: pl.DataFrame, overdue: pl.DataFrame, paper: pl.DataFrame, conflicts: pl.DataFrame, events: pl.DataFrame) -> str:  # fmt: skip
    """A bold answer (projects per stage as of their latest fact), then one bullet per finding, all computed."""
    built, funds = stages.filter(pl.col("is_built")), stages.filter(~pl.col("is_built"))
    scope = (
        ""
        if params.sector == ALL and params.status == ALL
        else f" (selection: sector {params.sector}, status {params.status})"
    )
    by_stage = {r["stage"]: r["projects"] for r in counts.iter_rows(named=True)}
    lead = (
        f"**As of each project's latest cited fact, the {built.height} construction projects{scope} stand at: "
        + ", ".join(f"{project_charts.STAGE_LABELS[s]} {by_stage[s]}" for s in (*LADDER, SUSPENDED))
        + ".**"
    )
    bullets = [
        f"Source: the cited registry, {table.get_column('project_id').n_unique()} China–Russia projects as {table.height} facts "
        f"(newest page dated {projects.newest_fact(table).isoformat()}); statements, not statistics."
    ]
    capacity_plans = events.filter((pl.col("stage") == "capacity_reached") & (pl.col("kind") == projects.PLAN))
    if by_stage["capacity_reached"] == 0 and not capacity_plans.is_empty():
        bullets.append("No cited fact shows a project at design capacity; plans to reach it: " + "; ".join(
            f"{project_charts.short_name(r['project_name'])} {r['date_words']}" for r in capacity_plans.iter_rows(named=True)) + ".")  # fmt: skip
    if not funds.is_empty():
        bullets.append(
            f"{funds.height} funds and equity stakes ({_names(funds)}) are shown apart: the construction ladder does not apply."
        )
    per_stage = period.group_by("stage").agg(pl.col("project_id").n_unique().alias("n"))
    reached = {r["stage"]: r["n"] for r in per_stage.iter_rows(named=True)}
    bullets.append(f"In {params.start_year}–{params.end_year}, by the dates the pages give: "
                   + ", ".join(f"{reached.get(s, 0)} {STAGE_WORDS[s]}" for s in (*LADDER, SUSPENDED)) + ".")  # fmt: skip
    if not slipped.is_empty():
        bullets.append("Slipped (a later date than an earlier stated plan): " + "; ".join(
            f"{project_charts.short_name(r['project_name'])}, {project_charts.STAGE_LABELS[r['stage']]} planned for {r['planned']}, "
            f"{r['then']} {r['then_date']}" for r in slipped.iter_rows(named=True)) + ".")  # fmt: skip
    if not overdue.is_empty():
        bullets.append(f"Plan dates passed with no milestone since in the registry ({overdue.height}): " + "; ".join(
            f"{project_charts.short_name(r['project_name'])} ({r['event']}, {r['date_words']})" for r in overdue.iter_rows(named=True)) + ".")  # fmt: skip
    if not paper.is_empty():
        oldest = paper.row(0, named=True)
        bullets.append(
            f"Announcements are not progress: {paper.height} projects show nothing after an announcement or agreement; the oldest is "
            f"{project_charts.short_name(oldest['project_name'])} ({oldest['last_milestone']}, {oldest['last_date']}"
            + (f"; latest status: \"{oldest['latest_status']}\", {oldest['latest_status_as_of']}" if oldest["latest_status"] else "") + ")."
        )  # fmt: skip
    if not conflicts.is_empty():
        bullets.append(
            f"{conflicts.get_column('conflict').n_unique()} conflicts between pages are shown side by side below, never resolved."
        )
    return lead + "\n\n" + "\n".join(f"- {b}" for b in bullets)


def _notes() -> list[str]:
    return [
        "Every date and figure is a statement: what a page said (page and quote in each tooltip), not official statistics; "
        "several pages are reposts or mirrors (lower grade, PROVENANCE.md of the registry).",
        'Coverage is headline-level, not exhaustive: "no milestone since" means none in the registry, not that none happened.',
        "A stage is read from the attribute of a dated fact; text cells and quotes that state a milestone or a plan in words "
        "are read by hand, each with the words it rests on (lib/bilateral/data/reference/project_milestones.yml).",
        "A date is never made more precise than the page gives it: a year spans the whole year on the timeline.",
        "Costs and values stay in the page's currency and wording; nothing is converted by us (a US$ figure beside a "
        "rouble or yuan cost is the page's own conversion).",
    ]
