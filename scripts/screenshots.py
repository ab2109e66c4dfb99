"""Screenshots of the built site in headless chromium, for looking at it as a reader would.

Usage: python scripts/screenshots.py [SITE_DIR] [OUT_DIR]
Takes home, a topic and a paper page at 390 px and 1280 px wide, light and dark.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import launch

PAGES = {
    "home": "index.html",
    "topic": "topics/outer-alignment/index.html",
    "paper": "papers/ouyang2022training/index.html",
}
WIDTHS = (390, 1280)
SCHEMES = ("light", "dark")


def main() -> None:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "_site").resolve()
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for scheme in SCHEMES:
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
                for name, path in PAGES.items():
                    page.goto((site / path).as_uri())
                    target = out / f"{name}-{width}-{scheme}.png"
                    page.screenshot(path=str(target), full_page=False)
                    print(target)
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
