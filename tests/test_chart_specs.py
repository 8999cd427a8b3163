"""Chart specs: one theme, fixed colours, titles with units and years, gaps as gaps, integer rank axes, zoom.

Checked on the Vega-Lite spec (`chart.to_dict()`), so they run without a browser; tests/test_chart_browser.py
checks the same things on rendered reports.
"""

from __future__ import annotations

import polars as pl

from bilateral.data import catalog
from bilateral.viz import charts, rank_charts, theme


def _layers(spec: dict) -> list[dict]:
    """Every unit spec (a dict with a mark) inside a layer/vconcat tree."""
    found = []
    for key in ("layer", "vconcat", "hconcat"):
        for child in spec.get(key, []):
            found += _layers(child)
    if "mark" in spec:
        found.append(spec)
    return found


def _title_lines(spec: dict) -> tuple[str, list[str]]:
    title = spec["title"]
    text = title["text"]
    return (" ".join(text) if isinstance(text, list) else text), list(title.get("subtitle", []))


# --- the segment rule -----------------------------------------------------------------------------------------


def test_a_missing_year_starts_a_new_segment():
    frame = pl.DataFrame({"year": [2015, 2016, 2018, 2019], "basis": ["A"] * 4})
    assert theme.segments(frame, basis="basis").get_column("segment").to_list() == [1, 1, 2, 2]


def test_a_change_of_basis_starts_a_new_segment_even_in_consecutive_years():
    frame = pl.DataFrame({"year": [2015, 2016, 2017], "basis": ["A", "A", "B"]})
    assert theme.segments(frame, basis="basis").get_column("segment").to_list() == [1, 1, 2]


def test_segments_are_numbered_apart_in_each_group_and_sorted_by_year():
    frame = pl.DataFrame({"metric": ["x", "y", "x", "y"], "year": [2001, 2000, 2000, 2001]})
    out = theme.segments(frame, by=("metric",))
    assert out.select("metric", "year", "segment").rows() == [
        ("x", 2000, 1),
        ("x", 2001, 1),
        ("y", 2000, 2),
        ("y", 2001, 2),
    ]


def test_two_figures_for_one_year_are_never_joined_by_a_vertical_line():
    frame = pl.DataFrame({"year": [2020, 2020, 2021]})
    assert theme.segments(frame).get_column("segment").to_list() == [1, 2, 2]


# --- colours --------------------------------------------------------------------------------------------------


def test_a_registered_series_has_the_same_colour_whatever_else_the_chart_shows():
    alone = theme.color_scale(["Chinese customs (GAC)"]).to_dict()
    crowded = theme.color_scale(["Russian customs (FCS)", "basis not stated", "Chinese customs (GAC)"]).to_dict()
    assert alone["range"] == ["#c0392b"]
    assert crowded["range"][crowded["domain"].index("Chinese customs (GAC)")] == "#c0392b"


def test_unregistered_names_in_one_chart_never_share_a_colour():
    names = [f"Series {i}" for i in range(len(theme.PALETTE))]
    assert len(set(theme.color_scale(names).to_dict()["range"])) == len(names)


def test_declared_china_and_chinese_customs_statements_are_told_apart():
    assert theme.color_for("declared by China") != theme.color_for("Chinese customs (GAC)")


# --- titles and axes ------------------------------------------------------------------------------------------


def test_title_carries_years_and_source_in_lines_that_fit_a_phone():
    title = theme.title("Trade, US$ billion", source="Source: IMF Direction of Trade Statistics (DOTS), all years as published.",
                        years=[2024, 2005, None, 2010]).to_dict()  # fmt: skip
    assert title["text"] == ["Trade, US$ billion"]
    assert title["subtitle"][0] == "Years covered: 2005–2024."
    assert (
        " ".join(title["subtitle"][1:]) == "Source: IMF Direction of Trade Statistics (DOTS), all years as published."
    )
    assert all(len(line) <= theme.SUBTITLE_CHARS for line in title["subtitle"])


def test_theme_is_active_and_writes_fonts_and_integer_years_into_the_spec():
    points = pl.DataFrame({"year": [2020, 2021], "measure": ["Rank", "Rank"], "value": [2.0, 1.0], "basis": ["b", "b"],
                           "source_url": ["u", "u"]})  # fmt: skip
    spec = charts.rank_chart(points, source_note="Source: test").to_dict()
    assert spec["config"]["font"] == theme.FONT
    x_axis = _layers(spec)[0]["encoding"]["x"]["axis"]
    assert x_axis["format"] == "d" and x_axis["labelOverlap"] == "greedy" and x_axis["labelBound"] is True


def test_rank_axis_is_integer_and_reversed_so_rank_one_is_on_top():
    points = pl.DataFrame({"year": [2020, 2021], "measure": ["Rank", "Rank"], "value": [2.0, 1.0], "basis": ["b", "b"],
                           "source_url": ["u", "u"]})  # fmt: skip
    rank = _layers(charts.rank_chart(points, source_note="Source: test").to_dict())[0]["encoding"]["y"]
    assert rank["scale"]["reverse"] is True and rank["axis"]["format"] == "d" and rank["axis"]["tickMinStep"] == 1


def test_charts_fill_their_container_width():
    points = pl.DataFrame({"year": [2020], "measure": ["Rank"], "value": [1.0], "basis": ["b"], "source_url": ["u"]})
    spec = charts.rank_chart(points, source_note="Source: test").to_dict()
    assert spec["autosize"]["type"] == "fit-x"
    assert all(panel["width"] == "container" for panel in spec["vconcat"])


# --- charts on the shipped data -------------------------------------------------------------------------------


def _energy_spec() -> tuple[object, pl.DataFrame]:
    from bilateral.analysis import energy_compare

    long = energy_compare.from_headlines(catalog.load("energy_headlines"), "RUS")
    return charts.energy_chart(long, source_note="Source: cited press statements."), long


def test_energy_press_series_breaks_at_the_years_no_page_reports():
    # data/raw/official_headlines/russia_china_energy_headlines.csv has crude imports from Russia in million tonnes
    # for 2016, 2017, 2018, then 2021, 2022, 2023, 2024 (none for 2019-2020): two runs, so two line segments.
    chart, _ = _energy_spec()
    spec = chart.to_dict()
    rows = pl.DataFrame(next(iter(spec["datasets"].values())))
    press = rows.filter(
        (pl.col("commodity") == "crude_oil") & (pl.col("source_label") == "Chinese customs, as reported in the press")
    )
    runs = (
        press.group_by("segment")
        .agg(pl.col("year").min().alias("first"), pl.col("year").max().alias("last"))
        .sort("first")
    )
    assert runs.select("first", "last").rows() == [(2016, 2018), (2021, 2024)]
    line = next(
        layer
        for layer in _layers(spec)
        if (layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]) == "line"
    )
    assert line["encoding"]["detail"]["field"] == "segment"


def test_energy_title_names_the_units_and_the_years_and_colours_are_fixed_per_source():
    chart, long = _energy_spec()
    spec = chart.to_dict()
    text, subtitle = _title_lines(spec)
    assert "Mt" in text and "bcm" in text
    assert subtitle[0] == f"Years covered: {long['year'].min()}–{long['year'].max()}."
    color = _layers(spec)[0]["encoding"]["color"]["scale"]
    assert color["range"][color["domain"].index("Chinese customs, as reported in the press")] == "#e67e22"


def test_year_sliders_zoom_the_x_scale_instead_of_filtering():
    chart, _ = _energy_spec()
    spec = chart.to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert params["from_year"]["bind"]["input"] == "range" and params["to_year"]["bind"]["input"] == "range"
    for layer in _layers(spec):
        domain = layer["encoding"]["x"]["scale"]["domain"]
        assert [d["expr"] for d in domain] == ["min(from_year, to_year) - 0.5", "max(from_year, to_year) + 0.5"]
        filters = [t["filter"] for t in layer.get("transform", []) if "filter" in t]
        assert not any("from_year" in str(f) or "to_year" in str(f) for f in filters)


def test_rank_panel_of_the_partner_ranking_counts_down_from_one():
    views = {"Declared by Russia": pl.DataFrame({"year": [2019, 2021], "partner_iso3": ["CHN", "CHN"], "rank": [2, 1],
                                                 "share_pct": [16.0, 18.0]})}  # fmt: skip
    series = rank_charts.position_series(views, "CHN")
    # 2019 and 2021 with 2020 missing: two segments per measure
    assert series.filter(pl.col("measure") == "Rank").get_column("segment").n_unique() == 2
    empty = pl.DataFrame(schema={"year": pl.Int32, "measure": pl.String, "value": pl.Float64, "basis": pl.String,
                                 "publisher_named": pl.String, "source_url": pl.String, "quote": pl.String})  # fmt: skip
    spec = rank_charts.position_chart(
        series, empty, title="China among Russia's partners", source_note="Source: t"
    ).to_dict()
    y = spec["vconcat"][0]["layer"][0]["encoding"]["y"]
    assert y["scale"]["reverse"] is True and y["axis"]["format"] == "d"
    text, subtitle = _title_lines(spec)
    assert "rank" in text and subtitle[0] == "Years covered: 2019–2021."


def test_product_legend_names_products_not_bare_codes():
    table = pl.DataFrame({
        "year": [2023, 2024], "product_code": ["280461", "280461"],
        "product": ["Silicon; containing by weight not less than 99.99% of silicon"] * 2, "value_usd": [1e6, 2e6],
        "months_reported": [12, 12], "share_pct": [1.0, 2.0], "partner_rank": [3, 2],
    })  # fmt: skip
    spec = charts.product_chart(table, source_note="Source: test").to_dict()
    color = spec["vconcat"][0]["encoding"]["color"]
    assert color["field"] == "product_label"
    assert color["scale"]["domain"] == ["280461 Silicon; containing by weight not less than 99.99…"]


def test_growth_chart_has_a_legend_for_both_marks_when_the_source_stated_a_rate():
    growth = pl.DataFrame({"year": [2021, 2022], "growth_pct": [35.8, 29.3], "growth_stated_pct": [35.9, None]})
    spec = charts.growth_chart(growth, source_note="Source: test").to_dict()
    colors = [layer["encoding"]["color"] for layer in _layers(spec)]
    assert colors[0]["scale"]["domain"] == ["Computed (same basis)", "As stated by the source"]
    assert colors[0]["legend"] is not None
