"""The pair profile: every theme answered by its own report's build function, missing themes listed for other pairs."""

from __future__ import annotations

import pytest

from bilateral.reports.pages import answers_only, pair_profile
from bilateral.reports.params import validate_parameters


@pytest.mark.parametrize(
    ("text", "first"),
    [
        (
            "Trade was US$107.7 bn in 2020 (declared by China). The peak was 2019.",
            "Trade was US$107.7 bn in 2020 (declared by China).",
        ),
        (
            "Russia was 2nd in 2021; the largest in 2016–2018. 2021 is the last full year.",
            "Russia was 2nd in 2021; the largest in 2016–2018.",
        ),
        ("**No data.** Fetch it first.", "No data."),
        ("Counts: agreed 10, built 8.\n\n- a bullet", "Counts: agreed 10, built 8."),
    ],
)
def test_first_sentence_stops_at_a_full_stop_not_inside_a_number(text: str, first: str) -> None:
    assert pair_profile.first_sentence(text) == first


def test_china_russia_answers_every_theme_and_links_the_gallerys_reports() -> None:
    page = pair_profile.build(validate_parameters("pair_profile", {}))
    table = page.tables["Every theme in one line"].markdown()
    assert page.has_data and "What is missing for this pair" not in page.tables
    assert table.count("](../") == len(pair_profile.THEMES) == 8
    # the links are the reports the default plan makes (same slugs)
    for link in (
        "../trade_overview/CHN-RUS_imf_dots_2005-2024.html",
        "../partner_ranking/CHN-in-RUS_imf_dots_2005-2024.html",
        "../trade_composition/CHN-RUS_baci_china_russia_hs17_2017-2023.html",
        "../projects/all_all_1995-2030.html",
    ):
        assert link in table
    # BACI PROVENANCE.md: 2023 China->Russia 110.01, Russia->China 129.00 US$ bn
    assert "China → Russia trade came to US$110.0 bn and Russia → China trade came to US$129.0 bn" in table


def test_another_pair_gets_the_themes_its_data_support_and_a_list_of_what_is_missing() -> None:
    page = pair_profile.build(validate_parameters("pair_profile", {"partner": "KAZ"}))
    assert page.tables["Every theme in one line"].markdown().count("](../") == 2  # trade and rank, from IMF DOTS
    missing = page.tables["What is missing for this pair"]
    assert missing.count("\n- ") + 1 == 6 and "bilateral data fetch comtrade --hs-level 6" in missing


def test_the_profile_declares_every_data_folder_its_themes_read() -> None:
    folders = validate_parameters("pair_profile", {}).sources()
    assert {"imf_dots", "official_headlines", "baci_china_russia_hs17", "cooperation_registry"} <= set(folders)
    assert len(folders) == len(set(folders))


@pytest.mark.parametrize("theme", pair_profile.THEMES, ids=lambda theme: theme.notebook)
def test_a_theme_built_for_its_answer_only_says_everything_its_report_says_but_draws_nothing(theme) -> None:
    # the profile builds the themes after its one chart this way: only the charts may be missing
    params = validate_parameters(theme.notebook, theme.parameters("CHN", "RUS"))
    full = pair_profile._build(theme.notebook, params)
    with answers_only():
        quick = pair_profile._build(theme.notebook, params)
    assert full.charts and quick.charts == {}
    said = ("answer", "has_data", "key_numbers", "notes", "sources", "method")
    assert [getattr(quick, name) for name in said] == [getattr(full, name) for name in said]
    assert quick.tables_markdown() == full.tables_markdown()
