"""Build the product_lens report: what a reporter sells to (or buys from) a partner within a sector lens.

One trade_flows source (the shipped UN Comtrade critical-minerals extract by default, or the newest or a pinned
fetched Comtrade, IMF or BACI snapshot) is read for the reporter, cut to the lens's HS prefixes at the finest
HS level present, and summed to product x year with the partner's share and rank among the partners the source
covers. What the values are follows the source's evidence kind (declared by the reporter, or reconciled by
CEPII), never assumed. When the source has no rows for the selection, the page says what it does cover and how
to fetch the missing data instead of drawing an empty chart. The live explorer calls this same function.
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis import products as product_analysis
from bilateral.data import catalog, lenses, products, registry
from bilateral.data.countries import country_name
from bilateral.data.reference import Citation
from bilateral.data.trade_flows import load_trade_flows, source_label
from bilateral.reports.pages import KeyNumber, Page, method_text
from bilateral.reports.params import ProductLensParams
from bilateral.viz import charts, tables

SHIPPED_EXTRACT = "comtrade_china_critical_minerals"  # a few HS6 lines to named destinations, not total trade
PRODUCTS_TABLE = "Products, year by year"
PRODUCT_HEADERS = {
    "product_code": "HS", "product": "Product", "year": "Year", "value_usd": "US$ m", "months_reported": "Months",
    "unit_value_usd": "US$ per unit", "quantity_unit": "Unit", "share_pct": "Share %", "partner_rank": "Rank",
    "partners_covered": "Partners covered",
}  # fmt: skip
PRODUCT_FORMATS = {
    "value_usd": tables.usd_m, "share_pct": tables.pct_plain, "unit_value_usd": tables.number, "product": tables.shorten,
}  # fmt: skip


def build(params: ProductLensParams) -> Page:
    """The page for `params`: findings, the product chart and table, the lens definition, caveats and sources.

    `has_data` is False (no chart, a message saying what the source covers) when the source holds no
    `params.flow` rows of the pair inside the lens and years.
    """
    reporter, partner = country_name(params.reporter), country_name(params.partner)
    lens = lenses.lens_info(params.lens)
    flows = load_trade_flows(params.source, snapshot=params.snapshot_name, reporters=[params.reporter])
    table, hs_level = product_analysis.lens_table(
        lenses.apply_lens(flows, params.lens), params.reporter, params.partner, params.flow,
        params.start_year, params.end_year, products.descriptions_for,
    )  # fmt: skip
    page = Page(
        title=params.title(),
        answer="",
        has_data=table.height > 0,
        sources=[catalog.citation(folder) for folder in params.sources()] + [_lens_citation(c) for c in lens.sources],
    )
    page.notes = _notes(params, lens)
    page.method = method_text("product_lens")
    if not page.has_data:
        page.answer = product_analysis.no_data_message(
            params, reporter, partner, lens.title, source_label(params.source), product_analysis.coverage(flows)
        )
        page.tables[f"The {lens.title} lens"] = _lens_table(lens)
        return page
    table, only_partner = _without_single_partner_shares(table)
    page.answer = (
        product_analysis.product_findings(table, reporter, partner, params.flow)
        + f" Products are compared at HS{hs_level}, the most detailed level the source holds."
    )
    page.add_chart(
        _chart_heading(params, reporter, partner, table),
        lambda: charts.product_chart(table, source_note=_source_note(params, reporter)),
    )
    page.tables[PRODUCTS_TABLE] = _products_table(params, table, reporter, partner, only_partner)
    page.tables[f"The {lens.title} lens"] = _lens_table(lens)
    page.key_numbers = _key_numbers(params, table, reporter, partner)
    return page


def _key_numbers(params: ProductLensParams, table: pl.DataFrame, reporter: str, partner: str) -> list[KeyNumber]:
    """The lens total of the flow in the last year with rows, and its largest product that year (same basis)."""
    evidence = registry.get_source(params.source).evidence
    basis, by = ("reconciled", "CEPII BACI") if evidence == "reconciled" else ("declared", f"by {reporter}")
    last_year = int(table.get_column("year").max())
    last = table.filter(pl.col("year") == last_year).sort("value_usd", descending=True, nulls_last=True)
    direction = "to" if params.flow == "export" else "from"
    numbers = [
        KeyNumber(f"Lens {params.flow}s {direction} {partner}", last.get_column("value_usd").sum() / 1e6, "US$ m",
                  str(last_year), basis, by=by),
    ]  # fmt: skip
    top = last.row(0, named=True)
    if top["value_usd"] is not None:
        name = tables.shorten(top["product"], 40)
        numbers.append(
            KeyNumber(f"Largest product: {top['product_code']} {name}", top["value_usd"] / 1e6, "US$ m",
                      str(last_year), basis, by=by)
        )  # fmt: skip
    return numbers


def _without_single_partner_shares(table: pl.DataFrame) -> tuple[pl.DataFrame, bool]:
    """The table with share and rank emptied when the source covers no partner but this one (a pair extract such
    as BACI China-Russia): '100% of the covered total, rank 1 of 1' would read as a finding and is none."""
    if table.get_column("partners_covered").max() != 1:
        return table, False
    return table.with_columns(
        pl.lit(None, dtype=pl.Float64).alias("share_pct"), pl.lit(None, dtype=pl.Int32).alias("partner_rank")
    ), True


def _products_table(
    params: ProductLensParams, table: pl.DataFrame, reporter: str, partner: str, only_partner: bool
) -> tables.Table:
    """The product x year table after a sentence saying what its values, months, shares and ranks are.

    Columns the source cannot fill are left out (Months for annual data; Share and Rank for a pair extract)."""
    headers = dict(PRODUCT_HEADERS)
    text = (
        f"Value in US$ million, {_values_are(params, reporter)}, at the most detailed HS level the source holds (a table "
        "fetched at several levels would otherwise count the same trade twice)."
    )
    if table.get_column("months_reported").is_null().all():
        del headers["months_reported"]
    else:
        text += " *Months* counts months with trade reported (months without trade are absent upstream, not zero)."
    if only_partner:
        for column in ("share_pct", "partner_rank", "partners_covered"):
            del headers[column]
        text += f" The source covers no partner of {reporter} but {partner}, so no share or rank can be given."
    else:
        text += (
            f" *Share* and *rank* compare {partner} with every partner the source covers for that product and year"
            + (
                " — for the shipped extract that is a list of named destinations, not the world."
                if _is_extract(params)
                else "."
            )
        )
    return tables.Table(table, headers, PRODUCT_FORMATS, intro=text)


def _is_extract(params: ProductLensParams) -> bool:
    return params.source == SHIPPED_EXTRACT


def _values_are(params: ProductLensParams, reporter: str) -> str:
    """What the values are, by the source's evidence kind (ARCHITECTURE.md: declared vs reconciled)."""
    if registry.get_source(params.source).evidence == "reconciled":
        return "reconciled by CEPII from both sides' declarations (BACI)"
    return f"as declared by {reporter}"


def _source_note(params: ProductLensParams, reporter: str) -> str:
    """The chart footnote: the source's label, which already names its evidence kind, plus who declared if it does not."""
    label = source_label(params.source)
    if registry.get_source(params.source).evidence == "declared" and f"declared by {reporter}" not in label:
        return f"Source: {label}; values as declared by {reporter}."
    return f"Source: {label}."


def _chart_heading(params: ProductLensParams, reporter: str, partner: str, table: pl.DataFrame) -> str:
    direction = "to" if params.flow == "export" else "from"
    years = table.get_column("year")
    return (
        f"{reporter}'s {params.flow}s {direction} {partner} by product, US$ m, and {partner}'s share "
        f"({int(years.min())}–{int(years.max())})"
    )


def _lens_table(lens: lenses.Lens) -> tables.Table:
    """The lens's HS prefixes with their HS 2022 names, after the rationale: exactly which codes and why."""
    names = products.descriptions_for(list(lens.prefixes))
    frame = pl.DataFrame({"prefix": list(lens.prefixes), "name": [names[p] for p in lens.prefixes]})
    rationale = lens.rationale.strip() or "Defined by the sources listed below."
    return tables.Table(
        frame,
        {"prefix": "HS prefix", "name": "HS 2022 name"},
        {},
        intro=f"HS prefixes written in HS 2022; a row is in the lens when its code starts with one of them. {rationale}",
    )


def _lens_citation(citation: Citation) -> str:
    """A lens source in the Markdown style of catalog.citation: who, what they say, where, when read."""
    return (
        f"**Lens definition: {citation.publisher}.** {citation.says.strip()} Page: {citation.url}. "
        f"Accessed: {citation.accessed}."
    )


def _notes(params: ProductLensParams, lens: lenses.Lens) -> list[str]:
    if registry.get_source(params.source).evidence == "reconciled":
        notes = [
            "Values are CEPII BACI's reconciled estimates (one value per flow from both declarations, FOB); the "
            "reporter's and the partner's own customs figures differ from them and from each other."
        ]
    else:
        notes = [
            "Values are the reporter's declarations (exports FOB, imports CIF); the partner's mirror figures differ."
        ]
    notes.append(
        "A lens with 4- or 6-digit codes is written in HS 2022; older revisions (BACI HS92) may need a concordance."
    )
    if lens.revision_notes.strip():
        notes.append(lens.revision_notes.strip())
    if _is_extract(params):
        notes.append(
            "The shipped extract covers only a few HS6 lines and named destinations: it is **not** total trade."
        )
    return notes
