"""Time formatting references: pybtex's plain style on its own against the build's way (plainstyle.py).

Usage: python benchmarks/references.py [N]      (default: 10000)
Generates a synthetic corpus of N papers (benchmarks/generate.py), loads it, then formats every
paper's reference on one core, three ways: pybtex alone (its templates evaluated per entry), pybtex
with each distinct LaTeX value parsed once (what builds did before plainstyle.py), and as a build
does now. Prints the seconds of each, how many entries the quick way left to pybtex, and checks that
all three give the same HTML.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from survey.cite import _format_references, _latex_parsed_once, pybtex_entry
from survey.diagnostics import Report
from survey.pipeline import load
from survey.plainstyle import PlainStyle

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def pybtex_alone(entries: list) -> list[str]:
    plain = PlainStyle()  # its pybtex(), what a build falls back to: pybtex's templates, every entry
    return [plain.pybtex(entry) for entry in entries]


def timed(make: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = make()
    return time.perf_counter() - start, result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, str(ROOT / "benchmarks/generate.py"), str(n), folder], check=True)
        corpus = load(Path(folder), Report(), workers=0)
    assert corpus is not None, "the synthetic corpus did not load"
    papers = corpus.papers
    entries = [pybtex_entry(paper) for paper in papers]
    alone, expected = timed(lambda: pybtex_alone(entries))
    with _latex_parsed_once():
        parsed_once, _ = timed(lambda: pybtex_alone(entries))
    now, formatted = timed(lambda: _format_references([(p.key, p) for p in papers], lambda count: None))
    left = sum(PlainStyle().format(entry) is None for entry in entries)
    assert [formatted[p.key][0] for p in papers] == expected, "the build's references differ from pybtex's"
    print(f"{n:,} references on one core: pybtex alone {alone:.2f} s; each LaTeX value parsed once "
          f"{parsed_once:.2f} s; as a build does now {now:.2f} s (with the alpha labels; "
          f"{left} left to pybtex). Same HTML all three ways.")  # fmt: skip


if __name__ == "__main__":
    main()
