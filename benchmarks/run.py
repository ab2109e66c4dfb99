"""Time the generator the way maintainers use it, and Hugo on the same corpus, at several sizes.

Usage: python benchmarks/run.py [N ...]      (default: 1000 10000)
For each N: a deterministic synthetic corpus (benchmarks/generate.py), then
  cold build    --no-cache into an empty folder
  no change     the same build again, with the cache
  one edit      one paper's title changed, with the cache
  hugo          the same papers as a Hugo site (benchmarks/hugo_site.py), if `hugo` is installed
each with wall time and peak memory (all processes of the run together, sampled every 50 ms
from /proc). Prints a Markdown table.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("SURVEY_BENCH_DIR", "/tmp/survey-bench"))


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak MB) of one command; the peak is of all its processes together (see tree_memory)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_memory(process.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stdout}\n{stderr}")
    return seconds, peak / 1024


def tree_memory(pid: int) -> int:
    """kB of memory used by a process and its descendants: the sum of their proportional set sizes.

    PSS shares each memory page among the processes that map it, so forked workers (which share
    the parent's pages until they write to them) are not counted twice, as summing RSS would do.
    """
    total = 0
    for member in [pid, *descendants(pid)]:
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:  # the process ended while we looked
            pass
    return total


def descendants(pid: int) -> list[int]:
    found = []
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    for child in map(int, children):
        found += [child, *descendants(child)]
    return found


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
