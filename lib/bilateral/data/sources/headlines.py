"""Loader for the cited official headline figures (data/raw/official_headlines).

Each row is one statement on one page: a China-Russia trade total, a partner rank or share, or an
energy figure, with the page URL and a verbatim quote. The loader keeps every statement (several
pages may report the same year) and translates the upstream's `reporter` basis codes into ISO3
`reported_by` plus a readable `basis`, so analyses can keep Chinese and Russian customs apart.
"""

from __future__ import annotations

import polars as pl

from bilateral.data.loader_kit import fail_on_unparsed, read_verified_csv
from bilateral.data.schemas import Column, Schema, validate
from bilateral.errors import DataError

SOURCE = "official_headlines"

# Upstream `reporter` codes -> (reported_by ISO3 or None, readable basis).
BASIS = {
    "CN_GAC": ("CHN", "Chinese customs (GAC)"),
    "CN_official": ("CHN", "Chinese official, basis not stated"),
    "RU_FCS": ("RUS", "Russian customs (FCS)"),
    "RU_official": ("RUS", "Russian official, basis not stated"),
    "RU_unspecified": ("RUS", "Russian estimate, basis not stated"),
    "unspecified": (None, "Basis not stated"),
}

# Upstream metric -> (metric from China's side, flow direction); all rows are about the CHN-RUS pair.
METRICS = {
    "turnover": "turnover",
    "china_exports_to_russia": "exports",
    "china_imports_from_russia": "imports",
    "turnover_exceeds": "turnover_exceeds",
    "turnover_projection": "turnover_projection",
}

TRADE_HEADLINES = Schema(
    "trade_headlines",
    {
        "year": Column(pl.Int32, min_value=1990, max_value=2100),
        "reporter_iso3": Column(pl.String, pattern=r"[A-Z]{3}"),
        "partner_iso3": Column(pl.String, pattern=r"[A-Z]{3}"),
        "metric": Column(pl.String, allowed=frozenset(METRICS.values())),
        "value_usd": Column(pl.Float64, nullable=True, min_value=0),
        "yoy_pct": Column(pl.Float64, nullable=True, min_value=-100, max_value=1000),
        "basis_code": Column(pl.String, allowed=frozenset(BASIS)),
        "basis": Column(pl.String),
        "reported_by": Column(pl.String, nullable=True, pattern=r"[A-Z]{3}"),
        "publisher_named": Column(pl.String),
        "source_url": Column(pl.String, pattern=r"https?://\S+"),
        "quote": Column(pl.String),
        "value_decimals": Column(pl.Int8, nullable=True, min_value=0, max_value=6),
    },
)


def _read_csv(relative: str) -> pl.DataFrame:
    return read_verified_csv(SOURCE, relative)


def load_trade_headlines() -> pl.DataFrame:
    """China-Russia annual trade statements, one row per page statement, values in US$ (not billions).

    `reporter_iso3` is CHN and `partner_iso3` RUS for every row: the upstream phrases all figures
    from China's side. `value_decimals` keeps the precision as printed (84 vs 84.07) so that rounding
    is not mistaken for disagreement.
    """
    raw = _read_csv("china_russia_trade_totals.csv")
    decimals = pl.col("value_usd_bn").str.split(".").list.get(1, null_on_oob=True).str.len_chars().fill_null(0)
    frame = raw.select(
        pl.col("year").cast(pl.Int32, strict=False),
        pl.lit("CHN").alias("reporter_iso3"),
        pl.lit("RUS").alias("partner_iso3"),
        pl.col("metric").replace_strict(METRICS, default=None).alias("metric"),
        (pl.col("value_usd_bn").cast(pl.Float64, strict=False) * 1e9).alias("value_usd"),
        pl.col("yoy_pct").cast(pl.Float64, strict=False),
        pl.col("reporter").alias("basis_code"),
        pl.col("reporter").replace_strict({k: v[1] for k, v in BASIS.items()}, default=None).alias("basis"),
        pl.col("reporter").replace_strict({k: v[0] for k, v in BASIS.items()}, default=None).alias("reported_by"),
        pl.col("publisher_named"),
        pl.col("source_url"),
        pl.col("quote"),
        pl.when(pl.col("value_usd_bn").is_not_null()).then(decimals).cast(pl.Int8).alias("value_decimals"),
    )
    _fail_on_unparsed(raw, frame)
    return validate(frame, TRADE_HEADLINES, dataset=f"{SOURCE}/china_russia_trade_totals.csv")


def _fail_on_unparsed(raw: pl.DataFrame, parsed: pl.DataFrame) -> None:
    """A value present upstream that did not parse (e.g. '84,07') is a corrupt file, not a gap; unknown codes too."""
    dataset = f"{SOURCE}/china_russia_trade_totals.csv"
    fail_on_unparsed(
        raw, parsed, [("year", "year"), ("value_usd_bn", "value_usd"), ("yoy_pct", "yoy_pct")], dataset=dataset
    )
    for col, known in (("metric", METRICS), ("reporter", BASIS)):
        unknown = raw.filter(~raw[col].is_in(list(known)))
        if len(unknown):
            raise DataError(f"{dataset}: unknown {col} {unknown[col][0]!r}; known: {', '.join(known)}.")


# Statements with a unit per row (ranks, shares, tonnes, bcm): the unit text keeps qualifiers such as
# "('nearly')" or "(projection made in late 2023)" exactly as the page worded them.
STATED_FIGURES = Schema(
    "stated_figures",
    {
        "year": Column(pl.String, pattern=r"\d{4}(H[12])?"),  # 2012H1 = first half-year
        "metric": Column(pl.String, pattern=r"[a-z_]+"),
        "value": Column(pl.Float64),
        "unit": Column(pl.String),
        "basis": Column(pl.String),
        "publisher_named": Column(pl.String),
        "source_url": Column(pl.String, pattern=r"https?://\S+"),
        "quote": Column(pl.String),
    },
)


def _load_stated(relative: str) -> pl.DataFrame:
    """Load a stated-figures file; a value that is not a number is a corrupt file, not a gap."""
    raw = _read_csv(relative)
    if "value" in raw.columns:
        parsed = raw.get_column("value").cast(pl.Float64, strict=False)
        bad = raw.with_row_index("_row").filter(raw.get_column("value").is_not_null() & parsed.is_null())
        if len(bad):
            row = bad.row(0, named=True)
            raise DataError(
                f"{SOURCE}/{relative}: row {row['_row'] + 2} has value={row['value']!r}, which is not a number. "
                "Restore the file with git (`bilateral data verify` names changed files)."
            )
    return validate(raw, STATED_FIGURES, dataset=f"{SOURCE}/{relative}")


def load_share_rank() -> pl.DataFrame:
    """Partner rank and share statements (e.g. China's rank among Russia's partners), as stated."""
    return _load_stated("china_russia_share_rank.csv")


def load_energy_headlines() -> pl.DataFrame:
    """Crude oil, Power of Siberia and LNG statements; units vary by row (see `unit`)."""
    return _load_stated("russia_china_energy_headlines.csv")
