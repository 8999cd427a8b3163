"""The product_lens page, checked against the shipped files read with the csv module (not the workbench's loaders).

Expected values are computed here from data/raw: the UN Comtrade critical-minerals extract (monthly US$, China's
exports; three HS6 lines in deep_dive_hs6_monthly.csv, polysilicon 280461 for its top-8 destinations in
country_monthly_stats.csv) and the CEPII BACI China-Russia extract (annual, v in thousand US$, i/j numeric codes
643 Russia, 156 China). Lens prefixes as written in product_lenses.yml.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from bilateral.reports.pages.product_lens import build
from bilateral.reports.params import validate_parameters

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
EXTRACT = RAW / "comtrade_china_critical_minerals"
BACI_FILE = RAW / "baci_china_russia_hs17" / "baci_russia_china_processed_2017_2023.csv"
CRITICAL_MINERALS = ("250410", "380110", "811292", "280461", "280530", "284690", "850511")  # product_lenses.yml


def extract_rows() -> list[dict[str, str]]:
    """(year, partner, hs6, val) of every row of the extract, polysilicon from the group file."""
    rows = [
        {
            "year": r["period_dt"][:4],
            "partner": r["partner_name"],
            "hs6": r["hs6"],
            "val": r["val"],
            "month": r["period_dt"],
        }
        for r in csv.DictReader((EXTRACT / "deep_dive_hs6_monthly.csv").open())
    ]
    rows += [
        {"year": r["period_dt"][:4], "partner": r["partner_name"], "hs6": "280461", "val": r["val"], "month": r["period_dt"]}
        for r in csv.DictReader((EXTRACT / "country_monthly_stats.csv").open())
        if r["broad_group"] == "Polysilicon"
    ]  # fmt: skip
    return [r for r in rows if r["hs6"] in CRITICAL_MINERALS]


def by(rows: list[dict[str, str]], *keys: str) -> dict[tuple[str, ...], float]:
    totals: dict[tuple[str, ...], float] = defaultdict(float)
    for row in rows:
        totals[tuple(row[k] for k in keys)] += float(row["val"])
    return totals


@pytest.fixture(scope="module")
def default_page():
    return build(validate_parameters("product_lens", {}))


def test_default_answer_is_computed_from_the_extract(default_page):
    rows = extract_rows()
    to_russia = [r for r in rows if r["partner"] == "Russia"]
    lines_2024 = {hs6: v for (year, hs6), v in by(to_russia, "year", "hs6").items() if year == "2024"}
    top = max(lines_2024, key=lines_2024.get)
    poly_2024 = {
        p: v for (year, p), v in by([r for r in rows if r["hs6"] == top], "year", "partner").items() if year == "2024"
    }
    rank = 1 + sum(v > poly_2024["Russia"] for v in poly_2024.values())
    first = by([r for r in to_russia if r["hs6"] == top], "year")[("2017",)]
    assert top == "280461"
    answer = default_page.answer  # the numbers, not the wording (the sentences are the analysis layer's)
    assert answer.startswith("In 2024, China's exports to Russia")
    assert answer.endswith("Products are compared at HS6, the most detailed level the source holds.")
    assert f"US${sum(lines_2024.values()) / 1e6:,.1f} m" in answer  # the lens total, 2024
    assert (
        f"280461 (Silicon; containing by weight not less than 99.99% of silicon) at US${lines_2024[top] / 1e6:,.1f} m"
        in answer
    )
    assert f"{poly_2024['Russia'] / sum(poly_2024.values()) * 100:.1f}%" in answer
    assert f"{lines_2024[top] / first:.1f} times its 2017 value" in answer
    row = next(
        line
        for line in default_page.tables["Products, year by year"].markdown().splitlines()
        if line.startswith("| 280461 |") and "| 2024 |" in line
    )
    assert row.rstrip().endswith(f"| {rank} | {len(poly_2024)} |")  # rank among the partners covered, and how many


def test_products_table_row_is_the_sum_of_the_months(default_page):
    graphite_2017 = [r for r in extract_rows() if (r["partner"], r["hs6"], r["year"]) == ("Russia", "250410", "2017")]
    value_m = sum(float(r["val"]) for r in graphite_2017) / 1e6
    months = len({r["month"] for r in graphite_2017})
    row = next(
        line
        for line in default_page.tables["Products, year by year"].markdown().splitlines()
        if line.startswith("| 250410 |")
    )
    cells = [cell.strip() for cell in row.split("|")[1:-1]]
    assert cells[2:5] == ["2017", f"{value_m:.2f}", str(months)]


def test_default_page_has_one_chart_the_lens_definition_and_its_sources(default_page):
    assert default_page.has_data
    assert list(default_page.charts) == ["China's exports to Russia by product, US$ m, and Russia's share (2017–2024)"]
    lens = default_page.tables[
        "The Critical minerals (graphite, gallium/germanium, polysilicon, rare earths) lens"
    ].markdown()
    assert re.findall(r"^\| (\d{6}) \|", lens, re.MULTILINE) == list(CRITICAL_MINERALS)
    assert any("ChinaCriticalMineralComtrade" in s and s.startswith("**Lens definition") for s in default_page.sources)
    assert any("not** total trade" in note for note in default_page.notes)
    spec = json.dumps(next(iter(default_page.charts.values())).to_dict())
    assert "Source: UN Comtrade extract: China's critical-mineral exports (declared by China)." in spec


def test_a_lens_the_extract_does_not_cover_says_what_it_covers_instead_of_drawing():
    page = build(validate_parameters("product_lens", {"lens": "energy"}))
    partners = {r["partner"] for r in extract_rows()}  # every destination named in the extract
    assert not page.has_data and page.charts == {}
    assert page.answer.startswith("### No export rows for China–Russia in the Energy (mineral fuels) lens, 2017–2024")
    assert f"For China it has export rows for 2017–2024 with {len(partners)} partners." in page.answer
    assert "`bilateral data fetch comtrade --reporter CHN --partner RUS --years 2017-2024 --hs-level 6`" in page.answer


def test_reconciled_values_are_labelled_reconciled_and_a_pair_extract_gives_no_share():
    params = {
        "reporter": "RUS",
        "partner": "CHN",
        "lens": "energy",
        "source": "baci_china_russia_hs17",
        "end_year": 2023,
    }
    page = build(validate_parameters("product_lens", params))
    energy_2023 = sum(
        float(r["v"])
        for r in csv.DictReader(BACI_FILE.open())
        if (r["t"], r["i"], r["j"]) == ("2023", "643", "156") and r["k"].zfill(6).startswith("27")
    )  # thousand US$
    assert f"Russia's exports to China in this lens came to US${energy_2023 / 1e3:,.1f} m" in page.answer
    assert "covered total" not in page.answer  # one partner covered: no '100% of it, rank 1 of 1'
    table = page.tables["Products, year by year"].markdown()
    assert "reconciled by CEPII" in table and "Share %" not in table and "Months" not in table
    assert "as declared by" not in table and "reconciled" in page.notes[0]
