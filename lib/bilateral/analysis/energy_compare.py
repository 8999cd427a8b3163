"""One energy flow into China, as several kinds of source measure it.

Chinese customs (monthly, by origin), press statements of customs and operator figures (cited pages),
and the Energy Institute / bp Statistical Review (matrices for one year per edition, and a pipeline-gas
time series) measure the same flows with different definitions and units. These pure functions put
them into one long frame, in common units where the units are comparable, so a report can show where
they agree and by how much they differ. Nothing is converted across incompatible units (coal in
exajoules stays out of a tonnes comparison; pipeline gas in tonnes stays out of a bcm comparison).
"""

from __future__ import annotations

import polars as pl

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
}

# Press metrics about Russia -> China in the official_headlines energy file: metric -> (commodity, accepted units).
HEADLINE_METRICS = {
    "china_crude_imports_from_russia": ("crude_oil", {"million tonnes": "Mt"}),
    "power_of_siberia_gas_to_china": ("pipeline_gas", {"bcm": "bcm"}),
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
                "quote",
            )
        )
    return pl.concat(rows).cast(LONG_SCHEMA)


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
    ).cast(LONG_SCHEMA)


def comparison(long: pl.DataFrame) -> pl.DataFrame:
    """Per commodity and year measured by two or more independent origins: the range of values and the spread.

    Chinese customs figures seen twice (monthly data via Wind and the press release) are one origin, and
    several statements of one origin (three Gazprom figures for 2022) too; `publications` counts them all.
    The spread is (max - min) / min over all values.
    """
    return (
        long.group_by("commodity", "year", "unit")
        .agg(
            pl.col("origin").n_unique().alias("origins"),
            pl.len().alias("publications"),
            pl.col("value").min().alias("low"),
            pl.col("value").max().alias("high"),
            pl.col("origin").unique().sort().str.join("; ").alias("origin_names"),
        )
        .filter(pl.col("origins") >= 2)
        .with_columns(((pl.col("high") - pl.col("low")) / pl.col("low") * 100).alias("spread_pct"))
        .sort("commodity", "year")
    )


def comparison_findings(compared: pl.DataFrame, exporter_name: str) -> str:
    """Sentences computed from the comparison: for each commodity, the latest year several origins cover."""
    if compared.is_empty():
        return f"No year in the selection is measured by two or more independent sources for {exporter_name}'s energy sales to China."
    sentences = []
    for commodity in COMMODITY_LABELS:
        rows = compared.filter(pl.col("commodity") == commodity)
        if rows.is_empty():
            continue
        latest = rows.row(-1, named=True)
        sentences.append(
            f"{COMMODITY_LABELS[commodity]} from {exporter_name} to China in {latest['year']}: {latest['origins']} independent "
            f"sources ({latest['origin_names']}) give {latest['low']:,.2f} to {latest['high']:,.2f} {latest['unit']} "
            f"(spread {latest['spread_pct']:.1f}%)."
        )
        steady = rows.get_column("spread_pct")
        if rows.height > 1 and steady.max() - steady.min() < 0.05 and steady.min() > 1:
            sentences.append(
                f"The spread is the same {steady.mean():.1f}% in every compared year, which points to a different volume "
                "standard rather than to a different flow."
            )
    return " ".join(sentences)


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


def _largest(rank: int) -> str:
    """1 -> 'largest', 2 -> '2nd largest', 11 -> '11th largest'."""
    if rank == 1:
        return "largest"
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix} largest"
