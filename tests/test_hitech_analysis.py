"""High-tech trade through lenses on tiny directional frames (values worked out by hand)."""

from __future__ import annotations

import polars as pl

from bilateral.analysis import hitech

CHIPS = pl.col("product_code").str.starts_with("8542") & (pl.col("hs_level") >= 4)
PLANES = pl.col("product_code").str.starts_with("88") & (pl.col("hs_level") >= 2)


def rows(*data: tuple) -> pl.DataFrame:
    """(year, direction, product_code, value_usd) rows shaped like composition.directional output."""
    return pl.DataFrame(
        [(year, direction, code, value, None, None) for year, direction, code, value in data],
        schema={"year": pl.Int32, "direction": pl.String, "product_code": pl.String, "value_usd": pl.Float64,
                "quantity": pl.Float64, "quantity_unit": pl.String},
        orient="row",
    )  # fmt: skip


def test_segments_break_where_a_year_is_missing_within_each_group():
    frame = pl.DataFrame({"g": ["a", "a", "a", "b", "b"], "year": [2017, 2018, 2020, 2018, 2019]})
    assert hitech.with_segments(frame, ("g",)).select("g", "year", "segment").rows() == [
        ("a", 2017, 0),
        ("a", 2018, 0),
        ("a", 2020, 1),
        ("b", 2018, 0),
        ("b", 2019, 0),
    ]


def test_lens_series_gives_value_and_share_of_the_direction_with_a_real_zero_when_nothing_traded():
    data = rows(
        (2017, "A → B", "854231", 30.0), (2017, "A → B", "270900", 70.0),
        (2018, "A → B", "854231", 10.0), (2018, "A → B", "880330", 40.0), (2018, "A → B", "270900", 50.0),
    )  # fmt: skip
    series = hitech.lens_series(data, {"chips": CHIPS, "planes": PLANES})
    assert series.select("lens", "year", "value_usd", "share_pct").rows() == [
        ("chips", 2017, 30.0, 30.0),
        ("chips", 2018, 10.0, 10.0),
        ("planes", 2017, 0.0, 0.0),
        ("planes", 2018, 40.0, 40.0),
    ]
    assert hitech.change(series, "chips", "A → B") == {
        "first_year": 2017,
        "first_usd": 30.0,
        "first_pct": 30.0,
        "last_year": 2018,
        "last_usd": 10.0,
        "last_pct": 10.0,
    }
    assert hitech.change(series, "chips", "B → A") is None


def test_top_products_rank_within_the_lens_and_share_the_lens_value():
    data = rows(
        (2023, "A → B", "854231", 60.0), (2023, "A → B", "854232", 25.0), (2023, "A → B", "854239", 15.0),
        (2023, "B → A", "854232", 5.0), (2023, "A → B", "270900", 900.0),
    )  # fmt: skip
    top = hitech.lens_top_products(data, {"chips": CHIPS}, 2023, 2)
    assert top.select("direction", "rank", "product_code", "share_pct").rows() == [
        ("A → B", 1, "854231", 60.0),
        ("A → B", 2, "854232", 25.0),
        ("B → A", 1, "854232", 100.0),
    ]
