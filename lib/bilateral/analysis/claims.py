"""The claims ledger (data/claims.yml): statements turned into tests on data, and their verdicts.

A claim is a verbatim quote with who said it, where and when, the metric and the test that would confirm or
refute it (in plain words and as a machine-readable spec), the period, the tolerance, the datasets it needs and
why that proxy. Statements that are not about facts are kept in the ledger as not checkable, with the reason.
This module validates the ledger (pydantic; errors name the claim id and the field), checks that each quote is
verbatim in the stored text of its source, dispatches a claim and its evidence to the verdict function of its
test type (`verdicts`), and writes schema.org ClaimReview JSON-LD, the format fact-checkers publish in.
No I/O: callers read the files and pass their text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bilateral.analysis.evidence import SUBSTANTIVE, Rating, Verdict
from bilateral.errors import DataError

ISO3 = r"^[A-Z]{3}$"
ISO_DATE = r"^\d{4}-\d{2}(-\d{2})?$"  # ISO 8601, day optional (schema.org accepts reduced precision)
Kind = Literal["statement", "declared", "reconciled"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reviewer(_Strict):
    """Who reviews: the author of the ClaimReview."""

    name: str
    url: str | None = None


class Source(_Strict):
    """A text claims are quoted from."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    publisher: str
    title: str | None = None  # None when the stored copy does not give the page's title
    url: str = Field(pattern=r"^https?://\S+$")
    date_published: str = Field(pattern=ISO_DATE)  # 2023-03-22, or 2022-09 when only the month is known
    text_copy: str | None = None  # stored copy in the repository (data/raw/...), against which quotes are checked
    note: str = ""


class Period(_Strict):
    start: int = Field(ge=1948, le=2100)
    end: int = Field(ge=1948, le=2100)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self


class Tolerance(_Strict):
    close_within_pct: float | None = Field(default=None, ge=0)  # used when the evidence gives no disagreement
    rule: str  # in words: what counts as a close call


class DatasetNeed(_Strict):
    name: str
    kind: Kind
    years: str  # coverage in words, e.g. "1992-2020"
    shipped: bool  # in the repository today (or landing with the lead's registry work)
    note: str = ""


class RankRunTest(_Strict):
    type: Literal["rank_run"]
    plain: str
    entity: str = Field(pattern=ISO3)
    among: str = Field(pattern=ISO3)  # whose partners are ranked
    max_rank: int = Field(default=1, ge=1)


class ThresholdTest(_Strict):
    type: Literal["threshold"]
    plain: str
    series: str
    threshold: float
    unit: str
    comparison: Literal["at_least", "at_most"] = "at_least"
    rule: Literal["any_year", "every_year"]


class ChangeTest(_Strict):
    type: Literal["change"]
    plain: str
    series: list[str] = Field(min_length=1)
    from_year: int
    to_year: int
    direction: Literal["increase", "decrease", "not_decrease"]
    min_change_pct: float = Field(default=0.0, ge=0)


class EventsTest(_Strict):
    type: Literal["events"]
    plain: str
    series: str
    from_date: dt.date
    to_date: dt.date
    min_events: int = Field(ge=1)
    min_entities: int = Field(default=1, ge=1)


Test = Annotated[RankRunTest | ThresholdTest | ChangeTest | EventsTest, Field(discriminator="type")]


class Claim(_Strict):
    """One ledger entry. Checkable claims carry metric, test, period, datasets and why this proxy; the others a reason."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    source: str
    quote: str = Field(min_length=3)
    speaker: str
    speaker_side: str | None = Field(default=None, pattern=ISO3)  # whose statements would be restatements
    said_at: str
    said_on: str = Field(pattern=ISO_DATE)
    checkable: bool
    not_checkable_reason: str | None = None
    metric: str | None = None
    test: Test | None = None
    period: Period | None = None
    tolerance: Tolerance | None = None
    datasets: list[DatasetNeed] = Field(default_factory=list)
    why_this_proxy: str | None = None
    decisive_data: str | None = None  # the data that would decide, when the shipped data cannot
    notes: str = ""

    @model_validator(mode="after")
    def _complete(self) -> Claim:
        if self.checkable:
            missing = [
                f for f in ("metric", "test", "period", "tolerance", "why_this_proxy") if getattr(self, f) in (None, "")
            ]
            if not self.datasets:
                missing.append("datasets")
            if missing:
                raise ValueError(f"a checkable claim needs {', '.join(missing)}")
            if self.not_checkable_reason:
                raise ValueError("a checkable claim has no not_checkable_reason")
            self._check_test_period()
        else:
            if not self.not_checkable_reason:
                raise ValueError("a claim that is not checkable needs not_checkable_reason")
            if self.test is not None:
                raise ValueError("a claim that is not checkable has no test (and gets no verdict)")
        return self

    def _check_test_period(self) -> None:
        test, period = self.test, self.period
        if isinstance(test, ChangeTest) and (test.from_year, test.to_year) != (period.start, period.end):
            raise ValueError(
                f"test from_year/to_year ({test.from_year}-{test.to_year}) must equal the period ({period.start}-{period.end})"
            )
        if isinstance(test, EventsTest) and not (
            period.start <= test.from_date.year <= test.to_date.year <= period.end
        ):
            raise ValueError("test from_date..to_date must lie within the period")

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.period.start, self.period.end + 1)) if self.period else ()


class Ledger(_Strict):
    version: Literal[1]
    reviewer: Reviewer
    sources: list[Source]
    claims: list[Claim]

    @model_validator(mode="after")
    def _references(self) -> Ledger:
        ids = [c.id for c in self.claims]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"claim ids must be unique; repeated: {', '.join(repeated)}")
        known = {s.id for s in self.sources}
        for claim in self.claims:
            if claim.source not in known:
                raise ValueError(
                    f"claim '{claim.id}': source '{claim.source}' is not among the sources ({', '.join(sorted(known))})"
                )
        return self

    def source_of(self, claim: Claim) -> Source:
        return next(s for s in self.sources if s.id == claim.source)

    def get(self, claim_id: str) -> Claim:
        for claim in self.claims:
            if claim.id == claim_id:
                return claim
        raise DataError(f"No claim '{claim_id}' in the ledger; claims: {', '.join(c.id for c in self.claims)}.")


def parse_ledger(text: str, *, where: str = "data/claims.yml") -> Ledger:
    """Validate the ledger's YAML text. DataError names the file, the claim id and the field that is wrong."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"{where}: not valid YAML ({str(exc).splitlines()[0]}).") from exc
    if not isinstance(raw, dict):
        raise DataError(f"{where}: expected a mapping with version, reviewer, sources and claims.")
    claims = raw.get("claims")
    if not isinstance(claims, list):
        raise DataError(f"{where}: 'claims' must be a list of claims.")
    for position, entry in enumerate(claims, start=1):
        claim_id = entry.get("id", f"#{position}") if isinstance(entry, dict) else f"#{position}"
        try:
            Claim.model_validate(entry)
        except ValidationError as exc:
            raise DataError(f"{where}: claim '{claim_id}': {_describe(exc)}") from exc
    try:
        return Ledger.model_validate(raw)
    except ValidationError as exc:
        raise DataError(f"{where}: {_describe(exc)}") from exc


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        field = ".".join(str(p) for p in error["loc"] if not (isinstance(p, str) and p in _TEST_TAGS))
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"field {field}: {message}" if field else message)
    more = f" (and {exc.error_count() - 3} more)" if exc.error_count() > 3 else ""
    return "; ".join(parts) + more


_TEST_TAGS = {"rank_run", "threshold", "change", "events"}


def quote_problems(ledger: Ledger, texts: Mapping[str, str]) -> list[str]:
    """Claims whose quote is not verbatim in the stored text of its source (`texts`: source id -> text).

    Sources without a stored text cannot be checked here; they are listed too, so nobody mistakes them for checked.
    """
    problems = []
    for claim in ledger.claims:
        text = texts.get(claim.source)
        if text is None:
            problems.append(f"claim '{claim.id}': no stored text of source '{claim.source}'; quote not checked")
        elif claim.quote not in text:
            problems.append(
                f"claim '{claim.id}': quote is not verbatim in source '{claim.source}': {claim.quote[:80]!r}"
            )
    return problems


def check_claim(claim: Claim, evidence: pl.DataFrame) -> Verdict:
    """The claim's verdict from its evidence, by the verdict function of its test type."""
    from bilateral.analysis import verdicts  # verdicts imports Claim for typing only

    if not claim.checkable:
        return verdicts.verdict_not_checkable(claim, evidence)
    return verdicts.VERDICTS[claim.test.type](claim, evidence)


# ClaimReview: a numeric scale for the three substantive verdicts; the other two are textual only.
RATING_VALUES = {Rating.CONTRADICTED: 1, Rating.PARTLY_SUPPORTED: 2, Rating.SUPPORTED: 3}


def claimreview_jsonld(claim: Claim, verdict: Verdict, ledger: Ledger, *, date_reviewed: dt.date) -> dict[str, Any]:
    """schema.org ClaimReview for one claim (https://schema.org/ClaimReview).

    claimReviewed = the verbatim quote; itemReviewed = a Claim with its author (the speaker), datePublished (when
    it was said) and appearance (the page it was read on); reviewRating = a Rating whose alternateName is the
    verdict (with "(close call)" when it is one) and ratingExplanation the sentence of why; for supported /
    partly supported / contradicted also ratingValue 3 / 2 / 1 on a 1-3 scale (insufficient data and not
    checkable are not points on a truth scale, so they carry no ratingValue); author = the workbench.
    """
    source = ledger.source_of(claim)
    appearance: dict[str, Any] = {
        "@type": "CreativeWork",
        "url": source.url,
        "datePublished": source.date_published,
        "publisher": {"@type": "Organization", "name": source.publisher},
    }
    if source.title:
        appearance["headline"] = source.title
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": verdict.label, "ratingExplanation": verdict.why}
    if verdict.rating in SUBSTANTIVE:
        rating |= {"ratingValue": RATING_VALUES[verdict.rating], "bestRating": 3, "worstRating": 1}
    author: dict[str, Any] = {"@type": "Organization", "name": ledger.reviewer.name}
    if ledger.reviewer.url:
        author["url"] = ledger.reviewer.url
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": claim.quote,
        "datePublished": date_reviewed.isoformat(),
        "author": author,
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": claim.speaker},
            "datePublished": claim.said_on,
            "appearance": appearance,
        },
        "reviewRating": rating,
    }
