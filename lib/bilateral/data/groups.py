"""Country groups (EAEU, BRICS, SCO, EU27) as cited data, and partner aggregates over them.

Memberships live in `reference/country_groups.yml`, each with the date it is valid for and the pages it
comes from; nothing here types a member list into code. `country_converter` is not used: it fails with
pandas 3 and has no BRICS, EAEU or SCO group (see ARCHITECTURE.md).

A group total is the sum over today's members (as of the group's `as_of` date) for every year in the data.
For years before a member joined, that is "trade with the current members", not "trade with the bloc".
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bilateral.data.countries import is_known, normalize_iso3
from bilateral.data.reference import Citation, read_yaml
from bilateral.errors import DataError, ParameterError

GROUPS_FILE = "country_groups.yml"

# Columns that identify one flow apart from the partner: group totals are summed within these.
_KEY_COLUMNS = (
    "reporter_iso3",
    "year",
    "period",
    "flow",
    "classification",
    "hs_level",
    "product_code",
    "reported_by",
    "source",
    "dataset_version",
)
_REQUIRED_COLUMNS = ("partner_iso3", "value_usd", "year", "flow", "product_code")


class CountryGroup(BaseModel):
    """One group: its members (ISO3), the date the list holds for, and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    members: tuple[str, ...] = Field(min_length=1)
    as_of: str
    membership_history: str = ""
    sources: tuple[Citation, ...] = Field(min_length=1)
    notes: str = ""

    @field_validator("members")
    @classmethod
    def _members_are_iso3(cls, members: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [code for code in members if not is_known(code)]
        if unknown:
            raise ValueError(f"not ISO 3166 alpha-3 codes: {', '.join(unknown)}")
        if len(set(members)) != len(members):
            raise ValueError("a member is listed twice")
        return members


@cache
def load_groups() -> dict[str, CountryGroup]:
    """All groups from the reference file, by upper-case name. DataError if the file is malformed."""
    raw = read_yaml(GROUPS_FILE).get("groups") or {}
    groups = {}
    for name, body in raw.items():
        try:
            groups[name.upper()] = CountryGroup.model_validate({"name": name.upper(), **body})
        except (ValidationError, TypeError) as exc:
            raise DataError(f"{GROUPS_FILE}: group {name!r} is malformed: {exc}") from exc
    return groups


def known_groups() -> list[str]:
    """Names of the groups that can be used as partners, in file order."""
    return list(load_groups())


def group_info(name: str) -> CountryGroup:
    """The full record of one group (members, as-of date, citations). ParameterError if unknown."""
    key = name.strip().upper() if isinstance(name, str) else ""
    groups = load_groups()
    if key not in groups:
        raise ParameterError(f"Unknown group {name!r}; known groups: {', '.join(groups)}.")
    return groups[key]


def group_members(name: str) -> list[str]:
    """ISO3 codes of a group's members, sorted ('eaeu' and 'EAEU' both work)."""
    return sorted(group_info(name).members)


def is_group(name: str) -> bool:
    return isinstance(name, str) and name.strip().upper() in load_groups()


def expand_partners(codes_or_groups: str | Iterable[str]) -> list[str]:
    """ISO3 codes for a mix of country codes and group names, in first-seen order without repeats.

    `["EAEU", "CHN"]` -> the five EAEU members then CHN. Country codes are checked (typos get suggestions);
    a name that is neither a code nor a group raises ParameterError naming both possibilities.
    """
    items = [codes_or_groups] if isinstance(codes_or_groups, str) else list(codes_or_groups)
    expanded: list[str] = []
    for item in items:
        codes = group_members(item) if is_group(item) else [_partner_code(item)]
        expanded.extend(code for code in codes if code not in expanded)
    return expanded


def _partner_code(item: str) -> str:
    try:
        return normalize_iso3(item, role="partner")
    except ParameterError as exc:
        raise ParameterError(f"{exc} Groups can be used too: {', '.join(load_groups())}.") from exc


def aggregate_partner_group(trade_flows: pl.DataFrame, group: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Group total and members' split of a trade_flows frame, for partners in `group`.

    Returns `(totals, members)`:
    - totals: one row per flow key (reporter, year, period, flow, classification, hs_level, product_code,
      reported_by, source, dataset_version, whichever are present) with `partner_group`, `value_usd` (sum of
      members' values, nulls ignored; null when no member has a value) and `members_reporting` (members with
      a non-null value).
    - members: the member rows with `partner_group`, `value_usd` and `share_pct` (member / group total x 100;
      null when the total is 0 or the value is null).
    Members absent from the data are absent from both (absent is not zero). Pure: no I/O.
    """
    info = group_info(group)
    _require_columns(trade_flows, _REQUIRED_COLUMNS, "aggregate_partner_group")
    keys = [c for c in _KEY_COLUMNS if c in trade_flows.columns]
    rows = trade_flows.filter(pl.col("partner_iso3").is_in(list(info.members)))
    totals = (
        rows.group_by(keys, maintain_order=True)
        .agg(
            # a sum over no reported value is unknown, not zero
            pl.when(pl.col("value_usd").is_not_null().any()).then(pl.col("value_usd").sum()).alias("value_usd"),
            pl.col("value_usd").is_not_null().sum().cast(pl.Int32).alias("members_reporting"),
        )
        .with_columns(pl.lit(info.name).alias("partner_group"))
        .select([*keys, "partner_group", "value_usd", "members_reporting"])
        .sort(keys)
    )
    members = (
        rows.select([*keys, "partner_iso3", "value_usd"])
        .join(totals.select([*keys, pl.col("value_usd").alias("_group_usd")]), on=keys, how="left", nulls_equal=True)
        .with_columns(
            pl.lit(info.name).alias("partner_group"),
            pl.when(pl.col("_group_usd") > 0)
            .then(pl.col("value_usd") / pl.col("_group_usd") * 100)
            .otherwise(None)
            .alias("share_pct"),
        )
        .select([*keys, "partner_group", "partner_iso3", "value_usd", "share_pct"])
        .sort([*keys, "partner_iso3"])
    )
    return totals, members


def _require_columns(frame: pl.DataFrame, columns: Iterable[str], caller: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"{caller} needs a trade_flows frame; missing column(s) {', '.join(missing)} "
            f"(found {', '.join(frame.columns) or 'none'})."
        )
