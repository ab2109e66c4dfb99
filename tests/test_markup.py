"""Markdown to HTML: the lean converter (without python-markdown's "extra") gives the same HTML
whenever it is chosen, and every piece of "extra" syntax sends a text to the full converter."""

from __future__ import annotations

import random

import pytest
import yaml
from conftest import ROOT

from survey import markup

# One example of each extension "extra" adds, each rendered differently without it.
EXTRA_EXAMPLES = {
    "tables": "a | b\n--- | ---\n1 | 2",
    "escaped bar (tables)": "a \\| b",
    "footnotes": "A claim.[^1]\n\n[^1]: Its source.",
    "abbreviations": "Uses HTML.\n\n*[HTML]: HyperText Markup Language",
    "attribute lists": "A paragraph.\n{: .note }",
    "attribute list on a heading": "## Heading {#anchor}",
    "definition lists": "Term\n: Its definition.",
    "indented definition": "Term\n   : Its definition.",
    "fenced code": "```\ncode\n```",
    "fenced code with tildes": "~~~\ncode\n~~~",
    "Markdown inside HTML": '<div markdown="1">*emphasis*</div>',
}

# Pieces of Markdown, with and without "extra" syntax, strung together at random below.
PIECES = [
    "word", "**strong**", "*emphasis*", "_under_", "`code`", "[link](https://example.org)",
    "[paper](@/papers/key/index.html)", "\n\n", "\n", "- item", "1. first", "* star", "+ plus",
    "> quote", "# Heading", "Setext\n===", "    indented", "---", "&amp;", "&", "a:b", "1)", "...",
    "\\*", "\\", "https://example.org", "<https://example.org>", "![image](x.png)", "[", "]", "(", ")",
    "'", '"', "  \n", "\t", ": colon", "x\n: y", "    : z", "|", "{", "}", "<b>b</b>",
    *EXTRA_EXAMPLES.values(),
]  # fmt: skip


def full_html(text: str) -> str:
    return markup._converter.reset().convert(text)


def lean_html(text: str) -> str:
    return markup._lean_converter.reset().convert(text)


@pytest.mark.parametrize("name", EXTRA_EXAMPLES)
def test_each_extra_syntax_goes_to_the_full_converter(name: str) -> None:
    text = EXTRA_EXAMPLES[name]
    assert full_html(text) != lean_html(text)  # the example needs its extension
    assert markup._EXTRA_SYNTAX.search(text), f"{name} would be rendered without its extension"


def test_texts_without_extra_syntax_render_the_same_either_way() -> None:
    chooser = random.Random(11)
    compared = 0
    for _ in range(8000):
        count = chooser.randint(1, 12)
        text = "".join(chooser.choice(["", " ", "\n"]) + chooser.choice(PIECES) for _ in range(count))
        if markup._EXTRA_SYNTAX.search(text):
            continue
        compared += 1
        assert lean_html(text) == full_html(text), repr(text)
    assert compared > 1000


def test_the_bundled_corpus_renders_as_with_the_full_converter_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    papers = (ROOT / "content/papers").glob("*.yaml")
    texts = [yaml.safe_load(path.read_text(encoding="utf-8"))["summary"] for path in papers]
    texts += [path.read_text(encoding="utf-8") for path in (ROOT / "content/topics").glob("*.md")]
    chosen = [markup.render_markdown(text).html for text in texts]
    monkeypatch.setattr(markup, "_lean_converter", markup._converter)
    assert [markup.render_markdown(text).html for text in texts] == chosen
    assert len(texts) > 250
