"""The gallery's chart previews: a report's first chart as a static SVG, rendered offline when the report runs.

vl-convert (the Vega-Lite compiler and Vega renderer in one native wheel, no browser, no network) turns the
reduced spec that `summary.page_summary` took from the page into SVG text. This runs in the runner's worker
thread or on the Dask worker, never in the report's kernel (so the kernel does not load the renderer, and the
renderer's one-second start is paid once per process, not per kernel). The SVG is stored with the summary;
the gallery shows it as an <img> data URI, so ids inside one SVG cannot clash with another's.

A preview is a convenience: when the renderer is missing or a spec does not render, the card says "no
preview" and the report is unaffected.
"""

from __future__ import annotations

import threading
from typing import Any

MAX_SVG_BYTES = 400_000  # larger previews (thousands of marks) are left out: the gallery must stay light
_lock = threading.Lock()  # one conversion at a time: the converter is a single engine shared by the process


def vegalite_version() -> str:
    """'6.4' for altair's Vega-Lite 6.4.1: vl-convert is asked for the same major.minor the reports inline."""
    import altair

    major, minor, *_ = altair.SCHEMA_VERSION.lstrip("v").split(".")
    return f"{major}.{minor}"


def render_svg(spec: dict[str, Any]) -> str:
    """SVG text for a Vega-Lite spec; raises RuntimeError (with the reason) when it cannot be rendered."""
    try:
        import vl_convert
    except ImportError as exc:
        raise RuntimeError("vl-convert-python is not installed (pip install vl-convert-python)") from exc
    with _lock:
        try:
            return vl_convert.vegalite_to_svg(spec, vl_version=vegalite_version())
        except Exception as exc:  # the converter raises ValueError for bad specs, others for engine errors
            first_line = (str(exc).strip().splitlines() or [""])[0][:200]
            raise RuntimeError(f"{type(exc).__name__}: {first_line}".rstrip(": ")) from exc


def finish(summary: dict[str, Any]) -> dict[str, Any]:
    """Replace the summary's chart spec by `preview_svg` (or `preview_problem`); returns a new dict."""
    done = {key: value for key, value in summary.items() if key != "chart"}
    chart = summary.get("chart")
    if not isinstance(chart, dict) or not isinstance(chart.get("spec"), dict):
        return done
    done["preview_heading"] = str(chart.get("heading", ""))
    try:
        svg = render_svg(chart["spec"])
    except Exception as exc:  # noqa: BLE001 - a preview never decides a report's fate: any failure is only noted
        done["preview_problem"] = str(exc) or type(exc).__name__
        return done
    if len(svg.encode("utf-8")) > MAX_SVG_BYTES:
        done["preview_problem"] = f"the preview would be {len(svg) // 1000} kB; left out to keep the gallery light"
    else:
        done["preview_svg"] = svg
    return done
