"""Key numbers come from the page's own data, carry their basis, and a page without data has none.

Expected values are read by hand from the source files (cited in each test), not from the code's output.
"""

from __future__ import annotations

import pytest

from bilateral.reports.pages import energy_flows, partner_ranking, trade_composition, trade_overview
from bilateral.reports.params import validate_parameters


def numbers(module, notebook: str, **parameters: object) -> dict[str, object]:
    page = module.build(validate_parameters(notebook, parameters))
    return {n.label: n for n in page.key_numbers}


def test_trade_overview_gives_the_last_declared_year_and_the_latest_statement_after_it() -> None:
    got = numbers(trade_overview, "trade_overview")
    # data/raw/imf_dots/DOTS_40.xlsx (China), row "Russian Federation", 2020, US$ m: exports 50608.3706, imports 57092.10018
    assert got["Exports of China"].value == pytest.approx(50.6083706) and got["Exports of China"].year == "2020"
    assert got["Turnover"].value == pytest.approx(107.70047078)
    assert got["Turnover"].basis_text() == "declared by China"
    # data/raw/official_headlines/china_russia_trade_totals.csv: the 2024 turnover statements (244.8 and 244.81)
    stated = got["Turnover as stated"]
    # the headline rule picks GAC's 244.81, shown as printed and named as whose figure it is
    assert stated.basis == "statement" and stated.year == "2024" and stated.shown() == "244.81"
    assert stated.basis_text() == "statement: Chinese customs (GAC)"


def test_a_pair_without_data_shows_no_key_numbers() -> None:
    page = trade_overview.build(validate_parameters("trade_overview", {"partner": "KAZ", "source": "cited"}))
    assert not page.has_data and page.key_numbers == []


def test_partner_rank_and_share_are_russias_declarations() -> None:
    got = numbers(partner_ranking, "partner_ranking")
    # data/raw/imf_dots/PROVENANCE.md: China first among Russia's partners 2009-2020; its share 18.4% in 2020
    assert got["China's rank among Russia's partners"].shown() == "1"
    assert got["China's share"].shown() == "18.4" and got["China's share"].basis_text() == "declared by Russia"


def test_composition_gives_each_direction_as_reconciled_by_baci() -> None:
    got = numbers(trade_composition, "trade_composition")
    # data/raw/baci_china_russia_hs17/PROVENANCE.md: 2023 China->Russia 110.01, Russia->China 129.00 US$ bn
    assert got["China → Russia"].shown() == "110.0" and got["Russia → China"].shown() == "129.0"
    assert got["China → Russia"].basis_text() == "reconciled (CEPII BACI)" and got["China → Russia"].year == "2023"


def test_energy_gives_the_crude_volume_and_rank_of_the_last_complete_year() -> None:
    got = numbers(energy_flows, "energy_flows")
    # data/raw/china_customs_energy_imports_by_origin/PROVENANCE.md: 2021 Russia 79.65 Mt, second after Saudi Arabia
    assert got["Crude oil to China"].year == "2021" and got["Crude oil to China"].value == pytest.approx(
        79.65, abs=0.01
    )
    assert got["Rank among China's crude suppliers"].shown() == "2"
