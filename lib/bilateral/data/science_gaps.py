"""What the shipped data cannot show about science and technology cooperation, and which public source would.

The list lives in `reference/science_gaps.yml`: each gap names what is missing, how a future connector would
fill it and the cited pages describing the source. It is a plan, not data: no figure from those pages is used.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bilateral.data.reference import Citation, read_yaml
from bilateral.errors import DataError

GAPS_FILE = "science_gaps.yml"


class Gap(BaseModel):
    """One thing the data cannot show, with the source that would show it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: str
    cannot_show: str
    connector: str
    sources: tuple[Citation, ...] = Field(min_length=1)


@cache
def science_gaps() -> tuple[Gap, ...]:
    """The gaps in file order; DataError naming the problem if the file is malformed."""
    try:
        return tuple(Gap.model_validate(entry) for entry in read_yaml(GAPS_FILE).get("gaps") or [])
    except (ValidationError, TypeError) as exc:
        raise DataError(f"{GAPS_FILE} is malformed: {exc}. Fix the entry or restore the file from git.") from exc
