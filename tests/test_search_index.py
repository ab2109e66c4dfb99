"""The search index files, without a browser: a kept index, updated paper by paper, equals a fresh one."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import edit
from test_link import loaded

from survey.search import KeptIndex, search_files, shard_of, tokens


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch) -> KeptIndex:
    # the fixture corpus is small: one changed paper must still be an update, not a new index
    monkeypatch.setattr(KeptIndex, "REINDEX_SHARE", 0)
    return KeptIndex()


def test_a_kept_index_updated_through_edits_equals_a_fresh_one(project: Path, kept: KeptIndex) -> None:
    papers = project / "content/papers"
    assert kept.files(loaded(project)) == search_files(loaded(project))
    first = kept.last
    edits = [
        # a word no other paper has joins the index, in a shard of its own
        lambda: edit(papers / "ouyang2022training.yaml", "human feedback", "human feedback zyxwvut"),
        # ... and leaves it again; another word changes weight (title and summary)
        lambda: edit(papers / "ouyang2022training.yaml", "human feedback zyxwvut", "reward rankings"),
        # a paper moves to another topic: its topic words change
        lambda: edit(papers / "ouyang2022training.yaml", "topics: [rl]", "topics: [sl]"),
        # two papers at once, one of them losing its summary words
        lambda: (
            edit(papers / "christiano2017deep.yaml", "year = {2017}", "year = {2018}"),
            edit(
                papers / "muller2021bias.yaml",
                "A benchmark of conversations. It finds",
                "Nothing else. It finds",
            ),
        ),
    ]
    for number, change in enumerate(edits):
        change()
        corpus = loaded(project)
        assert kept.files(corpus) == search_files(corpus), f"after edit {number}"
        assert kept.last is first, f"edit {number} re-made the index instead of updating it"


def test_papers_that_come_or_go_move_the_postings_of_the_others(project: Path, kept: KeptIndex) -> None:
    """The index numbers papers by the date they were added (the fixture's are dated 2026-01-01 to
    01-05), then by key: a paper added or removed before others moves each of them by a place,
    and the kept postings are moved (Postings.renumber) rather than made again, equal to a fresh
    index each time."""
    papers = project / "content/papers"
    kept.files(loaded(project))
    first = kept.last

    def add(key: str, words: str, added: str = "") -> None:
        (papers / f"{key}.yaml").write_text(
            f"title: A Paper About {words}\nauthors: [Ada Lovelace]\nyear: 2024\ntopics: [sl]\n"
            f"summary: New words here, {words}. They matter.\n" + (f"added: {added}\n" if added else "")
        )

    changes = [
        lambda: add("zzz2024first", "qwertyuiop"),  # undated, so before every paper: all move
        lambda: add("aaa2024last", "reward rankings", "2026-11-27"),  # the newest: none moves
        lambda: add("mmm2024middle", "asdfghjkl", "2026-01-03"),  # dated like a paper before its key
        lambda: (papers / "zzz2024first.yaml").unlink(),  # its own word leaves the index
        lambda: ((papers / "aaa2024last.yaml").unlink(), add("bbb2024second", "zxcvbnm", "2026-01-02")),
        lambda: edit(papers / "mmm2024middle.yaml", "added: 2026-01-03", "added: 2026-11-20"),  # moves last
    ]
    for number, change in enumerate(changes):
        change()
        corpus = loaded(project)
        assert kept.files(corpus) == search_files(corpus), f"after change {number}"
        assert kept.last is first, f"change {number} made the index again instead of moving it"
        assert kept.updated


def test_a_paper_added_last_changes_only_its_own_card_shard_and_term_shards(
    project: Path, kept: KeptIndex
) -> None:
    """Dated the day it is added, a new paper takes the last place: the card shards of the papers
    before it stay as they were, and only the postings shards of its own terms change."""
    papers = project / "content/papers"
    monkeypatch_cards = pytest.MonkeyPatch()
    monkeypatch_cards.setattr("survey.search.CARDS_PER_SHARD", 2)  # five papers: three card shards
    try:
        before = kept.files(loaded(project))
        (papers / "aaa2024new.yaml").write_text(
            "title: Qwertyuiop\nauthors: [Ada Lovelace]\nyear: 2024\ntopics: [sl]\n"
            "summary: Asdfghjkl here. It matters.\nadded: 2026-11-27\n"
        )
        corpus = loaded(project)
        after = kept.files(corpus)
    finally:
        monkeypatch_cards.undo()
    changed = {path for path in after if before.get(path) != after[path]}
    words = "Qwertyuiop Ada Lovelace 2024 Asdfghjkl here. It matters. " + corpus.topic_by_id["sl"].title
    own_shards = {f"search/p/{shard_of(term)}.js" for term in tokens(words)}
    assert changed == {"search/terms.js", "search/d/2.js"} | own_shards  # d/2.js: the last, with it


def test_renamed_topics_make_a_new_index(project: Path, kept: KeptIndex) -> None:
    kept.files(loaded(project))
    first = kept.last
    edit(project / "content/taxonomy.yaml", "title: RL-based methods", "title: Renamed methods")
    corpus = loaded(project)
    assert kept.files(corpus) == search_files(corpus)
    assert kept.last is not first


def test_many_papers_come_make_a_new_index(project: Path) -> None:
    """When more than a tenth of the papers come or go, indexing them all is as quick."""
    kept = KeptIndex()
    kept.files(loaded(project))
    first = kept.last
    (project / "content/papers/zhang2024new.yaml").write_text(  # one more to a handful
        "title: A Newer Paper\nauthors: [Ada Lovelace]\nyear: 2024\ntopics: [sl]\n"
        "summary: New words here. They matter.\n"
    )
    corpus = loaded(project)
    assert kept.files(corpus) == search_files(corpus)
    assert kept.last is not first
