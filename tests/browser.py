"""Open rendered reports in headless Chromium with the network cut off, and record what went wrong.

Reports must work from a file on a machine with no network, so every request that is not for the
report file itself is aborted and recorded, and console errors and uncaught page errors are
collected; a test then asserts all three lists are empty. Used through the `offline_page` fixture
in conftest.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Debian's build of Chromium's headless shell (package chromium-headless-shell, the browser Playwright itself
# runs headless): the same Blink and V8 as Debian's full `chromium`, without the desktop browser around them,
# so a page costs well under half the CPU (docs/decisions/0011). The full browser is the fallback.
CHROMIUM_CANDIDATES = (Path("/usr/bin/chromium-headless-shell"), Path("/usr/bin/chromium"))
INSTALL_HINT = "apt-get update && apt-get install -y chromium-headless-shell"
# Playwright's own browser download does not work here; Debian's does, with these flags.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Schemes that never leave the page: inline data, blobs the page made itself, blank frames.
_LOCAL_SCHEMES = ("data:", "blob:", "about:")


def require_chromium() -> Path:
    """Return Chromium's path; skip when it is absent on a workstation, fail when it is absent under CI."""
    for path in CHROMIUM_CANDIDATES:
        if path.exists():
            return path
    message = f"neither {' nor '.join(map(str, CHROMIUM_CANDIDATES))} is installed; install it with `{INSTALL_HINT}`"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and {message}", pytrace=False)
    pytest.skip(message)


@contextmanager
def launch_chromium() -> Iterator[object]:
    """Yield a Playwright Browser on Debian's Chromium; closes browser and driver afterwards."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class OfflinePage:
    """A page whose every request besides the opened file is blocked and recorded.

    `blocked_requests`: URLs the page tried to fetch anywhere but the opened report file (network
    and other local files alike: a self-contained report needs neither). `console_errors` and
    `page_errors`: what the reader's console would show. `assert_clean()` checks all three.
    """

    page: object
    blocked_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    allowed_url: str = ""

    def open(self, path: Path, *, wait_until: str = "load") -> None:
        """Open a report file and wait for its load event (inlined scripts have then run)."""
        self.allowed_url = Path(path).resolve().as_uri()
        self.page.goto(self.allowed_url, wait_until=wait_until)

    def assert_clean(self) -> None:
        """Fail listing every blocked request, console error and page error seen so far."""
        problems = {
            "requests that left the file": self.blocked_requests,
            "console errors": self.console_errors,
            "page errors": self.page_errors,
        }
        found = {name: items for name, items in problems.items() if items}
        assert not found, f"report is not self-contained or not error-free: {found}"

    def _is_allowed(self, url: str) -> bool:
        return url == self.allowed_url or url.startswith(_LOCAL_SCHEMES)

    def _record(self, url: str) -> None:
        if url not in self.blocked_requests:
            self.blocked_requests.append(url)

    def _on_route(self, route: object) -> None:
        if self._is_allowed(route.request.url):
            route.continue_()
        else:
            self._record(route.request.url)
            route.abort()

    def _on_request(self, request: object) -> None:
        # Belt and braces: the request event also sees what routing may not intercept.
        if not self._is_allowed(request.url):
            self._record(request.url)


def new_offline_page(browser: object) -> tuple[object, OfflinePage]:
    """Open a fresh context on `browser` with request blocking and error collection wired up."""
    context = browser.new_context(service_workers="block", java_script_enabled=True)
    page = context.new_page()
    offline = OfflinePage(page=page)
    context.route("**/*", offline._on_route)
    page.on("request", offline._on_request)
    page.on("console", lambda msg: msg.type == "error" and offline.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: offline.page_errors.append(str(exc)))
    return context, offline
