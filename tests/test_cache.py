"""The build cache's files: the journal of changed entries, and the search postings kept whole."""

from __future__ import annotations

import io
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_cli import run
from test_incremental import assert_equals_cold, incremental, sequence_of_edits

from survey import cache as cache_module
from survey import link as link_module
from survey import papers as papers_module
from survey import search
from survey.cache import BuildCache, FileHashes

CACHE = Path(".survey-cache")


@pytest.fixture(autouse=True)
def long_journal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture corpus's cache file is small: let its journal grow to five times its size."""
    monkeypatch.setattr(cache_module, "JOURNAL_SHARE", 0.2)


def saved_entries(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, dict[str, Any]]]:
    """The entries each build kept for the next one, as it saved them."""
    seen: list[dict[str, dict[str, Any]]] = []
    save = BuildCache.save

    def spy(self: BuildCache, *args: Any) -> None:
        if self._entries_read:  # a build that read no entries leaves them as they were
            seen.append({kind: self._used_entries(kind) for kind in cache_module.KINDS})
        save(self, *args)

    monkeypatch.setattr(BuildCache, "save", spy)
    return seen


def read_back() -> dict[str, dict[str, Any]]:
    """The entries a new build reads: cache.pickle with its journal replayed."""
    return as_stored({kind: BuildCache(CACHE).known(kind) for kind in cache_module.KINDS})


def as_stored(entries: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each entry as the cache file keeps it (a parsed paper without the links one build gave it),
    comparable by value (parsed papers compare by identity)."""
    return {kind: {key: _by_value(v) for key, v in found.items()} for kind, found in entries.items()}


def _by_value(entry: Any) -> Any:
    if isinstance(entry, papers_module.LoadedPaper):
        return entry.paper.__getstate__(), entry.references
    return entry


def file_stamp(name: str) -> tuple[int, int]:
    info = (CACHE / name).stat()
    return info.st_size, info.st_mtime_ns


def edit_title(maintainer: Path, word: str) -> None:
    paper = maintainer / "content/papers/ouyang2022training.yaml"
    paper.write_text(paper.read_text().replace("title: ", f"title: {word} ", 1))


def test_an_edit_appends_to_the_journal_and_reads_back_as_saved(
    maintainer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = saved_entries(monkeypatch)
    incremental(maintainer)
    base = file_stamp("cache.pickle")
    assert not (CACHE / "cache.journal").exists()
    for number, edit in enumerate(sequence_of_edits(maintainer)[:3]):
        edit()
        built, _ = incremental(maintainer)
        assert_equals_cold(maintainer, built)
        assert file_stamp("cache.pickle") == base, f"edit {number} wrote cache.pickle whole"
        assert read_back() == as_stored(saved[-1]), f"after edit {number}"
        assert (CACHE / "cache.journal").is_file()


def test_the_journal_is_folded_in_when_it_outgrows_its_share(
    maintainer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = saved_entries(monkeypatch)
    incremental(maintainer)
    edit_title(maintainer, "Once")
    incremental(maintainer)
    assert (CACHE / "cache.journal").is_file()
    monkeypatch.setattr(cache_module, "JOURNAL_SHARE", 10_000)  # any record is now too long
    base = file_stamp("cache.pickle")
    edit_title(maintainer, "Twice")
    built, _ = incremental(maintainer)
    assert_equals_cold(maintainer, built)
    assert not (CACHE / "cache.journal").exists()
    assert file_stamp("cache.pickle") != base
    assert read_back() == as_stored(saved[-1])


def journal_records() -> list[dict[str, Any]]:
    records = []
    with open(CACHE / "cache.journal", "rb") as journal:
        while True:
            try:
                records.append(pickle.load(journal))
            except EOFError:
                return records


def test_a_paper_added_journals_only_the_neighbour_lists_it_changes(maintainer: Path) -> None:
    """The same-author and related lists were one cache entry each: a paper added wrote every
    paper's lists to the journal again (2.5 MB a record at 10,000 papers)."""
    incremental(maintainer)
    (maintainer / "content/papers/new2024paper.yaml").write_text(
        "title: A paper added later\nauthors: [Newcomer Person]\nyear: 2024\nvenue: arXiv\n"
        "topics: [evaluation]\nsummary: Added later. It is here to be counted.\nadded: 2026-02-01\n"
    )
    built, _ = incremental(maintainer)
    assert_equals_cold(maintainer, built)
    [record] = journal_records()
    lists = set(record["put"]["links"])
    assert {"same-authors/new2024paper", "related/new2024paper", "related/muller2021bias"} <= lists
    # the papers on other topics, by other authors: their lists are as they were, and stay out
    assert not lists & {
        f"{kind}/{key}"
        for kind in ("same-authors", "related")
        for key in ("ouyang2022training", "christiano2017deep")
    }


def test_a_torn_record_is_ignored_and_cut_off(maintainer: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build interrupted while appending leaves half a record: the next build reads the records
    before it, and its own record replaces the torn one."""
    saved = saved_entries(monkeypatch)
    incremental(maintainer)
    edit_title(maintainer, "Whole")
    incremental(maintainer)
    journal = CACHE / "cache.journal"
    whole = journal.read_bytes()
    edit_title(maintainer, "Torn")
    incremental(maintainer)
    torn = journal.read_bytes()
    journal.write_bytes(torn[: len(whole) + (len(torn) - len(whole)) // 2])
    assert read_back() == as_stored(saved[-2])  # the intact record only
    edit_title(maintainer, "After")
    built, _ = incremental(maintainer)
    assert_equals_cold(maintainer, built)
    assert journal.read_bytes().startswith(whole)
    assert read_back() == as_stored(saved[-1])


def test_a_journal_of_another_cache_file_is_ignored(maintainer: Path) -> None:
    incremental(maintainer)
    edit_title(maintainer, "Old")
    incremental(maintainer)
    old_journal = (CACHE / "cache.journal").read_bytes()
    (CACHE / "cache.pickle").unlink()  # the next build writes a new one, under a new token
    edit_title(maintainer, "New")
    incremental(maintainer)
    assert not (CACHE / "cache.journal").exists()
    (CACHE / "cache.journal").write_bytes(old_journal)  # its records name the old file
    edit_title(maintainer, "Newer")
    built, _ = incremental(maintainer)
    assert_equals_cold(maintainer, built)


def test_search_postings_are_read_back_and_updated(maintainer: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new build takes the postings the last one stored, and re-indexes only the edited paper."""
    monkeypatch.setattr(search.KeptIndex, "REINDEX_SHARE", 0)  # a small corpus: one paper is an update
    made: list[int] = []
    index_all = search.Postings.of.__func__  # type: ignore[attr-defined]

    def counting(cls: type, *args: Any) -> search.Postings:
        made.append(1)
        return index_all(cls, *args)

    monkeypatch.setattr(search.Postings, "of", classmethod(counting))
    incremental(maintainer)
    assert len(made) == 1 and (CACHE / "search.pickle").is_file()
    for word in ("Searched", "Again"):
        edit_title(maintainer, word)
        made.clear()
        built, _ = incremental(maintainer)
        assert not made, f"the build after {word!r} indexed every paper again"
        assert_equals_cold(maintainer, built)


def test_a_first_build_indexes_in_a_task_and_keeps_its_postings(
    maintainer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no postings yet, the first process does not index every paper before the workers
    start: the search files are one task among the others, and its postings come back for the cache
    (from a worker: two processes are asked for) and for a resident builder."""
    from survey import render
    from survey.cache import Resident
    from survey.cli import run_build

    indexed_first: list[bool] = []
    kept = render.kept_search_files

    def watched(corpus: Any, cache: BuildCache) -> Any:
        files = kept(corpus, cache)
        indexed_first.append(files is not None)
        return files

    monkeypatch.setattr(render, "kept_search_files", watched)
    assert run("build", "--output", "site", "--jobs", "2")[0] == 0
    assert indexed_first == [False] and (CACHE / "search.pickle").is_file()
    edit_title(maintainer, "Searched")
    built, _ = incremental(maintainer)
    assert indexed_first == [False, True]  # made from the postings the first build stored
    assert_equals_cold(maintainer, built)
    resident = Resident()
    for folder in (CACHE, maintainer / "site"):
        shutil.rmtree(folder)
    run_build(Path("content"), Path("site"), io.StringIO(), io.StringIO(), resident=resident)
    assert resident.search is not None and resident.search.last is not None


def test_a_title_edit_in_survey_serve_keeps_the_neighbour_lists_for_the_next_build(
    maintainer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """survey serve's builder swaps an edited paper into the corpus it kept (link.relink) without
    making the lists again; it must still keep them in the cache, or the next build makes them all."""
    from survey.cache import Resident
    from survey.cli import run_build

    relinked = []
    relink = link_module.relink
    monkeypatch.setattr(link_module, "relink", lambda *args: relinked.append(1) or relink(*args))
    resident = Resident()
    for word in ("", "Kept"):
        if word:
            edit_title(maintainer, word)
        run_build(Path("content"), Path("site"), io.StringIO(), io.StringIO(), resident=resident)
    assert relinked  # the second build took the kept corpus
    kept = set(read_back()["links"])
    assert {"same-authors", "related", "same-authors/ouyang2022training", "related/muller2021bias"} <= kept


def test_stale_search_postings_are_checked_against_the_papers(maintainer: Path) -> None:
    incremental(maintainer)
    stale = (CACHE / "search.pickle").read_bytes()
    edit_title(maintainer, "Later")
    incremental(maintainer)
    (CACHE / "search.pickle").write_bytes(stale)  # postings of the corpus before the edit
    edit_title(maintainer, "Latest")
    built, _ = incremental(maintainer)
    assert_equals_cold(maintainer, built)


def test_another_version_of_a_library_drops_the_cache(
    maintainer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Markdown, pybtex, Jinja and the others shape what is cached: after an upgrade nothing cached
    is trusted (summaries are rendered again), though no input changed."""
    rendered: list[str] = []
    render = papers_module.render_markdown
    monkeypatch.setattr(papers_module, "render_markdown", lambda text: rendered.append(text) or render(text))
    incremental(maintainer)
    summaries = len(rendered)
    assert summaries
    incremental(maintainer)
    assert len(rendered) == summaries  # nothing to do
    monkeypatch.setattr(cache_module, "environment", lambda: "markdown-99.0.dist-info")
    built, _ = incremental(maintainer)
    assert len(rendered) == 2 * summaries
    assert_equals_cold(maintainer, built)


def test_python_dash_m_and_the_survey_command_share_the_cache(project: Path) -> None:
    """At a project's root pip's editable install leaves `survey.egg-info`: the folder Python puts
    first on its path (the working folder for `python -m survey`, the script's for `survey`) was
    hashed as if it held libraries, so switching between the two dropped the whole cache."""
    (project / "survey.egg-info").mkdir()
    command = Path(sys.executable).parent / "survey"
    starts = [[str(command)], [sys.executable, "-m", "survey"], [str(command)]]
    stamps = []
    for start in starts:
        result = subprocess.run(
            [*start, "build", "--output", "site"], cwd=project, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        stamps.append(file_stamp("cache.pickle"))
    assert stamps[0] == stamps[1] == stamps[2]  # written by the first build, never again


def test_a_file_rewritten_within_its_timestamp_is_read_again(tmp_path: Path) -> None:
    """The same size and the same time (a clock of a few milliseconds' resolution): a file hashed
    just after it changed is not trusted by its stamp; one that changed long before is."""
    path = tmp_path / "paper.yaml"
    path.write_text("title: One\n")
    first = FileHashes()
    one = first.of(path)
    stamp = path.stat()
    path.write_text("title: Two\n")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # as a coarse clock leaves it
    second = FileHashes(first.seen)
    assert second.of(path) != one
    long_ago = stamp.st_mtime_ns - 60 * 10**9
    os.utime(path, ns=(long_ago, long_ago))
    third = FileHashes(second.seen)
    third.of(path)
    assert third.seen[str(path)][:2] == (stamp.st_size, long_ago)  # trusted from now on


def cache_files() -> dict[str, tuple[bytes, int]]:
    return {
        path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in CACHE.rglob("*") if path.is_file()
    }


def parsed_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the paper files parsed from now on (not taken from a cache)."""
    parsed: list[str] = []
    load_paper = papers_module._load_paper

    def spy(path: Path, report: Any) -> Any:
        parsed.append(path.name)
        return load_paper(path, report)

    monkeypatch.setattr(papers_module, "_load_paper", spy)
    return parsed


def test_check_takes_parsed_papers_from_the_last_build_and_writes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`survey check` at 10,000 papers parsed every file each time (5.4 s); with the cache a build
    left, only the files changed since (0.9 s). It reads the cache and never writes it."""
    assert run("build", "--output", "site")[0] == 0
    before = cache_files()
    parsed = parsed_files(monkeypatch)
    listed: list[object] = []  # no rule looks at the same-author and related lists: check makes none
    monkeypatch.setattr(link_module, "_link_neighbours", lambda *args: listed.append(args))
    assert run("check") == (0, "ok: 5 papers, 5 topics\n", "")
    assert parsed == [] and listed == []
    paper = project / "content/papers/ouyang2022training.yaml"
    paper.write_text(paper.read_text().replace("year: 2022", "year: 1850"))
    code, _, err = run("check")
    assert code == 1 and "content/papers/ouyang2022training.yaml:" in err and "year 1850" in err
    assert parsed == ["ouyang2022training.yaml"]
    assert run("check")[0] == 1 and parsed == ["ouyang2022training.yaml"] * 2  # errors: never cached
    assert cache_files() == before


def test_check_without_a_cache_parses_every_file_and_makes_no_cache(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = parsed_files(monkeypatch)
    assert run("check")[0] == 0
    assert len(parsed) == 5 and not CACHE.exists()


def test_a_site_built_inside_the_content_folder_is_no_input(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the corpus at the project's root (`--content .`), the site and the cache are inside
    it: hashed as inputs, they changed with every build, which never found nothing to do."""
    monkeypatch.chdir(project / "content")
    assert run("build", "--content", ".")[0] == 0
    assert (project / "content/_site/index.html").is_file()
    from survey import render

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("rendered again with nothing changed")

    monkeypatch.setattr(render, "render_site", refuse)
    code, out, _ = run("build", "--content", ".")
    assert code == 0 and "0 written" in out
