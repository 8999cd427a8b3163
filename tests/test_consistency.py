"""Consistency of cited figures, on tiny hand-made statement tables: parts vs totals, stated growth vs the levels it
links, one figure on several pages, statements vs declared statistics. Every expected number is worked out by hand
in the comment beside it."""

from __future__ import annotations

import polars as pl
import pytest

from bilateral.analysis import consistency as cs
from bilateral.data.schemas import TRADE_FLOWS
from bilateral.data.sources.headlines import BASIS


def stated(year: int, metric: str, value_bn: str | None, *, yoy: float | None = None, basis: str = "CN_GAC",
           page: str = "https://example.org/a", quote: str = "as quoted", publisher: str = "a page") -> dict:  # fmt: skip
    decimals = len(value_bn.split(".")[1]) if value_bn and "." in value_bn else 0
    return {
        "year": year, "reporter_iso3": "CHN", "partner_iso3": "RUS", "metric": metric,
        "value_usd": float(value_bn) * 1e9 if value_bn else None, "yoy_pct": yoy, "basis_code": basis,
        "basis": BASIS[basis][1], "reported_by": BASIS[basis][0], "publisher_named": publisher, "source_url": page,
        "quote": quote, "value_decimals": decimals if value_bn else None,
    }  # fmt: skip


def table(*rows: dict) -> pl.DataFrame:
    schema = {"year": pl.Int32, "reporter_iso3": pl.String, "partner_iso3": pl.String, "metric": pl.String, "value_usd": pl.Float64,
              "yoy_pct": pl.Float64, "basis_code": pl.String, "basis": pl.String, "reported_by": pl.String,
              "publisher_named": pl.String, "source_url": pl.String, "quote": pl.String, "value_decimals": pl.Int8}  # fmt: skip
    return pl.DataFrame(list(rows), schema=schema)


def findings(*rows: dict, declared: pl.DataFrame | None = None) -> pl.DataFrame:
    return cs.check_statements(table(*rows), declared)


@pytest.mark.parametrize(
    ("quote", "value", "expected"),
    [
        ("Last year bilateral trade stood at around $29 billion.", 29e9, "around"),
        ("in 2018 it added 27.1% to over $107 bln", 107e9, "over"),
        ("soared by nearly 30 percent in 2018, reaching a record number of $107.06 billion", 107.06e9, None),
        ("Trade ... topped 56.83 billion U.S. dollars in 2008", 56.83e9, "topped"),
    ],
)
def test_a_qualifier_counts_only_directly_before_the_figure(quote, value, expected):
    assert cs.qualifier_of(quote, value) == expected


def test_stated_growth_implying_a_level_far_from_last_years_statement_is_inconsistent():
    got = findings(
        stated(2015, "turnover", "64.2"), stated(2016, "turnover", "69.5", yoy=2.2, page="https://example.org/b")
    )
    row = got.row(0, named=True)
    # 69.5 / 1.022 = 68.00 bn implied for 2015; the 2015 statement says 64.2: (64.2 - 68.00) / 68.00 = -5.6%.
    assert (row["check"], row["year"], row["is_inconsistent"]) == ("growth_vs_levels", 2016, True)
    assert row["expected"] == pytest.approx(69.5e9 / 1.022)
    assert row["gap_pct"] == pytest.approx((64.2 / (69.5 / 1.022) - 1) * 100)
    assert row["source_url"] == "https://example.org/b" and row["other_source_url"] == "https://example.org/a"


def test_a_qualified_level_keeps_its_qualifier_and_is_still_compared():
    got = findings(
        stated(2006, "turnover", "29", basis="RU_official", quote="bilateral trade stood at around $29 billion."),
        stated(2007, "turnover", "48.2", yoy=44, basis="CN_official"),
    ).row(0, named=True)
    # 48.2 / 1.44 = 33.47 bn; "around 29" is 13.4% below it (rounding of 29 and of 44% leaves a wide gap).
    assert got["is_inconsistent"] and got["other_figure"] == "around 29 bn"
    assert got["expected"] == pytest.approx(48.2e9 / 1.44)
    assert "different bases" in got["explanation"]


def test_a_revision_within_one_percent_is_a_minor_difference_not_an_inconsistency():
    got = findings(
        stated(2016, "turnover", "69.525"), stated(2017, "turnover", "84.07", yoy=20.8, page="https://example.org/b")
    )
    # 84.07 / 1.208 = 69.59 vs 69.525: beyond the printed rounding (84.065 / 1.2085 = 69.56) but only 0.1% apart.
    assert got.height == 1 and not got.row(0, named=True)["is_inconsistent"]


def test_a_lower_bound_is_met_by_any_larger_implied_level():
    rows = [
        stated(2004, "turnover_exceeds", "20", basis="unspecified"),
        stated(2005, "turnover", "29.1", yoy=37, basis="CN_official"),
    ]
    assert findings(*rows).is_empty(), "29.1 / 1.37 = 21.24 bn is more than 20 bn"


def test_last_years_level_of_the_same_basis_is_preferred_to_other_bases():
    rows = [
        stated(2020, "turnover", "107.76"),
        stated(2020, "turnover", "104", basis="RU_official", page="https://example.org/putin"),
        stated(2021, "turnover", "146.9", yoy=35.9, page="https://example.org/b"),
    ]
    got = findings(*rows)
    # 146.9 / 1.359 = 108.09 vs GAC's 107.76 (0.3%, minor); Putin's 104 (another basis) is not compared.
    assert got.height == 1 and got.row(0, named=True)["other_source_url"] == "https://example.org/a"


def test_chinese_and_russian_customs_growth_are_not_compared_with_each_other():
    rows = [stated(2017, "turnover", "84.07"), stated(2018, "turnover", "108.3", yoy=24.5, basis="RU_FCS")]
    assert findings(*rows).is_empty(), "108.3 / 1.245 = 86.99 (FCS basis) vs 84.07 (GAC): a known difference of basis"


def test_a_rate_stated_without_a_level_is_checked_against_the_levels_of_both_years():
    rows = [stated(2006, "turnover", "29", basis="RU_official"), stated(2007, "turnover", "48.2", basis="CN_official"),
            stated(2007, "turnover", None, yoy=44.3, page="https://example.org/gac")]  # fmt: skip
    got = findings(*rows).filter(pl.col("source_url") == "https://example.org/gac").row(0, named=True)
    # 48.2 / 29 - 1 = +66.2%, 21.9 points above the stated +44.3%.
    assert got["is_inconsistent"] and got["gap_pct"] == pytest.approx((48.2 / 29 - 1) * 100 - 44.3)


def test_parts_that_do_not_add_up_to_the_total():
    rows = [stated(2017, "exports", "42.9"), stated(2017, "imports", "41.2"), stated(2017, "turnover", "84.07", page="https://example.org/t"),
            stated(2017, "turnover", "80.07", page="https://example.org/typo")]  # fmt: skip
    got = findings(*rows).filter(pl.col("check") == "parts_vs_total")
    # 42.9 + 41.2 = 84.1 (+-0.1 from rounding): 84.07 agrees; 80.07 is 4.8% below.
    assert got.get_column("source_url").to_list() == ["https://example.org/typo"]
    assert got.row(0, named=True)["gap_pct"] == pytest.approx((80.07 / 84.1 - 1) * 100)


def test_the_same_figure_on_two_pages_agrees_within_its_rounding():
    rows = [stated(2017, "turnover", "84"), stated(2017, "turnover", "84.07", page="https://example.org/b"),
            stated(2017, "turnover", "80.07", page="https://example.org/typo")]  # fmt: skip
    got = findings(*rows).filter(pl.col("check") == "same_figure")
    assert got.height == 2 and got.get_column("is_inconsistent").all(), (
        "84 agrees with 84.07; 80.07 agrees with neither"
    )
    assert set(got.get_column("other_source_url")) == {"https://example.org/typo"}


def flow(year: int, reporter: str, partner: str, direction: str, value: float, period: str | None = None) -> dict:
    return {"year": year, "period": period or str(year), "reporter_iso3": reporter, "partner_iso3": partner, "flow": direction,
            "classification": "TOTAL", "hs_level": 0, "product_code": "TOTAL", "value_usd": value, "quantity": None,
            "quantity_unit": None, "net_weight_kg": None, "reported_by": reporter, "source": "t", "dataset_version": "t"}  # fmt: skip


def test_declared_figures_are_phrased_from_chinas_side_and_partial_years_dropped():
    rows = [flow(2015, "CHN", "RUS", "export", 34.81e9), flow(2015, "CHN", "RUS", "import", 33.14e9),
            flow(2015, "RUS", "CHN", "export", 28.6e9), flow(2015, "RUS", "CHN", "import", 35.0e9)]  # fmt: skip
    rows += [flow(2016, "CHN", "RUS", "import", 1e9, f"2016-{m:02d}") for m in range(1, 12)]  # 11 months: no 2016 row
    got = cs.declared_pair_figures(pl.DataFrame(rows, schema=TRADE_FLOWS.polars_schema()), "DOTS")
    values = {(r["reported_by"], r["metric"]): r["value_usd"] for r in got.iter_rows(named=True)}
    assert values == {
        ("CHN", "exports"): 34.81e9, ("CHN", "imports"): 33.14e9, ("CHN", "turnover"): pytest.approx(67.95e9),
        ("RUS", "exports"): 35.0e9, ("RUS", "imports"): 28.6e9, ("RUS", "turnover"): pytest.approx(63.6e9),
    }, "Russia's imports from China are China's exports to Russia"  # fmt: skip
    assert set(got.get_column("year")) == {2015}


def test_a_customs_statement_is_compared_with_its_own_declarant_and_an_officials_with_the_closest():
    declared = pl.DataFrame({"year": [2015, 2015, 2007, 2007], "reported_by": ["CHN", "RUS", "CHN", "RUS"],
                             "metric": ["turnover"] * 4, "value_usd": [67.95e9, 64.2e9, 48.11e9, 40.31e9], "dataset": ["DOTS"] * 4},
                            schema_overrides={"year": pl.Int32})  # fmt: skip
    got = findings(
        stated(2015, "turnover", "64.2"), stated(2007, "turnover", "48.2", basis="RU_official"), declared=declared
    )
    # GAC's 64.2 vs China's own declaration 67.95: 5.5% apart (Russia's 64.2 is not its basis); the Russian trade
    # mission's 48.2 quotes no basis and matches China's 48.11 (0.2%, within the 2% allowance).
    rows = {r["year"]: r for r in got.iter_rows(named=True)}
    assert rows[2015]["is_inconsistent"] and rows[2015]["gap_pct"] == pytest.approx((64.2 / 67.95 - 1) * 100)
    assert not rows[2007]["is_inconsistent"] and rows[2007]["other_basis"] == "declared by CHN"


def test_disputed_statements_name_both_sides_of_a_growth_inconsistency():
    got = findings(
        stated(2015, "turnover", "64.2"), stated(2016, "turnover", "69.5", yoy=2.2, page="https://example.org/b")
    )
    disputed = cs.disputed_statements(got)
    assert sorted(disputed.select("year", "source_url").rows()) == [
        (2015, "https://example.org/a"),
        (2016, "https://example.org/b"),
    ]


# --- stated energy volumes ---------------------------------------------------------------------------------------------


def volume(
    year: str, metric: str, value: float, unit: str, *, basis: str = "RU_operator", page: str = "https://example.org/v"
) -> dict:
    return {"year": year, "metric": metric, "value": value, "unit": unit, "basis": basis, "publisher_named": page.rsplit("/", 1)[-1],
            "source_url": page, "quote": "as quoted"}  # fmt: skip


def test_volumes_on_several_pages_agree_within_rounding_and_disagree_beyond_it():
    from bilateral.analysis import consistency_volumes as cv

    rows = pl.DataFrame([
        volume("2022", "power_of_siberia_gas_to_china", 15.4, "bcm", page="https://example.org/a"),
        volume("2022", "power_of_siberia_gas_to_china", 15.5, "bcm", page="https://example.org/b"),
        volume("2022", "power_of_siberia_gas_to_china", 15.1, "bcm", page="https://example.org/c"),
        volume("2021", "china_crude_imports_from_russia", 1.59, "million barrels per day", basis="CN_GAC"),
        volume("2023", "power_of_siberia_gas_to_china_projection", 23.2, "bcm (projection made in late 2023)"),
    ])  # fmt: skip
    got = cv.check_volumes(rows)
    # 15.4 (15.35-15.45) and 15.5 (15.45-15.55) touch: no finding. 15.1 (15.05-15.15) is 0.2 below 15.35 (1.3% of 15.1)
    # and 0.3 below 15.45 (2.0%): both beyond the 1% allowance. Barrels per day and projections are not compared.
    assert got.height == 2 and got.get_column("is_inconsistent").all()
    assert set(got.get_column("other_source_url")) == {"https://example.org/c"} and set(got.get_column("unit")) == {
        "bcm"
    }


def test_a_customs_volume_statement_against_chinas_customs_series():
    from bilateral.analysis import consistency_volumes as cv

    rows = pl.DataFrame([volume("2017", "china_crude_imports_from_russia", 59.8, "million tonnes", basis="CN_GAC")])
    declared = pl.DataFrame({"year": [2017], "measure": ["crude oil, Russia to China"], "value": [59.54], "unit": ["Mt"],
                             "reported_by": ["CHN"], "dataset": ["customs"]}, schema_overrides={"year": pl.Int32})  # fmt: skip
    got = cv.check_volumes(rows, declared).row(0, named=True)
    # 59.8 (59.75-59.85) vs 59.54: 0.21 apart, 0.35% of 59.54, within the 2% allowance: a minor difference.
    assert got["check"] == "stated_vs_declared" and not got["is_inconsistent"]
    assert got["gap_pct"] == pytest.approx((59.8 / 59.54 - 1) * 100)
