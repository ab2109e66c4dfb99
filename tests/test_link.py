"""Linking again after an edit (link.relink): the kept corpus, edited papers swapped in, is linked
exactly as a corpus linked from scratch, and refers to no old version of any paper."""

from __future__ import annotations

import dataclasses
import io
import random
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, edit
from test_incremental import assert_equals_cold, incremental

from survey import link as link_module
from survey import render
from survey.cache import BuildCache, Resident
from survey.cli import run_build
from survey.config import load_config
from survey.diagnostics import Report
from survey.model import Corpus
from survey.papers import load_papers
from survey.pipeline import load
from survey.render import Output, narrowed
from survey.signatures import RenderedFrom, Scope
from survey.taxonomy import load_taxonomy


def loaded(project: Path, resident: Resident | None = None) -> Corpus:
    """The corpus, linked afresh; or as survey serve's builder loads it, keeping what it loaded."""
    report = Report()
    cache = BuildCache(project / ".survey-cache", resident) if resident else None
    corpus = load(project / "content", report, cache=cache)
    assert corpus is not None and report.ok, report.lines()
    if cache:
        cache.save("", {})  # the parsed papers stay in `resident`: those not edited are not parsed again
    return corpus


def links(corpus: Corpus) -> dict[str, object]:
    """Everything linking decides, by keys, ids and slugs (comparable across two corpora)."""

    def keys(papers: list) -> list[str]:
        return [p.key for p in papers]

    return {
        "papers": {
            p.key: (
                p.title,
                p.newest_rank,
                [t.id for t in p.topics],
                [a.slug for a in p.authors],
                p.venue_ref.slug if p.venue_ref else None,
                [(r.label, r.paper.key) for r in p.relations],
                keys(p.same_authors),
                keys(p.related),
            )
            for p in corpus.papers
        },
        "topics": {t.id: (keys(t.papers), keys(t.all_papers)) for t in corpus.topics},
        "authors": {a.slug: (a.name, keys(a.papers)) for a in corpus.authors},
        "years": {y.year: keys(y.papers) for y in corpus.years},
        "venues": {v.slug: (v.name, keys(v.papers)) for v in corpus.venues},
    }


def referenced_papers(corpus: Corpus) -> list:
    """Every paper object reachable from the corpus's lists and relations."""
    found = [*corpus.papers]
    for paper in corpus.papers:
        found += [r.paper for r in paper.relations] + paper.same_authors + paper.related
    for holder in [*corpus.topics, *corpus.authors, *corpus.years, *corpus.venues]:
        found += holder.papers
    found += [p for t in corpus.topics for p in t.all_papers]
    return found


@pytest.fixture
def papers(project: Path) -> Path:
    return project / "content/papers"


def relinking_edits(papers: Path) -> list:
    return [
        # a summary edit of a paper other papers relate to
        lambda: edit(papers / "ouyang2022training.yaml", "Fine-tunes a model", "Fine-tunes a language model"),
        # a new title that moves the paper before another of its year ('A Map of Alignment'), on
        # every list it is on
        lambda: edit(papers / "rafailov2023direct.yaml", "'Direct Preference", "'A Direct Preference"),
        # two related papers at once, one of them renamed to come after that one again
        lambda: (
            edit(papers / "rafailov2023direct.yaml", "'A Direct Preference", "'Zeta Preference"),
            edit(papers / "ouyang2022training.yaml", "a language model", "a model"),
        ),
    ]


def test_a_kept_corpus_relinked_after_edits_equals_one_linked_afresh(
    project: Path, papers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    swaps: list[list] = []
    relink = link_module.relink

    def spy(*args: object) -> list | None:
        swapped = relink(*args)  # type: ignore[arg-type]
        swaps.append(swapped or [])
        return swapped

    monkeypatch.setattr(link_module, "relink", spy)
    resident = Resident()
    kept = loaded(project, resident)
    assert resident.corpus is kept
    edited = [{"ouyang2022training"}, {"rafailov2023direct"}, {"ouyang2022training", "rafailov2023direct"}]
    for number, change in enumerate(relinking_edits(papers)):
        change()
        corpus = loaded(project, resident)
        assert corpus is kept, f"edit {number} was linked from scratch, not relinked"
        assert {paper.key for paper in swaps[-1]} == edited[number]
        assert links(corpus) == links(loaded(project)), f"after edit {number}"
        current = {id(p) for p in corpus.papers}
        assert all(id(p) in current for p in referenced_papers(corpus)), f"an old version after edit {number}"


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (("ouyang2022training.yaml", "  - Jeff Wu\n", ""), "an author"),
        (("ouyang2022training.yaml", "year: 2022", "year: 2021"), "the year"),
        (("ouyang2022training.yaml", "venue: NeurIPS 2022", "venue: ICML 2022"), "the venue"),
        (("ouyang2022training.yaml", "topics: [rl]", "topics: [sl]"), "the topics"),
        (("ouyang2022training.yaml", "tags: [rlhf]", "tags: [rlhf, new-tag]"), "the tags"),
        (("rafailov2023direct.yaml", "compares_with: [ouyang", "builds_on: [ouyang"),
         "the relations"),
    ],
)  # fmt: skip
def test_edits_that_change_links_are_linked_from_scratch(
    project: Path, papers: Path, change: tuple[str, str, str], why: str
) -> None:
    resident = Resident()
    kept = loaded(project, resident)
    name, old, new = change
    edit(papers / name, old, new)
    corpus = loaded(project, resident)
    assert corpus is not kept, why
    assert links(corpus) == links(loaded(project)), why


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which lists were made for every paper at once, in order: "same authors" or "related"."""
    kinds: list[str] = []
    neighbour_lists = link_module._neighbour_lists

    def spy(papers: list, find: object, workers: int) -> dict:
        kinds.append("same authors" if "same_author" in find.__qualname__ else "related")  # type: ignore[attr-defined]
        return neighbour_lists(papers, find, workers)

    monkeypatch.setattr(link_module, "_neighbour_lists", spy)
    return kinds


def test_an_author_change_makes_only_the_same_author_lists_again(
    project: Path, papers: Path, made: list[str]
) -> None:
    """Related lists do not depend on authors: the cache's are used, and the result is what
    linking without the cache gives."""

    def with_cache() -> Corpus:
        cache = BuildCache(project / ".survey-cache")
        corpus = load(project / "content", Report(), cache=cache)
        cache.save("", {})
        return corpus

    with_cache()
    assert made == ["same authors", "related"]
    made.clear()
    # an author of another paper
    edit(papers / "ouyang2022training.yaml", "  - Jeff Wu", "  - Paul F. Christiano")
    relinked = with_cache()
    assert made == ["same authors"]
    assert "christiano2017deep" in [p.key for p in relinked.paper_by_key["ouyang2022training"].same_authors]
    assert links(relinked) == links(loaded(project))


@dataclasses.dataclass
class Bundled:
    """The bundled corpus's papers, parsed with `first_cache`, and linking them as a build does."""

    content: Path
    papers: list
    first_cache: BuildCache

    def linked(self, papers: list, cache: BuildCache | None) -> dict[str, object]:
        roots, _ = load_taxonomy(self.content, Report())
        config = load_config(self.content, Report())
        return links(link_module.link(config, self.content, roots, papers, cache, workers=1))


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Bundled:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    cache = BuildCache(tmp_path / ".survey-cache")
    papers = [item.paper for item in load_papers(tmp_path / "content", Report(), cache).loaded]
    return Bundled(tmp_path / "content", papers, cache)


def test_same_author_lists_made_again_in_part_equal_those_made_afresh(
    tmp_path: Path, bundled: Bundled, made: list[str]
) -> None:
    """The bundled corpus, with its shared authors: a few papers at a time get an author of another
    paper, lose one, or change year (a fixed random sequence), or go; each time the lists kept in
    the cache, made again in part, equal those linking without the cache makes."""
    papers, linked, cache = bundled.papers, bundled.linked, bundled.first_cache
    choose = random.Random(11)
    linked(papers, cache)
    cache.save("", {})
    for _ in range(6):
        made.clear()
        for paper in choose.sample(papers, choose.randint(1, 3)):
            change = choose.choice(["co-author", "drop", "year", "remove"])
            if change == "co-author":
                paper.author_names = [*paper.author_names, choose.choice(choose.choice(papers).author_names)]
            elif change == "drop" and len(paper.author_names) > 1:
                paper.author_names = paper.author_names[1:]
            elif change == "year":
                paper.year -= 1
            elif change == "remove":
                papers.remove(paper)
        cache = BuildCache(tmp_path / ".survey-cache")
        got = linked(papers, cache)
        cache.save("", {})
        assert "same authors" not in made  # made again in part, not all of them
        assert got == linked(papers, None)
    assert len(papers) < 270


def test_related_lists_made_again_in_part_equal_those_made_afresh(
    tmp_path: Path, bundled: Bundled, made: list[str]
) -> None:
    """The bundled corpus: one paper at a time changes a topic, a tag or its year, names or drops a
    relation (to a paper of any topic), goes, or comes (a copy under a new key); each time the
    related lists kept in the cache, made again in part where that is quicker, equal those linking
    without the cache makes."""
    papers, linked, cache = bundled.papers, bundled.linked, bundled.first_cache
    topic_ids = sorted({topic for paper in papers for topic in paper.topic_ids})
    tags = sorted({tag for paper in papers for tag in paper.tags})
    choose = random.Random(5)
    linked(papers, cache)
    cache.save("", {})
    in_part = 0
    for round_number in range(40):
        made.clear()
        paper = choose.choice(papers)
        change = choose.choice(["topic", "tag", "year", "relate", "unrelate", "remove", "add"])
        if change == "topic":
            paper.topic_ids = [*paper.topic_ids[1:], choose.choice(topic_ids)]
        elif change == "tag":
            paper.tags = [*paper.tags, choose.choice(tags)] if choose.random() < 0.5 else paper.tags[1:]
        elif change == "year":
            paper.year += choose.choice([-2, 1])
        elif change == "relate":
            showing = [other for other in papers if paper in other.related]  # their lists lose it
            other = choose.choice(showing or [other for other in papers if other is not paper])
            paper.relation_keys = {**paper.relation_keys, "compares_with": [other.key]}
        elif change == "unrelate":
            paper.relation_keys = {}
        elif change == "remove":
            papers = [
                other for other in papers if other is not paper and paper.key not in str(other.relation_keys)
            ]
        else:
            papers = [
                *papers,
                dataclasses.replace(paper, key=f"copy{round_number}-{paper.key}", relation_keys={}),
            ]
        cache = BuildCache(tmp_path / ".survey-cache")
        got = linked(papers, cache)
        cache.save("", {})
        in_part += "related" not in made
        assert got == linked(papers, None), change
    assert in_part >= 20  # most changes made only some lists again


def add_paper(papers: Path, key: str, fields: str) -> None:
    (papers / f"{key}.yaml").write_text(
        f"title: A Paper Called {key}\nsummary: New words here. They matter.\n{fields}\nadded: 2026-11-27\n"
    )


def adding_edits(papers: Path) -> list:
    return [
        # a new author and an existing one, an existing venue and year, a relation to a kept paper
        lambda: add_paper(
            papers,
            "zhang2024new",
            "authors: [Ada Lovelace, Rafael Rafailov]\nyear: 2023\nvenue: NeurIPS 2023\n"
            "topics: [sl, rl]\ntags: [preference-optimisation]\n"
            "relations:\n  builds_on: [rafailov2023direct, ouyang2022training]",
        ),
        # a new year and a new venue, the key before every other; filed under a parent topic's child
        lambda: add_paper(
            papers, "aardvark2026", "authors: [Grace Hopper]\nyear: 2026\nvenue: New Venue\ntopics: [rl]"
        ),
        # two at once, one naming the other, with an edit (a new title) to a kept paper
        lambda: (
            add_paper(papers, "pair2025one", "authors: [Ada Lovelace]\nyear: 2025\ntopics: [sl]"),
            add_paper(
                papers,
                "pair2025two",
                "authors: [Ada Lovelace, Ada Lovelace]\nyear: 2025\ntopics: [sl]\n"
                "relations:\n  compares_with: [pair2025one]",
            ),
            edit(papers / "rafailov2023direct.yaml", "'Direct Preference", "'A Direct Preference"),
        ),
        # a file removed and put back as it was: the parsed paper comes from the cache, linked before
        lambda: None,
    ]


def test_papers_added_are_linked_into_the_kept_corpus_as_linking_afresh_would(
    project: Path, papers: Path
) -> None:
    resident = Resident()
    kept = loaded(project, resident)
    for number, change in enumerate(adding_edits(papers)):
        if number == 3:  # removed: linked from scratch; then put back: relinked
            removed = (papers / "aardvark2026.yaml").read_text()
            (papers / "aardvark2026.yaml").unlink()
            kept = loaded(project, resident)
            (papers / "aardvark2026.yaml").write_text(removed)
        change()
        corpus = loaded(project, resident)
        assert corpus is kept, f"change {number} was linked from scratch, not relinked"
        assert links(corpus) == links(loaded(project)), f"after change {number}"
        current = {id(p) for p in corpus.papers}
        assert all(id(p) in current for p in referenced_papers(corpus)), f"old version after change {number}"


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ("authors: [Ada Lovelace, Ada Lovelacé]\nyear: 2024\ntopics: [sl]", "two new, one address"),
        ("authors: [Jéff Wu]\nyear: 2024\ntopics: [sl]", "a new author with Jeff Wu's address"),
        ("authors: [Ada Lovelace]\nyear: 2024\nvenue: neurips\ntopics: [sl]", "NeurIPS's address"),
    ],
)  # fmt: skip
def test_papers_added_with_a_namesake_are_linked_from_scratch(
    project: Path, papers: Path, fields: str, why: str
) -> None:
    resident = Resident()
    kept = loaded(project, resident)
    add_paper(papers, "zhang2024new", fields)
    corpus = loaded(project, resident)
    assert corpus is not kept, why
    assert links(corpus) == links(loaded(project)), why


def test_a_failed_edit_leaves_nothing_to_relink(project: Path, papers: Path) -> None:
    resident = Resident()
    loaded(project, resident)
    add_paper(papers, "zhang2024new", "authors: [Ada Lovelace]\nyear: 2024\ntopics: [sl]")
    loaded(project, resident)
    duplicate = "title: Training language models to follow instructions with human feedback"
    edit(papers / "zhang2024new.yaml", "title: A Paper Called zhang2024new", duplicate)
    report = Report()
    load(project / "content", report, cache=BuildCache(project / ".survey-cache", resident))
    assert not report.ok and resident.corpus is None  # a duplicate title: nothing kept to relink
    edit(papers / "zhang2024new.yaml", "follow instructions", "follow orders")
    assert links(loaded(project, resident)) == links(loaded(project))


def test_a_resident_builder_relinking_builds_what_a_cold_build_does(
    maintainer: Path, papers: Path, scopes: list[bool]
) -> None:
    project = maintainer
    resident = Resident()
    incremental(project, resident)
    for change in relinking_edits(papers):
        kept = resident.corpus
        change()
        built, _ = incremental(project, resident)
        assert resident.corpus is kept  # relinked
        assert_equals_cold(project, built)
    assert scopes == [True, False, False, False]  # after the first build, only pages around the edits


def test_pages_are_all_looked_at_again_after_a_failed_render_or_a_deleted_file(
    maintainer: Path, papers: Path, scopes: list[bool]
) -> None:
    project = maintainer
    resident = Resident()
    incremental(project, resident)
    template = project / "templates/paper.html"
    good = template.read_text()
    edit(papers / "ouyang2022training.yaml", "Fine-tunes a model", "Fine-tunes a language model")
    template.write_text(good.replace("{{ paper.title }}", "{{ paper.title | no_such_filter }}", 1))
    code = run_build(Path("content"), Path("site"), io.StringIO(), io.StringIO(), resident=resident)
    assert code == 1
    template.write_text(good)
    edit(papers / "rafailov2023direct.yaml", "'Direct Preference", "'A Direct Preference")
    built, _ = incremental(project, resident)  # the site on disk is not what the failed build rendered
    assert_equals_cold(project, built)
    (project / "site/papers/christiano2017deep/index.html").unlink()
    edit(papers / "rafailov2023direct.yaml", "'A Direct Preference", "'Zeta Preference")
    built, _ = incremental(project, resident)  # a file deleted from the site since
    assert_equals_cold(project, built)
    edit(papers / "rafailov2023direct.yaml", "'Zeta Preference", "'Direct Preference")
    built, _ = incremental(project, resident)
    assert_equals_cold(project, built)
    assert scopes == [True, True, True, True, False]


def test_pages_are_all_looked_at_when_another_papers_reference_changed(project: Path, papers: Path) -> None:
    """A paper's formatted reference is on its own page: when one changed for a paper that was not
    edited (it cannot today: labels come from authors and years), no page may be left alone."""
    resident = Resident()  # loads with the cache: papers have content hashes
    before = loaded(project, resident)
    references = {paper.key: {"plain": paper.title, "alpha": paper.title} for paper in before.papers}
    last = RenderedFrom.of(before, "out", "shell", references)
    edit(papers / "ouyang2022training.yaml", "Fine-tunes a model", "Fine-tunes a language model")
    corpus = loaded(project, resident)
    cache = BuildCache(project / ".survey-cache", resident)
    left = render._outputs_outside(corpus, Scope.around(corpus, [corpus.paper_by_key["ouyang2022training"]]))
    for paths in left:  # as if the last build had signed and written every output left alone
        cache.put("pages", f"out|{paths[0]}", "signature")
    output = Output(project / "site", "out", existing={path for paths in left for path in paths}, intact=True)
    own = {**references, "ouyang2022training": {"plain": "new", "alpha": "new"}}
    other = {**references, "christiano2017deep": {"plain": "new", "alpha": "new"}}
    scope, _ = narrowed(corpus, cache, output, last, RenderedFrom.of(corpus, "out", "shell", own))
    assert not scope.everything
    scope, _ = narrowed(corpus, cache, output, last, RenderedFrom.of(corpus, "out", "shell", other))
    assert scope.everything


def test_random_title_edits_of_the_bundled_corpus_build_what_cold_builds_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scopes: list[bool]
) -> None:
    """The real corpus, with its relations, shared authors and related papers: one to three papers
    renamed at a time (a fixed random sequence), each build compared with a cold build."""
    for folder in ("content", "templates", "static"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    resident = Resident()
    incremental(tmp_path, resident)
    choose = random.Random(5)
    papers = sorted((tmp_path / "content/papers").glob("*.yaml"))
    for _ in range(4):
        for path in choose.sample(papers, choose.randint(1, 3)):
            word = choose.choice(["Aardvark", "Zebra", "Middle"])  # first, last or among the others
            renamed = re.sub(
                r"^title: (['\"]?)", rf"title: \g<1>{word} ", path.read_text(), count=1, flags=re.M
            )
            path.write_text(renamed)
        built, _ = incremental(tmp_path, resident)
        assert_equals_cold(tmp_path, built)
    assert scopes.count(False) >= 2  # most of these builds looked only at the pages around the edits


def test_names_in_any_script_get_addresses_spelt_in_ascii(project: Path) -> None:
    """Taking accents off (NFKD) dropped the letters it cannot take apart: 'Łukasz Kaiser' was
    authors/ukasz-kaiser/, a Chinese name authors/x/."""
    names = ["Łukasz Kaiser", "李明", "Søren Straße", "Jörg Müller"]
    listed = "".join(f"  - {name}\n" for name in names[:3])
    edit(project / "content/papers/muller2021bias.yaml", "authors:\n", "authors:\n" + listed)
    report = Report()
    corpus = load(project / "content", report)
    assert report.ok and corpus is not None
    slugs = {author.name: author.slug for author in corpus.authors}
    assert [slugs[name] for name in names] == ["lukasz-kaiser", "liming", "soren-strasse", "jorg-muller"]
