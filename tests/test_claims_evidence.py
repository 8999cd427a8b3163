"""Evidence builders: canonical tables into evidence rows (kind, side, page), on tiny frames and on the shipped
statements, and verdicts end to end where the shipped data suffice. Expected values are worked out by hand or
read from the source files and their PROVENANCE notes, never from the code's own output."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from flows import total_row

from bilateral.analysis import claims
from bilateral.analysis import claims_evidence as ce
from bilateral.analysis.evidence import Rating
from bilateral.data import catalog
from bilateral.data.schemas import TRADE_FLOWS

REPO = Path(__file__).resolve().parents[1]
LEDGER = claims.parse_ledger((REPO / "data" / "claims.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("publisher", "side"),
    [
        ("Chinese Ambassador Zhang Hanhui (TASS, Sept 2022)", "CHN"),
        ("Xi Jinping article via Sputnik (March 2023)", "CHN"),
        ("Russian FCS via China Daily", "RUS"),
        ("RT", "RUS"),
        ("The Wire China", None),
        ("German Economic Institute (IW) via A News", None),
    ],
)
def test_a_statement_speaks_for_its_speaker_before_its_outlet(publisher, side):
    assert ce.side_of_publisher(publisher) == side


def test_state_media_urls_have_a_side_and_others_none():
    assert ce.side_of_url("https://tass.com/economy/1398047") == "RUS"
    assert ce.side_of_url("http://de.brnn.com/n3/2022/0429/c416984-10091017.html") == "CHN"
    assert ce.side_of_url("https://www.energyintel.com/00000186") is None


def row(year: int, reporter: str, partner: str, flow: str, value: float, reported_by: str | None = None) -> dict:
    return total_row(year, reporter, partner, flow, value, reported_by=reported_by)


DOTS_2010 = pl.DataFrame(
    [
        # Russia's declarations: CHN 58.8, NLD 57.7, DEU 50
        row(2010, "RUS", "CHN", "export", 20.0),
        row(2010, "RUS", "CHN", "import", 38.8),
        row(2010, "RUS", "NLD", "export", 50.0),
        row(2010, "RUS", "NLD", "import", 7.7),
        row(2010, "RUS", "DEU", "export", 20.0),
        row(2010, "RUS", "DEU", "import", 30.0),
        row(2010, "RUS", "WLD", "export", 400.0),
        row(2010, "RUS", "WLD", "import", 250.0),
        # each partner's own declarations of its trade with Russia: CHN 55.45, NLD 60, DEU 45
        row(2010, "CHN", "RUS", "export", 29.61),
        row(2010, "CHN", "RUS", "import", 25.84),
        row(2010, "NLD", "RUS", "export", 8.0),
        row(2010, "NLD", "RUS", "import", 52.0),
        row(2010, "DEU", "RUS", "export", 25.0),
        row(2010, "DEU", "RUS", "import", 20.0),
    ],
    schema=TRADE_FLOWS.polars_schema(),
)


def test_rank_evidence_on_both_declared_bases_with_margin_and_disagreement():
    rows = {r["reported_by"]: r for r in ce.rank_evidence(DOTS_2010, "RUS", "CHN", 2010, 2010).iter_rows(named=True)}
    own, mirror = rows["RUS"], rows["PARTNERS"]
    assert (own["value"], own["rival"]) == (1.0, "NLD")
    assert own["margin_pct"] == pytest.approx((58.8 - 57.7) / 57.7 * 100)
    assert (mirror["value"], mirror["rival"]) == (2.0, "NLD")
    assert mirror["margin_pct"] == pytest.approx((55.45 - 60) / 60 * 100)
    assert own["uncertainty_pct"] == pytest.approx(3.35 / 57.125 * 100), "|55.45 - 58.8| / mean"
    assert {own["kind"], mirror["kind"]} == {"declared"}


def test_a_rank_among_one_declarant_is_not_evidence():
    only_china = DOTS_2010.filter(
        ~((pl.col("reporter_iso3").is_in(["NLD", "DEU"])) & (pl.col("partner_iso3") == "RUS"))
    )
    rows = ce.rank_evidence(only_china, "RUS", "CHN", 2010, 2010)
    assert rows.get_column("reported_by").to_list() == ["RUS"], "China alone in the mirror would always rank first"


def test_a_year_the_two_bases_rank_differently_is_disputed_and_close():
    claim = LEDGER.get("xi-largest-partner-13-years").model_copy(update={"period": claims.Period(start=2010, end=2010)})
    verdict = claims.check_claim(claim, ce.rank_evidence(DOTS_2010, "RUS", "CHN", 2010, 2010))
    assert verdict.rating == Rating.PARTLY_SUPPORTED and verdict.is_close
    assert "sources disagree in 2010" in verdict.why


def test_turnover_evidence_declared_by_each_side_and_reconciled():
    baci = pl.DataFrame(
        [
            {
                **row(2010, "CHN", "RUS", "export", 30.0, "RECONCILED"),
                "hs_level": 6,
                "product_code": "850171",
                "source": "baci",
            },
            {
                **row(2010, "RUS", "CHN", "export", 26.0, "RECONCILED"),
                "hs_level": 6,
                "product_code": "270900",
                "source": "baci",
            },
        ],
        schema=TRADE_FLOWS.polars_schema(),
    )
    rows = ce.turnover_evidence(pl.concat([DOTS_2010, baci]), "CHN", "RUS")
    values = {(r["kind"], r["reported_by"]): r["value"] for r in rows.iter_rows(named=True)}
    assert values == {
        ("declared", "CHN"): pytest.approx(55.45),
        ("declared", "RUS"): pytest.approx(58.8),
        ("reconciled", "RECONCILED"): 56.0,
    }


def test_product_diversification_is_one_over_hhi_of_hs6_products():
    baci = pl.DataFrame(
        [
            {
                **row(2022, "CHN", "RUS", "export", v, "RECONCILED"),
                "hs_level": 6,
                "product_code": code,
                "source": "baci",
            }
            for code, v in (("850171", 50.0), ("870323", 30.0))
        ]
        + [
            {
                **row(2022, "RUS", "CHN", "export", 20.0, "RECONCILED"),
                "hs_level": 6,
                "product_code": "270900",
                "source": "baci",
            }
        ],
        schema=TRADE_FLOWS.polars_schema(),
    )
    value = ce.diversification_evidence(baci, "CHN", "RUS").row(0, named=True)["value"]
    assert value == pytest.approx(1 / 0.38), "shares .5, .3, .2"


def test_energy_volumes_need_twelve_published_months():
    months = [f"2021-{m:02d}" for m in range(1, 13)]
    customs = pl.DataFrame(
        {
            "year": [2021] * 12 + [2022] * 12,
            "origin_iso3": "RUS",
            "commodity": "crude_oil",
            "measure": "volume",
            "unit": "t",
            "file": "russia",
            "value": [1e6] * 12 + [2e6] * 11 + [0.0],
            "is_published": [True] * 23 + [False],
            "source": "china_customs",
            "period": months * 2,
        }
    )
    rows = ce.energy_volume_evidence(customs, None)
    assert rows.select("year", "value").rows() == [(2021, 12.0)], "2022 has an unpublished month: no row, not a total"


# --- on the shipped statements --------------------------------------------------------------------------------------


def test_rank_statements_from_the_shipped_share_rank_table():
    rows = ce.rank_statements(catalog.get("partner_share_rank").loader(), "RUS", "CHN")
    by_source = {(r["year"], r["source"]): r for r in rows.iter_rows(named=True)}
    wire = by_source[(2021, "The Wire China")]
    assert (wire["series"], wire["value"], wire["side"]) == ("consecutive_years", 12.0, None)
    assert wire["source_url"] == "https://www.thewirechina.com/2022/03/06/china-russia-by-the-numbers/"
    assert by_source[(2021, "Chinese Ambassador Zhang Hanhui (TASS, Sept 2022)")]["side"] == "CHN"
    assert by_source[(2012, "Russian FCS via China Daily")]["series"] == "rank_half_year"


def test_shipped_statements_alone_leave_2022_of_the_13_year_claim_untested():
    verdict = claims.check_claim(
        LEDGER.get("xi-largest-partner-13-years"),
        ce.rank_statements(catalog.get("partner_share_rank").loader(), "RUS", "CHN"),
    )
    # The Wire China (not the claimant's side) says 12 years as of 2021; Xi's own 13 years for 2022 is a restatement.
    assert verdict.rating == Rating.PARTLY_SUPPORTED
    assert verdict.years_on_statements == tuple(range(2010, 2022)) and verdict.years_untested == (2022,)
    assert set(verdict.restatements.get_column("source")) >= {"Xi Jinping article via Sputnik (March 2023)"}


def test_turnover_statements_keep_outturns_only():
    rows = ce.turnover_statements(catalog.get("trade_headlines").loader())
    assert rows.filter(pl.col("year") == 2023).get_column("value").max() == pytest.approx(240.11e9), (
        "the 220 projection is left out"
    )
    gac_2024 = rows.filter((pl.col("year") == 2024) & (pl.col("value") == 244.81e9)).row(0, named=True)
    assert gac_2024["side"] == "CHN" and gac_2024["source_url"].startswith("https://bne.eu/")


def test_the_250bn_target_is_contradicted_on_statements_only():
    verdict = claims.check_claim(
        LEDGER.get("putin-250bn-by-2024"), ce.turnover_statements(catalog.get("trade_headlines").loader())
    )
    # GAC figures (China's side, not the Russian claimant's): 2022 190.27, 2023 240.11, 2024 244.81, all below 250.
    assert verdict.rating == Rating.CONTRADICTED
    assert verdict.years_on_statements == (2022, 2023, 2024) and verdict.years_tested == ()


def test_energy_claim_on_shipped_customs_and_ei_data_is_supported():
    rows = ce.energy_volume_evidence(
        catalog.get("china_energy_imports").loader(), catalog.get("russia_china_energy_flows").loader()
    )
    verdict = claims.check_claim(LEDGER.get("xi-energy-cooperation-deepening"), rows)
    assert verdict.rating == Rating.SUPPORTED
    # GAC crude 79.64 Mt (2021) and 86.25 Mt (2022) per the energy headlines; EI pipeline gas 7.5848 -> 14.6694 bcm.
    assert "Russian crude oil to China (Mt) +8.3%" in verdict.why
    assert "Russian pipeline gas to China (bcm) +93.4%" in verdict.why


def test_mega_projects_milestones_from_the_registry():
    rows = ce.milestone_evidence(catalog.get("cooperation_projects").loader())
    verdict = claims.check_claim(LEDGER.get("xi-mega-projects-solid-progress"), rows)
    # projects.csv, 2022-01-01..2023-03-21: Far Eastern route 2022-02-04 (tass) and 2023-01-31 (energyintel), Amur road
    # bridge 2022-06-10 (sputniknews), Tongjiang rail bridge 2022-11 (seanews) and 2022-04-27 (brnn.com, People's Daily:
    # the Chinese side, so a restatement).
    assert verdict.rating == Rating.SUPPORTED
    assert verdict.why.startswith("4 dated milestones of 3 entities")


def test_people_exchanges_lack_a_2021_count():
    rows = ce.people_trips_evidence(catalog.get("people_exchanges").loader())
    verdict = claims.check_claim(LEDGER.get("xi-people-exchanges-closer"), rows)
    assert verdict.rating == Rating.INSUFFICIENT_DATA and "Data that would decide" in verdict.why
    assert rows.filter(pl.col("series") == "china_to_russia_trips").select("year", "value").rows() == [(2023, 790000.0)]
