"""Human labels for the codes the data carries: one place, so no report shows `CN_GAC`, `china_total_series` or
`share_pct` to a reader.

Codes stay in the frames (tests, CSV downloads and joins need them); tables, findings and tooltips show the label.
`label(code)` knows every code listed here; an unknown snake_case code is turned into words ("agreement_signed_date"
-> "agreement signed date") rather than shown raw, and `humanise(text)` replaces codes written inside a free-text
basis note ("RU_FCS context" -> "Russian customs (FCS), context"). Pure functions; no I/O.
"""

from __future__ import annotations

import re

# Statistical basis of a cited figure (trade_headlines.basis_code; docs/decisions/0002).
BASIS_LABELS = {
    "CN_GAC": "Chinese customs (GAC)",
    "RU_FCS": "Russian customs (FCS)",
    "CN_official": "Chinese official figure",
    "RU_official": "Russian official figure",
    "RU_unspecified": "Russian estimate",
    "unspecified": "basis not stated",
    # energy statements (official_headlines/russia_china_energy_headlines.csv)
    "RU_operator": "Russian operator (Gazprom)",
    "RU_media": "Russian media",
}

# Denominator of a supplier's share of China's imports (analysis.energy.ranking).
SHARE_BASIS_LABELS = {
    "china_total_series": "China's total imports (customs)",
    "sum_of_listed_origins": "sum of the origins listed (upper bound)",
}

# What a cited statement about the pair measures (official_headlines/china_russia_share_rank.csv and the
# partner-ranking statements); the unit is part of the label where the value needs one.
MEASURE_LABELS = {
    "rank": "rank among partners",
    "share_pct": "share of the reporter's trade, %",
    "years_as_top_partner": "consecutive years as largest partner",
    "china_rank_among_russia_partners": "China's rank among Russia's partners",
    "china_share_of_russia_trade": "China's share of Russia's trade, %",
    "china_consecutive_years_as_russia_top_partner": "consecutive years as Russia's largest partner",
    "turnover": "turnover",
    "exports": "exports",
    "imports": "imports",
}

# Dataset names (the registry's source names) as short reader labels, for tables where the long citation is too long.
DATASET_LABELS = {
    "imf_dots": "IMF DOTS",
    "baci_china_russia_hs17": "CEPII BACI",
    "china_customs_energy_imports_by_origin": "China's customs (energy imports by origin)",
    "energy_institute_statreview": "EI Statistical Review (2023)",
    "energy_institute_statreview_2021": "bp Statistical Review (2021)",
    "comtrade_china_critical_minerals": "UN Comtrade (China's critical minerals)",
    "official_headlines": "cited statements",
    "cooperation_registry": "cooperation registry (cited pages)",
    "russia_fossil_exports_by_importer": "CREA (Russia's fossil exports)",
    "bu_china_global_energy_finance": "Boston University China's Global Energy Finance",
    "china_imports_from_russia_monthly": "China's customs via UN Comtrade (monthly)",
}

_CODE_TABLES = (BASIS_LABELS, SHARE_BASIS_LABELS, MEASURE_LABELS, DATASET_LABELS)
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_EMBEDDED = re.compile(r"\b(" + "|".join(sorted(map(re.escape, BASIS_LABELS), key=len, reverse=True)) + r")\b")


def label(code: str | None) -> str:
    """The reader's label of a code; '–' for None; snake_case codes not listed become words; anything else as is."""
    if code is None:
        return "–"
    for table in _CODE_TABLES:
        if code in table:
            return table[code]
    return code.replace("_", " ") if _SNAKE.match(code) else code


def basis_label(code: str | None) -> str:
    """A basis code as a label; fetched statistics (`<ISO3>_declared`) read 'declared by <country>'."""
    if code is None:
        return "–"
    if code.endswith("_declared"):
        from bilateral.data.countries import country_name

        return f"declared by {country_name(code.removesuffix('_declared'))}"
    return BASIS_LABELS.get(code, humanise(code))


def humanise(text: str | None) -> str:
    """A free-text note with basis codes written in it, codes replaced by labels ('RU_FCS context' -> 'Russian customs
    (FCS), context'; 'CN_GAC (via Kazinform)' -> 'Chinese customs (GAC) (via Kazinform)'). A whole-cell code is labelled."""
    if text is None:
        return "–"
    if text in BASIS_LABELS or _SNAKE.match(text):
        return label(text)

    def replace(match: re.Match[str]) -> str:
        following = text[match.end() : match.end() + 1]
        joiner = "," if following == " " and text[match.end() + 1 : match.end() + 2].isalpha() else ""
        return BASIS_LABELS[match.group(1)] + joiner

    return _EMBEDDED.sub(replace, text)


def snapshot(text: str | None) -> str:
    """A dataset snapshot name as words: 'snapshot IMF_DOTS_2022-02_download' -> 'IMF DOTS 2022-02 download (data
    snapshot)'. Provenance stays readable without showing a folder name."""
    if not text:
        return "–"
    name = text.removeprefix("snapshot ").replace("_", " ").strip()
    return f"{name} (data snapshot)"
