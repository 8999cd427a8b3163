"""page_view.show_charts: each chart shown as altair shows it, its spec made once for the page, its CSV and its card."""

from __future__ import annotations

import urllib.parse
from typing import Any

import altair as alt
import polars as pl
import pytest

from bilateral.reports import page_view, summary
from bilateral.reports.pages import Page
from bilateral.reports.params import validate_parameters

PARAMS = validate_parameters("trade_overview", {"reporter": "CHN", "partner": "RUS"})


def chart() -> alt.Chart:
    frame = pl.DataFrame({"year": [2021, 2022, 2023], "value": [1.5, 2.0, 2.5]})
    return alt.Chart(frame).mark_line().encode(x=alt.X("year:O", title="Year"), y=alt.Y("value:Q", title="US$ bn"))


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    displayed: list[Any] = []
    monkeypatch.setattr(page_view, "display", lambda *objects: displayed.extend(objects))
    return displayed


def bundle(item: Any) -> Any:
    return item._repr_mimebundle_(include=None, exclude=None)


def test_a_chart_is_shown_as_altair_shows_it_and_its_spec_serves_the_csv_and_the_card(shown: list[Any]):
    page = Page(title="Trade", answer="", has_data=True, charts={"Trade, US$ bn": chart()}, sources=["A source."])
    page_view.show_charts(page, PARAMS)
    _heading, figure, link = shown
    with alt.renderers.enable("json"):  # a bundle without the html renderer's random element id, to compare
        assert bundle(figure) == chart()._repr_mimebundle_()  # the same output altair's own display gives
    assert page.shown_specs["Trade, US$ bn"] == chart().to_dict()
    csv = urllib.parse.unquote(link.data)
    assert "Year,US$ bn" in csv and "2023,2.5" in csv  # the chart's rows under its axis titles

    def no_second_serialisation(*args: object, **kwargs: object) -> dict[str, Any]:
        raise AssertionError("the card serialised the chart again")

    object.__setattr__(page.charts["Trade, US$ bn"], "to_dict", no_second_serialisation)
    card = summary.page_summary(page, None)
    assert card["data_years"] == [2021, 2023]
    assert card["chart"]["heading"] == "Trade, US$ bn"


def test_a_chart_altair_cannot_serialise_is_left_to_altair_and_has_no_csv(shown: list[Any]):
    with alt.utils.schemapi.debug_mode(False):  # built without checks; validation fails when it is displayed
        broken = chart().encode(y=alt.Y("value:Q", scale=alt.Scale(type="no-such-scale")))
    page = Page(title="Trade", answer="", has_data=True, charts={"Broken": broken})
    page_view.show_charts(page, PARAMS)
    assert len(shown) == 2 and shown[1] is broken  # heading and the chart itself: altair shows its traceback
    assert page.shown_specs == {}
