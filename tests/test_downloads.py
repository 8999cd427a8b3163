"""Tables and charts as CSV: the columns a reader sees, unrounded values, comment lines with the sources."""

from __future__ import annotations

import csv
import io
import urllib.parse

import altair as alt
import polars as pl
import pytest

from bilateral.reports import downloads
from bilateral.reports.pages import KeyNumber, Page
from bilateral.viz import tables
from bilateral.viz.statement_tables import page_link

FRAME = pl.DataFrame(
    {
        "year": [2019, 2020],
        "turnover_usd": [110_757_000_000.0, None],
        "share_pct": [15.678, 18.4],
        "source_url": ["https://www.tass.com/economy/1", "https://example.org/a-very-long-page-name"],
        "hidden": ["x", "y"],
    }
)
HEADERS = {"year": "Year", "turnover_usd": "Turnover, US$ bn", "share_pct": "Share %", "source_url": "Page"}
FORMATS = {"turnover_usd": tables.usd_bn, "share_pct": tables.pct_plain, "source_url": page_link}


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(line for line in text.splitlines(True) if not line.startswith("# ")))))


def test_markdown_is_the_intro_then_the_table_as_before() -> None:
    table = tables.Table(FRAME, HEADERS, FORMATS, intro="US$ billion.")
    assert table.markdown() == "US$ billion.\n\n" + tables.markdown_table(FRAME, HEADERS, FORMATS)
    assert "| 2019 | 110.76 | 15.68 | [tass.com](https://www.tass.com/economy/1) |" in table.markdown()


def test_an_empty_table_shows_its_sentence_instead() -> None:
    table = tables.Table(FRAME.clear(), HEADERS, FORMATS, intro="Lead.", empty="No row in the selection.")
    assert table.markdown() == "Lead.\n\nNo row in the selection." and not table.has_rows


def test_csv_has_the_shown_columns_under_their_headers_with_unrounded_values() -> None:
    text = tables.Table(FRAME, HEADERS, FORMATS).csv(["Title: Key figures", "Source: IMF DOTS"])
    assert text.startswith("# Title: Key figures\n# Source: IMF DOTS\nYear,")
    assert rows_of(text) == [
        ["Year", "Turnover, US$ bn", "Share %", "Page"],
        ["2019", "110.757", "15.678", "https://www.tass.com/economy/1"],  # 110,757,000,000 / 1e9; the link as its URL
        ["2020", "", "18.4", "https://example.org/a-very-long-page-name"],  # missing is empty, never 0 or "–"
    ]


def test_a_shortened_text_is_whole_in_the_csv() -> None:
    frame = pl.DataFrame({"what": ["a rather long description of a project"]})
    table = tables.Table(frame, {"what": "What"}, {"what": lambda v: tables.shorten(v, 10)})
    assert "a rather …" in table.markdown()
    assert rows_of(table.csv())[1] == ["a rather long description of a project"]


def test_csv_comment_lines_are_one_line_each_and_the_uri_round_trips() -> None:
    comments = downloads.comments(
        "Key figures", "Trade overview", ["**IMF DOTS.** Origin: [imf.org](https://imf.org)\nx"]
    )
    assert comments == [
        "Title: Key figures",
        "Report: Trade overview",
        "Source: IMF DOTS. Origin: imf.org <https://imf.org> x",
    ]
    text = tables.Table(FRAME, HEADERS, FORMATS).csv(comments)
    uri = downloads.data_uri(text)
    assert uri.startswith("data:text/csv;charset=utf-8,") and " " not in uri and "\n" not in uri
    assert urllib.parse.unquote(uri.split(",", 1)[1]) == text


def test_chart_csv_reads_the_specs_datasets_with_field_titles() -> None:
    data = pl.DataFrame({"year": [2019, 2020], "value_bn": [110.8, 107.7]})
    line = alt.Chart(data).mark_line().encode(x=alt.X("year:O", title="Year"), y=alt.Y("value_bn:Q", title="US$ bn"))
    text = downloads.chart_csv(line, heading="Trade", report="Overview", sources=["**DOTS.**"])
    assert text.splitlines()[:2] == ["# Title: Trade", "# Report: Overview"]
    assert rows_of(text) == [["Year", "US$ bn"], ["2019", "110.8"], ["2020", "107.7"]]


def test_a_chart_csv_leaves_out_fields_no_reader_sees() -> None:
    data = pl.DataFrame({"year": [2019, 2020], "value_bn": [110.8, 107.7], "segment": [0, 0], "label_dy": [5, 5]})
    line = (
        alt.Chart(data)
        .mark_line()
        .encode(x=alt.X("year:O", title="Year"), y=alt.Y("value_bn:Q", title="US$ bn"), detail="segment:N")
    )
    text = downloads.chart_csv(line, heading="Trade", report="Overview", sources=[])
    assert rows_of(text)[0] == ["Year", "US$ bn"]  # the segment id draws the line; the label offset is not data


def test_a_header_shown_twice_is_named_by_the_header_before_it_in_the_csv() -> None:
    frame = pl.DataFrame({"leader": ["DEU"], "leader_bn": [42.92], "runner": ["CHN"], "runner_bn": [28.62]})
    headers = {"leader": "Leader", "leader_bn": "US$ bn", "runner": "Runner-up", "runner_bn": "US$ bn"}
    rows = rows_of(tables.Table(frame, headers, {}).csv([]))
    assert rows[0] == ["Leader", "Leader, US$ bn", "Runner-up", "Runner-up, US$ bn"]


def test_a_header_starting_with_a_hash_is_refused_because_readers_would_skip_it() -> None:
    frame = pl.DataFrame({"number": [1]})
    with pytest.raises(ValueError, match="may not start with '#'"):
        tables.Table(frame, {"number": "#"}, {}).csv([])


def test_a_layered_chart_names_the_marks_each_row_is_drawn_with() -> None:
    a = pl.DataFrame({"year": [2020], "value": [1.0]})
    b = pl.DataFrame({"year": [2024], "stated": [2.5]})
    chart = alt.layer(
        alt.Chart(a).mark_line().encode(x="year:O", y="value:Q"),
        alt.Chart(b).mark_point().encode(x="year:O", y="stated:Q"),
    )
    rows = rows_of(downloads.chart_csv(chart, heading="h", report="r", sources=[]))
    assert rows == [["Layer", "year", "value", "stated"], ["line", "2020", "1.0", ""], ["point", "2024", "", "2.5"]]


def test_a_chart_without_inline_rows_has_no_csv() -> None:
    chart = alt.Chart(alt.Data(url="data.csv")).mark_point().encode(x="a:Q")
    assert downloads.chart_csv(chart, heading="h", report="r", sources=[]) == ""


def test_file_names_are_the_report_and_the_heading() -> None:
    name = downloads.file_name("trade_overview/CHN-RUS_imf_dots_2005-2024.html", "Cited headline figures (statements)")
    assert name == "trade_overview_CHN-RUS_imf_dots_2005-2024_cited-headline-figures-statements.csv"


def test_short_checksum_is_over_sorted_paths_and_their_sha256() -> None:
    # sha256 of "a.csv 11\nb.csv 22\n", computed with `printf 'a.csv 11\nb.csv 22\n' | sha256sum`
    assert downloads.short_checksum([("b.csv", "22"), ("a.csv", "11")]) == "78c9004bcc9b"


def test_data_versions_find_the_folders_behind_a_pages_citations() -> None:
    from bilateral.data import catalog

    (version,) = downloads.data_versions([catalog.citation("imf_dots")])
    assert version.folder == "imf_dots" and version.retrieved == "2026-12" and len(version.checksum) == 12


def test_a_key_number_names_its_basis_and_keeps_its_qualifier() -> None:
    number = KeyNumber("Share of settlements", 80.0, "%", "2023", "statement", qualifier="more than")
    assert number.markdown() == "- **Share of settlements, 2023:** more than 80.0 % (statement)"
    with pytest.raises(ValueError, match="basis must be one of statement, declared, reconciled"):
        KeyNumber("Turnover", 1.0, "US$ bn", "2020", "official")


def test_a_page_shows_text_under_a_table_heading_as_it_is() -> None:
    page = Page(
        title="t",
        answer="a",
        has_data=True,
        tables={"Missing": "- one\n- two", "T": tables.Table(FRAME, {"year": "Year"})},
    )
    assert page.tables_markdown() == "### Missing\n\n- one\n- two\n\n### T\n\n| Year |\n|---|\n| 2019 |\n| 2020 |"
