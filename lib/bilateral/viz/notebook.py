"""Charts in a live JupyterLab session with no request leaving the machine.

JupyterLab's built-in Vega renderer reads Vega-Lite 5, altair 6 writes Vega-Lite 6, so altair's default
output falls back to HTML that loads vega from a CDN: offline every chart said "Error loading script".
In a live session charts are therefore drawn by altair's own `JupyterChart` widget (anywidget), whose
front-end module is rebuilt here around the vendored, checksum-verified vega, vega-lite and vega-embed
that the HTML reports inline (bilateral/reports/vendor): one set of JavaScript, one pin
(`altair.VEGALITE_VERSION`), no CDN, and Vega-Lite bound controls and tooltips as in the reports.

Only kernels that a Jupyter server started for a notebook switch over (the server gives them
`JPY_SESSION_NAME`). Kernels of papermill, nbclient and nbval keep altair's default renderer, whose
output the offline report template knows how to draw; a widget in a report would need anywidget's
module, which the static report does not carry. Why, and what was tried: docs/decisions/0005.

A user's own notebook gets this by importing `bilateral` (anything under it) in JupyterLab, or with
`bilateral.viz.notebook.enable()`; `BILATERAL_CHART_RENDERER=default` keeps altair's renderer.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bilateral.errors import BilateralError

RENDERER_NAME = "bilateral_lab"
# "lab" forces the widget renderer, "default" keeps altair's; unset: decide from the kernel.
RENDERER_ENV = "BILATERAL_CHART_RENDERER"
# Set by the kernel that enabled the widget renderer. Processes it starts (a papermill run from the
# explorer's report button) inherit JPY_SESSION_NAME too; this tells them they are not that kernel.
LAB_KERNEL_PID_ENV = "BILATERAL_LAB_KERNEL_PID"
# The editor action would post the chart to a public website: not offered in a tool that stays offline.
DEFAULT_EMBED_OPTIONS: dict[str, Any] = {
    "renderer": "svg",
    "actions": {"export": True, "source": True, "compiled": True, "editor": False},
}
_ALTAIR_IMPORTS = {"vegaEmbed", "lodashDebounce"}
_IMPORT_LINE = re.compile(r"^import\s+(\w+)\s+from\s+\"[^\"]+\";\s*$")
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)

# A UMD build evaluated as CommonJS inside a function: it sees no AMD loader and touches no global.
_UMD_AS_COMMONJS = """const {name} = (() => {{
  const module = {{ exports: {{}} }};
  const exports = module.exports;
  const define = undefined;
  const require = (dependency) => ({dependencies})[dependency];
{source}
  return module.exports;
}})();
"""
# A chart as wide as its container reads the container's width when it is embedded, and again on the window's
# resize event. JupyterLab can render an output before the output is in the page, and a closed tab or a notebook
# in the background has no width: a chart embedded then, or left behind by a window resize, was drawn 0 px wide,
# collapsed onto its y axis. So a chart is embedded once its element has a width, and when a chart's element
# gets a new width (a tab opened, a side panel closed) vega gets one resize event per frame for all charts
# (shared through globalThis: each widget loads its own copy of this module).
_EMBED_WHEN_SIZED = """function whenSized(el) {
  if (el.isConnected && el.clientWidth > 0) return Promise.resolve();
  return new Promise((resolve) => {
    const observer = new ResizeObserver(() => {
      if (el.isConnected && el.clientWidth > 0) { observer.disconnect(); resolve(); }
    });
    observer.observe(el);
  });
}
function chartWidths() {
  if (!globalThis.__bilateralChartWidths) {
    const widths = new WeakMap();
    let scheduled = false;
    const observer = new ResizeObserver((entries) => {
      let changed = false;
      for (const { target } of entries) {
        if (!target.isConnected) { observer.unobserve(target); continue; }  // its output was cleared
        const width = target.clientWidth;
        if (width > 0 && width !== widths.get(target)) changed = true;
        widths.set(target, width);
      }
      if (changed && !scheduled) {
        scheduled = true;
        requestAnimationFrame(() => { scheduled = false; window.dispatchEvent(new Event("resize")); });
      }
    });
    globalThis.__bilateralChartWidths = { widths, observer };
  }
  return globalThis.__bilateralChartWidths;
}
async function vegaEmbed(el, spec, options) {
  await whenSized(el);
  const result = await vegaEmbedNow(el, spec, options);
  const { widths, observer } = chartWidths();
  widths.set(el, el.clientWidth);
  observer.observe(el);
  const finalize = result.finalize;
  result.finalize = () => { observer.unobserve(el); finalize(); };
  return result;
}
"""
# lodash's debounce(fn, wait, {leading: false, trailing: true, maxWait}) as altair calls it.
_DEBOUNCE = """function lodashDebounce(fn, wait, options = {}) {
  let timer = null, first = null, lastArgs = null;
  const flush = () => { timer = null; first = null; const args = lastArgs; lastArgs = null; fn(...args); };
  return (...args) => {
    const now = Date.now();
    lastArgs = args;
    if (first === null) first = now;
    clearTimeout(timer);
    const due = options.maxWait === undefined ? wait : Math.max(0, Math.min(wait, first + options.maxWait - now));
    timer = setTimeout(flush, due);
  };
}
"""


def in_lab_kernel(environ: Mapping[str, str], pid: int) -> bool:
    """True for a kernel a Jupyter server started for a notebook, and not for processes it starts.

    `BILATERAL_CHART_RENDERER` ("lab" or "default") overrides the guess either way.
    """
    choice = environ.get(RENDERER_ENV, "").strip().lower()
    if choice in {"lab", "default"}:
        return choice == "lab"
    if not environ.get("JPY_SESSION_NAME"):
        return False
    enabled_by = environ.get(LAB_KERNEL_PID_ENV)
    return enabled_by is None or enabled_by == str(pid)


# Every chart widget carries its front-end module and anywidget imports each one afresh: with vega, vega-lite and
# vega-embed as code in it, every chart parsed and ran 0.8 MB of JavaScript again (70-130 ms each on an idle
# machine, several times that under load; a nine-chart notebook then overran anywidget's 2 s limit to set a model
# up, "[anywidget] Failed to initialize model"). The libraries therefore travel as one string literal, which the
# parser skips over, and are imported from it once per page, under a key naming their exact text: every later chart
# takes the loaded modules (about 20 ms), and two kernels with different builds never share. They are imported from a
# blob: URL, as anywidget imports the module itself (so wherever a widget loads, they do); a data: URL is the
# fallback for hosts without blob: imports (node).
_SHARED_LIBRARIES = """async function importText(text) {{
  const url = URL.createObjectURL(new Blob([text], {{ type: "text/javascript" }}));
  try {{
    return await import(url);
  }} catch {{
    return await import("data:text/javascript;charset=utf-8," + encodeURIComponent(text));
  }} finally {{
    URL.revokeObjectURL(url);
  }}
}}
const {{ vega, vegaLite, vegaEmbedNow }} = await ((globalThis.__bilateralVega ??= {{}})["{key}"] ??=
  importText(BILATERAL_VEGA_LIBRARIES));
"""


@functools.cache
def vega_libraries_module() -> str:
    """vega, vega-lite and vega-embed as one ES module exporting `vega`, `vegaLite` and `vegaEmbedNow`.

    The libraries are the files the HTML reports inline, verified against vendor.yml and the installed
    altair (raises bilateral.errors.ReportError with re-vendoring instructions when they disagree).
    """
    from bilateral.reports.assets import load_vendor_scripts  # the one vendored set, shared with reports

    scripts = load_vendor_scripts()
    libraries = (
        ("vega", scripts.vega, "{}"),
        ("vegaLite", scripts.vega_lite, "{ vega }"),
        ("vegaEmbedNow", scripts.vega_embed, '{ vega, "vega-lite": vegaLite }'),
    )
    parts = [
        _UMD_AS_COMMONJS.format(name=name, dependencies=dependencies, source=_SOURCE_MAP.sub("", source))
        for name, source, dependencies in libraries
    ]
    return "".join(parts) + "export { vega, vegaLite, vegaEmbedNow };\n"


@functools.cache
def offline_esm() -> str:
    """altair's JupyterChart front end as one ES module, carrying the vendored vega builds (vega_libraries_module)
    and loading them once per page however many charts it draws."""
    libraries = vega_libraries_module()
    key = hashlib.sha256(libraries.encode("utf-8")).hexdigest()[:16]
    return "\n".join(
        [
            "// bilateral: altair's JupyterChart front end on the vendored vega builds (docs/decisions/0005).",
            f"const BILATERAL_VEGA_LIBRARIES = {json.dumps(libraries)};",
            _SHARED_LIBRARIES.format(key=key),
            _EMBED_WHEN_SIZED,
            _DEBOUNCE,
            _altair_widget_source(),
        ]
    )


def _altair_widget_source() -> str:
    """altair's jupyter/js/index.js without its CDN imports (the names they bound are defined above)."""
    import altair

    path = Path(altair.__file__).parent / "jupyter" / "js" / "index.js"
    lines = path.read_text(encoding="utf-8").splitlines()
    imported = {match.group(1) for line in lines if (match := _IMPORT_LINE.match(line))}
    if imported != _ALTAIR_IMPORTS:
        from bilateral.errors import ReportError

        raise ReportError(
            f"altair {altair.__version__}'s {path} imports {sorted(imported)}, but bilateral.viz.notebook provides "
            f"{sorted(_ALTAIR_IMPORTS)}. Update offline_esm() for this altair before using it in JupyterLab."
        )
    return "\n".join(line for line in lines if not _IMPORT_LINE.match(line))


@functools.cache
def chart_widget_class() -> type:
    """A JupyterChart subclass whose front-end module is `offline_esm()` (built once per kernel)."""
    from altair import JupyterChart

    return type("OfflineJupyterChart", (JupyterChart,), {"_esm": offline_esm(), "__module__": __name__})


def chart_widget(chart: Any, embed_options: Mapping[str, Any] | None = None) -> Any:
    """The offline JupyterChart widget for an altair chart (a widget can be closed when replaced)."""
    options = {**DEFAULT_EMBED_OPTIONS, **(embed_options or {})}
    return chart_widget_class()(chart=chart, embed_options=options)


def _render(spec: dict, **metadata: Any) -> dict:
    """altair renderer: the chart as an offline JupyterChart widget (mimebundle of a widget view).

    The widget gets altair's spec as it is. altair's own widget renderer turns the spec back into a chart
    object first (`Chart.from_dict`, which validates every part of it again: 0.2-0.6 s per chart, most of
    a nine-chart notebook's drawing time) only to learn the chart's parameters, which the widget would then
    report back to Python; a widget made by a renderer is never handed to anyone who could read them. Bound
    controls and tooltips work in the page either way. For a widget whose parameters Python reads, use
    `chart_widget(chart)`.
    """
    options = {**DEFAULT_EMBED_OPTIONS, **(metadata.get("embed_options") or {})}
    return spec_widget_class()(chart=None, spec=spec, embed_options=options)._repr_mimebundle_()


@functools.cache
def spec_widget_class() -> type:
    """The offline widget for a finished spec: it has no chart object, so a chart never replaces its spec.

    (JupyterChart's constructor resets the spec for `chart=None`; setting it afterwards would send the widget
    to the front end twice, first without its spec.)
    """
    import traitlets

    def ignore_chart(self: Any, change: Any) -> None:
        pass

    return type(
        "OfflineSpecChart",
        (chart_widget_class(),),
        {"_on_change_chart": traitlets.observe("chart")(ignore_chart), "__module__": __name__},
    )


def enable() -> None:
    """Draw altair charts in this kernel with the offline widget: the one line for your own notebook.

    Raises bilateral.errors.ReportError when the vendored vega builds fail their checks.
    """
    import altair as alt

    offline_esm()  # fail here, with the re-vendoring message, rather than in every chart
    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, _render)
    alt.renderers.enable(RENDERER_NAME)
    os.environ[LAB_KERNEL_PID_ENV] = str(os.getpid())


def disable() -> None:
    """Back to altair's default renderer (what reports use)."""
    import altair as alt

    alt.renderers.enable("default")
    os.environ.pop(LAB_KERNEL_PID_ENV, None)


def is_enabled() -> bool:
    import altair as alt

    return alt.renderers.active == RENDERER_NAME


def auto_enable() -> bool:
    """Enable the widget renderer when running in a JupyterLab notebook kernel; return whether it is on.

    Called on `import bilateral`: cheap (no altair import) everywhere else.
    """
    if "ipykernel" not in sys.modules or not in_lab_kernel(os.environ, os.getpid()):
        if os.environ.get("JPY_SESSION_NAME"):
            # e.g. `!bilateral report run ...` from a notebook: the kernels it starts inherit
            # JPY_SESSION_NAME; the marker tells them they are not the notebook's kernel.
            os.environ.setdefault(LAB_KERNEL_PID_ENV, "0")
        return False
    try:
        enable()
    except BilateralError as exc:  # a broken vendored file must not break `import bilateral`
        warnings.warn(f"Charts keep altair's default renderer (needs network in JupyterLab): {exc}", stacklevel=2)
        return False
    return True
