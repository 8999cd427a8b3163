"""The source registry: every data source of the workbench, once, as a typed entry.

The CLI, the catalog, the `trade_flows` router, `fetch` and the report parameters all read this list;
nothing else lists sources. Adding a source is one entry here plus one loader module under
`bilateral.data.sources`.

Naming rule (docs/decisions/0004-source-registry.md):
- A source has ONE name, used everywhere: its folder under data/raw, its key here, the argument of
  `bilateral data fetch`, the `source=` value of report parameters and the `source` column of its
  `trade_flows` rows (so a row always points at the folder whose source.yml holds its provenance).
- `label` is the only other text for it, written for people (chart footnotes, tables, errors).
- A *table* (catalog dataset, e.g. `trade_headlines`) is something a loader returns; one source may
  have several tables. Tables have their own names; they never stand in for a source name.
- In code, `source` (or `source_name`) is always the name; `folder` is a Path; `label` is for people.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from bilateral.errors import ParameterError

# What a source's values are (ARCHITECTURE.md "Evidence and statements"): a statement (someone said
# it), declared (a customs service reported it), reconciled (a statistician's single estimate from
# both declarations), compiled (an analyst's compilation of declared data, e.g. the Statistical
# Review) or reference (a classification or code list, not a measurement).
Evidence = Literal["statement", "declared", "reconciled", "compiled", "reference"]

SOURCES_PACKAGE = "bilateral.data.sources"


@dataclass(frozen=True)
class Table:
    """One catalog dataset a source's loader returns."""

    name: str
    function: str  # function in the source's module (or "module:function" for another module)
    description: str
    args: tuple[object, ...] = ()
    year_column: str | None = "year"


@dataclass(frozen=True)
class Connector:
    """How an upstream is fetched into snapshots and read back.

    `options` are the `bilateral data fetch` options the connector accepts ("release" is the
    positional file/URL argument); the CLI refuses the others by name.
    """

    snapshot_function: str  # (**query) -> Path of the new snapshot folder
    options: frozenset[str]
    loader: str | None = None  # (snapshot folder) -> DataFrame | LazyFrame; None = its trade_flows.parquet


@dataclass(frozen=True)
class Source:
    """One source: shipped (files under data/raw/<name>/) or upstream (snapshots under data/raw/<name>/<stamp>/)."""

    name: str
    label: str
    evidence: Evidence
    module: str  # loader/connector module, relative to bilateral.data.sources (or absolute with a dot)
    tables: tuple[Table, ...] = ()
    trade_flows: str | None = None  # shipped: function returning its trade_flows frame
    connector: Connector | None = None
    partner_totals: bool = False  # trade_flows hold each reporter's total trade with partners (rank, share)
    products: bool = False  # trade_flows hold product (HS) rows
    prepare: str | None = None  # function building derived caches (run once before parallel reports)
    notes: tuple[str, ...] = field(default=())

    @property
    def is_upstream(self) -> bool:
        return self.connector is not None

    @property
    def has_trade_flows(self) -> bool:
        return self.trade_flows is not None or self.connector is not None

    @property
    def module_path(self) -> str:
        return self.module if "." in self.module else f"{SOURCES_PACKAGE}.{self.module}"


_TRADE_OPTIONS = frozenset({"reporter", "years", "frequency", "stamp"})

SOURCES: tuple[Source, ...] = (
    Source(
        "official_headlines",
        "Official statements (cited pages: GAC, FCS, officials)",
        "statement",
        "headlines",
        tables=(
            Table(
                "trade_headlines",
                "load_trade_headlines",
                "China-Russia annual turnover, exports, imports (US$) as stated on cited pages, one row per statement",
            ),
            Table(
                "partner_share_rank",
                "load_share_rank",
                "China's and Russia's rank and share among each other's trading partners, as stated",
            ),
            Table(
                "energy_headlines",
                "load_energy_headlines",
                "Russian crude oil, Power of Siberia gas and LNG supply to China, as stated (units per row)",
            ),
        ),
    ),
    Source(
        "energy_institute_statreview",
        "Energy Institute Statistical Review 2023",
        "compiled",
        "energy_institute",
        tables=(
            Table(
                "energy_trade_2022",
                "load_energy_trade",
                "EI Statistical Review 2023: 2022 bilateral matrices of crude, products (Mt), pipeline gas, LNG (bcm), coal (EJ)",
                args=("2023",),
            ),
            Table(
                "russia_china_energy_flows",
                "load_russia_china_energy_flows",
                "Russia->China energy flows from the EI 2023 workbook (pipeline gas 2000-2022; crude, products, LNG, coal 2022)",
                args=("2023",),
            ),
            Table(
                "gas_interregional_trade",
                "load_gas_interregional",
                "EI 2023 inter-regional pipeline gas trade 2000-2022 (bcm), exporter region -> importer region",
                args=("2023",),
            ),
        ),
    ),
    Source(
        "energy_institute_statreview_2021",
        "bp Statistical Review 2021",
        "compiled",
        "energy_institute",
        tables=(
            Table(
                "energy_trade_2020",
                "load_energy_trade",
                "bp Statistical Review 2021: 2020 bilateral matrices of crude, products (Mt), pipeline gas, LNG (bcm), coal (EJ)",
                args=("2021",),
            ),
        ),
    ),
    Source(
        "comtrade_china_critical_minerals",
        "UN Comtrade extract: China's critical-mineral exports (declared by China)",
        "declared",
        "comtrade_extract",
        tables=(
            Table(
                "china_critical_mineral_exports",
                "load_critical_minerals",
                "China's monthly exports of graphite, Ga/Ge and polysilicon by destination (UN Comtrade extract, trade_flows)",
            ),
        ),
        trade_flows="load_critical_minerals",
        products=True,
    ),
    Source(
        "china_customs_energy_imports_by_origin",
        "China customs (GACC via Wind): energy imports by origin",
        "declared",
        "china_customs_energy",
        tables=(
            Table(
                "china_energy_imports",
                "load_china_energy_imports",
                "China's monthly energy imports by origin (crude, coal types, LNG, pipeline gas), tonnes and US$, "
                "GACC via Wind/CREA; 0 = not published -> null",
            ),
        ),
    ),
    Source(
        "cooperation_registry",
        "China-Russia cooperation registry (cited pages)",
        "statement",
        "cooperation_registry",
        tables=(
            Table(
                "eaeu_trade_statements",
                "load_eaeu_trade",
                "China-EAEU agreement milestones and China's trade with the EAEU and its members, as stated on cited pages",
            ),
            Table(
                "cooperation_projects",
                "load_projects",
                "27 China-Russia mega-projects (energy, transport, nuclear, aerospace, finance): 241 cited facts",
                year_column=None,
            ),
            Table(
                "investment_statements",
                "load_investment",
                "China-Russia investment portfolio (IGC) and FDI statements, as stated",
            ),
            Table(
                "people_exchanges",
                "load_people_exchanges",
                "Tourist and student flows between China and Russia, as stated",
            ),
            Table(
                "settlement_currency_statements",
                "load_currency_settlement",
                "Shares of US$, euro, rouble and yuan in China-Russia settlements, as stated",
            ),
        ),
    ),
    Source(
        "bu_china_global_energy_finance",
        "Boston University GDP Center: China's Global Energy Finance",
        "compiled",
        "china_energy_finance",
        tables=(
            Table(
                "china_energy_finance",
                "load_china_energy_finance",
                "Chinese development-bank loans to energy projects abroad, 2000-2019 (BU GDP Center, Feb 2020 copy), US$",
            ),
        ),
    ),
    Source(
        "russia_fossil_exports_by_importer",
        "UN Comtrade + Eurostat via CREA: imports of Russian fossil fuels",
        "declared",
        "russia_fossil_exports",
        tables=(
            Table(
                "russia_fossil_exports",
                "load_russia_fossil_exports",
                "Monthly imports of Russian fossil fuels by importing country, 2016-2022, EUR and tonnes (Comtrade+Eurostat via CREA)",
            ),
        ),
    ),
    Source(
        "claim_sources",
        "Stored texts that the claims ledger quotes (Xinhua, 2023-03-22)",
        "statement",
        "claim_sources",
        tables=(
            Table(
                "claim_texts",
                "load_claim_texts",
                "Stored texts the claims in data/claims.yml are quoted from, verbatim",
                year_column=None,
            ),
        ),
    ),
    Source(
        "hs_classification",
        "Harmonized System 2022 nomenclature",
        "reference",
        "bilateral.data.products",
        tables=(
            Table(
                "hs_codes",
                "hs_table",
                "HS 2022 chapters, headings and subheadings with section and description",
                year_column=None,
            ),
        ),
    ),
    Source(
        "imf_dots",
        "IMF Direction of Trade Statistics (DOTS)",
        "declared",
        "imf_dots",
        tables=(
            Table(
                "dots_trade",
                "scan_dots",
                "IMF DOTS: every reporter's exports (FOB) and imports (CIF) with every partner and the world, annual to 2020, "
                "trade_flows (+ is_estimate)",
            ),
        ),
        trade_flows="scan_dots",
        partner_totals=True,
        prepare="ensure_cache",
    ),
    Source(
        "baci_china_russia_hs17",
        "CEPII BACI, HS 2017 (reconciled; China-Russia extract)",
        "reconciled",
        "baci_extract",
        tables=(
            Table(
                "baci_china_russia_hs6",
                "load_baci_extract",
                "CEPII BACI (HS 2017, V202501) China<->Russia by HS6 product 2017-2023, reconciled, trade_flows",
            ),
            Table(
                "china_imports_from_russia_monthly",
                "load_comtrade_monthly",
                "China's declared imports from Russia, all goods, monthly 2017-2024 (UN Comtrade), trade_flows",
            ),
            Table(
                "product_complexity",
                "load_product_complexity",
                "OEC Product Complexity Index (PCI) of Russia's HS4 exports to China, 2018-2023, with the export value",
            ),
        ),
        trade_flows="load_baci_extract",
        products=True,
    ),
    Source(
        "comtrade",
        "UN Comtrade (fetched snapshot; each reporter's declarations)",
        "declared",
        "comtrade",
        connector=Connector("fetch_comtrade_snapshot", _TRADE_OPTIONS | {"partner", "hs_level", "flow"}),
        partner_totals=True,
        products=True,
    ),
    Source(
        "imf",
        "IMF IMTS (fetched snapshot; each reporter's declarations)",
        "declared",
        "imf",
        connector=Connector("fetch_imf_snapshot", _TRADE_OPTIONS),
        partner_totals=True,
    ),
    Source(
        "baci",
        "CEPII BACI (fetched release; reconciled)",
        "reconciled",
        "baci",
        connector=Connector("fetch_baci_snapshot", frozenset({"release", "stamp"}), loader="scan_baci_snapshot"),
        products=True,
    ),
)

_BY_NAME: dict[str, Source] = {s.name: s for s in SOURCES}
if len(_BY_NAME) != len(SOURCES):  # pragma: no cover - a registry edit that repeats a name
    raise RuntimeError("The source registry repeats a name.")


def get_source(name: str, *, where: Callable[[Source], bool] | None = None, wanted: str = "source") -> Source:
    """The registry entry named `name`; ParameterError with the valid names (and a close match) otherwise.

    `where` narrows the valid names (e.g. sources with trade_flows) and `wanted` says what kind of source
    the caller needs, for the message.
    """
    candidates = sources(where)
    found = next((s for s in candidates if s.name == name), None)
    if found is not None:
        return found
    names = [s.name for s in candidates]
    hint = difflib.get_close_matches(str(name), names, n=1)
    suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
    reason = ""
    if where is not None and name in _BY_NAME:
        reason = f" '{name}' is a source, but not a {wanted}."
    raise ParameterError(f"Unknown {wanted} '{name}'.{reason} Choose one of: {', '.join(names)}.{suggestion}")


def sources(where: Callable[[Source], bool] | None = None) -> list[Source]:
    """Registry entries in registry order, optionally those for which `where` is true."""
    return [s for s in SOURCES if where is None or where(s)]


def names(where: Callable[[Source], bool] | None = None) -> list[str]:
    return [s.name for s in sources(where)]


def upstreams() -> list[Source]:
    """Sources fetched from a publisher into snapshots."""
    return sources(lambda s: s.is_upstream)


def with_trade_flows(source: Source) -> bool:
    return source.has_trade_flows


def with_partner_totals(source: Source) -> bool:
    return source.partner_totals


def with_products(source: Source) -> bool:
    return source.products and source.has_trade_flows
