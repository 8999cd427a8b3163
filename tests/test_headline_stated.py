"""Cited figures as stated and when they are disputed (docs/decisions/0002, rules 4 and 7): tiny frames, by hand."""

from __future__ import annotations

import polars as pl
import pytest

from bilateral.analysis import headline_stated as hs
from bilateral.analysis import trade
from bilateral.analysis.labels import basis_label, humanise, label


def statements(*rows: tuple) -> pl.DataFrame:
    """rows: (year, metric, value_bn or None, basis_code, decimals, yoy_pct, quote, publisher)."""
    return pl.DataFrame(
        [
            {
                "year": year, "reporter_iso3": "CHN", "partner_iso3": "RUS", "metric": metric,
                "value_usd": None if value is None else value * 1e9, "yoy_pct": yoy, "basis_code": basis,
                "basis": basis, "reported_by": "RUS" if basis.startswith("RU") else "CHN", "publisher_named": publisher,
                "source_url": f"https://example.org/{i}", "quote": quote, "value_decimals": decimals,
            }
            for i, (year, metric, value, basis, decimals, yoy, quote, publisher) in enumerate(rows)
        ],
        schema_overrides={"year": pl.Int32, "value_decimals": pl.Int8, "yoy_pct": pl.Float64, "value_usd": pl.Float64},
    )  # fmt: skip


def test_figures_one_last_digit_apart_agree_because_each_may_be_rounded_or_cut():
    # 146.87 stands for [146.865, 146.88), 146.88 for [146.875, 146.89): the intervals overlap, no dispute (issue 8)
    frame = statements(
        (2021, "turnover", 146.87, "CN_official", 2, None, "reached $146.87 bln", "ambassador"),
        (2021, "turnover", 146.88, "CN_GAC", 2, None, "hit $146.88 billion", "RT"),
    )
    assert trade.disputed_cells(frame).is_empty()
    assert trade.headline_series(frame)["is_disputed"].to_list() == [False]


def test_a_figure_no_rounding_or_cutting_can_give_is_disputed_and_names_the_other():
    # 146.887 stands for [146.8865, 146.888); 146.87 for [146.865, 146.88): 0.0065 bn apart -> disputed
    frame = statements(
        (2021, "turnover", 146.887, "CN_GAC", 3, None, "US$ 146,887 bilhões", "GAC"),
        (2021, "turnover", 146.87, "CN_official", 2, None, "reached $146.87 bln", "ambassador"),
        (2021, "turnover", 146.88, "CN_GAC", 2, None, "hit $146.88 billion", "RT"),  # 146.887 cut: agrees with both
    )
    cells = trade.disputed_cells(frame)
    why = dict(zip(cells["value_as_stated_usd_bn"], cells["disagrees_with"], strict=True))
    assert why == {"146.887": "146.87 (ambassador)", "146.87": "146.887 (GAC)", "146.88": None}


def test_a_qualifier_stays_with_the_figure_and_widens_its_interval():
    frame = statements(
        (
            2006,
            "turnover",
            29,
            "RU_official",
            0,
            None,
            "Last year bilateral trade stood at around $29 billion.",
            "senator",
        ),
        (2018, "turnover", 107, "CN_GAC", 0, 27.1, "in 2018 it added 27.1% to over $107 bln", "TASS"),
        (2018, "turnover", 108.3, "CN_GAC", 1, None, "amounted to $108.3 billion", "FCS"),
    )
    stated = hs.with_stated(frame)
    assert stated["as_stated"].to_list() == ["around 29", "over 107", "108.3"]
    # "over 107" is open above, so 108.3 agrees with it; "around" widens nothing
    assert trade.disputed_cells(frame).is_empty()


def test_two_declarants_differing_is_a_mirror_difference_not_a_dispute():
    frame = statements(
        (2020, "turnover", 107.7, "CHN_declared", 6, None, "declared", "imf"),
        (2020, "turnover", 104.5, "RUS_declared", 6, None, "declared", "imf"),
    )
    assert trade.disputed_cells(frame).is_empty()


FINDINGS = pl.DataFrame(
    [
        # 2016's +2.2% to 69.5 bn implies 69.5 / 1.022 = 68.00 bn for 2015, which the 2015 row states as 64.2
        {"check": "growth_vs_levels", "year": 2016, "figure": "69.5 bn", "value": 69.5e9, "publisher": "RT",
         "source_url": "https://example.org/2016", "other_figure": "64.2 bn", "other_value": 64.2e9,
         "other_publisher": "TASS", "other_source_url": "https://example.org/2015", "expected": 69.5e9 / 1.022,
         "is_inconsistent": True},
        {"check": "stated_vs_declared", "year": 2015, "figure": "64.2 bn", "value": 64.2e9, "publisher": "TASS",
         "source_url": "https://example.org/2015", "other_figure": "67.95 bn", "other_value": 67.95e9,
         "other_publisher": "IMF DOTS, declared by CHN", "other_source_url": None, "expected": 67.95e9,
         "is_inconsistent": True},
        {"check": "same_figure", "year": 2017, "figure": "84 bn", "value": 84e9, "publisher": "Sputnik",
         "source_url": "https://example.org/a", "other_figure": "84.07 bn", "other_value": 84.07e9,
         "other_publisher": "TASS", "other_source_url": "https://example.org/b", "expected": 84.07e9,
         "is_inconsistent": False},  # a minor difference is not a dispute
    ]
)  # fmt: skip


def test_contested_statements_name_both_figures_on_both_sides_of_a_growth_finding():
    contested = hs.contested_statements(FINDINGS)
    against = {(r["year"], r["check"]): r["against"] for r in contested.iter_rows(named=True)}
    assert against == {
        (2016, "growth_vs_levels"): "its +2.2% implies 68.00 bn for 2015; stated 64.2 bn (TASS)",
        (2015, "growth_vs_levels"): "68.00 bn implied by 2016's +2.2% to 69.5 bn (RT)",
        (2015, "stated_vs_declared"): "IMF DOTS, declared by China: 67.95 bn",
    }


def test_a_contested_headline_stays_marked_disputed_with_both_figures_never_replaced():
    frame = statements(
        (2015, "turnover", 64.2, "CN_GAC", 1, -27.8, "dropped by 27.8% to $64.2bn", "TASS"),
        (2016, "turnover", 69.5, "CN_GAC", 1, 2.2, "grew by 2.2 percent to $69.5 billion", "RT"),
    )
    frame = frame.with_columns(pl.Series("source_url", ["https://example.org/2015", "https://example.org/2016"]))
    series = trade.headline_series(frame, contested=hs.contested_statements(FINDINGS))
    y2015 = series.filter(pl.col("year") == 2015).row(0, named=True)
    assert y2015["value_usd"] == pytest.approx(64.2e9), "the statement stays; no declared or implied figure replaces it"
    assert y2015["is_disputed"] is True
    assert "IMF DOTS, declared by China: 67.95 bn" in y2015["dispute_reason"]
    assert "68.00 bn implied by 2016's +2.2% to 69.5 bn" in y2015["dispute_reason"]
    table = trade.overview_table(series, 2015, 2016, statements=frame)
    assert table.filter(pl.col("year") == 2015)["disputed_why"].item() == (
        "turnover: against growth arithmetic, declared data"
    )


def test_within_a_basis_an_uncontested_statement_is_preferred_to_a_contested_one():
    frame = statements(
        (2017, "turnover", 80.07, "CN_GAC", 2, 20.8, "to $80.07bn", "bne"),
        (2017, "turnover", 84.07, "CN_GAC", 2, 20.8, "to $84.07 bln", "TASS"),
    )
    contested = pl.DataFrame(
        {"year": [2017], "source_url": ["https://example.org/0"], "value": [80.07e9], "check": ["stated_vs_declared"],
         "against": ["IMF DOTS, declared by China: 84.44 bn"]},
        schema_overrides={"year": pl.Int32},
    )  # fmt: skip
    chosen = trade.headline_series(frame, contested=contested).row(0, named=True)
    assert chosen["value_usd"] == pytest.approx(84.07e9)
    assert chosen["is_disputed"] is True  # the cell still holds two statements 4 bn apart
    assert chosen["dispute_reason"] == "statements differ beyond rounding: 80.07 (bne) vs 84.07 (TASS)"


def test_a_missing_figure_is_a_gap_that_says_what_was_stated():
    frame = statements(
        (2023, "turnover", 240.1, "CN_GAC", 1, 26.3, "hit $240.1 billion", "Reuters"),
        (2023, "exports", None, "CN_GAC", 2, 46.9, "jumped 46.9%", "Reuters"),
    )
    table = trade.overview_table(trade.headline_series(frame), 2023, 2023, statements=frame)
    row = table.row(0, named=True)
    assert (row["exports_usd"], row["exports_as_stated"]) == (None, "not stated (growth +46.9% stated)")
    assert row["imports_as_stated"] == "not stated"


def test_the_basis_note_names_the_basis_of_exports_and_imports_when_it_differs_from_turnover():
    # 2007 in the shipped data: turnover 48.2 (Chinese official), exports/imports from the Russian trade mission
    frame = statements(
        (2007, "turnover", 48.2, "CN_official", 1, 44, "raggiungendo un valore di 48,2", "MOFCOM official"),
        (2007, "exports", 28.48, "RU_official", 2, 79.9, "up 79.9% to $28.48 billion", "Russian trade mission"),
        (2007, "imports", 19.67, "RU_official", 2, 12.1, "grew 12.1% to $19.67 billion", "Russian trade mission"),
    )
    table = trade.overview_table(trade.headline_series(frame), 2007, 2007, statements=frame)
    assert table["basis_note"].item() == "Chinese official figure; exports and imports: Russian official figure"


def test_labels_replace_codes_in_one_place():
    assert basis_label("CN_GAC") == "Chinese customs (GAC)"
    assert humanise("RU_FCS context") == "Russian customs (FCS), context"
    assert humanise("RU_FCS; half-year only") == "Russian customs (FCS); half-year only"
    assert humanise("CN_GAC (via Kazinform)") == "Chinese customs (GAC) (via Kazinform)"
    assert label("china_total_series") == "China's total imports (customs)"
    assert label("share_pct") == "share of the reporter's trade, %"
    assert label("agreement_signed_date") == "agreement signed date"
    assert label("Xinhua") == "Xinhua"


def test_a_quote_not_in_english_is_named_by_language_and_never_translated():
    from bilateral.analysis.quote_language import language_note, language_of, with_note

    # quotes as stored in data/raw/official_headlines (checked against the CSV)
    assert language_of("По итогам 2016 года товарооборот между Россией и Китаем вырос на 2,2%") == "Russian"
    assert language_of("中俄贸易额达到1468.87亿美元") == "Chinese"
    assert language_of("Em 2021, o comércio entre a Rússia e a China registrou alta de 35,8%") == "Portuguese"
    assert language_of("A China le corresponde un 15,7% en el comercio exterior de Rusia.") == "Spanish"
    assert language_of("Năm 2009, ... kim ngạch ngoại thương giữa Nga và Trung Quốc đã giảm 32%") == "Vietnamese"
    assert language_of("Last year bilateral trade stood at around $29 billion.") is None
    assert language_note("а сам Китай четвертый год подряд") == (
        "original in Russian; no translation given by the source"
    )
    assert with_note("China-Russia trade hit $240.1 billion") == "China-Russia trade hit $240.1 billion"
    frame = statements(
        (2013, "turnover", 89.21, "CN_official", 2, None, "товарооборот достиг $89,21 млрд", "ambassador")
    )
    points = trade.statement_points(frame, 2013, 2013)
    assert points["quote"].item().endswith("(original in Russian; no translation given by the source)")


def test_tooltip_quotes_of_rank_and_energy_statements_name_their_language():
    from bilateral.analysis import energy_compare, ranking
    from bilateral.data import catalog

    # partner_share_rank: the 2013 statement is "а сам Китай четвертый год подряд стал главным ..." (Russian)
    cited = ranking.cited_ranking(catalog.load("partner_share_rank"), "RUS", "CHN").filter(pl.col("year") == 2013)
    assert cited["quote"].item().endswith("(original in Russian; no translation given by the source)")
    # energy headlines: Gazprom CEO Miller via Agenzia Nova, 2020, "Nel 2020, Gazprom ha fornito 4,1 miliardi ..."
    long = energy_compare.from_headlines(catalog.load("energy_headlines"), "RUS")
    italian = long.filter(pl.col("detail").str.starts_with("Gazprom CEO Miller (Agenzia Nova)"))
    assert italian["quote"].item().endswith("(original in Italian; no translation given by the source)")
