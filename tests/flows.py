"""One trade_flows row for tests: an annual all-products total as one declarant reported it."""

from __future__ import annotations


def total_row(
    year: int, reporter: str, partner: str, flow: str, value: float | None, *,
    reported_by: str | None = None, source: str = "imf_dots", dataset_version: str = "t",
) -> dict:  # fmt: skip
    return {
        "year": year, "period": str(year), "reporter_iso3": reporter, "partner_iso3": partner, "flow": flow,
        "classification": "TOTAL", "hs_level": 0, "product_code": "TOTAL", "value_usd": value, "quantity": None,
        "quantity_unit": None, "net_weight_kg": None, "reported_by": reported_by or reporter, "source": source,
        "dataset_version": dataset_version,
    }  # fmt: skip
