"""pipeline.py: the stages in order, and one build of a site at a time (the stages themselves have
tests of their own; tests/test_cli.py runs the whole pipeline from the command line)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from survey.pipeline import one_build_at_a_time


def test_a_second_build_of_a_site_waits_for_the_first(project: Path) -> None:
    """Two at once (`survey build` while `survey serve` rebuilds) removed each other's staged files:
    the second failed with 'No such file or directory' and left a staged file in the site."""
    waited: list[str] = []
    with one_build_at_a_time(project / "_site", True, lambda: waited.append("this process")):
        second = subprocess.Popen(
            [sys.executable, "-m", "survey", "build"], cwd=project, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert second.stderr.readline() == "waiting for another build of _site to finish\n"  # type: ignore[union-attr]
        time.sleep(0.5)
        assert second.poll() is None  # still waiting
    out, _ = second.communicate(timeout=60)
    assert second.returncode == 0 and out.startswith("built _site: ")
    assert waited == []  # the first took its locks at once


def test_builds_of_other_sites_do_not_wait(project: Path) -> None:
    with one_build_at_a_time(project / "elsewhere", False, lambda: None):
        done = subprocess.run(
            [sys.executable, "-m", "survey", "build", "--no-cache"], cwd=project, capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 0 and "waiting" not in done.stderr
