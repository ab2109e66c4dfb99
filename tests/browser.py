"""Helpers for driving Debian's chromium with Playwright (its own browser download is unavailable)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Path of the system chromium; skips (or fails, when SURVEY_REQUIRE_BROWSER=1) without one."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("SURVEY_REQUIRE_BROWSER") == "1":
        pytest.fail("chromium is required for the browser tests (apt-get install chromium)")
    pytest.skip("no chromium on this machine; install Debian's chromium to run browser tests")


def launch(playwright):  # type: ignore[no-untyped-def]
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
