"""Builds spread over processes: the same bytes as one process, and failures that lose nothing."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from conftest import BAD, ROOT
from test_cli import run, snapshot

from survey import parallel, render
from survey.parallel import frozen_heap, next_free, share, split_work


def test_split_work_returns_every_share_in_order() -> None:
    items = list(range(10))
    results = split_work(lambda index, count, tick: (index, share(items, index, count)), workers=2)
    assert results == [(0, [0, 2, 4, 6, 8]), (1, [1, 3, 5, 7, 9])]


def test_next_free_hands_each_item_to_exactly_one_process() -> None:
    items = list(range(400))

    def work(index: int, count: int, tick: object) -> list[int]:
        taken = []
        for item in next_free(items):
            taken.append(item)
            # this process is the slower, so the other takes more; neither is so quick that it takes
            # every item before the other starts (at 2,000 items with no pause in the worker, it
            # once did, on a busy machine)
            time.sleep(0.002 if index == 0 else 0.0005)
        return taken

    mine, theirs = split_work(work, workers=2)
    assert sorted(mine + theirs) == items
    assert len(theirs) > len(mine) > 0
    assert list(next_free(items)) == items  # outside split_work, one process takes everything


def test_split_work_passes_a_worker_error_on() -> None:
    def work(index: int, count: int, tick: object) -> int:
        if index == 1:
            raise ValueError("worker 1 failed")
        return index

    with pytest.raises(ValueError, match="worker 1 failed"):
        split_work(work, workers=2)


WORKER_THAT_OUTLIVES_ITS_SHARE = """
import os, sys, time
from survey.parallel import split_work

def work(index, count, tick):
    if index == 1:
        print(os.getpid(), flush=True)
    time.sleep(60)

split_work(work, workers=2)
"""


def test_a_worker_dies_with_the_build_that_forked_it() -> None:
    """A build killed outright (a CI time limit, the out-of-memory killer) cannot stop its workers:
    they went on rendering their share into a folder nobody would commit."""
    import signal
    import subprocess
    import sys

    build = subprocess.Popen(
        [sys.executable, "-c", WORKER_THAT_OUTLIVES_ITS_SHARE], stdout=subprocess.PIPE, text=True
    )
    try:
        worker = int(build.stdout.readline())  # type: ignore[union-attr]
    finally:
        build.kill()
        build.wait()
    for _ in range(100):
        try:
            state = Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return  # gone, and reaped
        if state == "Z":
            return  # dead, not yet reaped by the process that adopted it
        time.sleep(0.05)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the worker went on for 5 s after the build was killed")


def test_results_are_read_after_the_workers_end_and_leave_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker's result comes back through a file, read once the worker has ended (its memory
    freed), and the files go with the build, whether it succeeds or fails."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = []
    read = parallel._read_result

    def reading(path: str) -> object:
        result = read(path)
        ended.append(not Path(f"/proc/{result}").exists())
        return result

    monkeypatch.setattr(parallel, "_read_result", reading)
    assert split_work(lambda index, count, tick: os.getpid(), workers=2)[0] == os.getpid()
    assert ended == [True]
    assert list(tmp_path.iterdir()) == []

    def failing(index: int, count: int, tick: object) -> int:
        if index == 0:
            raise ValueError("the parent's share failed")
        return index

    with pytest.raises(ValueError):
        split_work(failing, workers=2)
    assert list(tmp_path.iterdir()) == []


def test_two_processes_build_the_same_bytes_as_one(project: Path) -> None:
    assert run("build", "--no-cache", "--jobs", "1", "--output", "one")[0] == 0
    assert run("build", "--no-cache", "--jobs", "2", "--output", "two")[0] == 0
    assert snapshot(project / "one") == snapshot(project / "two")


def test_a_template_error_in_one_worker_leaves_the_previous_site_as_it_was(project: Path) -> None:
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "static", project / "static")
    assert run("build", "--jobs", "2", "--output", "site")[0] == 0
    (project / "site/kept-by-hand").mkdir()  # an empty folder of the user's, not the generator's
    before = snapshot(project / "site")
    (project / "content/papers/fresh2024paper.yaml").write_text(
        "title: A Fresh Paper\nauthors: [Ada Lovelace]\nyear: 2024\ntopics: [sl]\n"
        "summary: New here. Its pages would be new files.\n"
    )
    paper = project / "templates/paper.html"
    paper.write_text(paper.read_text().replace("{{ paper.title }}", "{{ paper.title.nope() }}", 1))

    code, _, err = run("build", "--jobs", "2", "--output", "site")

    assert code == 1
    assert "Traceback" not in err
    assert "paper.html:" in err and "template error: while rendering papers/" in err
    assert snapshot(project / "site") == before  # nothing staged is left behind either
    assert not (project / "site/papers/fresh2024paper").exists()
    assert (project / "site/kept-by-hand").is_dir()


def test_errors_found_by_parsing_workers_name_the_file_and_line(project: Path) -> None:
    shutil.copytree(BAD / "malformed-yaml", project / "content", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("expected.txt"))  # fmt: skip
    expected = (BAD / "malformed-yaml/expected.txt").read_text().splitlines()
    code, _, err = run("build", "--jobs", "2", "--output", "site")
    assert code == 1
    assert [line for line in err.splitlines() if ": error: " in line] == expected


def test_an_unexpected_error_in_a_worker_leaves_no_staged_files(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("build", "--jobs", "2", "--output", "site")[0] == 0
    before = snapshot(project / "site")
    (project / "content/papers/fresh2024paper.yaml").write_text(
        "title: A Fresh Paper\nauthors: [Ada Lovelace]\nyear: 2024\ntopics: [sl]\n"
        "summary: New here. Its pages would be new files.\n"
    )

    def broken(corpus: object) -> dict[str, bytes]:
        raise RuntimeError("a bug in an export")

    monkeypatch.setattr(render, "corpus_files", broken)
    with pytest.raises(RuntimeError, match="a bug in an export"):
        run("build", "--jobs", "2", "--output", "site")
    assert snapshot(project / "site") == before


def test_the_heap_is_thawed_after_a_build_and_after_nested_blocks(project: Path) -> None:
    with frozen_heap():
        with frozen_heap():
            assert gc.get_freeze_count() > 0
        assert gc.get_freeze_count() > 0  # the inner block leaves thawing to the outer one
    assert gc.get_freeze_count() == 0
    assert run("build", "--jobs", "2", "--output", "site")[0] == 0
    assert gc.get_freeze_count() == 0  # a build in a long-lived process (survey serve) leaks nothing
