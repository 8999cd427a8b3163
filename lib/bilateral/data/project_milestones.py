"""How the cited project facts are read as milestones, and which differing statements are conflicts.

The rules live in `reference/project_milestones.yml` (read its header): which attribute marks which stage,
the hand readings of text cells and quotes that state a milestone or a plan in words, the funds and stakes
to which the construction ladder does not apply, and a verdict on every attribute where one project has
differing values. This module only loads and checks that file; `matching_rows` says which registry rows an
entry names, so a test (and the projects report) can tell when an entry no longer matches the data.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bilateral.data.reference import read_yaml
from bilateral.errors import DataError

MILESTONES_FILE = "project_milestones.yml"
LADDER = ("announced", "agreed", "construction", "commissioned", "capacity_reached")
SUSPENDED = "suspended"
_PARTIAL_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def check_partial_date(text: str) -> str:
    """An ISO year, month or date that exists on the calendar ('2019', '2019-06', '2019-06-05')."""
    if not _PARTIAL_DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not an ISO year, month or date (YYYY, YYYY-MM or YYYY-MM-DD)")
    parts = [int(p) for p in text.split("-")] + [1, 1]
    date(parts[0], parts[1], parts[2])  # ValueError for 2019-13 or 2019-02-30
    return text


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StageRule(_Entry):
    """What a dated cell of one attribute means: the stage, the event's name, and whether it starts the stage."""

    stage: str
    event: str
    enters: bool = True


class RowRef(_Entry):
    """One registry row, named by attribute and the cell's text exactly as in projects.csv."""

    attribute: str
    value: str


class Reading(_Entry):
    """A milestone or plan read by hand from a text cell or a quote, with the words it rests on."""

    project: str
    attribute: str
    value: str
    stage: str
    kind: Literal["done", "plan"]
    date: str
    date_words: str = ""  # how the page put the date when it is not a plain date ("after 2030", "end of 2019")
    event: str
    because: str = Field(min_length=3)
    enters: bool = True

    @field_validator("date")
    @classmethod
    def _real_date(cls, value: str) -> str:
        return check_partial_date(value)


class Difference(_Entry):
    """The verdict on one (project, attribute) whose rows hold differing values."""

    project: str
    attribute: str
    verdict: Literal["conflict", "not_a_conflict"]
    why: str = Field(min_length=3)
    also: tuple[RowRef, ...] = ()  # rows of other attributes that belong to the same conflict


class CrossConflict(_Entry):
    """A conflict between rows of different attributes of one project."""

    project: str
    topic: str
    why: str = Field(min_length=3)
    rows: tuple[RowRef, ...] = Field(min_length=2)


class MilestoneRules(_Entry):
    """The whole reading file, validated: stage names used anywhere must be declared in `stages`."""

    stages: tuple[str, ...]
    attribute_stages: dict[str, StageRule]
    plan_words: tuple[str, ...]
    connectivity_sectors: tuple[str, ...]
    descriptive_attributes: tuple[str, ...] = ("chinese_participants", "russian_participants", "location", "other")
    readings: tuple[Reading, ...]
    not_built: dict[str, str]
    differences: tuple[Difference, ...]
    conflicts_across_attributes: tuple[CrossConflict, ...] = ()

    @model_validator(mode="after")
    def _known_stages(self) -> MilestoneRules:
        if tuple(self.stages) != (*LADDER, SUSPENDED):
            raise ValueError(
                f"stages must be {', '.join((*LADDER, SUSPENDED))} in this order (the code relies on them)"
            )
        used = {rule.stage for rule in self.attribute_stages.values()} | {r.stage for r in self.readings}
        unknown = sorted(used - set(self.stages))
        if unknown:
            raise ValueError(f"unknown stage(s) {', '.join(unknown)}; declared stages: {', '.join(self.stages)}")
        keys = [(d.project, d.attribute) for d in self.differences]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        if twice:
            raise ValueError(f"differences classified twice: {twice}")
        return self

    def verdict(self, project: str, attribute: str) -> Difference | None:
        return next((d for d in self.differences if (d.project, d.attribute) == (project, attribute)), None)


@cache
def load_milestone_rules() -> MilestoneRules:
    """The reading rules from the reference file; DataError naming the problem if it is malformed."""
    try:
        return MilestoneRules.model_validate(read_yaml(MILESTONES_FILE))
    except ValidationError as exc:
        raise DataError(f"{MILESTONES_FILE} is malformed: {exc}. Fix the entry or restore the file from git.") from exc


def matching_rows(projects: pl.DataFrame, project: str, ref: RowRef | Reading) -> pl.DataFrame:
    """Rows of the cooperation_projects table that an entry names (project, attribute, exact cell text)."""
    return projects.filter(
        (pl.col("project_id") == project) & (pl.col("attribute") == ref.attribute) & (pl.col("value_text") == ref.value)
    )


def unmatched_entries(projects: pl.DataFrame, rules: MilestoneRules) -> list[str]:
    """Entries of the reading file that name no row of `projects` (stale after an edit of the data), as text."""
    problems = []
    for reading in rules.readings:
        if matching_rows(projects, reading.project, reading).is_empty():
            problems.append(f"reading {reading.project}/{reading.attribute}={reading.value!r}")
    for entry in rules.differences:
        if projects.filter(
            (pl.col("project_id") == entry.project) & (pl.col("attribute") == entry.attribute)
        ).is_empty():
            problems.append(f"difference {entry.project}/{entry.attribute}")
        problems += [f"difference {entry.project}: also {r.attribute}={r.value!r}" for r in entry.also
                     if matching_rows(projects, entry.project, r).is_empty()]  # fmt: skip
    for entry in rules.conflicts_across_attributes:
        problems += [f"conflict {entry.project}/{entry.topic}: {r.attribute}={r.value!r}" for r in entry.rows
                     if matching_rows(projects, entry.project, r).is_empty()]  # fmt: skip
    known = set(projects.get_column("project_id").unique().to_list())
    problems += [f"not_built {name}" for name in rules.not_built if name not in known]
    return problems
