"""The claims ledger (data/claims.yml): valid, quotes verbatim, every claim of the Xinhua report present, errors that
name the claim and the field, and ClaimReview JSON-LD with schema.org's field names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from bilateral.analysis import claims, evidence
from bilateral.analysis.evidence import Rating, Verdict
from bilateral.errors import DataError

REPO = Path(__file__).resolve().parents[1]
LEDGER_TEXT = (REPO / "data" / "claims.yml").read_text(encoding="utf-8")
LEDGER = claims.parse_ledger(LEDGER_TEXT)


def stored_texts() -> dict[str, str]:
    return {s.id: (REPO / s.text_copy).read_text(encoding="utf-8") for s in LEDGER.sources if s.text_copy}


def test_every_quote_with_a_stored_source_is_verbatim():
    problems = claims.quote_problems(LEDGER, stored_texts())
    unchecked = [p for p in problems if "quote not checked" in p]
    assert problems == unchecked, "no quote differs from its stored source"
    assert sorted(p.split("'")[1] for p in unchecked) == ["putin-200bn-by-2024", "putin-250bn-by-2024"], (
        "only the two targets whose page is not stored yet are unchecked"
    )


def test_a_paraphrased_quote_is_caught():
    changed = LEDGER_TEXT.replace('for 13 consecutive years"', 'for thirteen consecutive years"')
    problems = claims.quote_problems(claims.parse_ledger(changed), stored_texts())
    assert any(p.startswith("claim 'xi-largest-partner-13-years': quote is not verbatim") for p in problems)


def test_the_report_s_checkable_statements_are_all_in_the_ledger():
    checkable = {c.id for c in LEDGER.claims if c.checkable and c.source == "xinhua-2023-03-22"}
    assert checkable == {
        "xi-largest-partner-13-years",
        "xi-sound-momentum-since-last-year",
        "xi-energy-cooperation-deepening",
        "xi-mega-projects-solid-progress",
        "xi-people-exchanges-closer",
        "xi-raise-quantity-and-quality",
        "xi-supply-chains-secure-stable",
        "xi-eaeu-synergy",
    }


def test_non_factual_statements_are_listed_with_a_reason_and_get_no_verdict():
    for claim_id in ("mishustin-relations-historic-high", "mishustin-mechanism-unique"):
        claim = LEDGER.get(claim_id)
        assert not claim.checkable and claim.test is None and len(claim.not_checkable_reason) > 40
        verdict = claims.check_claim(claim, evidence.empty_evidence())
        assert verdict.rating == Rating.NOT_CHECKABLE and verdict.why == claim.not_checkable_reason


def test_targets_and_the_twelve_year_count_come_with_their_pages():
    zhang = LEDGER.get("zhang-largest-partner-12-years")
    assert LEDGER.source_of(zhang).url == "https://tass.com/economy/1511265" and zhang.period.end == 2021
    assert LEDGER.get("putin-200bn-by-2024").test.threshold == 200e9
    assert LEDGER.get("putin-250bn-by-2024").test.threshold == 250e9


def test_claims_that_need_world_trade_by_product_name_the_data_that_would_decide():
    claim = LEDGER.get("xi-supply-chains-secure-stable")
    assert "bilateral data fetch baci" in claim.decisive_data
    assert any(d.name == "baci_full_release" and not d.shipped for d in claim.datasets)


def test_a_wrong_field_is_reported_with_the_claim_id_and_the_field():
    broken = LEDGER_TEXT.replace(
        "      max_rank: 1\n    period: {start: 2010, end: 2022}",
        "      max_rank: first\n    period: {start: 2010, end: 2022}",
    )
    with pytest.raises(
        DataError, match=r"claim 'xi-largest-partner-13-years': field test\.max_rank: Input should be a valid integer"
    ):
        claims.parse_ledger(broken)


def test_a_checkable_claim_without_its_proxy_reason_is_refused():
    broken = LEDGER_TEXT.replace(
        "    why_this_proxy: The target is stated in US$ of bilateral trade, which turnover measures directly.\n", ""
    )
    with pytest.raises(DataError, match="claim 'putin-250bn-by-2024': a checkable claim needs why_this_proxy"):
        claims.parse_ledger(broken)


def test_a_claim_citing_an_unknown_source_is_refused():
    broken = LEDGER_TEXT.replace("source: tass-2022-09-zhang-hanhui\n    quote", "source: tass-2022\n    quote")
    with pytest.raises(
        DataError, match="claim 'zhang-largest-partner-12-years': source 'tass-2022' is not among the sources"
    ):
        claims.parse_ledger(broken)


def test_not_yaml_is_a_clear_error():
    with pytest.raises(DataError, match="data/claims.yml: not valid YAML"):
        claims.parse_ledger("claims: [unclosed")


# --- ClaimReview ----------------------------------------------------------------------------------------------------

CLAIMREVIEW_FIELDS = {"@context", "@type", "claimReviewed", "datePublished", "author", "itemReviewed", "reviewRating"}


def supported(claim_id: str, close: bool = False) -> Verdict:
    rows = evidence.evidence_frame(
        [{"year": 2020, "series": "rank", "kind": "declared", "source": "imf_dots", "value": 1.0, "reported_by": "RUS"}]
    )
    return Verdict(
        claim_id, Rating.SUPPORTED, "China is first in 2020.", rows.with_columns(role=pl.lit("counted")), is_close=close
    )


def test_claimreview_uses_schema_org_names_and_the_verdict():
    claim = LEDGER.get("xi-largest-partner-13-years")
    doc = claims.claimreview_jsonld(claim, supported(claim.id, close=True), LEDGER, date_reviewed=dt.date(2026, 12, 5))
    assert set(doc) == CLAIMREVIEW_FIELDS
    assert (doc["@context"], doc["@type"]) == ("https://schema.org", "ClaimReview")
    assert doc["claimReviewed"] == "China has been Russia's largest trading partner for 13 consecutive years"
    assert doc["datePublished"] == "2026-12-05"
    assert doc["author"] == {"@type": "Organization", "name": "bilateral research workbench"}
    item = doc["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"] == {"@type": "Person", "name": "Xi Jinping, President of China"}
    assert item["datePublished"] == "2023-03-21"
    assert item["appearance"]["url"] == "http://en.chinadiplomacy.org.cn/2023-03/22/content_85183176.shtml"
    assert item["appearance"]["publisher"]["name"] == "Xinhua"
    rating = doc["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"] == "supported (close call)"
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (3, 3, 1)
    assert rating["ratingExplanation"] == "China is first in 2020."


def test_claimreview_of_insufficient_data_has_no_numeric_rating():
    claim = LEDGER.get("xi-eaeu-synergy")
    verdict = Verdict(claim.id, Rating.INSUFFICIENT_DATA, "No 2022 figure.", evidence.empty_evidence())
    rating = claims.claimreview_jsonld(claim, verdict, LEDGER, date_reviewed=dt.date(2026, 12, 5))["reviewRating"]
    assert rating == {"@type": "Rating", "alternateName": "insufficient data", "ratingExplanation": "No 2022 figure."}
