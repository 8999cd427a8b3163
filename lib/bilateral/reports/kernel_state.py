"""Runs inside a report kernel: warm it up once, remember a clean baseline, put it back after each report.

A warm kernel saves the 4-5 s of start-up and `import altair` per report, but the next report must not
see anything the last one left: variables, changed options (altair theme, polars/pandas display),
environment variables, the working directory, imported modules with side effects, widgets, threads.
`reset()` restores what can be restored exactly and returns the differences it could not undo; the
runner then replaces the kernel instead of reusing it. Modules a report imported for the first time
count as such a difference when they belong to a package the baseline had not loaded (their import
may have patched anything); new submodules of an already loaded package are that package's lazy
imports and are kept.

The runner also asks which datasets a report read: an audit hook records every `source.yml` opened
(every loader reads one before its data), so the cache can invalidate a report on data it read even
when its parameter schema did not declare that folder.
"""

from __future__ import annotations

import functools
import gc
import importlib
import json
import locale
import os
import pkgutil
import random
import sys
import threading
import warnings
from collections import Counter
from typing import Any

from IPython import get_ipython

PROVENANCE_FILE = "source.yml"
# What notebooks import from the library (the runner's own modules stay out of the kernel).
REPORT_PACKAGES = ("bilateral.data", "bilateral.analysis", "bilateral.viz")
# Loaded when a report reads that source (upstream clients pull in sdmx, comtradeapicall, lxml, requests:
# 0.2-0.6 s of a kernel start). A report that brings in a new package this way costs one kernel replacement;
# the runner then passes the bilateral modules it imported to the next warm-up (`extra_modules`), so that
# happens once per run.
LAZY_PACKAGES = ("bilateral.data.sources.",)
_reads: set[str] = set()
_baseline: dict[str, Any] | None = None
_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and args and isinstance(args[0], str | os.PathLike):
        path = os.fspath(args[0])
        if isinstance(path, str) and path.endswith(PROVENANCE_FILE):
            _reads.add(os.path.abspath(path))


def warm_up(extra_modules: tuple[str, ...] = (), packages: tuple[str, ...] = ()) -> None:
    """Import what reports use (bilateral's modules but its per-source loaders, altair, polars, widgets,
    `extra_modules`: bilateral modules earlier reports needed, and `packages`: what the notebooks run so far
    import themselves, see `preload`), exercise the lazy paths of a chart once, then record the baseline that
    `reset()` restores."""
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True
    for name in REPORT_PACKAGES:
        _import_tree(name)
    # Not pandas (0.3-0.6 s of a kernel start; no report of the project uses it): a notebook that imports it (or
    # another dependency of the library) has it preloaded before it runs (`preload`); the library's own lazy uses
    # (the Comtrade client) cost one kernel replacement, like any package first imported by a report.
    for name in (
        "bilateral.reports.params",
        "altair",
        "polars",
        "fastexcel",  # polars' Excel engine, imported on the first read_excel (the IMF DOTS workbook)
        "ipywidgets",
        "IPython.display",
        "IPython.core.ultratb",
    ):
        importlib.import_module(name)
    for name in extra_modules:
        if name.startswith("bilateral."):  # only the project's own modules are ever preloaded
            try:
                importlib.import_module(name)
            except ImportError:
                pass
    _import_new(packages)
    _exercise()
    reset(capture=True)


@functools.cache
def _dependency_packages() -> frozenset[str]:
    """Import names of the library's own runtime dependencies (pandas, requests, ...): the only packages preloaded."""
    import re
    from importlib.metadata import PackageNotFoundError, packages_distributions, requires

    def norm(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    try:
        wanted = {
            norm(m.group(0))
            for r in requires("bilateral") or []
            if "extra ==" not in r
            if (m := re.match(r"[A-Za-z0-9_.-]+", r))
        }
    except PackageNotFoundError:
        return frozenset()
    return frozenset(name for name, dists in packages_distributions().items() if any(norm(d) in wanted for d in dists))


def _import_tree(name: str) -> None:
    """Import a package and its modules, leaving out LAZY_PACKAGES entirely.

    Not `pkgutil.walk_packages`: it imports every subpackage to look inside, so it loaded the Comtrade
    connector and with it pandas and the upstream client (about 0.5 s of each kernel start) although the
    loaders were meant to be left to the reports that read them.
    """
    package = importlib.import_module(name)
    for module in pkgutil.iter_modules(package.__path__, prefix=f"{name}."):
        if module.name.startswith(LAZY_PACKAGES):
            continue
        if module.ispkg:
            _import_tree(module.name)
        else:
            importlib.import_module(module.name)


def _import_new(names: tuple[str, ...]) -> list[str]:
    """Import the packages of `names` not loaded yet that are dependencies of the library; those that imported (a
    missing or failing one is left to the report's own cell, which then says what is wrong)."""
    if not names:
        return []
    new = []
    allowed = _dependency_packages()
    for name in names:
        if name in sys.modules or name not in allowed:
            continue
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112 - the notebook's own import reports it
            continue
        new.append(name)
    return new


def preload(names: tuple[str, ...]) -> str:
    """Before a report: import the top-level packages its notebook imports that this kernel has not loaded and
    the library depends on (pandas, ...), and make them part of the baseline. Returns JSON {"new", "problems"}.

    Called between reports, when the kernel is at its baseline: the new baseline is what a fresh kernel warmed up
    with these packages would have. Without it, the report's own import would be a package the baseline had not
    loaded, and the kernel would be replaced after every such report. Other packages are never preloaded (an
    import may patch anything): a report importing one still costs a kernel replacement. If a preloaded import
    changed any watched state after all, "problems" says what, and the runner replaces the kernel first.
    """
    if _baseline is None:
        return json.dumps({"new": [], "problems": ["the kernel was not warmed up"]})
    new = _import_new(names)
    if not new:
        return json.dumps({"new": [], "problems": []})
    now = _capture()
    # What the import itself does: new modules, the warning filters it adds (numpy's, pandas'), and the options of
    # a library (pandas, matplotlib) that was not loaded before. A fresh kernel warmed up with it has the same.
    loaded = {key for key in ("pandas", "matplotlib") if not _baseline[key] and now[key]}
    expected = {f"{key} differs from the baseline" for key in (*loaded, "warnings")}
    problems = [
        problem
        for problem in _differences(_baseline, now)
        if not problem.startswith("imported new packages") and problem not in expected
    ]
    if not problems:
        reset(capture=True)
    return json.dumps({"new": new, "problems": problems})


def _exercise() -> None:
    """Touch the code paths a report takes so their lazy imports belong to the baseline."""
    import altair as alt
    import polars as pl
    from IPython.display import Markdown

    frame = pl.DataFrame({"year": [2023, 2024], "value_usd": [1.0, 2.0]})
    chart = alt.Chart(frame).mark_line().encode(x="year:O", y="value_usd:Q", tooltip=["year", "value_usd"])
    chart._repr_mimebundle_()
    Markdown("**x**")._repr_markdown_()
    repr(frame), frame._repr_html_()
    # pyzmq starts a garbage-collector thread on the first large zero-copy send (a report with a big output):
    # started now, it belongs to the baseline instead of costing a kernel replacement after that report.
    from zmq.utils.garbage import gc as zmq_garbage

    if not zmq_garbage.is_alive():
        zmq_garbage.start()
    shell = get_ipython()
    try:  # a failing cell formats its traceback with stack_data: load it now, not in the first failing report
        raise ValueError("warm-up")
    except ValueError:
        shell.InteractiveTB.structured_traceback(*sys.exc_info())


def _thread_label(thread: threading.Thread) -> str:
    """A thread's name and what it runs (names like "Thread-5" alone do not say who started it)."""
    target = getattr(thread, "_target", None)
    where = (
        f"{getattr(target, '__module__', '?')}.{getattr(target, '__qualname__', '?')}"
        if target
        else type(thread).__name__
    )
    return f"{thread.name} ({where})"


def _capture() -> dict[str, Any]:
    import altair as alt
    import polars as pl

    shell = get_ipython()
    formatters = shell.display_formatter.formatters
    state: dict[str, Any] = {
        "modules": set(sys.modules),
        "packages": {name.partition(".")[0] for name in sys.modules},
        "user_ns": set(shell.user_ns),
        "environ": dict(os.environ),
        "cwd": os.getcwd(),
        "sys_path": list(sys.path),
        "warnings": list(warnings.filters),
        "random": random.getstate(),
        "locale": locale.setlocale(locale.LC_ALL),
        "threads": sorted(_thread_label(thread) for thread in threading.enumerate()),
        "altair": (
            alt.theme.active,
            alt.renderers.active,
            alt.data_transformers.active,
            dict(alt.renderers.options),
            dict(alt.data_transformers.options),
        ),
        "polars": pl.Config.save(),
        "pandas": _pandas_options(),
        "formatters": {
            mime: (dict(f.type_printers), dict(f.deferred_printers), f.enabled) for mime, f in formatters.items()
        },
        "globals": _module_globals(),
        "matplotlib": _matplotlib_rc(),
    }
    return state


def _pandas_options() -> dict[str, Any]:
    if "pandas" not in sys.modules:
        return {}
    import pandas as pd
    from pandas._config import config  # no public "all options" accessor

    return {key: repr(pd.get_option(key)) for key in config._registered_options}


def _restore_pandas(options: dict[str, str]) -> None:
    """Set back only the options that changed (`reset_option("all")` would validate the matplotlib backend)."""
    import pandas as pd
    from pandas._config import config

    for key, text in options.items():
        if repr(pd.get_option(key)) != text:
            pd.set_option(key, config._registered_options[key].defval)


def _matplotlib_rc() -> dict[str, str] | None:
    if "matplotlib" not in sys.modules:
        return None
    import matplotlib

    return {key: repr(value) for key, value in matplotlib.rcParams.items()}


def _module_globals() -> dict[str, dict[str, int]]:
    """Identity of the globals of bilateral's modules and of altair's and polars' public modules.

    Rebinding one shows up. Private modules and names of the libraries (`polars._utils`, `_cache`) are
    their own lazy caches, not state a report sets.
    """
    watched = {}
    for name, module in list(sys.modules.items()):
        package = name.partition(".")[0]
        if module is None or name == __name__ or package not in ("bilateral", "altair", "polars"):
            continue
        own = package == "bilateral"
        if not own and any(part.startswith("_") for part in name.split(".")):
            continue
        watched[name] = {
            key: id(value)
            for key, value in list(vars(module).items())
            if not key.startswith("__") and (own or not key.startswith("_"))
        }
    return watched


def _restore(base: dict[str, Any]) -> None:
    import altair as alt
    import polars as pl

    shell = get_ipython()
    os.environ.clear()
    os.environ.update(base["environ"])
    os.chdir(base["cwd"])
    sys.path[:] = base["sys_path"]
    warnings.filters[:] = base["warnings"]
    warnings._filters_mutated()  # type: ignore[attr-defined]  # invalidate the per-module warning caches
    random.setstate(base["random"])
    locale.setlocale(locale.LC_ALL, base["locale"])
    theme, renderer, transformer, renderer_options, transformer_options = base["altair"]
    alt.theme.enable(theme)
    alt.renderers.enable(renderer, **renderer_options)
    alt.data_transformers.enable(transformer, **transformer_options)
    pl.Config.restore_defaults()
    pl.Config.load(base["polars"])
    if base["pandas"]:
        _restore_pandas(base["pandas"])
    for mime, (types, deferred, enabled) in base["formatters"].items():
        formatter = shell.display_formatter.formatters.get(mime)
        if formatter is not None:
            formatter.type_printers, formatter.deferred_printers, formatter.enabled = (
                dict(types),
                dict(deferred),
                enabled,
            )
    if base["matplotlib"] is not None:
        import matplotlib
        import matplotlib.pyplot as plt

        plt.close("all")
        matplotlib.rcdefaults()
    if "ipywidgets" in sys.modules:
        sys.modules["ipywidgets"].Widget.close_all()
    _clear_caches()


def _clear_caches() -> None:
    """Empty every functools cache in bilateral (loaded tables): the next report reads and verifies afresh."""
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith("bilateral"):
            continue
        for value in list(vars(module).values()):
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()


def _differences(base: dict[str, Any], now: dict[str, Any]) -> list[str]:
    problems = []
    new_packages = sorted({name.partition(".")[0] for name in now["modules"] - base["modules"]} - base["packages"])
    if new_packages:
        problems.append(f"imported new packages: {', '.join(new_packages[:5])}")
    for key in (
        "user_ns",
        "environ",
        "cwd",
        "sys_path",
        "warnings",
        "locale",
        "altair",
        "polars",
        "pandas",
        "matplotlib",
    ):
        if now[key] != base[key]:
            problems.append(f"{key} differs from the baseline")
    extra_threads = sorted((Counter(now["threads"]) - Counter(base["threads"])).elements())
    if extra_threads:
        problems.append(f"{len(extra_threads)} thread(s) still running: {', '.join(extra_threads[:5])}")
    changed = [
        f"{module}.{key}"
        for module, names in now["globals"].items()
        if module in base["globals"]
        for key in names.keys() | base["globals"][module].keys()
        if base["globals"][module].get(key) != names.get(key)
        # importing a submodule binds it on its package: that is the import itself, not a change of state
        and not (key not in base["globals"][module] and f"{module}.{key}" in now["modules"])
    ]
    if changed:
        problems.append(f"module globals rebound: {', '.join(sorted(changed)[:5])}")
    if {m: (len(t), len(d), e) for m, (t, d, e) in now["formatters"].items()} != {
        m: (len(t), len(d), e) for m, (t, d, e) in base["formatters"].items()
    }:
        problems.append("display formatters differ from the baseline")
    return problems


def prepare(environ: dict[str, str], cwd: str) -> None:
    """Point this report at the caller's folders (BILATERAL_* variables, working directory); undone by reset()."""
    for key in [k for k in os.environ if k.startswith("BILATERAL_") and k not in environ]:
        del os.environ[key]
    os.environ.update(environ)
    if cwd:
        os.chdir(cwd)


def reset(capture: bool = False) -> str:
    """Clear the user namespace and restore the baseline; returns JSON {"problems", "reads", "learned"}.

    "problems" lists what could not be put back (the runner then replaces the kernel); "reads" lists the
    source.yml files opened since the last reset; "learned" the bilateral modules imported since warm-up.
    """
    global _baseline
    reads = sorted(_reads)
    _reads.clear()
    shell = get_ipython()
    shell.reset(new_session=True)  # user variables, Out cache; execution count back to 1
    if capture or _baseline is None:
        _baseline = _capture()
        # Everything loaded so far lives as long as the kernel: keep it out of every later collection
        # (IPython's reset runs a full gc, which over altair's and polars' objects cost ~0.2 s a report).
        gc.collect()
        gc.freeze()
        return json.dumps({"problems": [], "reads": reads})
    _restore(_baseline)
    now = _capture()
    learned = sorted(name for name in now["modules"] - _baseline["modules"] if name.startswith("bilateral."))
    return json.dumps({"problems": _differences(_baseline, now), "reads": reads, "learned": learned})
