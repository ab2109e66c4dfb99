"""Incremental builds (cache, only changed files written) always equal a cold build."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from test_cli import run, snapshot


@pytest.fixture
def maintainer(project: Path) -> Path:
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "static", project / "static")
    return project


def cold(project: Path) -> dict[str, bytes]:
    out = project / "cold"
    shutil.rmtree(out, ignore_errors=True)
    code, _, err = run("build", "--no-cache", "--output", "cold")
    assert code == 0, err
    return snapshot(out)


def incremental(project: Path) -> tuple[dict[str, bytes], str]:
    code, out, err = run("build", "--output", "site")
    assert code == 0, err
    return snapshot(project / "site"), out


def test_incremental_equals_cold_after_a_sequence_of_edits(maintainer: Path) -> None:
    papers = maintainer / "content/papers"
    edits = [
        lambda: (papers / "new2024paper.yaml").write_text(
            "title: A New Paper\nauthors: [Ada Lovelace, New Person]\nyear: 2024\ntopics: [sl]\n"
            "summary: Added later. It cites [DPO](paper:rafailov2023direct).\nadded: 2026-02-01\n"
        ),
        lambda: (papers / "ouyang2022training.yaml").write_text(
            (papers / "ouyang2022training.yaml")
            .read_text()
            .replace("human feedback", "human feedback, revised")
        ),
        lambda: (papers / "new2024paper.yaml").unlink(),
        lambda: (maintainer / "content/topics/rl.md").write_text("A rewritten *introduction* to RL.\n"),
        lambda: (maintainer / "templates/partials/footer.html").write_text(
            (maintainer / "templates/partials/footer.html")
            .read_text()
            .replace("A companion to", "Companion of")
        ),
    ]
    incremental(maintainer)
    for edit in edits:
        edit()
        built, _ = incremental(maintainer)
        assert built.keys() - {".survey-manifest"} == cold(maintainer).keys() - {".survey-manifest"}
        assert built == {**cold(maintainer), ".survey-manifest": built[".survey-manifest"]}


def test_no_change_rebuild_writes_nothing_and_uses_the_cache(maintainer: Path) -> None:
    incremental(maintainer)
    _, out = incremental(maintainer)
    assert " 0 written" in out and " 0 removed" in out
    assert (maintainer / ".survey-cache/cache.pickle").is_file()


@pytest.mark.parametrize("edit_an_input", [False, True])
def test_deleted_output_is_rebuilt(maintainer: Path, edit_an_input: bool) -> None:
    incremental(maintainer)
    (maintainer / "site/papers/ouyang2022training/index.html").unlink()
    shutil.rmtree(maintainer / "site/authors/rafael-rafailov")
    if edit_an_input:  # so the build does not stop at "nothing changed" and checks each page
        other = maintainer / "content/papers/christiano2017deep.yaml"
        other.write_text(other.read_text().replace("title: ", "title: Revised ", 1))
    built, _ = incremental(maintainer)
    assert "papers/ouyang2022training/index.html" in built
    assert "authors/rafael-rafailov/index.html" in built
    assert built == {**cold(maintainer), ".survey-manifest": built[".survey-manifest"]}


def test_no_cache_leaves_no_cache(maintainer: Path) -> None:
    code, _, _ = run("build", "--no-cache", "--output", "site")
    assert code == 0
    assert not (maintainer / ".survey-cache").exists()


@pytest.mark.parametrize("name", ["cache.pickle", "state.pickle"])
@pytest.mark.parametrize(
    "damage", [b"not a pickle", pickle.dumps({"format": 1}), pickle.dumps(["another", "shape"])]
)
def test_a_damaged_or_foreign_cache_is_ignored(maintainer: Path, name: str, damage: bytes) -> None:
    incremental(maintainer)
    (maintainer / ".survey-cache" / name).write_bytes(damage)
    built, _ = incremental(maintainer)
    assert built == {**cold(maintainer), ".survey-manifest": built[".survey-manifest"]}


def test_two_output_folders_do_not_share_page_signatures(maintainer: Path) -> None:
    run("build", "--output", "one")
    run("build", "--output", "two")
    paper = maintainer / "content/papers/ouyang2022training.yaml"
    paper.write_text(paper.read_text().replace("human feedback", "human feedback, again"))
    run("build", "--output", "one")
    paper.write_text(paper.read_text().replace("human feedback, again", "human feedback"))
    code, _, _ = run("build", "--output", "two")  # same inputs as two's last build, one's signatures differ
    assert code == 0
    assert snapshot(maintainer / "two") | {".survey-manifest": b""} == cold(maintainer) | {
        ".survey-manifest": b""
    }
