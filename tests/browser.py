"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium through Playwright
(Playwright never downloads a browser here). A module that needs it calls
`require_chromium()` at import: skipped without it, failed on CI (where .ci/run installs it)."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def require_chromium():
    """Playwright's sync_playwright, once Chromium is known to be there."""
    if not CHROMIUM.exists():
        message = f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium; " \
                  ".ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message, allow_module_level=True)
    return pytest.importorskip("playwright.sync_api").sync_playwright


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
