"""The benchmark runs end to end at 1,000 papers (a smoke test: its timings are not asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


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
    assert [row[1].strip() for row in rows][:12] == [
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
