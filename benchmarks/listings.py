"""Measure what a listing page costs a reader's browser, with its filters and without JavaScript:
the main thread's time in scripts, layout and style while the page loads, then for one filter
chosen, in headless chromium (Chrome's own counters, `Performance.getMetrics`).

Usage: python benchmarks/listings.py SITE_DIR [PAGE ...]   (default: the papers table)
Add --phone to slow the CPU four times, as Lighthouse does for a mid-range phone.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import launch

COUNTERS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")


def counters(cdp) -> dict[str, float]:  # type: ignore[no-untyped-def]
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return {metric["name"]: metric["value"] for metric in metrics if metric["name"] in COUNTERS}


def line(label: str, values: dict[str, float]) -> str:
    return f"  {label:<24}" + "  ".join(
        f"{name.removesuffix('Duration').lower()} {values[name]:5.2f} s" for name in COUNTERS
    )


def measure(browser, page_file: Path, slowdown: int) -> None:  # type: ignore[no-untyped-def]
    print(page_file)
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript, viewport={"width": 390, "height": 800})
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
        page.goto(page_file.as_uri(), wait_until="load")
        loaded = counters(cdp)
        print(line("loaded" if javascript else "loaded, no JavaScript", loaded))
        if javascript and page.locator("select[name=venue] option").count() > 1:
            page.select_option("select[name=venue]", index=1)
            page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")
            after = counters(cdp)
            print(line("one filter", {name: after[name] - loaded[name] for name in COUNTERS}))
        context.close()


def main() -> None:
    args = [arg for arg in sys.argv[1:] if arg != "--phone"]
    slowdown = 4 if "--phone" in sys.argv else 1
    site = Path(args[0]).resolve()
    pages = args[1:] or ["papers/index.html"]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for name in pages:
            measure(browser, site / name, slowdown)
        browser.close()


if __name__ == "__main__":
    main()
