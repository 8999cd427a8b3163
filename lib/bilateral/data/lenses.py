"""Sector lenses: named sets of HS code prefixes (energy, agri-food, critical minerals, high-tech ...).

Lenses are data (`reference/product_lenses.yml`), each with a cited definition or a written rationale, so a
chart titled "high-tech" can say exactly which codes it means and why. Prefixes are HS 2022 codes; 2-digit
lenses work on any revision, longer prefixes may need a concordance first (each lens says so).
"""

from __future__ import annotations

import warnings
from functools import cache

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bilateral.data.reference import Citation, read_yaml
from bilateral.errors import DataError, ParameterError

LENSES_FILE = "product_lenses.yml"
# Revisions in which 4- and 6-digit prefixes (written in HS 2022) may not mean the same goods.
_OLDER_REVISIONS = frozenset({"HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "H0", "H1", "H2", "H3", "H4", "H5"})


class Lens(BaseModel):
    """One lens: HS prefixes, why these codes (rationale and/or cited sources), and revision notes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    prefixes: tuple[str, ...] = Field(min_length=1)
    rationale: str = ""
    sources: tuple[Citation, ...] = ()
    revision_notes: str = ""

    @field_validator("prefixes")
    @classmethod
    def _prefixes_are_hs_codes(cls, prefixes: tuple[str, ...]) -> tuple[str, ...]:
        bad = [p for p in prefixes if not (isinstance(p, str) and p.isdigit() and len(p) in (2, 4, 6))]
        if bad:
            raise ValueError(f"prefixes must be 2, 4 or 6 digit strings; bad: {bad}")
        return prefixes

    @model_validator(mode="after")
    def _has_justification(self) -> Lens:
        if not self.rationale.strip() and not self.sources:
            raise ValueError("a lens needs a rationale or at least one source")
        return self


@cache
def load_lenses() -> dict[str, Lens]:
    """All lenses by name, from the reference file. DataError if it is malformed."""
    raw = read_yaml(LENSES_FILE).get("lenses") or {}
    lenses = {}
    for name, body in raw.items():
        try:
            lenses[name] = Lens.model_validate({"name": name, **body})
        except (ValidationError, TypeError) as exc:
            raise DataError(f"{LENSES_FILE}: lens {name!r} is malformed: {exc}") from exc
    return lenses


def lenses_revision() -> str:
    """The HS revision the lens prefixes are written in (HS22)."""
    return str(read_yaml(LENSES_FILE).get("revision", "HS22"))


def list_lenses() -> list[str]:
    """Names of the available lenses, in file order."""
    return list(load_lenses())


def lens_info(name: str) -> Lens:
    """The full record of one lens; ParameterError listing the known lenses if unknown."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(name, str) else ""
    lenses = load_lenses()
    if key not in lenses:
        raise ParameterError(f"Unknown lens {name!r}; known lenses: {', '.join(lenses)}.")
    return lenses[key]


def lens_codes(name: str) -> list[str]:
    """The HS 2022 prefixes of a lens ('energy' -> ['27'])."""
    return list(lens_info(name).prefixes)


def describe_lenses() -> pl.DataFrame:
    """One row per lens: name, title, prefixes (comma-separated), rationale, first source URL."""
    rows = [
        {
            "lens": lens.name,
            "title": lens.title,
            "prefixes": ", ".join(lens.prefixes),
            "rationale": lens.rationale,
            "source_url": lens.sources[0].url if lens.sources else None,
        }
        for lens in load_lenses().values()
    ]
    schema = {name: pl.String for name in ("lens", "title", "prefixes", "rationale", "source_url")}
    return pl.DataFrame(rows, schema=schema)


def lens_filter(name: str) -> pl.Expr:
    """Polars expression that is true for rows inside the lens (usable on lazy frames too).

    A row matches a prefix when product_code starts with it and hs_level >= the prefix's length; TOTAL rows
    never match.
    """
    matches = [
        (pl.col("hs_level") >= len(prefix)) & pl.col("product_code").str.starts_with(prefix)
        for prefix in lens_info(name).prefixes
    ]
    return (pl.col("product_code") != "TOTAL") & pl.any_horizontal(matches)


def apply_lens(trade_flows: pl.DataFrame, name: str, *, hs_level: int | None = None) -> pl.DataFrame:
    """Rows of a trade_flows frame inside the lens, columns unchanged.

    Rows at several levels of the same product (e.g. '27' and '2709') both pass: choose one `hs_level`
    before summing, or totals double-count. Warns when the frame's classification is an older HS revision and
    the lens has 4- or 6-digit prefixes (written in HS 2022).
    """
    missing = [c for c in ("product_code", "hs_level") if c not in trade_flows.columns]
    if missing:
        raise ParameterError(f"apply_lens needs a trade_flows frame; missing column(s) {', '.join(missing)}.")
    _warn_if_revision_mismatch(trade_flows, lens_info(name))
    selected = trade_flows.filter(lens_filter(name))
    return selected if hs_level is None else selected.filter(pl.col("hs_level") == hs_level)


def _warn_if_revision_mismatch(trade_flows: pl.DataFrame, lens: Lens) -> None:
    if "classification" not in trade_flows.columns or all(len(p) == 2 for p in lens.prefixes):
        return
    older = sorted(set(trade_flows.get_column("classification").drop_nulls().unique().to_list()) & _OLDER_REVISIONS)
    if older:
        warnings.warn(
            f"Lens '{lens.name}' uses HS 2022 codes at 4/6 digits but the data is classified in {', '.join(older)}: "
            f"some goods may be missed or mis-assigned without a concordance. {lens.revision_notes}",
            UserWarning,
            stacklevel=3,
        )
