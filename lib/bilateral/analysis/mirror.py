"""Mirror view: the same flow as declared by each side of a pair.

A's exports to B (declared by A) should match B's imports from A (declared by B), and vice versa; they rarely
do. Exports are valued FOB and imports CIF, so the importer's figure is usually higher by freight and
insurance; bigger gaps point to timing, goods routed or re-exported through third countries, country of origin
versus consignment, confidential lines, different HS revisions, or misreporting. This module lines the two
declarations up and measures the gap; it reads nothing and draws nothing.
"""

from __future__ import annotations

import polars as pl

from bilateral.data.countries import normalize_iso3
from bilateral.errors import ParameterError

VALUATION_NOTE = (
    "Exports are valued FOB (at the exporter's border) and imports CIF (including freight and insurance to the "
    "importer's border), so the importer's figure usually exceeds the mirror export figure by those costs; larger "
    "gaps can come from timing, re-exports or transit via third countries, origin vs consignment attribution, "
    "confidential lines, differing HS revisions or misreporting."
)

# Rows are matched on these; classification is kept per side because each declarant may use its own HS revision.
_MATCH_KEYS = ["year", "period", "hs_level", "product_code"]
_REQUIRED = ["reporter_iso3", "partner_iso3", "flow", "value_usd", *_MATCH_KEYS]


def mirror_view(trade_flows: pl.DataFrame, a: str, b: str) -> pl.DataFrame:
    """Both declarations of A->B and B->A trade, per year/period and product, with the discrepancy.

    Columns: exporter_iso3, importer_iso3, year, period, hs_level, product_code, exporter_classification,
    importer_classification, exporter_reported_value_usd (exporter's exports, FOB), importer_reported_value_usd
    (importer's imports, CIF), discrepancy_usd (importer minus exporter), discrepancy_pct (of the exporter's
    figure; null when that is missing or 0), valuation_note.

    A flow declared by only one side still appears, with the other side null (not zero: not declared, or not
    in the data). Rows whose `reported_by` is not the reporter itself (e.g. BACI's RECONCILED) are ignored.
    ParameterError if either side has more than one row per year/period/product (filter to one source first).
    """
    a, b = normalize_iso3(a, role="country a"), normalize_iso3(b, role="country b")
    if a == b:
        raise ParameterError(f"mirror_view needs two different countries; got {a} twice.")
    missing = [c for c in _REQUIRED if c not in trade_flows.columns]
    if missing:
        raise ParameterError(f"mirror_view needs a trade_flows frame; missing column(s) {', '.join(missing)}.")
    declared = _self_declared(trade_flows)
    directions = [_one_direction(declared, exporter, importer) for exporter, importer in ((a, b), (b, a))]
    return pl.concat(directions, how="vertical").sort(["exporter_iso3", "year", "period", "hs_level", "product_code"])


def _self_declared(trade_flows: pl.DataFrame) -> pl.DataFrame:
    if "reported_by" not in trade_flows.columns:
        return trade_flows
    return trade_flows.filter(pl.col("reported_by") == pl.col("reporter_iso3"))


def _one_direction(frame: pl.DataFrame, exporter: str, importer: str) -> pl.DataFrame:
    exports = _side(frame, reporter=exporter, partner=importer, flow="export", prefix="exporter")
    imports = _side(frame, reporter=importer, partner=exporter, flow="import", prefix="importer")
    joined = exports.join(imports, on=_MATCH_KEYS, how="full", coalesce=True, validate="1:1", nulls_equal=True)
    exp_usd, imp_usd = pl.col("exporter_reported_value_usd"), pl.col("importer_reported_value_usd")
    return joined.select(
        pl.lit(exporter).alias("exporter_iso3"),
        pl.lit(importer).alias("importer_iso3"),
        *[pl.col(k) for k in _MATCH_KEYS],
        pl.col("exporter_classification"),
        pl.col("importer_classification"),
        exp_usd,
        imp_usd,
        (imp_usd - exp_usd).alias("discrepancy_usd"),
        pl.when(exp_usd > 0).then((imp_usd - exp_usd) / exp_usd * 100).otherwise(None).alias("discrepancy_pct"),
        pl.lit(VALUATION_NOTE).alias("valuation_note"),
    )


def _side(frame: pl.DataFrame, *, reporter: str, partner: str, flow: str, prefix: str) -> pl.DataFrame:
    """One declarant's rows for one direction, one row per match key (checked)."""
    rows = frame.filter(pl.col("reporter_iso3") == reporter, pl.col("partner_iso3") == partner, pl.col("flow") == flow)
    classification = pl.col("classification") if "classification" in rows.columns else pl.lit(None, pl.String)
    side = rows.select(
        *[pl.col(k) for k in _MATCH_KEYS],
        classification.cast(pl.String).alias(f"{prefix}_classification"),
        pl.col("value_usd").cast(pl.Float64).alias(f"{prefix}_reported_value_usd"),
    )
    duplicated = side.filter(side.select(_MATCH_KEYS).is_duplicated())
    if duplicated.height:
        first = duplicated.row(0, named=True)
        raise ParameterError(
            f"mirror_view: {reporter}'s {flow}s {'to' if flow == 'export' else 'from'} {partner} have more than one row "
            f"for year {first['year']}, period {first['period']}, product {first['product_code']}; "
            "filter the frame to one source and dataset_version first."
        )
    return side
