"""One energy flow into China, as several kinds of source measure it.

Chinese customs (monthly, by origin), press statements of customs and operator figures (cited pages),
and the Energy Institute / bp Statistical Review (matrices for one year per edition, and a pipeline-gas
time series) measure the same flows with different definitions and units. These pure functions put
them into one long frame, in common units where the units are comparable, so a report can show where
they agree and by how much they differ. Nothing is converted across incompatible units (coal in
exajoules stays out of a tonnes comparison; pipeline gas in tonnes stays out of a bcm comparison).
"""

from __future__ import annotations

import itertools

import polars as pl

from bilateral.analysis import quote_language

COMMODITY_LABELS = {"crude_oil": "Crude oil", "pipeline_gas": "Pipeline gas", "lng": "LNG", "coal": "Coal"}
UNITS = {"crude_oil": "Mt", "pipeline_gas": "bcm", "lng": "bcm", "coal": "Mt"}  # the common unit of each commodity

LONG_SCHEMA = {
    "year": pl.Int32,
    "commodity": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "origin": pl.String,  # who measured it: customs data via Wind and via the press share one origin
    "source_label": pl.String,
    "detail": pl.String,
    "source_url": pl.String,
    "quote": pl.String,
    "value_text": pl.String,  # the figure as printed with its qualifier (statements), or to 2 decimals (data)
}

# Press metrics about Russia -> China in the official_headlines energy file: metric -> (commodity, accepted units).
HEADLINE_METRICS = {
    "china_crude_imports_from_russia": ("crude_oil", {"million tonnes": "Mt"}),
    "power_of_siberia_gas_to_china": ("pipeline_gas", {"bcm": "bcm"}),
    # "nearly two billion cubic meters" (Russian ambassador, 2020): the qualifier stays with the figure
    "russia_lng_to_china": ("lng", {"bcm": "bcm", "bcm ('nearly')": "bcm"}),
}
EI_COMMODITIES = {"crude_oil": "crude_oil", "natural_gas_pipeline": "pipeline_gas", "lng": "lng"}
EI_UNITS = {"million tonnes": "Mt", "bcm": "bcm"}


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=LONG_SCHEMA)


def from_headlines(energy_headlines: pl.DataFrame, exporter: str) -> pl.DataFrame:
    """Cited statements (GAC via the press, Gazprom and officials); only Russia -> China exists in this file."""
    if exporter != "RUS":
        return _empty()
    rows = []
    for metric, (commodity, units) in HEADLINE_METRICS.items():
        selected = energy_headlines.filter(
            (pl.col("metric") == metric) & pl.col("unit").is_in(list(units)) & pl.col("year").str.contains(r"^\d{4}$")
        )
        rows.append(
            selected.select(
                pl.col("year").cast(pl.Int32),
                pl.lit(commodity).alias("commodity"),
                pl.col("value"),
                pl.col("unit").replace_strict(units).alias("unit"),
                pl.when(pl.col("basis").str.starts_with("CN_GAC"))
                .then(pl.lit("Chinese customs"))
                .when(pl.col("basis").str.starts_with("RU_media"))
                .then(pl.lit("Media reports"))
                .otherwise(pl.lit("Gazprom and officials"))
                .alias("origin"),
                pl.when(pl.col("basis").str.starts_with("CN_GAC"))
                .then(pl.lit("Chinese customs, as reported in the press"))
                .when(pl.col("basis").str.starts_with("RU_media"))
                .then(pl.lit("Media reports"))
                .otherwise(pl.lit("Gazprom and officials, as reported"))
                .alias("source_label"),
                pl.concat_str(pl.col("publisher_named"), pl.lit(" ("), pl.col("basis"), pl.lit(")")).alias("detail"),
                "source_url",
                pl.col("quote").map_elements(quote_language.with_note, return_dtype=pl.String),
                pl.struct("value", "unit")
                .map_elements(lambda r: _printed(r["value"], r["unit"]), return_dtype=pl.String)
                .alias("value_text"),
            )
        )
    return pl.concat(rows).cast(LONG_SCHEMA)


def _printed(value: float, unit: str) -> str:
    """A cited volume as printed, with the qualifier its unit carries: (2.0, "bcm ('nearly')") -> 'nearly 2'."""
    number = f"{value:,.6f}".rstrip("0").rstrip(".")
    qualifier = unit.split("('", 1)[1].split("'", 1)[0] if "('" in unit else ""
    return f"{qualifier} {number}" if qualifier else number


def _data_text() -> pl.Expr:
    """A value measured in data (customs sums, Review cells): 2 decimals, the precision of Mt and bcm in tables."""
    return pl.col("value").map_elements(lambda v: f"{v:,.2f}", return_dtype=pl.String).alias("value_text")


def from_ei_matrices(energy_trade: pl.DataFrame, exporter: str, importer: str = "CHN") -> pl.DataFrame:
    """One-year bilateral matrices of a Statistical Review edition (crude Mt, pipeline gas and LNG bcm)."""
    selected = energy_trade.filter(
        (pl.col("exporter_iso3") == exporter)
        & (pl.col("importer_iso3") == importer)
        & pl.col("commodity").is_in(list(EI_COMMODITIES))
        & pl.col("unit").is_in(list(EI_UNITS))
    )
    return selected.select(
        pl.col("year").cast(pl.Int32),
        pl.col("commodity").replace_strict(EI_COMMODITIES).alias("commodity"),
        "value",
        pl.col("unit").replace_strict(EI_UNITS).alias("unit"),
        pl.lit("Statistical Review").alias("origin"),
        pl.concat_str(pl.lit("Statistical Review ("), pl.col("edition"), pl.lit(")")).alias("source_label"),
        pl.concat_str(pl.lit("sheet '"), pl.col("sheet"), pl.lit("'")).alias("detail"),
        pl.col("source").alias("source_url"),
        pl.concat_str(pl.lit("Matrix cell "), pl.col("exporter_name"), pl.lit(" -> "), pl.col("importer_name")).alias(
            "quote"
        ),
        _data_text(),
    ).cast(LONG_SCHEMA)


def from_ei_pipeline_series(gas_interregional: pl.DataFrame, exporter: str, importer: str = "CHN") -> pl.DataFrame:
    """The Review's annual pipeline-gas series (bcm), as listed under the importer's "of which" rows."""
    selected = gas_interregional.filter(
        (pl.col("exporter_iso3") == exporter)
        & (pl.col("importer_iso3") == importer)
        & (pl.col("listed_under") == "importer")
    )
    return selected.select(
        pl.col("year").cast(pl.Int32),
        pl.lit("pipeline_gas").alias("commodity"),
        "value",
        pl.lit("bcm").alias("unit"),
        pl.lit("Statistical Review").alias("origin"),
        pl.concat_str(pl.lit("Statistical Review ("), pl.col("edition"), pl.lit(")")).alias("source_label"),
        pl.concat_str(pl.lit("sheet '"), pl.col("sheet"), pl.lit("'")).alias("detail"),
        pl.col("source").alias("source_url"),
        pl.concat_str(pl.col("importer_name"), pl.lit(" pipeline imports, of which "), pl.col("exporter_name")).alias(
            "quote"
        ),
        _data_text(),
    ).cast(LONG_SCHEMA)


def comparison(long: pl.DataFrame) -> pl.DataFrame:
    """Per commodity and year measured by two or more independent origins: the range of values, every figure by
    origin, and the spread.

    Chinese customs figures seen twice (monthly data via Wind and the press release) are one origin, and
    several statements of one origin (three Gazprom figures for 2022) too; `publications` counts them all and
    `figures` lists them ('Gazprom and officials: 15.4, 15.5, 15.5; Statistical Review: 14.67'). `spread_pct` is
    (max - min) / min over all figures; `spread_low_pct` the smallest spread when one figure is taken per origin (an
    origin's figures disagree with each other too: 15.4 against the Review's 14.67 is 5.0%, 15.5 is 5.7%).
    """
    grouped = long.sort("origin", "value").group_by("commodity", "year", "unit", maintain_order=True)
    rows = []
    for (commodity, year, unit), group in grouped:
        by_origin = {o: g for (o,), g in group.group_by("origin", maintain_order=True)}
        if len(by_origin) < 2:
            continue
        values = {o: g.get_column("value").to_list() for o, g in by_origin.items()}
        low, high = group.get_column("value").min(), group.get_column("value").max()
        rows.append({
            "commodity": commodity, "year": year, "unit": unit, "origins": len(by_origin), "publications": group.height,
            "low": low, "high": high, "origin_names": "; ".join(sorted(by_origin)),
            "figures": "; ".join(f"{o}: {', '.join(g.get_column('value_text').to_list())}" for o, g in sorted(by_origin.items())),
            "spread_pct": (high - low) / low * 100 if low else None,
            "spread_low_pct": _smallest_spread(list(values.values())),
        })  # fmt: skip
    schema = {"commodity": pl.String, "year": pl.Int32, "unit": pl.String, "origins": pl.UInt32,
              "publications": pl.UInt32, "low": pl.Float64, "high": pl.Float64, "origin_names": pl.String,
              "figures": pl.String, "spread_pct": pl.Float64, "spread_low_pct": pl.Float64}  # fmt: skip
    return pl.DataFrame(rows, schema=schema).sort("commodity", "year")


def _smallest_spread(values_by_origin: list[list[float]]) -> float | None:
    """Smallest (max - min) / min over the choices of one figure per origin, in %."""
    best = None
    for choice in itertools.product(*values_by_origin):
        if min(choice) > 0:
            spread = (max(choice) - min(choice)) / min(choice) * 100
            best = spread if best is None else min(best, spread)
    return best


def spread_text(row: dict) -> str:
    """'5.7%' when every choice of figures gives the same spread, else '5.0–5.7%'."""
    low, high = row["spread_low_pct"], row["spread_pct"]
    if high is None:
        return "–"
    return f"{high:.1f}%" if low is None or f"{low:.1f}" == f"{high:.1f}" else f"{low:.1f}–{high:.1f}%"


def comparison_findings(compared: pl.DataFrame, exporter_name: str) -> str:
    """Sentences computed from the comparison: for each commodity, the latest year several origins cover, with every
    figure by origin and the spread; then the spread in each compared year with the number of years. No cause is
    inferred from the spread: two or three years cannot show a constant ratio."""
    if compared.is_empty():
        return f"No year in the selection is measured by two or more independent sources for {exporter_name}'s energy sales to China."
    sentences = []
    for commodity in COMMODITY_LABELS:
        rows = compared.filter(pl.col("commodity") == commodity)
        if rows.is_empty():
            continue
        latest = rows.row(-1, named=True)
        sentences.append(
            f"{COMMODITY_LABELS[commodity]} from {exporter_name} to China in {latest['year']}, {latest['unit']}: "
            f"{latest['origins']} independent sources give {latest['figures']} (as stated; "
            f"spread {spread_text(latest)}{' depending on which figure of a source is taken' if '–' in spread_text(latest) else ''})."
        )
        if rows.height > 1:
            years = ", ".join(f"{r['year']} {spread_text(r)}" for r in rows.iter_rows(named=True))
            sentences.append(f"Spread by year ({rows.height} years compared): {years}.")
    return " ".join(sentences)


def customs_file_revisions(annual: pl.DataFrame, exporter: str, commodity: str = "crude_oil") -> pl.DataFrame:
    """The same customs series as two Wind downloads carry it, where they differ: year, and the volume (Mt) in the
    all-origins file (`by_origin_mt`) and in the origin's own file (`own_file_mt`, the one `from_customs` charts).

    The Russia file (downloaded 2023-03-22) holds revised months that the all-origins file (2023-01-03) does not:
    2017 crude is 59.54 Mt in one and 59.70 Mt in the other. Both are shown, never averaged. Years where the two
    agree to 0.005 Mt are left out; an origin with one file only gives an empty frame."""
    rows = annual.filter(
        (pl.col("origin_iso3") == exporter)
        & (pl.col("commodity") == commodity)
        & (pl.col("measure") == "volume")
        & pl.col("is_complete_year")
        & pl.col("value").is_not_null()
    )
    wide = rows.select("year", "file", (pl.col("value") / 1e6).alias("mt")).pivot(
        on="file", index="year", values="mt", aggregate_function="first"
    )
    own = [c for c in wide.columns if c not in ("year", "by_origin")]
    if "by_origin" not in wide.columns or not own:
        return pl.DataFrame(schema={"year": pl.Int32, "by_origin_mt": pl.Float64, "own_file_mt": pl.Float64})
    return (
        wide.select("year", pl.col("by_origin").alias("by_origin_mt"), pl.col(own[0]).alias("own_file_mt"))
        .filter((pl.col("by_origin_mt") - pl.col("own_file_mt")).abs() > 0.005)
        .with_columns(pl.col("year").cast(pl.Int32))
        .sort("year")
    )


CUSTOMS_COMMODITIES = ("crude_oil", "coal")  # in tonnes; customs gas is in tonnes too, not comparable with bcm


def from_customs(annual: pl.DataFrame, exporter: str) -> pl.DataFrame:
    """Chinese customs volumes (complete years only), tonnes -> Mt, from the file that covers the origin longest.

    The Russia file runs to 2023-02 (so 2022 is complete); the all-origins file ends in 2022-11. The two
    carry the same series with small revisions, so only one file is used per origin, never their sum.
    """
    rows = annual.filter(
        (pl.col("origin_iso3") == exporter)
        & pl.col("commodity").is_in(CUSTOMS_COMMODITIES)
        & (pl.col("measure") == "volume")
        & pl.col("is_complete_year")
        & pl.col("value").is_not_null()
    )
    if rows.is_empty():
        return _empty()
    files = rows.get_column("file").unique(maintain_order=True).sort().to_list()
    chosen = "russia" if "russia" in files else files[0]
    return (
        rows.filter(pl.col("file") == chosen)
        .select(
            pl.col("year").cast(pl.Int32),
            "commodity",
            (pl.col("value") / 1e6).alias("value"),
            pl.lit("Mt").alias("unit"),
            pl.lit("Chinese customs").alias("origin"),
            pl.lit("Chinese customs (GACC, monthly, via Wind)").alias("source_label"),
            pl.concat_str(
                pl.lit("Wind series "), pl.col("series_id"), pl.lit(", "), pl.col("file"), pl.lit(" file")
            ).alias("detail"),
            pl.col("source").alias("source_url"),
            pl.concat_str(pl.lit("Sum of 12 monthly values, "), pl.col("origin_name")).alias("quote"),
        )
        .with_columns(_data_text())
        .cast(LONG_SCHEMA)
    )


def supplier_rank_sentence(
    ranking: pl.DataFrame, exporter: str, exporter_name: str, end_year: int, commodity: str = "crude_oil"
) -> str:
    """'By Chinese customs, Russia was China's 2nd largest crude oil supplier in 2021 (15.5% of volume); ...'"""
    rows = ranking.filter(pl.col("origin_iso3") == exporter).sort("year")
    if rows.is_empty():
        return ""
    last = rows.row(-1, named=True)
    share = f" ({last['share_pct']:.1f}% of volume)" if last["share_pct"] is not None else ""
    text = (
        f"By Chinese customs, {exporter_name} was China's {_largest(last['rank'])} "
        f"{COMMODITY_LABELS.get(commodity, commodity).lower()} supplier in {last['year']}{share}"
    )
    best_rank = rows.get_column("rank").min()
    if best_rank < last["rank"]:
        best_years = rows.filter(pl.col("rank") == best_rank).get_column("year")
        span = str(best_years.min()) if best_years.len() == 1 else f"{best_years.min()}–{best_years.max()}"
        text += f"; it was the {_largest(best_rank)} in {span}"
    text += "."
    if last["year"] < end_year:
        text += f" {last['year']} is the last year with a full year of China's total imports in the customs file."
    return text


def stated_rank_sentence(energy_headlines: pl.DataFrame, exporter: str, exporter_name: str, after_year: int) -> str:
    """Ranks among China's crude suppliers that cited statements give for years after the customs ranking ends, so
    the answer runs to the latest year any source has, marked as statements: 'After 2021 only statements give the
    rank: 2nd largest in 2022 (GAC via Reuters (The Strategist); MEES (Chinese customs stats)), ...'. Statements in the
    shipped file are about Russia only; '' for other exporters or when none is later than `after_year`."""
    if exporter != "RUS":
        return ""
    rows = energy_headlines.filter(
        (pl.col("metric") == "russia_rank_among_china_crude_suppliers") & pl.col("year").str.contains(r"^\d{4}$")
    ).with_columns(pl.col("year").cast(pl.Int32))
    later = rows.filter(pl.col("year") > after_year).sort("year")
    if later.is_empty():
        return ""
    parts = []
    for (year, rank), group in later.group_by("year", "value", maintain_order=True):
        publishers = "; ".join(dict.fromkeys(group.get_column("publisher_named").to_list()))
        parts.append(f"{_largest(int(rank))} in {year} ({publishers})")
    return (
        f" After {after_year} only cited statements give {exporter_name}'s rank among China's crude oil suppliers: "
        f"{', '.join(parts)}: statements, not data."
    )


def _largest(rank: int) -> str:
    """1 -> 'largest', 2 -> '2nd largest', 11 -> '11th largest'."""
    if rank == 1:
        return "largest"
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix} largest"
