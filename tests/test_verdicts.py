"""Verdict rules on small hand-made evidence tables: runs with gaps, close calls, data that end before the claim's
period, restatements shown but never counted, and no verdict without evidence."""

from __future__ import annotations

import polars as pl
import pytest

from bilateral.analysis import claims, evidence
from bilateral.analysis.evidence import Rating, Verdict
from bilateral.errors import ParameterError


def claim(
    test: dict, start: int, end: int, *, side: str = "CHN", close_within_pct: float | None = 5.0, **extra
) -> claims.Claim:
    return claims.Claim.model_validate(
        {
            "id": "c",
            "source": "s",
            "quote": "a claim",
            "speaker": "someone",
            "speaker_side": side,
            "said_at": "x",
            "said_on": "2023-03-21",
            "checkable": True,
            "metric": "m",
            "test": {"plain": "p", **test},
            "period": {"start": start, "end": end},
            "tolerance": {"close_within_pct": close_within_pct, "rule": "r"},
            "datasets": [{"name": "d", "kind": "declared", "years": "y", "shipped": True}],
            "why_this_proxy": "w",
            **extra,
        }
    )


RANK_1 = {"type": "rank_run", "entity": "CHN", "among": "RUS", "max_rank": 1}


def rank(
    year: int, value: int, *, reported_by: str = "RUS", margin: float | None = 30.0, uncertainty: float | None = None
) -> dict:
    return {
        "year": year,
        "series": "rank",
        "kind": "declared",
        "source": "imf_dots",
        "entity": "CHN",
        "value": float(value),
        "reported_by": reported_by,
        "margin_pct": margin,
        "uncertainty_pct": uncertainty,
    }


def statement(year: int, series: str, value: float, *, side: str | None, source: str = "a page") -> dict:
    return {
        "year": year,
        "series": series,
        "kind": "statement",
        "source": source,
        "value": value,
        "source_url": "https://example.org/p",
        "quote": "as quoted",
        "side": side,
    }


def ev(*rows: dict) -> pl.DataFrame:
    return evidence.evidence_frame(list(rows))


# --- rank runs --------------------------------------------------------------------------------------------------


def test_a_year_without_data_is_not_a_year_at_rank():
    verdict = claims.check_claim(
        claim(RANK_1, 2010, 2014), ev(rank(2010, 1), rank(2011, 1), rank(2013, 1), rank(2014, 1))
    )
    assert verdict.rating == Rating.PARTLY_SUPPORTED
    assert verdict.years_tested == (2010, 2011, 2013, 2014) and verdict.years_untested == (2012,)
    assert "2012 has no independent evidence" in verdict.why


def test_a_tested_year_at_a_lower_rank_contradicts_the_run():
    verdict = claims.check_claim(
        claim(RANK_1, 2010, 2012), ev(rank(2010, 1), rank(2011, 2, margin=-4.0), rank(2012, 1))
    )
    assert verdict.rating == Rating.CONTRADICTED
    assert "not first among Russia's trading partners in 2011" in verdict.why


def test_a_margin_within_the_sources_disagreement_is_a_close_call():
    rows = ev(rank(2010, 1, margin=1.9, uncertainty=5.6), rank(2011, 1, margin=40.0, uncertainty=5.0))
    verdict = claims.check_claim(claim(RANK_1, 2010, 2011, close_within_pct=None), rows)
    assert verdict.rating == Rating.SUPPORTED and verdict.is_close
    assert verdict.label == "supported (close call)"
    assert "close call in 2010" in verdict.why and "2011" not in verdict.why.split("close call")[1]


def test_data_ending_2020_for_a_2010_2022_claim_says_which_years_rest_on_statements():
    rows = ev(
        *[rank(y, 1) for y in range(2010, 2021)],
        statement(2021, "consecutive_years", 12, side=None, source="The Wire China"),
        statement(2022, "consecutive_years", 13, side="CHN", source="Xi Jinping article"),  # the claimant's side
    )
    verdict = claims.check_claim(claim(RANK_1, 2010, 2022), rows)
    assert verdict.rating == Rating.PARTLY_SUPPORTED
    assert verdict.years_tested == tuple(range(2010, 2021))
    assert verdict.years_on_statements == (2021,) and verdict.years_untested == (2022,)
    assert "statistics for 2010–2020" in verdict.why and "2021 rests on statements only" in verdict.why
    assert "2022 has no independent evidence" in verdict.why
    assert verdict.restatements.get_column("source").to_list() == ["Xi Jinping article"], "shown, not counted"


def test_restatements_alone_give_insufficient_data_not_support():
    rows = ev(statement(2022, "consecutive_years", 13, side="CHN"), statement(2010, "rank", 1, side="CHN"))
    verdict = claims.check_claim(claim(RANK_1, 2010, 2022, decisive_data="declared trade by partner"), rows)
    assert verdict.rating == Rating.INSUFFICIENT_DATA
    assert "Data that would decide: declared trade by partner." in verdict.why
    assert verdict.evidence.height == 2, "the restatements stay in the evidence table"


def test_declarants_disagreeing_on_the_rank_make_the_year_disputed():
    rows = ev(rank(2010, 1), rank(2011, 1), rank(2011, 2, reported_by="PARTNERS", margin=-1.0))
    verdict = claims.check_claim(claim(RANK_1, 2010, 2011), rows)
    assert verdict.rating == Rating.PARTLY_SUPPORTED
    assert "sources disagree in 2011" in verdict.why


def test_other_series_are_shown_as_context_and_not_counted():
    rows = ev(rank(2012, 1), statement(2012, "rank_half_year", 2, side="RUS"))
    verdict = claims.check_claim(claim(RANK_1, 2012, 2012), rows)
    assert verdict.rating == Rating.SUPPORTED
    assert dict(verdict.evidence.select("series", "role").iter_rows()) == {
        "rank": "counted",
        "rank_half_year": "context (not counted)",
    }


# --- thresholds ------------------------------------------------------------------------------------------------------

TARGET_200 = {"type": "threshold", "series": "turnover_usd", "threshold": 200e9, "unit": "US$", "rule": "any_year"}
TARGET_250 = {**TARGET_200, "threshold": 250e9}


def turnover(year: int, value_bn: float, kind: str = "reconciled") -> dict:
    return {
        "year": year,
        "series": "turnover_usd",
        "kind": kind,
        "source": "baci",
        "value": value_bn * 1e9,
        "reported_by": "RECONCILED",
    }


def test_a_target_reached_on_reconciled_data_is_supported():
    verdict = claims.check_claim(
        claim(TARGET_200, 2022, 2024, side="RUS"), ev(turnover(2022, 189.5), turnover(2023, 239.0))
    )
    assert verdict.rating == Rating.SUPPORTED and "2023" in verdict.why and not verdict.is_close


def test_a_target_missed_with_the_last_year_on_statements_only():
    rows = ev(turnover(2022, 189.5), turnover(2023, 239.0), statement(2024, "turnover_usd", 244.81e9, side="CHN"))
    verdict = claims.check_claim(claim(TARGET_250, 2022, 2024, side="RUS"), rows)
    assert verdict.rating == Rating.CONTRADICTED
    assert verdict.years_tested == (2022, 2023) and verdict.years_on_statements == (2024,)
    assert "2024 rests on statements only" in verdict.why


def test_a_year_with_no_figure_at_all_leaves_a_missed_target_undecided():
    verdict = claims.check_claim(
        claim(TARGET_250, 2022, 2024, side="RUS"), ev(turnover(2022, 189.5), turnover(2023, 239.0))
    )
    assert verdict.rating == Rating.INSUFFICIENT_DATA and "2024" in verdict.why


def test_a_near_miss_within_tolerance_is_contradicted_but_close():
    target = {**TARGET_200, "threshold": 240e9}
    verdict = claims.check_claim(claim(target, 2023, 2023, side="RUS", close_within_pct=2.0), ev(turnover(2023, 239.0)))
    assert verdict.rating == Rating.CONTRADICTED and verdict.is_close, "239 is 0.4% short of 240, within 2%"


# --- changes ---------------------------------------------------------------------------------------------------------

GROWTH = {"type": "change", "series": ["turnover_usd"], "from_year": 2021, "to_year": 2022, "direction": "increase"}


def test_growth_on_reconciled_data_with_restatements_shown_not_counted():
    rows = ev(
        turnover(2021, 141.68),
        turnover(2022, 189.51),
        statement(2021, "turnover_usd", 146.887e9, side="CHN"),
        statement(2022, "turnover_usd", 100e9, side="CHN"),
    )
    verdict = claims.check_claim(claim(GROWTH, 2021, 2022), rows)
    assert verdict.rating == Rating.SUPPORTED, "the claimant side's figures (a fall here) are not counted"
    assert "+33.8%" in verdict.why, "189.51 / 141.68 - 1 = 33.76%"
    assert verdict.restatements.height == 2


def test_two_series_moving_apart_are_partly_supported():
    test = {**GROWTH, "series": ["crude_mt", "gas_bcm"]}
    rows = ev(
        {"year": 2021, "series": "crude_mt", "kind": "declared", "source": "gac", "value": 79.6, "reported_by": "CHN"},
        {"year": 2022, "series": "crude_mt", "kind": "declared", "source": "gac", "value": 70.0, "reported_by": "CHN"},
        {
            "year": 2021,
            "series": "gas_bcm",
            "kind": "reconciled",
            "source": "ei",
            "value": 7.58,
            "reported_by": "RECONCILED",
        },
        {
            "year": 2022,
            "series": "gas_bcm",
            "kind": "reconciled",
            "source": "ei",
            "value": 14.67,
            "reported_by": "RECONCILED",
        },
    )
    verdict = claims.check_claim(claim(test, 2021, 2022), rows)
    assert verdict.rating == Rating.PARTLY_SUPPORTED
    # series codes are shown as words (analysis.labels), never as codes
    assert "crude mt -12.1%" in verdict.why and "gas bcm +93.5%" in verdict.why


def test_sources_disagreeing_on_direction_are_a_close_partly_supported_call():
    rows = ev(
        turnover(2021, 100.0),
        turnover(2022, 101.0),
        {
            "year": 2021,
            "series": "turnover_usd",
            "kind": "declared",
            "source": "dots",
            "value": 100e9,
            "reported_by": "RUS",
        },
        {
            "year": 2022,
            "series": "turnover_usd",
            "kind": "declared",
            "source": "dots",
            "value": 99e9,
            "reported_by": "RUS",
        },
    )
    verdict = claims.check_claim(claim(GROWTH, 2021, 2022), rows)
    assert verdict.rating == Rating.PARTLY_SUPPORTED and verdict.is_close
    assert "sources disagree on turnover" in verdict.why


def test_a_change_with_one_year_missing_is_insufficient_and_names_the_data():
    verdict = claims.check_claim(claim(GROWTH, 2021, 2022, decisive_data="BACI 2021."), ev(turnover(2022, 189.51)))
    assert verdict.rating == Rating.INSUFFICIENT_DATA and verdict.why.endswith("Data that would decide: BACI 2021.")


# --- events ----------------------------------------------------------------------------------------------------------

EVENTS = {
    "type": "events",
    "series": "milestone",
    "from_date": "2022-01-01",
    "to_date": "2023-03-21",
    "min_events": 3,
    "min_entities": 2,
}


def milestone(project: str, date: str, side: str | None) -> dict:
    return {
        **statement(int(date[:4]), "milestone", None, side=side),
        "entity": project,
        "date": date,
        "note": "commissioned_date",
    }


def test_events_count_only_dated_milestones_in_the_window_from_independent_pages():
    rows = ev(
        milestone("bridge", "2022-06-10", "RUS"),
        milestone("gas", "2022-02-04", None),
        milestone("rail", "2022-11", None),
        milestone("rail", "2022-04-27", "CHN"),  # the claimant's side: a restatement
        milestone("plant", "2021-12-01", None),
    )  # before the window
    verdict = claims.check_claim(claim(EVENTS, 2022, 2023), rows)
    assert verdict.rating == Rating.SUPPORTED
    assert verdict.why.startswith("3 dated milestones of 3 entities (bridge, gas, rail)")
    assert "statements only" in verdict.why


def test_too_few_events_are_partly_supported_and_none_is_insufficient():
    one = claims.check_claim(claim(EVENTS, 2022, 2023), ev(milestone("gas", "2022-02-04", None)))
    assert one.rating == Rating.PARTLY_SUPPORTED
    none = claims.check_claim(claim(EVENTS, 2022, 2023), ev(milestone("plant", "2021-12-01", None)))
    assert none.rating == Rating.INSUFFICIENT_DATA


# --- the rules themselves -------------------------------------------------------------------------------------------


def test_no_substantive_verdict_without_an_evidence_table():
    with pytest.raises(ParameterError, match="needs at least one counted evidence row"):
        Verdict("c", Rating.SUPPORTED, "Because.", evidence.empty_evidence())


def test_evidence_rows_must_say_what_they_are():
    with pytest.raises(ParameterError, match="row 1 .* statement without its page"):
        evidence.evidence_frame([{"year": 2020, "series": "rank", "kind": "statement", "source": "x", "value": 1.0}])
    with pytest.raises(ParameterError, match="kind that is not one of"):
        evidence.evidence_frame([{"year": 2020, "series": "rank", "kind": "estimate", "source": "x"}])
    with pytest.raises(ParameterError, match="declared figure without reported_by"):
        evidence.evidence_frame([{"year": 2020, "series": "rank", "kind": "declared", "source": "x"}])


def test_year_list_writes_runs_as_ranges():
    assert evidence.year_list([2010, 2011, 2012, 2015, 2017, 2018]) == "2010–2012, 2015, 2017–2018"
