"""Plans: grids expand, every report is checked before anything runs, and small files cannot cause huge work."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilateral.cli import app
from bilateral.errors import ParameterError
from bilateral.reports.plan import MAX_YAML_NODES, read_plan

RUNNER = CliRunner()


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "plan.yml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def slugs(tmp_path: Path, text: str) -> list[str]:
    _, planned = read_plan(write(tmp_path, text))
    return [f"{report.notebook}/{report.params.slug()}" for report in planned]


def test_a_grid_expands_to_one_report_per_value_and_notebook(tmp_path: Path):
    text = """reports:
  - notebooks: [trade_overview, partner_ranking]
    parameters: {start_year: 2015}
    grid: {reporter: [RUS, KAZ], partner: [CHN]}
  - notebook: energy_flows
"""
    assert slugs(tmp_path, text) == [
        "trade_overview/RUS-CHN_imf_dots_2015-2024",
        "partner_ranking/CHN-in-RUS_imf_dots_2015-2024",
        "trade_overview/KAZ-CHN_imf_dots_2015-2024",
        "partner_ranking/CHN-in-KAZ_imf_dots_2015-2024",
        "energy_flows/RUS-CHN_2010-2024",
    ]


def test_every_bad_report_of_a_grid_is_listed_before_anything_runs(tmp_path: Path):
    text = "reports:\n  - notebook: trade_overview\n    grid: {partner: [RUS, XX, KAZ, YY]}\n  - notebook: nosuch\n"
    with pytest.raises(ParameterError) as caught:
        read_plan(write(tmp_path, text))
    message = str(caught.value)
    assert "nothing was run" in message
    assert "report 2 (trade_overview: partner=XX): " in message and "Unknown partner 'XX'" in message
    assert "report 4 (trade_overview: partner=YY)" in message
    assert "report 5 (nosuch): No notebook 'nosuch'" in message


def test_two_reports_writing_the_same_file_are_refused(tmp_path: Path):
    text = "reports:\n  - notebook: trade_overview\n  - notebook: trade_overview\n    parameters: {reporter: CHN}\n"
    with pytest.raises(ParameterError, match=r"report 2 \(trade_overview\): writes the same report as report 1"):
        read_plan(write(tmp_path, text))


def test_the_number_of_reports_is_bounded(tmp_path: Path):
    years = ", ".join(str(year) for year in range(1990, 2025))
    text = f"reports:\n  - notebook: trade_overview\n    grid: {{start_year: [{years}], partner: [RUS, KAZ, BLR, ARM, KGZ]}}\n"
    with pytest.raises(ParameterError, match=r"expands to 175 reports; the limit is 100\. .*--max-reports"):
        read_plan(write(tmp_path, text), max_reports=100)


def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path: Path):
    levels = ["  a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]  # 10**9 values once expanded
    text = (
        "anchors:\n" + "\n".join(levels) + "\nreports:\n  - notebook: trade_overview\n    parameters: {partner: *a8}\n"
    )
    with pytest.raises(ParameterError, match=f"expands to more than {MAX_YAML_NODES:,} YAML values"):
        read_plan(write(tmp_path, text))


def test_aliases_within_the_limit_are_fine(tmp_path: Path):
    text = "anchors:\n  common: &common {start_year: 2015}\nreports:\n  - notebook: trade_overview\n    parameters: *common\n"
    assert slugs(tmp_path, text) == ["trade_overview/CHN-RUS_imf_dots_2015-2024"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"reports:\n  - notebook: trade_overview \xff\n", "is not UTF-8 text"),
        ("reports: []\n", "lists no reports"),
        ("- just a list\n", "expected a mapping with `reports:`"),
        ("reports:\n  - notebook: trade_overview\n    grid: {partner: []}\n", "grid `partner` has no values"),
        ("reports:\n  - notebook: trade_overview\n    notebooks: [energy_flows]\n", "either `notebook: NAME` or"),
        ("reports: [\n", "is not valid YAML"),
        (
            "reports:\n  - notebook: trade_overview\n    parameters: {partner: RUS}\n    grid: {partner: [KAZ]}\n",
            "`partner` is both a parameter and a grid axis",
        ),
    ],
)
def test_bad_plans_exit_2_with_a_message_and_no_traceback(tmp_path: Path, content: str | bytes, message: str):
    result = RUNNER.invoke(app, ["report", "plan", str(write(tmp_path, content))])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_an_oversized_plan_is_refused_before_parsing(tmp_path: Path):
    path = write(tmp_path, "# " + "x" * 1_100_000 + "\nreports: []\n")
    with pytest.raises(ParameterError, match=r"plans are limited to 1,000,000"):
        read_plan(path)


def test_a_notebook_that_is_not_json_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "trade_overview.ipynb").write_text("{not json")
    monkeypatch.setenv("BILATERAL_NOTEBOOKS_DIR", str(tmp_path / "notebooks"))
    result = RUNNER.invoke(app, ["report", "run", "trade_overview"])
    assert result.exit_code == 2 and "is not a valid notebook (JSON)" in " ".join(result.output.split())
