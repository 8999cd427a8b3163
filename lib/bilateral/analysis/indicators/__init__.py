"""Trade indicators: pure functions on polars frames in the canonical column names (no I/O, no drawing).

Each function documents its formula, a reference (WITS indicator definitions; Mikic and Gilbert, *Trade
Statistics in Policymaking: A Handbook of Commonly Used Trade Indices and Indicators*, UNESCAP/ARTNeT 2009;
WTO/UNCTAD *A Practical Guide to Trade Policy Analysis*, 2012) and its edge cases. The shared contract:
a zero or missing denominator gives null (never inf), a missing row is never read as zero, and partial
years are flagged (`is_partial`). docs/indicators.md collects the formulas in one page.
"""

from bilateral.analysis.indicators.advantage import balassa_rca, trade_complementarity
from bilateral.analysis.indicators.concentration import hhi, import_dependency, supplier_concentration
from bilateral.analysis.indicators.growth import cagr, yoy_growth
from bilateral.analysis.indicators.intensity import declared_turnover_gap, mirror_gap, trade_intensity
from bilateral.analysis.indicators.intra_industry import grubel_lloyd, grubel_lloyd_aggregate
from bilateral.analysis.indicators.ranks import (
    consecutive_years_at_rank,
    leaders,
    rank_over_time,
    rival_margin,
    runs_at_rank,
    shares,
)

__all__ = [
    "balassa_rca",
    "cagr",
    "consecutive_years_at_rank",
    "declared_turnover_gap",
    "grubel_lloyd",
    "grubel_lloyd_aggregate",
    "hhi",
    "import_dependency",
    "leaders",
    "mirror_gap",
    "rank_over_time",
    "rival_margin",
    "runs_at_rank",
    "shares",
    "supplier_concentration",
    "trade_complementarity",
    "trade_intensity",
    "yoy_growth",
]
