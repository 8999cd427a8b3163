"""End to end: `bilateral claims check` and `bilateral data check` run offline on the shipped data; bad input gets a
message and exit 2, never a traceback; the ledger file is read only from inside the data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run_cli

from bilateral.errors import ParameterError
from bilateral.reports.params import validate_parameters

REPO = Path(__file__).resolve().parents[1]
CHECKABLE = 11  # data/claims.yml: 8 from the Xinhua report, Zhang's 12 years, the two turnover targets
NOT_CHECKABLE = 9

# schema.org property names (https://schema.org/ClaimReview, /Claim, /Rating, /CreativeWork, /Organization, /Person).
SCHEMA_ORG = {
    "ClaimReview": {
        "@context",
        "@type",
        "claimReviewed",
        "datePublished",
        "author",
        "itemReviewed",
        "reviewRating",
        "url",
    },
    "Claim": {"@type", "author", "datePublished", "appearance", "firstAppearance"},
    "Rating": {"@type", "alternateName", "ratingExplanation", "ratingValue", "bestRating", "worstRating"},
    "CreativeWork": {"@type", "url", "datePublished", "publisher", "headline"},
    "Organization": {"@type", "name", "url"},
    "Person": {"@type", "name", "url"},
}


@pytest.fixture(scope="module")
def ledger_json() -> dict:
    done = run_cli("claims", "check", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow
def test_json_lists_a_verdict_and_evidence_for_every_checkable_claim(ledger_json: dict):
    results = ledger_json["results"]
    checkable = [r for r in results if r["checkable"]]
    assert len(checkable) == CHECKABLE and len(results) == CHECKABLE + NOT_CHECKABLE
    for record in checkable:
        assert record["verdict"] and record["why"] and "evidence" in record and "restatements" in record, record["id"]
        if not record["evidence"]:
            # no figure in the period: only "insufficient data", naming what is missing and what would decide
            assert record["rating"] == "insufficient data" and record["decisive_data"], record["id"]
        for row in record["evidence"]:
            assert row["kind"] in ("statement", "declared", "reconciled") and row["role"] != "restatement (not counted)"
    for record in (r for r in results if not r["checkable"]):
        assert record["verdict"] is None and record["not_checkable_reason"]
    assert sum(ledger_json["by_rating"].values()) == len(results)


@pytest.mark.slow
def test_json_keeps_restatements_apart_and_names_datasets_and_pages(ledger_json: dict):
    rank = next(r for r in ledger_json["results"] if r["id"] == "xi-largest-partner-13-years")
    assert rank["datasets"] == ["dots_trade", "partner_share_rank"]
    # Xi's own "13 years running" (Sputnik, March 2023) repeats the claim: a restatement, listed apart.
    assert any("sputniknews.com/20230320" in row.get("source_url", "") for row in rank["restatements"])
    assert {"url": "https://www.thewirechina.com/2022/03/06/china-russia-by-the-numbers/", "publisher": "The Wire China",
            "role": "counted"} in rank["pages"]  # fmt: skip


@pytest.mark.slow
def test_claimreview_is_json_ld_with_schema_org_names():
    done = run_cli("claims", "check", "--format", "claimreview")
    assert done.returncode == 0, done.stderr
    reviews = json.loads(done.stdout)
    assert isinstance(reviews, list) and len(reviews) == CHECKABLE
    for review in reviews:
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        _schema_org_names(review)
        assert review["itemReviewed"]["author"]["name"] and review["itemReviewed"]["datePublished"]
        assert review["reviewRating"]["alternateName"].split(" (")[0] in (
            "supported", "partly supported", "contradicted", "insufficient data",
        )  # fmt: skip


def _schema_org_names(node: object) -> None:
    if isinstance(node, dict):
        kind = node.get("@type")
        assert kind in SCHEMA_ORG, f"unexpected @type {kind!r}"
        unknown = set(node) - SCHEMA_ORG[kind]
        assert not unknown, f"{kind} has names schema.org does not define: {unknown}"
        for value in node.values():
            if isinstance(value, dict):
                _schema_org_names(value)


def test_an_unknown_claim_id_is_a_clear_error_with_exit_2():
    done = run_cli("claims", "check", "--claim", "xi-largest-partner-13-yrs")
    assert done.returncode == 2
    message = " ".join(done.stderr.split())
    assert (
        "no claim 'xi-largest-partner-13-yrs'" in message and "did you mean 'xi-largest-partner-13-years'?" in message
    )
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_an_unknown_format_is_refused():
    done = run_cli("claims", "check", "--format", "yaml")
    assert done.returncode == 2 and "--format 'yaml' is not one of table, json, claimreview" in done.stderr


@pytest.mark.slow
def test_one_claim_as_a_table_shows_its_evidence_and_pages():
    done = run_cli("claims", "check", "--claim", "putin-250bn-by-2024")
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert "putin-250bn-by-2024 — contradicted" in text and "closest: US$244.81 bn in 2024" in text
    assert "https://bne.eu/russo-china-trade-turnover-rises-1-9-to-244-81bn-in-2024-361098" in text
    assert "Datasets: baci_china_russia_hs6, trade_headlines" in text


@pytest.mark.slow
def test_data_check_lists_the_growth_inconsistencies_and_exits_0():
    done = run_cli("data", "check")
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    # official_headlines: 2016 "+2.2% to $69.5 billion" (RT) implies 69.5 / 1.022 = 68.00 bn for 2015; the 2015 row says 64.2.
    assert "2016: +2.2% to 69.5 bn (Chinese Customs via RIA Novosti (RT)) implies about 68.00 bn for 2015" in text
    assert "says 64.2 bn for 2015" in text
    # 2007 "+44% to 48.2" (la Repubblica) implies 48.2 / 1.44 = 33.47 bn for 2006; the 2006 row says "around $29 billion".
    assert (
        "2007: +44% to 48.2 bn" in text
        and "implies about 33.47 bn for 2006" in text
        and "says around 29 bn for 2006" in text
    )
    assert "https://www.finchannel.com/business/20168-" in text, "both sources are named"


@pytest.mark.slow
def test_data_check_json_and_strict_mode():
    done = run_cli("data", "check", "--format", "json", "--strict")
    assert done.returncode == 1, "--strict turns inconsistencies into a failing exit status"
    document = json.loads(done.stdout)
    assert (
        document["inconsistencies"] >= 2
        and len(document["findings"]) == document["inconsistencies"] + document["minor_differences"]
    )


@pytest.mark.parametrize(
    ("claims_file", "message"),
    [
        ("../pyproject.toml", "outside the data folder"),
        ("/etc/hostname", "outside the data folder"),
        ("raw/official_headlines/PROVENANCE.md", "is not a YAML ledger"),
        ("missing.yml", "no ledger file"),
    ],
)
def test_the_ledger_is_read_only_from_inside_the_data_folder(claims_file: str, message: str):
    with pytest.raises(ParameterError, match=message):
        validate_parameters("claims", {"claims_file": claims_file})


def test_claims_parameters_slug_and_title():
    params = validate_parameters("claims", {"claim": "putin-200bn-by-2024"})
    assert params.slug() == "ledger_putin-200bn-by-2024" and params.ledger_path == REPO / "data" / "claims.yml"
    assert validate_parameters("claims", {}).slug() == "ledger"


def test_a_file_inside_data_that_is_not_a_ledger_is_a_data_error():
    from bilateral.errors import DataError

    with pytest.raises(DataError, match="'claims' must be a list of claims"):
        validate_parameters("claims", {"claims_file": "raw/official_headlines/source.yml"})
