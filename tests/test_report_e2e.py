"""End to end: the CLI runs the real notebooks on the shipped data into offline reports.

The CLI runs in process (tests/cli_runner.py): reports share this session's warm kernels.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from cli_runner import run_cli
from datacopy import REPO, copy_shipped_data, corrupt
from shared_reports import run_reused


@pytest.fixture(scope="module")
def report_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    reports = tmp_path_factory.mktemp("reports")
    return {"BILATERAL_REPORTS_DIR": str(reports)}


@pytest.fixture(scope="module")
def china_russia_report(report_env: dict[str, str]) -> Path:
    done = run_cli("report", "run", "trade_overview", "-p", "reporter=CHN", "-p", "partner=RUS", env=report_env)
    assert done.returncode == 0, done.stderr
    html = Path(report_env["BILATERAL_REPORTS_DIR"]) / "trade_overview" / "CHN-RUS_imf_dots_2005-2024.html"
    assert done.stdout.strip().endswith(str(html))
    return html


def report_files(env: dict[str, str]) -> list[str]:
    root = Path(env["BILATERAL_REPORTS_DIR"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.slow
def test_report_run_writes_html_and_the_executed_notebook_beside_it(china_russia_report: Path):
    import nbformat

    executed = nbformat.read(china_russia_report.with_suffix(".ipynb"), as_version=4)
    meta = executed.metadata["bilateral"]
    assert meta["parameters"] == {
        "reporter": "CHN",
        "partner": "RUS",
        "start_year": 2005,
        "end_year": 2024,
        "source": "imf_dots",
        "snapshot": "newest",
    }
    assert meta["sources"] == ["imf_dots", "official_headlines"] and meta["duration_s"] > 0
    # Shared notebooks name repository-relative paths, never this machine's folders.
    assert executed.metadata["papermill"]["input_path"] == "notebooks/trade_overview.ipynb"
    assert str(REPO) not in china_russia_report.with_suffix(".ipynb").read_text()
    html = china_russia_report.read_text()
    # declared data (IMF DOTS) end in 2020; GAC's 2024 figure (244.8, official_headlines) is shown as a statement
    assert "The declared data end in 2020" in html and "US$244.8 bn in 2024" in html
    assert "import bilateral" not in html and "from bilateral" not in html, "code cells are hidden from readers"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "partner=RUSS"], "Did you mean 'RUS' (Russia)?"),
        (["-p", "start_year=2020", "-p", "end_year=2010"], "end_year (2010) is before start_year (2020)"),
        (["-p", "partnr=RUS"], "Unknown parameter 'partnr'"),
        (["-p", "start_year=twenty"], "start_year: must be a whole number"),
        (["-p", "partner"], "Malformed parameter 'partner'"),
        (["-p", "partner=[/]"], "Unknown partner '[/]'"),  # user text is never read as terminal markup
    ],
)
def test_bad_parameters_exit_non_zero_with_a_message_and_write_nothing(tmp_path: Path, args: list[str], message: str):
    env = {"BILATERAL_REPORTS_DIR": str(tmp_path)}
    done = run_cli("report", "run", "trade_overview", *args, env=env)
    assert done.returncode == 2
    assert message in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr
    assert report_files(env) == []


@pytest.mark.slow
def test_a_corrupted_data_file_fails_the_report_and_leaves_no_file(tmp_path: Path):
    data = tmp_path / "data"
    copy_shipped_data(data)
    corrupt(data / "raw" / "official_headlines" / "china_russia_trade_totals.csv")
    env = {"BILATERAL_REPORTS_DIR": str(tmp_path / "reports"), "BILATERAL_DATA_DIR": str(data)}
    done = run_cli("report", "run", "trade_overview", env=env)
    assert done.returncode == 1
    text = " ".join(done.stderr.split())
    assert "DataError" in text and "china_russia_trade_totals.csv: checksum mismatch" in text
    assert report_files(env) == []


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("plan")
    plan = root / "plan.yml"
    plan.write_text(
        "title: Test plan\nreports:\n"
        "  - notebook: trade_overview\n    parameters: {reporter: RUS, partner: CHN, source: cited, start_year: 2015, end_year: 2024}\n"
        "  - notebook: trade_overview\n    parameters: {reporter: CHN, partner: KAZ, source: cited}\n"
    )
    done = run_cli("report", "plan", str(plan), "--workers", "2", env={"BILATERAL_REPORTS_DIR": str(root / "reports")})
    assert done.returncode == 0, done.stderr
    return root / "reports" / "index.html"


@pytest.mark.slow
def test_plan_writes_a_gallery_card_per_report(gallery: Path):
    tmp_path = gallery.parent.parent
    index = gallery.read_text()
    # China–Kazakhstan has no cited figures: its card is amber ("no data"), not green
    assert index.count('class="card ok"') == 1 and index.count('class="card no-data"') == 1
    assert 'href="trade_overview/RUS-CHN_2015-2024.html"' in index and "official_headlines" in index
    kaz = (tmp_path / "reports" / "trade_overview" / "CHN-KAZ_2005-2024.html").read_text()
    assert "No cited figures for China–Kazakhstan, 2005–2024" in unescape(kaz)  # as the reader sees it


@pytest.mark.slow
def test_a_failing_report_gets_a_red_card_and_the_plan_exits_non_zero(tmp_path: Path):
    data = tmp_path / "data"
    copy_shipped_data(data)
    corrupt(data / "raw" / "official_headlines" / "china_russia_trade_totals.csv")
    plan = tmp_path / "plan.yml"
    plan.write_text(
        "reports:\n  - notebook: trade_overview\n    parameters: {source: cited}\n  - notebook: product_lens\n"
    )
    env = {"BILATERAL_REPORTS_DIR": str(tmp_path / "reports"), "BILATERAL_DATA_DIR": str(data)}
    done = run_cli("report", "plan", str(plan), "-j", "2", env=env)
    assert done.returncode == 1
    assert "1 of 2 reports failed" in " ".join(done.stderr.split())
    index = (tmp_path / "reports" / "index.html").read_text()
    # product_lens ran: "ok" once its notebook defines `page`, "ran" (data not stated) while it does not
    assert index.count('class="card failed"') == 1 and len(re.findall(r'class="card (?:ok|ran)"', index)) == 1
    assert "checksum mismatch" in index
    assert not list((tmp_path / "reports" / "trade_overview").glob("*.html")), "the failed report left no file"


def test_a_notebook_without_parameters_is_not_run_as_a_report(tmp_path: Path):
    done = run_cli("report", "run", "explore", env={"BILATERAL_REPORTS_DIR": str(tmp_path)})
    assert done.returncode == 2 and "not a report" in " ".join(done.stderr.split())


def test_a_plan_with_a_bad_entry_fails_before_running_anything(tmp_path: Path):
    plan = tmp_path / "plan.yml"
    plan.write_text(
        "reports:\n  - notebook: trade_overview\n  - notebook: trade_overview\n    parameters: {partner: XX}\n"
    )
    env = {"BILATERAL_REPORTS_DIR": str(tmp_path / "reports")}
    done = run_cli("report", "plan", str(plan), env=env)
    assert done.returncode == 2
    assert "report 2 (trade_overview)" in done.stderr and "Unknown partner 'XX'" in done.stderr
    assert not (tmp_path / "reports").exists() or report_files(env) == []


def test_data_verify_names_the_corrupted_file_and_exits_non_zero(tmp_path: Path):
    data = tmp_path / "data"
    copy_shipped_data(data)
    corrupt(data / "raw" / "hs_classification" / "harmonized-system.csv")
    done = run_cli("data", "verify", env={"BILATERAL_DATA_DIR": str(data)})
    assert done.returncode == 1
    assert "harmonized-system.csv: checksum mismatch" in " ".join(done.stderr.split())


def test_data_list_and_show():
    listing = run_cli("data", "list")
    assert listing.returncode == 0 and "trade_headlines" in listing.stdout and "2004–2024" in listing.stdout
    shown = run_cli("data", "show", "trade_headlines")
    assert shown.returncode == 0
    for expected in ("value_usd", "Provenance", "sha256", "Caveats", "FCS"):
        assert expected in shown.stdout


@pytest.mark.browser
@pytest.mark.slow
def test_the_report_opens_offline_with_charts_and_a_working_metric_control(china_russia_report: Path, offline_page):
    page = offline_page.page
    offline_page.open(china_russia_report)
    page.wait_for_selector(".vega-embed svg, .vega-embed canvas", timeout=20_000)
    assert page.locator(".vega-embed").count() == 2
    select = page.locator(".vega-embed select").first
    assert select.locator("option").all_inner_texts() == ["Turnover", "Exports", "Imports", "Balance"]
    axis_before = _y_axis_labels(page)
    select.select_option("Balance")
    page.wait_for_function(
        "(before) => JSON.stringify(Array.from(document.querySelectorAll('.vega-embed')[0]"
        ".querySelectorAll('.role-axis-label text')).map(t => t.textContent)) !== before",
        arg=axis_before,
        timeout=10_000,
    )
    assert any(label.startswith("−") or label.startswith("-") for label in _y_axis_labels_list(page)), (
        "a balance goes negative"
    )
    offline_page.assert_clean()


@pytest.mark.browser
@pytest.mark.slow
def test_the_gallery_opens_offline_and_links_to_the_reports(gallery: Path, offline_page):
    offline_page.open(gallery)
    cards = offline_page.page.locator(".card")
    assert cards.count() == 2
    assert cards.first.locator("a").first.get_attribute("href") == "trade_overview/RUS-CHN_2015-2024.html"
    assert (gallery.parent / "trade_overview" / "RUS-CHN_2015-2024.html").is_file()
    offline_page.assert_clean()


def _y_axis_labels_list(page) -> list[str]:
    return page.evaluate(
        "Array.from(document.querySelectorAll('.vega-embed')[0].querySelectorAll('.role-axis-label text'))"
        ".map(t => t.textContent)"
    )


def _y_axis_labels(page) -> str:
    import json

    return json.dumps(_y_axis_labels_list(page), separators=(",", ":"))


@pytest.fixture(scope="module")
def minerals_report(one_of_each: Path) -> Path:
    """`bilateral report run product_lens` for critical minerals, the report the session rendered."""
    return run_reused(one_of_each, "product_lens", "-p", "partner=RUS", "-p", "lens=critical_minerals")


@pytest.mark.slow
def test_product_report_records_the_data_it_read(minerals_report: Path):
    import nbformat

    meta = nbformat.read(minerals_report.with_suffix(".ipynb"), as_version=4).metadata["bilateral"]
    assert meta["sources"] == ["comtrade_china_critical_minerals", "hs_classification"]
    assert minerals_report.name == "CHN-RUS_critical_minerals_export_comtrade_china_critical_minerals_2017-2024.html"
    assert "the largest line was 280461" in minerals_report.read_text()


def test_a_fetched_source_without_snapshot_fails_before_running(tmp_path: Path):
    env = {"BILATERAL_REPORTS_DIR": str(tmp_path / "reports"), "BILATERAL_DATA_DIR": str(tmp_path / "data")}
    done = run_cli("report", "run", "product_lens", "-p", "source=baci", env=env)
    assert done.returncode == 1
    assert "No snapshot of 'baci'" in " ".join(done.stderr.split())
    assert not (tmp_path / "reports").exists() or report_files(env) == []


@pytest.mark.browser
@pytest.mark.slow
def test_the_product_report_filters_by_product_offline(minerals_report: Path, offline_page):
    page = offline_page.page
    offline_page.open(minerals_report)
    page.wait_for_selector(".vega-embed svg, .vega-embed canvas", timeout=20_000)
    select = page.locator(".vega-embed select").first
    # values are the HS codes; labels name the product (HS 2022 texts in data/raw/hs_classification, cut to 50
    # characters, then to 44 at a word for the dropdown)
    values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert values == ["All", "250410", "280461", "380110", "811292"]
    assert select.locator("option").all_inner_texts() == [
        "All",
        "250410 Graphite; natural, in powder or in…",
        "280461 Silicon; containing by weight not…",
        "380110 Graphite; artificial",
        "811292 Gallium, germanium, indium, niobium…",
    ]  # fmt: skip
    count_marks = "document.querySelectorAll('.vega-embed')[0].querySelectorAll('.mark-rect path').length"
    page.wait_for_function(f"{count_marks} > 0")
    all_bars = page.evaluate(count_marks)
    select.select_option("811292")
    page.wait_for_function(f"{count_marks} < {all_bars}", timeout=10_000)
    assert page.evaluate(count_marks) == 8, "one bar per year 2017-2024 for a single product"
    offline_page.assert_clean()


@pytest.fixture(scope="module")
def imf_snapshot_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A data copy with one IMF-layout snapshot (synthetic values, flagged as a format sample) to prove that
    reports run on fetched statistics the same way as on shipped data."""
    import polars as pl

    from bilateral.data import fetch as fetching
    from bilateral.data.schemas import TRADE_FLOWS

    root = tmp_path_factory.mktemp("fetched")
    copy_shipped_data(root / "data")
    rows = [
        (reporter, partner, flow, value)
        for reporter, partner, flow, value in [
            ("RUS", "CHN", "export", 120.0e9),
            ("RUS", "CHN", "import", 110.0e9),
            ("RUS", "DEU", "export", 30.0e9),
            ("RUS", "DEU", "import", 25.0e9),
            ("RUS", "WLD", "export", 420.0e9),
            ("RUS", "WLD", "import", 300.0e9),
            ("CHN", "RUS", "export", 110.0e9),
            ("CHN", "RUS", "import", 125.0e9),
            ("CHN", "KAZ", "export", 25.0e9),
            ("CHN", "KAZ", "import", 16.0e9),
        ]
    ]
    frame = pl.DataFrame(
        [
            {
                "year": 2023,
                "period": "2023",
                "reporter_iso3": r,
                "partner_iso3": p,
                "flow": f,
                "classification": "TOTAL",
                "hs_level": 0,
                "product_code": "TOTAL",
                "value_usd": v,
                "quantity": None,
                "quantity_unit": None,
                "net_weight_kg": None,
                "reported_by": r,
                "source": "imf",
                "dataset_version": "SYNTHETIC test",
            }
            for r, p, f, v in rows
        ],
        schema=TRADE_FLOWS.polars_schema(),
    )
    env = {"BILATERAL_DATA_DIR": str(root / "data"), "BILATERAL_REPORTS_DIR": str(root / "reports")}
    record = {
        "name": "imf",
        "title": "SYNTHETIC test snapshot",
        "publisher": "test",
        "origin": {"api": "none"},
        "licence": "test",
        "description": "synthetic values written by a test",
        "is_format_sample": True,
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILATERAL_DATA_DIR", env["BILATERAL_DATA_DIR"])
        fetching.write_trade_snapshot(
            "imf", {"response_001.xml": b"<synthetic/>"}, frame, record=record, stamp="2026-11-28T000000Z"
        )
    return env


@pytest.mark.slow
def test_partner_ranking_runs_on_a_fetched_snapshot(imf_snapshot_env: dict[str, str]):
    done = run_cli(
        "report", "run", "partner_ranking", "-p", "source=imf", "-p", "start_year=2020", env=imf_snapshot_env
    )
    assert done.returncode == 0, done.stderr
    html = Path(done.stdout.strip().splitlines()[-1]).read_text()
    text = " ".join(html.split())
    # (120 + 110) / (420 + 300) = 31.9% of Russia's declared trade with the world
    assert "China was Russia's largest trading partner in 2023" in text
    assert "In 2023 China had 31.9% of Russia's trade (world total)" in text


@pytest.mark.slow
def test_group_link_runs_on_a_fetched_snapshot(imf_snapshot_env: dict[str, str]):
    done = run_cli("report", "run", "group_link", "-p", "source=imf", "-p", "start_year=2020", env=imf_snapshot_env)
    assert done.returncode == 0, done.stderr
    html = Path(done.stdout.strip().splitlines()[-1]).read_text()
    assert "came to US$276.0 bn over the members with a figure (Kazakhstan, Russia)" in html


@pytest.mark.slow
def test_trade_overview_on_fetched_statistics_shows_both_declarations(imf_snapshot_env: dict[str, str]):
    done = run_cli("report", "run", "trade_overview", "-p", "source=imf", "-p", "start_year=2020", env=imf_snapshot_env)
    assert done.returncode == 0, done.stderr
    page = Path(done.stdout.strip().splitlines()[-1])
    assert page.name == "CHN-RUS_imf_2020-2024.html"
    html = page.read_text()
    assert "Trade between China and Russia was US$235.0 bn in 2023 (declared by China)" in html
    assert "Mirror view" in html and "+4.2" in html  # Russia's exports 120 vs China's imports 125: CIF above FOB


@pytest.mark.slow
def test_a_pair_without_cited_figures_gets_both_sides_declarations_from_dots(tmp_path: Path):
    env = {"BILATERAL_REPORTS_DIR": str(tmp_path)}
    done = run_cli("report", "run", "trade_overview", "-p", "partner=KAZ", "-p", "start_year=2015", env=env)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "trade_overview" / "CHN-KAZ_imf_dots_2015-2024.html").read_text()
    assert "Trade between China and Kazakhstan was" in html and "declared by China" in html
    assert "Mirror view" in html and "No cited figures" not in html


@pytest.mark.slow
def test_partner_ranking_from_dots_gives_the_run_and_calls_2009_and_2010_close(tmp_path: Path):
    env = {"BILATERAL_REPORTS_DIR": str(tmp_path)}
    done = run_cli("report", "run", "partner_ranking", env=env)
    assert done.returncode == 0, done.stderr
    text = " ".join((tmp_path / "partner_ranking" / "CHN-in-RUS_imf_dots_2005-2024.html").read_text().split())
    # PROVENANCE.md of imf_dots: China first 2009-2020 by Russia's declarations, Germany led 2006-2008,
    # 2009 China 39.0 vs the Netherlands 38.7 and 2010 58.8 vs 57.7 US$ bn (leads of 0.7% and 1.9-2.0%)
    assert "largest trading partner in every year 2009–2020 (12 years)" in text
    assert "in the other years the largest was Germany 2005–2008" in text
    assert "2009 (0.7% over Netherlands" in text and "2010 (2.0% over Netherlands" in text
    assert "2021–2022 rest on cited statements only" in text


@pytest.fixture(scope="module")
def composition_report(one_of_each: Path) -> Path:
    """`bilateral report run trade_composition`, the report the session rendered (tests/shared_reports.py)."""
    html = run_reused(one_of_each, "trade_composition")
    assert html.name == "CHN-RUS_baci_china_russia_hs17_2017-2023.html"
    return html


@pytest.mark.slow
def test_trade_composition_reads_the_reconciled_extract_by_default(composition_report: Path):
    text = " ".join(composition_report.read_text().split())
    # PROVENANCE.md of baci_china_russia_hs17: 2023 China->Russia 110.01, Russia->China 129.00 US$ bn
    assert "China → Russia trade came to US$110.0 bn and Russia → China trade came to US$129.0 bn" in text
    assert "Top 20 products of each direction, 2023" in text and "270900" in text
    assert "Complexity of Russia's exports to China (OEC PCI, HS4)" in text


@pytest.mark.browser
@pytest.mark.slow
def test_trade_composition_direction_control_redraws_the_mix_offline(composition_report: Path, offline_page):
    page = offline_page.page
    offline_page.open(composition_report)
    page.wait_for_selector(".vega-embed svg, .vega-embed canvas", timeout=20_000)
    assert page.locator(".vega-embed").count() == 3
    mix = page.locator(".vega-embed").nth(1)
    select = mix.locator("select").first
    assert select.locator("option").all_inner_texts() == ["China → Russia", "Russia → China"]
    shapes = "Array.from(document.querySelectorAll('.vega-embed')[1].querySelectorAll('.mark-rect path')).map(p => p.getAttribute('d')).join('|')"
    page.wait_for_function(f"{shapes}.length > 0")
    before = page.evaluate(shapes)
    select.select_option("Russia → China")
    page.wait_for_function(f"{shapes} !== {before!r}", timeout=10_000)
    offline_page.assert_clean()
