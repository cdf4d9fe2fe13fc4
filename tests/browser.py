"""A real headless browser for the tests that must see a page drawn: Debian's `chromium`. The project installs it
itself where it can (Debian, as root: `apt-get install chromium`), so a fresh machine runs these tests rather than
skipping them; where it cannot, the test fails saying what to install."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.shifted_clock import FAKETIME_VARIABLES

INSTALL_TIMEOUT_S = 900


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        apt = {**_machine_clock(), "DEBIAN_FRONTEND": "noninteractive"}  # a moved clock fails apt's date checks
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "chromium"], capture_output=True, timeout=INSTALL_TIMEOUT_S, env=apt
        )
        if not shutil.which("chromium"):
            subprocess.run(["apt-get", "update", "-q"], capture_output=True, timeout=INSTALL_TIMEOUT_S, env=apt)
            subprocess.run(
                ["apt-get", "install", "-y", "-q", "chromium"], capture_output=True, timeout=INSTALL_TIMEOUT_S, env=apt
            )
        found = shutil.which("chromium")
        if found:
            return found
    pytest.fail("this test needs a real browser: install Debian's `chromium` package (apt-get install chromium)")


def dump_dom(url: str, profile: str, budget_ms: int = 20_000) -> str:
    """The page's DOM after its scripts ran (virtual time runs until the network is idle or the budget is spent)."""
    result = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={budget_ms}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=_machine_clock(),
    )
    return result.stdout


def _machine_clock() -> dict[str, str]:
    """The environment without libfaketime (tests/shifted_clock.py): under it Chromium takes minutes per page (and
    apt refuses its lists as not yet valid), and the browser's own date matters to no test: the pages are given
    their dates (`asOf`) in the URL."""
    return {key: value for key, value in os.environ.items() if key not in FAKETIME_VARIABLES}
