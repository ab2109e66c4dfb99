"""Progress of a long build: a bar on a terminal, a few plain lines elsewhere (logs, CI)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

Progress = Callable[[str, int, int], None]
MIN_STEPS = 500  # smaller builds finish too fast for a bar to help
WIDTH = 30


def no_progress(stage: str, done: int, total: int) -> None:
    pass


def reporter(stream: TextIO) -> Progress:
    """A progress callback writing to `stream`: a redrawn bar on a terminal, quarter marks otherwise."""
    terminal = stream.isatty()
    shown: set[tuple[str, int]] = set()

    def report(stage: str, done: int, total: int) -> None:
        if total < MIN_STEPS:
            return
        if terminal:
            filled = WIDTH * done // total
            end = "\n" if done == total else ""
            stream.write(f"\r{stage} [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total}{end}")
            stream.flush()
            return
        quarter = 4 * done // total
        if quarter > 0 and (stage, quarter) not in shown:  # one line at each quarter
            shown.add((stage, quarter))
            stream.write(f"{stage}: {25 * quarter}% ({done}/{total})\n")
            stream.flush()

    return report
