"""Load what the claims ledger and the consistency check read, and run them: the I/O side of `claims check`,
`data check` and the claims report.

Every table comes through the catalog or the trade-flows router, so checksums are verified on the way in. IMF DOTS
is read lazily and only the rows about the countries the ledger names are collected (a second or so).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polars as pl

from bilateral.analysis import claims_evidence as ce
from bilateral.analysis import claims_run, consistency, consistency_volumes
from bilateral.analysis.claims import Ledger, RankRunTest
from bilateral.analysis.claims_run import ClaimResult
from bilateral.data import catalog
from bilateral.data.paths import data_dir
from bilateral.data.provenance import read_source, require_verified
from bilateral.data.trade_flows import scan_trade_flows
from bilateral.errors import DataError
from bilateral.reports.params import ClaimsParams

DOTS_SOURCE, BACI_SOURCE = "imf_dots", "baci_china_russia_hs17"
MONTHLY_CUSTOMS = "china_imports_from_russia_monthly"


def ledger_countries(ledger: Ledger) -> list[str]:
    """The China-Russia pair plus every country a rank test ranks partners of."""
    among = [c.test.among for c in ledger.claims if isinstance(c.test, RankRunTest)]
    return sorted({*claims_run.PAIR, *among})


def load_dots(countries: Iterable[str]) -> pl.DataFrame:
    """IMF DOTS rows declared by, or about, any of `countries` (the mirror needs every partner's rows about them)."""
    wanted = list(countries)
    about = pl.col("reporter_iso3").is_in(wanted) | pl.col("partner_iso3").is_in(wanted)
    return scan_trade_flows(DOTS_SOURCE).filter(about).collect()


def load_tables(ledger: Ledger) -> dict[str, pl.DataFrame]:
    """Every table `claims_run.TABLES` names, keyed by catalog dataset name."""
    tables = {name: catalog.load(name) for name in claims_run.TABLES if name not in (claims_run.DOTS, claims_run.BACI)}
    tables[claims_run.DOTS] = load_dots(ledger_countries(ledger))
    tables[claims_run.BACI] = scan_trade_flows(BACI_SOURCE).collect()
    return tables


def stored_texts(ledger: Ledger) -> dict[str, str]:
    """Source id -> the stored copy of its page (`text_copy`, a path under data/), read after its checksum is
    verified against the folder's source.yml. Sources without a stored copy are absent."""
    texts = {}
    for source in ledger.sources:
        if not source.text_copy:
            continue
        parts = Path(source.text_copy).parts
        if len(parts) < 4 or parts[:2] != ("data", "raw"):
            raise DataError(
                f"source '{source.id}': text_copy {source.text_copy!r} must be a file under data/raw/<source>/."
            )
        folder = data_dir() / "raw" / parts[2]
        path = require_verified(folder, read_source(folder), str(Path(*parts[3:])))
        texts[source.id] = path.read_text(encoding="utf-8")
    return texts


def evaluate(params: ClaimsParams) -> tuple[Ledger, list[ClaimResult]]:
    """The ledger of `params` and every claim of it (or the one named) evaluated on the shipped data."""
    ledger = params.ledger()
    checks = claims_run.quote_checks(ledger, stored_texts(ledger))
    results = claims_run.evaluate_ledger(
        ledger, load_tables(ledger), claim_id=params.claim or None, quote_checks=checks
    )
    return ledger, results


def declared_figures() -> pl.DataFrame:
    """China's and Russia's declared trade with each other per year, from IMF DOTS (both sides, to 2020) and China's
    monthly customs series (UN Comtrade, imports from Russia, full years only), phrased from China's side."""
    dots = load_dots(claims_run.PAIR)
    monthly = catalog.load(MONTHLY_CUSTOMS)
    return pl.concat([
        consistency.declared_pair_figures(dots, "IMF DOTS"),
        consistency.declared_pair_figures(monthly, "China's customs via UN Comtrade (monthly, summed)"),
    ])  # fmt: skip


def data_check() -> pl.DataFrame:
    """Every consistency finding over the cited trade statements (`consistency.check_statements`) and the cited
    energy volumes (`consistency_volumes.check_volumes`, against China's customs crude series)."""
    trade = consistency.check_statements(catalog.load("trade_headlines"), declared_figures())
    customs = ce.energy_volume_evidence(catalog.load(claims_run.CUSTOMS_ENERGY), None)
    volumes = consistency_volumes.check_volumes(
        catalog.load("energy_headlines"), consistency_volumes.declared_crude(customs)
    )
    return consistency.sort_findings(pl.concat([trade, volumes]))


def trade_statement_disputes() -> pl.DataFrame:
    """Cited China-Russia trade statements the consistency checks dispute, each with the figure it disagrees with
    (`headline_stated.contested_statements` over `consistency.check_statements` against `declared_figures()`): what
    the trade_overview headline rule reads (docs/decisions/0002, rule 7)."""
    from bilateral.analysis import headline_stated

    findings = consistency.check_statements(catalog.load("trade_headlines"), declared_figures())
    return headline_stated.contested_statements(findings)
