"""Measure what the first search costs a reader: bytes transferred (gzip, as static hosts serve it)
and time to answer once loaded, on a built site, in headless chromium.

Usage: python benchmarks/search_budget.py SITE_DIR [QUERY ...]
"""

from __future__ import annotations

import functools
import gzip
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import launch

QUERIES = ["reward model overoptimisation", "jailbrek attacks", "interpretability circuits neurons"]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def record(requested: list[str], request) -> None:  # type: ignore[no-untyped-def]
    requested.append(request.url)


def main() -> None:
    site = Path(sys.argv[1]).resolve()
    queries = sys.argv[2:] or QUERIES
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for query in queries:
            page = browser.new_page()
            page.goto(base + "index.html")
            requested: list[str] = []
            page.on("request", functools.partial(record, requested))
            page.locator("#site-search").fill(query)
            page.wait_for_selector("#search-results .result")
            page.wait_for_timeout(300)
            search_files = [u for u in requested if "/search/" in u]
            scripts = ["static/search.js", "static/vendor/minisearch-searchablemap.js"]
            paths = [site / urlsplit(u).path.lstrip("/") for u in search_files] + [site / s for s in scripts]
            total = sum(gzip_size(p) for p in paths)
            timing = page.evaluate(
                """async (q) => { const t = performance.now(); const r = await SurveySearch.query(q, 8);
                   return [performance.now() - t, r.results.length]; }""",
                query,
            )
            print(
                f"{query!r}: {len(paths)} files, {total / 1024:.0f} KB gzip "
                f"(terms.js {gzip_size(site / 'search/terms.js') / 1024:.0f} KB); "
                f"answer once loaded {timing[0]:.1f} ms, {timing[1]} results"
            )
            page.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
