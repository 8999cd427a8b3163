"""CEPII BACI settings: names, pages, licence words, file patterns and the release description."""

from __future__ import annotations

import re
from dataclasses import dataclass

SOURCE = "baci"  # registry name: snapshots in raw_dir()/baci, the `source` column of its rows
PUBLISHER = "CEPII (Centre d'Etudes Prospectives et d'Informations Internationales)"
CEPII_PAGE = "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37"
CEPII_DOC = "https://www.cepii.fr/DATA_DOWNLOAD/baci/doc/baci_webpage.html"
LICENCE = (
    "Etalab Open Licence 2.0, as stated by CEPII (BACI page: 'Licence: Etalab 2.0'; FAQ: any use is authorised "
    "provided the source is mentioned). Cite Gaulier & Zignago (2010), CEPII Working Paper 2010-23."
)
SYNTHETIC_PREFIX = "SYNTHETIC_"  # benchmark data: carried into dataset_version so it never passes as real

# country_iso3 values in CEPII's country table that are not ISO 3166 alpha-3. Code 490 ("Other Asia,
# nes", iso3 "S19") is how the UN records Taiwan's trade; CEPII's BACI FAQ calls it a proxy for Taiwan.
ISO3_OVERRIDES: dict[str, str] = {"S19": "TWN"}

TRADE_COLUMNS = ("t", "i", "j", "k", "v", "q")
COUNTRY_COLUMNS = ("country_code", "country_name", "country_iso2", "country_iso3")
MISSING_MARKERS = ("", "NA")  # after stripping the fixed-width padding
SORT_KEY = ("reporter_iso3", "partner_iso3", "product_code")
ROW_GROUP_ROWS = 64_000  # small enough that one reporter spans only a few row groups per year
PARTITION_FILE = "part.parquet"
RELEASE_FILE = "release.json"

_VERSION = r"V(?P<version>\d{6}[a-z]?)"  # 202501, or 202401b for a corrected release
_TRADE_FILE = re.compile(rf"^(?P<prefix>{SYNTHETIC_PREFIX})?BACI_(?P<hs>HS\d\d)_Y(?P<year>\d{{4}})_{_VERSION}\.csv$")
_COUNTRY_FILE = re.compile(rf"^country_codes_{_VERSION}\.csv$")
_PRODUCT_FILE = re.compile(rf"^product_codes_(?P<hs>HS\d\d)_{_VERSION}\.csv$")


@dataclass(frozen=True)
class BaciRelease:
    """What one BACI zip holds, read from its member names only."""

    classification: str  # "HS92", "HS22", ...
    version: str  # "202501"
    is_synthetic: bool
    trade_members: dict[int, str]  # year -> zip member
    country_member: str
    product_member: str | None

    @property
    def dataset_version(self) -> str:
        """'BACI_HS92_V202501' ('SYNTHETIC_BACI_HS92_V202501' for generated benchmark data)."""
        prefix = SYNTHETIC_PREFIX if self.is_synthetic else ""
        return f"{prefix}BACI_{self.classification}_V{self.version}"
