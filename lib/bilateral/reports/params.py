"""Report parameters: one pydantic schema per notebook, and turning `-p key=value` text into it.

The schema is the single definition of what a notebook accepts: the CLI validates against it before
anything runs (so a typo never leaves a half-written report), and the notebook's third cell
validates again through the same schema when someone runs it by hand in JupyterLab.
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from bilateral.data.countries import country_name, normalize_iso3
from bilateral.data.limits import shown
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
                f"got {shown(value)}"
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


class PairProductParams(SnapshotParams):
    """Base of the reports that read product rows of one pair's trade from a trade_flows source."""

    reporter: str = "CHN"
    partner: str = "RUS"
    source: str = "comtrade_china_critical_minerals"
    snapshot: str = NEWEST
    start_year: int = 2017
    end_year: int = 2024

    _codes = field_validator("reporter", "partner", mode="before")(_iso3)
    _years = field_validator("start_year", "end_year")(_year_in_range)

    @model_validator(mode="after")
    def _coherent(self) -> PairProductParams:
        _check_pair_and_years(self)
        _check_snapshot(self.source, self.snapshot_name)
        self.sources()  # a fetched source without a snapshot fails here, before any kernel starts
        return self

    def sources(self) -> list[str]:
        from bilateral.data.trade_flows import provenance_folder

        return [provenance_folder(self.source, self.snapshot_name), "hs_classification"]


class ProductLensParams(PairProductParams):
    """Parameters of notebooks/product_lens.ipynb."""

    notebook: ClassVar[str] = "product_lens"

    lens: str = "critical_minerals"
    flow: str = "export"

    @field_validator("lens")
    @classmethod
    def _known_lens(cls, value: str) -> str:
        from bilateral.data.lenses import lens_info

        return lens_info(value).name

    @field_validator("flow")
    @classmethod
    def _known_flow(cls, value: str) -> str:
        if value not in ("export", "import"):
            raise ValueError(f"must be 'export' or 'import'; got {shown(value)}")
        return value

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        from bilateral.data.trade_flows import check_source

        return check_source(value)

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


class TradeCompositionParams(PairProductParams):
    """Parameters of notebooks/trade_composition.ipynb (what two countries trade, product by product)."""

    notebook: ClassVar[str] = "trade_composition"

    source: str = "baci_china_russia_hs17"
    end_year: int = 2023

    @field_validator("source")
    @classmethod
    def _product_source(cls, value: str) -> str:
        from bilateral.data import registry

        return registry.get_source(value, where=registry.with_products, wanted="source with product rows").name

    def slug(self) -> str:
        return f"{self.reporter}-{self.partner}_{self.source}{self._pinned()}_{self.start_year}-{self.end_year}"

    def title(self) -> str:
        return (
            f"What {country_name(self.reporter)} and {country_name(self.partner)} trade, product by product, "
            f"{self.start_year}–{self.end_year}"
        )


ALL = "all"  # projects parameter value: no filter


def _one_of(value: Any, present: list[str], what: str) -> str:
    """`value` (case and spaces forgiven) if it is 'all' or one of `present`; else a message naming the choices."""
    text = str(value).strip().lower().replace(" ", "_")
    if text == ALL or text in present:
        return text
    hint = difflib.get_close_matches(text, present, n=1)
    suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
    raise ValueError(f"{value!r} is not {what}; choose {ALL} or one of: {', '.join(present)}.{suggestion}")


def _years_within(params: Any, first: int, last: int, what: str) -> None:
    _check_years(params)
    outside = [year for year in (params.start_year, params.end_year) if not first <= year <= last]
    if outside:
        raise ValueError(f"{what} span {first}–{last}; {outside[0]} is outside it. Choose years within {first}–{last}")


class ProjectsParams(ReportParams):
    """Parameters of notebooks/projects.ipynb (China-Russia mega-projects by stage; values checked against the data)."""

    notebook: ClassVar[str] = "projects"

    sector: str = ALL
    status: str = ALL
    start_year: int = 1995
    end_year: int = 2030

    @staticmethod
    def _present() -> dict[str, Any]:
        from bilateral.reports.pages.projects import values_present

        return values_present()

    @field_validator("sector", mode="before")
    @classmethod
    def _known_sector(cls, value: Any) -> str:
        return _one_of(value, cls._present()["sectors"], "a sector in the data")

    @field_validator("status", mode="before")
    @classmethod
    def _known_status(cls, value: Any) -> str:
        return _one_of(value, cls._present()["statuses"], "a stage any project is at as of its latest cited fact")

    @model_validator(mode="after")
    def _coherent(self) -> ProjectsParams:
        _years_within(self, *self._present()["years"], "the cited milestones and plans")
        return self

    def sources(self) -> list[str]:
        return ["cooperation_registry"]

    def slug(self) -> str:
        return f"{self.sector}_{self.status}_{self.start_year}-{self.end_year}"

    def title(self) -> str:
        selection = (
            ""
            if self.sector == self.status == ALL
            else f" ({', '.join(v for v in (self.sector, self.status) if v != ALL)})"
        )
        return f"China–Russia mega-projects by stage{selection}, {self.start_year}–{self.end_year}"


class HitechScienceParams(ReportParams):
    """Parameters of notebooks/hitech_science.ipynb (aviation, space, nuclear, high-tech trade, critical minerals)."""

    notebook: ClassVar[str] = "hitech_science"

    start_year: int = 2017
    end_year: int = 2024
    top_n: int = 10

    @field_validator("top_n")
    @classmethod
    def _top_n(cls, value: int) -> int:
        if not 3 <= value <= 30:
            raise ValueError(f"must be between 3 and 30 products; got {value}")
        return value

    @model_validator(mode="after")
    def _coherent(self) -> HitechScienceParams:
        from bilateral.reports.pages.hitech_science import trade_years

        _years_within(self, *trade_years(), "the shipped trade extracts (BACI to 2023, the minerals extract to 2024)")
        return self

    def sources(self) -> list[str]:
        return [
            "cooperation_registry",
            "baci_china_russia_hs17",
            "comtrade_china_critical_minerals",
            "hs_classification",
        ]

    def slug(self) -> str:
        return f"CHN-RUS_{self.start_year}-{self.end_year}_top{self.top_n}"

    def title(self) -> str:
        return f"China–Russia hi-tech and science: projects, high-tech trade, critical minerals, {self.start_year}–{self.end_year}"


DEFAULT_LEDGER = "claims.yml"  # data/claims.yml


def resolve_ledger(claims_file: str) -> Path:
    """The ledger file for a `claims_file` parameter: a .yml file inside the data folder, given relative to it
    (`claims.yml` is data/claims.yml). Anything outside the data folder is refused: reports read only the
    workbench's own, reviewed files."""
    from bilateral.data.paths import data_dir

    root = data_dir()
    given = Path(str(claims_file).strip())
    if not given.parts:
        raise ValueError(f"give a ledger file inside the data folder ({root}), e.g. {DEFAULT_LEDGER}")
    path = (given if given.is_absolute() else root / given).resolve()
    if not path.is_relative_to(root):
        raise ValueError(
            f"{claims_file!r} is outside the data folder ({root}); ledgers are read only from there: "
            f"put the file under data/ and give its path relative to it, e.g. {DEFAULT_LEDGER}"
        )
    if path.suffix not in (".yml", ".yaml"):
        raise ValueError(f"{claims_file!r} is not a YAML ledger (.yml); e.g. {DEFAULT_LEDGER}")
    if not path.is_file():
        raise ValueError(f"no ledger file {path}; the shipped ledger is {DEFAULT_LEDGER}")
    return path


def _read_ledger(claims_file: str) -> Any:
    """Parse the ledger; DataError names the file, the claim and the field when it is not a valid ledger."""
    from bilateral.analysis.claims import parse_ledger

    path = resolve_ledger(claims_file)
    return parse_ledger(path.read_text(encoding="utf-8"), where=str(path))


class ClaimsParams(ReportParams):
    """Parameters of notebooks/claims.ipynb and `bilateral claims check`: the ledger file and, optionally, one claim."""

    notebook: ClassVar[str] = "claims"

    claims_file: str = Field(default=DEFAULT_LEDGER, validate_default=True)
    claim: str = Field(default="", validate_default=True)  # validated even when not given: the ledger must parse

    @field_validator("claims_file")
    @classmethod
    def _inside_data(cls, value: str) -> str:
        resolve_ledger(value)
        return value

    @field_validator("claim")
    @classmethod
    def _known_claim(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip()
        if "claims_file" not in info.data:
            return value  # the file was refused; its message says why
        ledger = _read_ledger(info.data["claims_file"])  # also refuses a file that is not a valid ledger
        ids = [c.id for c in ledger.claims]
        if value and value not in ids:
            hint = difflib.get_close_matches(value, ids, n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else f"; claims: {', '.join(ids)}"
            raise ValueError(f"no claim '{value}' in {info.data['claims_file']}{suggestion}")
        return value

    @property
    def ledger_path(self) -> Path:
        return resolve_ledger(self.claims_file)

    def ledger(self) -> Any:
        """The parsed ledger (bilateral.analysis.claims.Ledger)."""
        return _read_ledger(self.claims_file)

    def slug(self) -> str:
        stem = Path(self.claims_file).stem
        base = "ledger" if self.claims_file == DEFAULT_LEDGER else stem
        return f"{base}_{self.claim}" if self.claim else base

    def title(self) -> str:
        if self.claim:
            return f"Claim checked against independent evidence: {self.claim}"
        return "Claims ledger: statements on China–Russia cooperation tested against independent evidence"

    def sources(self) -> list[str]:
        return [
            "imf_dots", "baci_china_russia_hs17", "official_headlines", "china_customs_energy_imports_by_origin",
            "energy_institute_statreview", "cooperation_registry", "claim_sources",
        ]  # fmt: skip


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
        what = (
            "a lender in the loans data"
            if info.field_name == "lender"
            else "an energy source (sector) in the loans data"
        )
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


class PairProfileParams(ReportParams):
    """Parameters of notebooks/pair_profile.ipynb (one page linking every theme of a pair's relationship)."""

    notebook: ClassVar[str] = "pair_profile"

    reporter: str = "CHN"
    partner: str = "RUS"

    _codes = field_validator("reporter", "partner", mode="before")(_iso3)

    @model_validator(mode="after")
    def _coherent(self) -> PairProfileParams:
        if self.reporter == self.partner:
            raise ValueError(f"reporter and partner are both {self.reporter}; choose two different countries")
        return self

    def sources(self) -> list[str]:
        """Every data folder the linked themes read (the report builds each theme's page)."""
        from bilateral.reports.pages.pair_profile import theme_sources

        return theme_sources(self.reporter, self.partner)

    def slug(self) -> str:
        return f"{self.reporter}-{self.partner}"

    def title(self) -> str:
        return f"{country_name(self.reporter)} and {country_name(self.partner)}: the relationship in one page"


SCHEMAS: dict[str, type[ReportParams]] = {
    schema.notebook: schema
    for schema in (
        TradeOverviewParams,
        ProductLensParams,
        EnergyFlowsParams,
        GroupLinkParams,
        PartnerRankingParams,
        TradeCompositionParams,
        ProjectsParams,
        HitechScienceParams,
        ClaimsParams,
        InvestmentFinanceParams,
        PeopleCurrencyParams,
        PairProfileParams,
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
            raise ParameterError(f"Malformed parameter {shown(item)}: write it as key=value, e.g. -p partner=RUS.")
        if key in values:
            raise ParameterError(
                f"Parameter {shown(key)} is given twice ({shown(values[key])} and {shown(value)}); keep one."
            )
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
            f"Unknown parameter {shown(key)} for {notebook}; it accepts {', '.join(fields)}.{suggestion}"
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
            message = f"must be a whole number (a year such as 2024); got {shown(error['input'])}"
        elif error["type"] == "string_type":
            message = f"must be text; got {shown(error['input'])}"
        lines.append(f"{where}: {message}")
    text = f"Invalid parameters for {notebook}: " + "; ".join(lines)
    return text if text.endswith(("?", ".")) else text + "."
