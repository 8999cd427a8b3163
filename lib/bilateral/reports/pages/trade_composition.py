"""Build the trade_composition report: what two countries sell each other, and what "quality" can be measured.

Default: the CEPII BACI China-Russia extract (HS 2017, reconciled, 2017-2023); any pair with product rows in a
fetched Comtrade or BACI snapshot works the same way. Both directions, every year: sections and chapters, the
top 20 products with names, sector lenses as shares over time, unit values, concentration over products,
two-way trade within products (Grubel-Lloyd) and, where the OEC table covers the direction (Russia -> China),
the complexity of what was sold (PCI weighted by value).
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis import composition
from bilateral.data import catalog, products
from bilateral.data.countries import country_name
from bilateral.data.lenses import lens_filter, lens_info
from bilateral.data.trade_flows import load_trade_flows, source_label
from bilateral.reports.pages import KeyNumber, Page, method_text
from bilateral.reports.params import TradeCompositionParams
from bilateral.viz import composition_charts, tables

LENSES = ("energy", "machinery_electrical", "vehicles", "agri_food", "critical_minerals", "high_tech")
COMPLEXITY_PAIR = ("RUS", "CHN")  # the OEC table shipped: Russia's exports to China only


def build(params: TradeCompositionParams) -> Page:
    a, b = params.reporter, params.partner
    names = {a: country_name(a), b: country_name(b)}
    label = source_label(params.source)
    flows = load_trade_flows(params.source, snapshot=params.snapshot_name, reporters=[a, b],
                             years=list(range(params.start_year, params.end_year + 1)))  # fmt: skip
    rows = composition.directional(flows, a, b, names)
    page = Page(
        title=params.title(),
        answer="",
        has_data=not rows.is_empty(),
        sources=[catalog.citation(f) for f in params.sources()],
    )
    page.method = method_text("trade_composition")
    if rows.is_empty():
        page.answer = (
            f"**No product rows for {names[a]}–{names[b]} in {params.start_year}–{params.end_year} in {label}.** The shipped "
            "BACI extract covers China–Russia 2017–2023 only; for another pair fetch product data, e.g. `bilateral data fetch "
            f"comtrade --reporter {a} --partner {b} --years {params.start_year}-{params.end_year} --hs-level 6`, then run with "
            "`-p source=comtrade`, or register a full BACI release with `bilateral data fetch baci <zip>` and use `-p source=baci`."
        )
        page.notes = _notes(params)
        return page
    note = f"Source: {label}. Values in current US$."
    groups = _groups(rows)
    by_section = composition.by_group(rows, groups["section"], "section")
    by_chapter = composition.by_group(rows, groups["chapter"], "chapter")
    lenses = composition.lens_shares(rows, {name: lens_filter(name) for name in LENSES})
    concentration = composition.concentration(rows)
    two_way = composition.intra_industry(rows, a)
    last_year = int(rows.get_column("year").max())
    top = composition.top_products(rows, last_year).join(
        _product_names(params, rows), on="product_code", how="left", validate="m:1"
    )
    totals = composition.totals(rows)
    complexity = _complexity(params)
    page.answer = _findings(totals, by_section, concentration, two_way, complexity, last_year, label)
    page.key_numbers = _key_numbers(totals, last_year, params.source)

    page.add_chart(f"Trade in each direction, US$ bn ({params.start_year}–{last_year})", lambda: composition_charts.direction_totals_chart(
        totals, title=f"{names[a]} ↔ {names[b]}: goods trade by direction", source_note=note
    ))  # fmt: skip
    page.add_chart("What each side sells: HS sections, share of the direction's trade", lambda: composition_charts.section_share_chart(
        by_section, sorted(by_section.get_column("section").drop_nulls().unique().to_list()),
        title="Mix by HS section (pick the direction)", source_note=note,
    ))  # fmt: skip
    lens_titles = {name: lens_info(name).title for name in LENSES}
    page.add_chart("Sector lenses over time", lambda: composition_charts.lens_share_chart(
        lenses, lens_titles, title="Sector lenses, share of the direction's trade (lenses overlap: never add them)", source_note=note,
    ))  # fmt: skip
    page.tables[f"Top 20 products of each direction, {last_year}"] = _top_table(top)
    page.tables[f"HS sections, {last_year}"] = tables.Table(
        by_section.filter(pl.col("year") == last_year),
        {
            "direction": "Direction",
            "section": "Section",
            "section_name": "Name",
            "value_usd": "US$ bn",
            "share_pct": "Share %",
        },
        {"value_usd": tables.usd_bn, "share_pct": tables.pct_plain},
    )
    page.tables[f"Ten largest HS chapters of each direction, {last_year}"] = tables.Table(
        by_chapter.filter(pl.col("year") == last_year).filter(pl.col("value_usd").rank("ordinal", descending=True).over("direction") <= 10),
        {"direction": "Direction", "chapter": "Chapter", "chapter_name": "Name", "value_usd": "US$ bn", "share_pct": "Share %"},
        {"value_usd": tables.usd_bn, "share_pct": tables.pct_plain, "chapter_name": tables.shorten},
    )  # fmt: skip
    page.tables["Concentration over products"] = tables.Table(
        concentration, {"direction": "Direction", "year": "Year", "hhi": "HHI", "effective_number": "Effective products",
                        "n_items": "Products traded"},
        {"hhi": lambda v: "–" if v is None else f"{v:.3f}", "effective_number": lambda v: "–" if v is None else f"{v:.1f}"},
        intro="HHI over HS6 products (0–1; 1 = a single product) and its effective number: how many equally large products would "
        "give the same concentration.",
    )  # fmt: skip
    page.tables["Two-way trade within products (Grubel–Lloyd)"] = tables.Table(
        two_way, {"year": "Year", "gl_aggregate": "GL", "gl_adjusted": "GL adjusted", "trade_imbalance_pct": "Imbalance %"},
        {"gl_aggregate": _two, "gl_adjusted": _two, "trade_imbalance_pct": tables.pct_plain},
        intro=f"From {names[a]}'s side, over HS6 products: 0 = each product flows one way only, 1 = balanced two-way trade in every "
        "product. The adjusted index removes the part explained by the overall imbalance.",
    )  # fmt: skip
    by_section_gl = composition.intra_industry(
        rows.filter(pl.col("year") == last_year), a, groups["section"], "section"
    )
    page.tables[f"Two-way trade by HS section, {last_year}"] = tables.Table(
        by_section_gl.with_columns((pl.col("exports_value") + pl.col("imports_value")).alias("gross")).sort("gross", descending=True),
        {"section": "Section", "section_name": "Name", "gross": "Trade both ways, US$ bn", "gl_aggregate": "GL"},
        {"section_name": lambda v: tables.shorten(_short(v), 40), "gross": tables.usd_bn, "gl_aggregate": _two},
        intro="Grubel–Lloyd within each section (its HS6 products only), largest sections first; a section traded one way has "
        "GL 0. The imbalance adjustment is left out here: within a small, one-sided section it is unstable.",
    )  # fmt: skip
    page.tables["Unit values of the top five products"] = _unit_value_table(rows, top)
    if complexity is not None:
        page.tables["Complexity of Russia's exports to China (OEC PCI, HS4)"] = tables.Table(
            complexity, {"year": "Year", "pci_weighted": "PCI, value-weighted", "pci_unweighted": "PCI, simple mean",
                         "products": "HS4 products", "covered_pct": "Value with a PCI %"},
            {"pci_weighted": _two, "pci_unweighted": _two, "covered_pct": tables.pct_plain},
            intro="The OEC Product Complexity Index of each HS4 product Russia sold China, weighted by the value sold. It measures how "
            "complex the products are by the OEC's ranking of world trade, not how they were made, and covers only products Russia "
            "actually sold to China (a rising mean can mean a shift of mix, not new capabilities).",
        )  # fmt: skip
    page.notes = _notes(params)
    return page


def _key_numbers(totals: pl.DataFrame, last_year: int, source: str) -> list[KeyNumber]:
    """Each direction's trade and products traded in the last year (BACI is reconciled; any other source declared)."""
    basis = "reconciled" if source.startswith("baci") else "declared"
    by = "CEPII BACI" if basis == "reconciled" else ""
    numbers = []
    for row in totals.filter(pl.col("year") == last_year).iter_rows(named=True):
        numbers.append(KeyNumber(str(row["direction"]), row["value_usd"] / 1e9, "US$ bn", str(last_year), basis, by=by))
    for row in totals.filter(pl.col("year") == last_year).iter_rows(named=True):
        numbers.append(
            KeyNumber(
                f"Products, {row['direction']}",
                row["products"],
                "HS6 codes traded",
                str(last_year),
                basis,
                digits=0,
                by=by,
            )
        )
    return numbers


def _short(name: str | None) -> str:
    """A section name up to its first semicolon ('Machinery and mechanical appliances; electrical ...' -> first part)."""
    return (name or "products not in HS 2022").split(";")[0].strip().lower()


def _two(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _groups(rows: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """product_code -> chapter and section (with names); chapters and sections are stable across HS revisions."""
    codes = rows.select("product_code").unique().with_columns(pl.col("product_code").str.slice(0, 2).alias("chapter"))
    chapter_table = products.chapters().select(
        pl.col("hs_code").alias("chapter"), pl.col("description").alias("chapter_name"), "section"
    )
    section_names = products.sections().select("section", pl.col("name").alias("section_name"))
    mapped = codes.join(chapter_table, on="chapter", how="left", validate="m:1").join(
        section_names, on="section", how="left", validate="m:1"
    )
    return {
        "chapter": mapped.select("product_code", "chapter", "chapter_name"),
        "section": mapped.select("product_code", "section", "section_name"),
    }


def _product_names(params: TradeCompositionParams, rows: pl.DataFrame) -> pl.DataFrame:
    codes = rows.get_column("product_code").unique().to_list()
    if params.source == "baci_china_russia_hs17":
        from bilateral.data.sources.baci_extract import product_names

        return product_names(codes)
    known = products.descriptions_for(codes)
    return pl.DataFrame({"product_code": codes}).with_columns(
        pl.col("product_code").replace_strict(known, default=None).alias("product_name"),
        pl.lit("HS 2022 text of the same code").alias("product_name_basis"),
    )


def _top_table(top: pl.DataFrame) -> tables.Table:
    return tables.Table(
        top.with_columns(pl.col("product_name").fill_null(pl.col("product_name_basis"))),
        {"direction": "Direction", "rank": "Rank", "product_code": "HS6", "product_name": "Product", "value_usd": "US$ m",
         "share_pct": "Share %", "unit_value_usd_per_t": "US$ per t"},
        {"value_usd": tables.usd_m, "share_pct": tables.pct_plain, "product_name": lambda v: tables.shorten(v, 70),
         "unit_value_usd_per_t": lambda v: "–" if v is None else f"{v:,.0f}"},
        intro="Names are the HS 2022 text of the same code where the code exists in HS 2022 (its scope may differ slightly in HS "
        "2017); a code that does not exist in HS 2022 has no shipped text and says so.",
    )  # fmt: skip


def _unit_value_table(rows: pl.DataFrame, top: pl.DataFrame) -> tables.Table:
    top5 = top.filter(pl.col("rank") <= 5).select(
        "direction",
        "product_code",
        pl.col("product_name").fill_null(pl.col("product_name_basis")).alias("product_name"),
    )
    values = composition.unit_values(rows, top5.get_column("product_code").to_list()).join(
        top5, on=["direction", "product_code"], how="inner", validate="m:1"
    )
    wide = values.pivot(
        on="year", index=["direction", "product_code", "product_name"], values="unit_value_usd_per_t", sort_columns=True
    )
    years = [c for c in wide.columns if c not in ("direction", "product_code", "product_name")]
    return tables.Table(
        wide.sort("direction", "product_code"),
        {"direction": "Direction", "product_code": "HS6", "product_name": "Product", **{y: y for y in years}},
        {"product_name": lambda v: tables.shorten(v, 40), **{y: (lambda v: "–" if v is None else f"{v:,.0f}") for y in years}},
        intro="US$ per tonne (value / weight), by year: a mix of price and quality within the product, not quality itself. "
        "– = no weight given.",
    )  # fmt: skip


def _complexity(params: TradeCompositionParams) -> pl.DataFrame | None:
    """PCI-weighted complexity of Russia's exports to China, when this pair is Russia-China (the OEC table's scope)."""
    if {params.reporter, params.partner} != set(COMPLEXITY_PAIR):
        return None
    table = catalog.load("product_complexity").filter(pl.col("year").is_between(params.start_year, params.end_year))
    return composition.complexity_weighted(table) if not table.is_empty() else None


def _findings(
    totals: pl.DataFrame, by_section: pl.DataFrame, concentration: pl.DataFrame, two_way: pl.DataFrame,
    complexity: pl.DataFrame | None, last_year: int, label: str,
) -> str:  # fmt: skip
    latest = totals.filter(pl.col("year") == last_year).sort("direction")
    sentences = [
        f"In {last_year}, " + " and ".join(f"{r['direction']} trade came to US${r['value_usd'] / 1e9:,.1f} bn"
                                            for r in latest.iter_rows(named=True)) + f" ({label})."
    ]  # fmt: skip
    for direction in latest.get_column("direction").to_list():
        top = by_section.filter((pl.col("year") == last_year) & (pl.col("direction") == direction)).row(0, named=True)
        conc = concentration.filter((pl.col("year") == last_year) & (pl.col("direction") == direction)).row(
            0, named=True
        )
        sentences.append(
            f"{direction}: {top['share_pct']:.0f}% was {_short(top['section_name'])} (HS section {top['section']}); "
            f"concentration equals {conc['effective_number']:.0f} equally sized products out of {conc['n_items']:,} traded."
        )
    gl = two_way.filter(pl.col("year") == last_year).row(0, named=True)
    if gl["gl_adjusted"] is not None:
        sentences.append(
            f"Two-way trade within products is {'low' if gl['gl_adjusted'] < 0.2 else 'moderate' if gl['gl_adjusted'] < 0.5 else 'high'} "
            f"(Grubel–Lloyd {gl['gl_aggregate']:.2f}, {gl['gl_adjusted']:.2f} adjusted for the imbalance): the two sides mostly sell each "
            "other different goods."
            if gl["gl_adjusted"] < 0.5 else
            f"Two-way trade within products is high (Grubel–Lloyd adjusted {gl['gl_adjusted']:.2f})."
        )  # fmt: skip
    if complexity is not None and complexity.height:
        first, last = complexity.row(0, named=True), complexity.row(-1, named=True)
        sentences.append(
            f"The value-weighted complexity (OEC PCI) of Russia's exports to China was {last['pci_weighted']:.2f} in {last['year']}"
            + (f", against {first['pci_weighted']:.2f} in {first['year']}" if first["year"] != last["year"] else "")
            + " (negative = less complex than the average product in world trade)."
        )
    return " ".join(sentences)


def _notes(params: TradeCompositionParams) -> list[str]:
    notes = [
        "What this can measure of 'the quality of trade': the mix, its concentration, two-way trade within products, unit "
        "values and the complexity of the products sold. It cannot show how well goods are made, who captures the value, "
        "technology transfer, services or unrecorded trade.",
        "Sector lenses overlap (high-tech lies inside machinery): never add lens shares together.",
        "Lens definitions use HS 2022 codes; at six digits a few codes differ in HS 2017 (docs/data.md, lenses).",
    ]
    if params.source == "baci_china_russia_hs17":
        notes += [
            "CEPII BACI reconciles the two customs declarations into one value per flow (it is neither side's own figure); this "
            "is a third-party extract of release V202501, checked against the publisher's totals (docs/data.md).",
            "BACI quantities are tonnes; a product without a weight has no unit value.",
        ]
    return notes
