"""The benchmark runs end to end at 1,000 papers (a smoke test: its timings are not asserted)."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

from conftest import ROOT, required


def test_benchmark_at_1000_papers_builds_and_reports(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/run.py"), "--repeat", "2", "1000"],
        env={**os.environ, "SURVEY_BENCH_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    rows = [line.split("|")[1:7] for line in result.stdout.splitlines() if line.startswith("| 1,000 |")]
    names = [row[1].strip() for row in rows]
    assert names[:12] == [
        "cold build",
        "first build, with the cache",
        "no-change rebuild",
        "check, with the cache",
        "check, no cache",
        "one-paper edit",
        "one-paper edit, survey serve",
        "paper added",
        "paper added, survey serve",
        "topic template edit",
        "paper template edit",
        "layout template edit",
    ]
    if shutil.which("hugo") or os.environ.get("SURVEY_REQUIRE_BROWSER") == "1":  # scripts/test.sh installs it
        assert names[12:] == ["hugo build, minimal pages", "hugo build, pages like ours"]
    assert all(float(row[2]) > 0 and float(row[3]) > 0 and float(row[4]) > 0 for row in rows)
    assert all(0 <= float(row[5]) <= float(row[4]) for row in rows)  # the system part of the CPU time
    assert "median of 2 run(s)" in result.stdout
    site = tmp_path / "n1000/site"
    assert len(list((site / "papers").glob("p*/index.html"))) == 1000 + 4  # four papers added
    page = (site / "papers/p000001/index.html").read_text()
    assert "<h1>Served1xedi Served0xedi Edited Edited " in page  # two edits built, two served
    for added in ("Added0", "Added1", "Served0xadd", "Served1xadd"):  # two added and built, two served
        assert added in (site / f"papers/p005000-added-{added.lower()}/index.html").read_text()
    assert page.count("<!-- edited -->") == 4  # the paper template and the layout, edited twice each
    assert (site / "topics/outer-alignment/index.html").read_text().count("<!-- edited -->") == 4
    assert not (tmp_path / "trash").exists()  # what runs left was moved aside, then deleted at the end


def test_reference_benchmark_runs_and_finds_the_same_html() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/references.py"), "300"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "300 references on one core: pybtex alone" in result.stdout
    assert "Same HTML all three ways." in result.stdout


def test_listing_benchmark_measures_the_papers_table_with_and_without_its_filters(
    browser, site: Path
) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/listings.py"), str(site)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    labels = [line.split("  script")[0].strip() for line in result.stdout.splitlines()[1:]]
    assert labels == ["loaded", "one filter", "loaded, no JavaScript"]


def test_hugo_site_like_ours_makes_the_pages_and_files_ours_makes(tmp_path: Path) -> None:
    """The benchmark's Hugo site with pages like ours (benchmarks/hugo_site.py) makes a page and the three
    citation files for every paper that ours makes them for, a page for every author, topic, year and venue,
    names each paper's authors and relations as ours does, and links only to what it wrote."""
    hugo = required("hugo")
    content, ours, theirs = tmp_path / "content", tmp_path / "ours", tmp_path / "hugo"
    subprocess.run([sys.executable, str(ROOT / "benchmarks/generate.py"), "150", str(content)], check=True)
    survey = [sys.executable, "-m", "survey", "build", "--no-cache", "--content", str(content)]
    subprocess.run([*survey, "--output", str(ours)], check=True, capture_output=True)
    converter = [sys.executable, str(ROOT / "benchmarks/hugo_site.py"), str(content), str(theirs), "full"]
    subprocess.run(converter, check=True)
    subprocess.run([hugo, "--quiet"], cwd=theirs, check=True)
    public = theirs / "public"

    keys = sorted(page.parent.name for page in (ours / "papers").glob("*/index.html"))
    assert len(keys) == 150
    for key in keys:
        assert {p.name for p in (ours / "papers" / key).iterdir()} == {
            "index.html",
            *(f"{key}.{s}" for s in ("bib", "json", "ris")),
        }
        assert {p.name for p in (public / "papers" / key).iterdir()} == {
            "index.html",
            "cite.bib",
            "cite.json",
            "cite.ris",
        }
    for kind in ("authors", "topics", "years", "venues"):
        ours_count = len(list((ours / kind).glob("*/index.html")))
        assert len(list((public / kind).glob("*/index.html"))) == ours_count > 0, kind

    def named(page: Path, pattern: str, within: str = r"(.*)") -> list[str]:
        part = re.search(within, page.read_text(), re.S)
        return [html.unescape(name) for name in re.findall(pattern, part.group(1) if part else "")]

    link, authors = r">([^<>]+)</a>", r'<p class="authors">(.*?)</p>'
    relation = r'<dd><a href="[^"]*">([^<]+)</a> <span class="paper-meta">'
    for key in keys:
        ours_page, their_page = ours / "papers" / key / "index.html", public / "papers" / key / "index.html"
        their_authors = named(their_page, link, authors)
        assert their_authors == named(ours_page, link, authors) != [], key
        assert sorted(named(their_page, relation)) == sorted(named(ours_page, relation)), key
        bib = (public / "papers" / key / "cite.bib").read_text()
        assert bib.startswith(f"@article{{{key},") and their_authors[0] in bib

    broken = []
    for page in public.rglob("*.html"):
        for href in re.findall(r'href="(/[^"]*)"', page.read_text()):
            target = public / unquote(href).lstrip("/")
            if not (target / "index.html" if href.endswith("/") else target).exists():
                broken.append(f"{page.relative_to(public)} -> {href}")
    assert not broken, broken[:5]


def test_versus_hugo_interleaves_the_three_cold_builds_and_cleans_up(tmp_path: Path) -> None:
    required("hugo")
    versus = [sys.executable, str(ROOT / "benchmarks/versus_hugo.py"), "--rounds", "2"]
    result = subprocess.run(
        [*versus, "--output-dir", str(tmp_path), "150"],
        env={**os.environ, "SURVEY_BENCH_DIR": str(tmp_path / "work")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    rows = [
        line.split("|")[1:3]
        for line in result.stdout.splitlines()
        if line.startswith("| 1 ") or line.startswith("| 2 ")
    ]
    builds = ["ours", "hugo, pages like ours", "hugo, minimal pages"]
    assert [(r.strip(), b.strip()) for r, b in rows] == [(str(n), build) for n in (1, 2) for build in builds]
    assert all(f"{build}: " in result.stdout for build in builds)
    assert not list(tmp_path.glob("versus-*"))  # the built sites are deleted at the end
