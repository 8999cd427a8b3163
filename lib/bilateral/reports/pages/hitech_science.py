"""Build the hitech_science report: China-Russia cooperation in aviation, space, nuclear and technology, and its limits.

Three kinds of evidence, each labelled: the cited project registry (statements: aviation, space and nuclear
projects and the technology fund, read with the same milestone rules as the projects report); the CEPII BACI
extract (reconciled trade, 2017-2023) through the high-tech, aircraft and nuclear lenses, each side's exports
to the other; and the UN Comtrade extract of China's critical-mineral exports (declared by China, monthly).
Then what none of it can show (research, papers, patents, technology payments), with the source that would.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from bilateral.analysis import composition, hitech
from bilateral.analysis import products as product_analysis
from bilateral.analysis import projects as project_analysis
from bilateral.data import catalog, products
from bilateral.data.lenses import apply_lens, lens_filter, lens_info
from bilateral.data.science_gaps import science_gaps
from bilateral.data.sources.baci_extract import product_names
from bilateral.data.trade_flows import load_trade_flows, source_label
from bilateral.reports.pages import KeyNumber, Page, method_text
from bilateral.reports.pages import projects as projects_page
from bilateral.reports.pages import projects_tables as ptables
from bilateral.reports.params import HitechScienceParams
from bilateral.viz import hitech_charts, project_charts, tables
from bilateral.viz.statement_tables import page_link

BACI = "baci_china_russia_hs17"
MINERALS = "comtrade_china_critical_minerals"
NAMES = {"CHN": "China", "RUS": "Russia"}
FIELDS = {"aerospace": "aviation and space", "energy-nuclear": "nuclear"}  # registry sector -> field shown
TECH_FUNDS = {"rdif_tech_gba_funds": "technology fund"}  # finance projects that are technology funds, by id
LENSES = ("high_tech", "aircraft", "nuclear")
AT_STAGE = {"announced": "announced", "agreed": "at agreement", "construction": "under construction", "commissioned": "commissioned",
            "capacity_reached": "at design capacity", "suspended": "suspended"}  # fmt: skip


@cache
def _baci_rows() -> pl.DataFrame:
    return composition.directional(load_trade_flows(BACI), "CHN", "RUS", NAMES)


@cache
def _minerals() -> pl.DataFrame:
    return apply_lens(load_trade_flows(MINERALS), "critical_minerals")


@cache
def trade_years() -> tuple[int, int]:
    """First and last year either shipped trade extract holds (the parameters are checked against them)."""
    years = [*_baci_rows().get_column("year").to_list(), *_minerals().get_column("year").to_list()]
    return int(min(years)), int(max(years))


def build(params: HitechScienceParams) -> Page:
    page = Page(title=params.title(), answer="", has_data=True, sources=[catalog.citation(f) for f in params.sources()])
    page.method = method_text("hitech_science")
    span = (params.start_year, params.end_year)
    stages, events, facts = _registry_part()
    rows = _baci_rows().filter(pl.col("year").is_between(*span))
    titles = {name: lens_info(name).title for name in LENSES}
    series = (
        hitech.lens_series(rows, {name: lens_filter(name) for name in LENSES})
        if not rows.is_empty()
        else pl.DataFrame()
    )
    last_year = int(rows.get_column("year").max()) if not rows.is_empty() else None
    top = _top(rows, last_year, params.top_n) if last_year else pl.DataFrame()
    minerals, level = product_analysis.lens_table(_minerals(), "CHN", "RUS", "export", *span, products.descriptions_for)
    minerals = hitech.with_segments(minerals, ("product_code",))
    page.answer = _findings(params, stages, events, series, top, minerals, last_year)
    page.key_numbers = _key_numbers(stages, series, last_year, titles)

    page.add_chart("Aviation, space, nuclear and technology projects: milestones and plans", lambda: project_charts.timeline_chart(
        events, years=(int(events["date_start"].dt.year().min()), int(events["date_end"].dt.year().max())),
        newest=project_analysis.newest_fact(projects_page.registry()[0]),
        title="Hi-tech and science projects: milestones reached (filled) and plans (hollow)", source_note=projects_page.SOURCE_NOTE,
    ))  # fmt: skip
    baci_note = f"Source: {source_label(BACI)}; current US$. Lenses overlap: never add them."
    if not series.is_empty():
        page.add_chart(f"Each side's exports to the other through a lens, {rows['year'].min()}–{last_year}", lambda: hitech_charts.lens_trade_chart(
            series, titles, title="China ↔ Russia: exports through the lens picked (high-tech, aircraft, nuclear)", source_note=baci_note,
        ))  # fmt: skip
        page.add_chart(f"Largest products in each lens, {last_year}", lambda: hitech_charts.top_products_chart(
            top, titles, title=f"Largest products of the lens and direction picked, {last_year}", source_note=baci_note
        ))  # fmt: skip
    if not minerals.is_empty():
        page.add_chart("China's critical-mineral exports to Russia", lambda: hitech_charts.minerals_chart(
            minerals.with_columns(pl.col("product").map_elements(_short_name, return_dtype=pl.String).alias("short_name")),
            list(range(span[0], span[1] + 1)), title="China's exports to Russia of the extract's critical-mineral lines",
            source_note=f"Source: {source_label(MINERALS)}; monthly rows summed to years; shares among the destinations the extract covers.",
        ))  # fmt: skip

    page.tables["Hi-tech and science projects in the registry"] = _project_table(stages, events)
    page.tables["Their figures as stated"] = ptables.figure_table(facts, projects_page.registry()[1])
    if not series.is_empty():
        page.tables["Exports through each lens, US$ m (reconciled, BACI)"] = _lens_table(series, titles)
        page.tables[f"Largest products in each lens, {last_year}"] = _top_table(top, titles)
    if not minerals.is_empty():
        page.tables[f"China's critical-mineral exports to Russia (HS{level}, declared by China)"] = _minerals_table(
            minerals
        )
    page.tables["What the shipped data cannot show, and which public source would"] = _gaps_table()
    page.notes = _notes(last_year)
    return page


def _registry_part() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Stages, events and facts of the aviation, space, nuclear and technology-fund projects."""
    table, _, events, stages = projects_page.registry()
    chosen = stages.filter(pl.col("sector").is_in(list(FIELDS)) | pl.col("project_id").is_in(list(TECH_FUNDS)))
    field = (
        pl.col("sector")
        .replace_strict(FIELDS, default=None)
        .fill_null(pl.col("project_id").replace_strict(TECH_FUNDS, default=None))
    )
    ids = chosen.get_column("project_id").to_list()
    return (chosen.with_columns(field.alias("field")), events.filter(pl.col("project_id").is_in(ids)),
            table.filter(pl.col("project_id").is_in(ids)))  # fmt: skip


def _top(rows: pl.DataFrame, year: int, n: int) -> pl.DataFrame:
    """Top products per lens and direction with a name: the HS 2022 text of the code, else of its heading, else none."""
    top = hitech.lens_top_products(rows, {name: lens_filter(name) for name in LENSES}, year, n)
    named = top.join(
        product_names(top.get_column("product_code").unique().to_list()), on="product_code", how="left", validate="m:1"
    )
    headings = products.headings().select(
        pl.col("hs_code").alias("heading"), pl.col("description").alias("heading_name")
    )
    named = named.with_columns(pl.col("product_code").str.slice(0, 4).alias("heading")).join(
        headings, on="heading", how="left", validate="m:1"
    )
    named = named.with_columns(
        (pl.col("product_name").is_null() & pl.col("heading_name").is_not_null()).alias("_by_heading")
    )
    heading_note = (
        pl.lit("HS 2022 text of heading ") + pl.col("heading") + pl.lit(" (this subheading is not in HS 2022)")
    )
    label = pl.col("product_name").fill_null(pl.col("heading_name")).map_elements(_short_name, return_dtype=pl.String)
    return named.with_columns(
        pl.when(pl.col("_by_heading")).then(heading_note).otherwise(pl.col("product_name_basis")).alias("product_name_basis"),
        pl.col("product_name").fill_null(pl.col("heading_name")),
        pl.when(pl.col("_by_heading")).then(pl.lit("heading ") + pl.col("heading") + pl.lit(": ") + label)
        .otherwise(label).fill_null("(no text shipped)").alias("product_label"),
    ).drop("_by_heading", "heading", "heading_name")  # fmt: skip


def _short_name(name: str | None) -> str | None:
    """An HS text cut to 50 characters, for axis labels, legends and findings."""
    return None if name is None else tables.shorten(name, 50)


def _key_numbers(
    stages: pl.DataFrame, series: pl.DataFrame, last_year: int | None, titles: dict[str, str]
) -> list[KeyNumber]:
    """Projects in the cited registry (statements), then the first lens's exports each way in the last year (BACI,
    reconciled)."""
    as_of = str(project_analysis.newest_fact(projects_page.registry()[0]).year)
    numbers = [
        KeyNumber(
            "Hi-tech and science projects in the registry",
            stages.height,
            "projects",
            as_of,
            "computed",
            digits=0,
            by="from cited statements",
        )
    ]
    if last_year is not None and not series.is_empty():
        lens = LENSES[0]
        for row in (
            series.filter((pl.col("lens") == lens) & (pl.col("year") == last_year))
            .sort("direction")
            .iter_rows(named=True)
        ):
            numbers.append(KeyNumber(f"{titles[lens].split(' (')[0]} exports, {row['direction']}", row["value_usd"] / 1e6,
                                     "US$ m", str(last_year), "reconciled", digits=0, by="CEPII BACI"))  # fmt: skip
    return numbers


def _lower_first(text: str) -> str:
    """'Joint R&D projects' -> 'joint R&D projects' (an acronym at the start stays as it is)."""
    return text if len(text) > 1 and text[1].isupper() else text[:1].lower() + text[1:]


def _project_table(stages: pl.DataFrame, events: pl.DataFrame) -> tables.Table:
    plans = (
        events.filter(pl.col("kind") == "plan")
        .group_by("project_id")
        .agg((pl.col("event") + ": " + pl.col("date_words")).unique().sort().str.join("; ").alias("plans"))
    )
    rows = (
        stages.join(plans, on="project_id", how="left", validate="1:1")
        .sort("field", "project_name")
        .with_columns(
            pl.col("project_name").map_elements(project_charts.short_name, return_dtype=pl.String),
            pl.col("stage").fill_null("fund (no construction ladder)"),
        )
    )
    return tables.Table(
        rows, {"project_name": "Project", "field": "Field", "stage": "Stage", "stage_dates": "Since", "latest_fact": "Latest fact",
               "plans": "Plans stated", "latest_status": "Latest status statement"},
        {"stage": lambda v: project_charts.STAGE_LABELS.get(v, v), "stage_dates": lambda v: v or "–", "plans": lambda v: v or "–",
         "latest_status": lambda v: tables.shorten(v, 50)},
        intro="Statements from the cited registry, read as in the projects report: the stage as of each project's latest cited "
        "fact, the dates that put it there, and the plans stated.",
    )  # fmt: skip


def _lens_table(series: pl.DataFrame, titles: dict[str, str]) -> tables.Table:
    wide = series.with_columns(
        pl.col("lens").replace_strict(titles).alias("lens_title"), (pl.col("value_usd") / 1e6).round(1)
    ).pivot(on="year", index=["lens_title", "direction"], values="value_usd", sort_columns=True)
    years = [c for c in wide.columns if c not in ("lens_title", "direction")]
    shares = series.filter(pl.col("year") == series["year"].max()).select("lens", "direction", "share_pct")
    wide = wide.join(
        shares.with_columns(pl.col("lens").replace_strict(titles).alias("lens_title")).drop("lens"), on=["lens_title", "direction"], how="left",
        validate="1:1",
    )  # fmt: skip
    return tables.Table(
        wide.sort("lens_title", "direction"),
        {"lens_title": "Lens", "direction": "Exports", **{y: y for y in years}, "share_pct": f"Share {years[-1]}, %"},
        {**{y: lambda v: "–" if v is None else f"{v:,.1f}" for y in years}, "share_pct": tables.pct_plain},
        intro="Each side's exports to the other in US$ million by year, and the lens's share of that direction's trade in the last "
        "year. A lens with no product traded in a year is a real 0 (the extract covers every product traded).",
    )  # fmt: skip


def _top_table(top: pl.DataFrame, titles: dict[str, str]) -> tables.Table:
    return tables.Table(
        top.with_columns(pl.col("lens").replace_strict(titles)),
        {"lens": "Lens", "direction": "Exports", "rank": "Rank", "product_code": "HS6", "product_name": "Product",
         "product_name_basis": "Name from", "value_usd": "US$ m", "share_pct": "Share of lens %"},
        {"product_name": lambda v: tables.shorten(v, 60), "value_usd": tables.usd_m, "share_pct": tables.pct_plain},
        intro="Names are HS 2022 texts: of the same code where it exists in HS 2022, else of its heading (said in *Name from*); the "
        "extract's codes are HS 2017, so the scope may differ.",
    )  # fmt: skip


def _minerals_table(minerals: pl.DataFrame) -> tables.Table:
    measures = {"value_usd": ("US$ m", tables.usd_m), "months_reported": ("months with trade", lambda v: "–" if v is None else str(v)),
                "share_pct": ("Russia's share %", tables.pct_plain), "partner_rank": ("Russia's rank", lambda v: "–" if v is None else str(v))}  # fmt: skip
    long = minerals.with_columns(
        pl.col("partner_rank").cast(pl.String) + " of " + pl.col("partners_covered").cast(pl.String)
    ).select("product_code", "product", "year", *[
        pl.col(column).map_elements(fmt, return_dtype=pl.String).alias(label) for column, (label, fmt) in measures.items()
    ]).unpivot(index=["product_code", "product", "year"], variable_name="measure", value_name="cell")  # fmt: skip
    wide = long.pivot(on="year", index=["product_code", "product", "measure"], values="cell", sort_columns=True)
    order = {label: i for i, (label, _) in enumerate(measures.values())}
    wide = wide.sort(pl.col("product_code"), pl.col("measure").replace_strict(order)).with_columns(
        pl.when(pl.col("product_code").is_first_distinct())
        .then(pl.col("product"))
        .otherwise(pl.lit(""))
        .alias("product"),
        pl.when(pl.col("product_code").is_first_distinct())
        .then(pl.col("product_code"))
        .otherwise(pl.lit(""))
        .alias("product_code"),
    )
    years = [c for c in wide.columns if c not in ("product_code", "product", "measure")]
    return tables.Table(
        wide, {"product_code": "HS6", "product": "Product", "measure": "", **{y: y for y in years}},
        {"product": lambda v: tables.shorten(v, 40), **{y: lambda v: v or "–" for y in years}},
        intro="Value as declared by China (US$ million), months with trade reported (months without trade are absent upstream, "
        "not zero; – = no trade reported that year), and Russia's share and rank among the destinations the extract covers "
        "for that product (not the world).",
    )  # fmt: skip


def _gaps_table() -> tables.Table:
    rows = [{"topic": gap.topic, "cannot_show": gap.cannot_show, "connector": gap.connector,
             "sources": " · ".join(f"{s.publisher}: {page_link(s.url)}" for s in gap.sources)} for gap in science_gaps()]  # fmt: skip
    return tables.Table(
        pl.DataFrame(rows),
        {
            "topic": "Not shown",
            "cannot_show": "What is missing",
            "connector": "How a connector would get it",
            "sources": "Source",
        },
        intro="None of the shipped datasets measures research cooperation. Each line names what is missing, how a connector would "
        "fetch it and the pages that describe the source (their figures are not used here).",
    )


def _findings(params: HitechScienceParams, stages: pl.DataFrame, events: pl.DataFrame, series: pl.DataFrame, top: pl.DataFrame,
              minerals: pl.DataFrame, last_year: int | None) -> str:  # fmt: skip
    """A bold answer (projects by stage; high-tech exports each way in the last year), then one bullet per finding."""
    order = {s: i for i, s in enumerate(project_charts.STAGE_LABELS)}
    by_stage = (
        stages.filter(pl.col("stage").is_not_null())
        .group_by("stage")
        .agg(pl.col("project_name"))
        .sort(pl.col("stage").replace_strict(order))
    )
    funds = stages.filter(pl.col("stage").is_null()).height
    lead = f"**Of {stages.height} aviation, space, nuclear and technology projects in the cited registry, " + ", ".join(
        f"{len(r['project_name'])} {'is' if len(r['project_name']) == 1 else 'are'} {AT_STAGE[r['stage']]}"
        for r in by_stage.iter_rows(named=True)) + (f" and {funds} {'is a fund' if funds == 1 else 'are funds'}" if funds else "")  # fmt: skip
    if last_year is not None:
        latest = {
            d: hitech.change(series, "high_tech", d) for d in sorted(series.get_column("direction").unique().to_list())
        }
        lead += "; high-tech exports in " + str(last_year) + ": " + ", ".join(
            f"{d} US${c['last_usd'] / 1e6:,.0f} m" for d, c in latest.items()) + " (CEPII BACI, reconciled)"  # fmt: skip
    bullets = ["Projects as of each one's latest cited fact: " + "; ".join(
        f"{project_charts.STAGE_LABELS[r['stage']]}: {', '.join(project_charts.short_name(n) for n in sorted(r['project_name']))}"
        for r in by_stage.iter_rows(named=True)) + "."]  # fmt: skip
    built = events.filter(
        (pl.col("sector") == "aerospace")
        & (pl.col("kind") == "done")
        & pl.col("stage").is_in(["construction", "commissioned"])
    )
    if not built.height:
        bullets.append("None of the aviation and space projects has a cited construction or commissioning milestone.")
    if last_year is not None:
        for direction, c in latest.items():
            bullets.append(
                f"High-tech (ITA core) exports {direction}: US${c['first_usd'] / 1e6:,.0f} m in {c['first_year']} "
                f"({c['first_pct']:.1f}% of that direction's trade), US${c['last_usd'] / 1e6:,.0f} m in {c['last_year']} ({c['last_pct']:.1f}%)."
            )
        first = top.filter((pl.col("lens") == "high_tech") & (pl.col("rank") == 1)).sort("direction")
        bullets.append(f"Largest high-tech lines in {last_year}: " + "; ".join(
            f"{r['direction']} {r['product_code']} ({r['product_label']}) US${r['value_usd'] / 1e6:,.0f} m, {r['share_pct']:.0f}% of the lens"
            for r in first.iter_rows(named=True)) + ".")  # fmt: skip
        nuclear = hitech.change(series, "nuclear", "Russia → China")
        if nuclear:
            fuel = top.filter(
                (pl.col("lens") == "nuclear") & (pl.col("direction") == "Russia → China") & (pl.col("rank") == 1)
            )
            bullets.append(
                f"Nuclear lens, Russia → China: US${nuclear['last_usd'] / 1e6:,.0f} m in {nuclear['last_year']}"
                + (f", mostly {fuel.item(0, 'product_code')} ({fuel.item(0, 'product_label')}, {fuel.item(0, 'share_pct'):.0f}%)"
                   if not fuel.is_empty() else "")
                + f". The BACI extract ends in {last_year}."
            )  # fmt: skip
    if not minerals.is_empty():
        bullets.append(
            "Critical minerals (UN Comtrade extract, declared by China): "
            + product_analysis.product_findings(minerals, "China", "Russia", "export")
        )
    bullets.append(
        "What the shipped data cannot show is listed below with the public source that would: "
        + "; ".join(_lower_first(g.topic) for g in science_gaps())
        + "."
    )
    return lead + ".**\n\n" + "\n".join(f"- {b}" for b in bullets)


def _notes(last_year: int | None) -> list[str]:
    return [
        "Three kinds of evidence, never joined: registry facts are statements (a page said it); BACI values are reconciled "
        "(CEPII's single estimate from both customs declarations); the minerals extract is declared by China.",
        f"The BACI extract covers 2017–{last_year or 2023}; years after it have no BACI values here (gaps, not zeros).",
        "The high-tech lens is a core subset of the WTO Information Technology Agreement (computers, semiconductors and their "
        "manufacturing equipment, telecom apparatus); lenses are written in HS 2022 codes and applied to HS 2017 data, so a few "
        "six-digit lines can differ (docs/data.md, lenses). Lenses overlap: never add them.",
        "The minerals extract covers a few HS6 lines and named destinations only, not total trade; some quantities look "
        "estimated by Comtrade (its PROVENANCE.md), so unit values are left out here.",
        "Trade in a lens is not cooperation: aircraft parts or nuclear fuel sold across the border says nothing about joint "
        "development, which no shipped dataset measures.",
    ]
