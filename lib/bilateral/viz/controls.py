"""Building blocks of the live explorer: readable controls, a chart slot, and the report button.

Controls wrap on narrow screens and never cut their labels (ipywidgets' fixed description width and
slider readout cut "2004 – 2024" to "2004 – 202"). Text goes into HTML widgets, which JupyterLab does
not typeset as math. The report button renders the current selection through the same path as
`bilateral report run` (bilateral.reports.runner.run_report) and links the file.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from bilateral.errors import BilateralError
from bilateral.viz import notebook
from bilateral.viz.text import html_text

LABEL_STYLE = {"description_width": "initial"}
# Set by tools/lab.py so a kernel can link a file the server serves (/files/<path under the root>).
ROOT_DIR_ENV = "BILATERAL_LAB_ROOT_DIR"
BASE_URL_ENV = "BILATERAL_LAB_BASE_URL"


def dropdown(label: str, options: list[Any], value: Any = None) -> widgets.Dropdown:
    """A dropdown whose label is shown in full and whose width follows its content."""
    options = list(options)
    values = [option[1] if isinstance(option, tuple) else option for option in options]
    chosen = value if value in values else (values[0] if values else None)
    return widgets.Dropdown(
        options=options,
        value=chosen,
        description=label,
        style=LABEL_STYLE,
        layout=widgets.Layout(width="auto", max_width="100%"),
    )


def row(*children: widgets.Widget) -> widgets.Box:
    """The children side by side, wrapping on a narrow screen.

    Each row gets its own Layout: a Layout is a live widget, so one made at import and shared would be closed with
    every other widget when a warm kernel is reset between reports (kernel_state), breaking every later row.
    """
    layout = widgets.Layout(display="flex", flex_flow="row wrap", align_items="center", width="100%")
    return widgets.Box(list(children), layout=layout)


class YearRange:
    """A year-range slider with its own full-width label (the built-in readout cuts four-digit ranges)."""

    def __init__(self, first: int, last: int, value: tuple[int, int] | None = None) -> None:
        self.slider = widgets.IntRangeSlider(
            min=first,
            max=last,
            value=value or (first, last),
            step=1,
            readout=False,
            description="Years",
            style=LABEL_STYLE,
            layout=widgets.Layout(width="320px", max_width="100%"),
        )
        self.label = widgets.HTML()
        self.slider.observe(self._show, names="value")
        self._show()
        self.view = widgets.Box(
            [self.slider, self.label], layout=widgets.Layout(display="flex", flex_flow="row wrap", align_items="center")
        )

    @property
    def value(self) -> tuple[int, int]:
        return self.slider.value

    def reset(self, first: int, last: int) -> None:
        """New bounds, keeping the selection inside them (ipywidgets raises when min passes max)."""
        with self.slider.hold_trait_notifications():
            self.slider.max = max(last, self.slider.min)
            self.slider.min = first
            self.slider.max = last
            self.slider.value = (first, last)
        self._show()

    def _show(self, _change: object = None) -> None:
        start, end = self.slider.value
        self.label.value = f"<b>{start}–{end}</b>"


class ChartSlot:
    """An Output that shows a finding, a chart and a table, and closes the chart widget it replaces."""

    def __init__(self) -> None:
        self.output = widgets.Output(layout=widgets.Layout(width="100%", overflow="auto"))
        self._chart_widget: Any = None

    def show(self, *items: Any) -> None:
        if self._chart_widget is not None:
            self._chart_widget.close()  # its front-end module and spec would otherwise stay in the page
            self._chart_widget = None
        with self.output:
            self.output.clear_output(wait=True)
            for item in items:
                if item is None:
                    continue
                if hasattr(item, "to_dict"):  # an altair chart: legend below, so it fits beside the tab's padding
                    item = item.configure_legend(orient="bottom", direction="horizontal", columns=3, labelLimit=0)
                    if notebook.is_enabled():  # in JupyterLab: our widget, so it can be closed when replaced
                        item = self._chart_widget = notebook.chart_widget(item)
                display(item)


def report_link(path: Path, environ: dict[str, str] | None = None) -> str:
    """HTML naming the report file, with a link the running JupyterLab serves when the file is under its root."""
    environ = dict(os.environ) if environ is None else environ
    text = f"Report written: <code>{html_text(str(path))}</code>"
    root = environ.get(ROOT_DIR_ENV)
    if not root:
        return text
    try:
        relative = Path(path).resolve().relative_to(Path(root).resolve())
    except ValueError:
        return text + " (outside JupyterLab's folder: open it from disk)"
    base = environ.get(BASE_URL_ENV, "/").rstrip("/") + "/"
    href = html_text(f"{base}files/{relative.as_posix()}")
    return f'{text} — <a href="{href}" target="_blank" rel="noopener">open the report</a> (works offline, shareable as one file)'


class ReportButton:
    """Renders the explorer's selection as a shareable HTML report: the `bilateral report run` path."""

    def __init__(self, notebook_name: str, parameters: Callable[[], dict[str, Any]]) -> None:
        self.notebook_name = notebook_name
        self.parameters = parameters
        self.button = widgets.Button(
            description="Render as report", icon="file", tooltip=f"Run {notebook_name} with this selection"
        )
        self.status = widgets.HTML()
        self.last_result: Any = None
        self.thread: threading.Thread | None = None
        self.button.on_click(lambda _button: self.render())
        self.view = row(self.button, self.status)

    def render(self) -> None:
        """Start the report in a background thread: the kernel stays free to answer the page's widgets meanwhile
        (a kernel blocked for the seconds a report takes left JupyterLab unable to initialise widget models)."""
        params = self.parameters()
        self.button.disabled = True
        self.status.value = f"Running {html_text(self.notebook_name)} in a fresh kernel…"
        self.thread = threading.Thread(target=self._run, args=(params,), name="bilateral-report-button", daemon=True)
        self.thread.start()

    def _run(self, params: dict[str, Any]) -> None:
        from bilateral.reports.runner import run_report

        previous = os.environ.get(notebook.RENDERER_ENV)
        os.environ[notebook.RENDERER_ENV] = "default"  # the report kernel must keep the report renderer
        try:
            self.last_result = run_report(self.notebook_name, params)
            self.status.value = report_link(self.last_result.html_path)
        except BilateralError as exc:
            self.last_result = None
            self.status.value = f"<span style='color:#b00'>No report: {html_text(str(exc))}</span>"
        except Exception as exc:  # noqa: BLE001 - a widget callback has no caller to raise to: say it on the page
            self.last_result = None
            self.status.value = (
                f"<span style='color:#b00'>No report: {html_text(type(exc).__name__ + ': ' + str(exc))}</span>"
            )
        finally:
            if previous is None:
                os.environ.pop(notebook.RENDERER_ENV, None)
            else:
                os.environ[notebook.RENDERER_ENV] = previous
            self.button.disabled = False
