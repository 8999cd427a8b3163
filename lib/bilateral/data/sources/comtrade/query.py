"""A Comtrade request as a value: validated query, and calls small enough for the endpoint (split when cut)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bilateral.data.countries import normalize_iso3
from bilateral.data.sources.comtrade.areas import code_for_iso3
from bilateral.data.sources.comtrade.settings import (
    FLOW_CODES,
    HS_LEVEL_COMMANDS,
    PERIODS_PER_CALL,
)
from bilateral.errors import ParameterError


@dataclass(frozen=True)
class ComtradeQuery:
    """A validated request: ISO3 codes as given, Comtrade codes as sent."""

    reporters: tuple[str, ...]
    partners: tuple[str, ...] | None  # None = every partner, the world (WLD) included
    years: tuple[int, ...]
    frequency: str
    cmd_code: str
    flow: str

    def comtrade_params(self) -> dict[str, str | None]:
        partners = None if self.partners is None else [code_for_iso3(p, role="partner") for p in self.partners]
        return {
            "reporterCode": ",".join(str(code_for_iso3(r, role="reporter")) for r in self.reporters),
            "partnerCode": None if partners is None else ",".join(map(str, partners)),
            "cmdCode": self.cmd_code,
            "flowCode": FLOW_CODES[self.flow],
        }

    def periods(self) -> list[str]:
        if self.frequency == "A":
            return [str(y) for y in self.years]
        return [f"{y}{m:02d}" for y in self.years for m in range(1, 13)]

    def period_chunks(self, per_call: int = PERIODS_PER_CALL) -> list[str]:
        """Comma-joined periods, `per_call` per request."""
        periods = self.periods()
        return [",".join(periods[i : i + per_call]) for i in range(0, len(periods), per_call)]

    def calls(self, per_call: int = PERIODS_PER_CALL) -> list[ComtradeCall]:
        """The client calls that cover this query: one per chunk of `per_call` periods."""
        partners = None if self.partners is None else tuple(code_for_iso3(p, role="partner") for p in self.partners)
        return [
            ComtradeCall(
                frequency=self.frequency,
                periods=tuple(chunk.split(",")),
                flow_codes=tuple(FLOW_CODES[self.flow].split(",")),
                reporter_codes=tuple(code_for_iso3(r, role="reporter") for r in self.reporters),
                partner_codes=partners,
                cmd_codes=tuple(self.cmd_code.split(",")),
            )
            for chunk in self.period_chunks(per_call)
        ]

    def as_record(self) -> dict[str, Any]:
        """The `query:` section of a snapshot's source.yml (plain lists, YAML-safe)."""
        return {
            "reporter": list(self.reporters),
            "partner": "all" if self.partners is None else list(self.partners),
            "years": list(self.years),
            "frequency": self.frequency,
            "cmd_code": self.cmd_code,
            "flow": self.flow,
            "comtrade_params": {**self.comtrade_params(), "periods": self.periods()},
        }


# Order in which a request whose answer reached the record limit is split (see module docstring).
SPLIT_ORDER = ("periods", "flow_codes", "reporter_codes", "partner_codes", "cmd_codes")


@dataclass(frozen=True)
class ComtradeCall:
    """The Comtrade codes one client call asks for; `split` narrows it when its answer was cut."""

    frequency: str  # "A" or "M"
    periods: tuple[str, ...]  # "2023" or "202304"
    flow_codes: tuple[str, ...]  # "M", "X"
    reporter_codes: tuple[int, ...]
    partner_codes: tuple[int, ...] | None  # None = every partner
    cmd_codes: tuple[str, ...]  # "TOTAL", "AG6" or HS codes

    def client_arguments(self) -> dict[str, str | None]:
        return {
            "period": ",".join(self.periods),
            "flowCode": ",".join(self.flow_codes),
            "reporterCode": ",".join(map(str, self.reporter_codes)),
            "partnerCode": None if self.partner_codes is None else ",".join(map(str, self.partner_codes)),
            "cmdCode": ",".join(self.cmd_codes),
        }

    def describe(self) -> str:
        """'periods 2010, flows M,X, reporters 156, partners 32,276, products TOTAL' (Comtrade codes)."""
        args = self.client_arguments()
        return (
            f"periods {args['period']}, flows {args['flowCode']}, reporters {args['reporterCode']}, "
            f"partners {args['partnerCode'] or 'all'}, products {args['cmdCode']}"
        )

    def split(self) -> tuple[ComtradeCall, ComtradeCall] | None:
        """Two calls that together ask for exactly what this one asks for, halving the first field of
        SPLIT_ORDER that holds more than one code; None when every field holds one code (or all partners)."""
        for name in SPLIT_ORDER:
            values = getattr(self, name)
            if values is not None and len(values) > 1:
                half = len(values) // 2
                return replace(self, **{name: values[:half]}), replace(self, **{name: values[half:]})
        return None


def build_comtrade_query(
    reporter: str | Sequence[str],
    partner: str | Sequence[str] | None,
    years: int | Iterable[int],
    *,
    frequency: str = "A",
    hs_level: int | str | Sequence[str] = 0,
    flow: str = "both",
) -> ComtradeQuery:
    """Validate a request; raise ParameterError saying which argument is wrong and what is allowed."""
    reporters = tuple(normalize_iso3(r, role="reporter") for r in _as_list(reporter))
    if "WLD" in reporters:
        raise ParameterError("The reporter must be a country; 'WLD' (world) is only a partner.")
    partners = None
    if partner is not None and partner != "all":
        partners = tuple(normalize_iso3(p, role="partner") for p in _as_list(partner))
    for iso3 in reporters + (partners or ()):
        code_for_iso3(iso3)  # fail now, not mid-download
    return ComtradeQuery(reporters, partners, _years(years), _frequency(frequency), _cmd_code(hs_level), _flow(flow))


def _as_list(value: str | Sequence[str]) -> list[str]:
    items = [value] if isinstance(value, str) else list(value)
    if not items:
        raise ParameterError("Give at least one country code.")
    return items


def _years(years: int | Iterable[int]) -> tuple[int, ...]:
    values = (years,) if isinstance(years, int) else tuple(years)
    if not values or not all(isinstance(y, int) and 1962 <= y <= 2100 for y in values):
        raise ParameterError(
            f"years must be one or more years from 1962 on (e.g. 2023 or range(2015, 2024)); got {years!r}."
        )
    return tuple(sorted(set(values)))


def _frequency(frequency: str) -> str:
    if frequency not in ("A", "M"):
        raise ParameterError(f"frequency must be 'A' (annual) or 'M' (monthly); got {frequency!r}.")
    return frequency


def _cmd_code(hs_level: int | str | Sequence[str]) -> str:
    if isinstance(hs_level, int) and not isinstance(hs_level, bool):
        if hs_level not in HS_LEVEL_COMMANDS:
            raise ParameterError(
                f"hs_level must be 0 (all products), 2, 4 or 6, or a list of HS codes; got {hs_level}."
            )
        return HS_LEVEL_COMMANDS[hs_level]
    codes = [hs_level] if isinstance(hs_level, str) else list(hs_level)
    bad = [c for c in codes if not isinstance(c, str) or not re.fullmatch(r"\d{2}|\d{4}|\d{6}", c)]
    if not codes or bad:
        raise ParameterError(
            f"HS codes must be 2, 4 or 6 digits as strings, e.g. ['27', '2709']; bad: {bad or codes!r}."
        )
    return ",".join(codes)


def _flow(flow: str) -> str:
    if flow not in FLOW_CODES:
        raise ParameterError(
            f"flow must be 'both', 'export' or 'import'; got {flow!r}. Re-exports and re-imports are not "
            "fetched separately: Comtrade's exports and imports already include them."
        )
    return flow
