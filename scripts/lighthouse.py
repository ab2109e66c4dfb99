"""Lighthouse (npm lighthouse 12.2.3, with Debian's chromium) on the key pages of a built site.

Usage: python scripts/lighthouse.py SITE_DIR [--markdown]
Serves the site on localhost, runs Lighthouse's performance, accessibility, best-practices and SEO
categories on each page (desktop preset), and prints the scores; exits 1 if any is under 95.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / ".tools/node_modules/.bin/lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = {
    "home": "index.html",
    "topic": "topics/outer-alignment/index.html",
    "paper": "papers/ouyang2022training/index.html",
    "author": "authors/jan-leike/index.html",
    "search": "search/index.html?q=reward%20model",
    "statistics": "stats/index.html",
}
MINIMUM = 95
CHROME_FLAGS = " ".join(
    ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
     "--disable-background-networking", "--disable-component-update", "--disable-sync"]
)  # fmt: skip


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def run(url: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
                   f"--only-categories={','.join(CATEGORIES)}", "--preset=desktop",
                   f"--chrome-flags={CHROME_FLAGS} --user-data-dir={folder}/profile"]  # fmt: skip
        env = os.environ | {"CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"}
        subprocess.run(command, check=True, env=env, capture_output=True, timeout=300)
        data = json.loads(report.read_text())
    return {name: round(100 * data["categories"][name]["score"]) for name in CATEGORIES}


def main() -> int:
    site = Path(sys.argv[1]).resolve()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    failed = False
    print("| page | " + " | ".join(CATEGORIES) + " |\n|---|" + "---|" * len(CATEGORIES))
    for name, path in PAGES.items():
        scores = run(base + path)
        failed |= any(score < MINIMUM for score in scores.values())
        print(f"| {name} | " + " | ".join(str(scores[c]) for c in CATEGORIES) + " |", flush=True)
    server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
