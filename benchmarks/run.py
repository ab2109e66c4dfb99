"""Time the generator the way maintainers use it, and Hugo on the same corpus, at several sizes.

Usage: python benchmarks/run.py [--repeat K] [N ...]      (default: 1000 10000, K = 1)
For each N: a deterministic synthetic corpus (benchmarks/generate.py), then
  cold build    --no-cache into a folder that does not exist yet
  first build   the same with the cache (none yet), which it fills: a newcomer's first build
  no change     the same build again, with the cache
  check         `survey check` with that cache, and from a folder without one
  one edit      one paper's title changed, with the cache
  serve edit    the same edit under `survey serve`: until the served page shows it
  paper added   a new paper file (its key mid-corpus, dated last), with the cache; then under serve
  templates     a comment added to topic.html, to paper.html, to base.html (every page)
  hugo          the same papers as a Hugo site (benchmarks/hugo_site.py), if `hugo` is installed:
                with minimal pages, and with pages like ours
each with wall time, CPU time (user and system, all processes; the system part, mostly the file
system's work, also on its own) and peak memory (all processes of the run together, sampled every
50 ms from /proc). With --repeat K each is run K times and the median is shown (the peak is the
largest). What a run leaves (a site, a cache, the previous corpus)
is moved aside and deleted only after the last run, so that no timed build shares the disk with the
deletion of 500 MB. Prints a Markdown table, and before and after it how long
a fixed loop of Python took: this machine's speed drifts, so compare runs made at the same speed.
"""

from __future__ import annotations

import itertools
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("SURVEY_BENCH_DIR", "/tmp/survey-bench"))
TRASH = WORK / "trash"  # what runs left behind, deleted once every run is timed (discard)
discarded = itertools.count()


def discard(path: Path) -> None:
    """Move a folder out of the way, to be deleted after the last timed run (empty_trash).

    Deleting the last run's site (500 MB in 52,600 files at 10,000 papers) just before a timed build
    let the file system's work of freeing it (this machine's disk is mounted with `discard`) run
    during the build: 31-34 s with 35-39 s of system time, against 17-25 s after moving it aside.
    """
    if path.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        path.rename(TRASH / f"{next(discarded)}-{path.name}")


def empty_trash() -> None:
    shutil.rmtree(TRASH, ignore_errors=True)


# The timed processes run as Python runs by default, writing and reusing compiled modules: some
# machines (this project's sandboxes among them) set PYTHONDONTWRITEBYTECODE, under which every
# `survey` process compiles the generator's own modules again from source (0.05 s each).
TIMED_ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], cwd: Path) -> tuple[float, float, float, float]:
    """(seconds, peak MB, CPU seconds, of which in the kernel) of one command, all its processes
    together (see tree_memory)."""
    before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=TIMED_ENVIRONMENT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_memory(process.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stdout}\n{stderr}")
    after = _children_cpu()
    return seconds, peak / 1024, after[0] - before[0], after[1] - before[1]


def _children_cpu() -> tuple[float, float]:
    """CPU seconds (all, and in the kernel) of every finished child process, and of their children
    (the forked workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_stime


def repeated(times: int, prepare: Callable[[], None], command: list[str], cwd: Path) -> tuple:
    """The median seconds and CPU, and the largest peak, of `times` runs, each after `prepare`."""
    runs = []
    for _ in range(times):
        prepare()
        runs.append(timed(command, cwd))
    return _summary(runs)


def _summary(runs: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    """The median of each figure of `runs`, but the largest peak memory."""
    seconds, peaks, cpus, systems = zip(*runs, strict=True)
    return statistics.median(seconds), max(peaks), statistics.median(cpus), statistics.median(systems)


def edit_title(project: Path, marker: str) -> str:
    """Put `marker` before the title of one paper; the path of its page."""
    paper = project / "content/papers/p000001.yaml"
    paper.write_text(paper.read_text().replace("title: ", f"title: {marker} ", 1))
    return "papers/p000001/index.html"


def add_paper(project: Path, marker: str) -> str:
    """A new paper file, with `marker` in its title; the path of its page. Its key puts it in the
    middle of the corpus, as most new keys are; it is dated today, after every generated paper
    (those are dated within 2025), as `survey add` dates a paper, which puts it last in the search
    index. One of its authors has papers already, the other is new."""
    key = f"p005000-added-{marker.lower()}"
    like = yaml.safe_load((project / "content/papers/p000002.yaml").read_text(encoding="utf-8"))
    paper = {
        "title": f"{marker} A new look at reward hacking",
        "authors": [like["authors"][0], f"Newcomer Q. {marker}"],
        "year": 2025,
        "topics": like["topics"],
        "tags": like.get("tags", []),
        "summary": "This paper is added while the site is built again. It is timed, not read.",
        "added": date.today().isoformat(),
    }
    (project / f"content/papers/{key}.yaml").write_text(yaml.safe_dump(paper), encoding="utf-8")
    return f"papers/{key}/index.html"


def served_edits(
    project: Path, times: int, change: Callable[[Path, str], str]
) -> tuple[float, float, float, float]:
    """Median seconds from a `change` to the corpus (an edit, a paper added) to `survey serve`
    serving the page that shows it (the watcher's wait included), the server's peak memory, and the
    median CPU of one change."""
    command = [sys.executable, "-m", "survey", "serve", "--port", "0", "--output", "site"]
    quiet = {"stdout": subprocess.PIPE, "stderr": subprocess.DEVNULL, "text": True}
    server = subprocess.Popen(command, cwd=project, env=TIMED_ENVIRONMENT, **quiet)
    try:
        line = ""
        while "serving" not in line:
            line = server.stdout.readline() if server.stdout else ""
            if not line:
                raise SystemExit("survey serve did not start")
        site = line.split(" at ")[1].split()[0]
        runs = []
        for number in range(times):
            time.sleep(3)  # after serving the page, the builder saves its cache: an edit a few seconds on
            marker = f"Served{number}x{change.__name__[:3]}"
            cpu_before, peak = tree_cpu(server.pid), 0
            page = site + change(project, marker)
            started = time.perf_counter()
            while marker not in _fetch(page):
                peak = max(peak, tree_memory(server.pid))
                time.sleep(0.02)
            seconds, (cpu, system) = time.perf_counter() - started, tree_cpu(server.pid)
            runs.append((seconds, peak / 1024, cpu - cpu_before[0], system - cpu_before[1]))
    finally:
        server.terminate()
        server.wait()
    return _summary(runs)


def _fetch(url: str) -> str:
    """The page, or "" while it is not there yet."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode()
    except urllib.error.HTTPError:
        return ""


def tree_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds (all, and in the kernel) of a process and its descendants so far, with their
    finished children."""
    ticks = kernel_ticks = 0
    for member in [pid, *descendants(pid)]:
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
        kernel_ticks += int(fields[12]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK"), kernel_ticks / os.sysconf("SC_CLK_TCK")


def machine_speed() -> float:
    """Seconds for a fixed loop of Python (about 0.6 s at this machine's quickest; more when it is busy)."""
    started = time.perf_counter()
    total = 0
    for number in range(20_000_000):
        total += number
    return time.perf_counter() - started


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


def bench(n: int, times: int = 1) -> list[tuple[str, float, float, float, float]]:
    project = WORK / f"n{n}"
    discard(project)
    lay_out_project(project, n)
    survey = [sys.executable, "-m", "survey", "build", "--output", "site"]

    def no_site() -> None:
        discard(project / "site")

    def nothing() -> None:
        pass

    def edit_a_title() -> None:
        edit_title(project, "Edited")

    added = itertools.count()

    def add_a_paper() -> None:
        add_paper(project, f"Added{next(added)}")

    def no_site_no_cache() -> None:
        no_site()
        discard(project / ".survey-cache")

    def edit_a_template(name: str, before: str = "{% endblock %}") -> Callable[[], None]:
        def edit() -> None:  # a comment where every page made with the template shows it
            template = project / "templates" / name
            text = template.read_text()
            at = text.rindex(before)
            template.write_text(text[:at] + "<!-- edited -->" + text[at:])

        return edit

    rows = [("cold build", *repeated(times, no_site, [*survey, "--no-cache"], project))]
    # what a newcomer's first `survey build` does: everything, and the cache filled for the next ones
    rows.append(("first build, with the cache", *repeated(times, no_site_no_cache, survey, project)))
    rows.append(("no-change rebuild", *repeated(times, nothing, survey, project)))
    # a contributor's command: with the cache the build left, and from a folder without one
    check = [sys.executable, "-m", "survey", "check"]
    rows.append(("check, with the cache", *repeated(times, nothing, check, project)))
    rows.append(
        ("check, no cache", *repeated(times, nothing, [*check, "--content", "."], project / "content"))
    )
    rows.append(("one-paper edit", *repeated(times, edit_a_title, survey, project)))
    rows.append(("one-paper edit, survey serve", *served_edits(project, times, edit_title)))
    rows.append(("paper added", *repeated(times, add_a_paper, survey, project)))
    rows.append(("paper added, survey serve", *served_edits(project, times, add_paper)))
    # a page kind's template: only the pages made with it are rendered again (signatures.py)
    rows.append(("topic template edit", *repeated(times, edit_a_template("topic.html"), survey, project)))
    rows.append(("paper template edit", *repeated(times, edit_a_template("paper.html"), survey, project)))
    # the layout every page extends: every page is rendered again, with the site and cache in place
    layout = edit_a_template("base.html", "</main>")
    rows.append(("layout template edit", *repeated(times, layout, survey, project)))
    if shutil.which("hugo"):
        for layouts, label in (("minimal", "minimal pages"), ("full", "pages like ours")):
            rows.append((f"hugo build, {label}", *hugo_build(project, layouts, times)))
    return rows


def lay_out_project(project: Path, n: int) -> None:
    """A new project folder: our templates and static files, and a synthetic corpus of N papers."""
    project.mkdir(parents=True)
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "static", project / "static")
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/generate.py"), str(n), str(project / "content")], check=True
    )


def make_hugo_site(project: Path, layouts: str) -> Path:
    """The project's papers as a Hugo site with the templates of `benchmarks/hugo/<layouts>`."""
    hugo_dir = project / f"hugo-{layouts}"
    converter = [sys.executable, str(ROOT / "benchmarks/hugo_site.py"), str(project / "content")]
    subprocess.run([*converter, str(hugo_dir), layouts], check=True)
    return hugo_dir


def hugo_build(project: Path, layouts: str, times: int) -> tuple:
    """Hugo building the same papers with the templates of `benchmarks/hugo/<layouts>` (hugo_site.py)."""
    hugo_dir = make_hugo_site(project, layouts)

    def no_public() -> None:
        discard(hugo_dir / "public")

    return repeated(times, no_public, ["hugo", "--quiet"], hugo_dir)


def main() -> None:
    arguments = sys.argv[1:]
    times = 1
    if arguments[:1] == ["--repeat"]:
        times, arguments = int(arguments[1]), arguments[2:]
    sizes = [int(a) for a in arguments] or [1000, 10000]
    print(f"A fixed Python loop took {machine_speed():.2f} s; each figure is the median of {times} run(s).\n")
    print("| papers | run | seconds | peak MB | CPU s | of which system s |\n|---|---|---|---|---|---|")
    for n in sizes:
        for name, seconds, peak, cpu, system in bench(n, times):
            print(f"| {n:,} | {name} | {seconds:.2f} | {peak:.0f} | {cpu:.2f} | {system:.2f} |", flush=True)
    print(f"\nThe same loop took {machine_speed():.2f} s after the last run.")
    empty_trash()


if __name__ == "__main__":
    main()
