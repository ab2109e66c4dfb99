"""Incremental builds (cache, only changed files written) always equal a cold build."""

from __future__ import annotations

import io
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, edit
from random_edits import RandomEditor
from test_cli import run, snapshot

from survey import render
from survey.cache import Resident
from survey.cli import run_build
from survey.pipeline import warm_up
from survey.write import folder_times, read_manifest


def cold(project: Path) -> dict[str, bytes]:
    out = project / "cold"
    shutil.rmtree(out, ignore_errors=True)
    code, _, err = run("build", "--no-cache", "--output", "cold")
    assert code == 0, err
    return snapshot(out)


def incremental(project: Path, resident: Resident | None = None) -> tuple[dict[str, bytes], str]:
    if resident is None:
        code, out, err = run("build", "--output", "site")
    else:  # as survey serve's builder process builds: in this process, keeping what it loaded
        stdout, stderr = io.StringIO(), io.StringIO()
        code = run_build(Path("content"), Path("site"), stdout, stderr, resident=resident)
        out, err = stdout.getvalue(), stderr.getvalue()
    assert code == 0, err
    return snapshot(project / "site"), out


def sequence_of_edits(project: Path) -> list[Callable[[], object]]:
    papers = project / "content/papers"
    return [
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
        lambda: (project / "content/topics/rl.md").write_text("A rewritten *introduction* to RL.\n"),
        lambda: (project / "templates/partials/footer.html").write_text(
            (project / "templates/partials/footer.html").read_text().replace("A companion to", "Companion of")
        ),
    ]


def assert_equals_cold(project: Path, built: dict[str, bytes], what: str = "") -> None:
    expected = cold(project)
    assert built.keys() - {".survey-manifest"} == expected.keys() - {".survey-manifest"}, what
    assert built == {**expected, ".survey-manifest": built[".survey-manifest"]}, what


def test_incremental_equals_cold_after_a_sequence_of_edits(maintainer: Path) -> None:
    incremental(maintainer)
    for change in sequence_of_edits(maintainer):
        change()
        built, _ = incremental(maintainer)
        assert_equals_cold(maintainer, built)


def test_a_resident_builder_equals_cold_after_edits_failures_and_other_builds(maintainer: Path) -> None:
    """survey serve's builder keeps papers and cache entries between builds: never stale ones."""
    resident = Resident()
    incremental(maintainer, resident)
    paper = maintainer / "content/papers/christiano2017deep.yaml"
    good = paper.read_text()
    mended = good.replace("a long way", "a long, mended way", 1).replace(
        "Preferences}", "Preferences, Mended}"
    )
    for number, change in enumerate(sequence_of_edits(maintainer)):
        change()
        if number == 1:  # a broken file: the build fails, then the file is mended
            paper.write_text(good.replace("topics: [rl]", "topics: [rl", 1))
            code = run_build(Path("content"), Path("site"), io.StringIO(), io.StringIO(), resident=resident)
            assert code == 1
            paper.write_text(mended)
        if number == 3:  # a plain survey build in between, then back to what the builder last built
            paper.write_text(good)
            incremental(maintainer)
            paper.write_text(mended)
        built, _ = incremental(maintainer, resident)
        assert_equals_cold(maintainer, built)
    assert resident.entries and resident.entries["papers"]  # it did keep them


# to look harder: SURVEY_RANDOM_EDITS=200 SURVEY_RANDOM_SEEDS=3,4,5 pytest tests/test_incremental.py -k random
RANDOM_EDITS = int(os.environ.get("SURVEY_RANDOM_EDITS", "15"))  # per seed
RANDOM_PAPERS = os.environ.get("SURVEY_RANDOM_PAPERS", "150")  # 1000 and more build on every core
RANDOM_SEEDS = [int(seed) for seed in os.environ.get("SURVEY_RANDOM_SEEDS", "1,2").split(",")]


@pytest.mark.parametrize("seed", RANDOM_SEEDS)
def test_random_edits_build_as_a_cold_build_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Random edits of every kind (tests/random_edits.py) to a synthetic corpus, each built by a new
    process or by a resident builder (survey serve's), at random: every build equals a cold build,
    and every build the edit makes fail leaves the site as it was."""
    generate = [
        sys.executable,
        str(ROOT / "benchmarks/generate.py"),
        RANDOM_PAPERS,
        str(tmp_path / "content"),
    ]
    subprocess.run(generate, check=True)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "static", tmp_path / "static")
    monkeypatch.chdir(tmp_path)
    editor, resident = RandomEditor(tmp_path, seed), Resident()
    incremental(tmp_path, resident)
    for step in range(RANDOM_EDITS):
        what = editor.edit()
        before = snapshot(tmp_path / "site")
        builder = resident if editor.random.random() < 0.5 else None
        code = run_build(Path("content"), Path("site"), io.StringIO(), io.StringIO(), resident=builder)
        built = snapshot(tmp_path / "site")
        if code != 0:
            assert built == before, f"step {step}: {what}: the failed build changed the site"
            editor.undo()
            continue
        assert_equals_cold(tmp_path, built, f"step {step}: {what}")


@pytest.mark.parametrize("resident", [None, Resident()], ids=["new process", "resident builder"])
def test_a_namesake_that_takes_a_page_address_moves_the_links_to_it(
    maintainer: Path, resident: Resident | None
) -> None:
    """A new author whose name differs only by accents from one already there (Jorg Muller, Jörg
    Müller), or a venue only by case (ARXIV, arXiv), comes first in order and takes the plain
    address; the one already there moves to `-2`, and every page linking to it follows."""
    incremental(maintainer, resident)
    (maintainer / "content/papers/zz2024namesake.yaml").write_text(
        "title: A Namesake's Paper\nauthors: [Jorg Muller]\nyear: 2024\nvenue: ARXIV 2024\n"
        "topics: [sl]\nsummary: It shares a name but for its accents. That is all it is for.\n"
    )
    built, _ = incremental(maintainer, resident)
    assert_equals_cold(maintainer, built)
    page = built["papers/muller2021bias/index.html"].decode()
    assert 'href="../../authors/jorg-muller-2/index.html">Jörg Müller</a>' in page


def test_no_change_rebuild_writes_nothing_and_uses_the_cache(maintainer: Path) -> None:
    incremental(maintainer)
    _, out = incremental(maintainer)
    assert " 0 written" in out and " 0 removed" in out
    assert (maintainer / ".survey-cache/cache.pickle").is_file()


def test_a_builder_warmed_up_after_a_build_elsewhere_equals_cold(
    maintainer: Path, scopes: list[bool]
) -> None:
    """survey serve's builder reads the cache in and links the corpus when its first build had nothing
    to do; its first edit then looks only at the pages around the edited paper."""
    incremental(maintainer)
    resident = Resident()
    warm_up(Path("content"), resident)
    assert resident.entries and resident.entries["papers"] and resident.corpus
    paper = maintainer / "content/papers/christiano2017deep.yaml"
    paper.write_text(paper.read_text().replace("Preferences}", "Preferences, Warmed}"))
    built, _ = incremental(maintainer, resident)
    assert_equals_cold(maintainer, built)
    assert scopes == [True, False]  # the first build had nothing before it


def test_a_new_process_looks_only_at_the_pages_around_papers_edited_since(
    maintainer: Path, scopes: list[bool]
) -> None:
    """What the last build rendered from is kept in the cache, so `survey build` after an edit of
    papers' own files looks only at the pages showing them, and at everything after anything else."""
    papers = maintainer / "content/papers"
    ouyang, rafailov = papers / "ouyang2022training.yaml", papers / "rafailov2023direct.yaml"
    introduction = maintainer / "content/topics/rl.md"
    steps = [
        (lambda: None, True),  # the first build
        (lambda: edit(ouyang, "title: ", "title: Renamed "), False),
        (
            lambda: (
                edit(papers / "christiano2017deep.yaml", "a long way", "a long, edited way"),
                edit(rafailov, "'Direct Preference", "'Also Direct Preference"),
            ),
            False,
        ),
        (lambda: edit(ouyang, "  - Jeff Wu\n", ""), True),  # an author: new links
        (lambda: introduction.write_text("A new first line.\n" + introduction.read_text()), True),  # topic
        (lambda: edit(ouyang, "title: Renamed ", "title: "), False),
        (lambda: (maintainer / "site/papers/christiano2017deep/index.html").unlink(), True),
        (lambda: edit(ouyang, "title: ", "title: Again "), False),
    ]
    for number, (change, everything) in enumerate(steps):
        change()
        built, _ = incremental(maintainer)
        assert_equals_cold(maintainer, built)
        assert scopes[-1] is everything, f"step {number}"
    edit(ouyang, "title: Again ", "title: Broken: ")  # an unquoted colon: no build
    assert run("build", "--output", "site")[0] == 1
    edit(ouyang, "title: Broken: ", "title: Mended ")
    built, _ = incremental(maintainer)  # the site is still what the last good build rendered
    assert_equals_cold(maintainer, built)
    assert scopes[-1] is False
    edit(rafailov, "'Also Direct Preference", "'Direct Preference")
    assert run("build", "--no-cache", "--output", "site")[0] == 0  # written without the cache's knowing
    edit(ouyang, "title: Mended ", "title: ")
    built, _ = incremental(maintainer)
    assert_equals_cold(maintainer, built)
    assert scopes[-1] is True


def test_papers_only_added_are_looked_at_with_what_shows_them(maintainer: Path, scopes: list[bool]) -> None:
    """Papers added, and nothing else changed, narrow a build to what shows them, every topic page
    and the papers sharing a topic with them; added with an edit, or with a paper removed, or with
    a namesake taking an author's address, every page is looked at again."""
    papers = maintainer / "content/papers"

    def add(key: str, authors: str = "Ada Lovelace, New Person", topics: str = "sl") -> None:
        (papers / f"{key}.yaml").write_text(
            f"title: Paper {key}\nauthors: [{authors}]\nyear: 2024\ntopics: [{topics}]\n"
            "summary: New here. It is on few pages.\n"
        )

    rafailov = papers / "rafailov2023direct.yaml"
    steps = [
        (lambda: None, True),  # the first build
        (lambda: add("new2024one"), False),
        (lambda: (add("new2024two", "Grace Hopper", "rl"), add("aaa2024three", "Long Ouyang")), False),
        (lambda: (add("new2024four", "Emmy Noether"), edit(rafailov, "year: 2023", "year: 2022")), True),
        (lambda: (papers / "new2024one.yaml").unlink(), True),  # removed
        (lambda: add("new2024five", "Jorg Muller"), True),  # takes the address of Jörg Müller's page
        (lambda: add("new2024six", "Jorg Muller, Alan Kay"), False),  # a namesake already there
        # the same authors and year as an earlier paper: its reference's label gains an "a"
        (lambda: add("new2024seven", "Jorg Muller, Alan Kay"), True),
    ]
    for number, (change, everything) in enumerate(steps):
        change()
        built, _ = incremental(maintainer)
        assert_equals_cold(maintainer, built, f"step {number}")
        assert scopes[-1] is everything, f"step {number}"


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages rendered in this process, in order (cleared by the test as it goes)."""
    paths: list[str] = []
    render_page = render._render

    def spy(env: object, page: render.Page, *rest: object) -> str:
        paths.append(page.path)
        return render_page(env, page, *rest)

    monkeypatch.setattr(render, "_render", spy)
    return paths


def test_the_author_index_and_statistics_are_made_again_only_when_their_counts_may_change(
    maintainer: Path, rendered: list[str]
) -> None:
    ouyang = maintainer / "content/papers/ouyang2022training.yaml"
    counted = {"authors/index.html", "stats/index.html"}
    incremental(maintainer)
    for change, made_again in [
        (lambda: edit(ouyang, "title: ", "title: Renamed "), set()),
        (lambda: edit(ouyang, "code: https://github.com/example/instruct\n", ""), counted),  # with code
        (lambda: edit(ouyang, "  - Jeff Wu\n", ""), counted),  # an author
        (lambda: edit(ouyang, "year: 2022", "year: 2021"), counted),
    ]:
        rendered.clear()
        change()
        built, _ = incremental(maintainer)
        assert counted & set(rendered) == made_again
        assert_equals_cold(maintainer, built)


def test_a_paper_added_makes_again_only_the_pages_that_show_it(maintainer: Path, rendered: list[str]) -> None:
    """The topic tree's paper counts are on topic pages only: a new paper does not make every other
    paper's or author's page again."""
    incremental(maintainer)
    rendered.clear()
    (maintainer / "content/papers/new2024paper.yaml").write_text(
        "title: A New Paper\nauthors: [Ada Lovelace, New Person]\nyear: 2024\ntopics: [sl]\n"
        "summary: New here. It is on few pages.\n"
    )
    built, _ = incremental(maintainer)
    showing_it = {"papers/new2024paper/index.html", "topics/sl/index.html", "topics/outer/index.html"}
    assert showing_it <= set(rendered)
    assert "authors/long-ouyang/index.html" not in rendered  # no paper of his changed
    assert "years/2017/index.html" not in rendered
    assert "topics/rl/index.html" in rendered  # its sidebar counts the new paper under sl's parent
    assert_equals_cold(maintainer, built)


def insert_before_last(path: Path, marker: str, text: str) -> None:
    source = path.read_text()
    at = source.rindex(marker)
    path.write_text(source[:at] + text + source[at:])


def test_a_template_edit_makes_again_only_the_pages_made_with_it(
    maintainer: Path, rendered: list[str]
) -> None:
    """A page's signature holds its own template and those it uses (extends, imports, includes,
    shared partials, the remembered list items), not every template."""
    templates = maintainer / "templates"
    paper, author = "papers/ouyang2022training/index.html", "authors/long-ouyang/index.html"
    incremental(maintainer)
    for name, marker, made_again, left_alone in [
        ("topic.html", "{% endblock %}", {"topics/rl/index.html"}, {paper, author, "years/2017/index.html"}),
        ("macros/papers.html", "</li>", {paper, author, "topics/rl/index.html"}, {"stats/index.html"}),
        ("macros/tree.html", "{% endmacro %}", {paper, "stats/index.html"}, set()),
        ("partials/header.html", "</header>", {paper, author, "authors/index.html"}, set()),
    ]:
        rendered.clear()
        insert_before_last(templates / name, marker, f"<!-- edited {name} -->")
        built, _ = incremental(maintainer)
        assert made_again <= set(rendered), name
        assert not left_alone & set(rendered), name
        assert any(f"edited {name}".encode() in built[page] for page in made_again), name
        assert_equals_cold(maintainer, built, name)


def test_a_builder_after_another_process_built_the_site_equals_cold(maintainer: Path) -> None:
    """survey serve's builder, then a survey build in another terminal with an edit since reverted:
    the builder must not take the site for the one it last rendered itself."""
    resident = Resident()
    paper = maintainer / "content/papers/christiano2017deep.yaml"
    good = paper.read_text()
    retitled = good.replace("title: ", "title: Retitled ", 1)
    paper.write_text(retitled)
    incremental(maintainer, resident)
    paper.write_text(good.replace("title: ", "title: Elsewhere ", 1))
    incremental(maintainer)  # another process
    paper.write_text(retitled)  # back to what the builder last built
    style = maintainer / "static/style.css"
    style.write_text(style.read_text() + "\n/* edited */\n")  # something to build, no paper edited
    built, _ = incremental(maintainer, resident)
    assert_equals_cold(maintainer, built)


def test_fragments_are_made_again_only_for_edited_papers(
    maintainer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paper's list items and papers-table row are kept in the cache: after an edit, a new process
    makes those of the edited paper only, and the pages that join them equal a cold build's."""
    made: list[list[tuple]] = []
    keep = render.keep_fragments

    def spy(cache: object, results: list, signer: object) -> None:
        made.append([key for result in results for key in result.fragments])
        keep(cache, results, signer)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "keep_fragments", spy)
    incremental(maintainer)
    assert made[-1], "the first build made none"
    paper = maintainer / "content/papers/ouyang2022training.yaml"
    paper.write_text(paper.read_text().replace("title: ", "title: Refragmented ", 1))
    built, _ = incremental(maintainer)
    assert made[-1] and {key[1].split(":")[0] for key in made[-1]} == {"ouyang2022training"}
    assert_equals_cold(maintainer, built)


def test_the_same_corpus_from_another_folder_equals_cold(maintainer: Path) -> None:
    """Pages link to their files ("Suggest an edit"): the same bytes read from another folder make
    other pages, though no paper changed."""
    incremental(maintainer)
    shutil.copytree(maintainer / "content", maintainer / "elsewhere")
    code, _, err = run("build", "--content", "elsewhere", "--output", "site")
    assert code == 0, err
    built = snapshot(maintainer / "site")
    assert b"/edit/main/elsewhere/papers/" in built["papers/ouyang2022training/index.html"]
    code, _, err = run("build", "--no-cache", "--content", "elsewhere", "--output", "cold")
    assert code == 0, err
    cold_build = snapshot(maintainer / "cold")
    assert built == {**cold_build, ".survey-manifest": built[".survey-manifest"]}


def test_folder_times_kept_after_edits_are_those_on_disk(maintainer: Path) -> None:
    """After an edit only the folders it touched are looked at again; the rest must still hold."""
    papers = maintainer / "content/papers"
    edits = [
        lambda: (papers / "new2024paper.yaml").write_text(
            "title: A New Paper\nauthors: [Ada Lovelace]\nyear: 2024\ntopics: [sl]\n"
            "summary: Added later. It is new.\nadded: 2026-02-01\n"
        ),
        lambda: (papers / "new2024paper.yaml").unlink(),
        lambda: (papers / "ouyang2022training.yaml").write_text(  # the same files, some rewritten
            (papers / "ouyang2022training.yaml").read_text().replace("title: ", "title: Retitled ", 1)
        ),
    ]
    incremental(maintainer)
    for change in edits:
        change()
        incremental(maintainer)
        state = pickle.loads((maintainer / ".survey-cache/state.pickle").read_bytes())["data"]
        site = maintainer / "site"
        assert state["output"]["folders"] == folder_times(site, read_manifest(site))
        _, out = incremental(maintainer)
        assert " 0 written" in out


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


@pytest.mark.parametrize("name", ["cache.pickle", "cache.journal", "state.pickle", "search.pickle"])
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
