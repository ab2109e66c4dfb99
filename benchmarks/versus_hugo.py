"""Cold builds of the same corpus, ours and Hugo's two sites, interleaved round by round.

Usage: python benchmarks/versus_hugo.py [--rounds K] [--output-dir DIR] N

Each round builds, one after the other, our site (`survey build --no-cache`), Hugo's site with pages
like ours and Hugo's minimal pages (benchmarks/hugo_site.py), each into a new folder under DIR, so the
three share whatever the machine is doing at that moment; run.py times each kind of build in a
batch of its own. With DIR on a RAM disk (the default is /dev/shm when there is one) the disk's share,
which swings by seconds on this machine (docs/performance.md), is left out. Prints a row per build
(seconds, peak MB, CPU seconds, of which system) and each one's range over the rounds; deletes the
built sites at the end.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import WORK, lay_out_project, make_hugo_site, timed

RAM_DISK = Path("/dev/shm")


def prepare(n: int) -> tuple[Path, dict[str, Path]]:
    """A project with N synthetic papers, and the two Hugo sites made from it."""
    project = WORK / f"versus-{n}"
    shutil.rmtree(project, ignore_errors=True)
    lay_out_project(project, n)
    return project, {layouts: make_hugo_site(project, layouts) for layouts in ("full", "minimal")}


def main() -> None:
    arguments = sys.argv[1:]
    rounds, output_dir = 3, RAM_DISK if RAM_DISK.is_dir() else WORK
    while arguments[:1] in (["--rounds"], ["--output-dir"]):
        if arguments[0] == "--rounds":
            rounds = int(arguments[1])
        else:
            output_dir = Path(arguments[1])
        arguments = arguments[2:]
    n = int(arguments[0]) if arguments else 10000
    if not shutil.which("hugo"):
        raise SystemExit("hugo is not installed (Debian: apt-get install hugo)")
    project, hugo_sites = prepare(n)
    builds = {
        "ours": (
            lambda out: [sys.executable, "-m", "survey", "build", "--no-cache", "--output", str(out)],
            project,
        ),
        "hugo, pages like ours": (lambda out: ["hugo", "--quiet", "-d", str(out)], hugo_sites["full"]),
        "hugo, minimal pages": (lambda out: ["hugo", "--quiet", "-d", str(out)], hugo_sites["minimal"]),
    }
    outputs = Path(tempfile.mkdtemp(prefix="versus-", dir=output_dir))
    seconds: dict[str, list[float]] = {name: [] for name in builds}
    print(f"{n:,} papers, cold builds into {output_dir}, {rounds} round(s)\n")
    print("| round | build | seconds | peak MB | CPU s | of which system s |\n|---|---|---|---|---|---|")
    try:
        for round_number in range(1, rounds + 1):
            for index, (name, (command, cwd)) in enumerate(builds.items()):
                took, peak, cpu, system = timed(command(outputs / f"{round_number}-{index}"), cwd)
                seconds[name].append(took)
                print(
                    f"| {round_number} | {name} | {took:.2f} | {peak:.0f} | {cpu:.2f} | {system:.2f} |",
                    flush=True,
                )
    finally:
        shutil.rmtree(outputs, ignore_errors=True)
    print()
    for name, values in seconds.items():
        print(f"{name}: {min(values):.2f}-{max(values):.2f} s")


if __name__ == "__main__":
    main()
