"""Differing statements about one project: found mechanically, classified by the reading rules, never resolved.

Pure functions (no I/O). `differing_values` finds every (project, attribute) whose rows hold more than one
value; the reading rules (`bilateral.data.project_milestones`) give each a verdict with its reason. A
conflict keeps every statement side by side, each with its unit, page date and page; nothing is averaged
or picked. A difference without a verdict is reported as not yet reviewed rather than dropped.
"""

from __future__ import annotations

import polars as pl

from bilateral.data.project_milestones import MilestoneRules, RowRef, matching_rows

STATEMENT_COLUMNS = ("value_text", "unit", "as_of", "source_url", "quote")
CONFLICT_SCHEMA = {
    "conflict": pl.Int32, "project_id": pl.String, "project_name": pl.String, "topic": pl.String, "why": pl.String,
    **{column: pl.String for column in STATEMENT_COLUMNS},
}  # fmt: skip


def differing_values(projects: pl.DataFrame, rules: MilestoneRules) -> pl.DataFrame:
    """(project_id, attribute) pairs with more than one distinct value, descriptive text attributes left out.

    Columns: project_id, project_name, attribute, values (the distinct cell texts, in file order).
    """
    facts = projects.filter(~pl.col("attribute").is_in(list(rules.descriptive_attributes)))
    return (
        facts.group_by("project_id", "project_name", "attribute", maintain_order=True)
        .agg(pl.col("value_text").unique(maintain_order=True).alias("values"))
        .filter(pl.col("values").list.len() > 1)
    )


def conflicts(projects: pl.DataFrame, rules: MilestoneRules) -> pl.DataFrame:
    """Every statement of every conflict, long (CONFLICT_SCHEMA): one row per statement, `conflict` numbers them.

    A difference classified as a conflict brings all rows of its attribute plus its `also` rows; a conflict
    across attributes brings the rows it names. Rows are ordered by page date within a conflict (undated last).
    """
    groups: list[tuple[str, str, str, pl.DataFrame]] = []
    for difference in differing_values(projects, rules).iter_rows(named=True):
        verdict = rules.verdict(difference["project_id"], difference["attribute"])
        if verdict is None or verdict.verdict != "conflict":
            continue
        rows = projects.filter((pl.col("project_id") == verdict.project) & (pl.col("attribute") == verdict.attribute))
        rows = pl.concat([rows, *_named_rows(projects, verdict.project, verdict.also)])
        groups.append((verdict.project, _label(verdict.attribute), verdict.why, rows))
    for entry in rules.conflicts_across_attributes:
        groups.append(
            (entry.project, entry.topic, entry.why, pl.concat(_named_rows(projects, entry.project, entry.rows)))
        )
    parts = [
        rows.sort("as_of", nulls_last=True, maintain_order=True).select(
            pl.lit(number, pl.Int32).alias("conflict"), "project_id", "project_name", pl.lit(topic).alias("topic"),
            pl.lit(why).alias("why"), *STATEMENT_COLUMNS,
        )
        for number, (_, topic, why, rows) in enumerate(sorted(groups, key=lambda g: (g[0], g[1])), start=1)
    ]  # fmt: skip
    return pl.concat(parts) if parts else pl.DataFrame(schema=CONFLICT_SCHEMA)


def _named_rows(projects: pl.DataFrame, project: str, refs: tuple[RowRef, ...]) -> list[pl.DataFrame]:
    return [matching_rows(projects, project, ref) for ref in refs]


UNIT_SUFFIXES = {"_usd_bn": " (US$ bn)", "_rub_bn": " (RUB bn)", "_eur_bn": " (EUR bn)"}


def _label(attribute: str) -> str:
    """'cost_usd_bn' -> 'cost (US$ bn)', 'length_chinese_section' -> 'length chinese section': the attribute as words."""
    for suffix, words in UNIT_SUFFIXES.items():
        if attribute.endswith(suffix):
            return attribute.removesuffix(suffix).replace("_", " ") + words
    return attribute.replace("_", " ")


def explained_differences(projects: pl.DataFrame, rules: MilestoneRules) -> pl.DataFrame:
    """Differences judged not to be conflicts: project, attribute, the values as stated and the reason."""
    rows = []
    for difference in differing_values(projects, rules).iter_rows(named=True):
        verdict = rules.verdict(difference["project_id"], difference["attribute"])
        if verdict is not None and verdict.verdict == "not_a_conflict":
            rows.append({"project_id": difference["project_id"], "project_name": difference["project_name"],
                         "topic": _label(difference["attribute"]), "values": " | ".join(difference["values"]), "why": verdict.why})  # fmt: skip
    return pl.DataFrame(
        rows, schema={k: pl.String for k in ("project_id", "project_name", "topic", "values", "why")}, orient="row"
    )


def unreviewed_differences(projects: pl.DataFrame, rules: MilestoneRules) -> pl.DataFrame:
    """Differences with no verdict in the rules (new or edited data): shown as such, never dropped."""
    found = differing_values(projects, rules)
    reviewed = pl.DataFrame(
        [(d.project, d.attribute) for d in rules.differences],
        schema={"project_id": pl.String, "attribute": pl.String},
        orient="row",
    )
    unreviewed = found.join(reviewed, on=["project_id", "attribute"], how="anti").with_columns(
        pl.col("values").list.join(" | ")
    )
    return unreviewed.sort("project_id", "attribute")
