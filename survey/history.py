"""When each paper file entered the repository, from git, for papers without an `added` date."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path


def first_added_dates(folder: Path) -> dict[str, date]:
    """{file name: date of the commit that added it}; empty when git or the history is unavailable."""
    try:
        result = subprocess.run(
            ["git", "log", "--diff-filter=A", "--format=%x00%cs", "--name-only", "--", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, date] = {}
    current: date | None = None
    for line in result.stdout.splitlines():  # newest commit first; keep the oldest date seen
        if line.startswith("\x00"):
            current = date.fromisoformat(line[1:])
        elif line.strip() and current is not None:
            dates[Path(line).name] = current
    return dates
