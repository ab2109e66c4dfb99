"""References formatted without pybtex's templates equal pybtex's own, byte for byte (property-based)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cite import plain_pybtex

from survey.cite import pybtex_entry
from survey.diagnostics import Report
from survey.pipeline import load
from survey.plainstyle import PlainStyle


def both(papers) -> tuple[list[str | None], list[str]]:  # type: ignore[no-untyped-def]
    entries = [pybtex_entry(paper) for paper in papers]
    plain = PlainStyle()
    return [plain.format(entry) for entry in entries], [plain_pybtex(paper) for paper in papers]


def test_bundled_corpus_formats_as_pybtex_does(corpus) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = both(corpus.papers)
    assert sum(html is None for html in ours) <= len(ours) // 20  # nearly all take the quick way
    for paper, mine, pybtex in zip(corpus.papers, ours, theirs, strict=True):
        assert mine is None or mine == pybtex, paper.key


def test_synthetic_corpus_formats_as_pybtex_does(tmp_path: Path) -> None:
    """Accented names from LaTeX, recurring venues and years, several entry types."""
    generator = ROOT / "benchmarks" / "generate.py"
    subprocess.run([sys.executable, str(generator), "400", str(tmp_path)], check=True, capture_output=True)
    corpus = load(tmp_path, Report(), workers=1)
    assert corpus is not None
    ours, theirs = both(corpus.papers)
    assert sum(html is None for html in ours) <= len(ours) // 20
    assert [mine or pybtex for mine, pybtex in zip(ours, theirs, strict=True)] == theirs


WORDS = [
    "alignment", "RLHF", "GPT-4", "Don't", "model's", "R&D", "100%", "C#", "snake_case", "a", "of", "x--y",
    "``quoted''", "$x$", "~", "{", "}", "\\relax", "Why?", "stop.", "now!", "É", "çà", "ŁÓDŹ", "Σίσυφος",
    "naïve", "<b>", '"q"', "l'été", "iPhone", "3D", "...", "-", ",", ",,", "!`", "?`", "'", "`",
]  # fmt: skip
NAME_WORDS = ["Ada", "Lovelace", "A.", "Li", "Wu", "Jean-Pierre", "O'Brien", "Müller", "de", "van", "der",
              "Jr.", "III", "la", "Fran\\c{c}ois", "{Big Org}", "X", "Żółć", "Ng", "al-Haytham"]  # fmt: skip
name = st.one_of(
    st.lists(st.sampled_from(NAME_WORDS), min_size=1, max_size=4).map(" ".join),
    st.builds(lambda last, first: f"{last}, {first}", *[st.sampled_from(NAME_WORDS)] * 2),
    st.builds(
        lambda last, jr, first: f"{last}, {jr}, {first}",
        st.sampled_from(NAME_WORDS), st.sampled_from(["Jr.", "III"]), st.sampled_from(NAME_WORDS),
    ),
)  # fmt: skip
VENUES = ["", "arXiv", "NeurIPS 2022", "Journal of AI Research", "Proc. of X.", "R&D Lab", "A -- B",
          "{Nature}", "Viking", "Why?", "9876 Press", "arXiv preprint arXiv:2203.02155", "Proc. of X",
          "A - B", "Findings (ACL)", "A/B: C; D", "2nd Workshop, 2023", "Qzxjv", "x--y z"]  # fmt: skip
url = st.one_of(
    st.just(""),
    st.builds(lambda tail: f"https://example.org/{tail}", st.text("abz09/?&=.-_%<>!", max_size=12)),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join),
    authors=st.lists(name, min_size=1, max_size=5),
    et_al=st.booleans(),
    year=st.integers(1950, 2030),
    venue=st.sampled_from(VENUES),
    bib_type=st.sampled_from(["", "article", "inproceedings", "incollection", "book", "techreport", "misc"]),
    arxiv=st.sampled_from(["", "2203.02155"]),
    doi=st.sampled_from(["", "10.1/abc", "10.1/a&b", "10.1/end."]),
    link=url,
)
def test_any_entry_formats_as_pybtex_does(
    corpus, title, authors, et_al, year, venue, bib_type, arxiv, doi, link
) -> None:  # type: ignore[no-untyped-def]
    paper = dataclasses.replace(
        corpus.papers[0], title=title, author_names=authors, et_al=et_al, year=year, venue=venue,
        bib_type=bib_type, arxiv=arxiv, doi=doi, url=link,
    )  # fmt: skip
    expected = plain_pybtex(paper)  # never raises: our entries hold no stray braces
    mine = PlainStyle().format(pybtex_entry(paper))
    assert mine is None or mine == expected


def test_plain_entries_take_the_quick_way(corpus) -> None:  # type: ignore[no-untyped-def]
    """The property test above would pass if nothing took the quick way: ordinary entries must."""
    plain = PlainStyle()
    papers = [dataclasses.replace(corpus.papers[0], bib_type=kind) for kind in
              ("article", "inproceedings", "misc", "book", "incollection", "techreport")]  # fmt: skip
    assert all(plain.format(pybtex_entry(paper)) for paper in papers)


@pytest.mark.parametrize("title", ["A -- B", "``Quoted''", "Costs \\$5", "x~y", "Em---dash"])
def test_titles_latex_would_change_are_left_to_pybtex(corpus, title: str) -> None:  # type: ignore[no-untyped-def]
    paper = dataclasses.replace(corpus.papers[0], title=title)
    assert PlainStyle().format(pybtex_entry(paper)) is None


def test_a_venue_pybtex_leaves_as_written_is_formatted_once(corpus) -> None:  # type: ignore[no-untyped-def]
    """An arXiv-only paper's journal is "arXiv preprint arXiv:<its id>", one venue per paper: pybtex
    formatted each anew (1.4 s of a cold build's 31 s of CPU at 10,000 papers, one process)."""
    plain = PlainStyle()
    papers = [
        dataclasses.replace(
            corpus.papers[0], venue="arXiv", bib_type="", arxiv=f"2301.{n:05d}", doi="", year=2020 + n % 4
        )
        for n in range(40)
    ]
    entries = [pybtex_entry(paper) for paper in papers]
    assert all(
        f"arXiv preprint arXiv:2301.{n:05d}" in entry.fields["journal"] for n, entry in enumerate(entries)
    )
    ours = [plain.format(entry) for entry in entries]
    assert ours == [plain_pybtex(paper) for paper in papers]
    assert len(plain.venues) == 1
