"""One-off import of ../shared/data into data/raw/<source>/ with a source.yml per source.

Kept in the repository so the import is reproducible and reviewable: it copies files byte for byte
(plus the gatherer's PROVENANCE.md) and writes the sidecar from the metadata below, which restates
each PROVENANCE.md (publisher, origin, licence as stated, caveats). Re-running refuses to overwrite a
source whose files differ, so a hand edit cannot be blessed by accident.
Usage: python tools/import_shared_data.py [../shared/data] [source ...]   (no source names: all of them)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

from bilateral.data.paths import raw_dir
from bilateral.data.provenance import sha256_file

IMPORTED_ON = "2026-11-28"
GATHERED = "gathered for the project in {gathered_in} into shared/data/{name} (see PROVENANCE.md beside this file); copied here on {imported_on}"

SOURCES: dict[str, dict] = {
    "official_headlines": {
        "title": "Officially reported China-Russia trade totals, partner share/rank and energy headlines (cited pages)",
        "publisher": "China General Administration of Customs (GAC) and Russian Federal Customs Service (FCS) figures as relayed by news agencies and officials; each row names its publisher and page",
        "origin": {"urls": ["per row: source_url column (the page quoted)"]},
        "licence": "Short factual quotes with attribution; underlying official statistics are public. Cite the original page (source_url) when reusing.",
        "retrieved": "2026-11 (stored copies of public web pages)",
        "description": "Annual China-Russia trade turnover, exports and imports (billion current US$) with year-on-year growth, China/Russia partner rank and share, Russian crude and gas supply to China; one row per page statement with URL and verbatim quote.",
        "caveats": [
            "Never mix bases in one series: GAC (Chinese customs) and FCS (Russian customs) figures differ (2010: 55.45 vs 59.34; 2018: 107.06 vs 108.3).",
            "turnover_exceeds rows give only a threshold; turnover_projection rows are forecasts, not outturns.",
            "Not found: 2000-2003 and 2012 values; 2011-2014 export/import split; FCS annual values for 2011-2017 and 2019-2024.",
            "russia-insider.com gives 2017 turnover 80.07 while every other page gives 84.07 (likely an upstream typo); kept and shown as a disagreement.",
            "2012H1 rows are half-year figures.",
            "Russia stopped publishing foreign-trade statistics in 2022 (bm.ge).",
        ],
    },
    "energy_institute_statreview": {
        "title": "Energy Institute Statistical Review of World Energy 2023 (data to 2022): energy trade flows",
        "publisher": "Energy Institute (with KPMG and Kearney); formerly bp Statistical Review of World Energy",
        "origin": {
            "repository": "ryanczm/BP-Statistical-Report",
            "commit": "f3af397346fd1cbb2f635dbeefc4360b8aa04db5",
            "urls": [
                "file BP-Statistical-Review-2022-Original.xlsx (Contents sheet: 2023 Energy Institute Statistical Review)"
            ],
        },
        "licence": 'None stated in the upstream repository; the EI allows use of the Statistical Review data with acknowledgement ("Energy Institute Statistical Review of World Energy 2023"). UNCLEAR for redistribution: check the EI terms page before public redistribution.',
        "retrieved": "2026-11",
        "description": "All-data workbook of the 2023 edition; CSV dumps of six trade sheets (oil inter-area movements, oil trade, gas pipeline and LNG matrices, coal inter-area movements, gas inter-regional trade 2000-2022); tidy Russia->China flows.",
        "caveats": [
            "Bilateral matrices cover ONE year (2022); only pipeline gas has a Russia->China time series (2000-2022).",
            "EI pipeline gas Russia->China differs from Gazprom's operator figures (2021: EI 7.58 bcm vs Gazprom about 10.4; 2022: 14.67 vs about 15.5).",
            "LNG 2022 (6.11 bcm) looks low against Chinese customs (about 6.5 Mt); not verified, use with care.",
            "Units differ by sheet: oil in million tonnes, gas in bcm, coal in exajoules.",
        ],
    },
    "energy_institute_statreview_2021": {
        "title": "bp Statistical Review of World Energy 2021 (data to 2020): energy trade flows",
        "publisher": "BP p.l.c. (bp Statistical Review of World Energy)",
        "origin": {
            "repository": "energyandcleanair/fossil_shipment_tracker_r",
            "commit": "0ac91f7ed4ccdaa26287856644e22a54b7107671",
            "urls": ["inst/extdata/bp-stats-review-2021-all-data.xlsx"],
        },
        "licence": "The workbook states no terms of use or licence (the upstream repository's MIT licence covers CREA's code only). UNCLEAR: check current terms before public redistribution; acknowledge \"bp Statistical Review of World Energy 2021\".",
        "retrieved": "2026-11",
        "description": "All-data workbook of the 2021 edition; CSV dumps of eight trade sheets; tidy Russia->China 2020 flows (crude, products, pipeline gas, LNG, coal).",
        "caveats": [
            "The gas inter-regional sheet of this edition has no Russia->China row (added in the 2023 edition).",
            "Matrices are for 2020 only.",
        ],
    },
    "hs_classification": {
        "title": "Harmonized System (HS 2022) sections, chapters, headings and subheadings",
        "publisher": "World Customs Organization (HS nomenclature), as extracted from the UN Comtrade classification API by the datasets/harmonized-system project",
        "origin": {"repository": "datasets/harmonized-system", "commit": "905e5a0fa29f5700d62cb3cc1265f21bc8a92329"},
        "licence": "ODC Public Domain Dedication and Licence (PDDL 1.0), as stated upstream",
        "retrieved": "2026-11",
        "description": "6,940 codes: 97 chapters (HS2), 1,229 headings (HS4), 5,613 subheadings (HS6), one level-5 quirk row; 21 sections.",
        "caveats": [
            "HS 2022 codes: data reported in older revisions (HS92 ... HS17) need a concordance at 6 digits; chapters are stable except 77 (reserved) and 98/99 (national).",
            "One row at level 5 is a quirk kept as found.",
        ],
    },
    "comtrade_china_critical_minerals": {
        "title": "China's monthly exports of critical minerals by destination (UN Comtrade extracts, HS6), 2017-2024",
        "publisher": "UN Statistics Division, UN Comtrade (data API v1), as pulled and tabulated by the qennis/ChinaCriticalMineralComtrade project (Ennis)",
        "origin": {
            "repository": "qennis/ChinaCriticalMineralComtrade",
            "commit": "44040f49dab67c29fd358d004b54ccb58fc14dbd",
            "urls": ["data_output/tables/ (last changed in b722e75272c9d44837b3cd304d1a336f50624773)"],
        },
        "licence": "UNCLEAR: the repository has no LICENSE file (README asks to cite the project/paper); UN Comtrade terms of use apply to the underlying data. Research/reference use; check before public redistribution.",
        "retrieved": "2026-11",
        "description": "Monthly China exports (reporter 156, flow X) by destination for HS6 250410, 380110, 811292 (deep dive) and broad groups incl. polysilicon 280461; Russia subsets.",
        "caveats": [
            "Only a few HS6 lines: NOT total China-Russia trade.",
            "Partners limited to the author's code-to-name map (39 named destinations); not the full destination list.",
            "Quantities look Comtrade-estimated (unit values identical across partners); use qty/uv with care; val is the reported value.",
            "Months with no trade are absent (not zero rows); 9 of 83 Russia polysilicon months have qty 0 (uv = inf).",
        ],
    },
    "cooperation_registry": {
        "title": "China-Russia cooperation registry: mega-projects, investment, EAEU trade, people exchanges, settlement currency (cited pages)",
        "publisher": "Companies, governments and agencies named per row (Gazprom, CNPC, Rosatom, RDIF, MOFCOM, EEC, ...) as relayed by news agencies; each row names its publisher and page",
        "origin": {"urls": ["per row: source_url column (the page quoted)"]},
        "licence": "Short factual quotes with attribution; cite the original page (source_url) when reusing. Some URLs are reposts/mirrors (lower grade).",
        "retrieved": "2026-11 (stored copies of public web pages)",
        "description": "Long-format cited facts: 27 projects (241 facts), IGC investment portfolio and FDI statements, China-EAEU agreement and EAEU trade, tourist/student flows, settlement-currency shares.",
        "caveats": [
            "Headline-level coverage, not exhaustive.",
            "Some dates completed from article datelines or URLs (the unit column says so).",
        ],
    },
    "bu_china_global_energy_finance": {
        "title": "China's Global Energy Finance database (Boston University GDP Center), copy as of February 2020",
        "publisher": "Boston University Global Development Policy Center",
        "origin": {
            "repository": "uni-sabia/china_bri",
            "commit": "6bf17d1f63441c811854095b6a1cf3f2ae09e5cc",
            "urls": ["BU-PITCH-EN-2020.csv"],
        },
        "licence": "UNCLEAR: not stated in the upstream repository. Check the BU GDP Center's terms before shipping publicly; cite as \"Boston University Global Development Policy Center, China's Global Energy Finance Database (2020 edition)\".",
        "retrieved": "2026-11",
        "description": "Loans by China Development Bank and China Ex-Im Bank to energy projects abroad, 2000-2019 (270 rows), and the 7 Russia-related rows.",
        "caveats": ["Loans, not FDI.", "Coverage stops in 2019; BU has since revised the database."],
    },
    "china_customs_energy_imports_by_origin": {
        "title": "China Customs monthly energy imports by origin (Wind export via CREA), incl. imports from Russia",
        "publisher": "China General Administration of Customs (GACC), exported from the Wind terminal; compiled in energyandcleanair/fossil_shipment_tracker_r (CREA)",
        "origin": {
            "repository": "energyandcleanair/fossil_shipment_tracker_r",
            "commit": "0ac91f7ed4ccdaa26287856644e22a54b7107671",
            "urls": [
                "inst/extdata/china/china_imports_wind.csv (and the same path at b2059d8ad8bcf8c278b739024408cc95354a1321)"
            ],
        },
        "licence": "UNCLEAR: the repository is MIT (CREA's code); no separate licence for the data; Wind is a commercial vendor, so redistribution terms of the extract are unclear. Research reference; cite GACC / Wind / CREA.",
        "retrieved": "2026-11",
        "description": "Wide Wind layout: monthly imports from Russia of coal, LNG, pipeline gas, crude (1995-04..2023-02), and an all-origin version (1993-01..2022-11).",
        "caveats": [
            "Empty or 0 means not published; China stopped publishing pipeline gas by origin in 2022 (0 does not mean zero trade).",
            "Two value columns (natural gas 271121, LNG 271111) carry no origin: do not assume they are Russia-specific.",
            "Mixed units (kg, ton, USD, 10000 tons, USD 10 th): read each column's Unit row.",
        ],
    },
    "russia_fossil_exports_by_importer": {
        "title": "Imports of Russian fossil fuels by importing country, monthly 2016-01..2022-11 (UN Comtrade + Eurostat, compiled by CREA)",
        "publisher": "UN Comtrade (UNSD) and Eurostat, compiled by CREA (fossil_shipment_tracker_r)",
        "origin": {
            "repository": "energyandcleanair/fossil_shipment_tracker_r",
            "commit": "0ac91f7ed4ccdaa26287856644e22a54b7107671",
            "urls": ["inst/extdata/comtrade_eurostat.RDS (converted to CSV, values unchanged)"],
        },
        "licence": "UNCLEAR: repository MIT covers CREA's code; UN Comtrade terms of use and Eurostat reuse policy (acknowledgement) apply to the figures. Check both before public redistribution.",
        "retrieved": "2026-11",
        "description": "34,832 rows: importer x month x commodity (crude, products, pipeline gas, LNG, coal, coke, tar, coal gas), EUR and tonnes.",
        "caveats": [
            "EUR values were derived by CREA as USD/1.1.",
            "2022 partial; China 2016-2021 given as annual/12.",
            "Values can be negative (net of exports to Russia) in 101 rows; empty in 546 rows.",
        ],
    },
    "imf_dots": {
        "title": "IMF Direction of Trade Statistics (DOTS): every reporter's exports (FOB) and imports (CIF) by partner, annual, to 2020",
        "publisher": "International Monetary Fund, Direction of Trade Statistics (DOTS), in the export format of the IMF data portal; one workbook per reporting economy downloaded by Sam LeBlanc (SamLeBlanc/Direction-of-Trade-Map)",
        "origin": {
            "repository": "SamLeBlanc/Direction-of-Trade-Map",
            "commit": "a0b40afbac7cefc59a4b35c1ebe541ac546aafad",
            "urls": [
                "data/DOTS/DOTS_1.xlsx .. DOTS_235.xlsx (added in a769819d9b25a21a362d6cabfb10f150903f834d, 2022-02-02; unchanged at HEAD)"
            ],
        },
        "licence": "UNCLEAR for the data: the repository's MIT licence (c) 2022 Sam LeBlanc covers the repository and states no separate data licence. The IMF's terms of use for its statistics apply (free reuse with attribution \"Source: International Monetary Fund, Direction of Trade Statistics\"); check the IMF copyright page before commercial redistribution.",
        "retrieved": "2026-12 (upstream files as committed 2022-02-02; IMF download of early 2022)",
        "imported_on": "2026-12-01",
        "gathered_in": "December 2026",
        "description": "235 workbooks, one per reporting economy (234 distinct: DOTS_143 and DOTS_144 are both Nicaragua), each with sheets 'Exports, FOB' and 'Imports, CIF': reporter's declared trade with every partner in US$ millions, annual from 1960 (or the reporter's first year) to 2020, plus IMF aggregate rows (World, regions, 'not specified'). Values ending in ' e' are IMF estimates; empty cells mean no data.",
        "caveats": [
            "Data end in 2020; statements about 2021 and later need other sources.",
            "IMF values are revised over time: this is one download (early 2022), not the current vintage.",
            "Some values are IMF estimates (printed with ' e'); keep the flag.",
            "Partner names are IMF names, not ISO codes; aggregate rows (World, Advanced Economies, Euro Area, regions, 'Countries & Areas not specified', ...) are not countries and are dropped by name; World is the reporter's total.",
            "Each pair appears twice, as the exporter's FOB exports and the importer's CIF imports: a mirror pair. Show both, never add them.",
            "The upstream repository's own code and maps are not used, only the workbooks.",
        ],
    },
    "baci_china_russia_hs17": {
        "title": "China-Russia trade by product: CEPII BACI (HS 2017, V202501) extract 2017-2023, UN Comtrade monthly China imports from Russia 2017-2024, OEC HS4 table with PCI",
        "publisher": "CEPII (BACI, release BACI_HS17_V202501); United Nations Statistics Division (UN Comtrade); Observatory of Economic Complexity (OEC). Extracted by the SamiNakibETU/Russia_China_relationship project",
        "origin": {
            "repository": "SamiNakibETU/Russia_China_relationship",
            "commit": "cf1c0792422867ad5c396682b2d2278257d8fde9",
            "urls": [
                "russia_china_dependency/01_raw_data/trade/ (files added in 2391006, 2026-02-18; unchanged at HEAD)"
            ],
        },
        "licence": 'UNCLEAR for redistribution of the extract: the repository states "MIT License (code) / CC BY 4.0 (report/figures)" and no separate data licence, so each publisher\'s terms apply: CEPII BACI Etalab Open Licence 2.0 (attribution to CEPII); UN Comtrade terms of use; OEC terms (attribution).',
        "retrieved": "2026-12",
        "imported_on": "2026-12-01",
        "gathered_in": "December 2026",
        "description": "baci_russia_china_processed_2017_2023.csv: 43,494 BACI rows (t, i, j, k, v, q) for China (156) -> Russia (643) and Russia -> China, HS6 in HS 2017, v in thousands of current US$, q in metric tonnes. comtrade_imports_chn_from_rus_2017_2024.csv: 96 months of China's declared imports from Russia, all goods (UN Comtrade API v1 layout, primaryValue in US$). exports_russia_to_china_2018_2023.csv: 4,965 rows of the OEC's HS4 table of Russia's exports to China with the Product Complexity Index (PCI) per product and year.",
        "caveats": [
            "A third-party extract: the BACI release name (BACI_HS17_V202501) comes from the upstream script, not from CEPII; the gatherer's totals and cross-checks in PROVENANCE.md are why it is trusted.",
            "BACI reconciles both sides' declarations: it is neither customs service's figure.",
            "Not the full BACI: only this pair, so shares of a product in either country's trade with the world cannot be computed from it.",
            "BACI product codes lack their leading zero (pad to 6 digits); OEC HS4 IDs lack leading zeros (pad to 4).",
            "The OEC table covers only products Russia exported to China; PCI varies by year (856 of 1,047 products).",
            "The upstream repository's processed files (02_processed_data/, master_dataset.csv) are NOT used: some of their values are implausible.",
        ],
    },
}


def import_source(shared: Path, name: str, meta: dict) -> None:
    src, dst = shared / name, raw_dir() / name
    dst.mkdir(parents=True, exist_ok=True)
    files = []
    for path in sorted(p for p in src.iterdir() if p.is_file()):
        target = dst / path.name
        if target.exists() and sha256_file(target) != sha256_file(path):
            raise SystemExit(f"{target} differs from {path}; refusing to overwrite a raw file.")
        shutil.copyfile(path, target)
        files.append({"path": path.name, "sha256": sha256_file(target), "bytes": target.stat().st_size})
    meta = dict(meta)
    # Sources added later say when they were gathered and copied.
    imported_on, gathered_in = meta.pop("imported_on", IMPORTED_ON), meta.pop("gathered_in", "November 2026")
    gathered = GATHERED.format(name=name, imported_on=imported_on, gathered_in=gathered_in)
    record = {"name": name, **meta, "description": meta["description"] + " " + gathered, "files": files}
    (dst / "source.yml").write_text(
        yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8"
    )
    print(f"{name}: {len(files)} files")


if __name__ == "__main__":
    shared_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    chosen = sys.argv[2:] or list(SOURCES)
    unknown = [name for name in chosen if name not in SOURCES]
    if unknown:
        raise SystemExit(f"Unknown source(s) {', '.join(unknown)}; known: {', '.join(SOURCES)}.")
    for source_name in chosen:
        import_source(shared_dir, source_name, SOURCES[source_name])
