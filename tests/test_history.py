"""history.py: when each paper file entered the repository, for papers with no `added` date."""

from __future__ import annotations

import io
import os
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from survey.cli import main
from survey.history import first_added_dates


def git(repo: Path, *args: str, day: str = "2024-01-01") -> None:
    stamp = f"{day}T12:00:00+00:00"
    identity = {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")
                for what, value in (("NAME", "T"), ("EMAIL", "t@example.org"), ("DATE", stamp))}  # fmt: skip
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=os.environ | identity)


def commit(repo: Path, day: str, files: dict[str, str | None]) -> None:
    """Write (or, for None, delete) `files` under content/papers and commit them on `day`."""
    papers = repo / "content" / "papers"
    papers.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        if text is None:
            (papers / name).unlink()
        else:
            (papers / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"papers on {day}", day=day)


def test_each_file_is_dated_by_the_commit_that_added_it(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    commit(tmp_path, "2024-01-05", {"a2024first.yaml": "title: A\n"})
    commit(tmp_path, "2024-03-01", {"b2024second.yaml": "title: B\n"})
    commit(tmp_path, "2024-06-01", {"a2024first.yaml": "title: A, edited\n"})  # an edit is not an addition
    commit(tmp_path, "2024-07-01", {"c2024gone.yaml": "title: C\n"})
    commit(tmp_path, "2024-08-01", {"c2024gone.yaml": None})
    commit(tmp_path, "2024-09-01", {"c2024gone.yaml": "title: C again\n"})  # back: its first arrival counts
    (tmp_path / "content/papers/d2024uncommitted.yaml").write_text("title: D\n")

    dates = first_added_dates(tmp_path / "content" / "papers")

    assert dates == {
        "a2024first.yaml": date(2024, 1, 5),
        "b2024second.yaml": date(2024, 3, 1),
        "c2024gone.yaml": date(2024, 7, 1),
    }


def test_outside_a_repository_there_are_no_dates(tmp_path: Path) -> None:
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "a2024first.yaml").write_text("title: A\n")
    assert first_added_dates(papers) == {}


def test_a_paper_without_added_is_in_the_feed_on_the_day_its_file_was_committed(project: Path) -> None:
    paper = project / "content/papers/muller2021bias.yaml"
    paper.write_text(paper.read_text().replace("added: 2026-01-05\n", ""))
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "the corpus", day="2025-02-03")

    assert main(["build", "--output", "site", "--no-cache"], io.StringIO(), io.StringIO()) == 0

    atom = "{http://www.w3.org/2005/Atom}"
    entries = ET.parse(project / "site/feed.xml").getroot().iter(f"{atom}entry")
    published = {e.findtext(f"{atom}id").rsplit("/", 1)[-1]: e.findtext(f"{atom}published") for e in entries}
    assert published["muller2021bias"] == "2025-02-03T00:00:00Z"
    assert published["ouyang2022training"].startswith("2026-")  # its own `added` date wins
