"""Time the generator the way maintainers use it, and Hugo on the same corpus, at several sizes.

Usage: python benchmarks/run.py [N ...]      (default: 1000 10000)
For each N: a deterministic synthetic corpus (benchmarks/generate.py), then
  cold build    --no-cache into an empty folder
  no change     the same build again, with the cache
  one edit      one paper's title changed, with the cache
  hugo          the same papers as a Hugo site (benchmarks/hugo_site.py), if `hugo` is installed
each with wall time and peak memory (resident set of the child process). Prints a Markdown table.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/survey-bench")


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak MB) of one command, the peak resident set read by GNU time."""
    report = cwd / ".time"
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(report), *command], cwd=cwd,
                            capture_output=True, text=True)  # fmt: skip
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return seconds, int(report.read_text().split()[-1]) / 1024


def bench(n: int) -> list[tuple[str, float, float]]:
    project = WORK / f"n{n}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "static", project / "static")
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/generate.py"), str(n), str(project / "content")], check=True
    )
    survey = [sys.executable, "-m", "survey", "build", "--output", "site"]
    rows = [("cold build", *timed([*survey, "--no-cache"], project))]
    timed(survey, project)  # fill the cache
    rows.append(("no-change rebuild", *timed(survey, project)))
    paper = project / "content/papers/p000001.yaml"
    paper.write_text(paper.read_text().replace("title: ", "title: Edited ", 1))
    rows.append(("one-paper edit", *timed(survey, project)))
    if shutil.which("hugo"):
        hugo_dir = project / "hugo"
        converter = [
            sys.executable,
            str(ROOT / "benchmarks/hugo_site.py"),
            str(project / "content"),
            str(hugo_dir),
        ]
        subprocess.run(converter, check=True)
        rows.append(("hugo build (same papers)", *timed(["hugo", "--quiet"], hugo_dir)))
    return rows


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    print("| papers | run | seconds | peak MB |\n|---|---|---|---|")
    for n in sizes:
        for name, seconds, peak in bench(n):
            print(f"| {n:,} | {name} | {seconds:.2f} | {peak:.0f} |", flush=True)


if __name__ == "__main__":
    main()
