"""Report parameters: one pydantic schema per notebook, and turning `-p key=value` text into it.

The schema is the single definition of what a notebook accepts: the CLI validates against it before
anything runs (so a typo never leaves a half-written report), and the notebook's third cell
validates again through the same schema when someone runs it by hand in JupyterLab.
"""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator, model_validator

from bilateral.data.countries import country_name, normalize_iso3
from bilateral.errors import ParameterError

FIRST_YEAR = 1990
NEWEST = "newest"  # snapshot parameter value meaning "the newest fetched snapshot"  # no shipped or fetchable series in the workbench starts earlier


class ReportParams(BaseModel):
    """Base class: forbids unknown names; subclasses say how to title and slug a report."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    notebook: ClassVar[str] = ""

    def slug(self) -> str:
        """File-name-safe identifier built from the values, in field order (e.g. CHN-RUS_2005-2024)."""
        return "_".join(str(value) for value in self.model_dump().values())

    def title(self) -> str:
        return self.notebook.replace("_", " ").capitalize()

    def sources(self) -> list[str]:
        """Data folders (under data/raw) the report reads with these parameters; [] = the notebook's metadata."""
        return []


def _iso3(value: Any, info: ValidationInfo) -> str:
    code = normalize_iso3(value, role=info.field_name)
    if code == "WLD":
        raise ValueError("WLD (World) is not a country; give the ISO3 code of one country")
    return code


def _year_in_range(value: int, info: ValidationInfo) -> int:
    last = date.today().year
    if not FIRST_YEAR <= value <= last:
        raise ValueError(f"must be a year between {FIRST_YEAR} and {last}")
    return value


def _check_years(params: Any) -> None:
    if params.end_year < params.start_year:
        raise ValueError(
            f"end_year ({params.end_year}) is before start_year ({params.start_year}); swap them or widen the range"
        )


def _check_pair_and_years(params: Any) -> None:
    _check_years(params)
    if params.reporter == params.partner:
        raise ValueError(f"reporter and partner are both {params.reporter}; choose two different countries")


def _check_snapshot(source: str, snapshot: str | None) -> None:
    """A pinned snapshot only makes sense for a fetched (upstream) source."""
    from bilateral.data import registry

    if snapshot and source not in registry.names(lambda s: s.is_upstream):
        raise ValueError(f"snapshot applies to fetched sources only; leave it '{NEWEST}' for source={source}")


class SnapshotParams(ReportParams):
    """Parameters of a notebook that reads fetched snapshots: `snapshot` is 'newest' or a folder name."""

    @property
    def snapshot_name(self) -> str | None:
        """The pinned snapshot folder name, or None for the newest."""
        return None if getattr(self, "snapshot", NEWEST) in ("", NEWEST) else self.snapshot

    def _pinned(self) -> str:
        return f"_{self.snapshot_name}" if self.snapshot_name else ""


CITED = "cited"  # source parameter value: the shipped statements (pages + quotes) the schema lists


def declared_total_sources() -> list[str]:
    """Sources whose trade_flows carry each reporter's declared totals with its partners (the registry says which)."""
    from bilateral.data import registry

    return registry.names(registry.with_partner_totals)


class CitedOrDeclaredParams(SnapshotParams):
    """Notebooks that read either cited statements (`source=cited`) or a reporter's declared totals with every
    partner (IMF DOTS shipped, or a fetched Comtrade or IMF snapshot). Product-level sources hold no totals."""

    cited_sources: ClassVar[tuple[str, ...]] = ()

    @field_validator("source", check_fields=False)
    @classmethod
    def _cited_or_declared(cls, value: str) -> str:
        declared = declared_total_sources()
        if value not in (CITED, *declared):
            raise ValueError(
                f"must be {CITED} (shipped statements) or a source with declared totals by partner ({', '.join(declared)}); "
                f"got {value!r}"
            )
        return value

    def _check_source(self) -> None:
        _check_snapshot(self.source, self.snapshot_name)
        self.sources()  # a fetched source without a snapshot fails here, before any kernel starts

    def sources(self) -> list[str]:
        if self.source == CITED:
            return list(self.cited_sources)
        from bilateral.data.trade_flows import provenance_folder

        # declared data first; the cited statements are still shown beside it, as statements
        return [provenance_folder(self.source, self.snapshot_name), *self.cited_sources]


class TradeOverviewParams(CitedOrDeclaredParams):
    """Parameters of notebooks/trade_overview.ipynb."""

    notebook: ClassVar[str] = "trade_overview"
    cited_sources: ClassVar[tuple[str, ...]] = ("official_headlines",)

    reporter: str = "CHN"
    partner: str = "RUS"
    start_year: int = 2005
    end_year: int = 2024
    source: str = "imf_dots"
    snapshot: str = NEWEST

    _codes = field_validator("reporter", "partner", mode="before")(_iso3)
    _years = field_validator("start_year", "end_year")(_year_in_range)

    @model_validator(mode="after")
    def _coherent(self) -> TradeOverviewParams:
        _check_pair_and_years(self)
        self._check_source()
        return self

    def slug(self) -> str:
        fetched = "" if self.source == CITED else f"_{self.source}{self._pinned()}"
        return f"{self.reporter}-{self.partner}{fetched}_{self.start_year}-{self.end_year}"

    def title(self) -> str:
        return (
            f"Trade overview: {country_name(self.reporter)} – {country_name(self.partner)}, "
            f"{self.start_year}–{self.end_year}"
        )


class ProductLensParams(SnapshotParams):
    """Parameters of notebooks/product_lens.ipynb."""

    notebook: ClassVar[str] = "product_lens"

    reporter: str = "CHN"
    partner: str = "RUS"
    lens: str = "critical_minerals"
    flow: str = "export"
    source: str = "comtrade_china_critical_minerals"
    snapshot: str = NEWEST
    start_year: int = 2017
    end_year: int = 2024

    _codes = field_validator("reporter", "partner", mode="before")(_iso3)
    _years = field_validator("start_year", "end_year")(_year_in_range)

    @field_validator("lens")
    @classmethod
    def _known_lens(cls, value: str) -> str:
        from bilateral.data.lenses import lens_info

        return lens_info(value).name

    @field_validator("flow")
    @classmethod
    def _known_flow(cls, value: str) -> str:
        if value not in ("export", "import"):
            raise ValueError(f"must be 'export' or 'import'; got {value!r}")
        return value

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        from bilateral.data.trade_flows import check_source

        return check_source(value)

    @model_validator(mode="after")
    def _coherent(self) -> ProductLensParams:
        _check_pair_and_years(self)
        _check_snapshot(self.source, self.snapshot_name)
        self.sources()  # a fetched source without a snapshot fails here, before any kernel starts
        return self

    def sources(self) -> list[str]:
        from bilateral.data.trade_flows import provenance_folder

        return [provenance_folder(self.source, self.snapshot_name), "hs_classification"]

    def slug(self) -> str:
        return f"{self.reporter}-{self.partner}_{self.lens}_{self.flow}_{self.source}{self._pinned()}_{self.start_year}-{self.end_year}"

    def title(self) -> str:
        direction = "to" if self.flow == "export" else "from"
        return (
            f"{self.lens.replace('_', ' ').capitalize()}: {country_name(self.reporter)}'s {self.flow}s {direction} "
            f"{country_name(self.partner)}, {self.start_year}–{self.end_year}"
        )


class EnergyFlowsParams(ReportParams):
    """Parameters of notebooks/energy_flows.ipynb (China's energy imports from one supplier)."""

    notebook: ClassVar[str] = "energy_flows"

    exporter: str = "RUS"
    start_year: int = 2010
    end_year: int = 2024

    _codes = field_validator("exporter", mode="before")(_iso3)
    _years = field_validator("start_year", "end_year")(_year_in_range)

    @model_validator(mode="after")
    def _coherent(self) -> EnergyFlowsParams:
        _check_years(self)
        if self.exporter == "CHN":
            raise ValueError("the report covers China's imports; choose a supplier other than CHN")
        return self

    def slug(self) -> str:
        return f"{self.exporter}-CHN_{self.start_year}-{self.end_year}"

    def title(self) -> str:
        return f"Energy from {country_name(self.exporter)} to China, {self.start_year}–{self.end_year}"


class GroupLinkParams(CitedOrDeclaredParams):
    """Parameters of notebooks/group_link.ipynb (a country's trade with a group and the members' split)."""

    notebook: ClassVar[str] = "group_link"
    cited_sources: ClassVar[tuple[str, ...]] = ("official_headlines", "cooperation_registry")

    reporter: str = "CHN"
    group: str = "EAEU"
    source: str = "imf_dots"
    snapshot: str = NEWEST
    start_year: int = 2015
    end_year: int = 2024

    _codes = field_validator("reporter", mode="before")(_iso3)
    _years = field_validator("start_year", "end_year")(_year_in_range)

    @field_validator("group")
    @classmethod
    def _known_group(cls, value: str) -> str:
        from bilateral.data.groups import group_info

        return group_info(value).name

    @model_validator(mode="after")
    def _coherent(self) -> GroupLinkParams:
        _check_years(self)
        from bilateral.data.groups import group_members

        if self.reporter in group_members(self.group):
            raise ValueError(f"{self.reporter} is a member of {self.group}; choose a reporter outside the group")
        self._check_source()
        return self

    def slug(self) -> str:
        return f"{self.reporter}-{self.group}_{self.source}{self._pinned()}_{self.start_year}-{self.end_year}"

    def title(self) -> str:
        return f"{country_name(self.reporter)} and the {self.group}: trade by member, {self.start_year}–{self.end_year}"


class PartnerRankingParams(CitedOrDeclaredParams):
    """Parameters of notebooks/partner_ranking.ipynb (where a partner ranks among a reporter's partners)."""

    notebook: ClassVar[str] = "partner_ranking"
    cited_sources: ClassVar[tuple[str, ...]] = ("official_headlines",)

    reporter: str = "RUS"
    partner: str = "CHN"
    source: str = "imf_dots"
    snapshot: str = NEWEST
    start_year: int = 2005
    end_year: int = 2024

    _codes = field_validator("reporter", "partner", mode="before")(_iso3)
    _years = field_validator("start_year", "end_year")(_year_in_range)

    @model_validator(mode="after")
    def _coherent(self) -> PartnerRankingParams:
        _check_pair_and_years(self)
        self._check_source()
        return self

    def slug(self) -> str:
        return f"{self.partner}-in-{self.reporter}_{self.source}{self._pinned()}_{self.start_year}-{self.end_year}"

    def title(self) -> str:
        return (
            f"{country_name(self.partner)} among {country_name(self.reporter)}'s trading partners, "
            f"{self.start_year}–{self.end_year}"
        )


class TradeCompositionParams(SnapshotParams):
    """Parameters of notebooks/trade_composition.ipynb (what two countries trade, product by product)."""

    notebook: ClassVar[str] = "trade_composition"

    reporter: str = "CHN"
    partner: str = "RUS"
    source: str = "baci_china_russia_hs17"
    snapshot: str = NEWEST
    start_year: int = 2017
    end_year: int = 2023

    _codes = field_validator("reporter", "partner", mode="before")(_iso3)
    _years = field_validator("start_year", "end_year")(_year_in_range)

    @field_validator("source")
    @classmethod
    def _product_source(cls, value: str) -> str:
        from bilateral.data import registry

        return registry.get_source(value, where=registry.with_products, wanted="source with product rows").name

    @model_validator(mode="after")
    def _coherent(self) -> TradeCompositionParams:
        _check_pair_and_years(self)
        _check_snapshot(self.source, self.snapshot_name)
        self.sources()  # a fetched source without a snapshot fails here, before any kernel starts
        return self

    def sources(self) -> list[str]:
        from bilateral.data.trade_flows import provenance_folder

        return [provenance_folder(self.source, self.snapshot_name), "hs_classification"]

    def slug(self) -> str:
        return f"{self.reporter}-{self.partner}_{self.source}{self._pinned()}_{self.start_year}-{self.end_year}"

    def title(self) -> str:
        return (
            f"What {country_name(self.reporter)} and {country_name(self.partner)} trade, product by product, "
            f"{self.start_year}–{self.end_year}"
        )


class InvestmentFinanceParams(ReportParams):
    """Parameters of notebooks/investment_finance.ipynb (commission portfolio, FDI statements, policy-bank loans).

    country, lender, sector (energy source) and years are checked against the values the data hold."""

    notebook: ClassVar[str] = "investment_finance"

    country: str = "RUS"
    lender: str = "all"
    sector: str = "all"
    start_year: int = 2000
    end_year: int = 2025

    @field_validator("country", mode="before")
    @classmethod
    def _borrower(cls, value: Any) -> str:
        from bilateral.reports import present_values as pv

        code = normalize_iso3(value, role="country")
        return pv.choose(code, pv.energy_finance_values()["countries"], "a borrower in the loans data", allow_all=False)

    @field_validator("lender", "sector")
    @classmethod
    def _in_loans(cls, value: str, info: ValidationInfo) -> str:
        from bilateral.reports import present_values as pv

        present = pv.energy_finance_values()["lenders" if info.field_name == "lender" else "sectors"]
        what = "a lender in the loans data" if info.field_name == "lender" else "an energy source (sector) in the loans data"
        return pv.choose(value, present, what)

    @model_validator(mode="after")
    def _years_present(self) -> InvestmentFinanceParams:
        from bilateral.reports import present_values as pv

        loans = pv.energy_finance_values()
        first, last = pv.statement_years("investment_statements")
        pv.check_years(self.start_year, self.end_year, min(first, loans["first"]), max(last, loans["last"]),
                       "the years of the loans data and the investment statements")  # fmt: skip
        return self

    def sources(self) -> list[str]:
        return ["cooperation_registry", "bu_china_global_energy_finance"]

    def slug(self) -> str:
        from bilateral.reports.present_values import slug_part

        picked = [slug_part(v) for v in (self.lender, self.sector) if v != "all"]
        return "_".join([self.country, *picked, f"{self.start_year}-{self.end_year}"])

    def title(self) -> str:
        picked = ", ".join(v for v in (self.lender, self.sector) if v != "all")
        return (
            f"Investment and development finance: China and {country_name(self.country)}, {self.start_year}–{self.end_year}"
            + (f" ({picked} loans)" if picked else "")
        )


class PeopleCurrencyParams(ReportParams):
    """Parameters of notebooks/people_currency.ipynb (travellers, students, settlement currencies; China-Russia)."""

    notebook: ClassVar[str] = "people_currency"

    start_year: int = 2013
    end_year: int = 2030

    @model_validator(mode="after")
    def _present(self) -> PeopleCurrencyParams:
        from bilateral.reports import present_values as pv

        first, last = pv.statement_years("people_exchanges", "settlement_currency_statements")
        pv.check_years(self.start_year, self.end_year, first, last, "the years of the people and currency statements")
        return self

    def sources(self) -> list[str]:
        return ["cooperation_registry", "claim_sources"]

    def slug(self) -> str:
        return f"CHN-RUS_{self.start_year}-{self.end_year}"

    def title(self) -> str:
        return f"People and the currency of settlement: China and Russia, {self.start_year}–{self.end_year}"


SCHEMAS: dict[str, type[ReportParams]] = {
    schema.notebook: schema
    for schema in (
        TradeOverviewParams, ProductLensParams, EnergyFlowsParams, GroupLinkParams, PartnerRankingParams, TradeCompositionParams,
        InvestmentFinanceParams, PeopleCurrencyParams,
    )  # fmt: skip
}


def schema_for(notebook: str) -> type[ReportParams]:
    try:
        return SCHEMAS[notebook]
    except KeyError:
        known = ", ".join(sorted(SCHEMAS))
        hint = difflib.get_close_matches(notebook, SCHEMAS, n=1)
        suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
        raise ParameterError(f"Unknown notebook '{notebook}'; known notebooks: {known}.{suggestion}") from None


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """Turn ["reporter=CHN", "end_year=2024"] into a dict; malformed items raise ParameterError."""
    values: dict[str, str] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParameterError(f"Malformed parameter {item!r}: write it as key=value, e.g. -p partner=RUS.")
        if key in values:
            raise ParameterError(f"Parameter '{key}' is given twice ({values[key]!r} and {value!r}); keep one.")
        values[key] = value.strip()
    return values


def validate_parameters(notebook: str, values: dict[str, Any]) -> ReportParams:
    """Validate `values` (strings from the CLI or typed values in a notebook) against the notebook's schema."""
    schema = schema_for(notebook)
    fields = list(schema.model_fields)
    unknown = [key for key in values if key not in fields]
    if unknown:
        key = unknown[0]
        hint = difflib.get_close_matches(key, fields, n=1)
        suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
        raise ParameterError(
            f"Unknown parameter '{key}' for {notebook}; it accepts {', '.join(fields)}.{suggestion}"
        )
    try:
        return schema.model_validate(values)
    except ParameterError:
        raise
    except ValidationError as exc:
        raise ParameterError(_explain(notebook, exc)) from None


def _explain(notebook: str, exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "parameters"
        message = error["msg"].removeprefix("Value error, ").rstrip(".")
        if error["type"] in {"int_parsing", "int_from_float"}:
            message = f"must be a whole number (a year such as 2024); got {error['input']!r}"
        elif error["type"] == "string_type":
            message = f"must be text; got {error['input']!r}"
        lines.append(f"{where}: {message}")
    text = f"Invalid parameters for {notebook}: " + "; ".join(lines)
    return text if text.endswith(("?", ".")) else text + "."
