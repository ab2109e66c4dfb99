"""Writing the output: a first build is written whole and renamed into place; nothing is lost."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from test_cli import run, snapshot

from survey import write
from survey.write import MANIFEST, STAGED


def break_a_template(project: Path) -> None:
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "static", project / "static")
    paper = project / "templates/paper.html"
    paper.write_text(paper.read_text().replace("{{ paper.title }}", "{{ paper.title.nope() }}", 1))


def leftovers(project: Path) -> list[str]:
    return sorted(path.name for path in project.iterdir() if path.name.startswith(STAGED))


@pytest.mark.parametrize("exists", [False, True])
def test_a_first_build_is_renamed_into_place(project: Path, exists: bool) -> None:
    if exists:
        (project / "site").mkdir()  # empty, as `mkdir site` or a fresh checkout leaves it
    code, out, err = run("build", "--jobs", "2", "--output", "site")
    assert code == 0, err
    files = snapshot(project / "site")
    manifest = files[MANIFEST].decode().splitlines()
    assert sorted(files.keys() - {MANIFEST}) == manifest
    assert f"{len(manifest)} written, 0 unchanged" in out
    assert leftovers(project) == []
    assert files == {**snapshot_of_a_second_build(project), MANIFEST: files[MANIFEST]}


def snapshot_of_a_second_build(project: Path) -> dict[str, bytes]:
    """The same corpus built again into a folder that already holds a site (staged file by file)."""
    (project / "other").mkdir()
    (project / "other/notes.txt").write_text("a file of the user's, so this is not a first build\n")
    assert run("build", "--no-cache", "--output", "other")[0] == 0
    files = snapshot(project / "other")
    assert files.pop("notes.txt")
    return files


@pytest.mark.parametrize("exists", [False, True])
def test_a_failed_first_build_leaves_nothing_behind(project: Path, exists: bool) -> None:
    if exists:
        (project / "site").mkdir()
    break_a_template(project)
    code, _, err = run("build", "--jobs", "2", "--output", "site")
    assert code == 1 and "paper.html:" in err
    assert leftovers(project) == []
    if exists:
        assert (project / "site").is_dir() and not any((project / "site").iterdir())
    else:
        assert not (project / "site").exists()


def test_what_a_killed_first_build_left_is_cleared(project: Path) -> None:
    (project / f"{STAGED}site/papers").mkdir(parents=True)
    (project / f"{STAGED}site/papers/half-written.html").write_text("<p>half")
    assert run("build", "--output", "site")[0] == 0
    assert leftovers(project) == []
    assert not (project / "site/papers/half-written.html").exists()


@pytest.mark.parametrize("cache", ["with the cache", "--no-cache"])
def test_what_a_killed_later_build_staged_is_cleared(project: Path, cache: str) -> None:
    """Files staged beside their targets by a build that was killed: a later build that stages no
    file by those names (the edit was undone) would have left them in the site for good."""
    options = ["--no-cache"] if cache == "--no-cache" else []
    assert run("build", "--output", "site", *options)[0] == 0
    site = snapshot(project / "site")
    (project / f"site/papers/{STAGED}index.html").write_text("<p>half")
    (project / f"site/{STAGED}feed.xml").write_text("<feed>")
    assert run("build", "--output", "site", *options)[0] == 0
    assert snapshot(project / "site") == site


def test_an_output_folder_holding_other_files_is_written_file_by_file(project: Path) -> None:
    (project / "site").mkdir()
    (project / "site/CNAME").write_text("atlas.example.org\n")
    assert run("build", "--output", "site")[0] == 0
    assert (project / "site/CNAME").read_text() == "atlas.example.org\n"
    assert (project / "site/index.html").is_file()
    assert leftovers(project) == []


def test_a_first_build_still_lands_where_a_folder_cannot_be_renamed_over(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "site").mkdir()
    rename = os.replace

    def like_windows(source: str | Path, target: str | Path) -> None:
        if os.path.isdir(target):  # Windows refuses to rename over a folder, even an empty one
            raise PermissionError(13, "Access is denied", str(target))
        rename(source, target)

    monkeypatch.setattr(write.os, "replace", like_windows)
    code, _, err = run("build", "--output", "site")
    assert code == 0, err
    files = snapshot(project / "site")
    assert sorted(files.keys() - {MANIFEST}) == files[MANIFEST].decode().splitlines()
    assert "papers/ouyang2022training/index.html" in files
    assert leftovers(project) == []


def test_static_files_not_ours_stay_out_of_the_site(maintainer: Path) -> None:
    """An editor's backup (`style.css~`) or a hidden folder in static/ was copied into the site."""
    static = maintainer / "static"
    (static / "style.css~").write_text("/* an older stylesheet */")
    (static / ".drafts").mkdir()
    (static / ".drafts/try.js").write_text("// a draft")
    assert run("build", "--output", "site")[0] == 0
    copied = {path.name for path in (maintainer / "site/static").rglob("*")}
    assert "style.css" in copied and not {"style.css~", ".drafts", "try.js"} & copied
