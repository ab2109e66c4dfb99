"""References formatted by pybtex, as they appear on paper pages."""

from __future__ import annotations

from pybtex import richtext
from pybtex.plugin import find_plugin

from survey.cite import _format_references, pybtex_entry


def plain_pybtex(paper) -> str:  # type: ignore[no-untyped-def]
    """The reference as pybtex formats it on its own, with nothing remembered between entries."""
    style = find_plugin("pybtex.style.formatting", "plain")()
    backend = find_plugin("pybtex.backends", "html")()
    return style.format_entry("", pybtex_entry(paper)).text.render(backend).replace("\n", " ")


def test_references_equal_pybtex_formatting_each_entry_alone(corpus) -> None:  # type: ignore[no-untyped-def]
    papers = corpus.papers
    formatted = _format_references([(paper.key, paper) for paper in papers], lambda count: None)
    assert len(formatted) == len(papers) > 100
    for paper in papers:
        html, label = formatted[paper.key]
        assert html == plain_pybtex(paper), paper.key
        assert label


def test_pybtex_is_left_as_it_was(corpus) -> None:  # type: ignore[no-untyped-def]
    before = richtext.Text.__dict__["from_latex"]
    _format_references([(paper.key, paper) for paper in corpus.papers[:5]], lambda count: None)
    assert richtext.Text.__dict__["from_latex"] is before
    assert richtext.Text.from_latex("A {B}").render_as("text") == "A B"
