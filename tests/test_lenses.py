"""Sector lenses: prefixes as data, justified, valid HS 2022 codes, and how rows are selected."""

from __future__ import annotations

import warnings

import polars as pl
import pytest

from bilateral.data import lenses, products
from bilateral.errors import ParameterError


def _frame(codes: list[str], classification: str = "HS22") -> pl.DataFrame:
    levels = [0 if code == "TOTAL" else len(code) for code in codes]
    return pl.DataFrame(
        {
            "product_code": codes,
            "hs_level": levels,
            "classification": [classification] * len(codes),
            "value_usd": [1.0] * len(codes),
        },
        schema_overrides={"hs_level": pl.Int8},
    )


def test_the_ten_lenses_of_the_brief_are_available() -> None:
    assert lenses.list_lenses() == [
        "energy",
        "agri_food",
        "fertilisers",
        "timber",
        "machinery_electrical",
        "vehicles",
        "aircraft",
        "nuclear",
        "critical_minerals",
        "high_tech",
    ]


def test_energy_is_chapter_27() -> None:
    assert lenses.lens_codes("energy") == ["27"]


def test_agri_food_is_chapters_01_to_24() -> None:
    assert lenses.lens_codes("agri_food") == [f"{i:02d}" for i in range(1, 25)]


def test_critical_minerals_include_graphite_gallium_and_polysilicon_lines() -> None:
    assert {"250410", "380110", "811292", "280461"} <= set(lenses.lens_codes("critical_minerals"))


def test_lens_names_accept_dashes_and_capitals() -> None:
    assert lenses.lens_codes("Agri-Food") == lenses.lens_codes("agri_food")


def test_unknown_lens_lists_the_known_lenses() -> None:
    with pytest.raises(ParameterError, match=r"Unknown lens 'hightech'; known lenses: energy, "):
        lenses.lens_codes("hightech")


def test_every_lens_has_a_rationale_or_a_citation() -> None:
    for name in lenses.list_lenses():
        lens = lenses.lens_info(name)
        assert lens.rationale.strip() or lens.sources, name
        for source in lens.sources:
            assert source.url and source.says.strip(), name


def test_high_tech_cites_its_definition() -> None:
    urls = [s.url for s in lenses.lens_info("high_tech").sources]
    assert "https://www.wto.org/english/tratop_e/dtt_e/dtt-ita_e.htm" in urls


def test_every_lens_prefix_is_a_code_of_the_shipped_hs_2022_table() -> None:
    assert lenses.lenses_revision() == "HS22"
    for name in lenses.list_lenses():
        for prefix in lenses.lens_codes(name):
            assert products.validate_hs_code(prefix, revision="HS22") == prefix


def test_apply_lens_keeps_rows_under_a_prefix_at_any_deeper_level() -> None:
    flows = _frame(["27", "2709", "270900", "28"])
    assert lenses.apply_lens(flows, "energy").get_column("product_code").to_list() == ["27", "2709", "270900"]


def test_apply_lens_skips_rows_shallower_than_the_prefix() -> None:
    # chapter 84 as a whole is not "nuclear": only heading 8401 and below are
    flows = _frame(["84", "8401", "840110", "8402"])
    assert lenses.apply_lens(flows, "nuclear").get_column("product_code").to_list() == ["8401", "840110"]


def test_apply_lens_never_keeps_total_rows() -> None:
    assert lenses.apply_lens(_frame(["TOTAL", "27"]), "energy").get_column("product_code").to_list() == ["27"]


def test_apply_lens_can_keep_a_single_level_to_avoid_double_counting() -> None:
    flows = _frame(["27", "2709", "2711"])
    assert lenses.apply_lens(flows, "energy", hs_level=4).get_column("product_code").to_list() == ["2709", "2711"]


def test_apply_lens_warns_when_6_digit_prefixes_meet_older_revision_data() -> None:
    with pytest.warns(UserWarning, match="classified in HS92"):
        lenses.apply_lens(_frame(["250410"], classification="HS92"), "critical_minerals")


def test_apply_lens_does_not_warn_for_chapter_lenses_on_older_revisions() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lenses.apply_lens(_frame(["27"], classification="HS92"), "energy")


def test_describe_lenses_has_one_row_per_lens() -> None:
    table = lenses.describe_lenses()
    assert table.height == len(lenses.list_lenses())
    assert table.filter(pl.col("lens") == "nuclear").get_column("prefixes").to_list() == ["8401, 2844"]
