"""Markdown to HTML: the lean converter (without python-markdown's "extra") and the prose converter
(without the patterns prose cannot match either) give the same HTML as the full one whenever they
are chosen, and every piece of syntax they leave out sends a text to a converter that has it."""

from __future__ import annotations

import random
from collections import Counter

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

# One example of each pattern or processor the prose converter leaves out, each rendered differently
# without it. (Entities too send a text to the lean converter, though no difference without their
# pattern was found: python-markdown's own escaping leaves them whole.)
NOT_PROSE_EXAMPLES = {
    "code span": "a `b` c",
    "escape": "a \\*b\\* c",
    "link": "[a](https://example.org)",
    "site link": "[a](@/papers/key/index.html)",
    "image": "![a](x.png)",
    "reference link": "[a][r]\n\n[r]: https://example.org",
    "short reference": "[r]\n\n[r]: https://example.org",
    "reference definition alone": "[r]: https://example.org",
    "autolink": "<https://example.org>",
    "automail": "<someone@example.org>",
    "inline HTML": "a <b>b</b> c",
    "HTML block": "<div>\n*a*\n</div>",
    "heading": "# Heading",
    "closed heading": "text\n## Heading ##",
    "quote": "> quoted",
}

# Pieces of Markdown, with and without "extra" syntax, strung together at random below.
PIECES = [
    "word", "**strong**", "*emphasis*", "_under_", "`code`", "[link](https://example.org)",
    "[paper](@/papers/key/index.html)", "\n\n", "\n", "- item", "1. first", "* star", "+ plus",
    "> quote", "# Heading", "Setext\n===", "    indented", "---", "&amp;", "&", "a:b", "1)", "...",
    "\\*", "\\", "https://example.org", "<https://example.org>", "![image](x.png)", "[", "]", "(", ")",
    "'", '"', "  \n", "\t", ": colon", "x\n: y", "    : z", "|", "{", "}", "<b>b</b>",
    *EXTRA_EXAMPLES.values(), *NOT_PROSE_EXAMPLES.values(),
]  # fmt: skip
# The same without any sign of what the prose converter leaves out: emphasis, lists, line breaks,
# rules, indented code, setext headings and punctuation, which it must render as the full one does.
PROSE_PIECES = [piece for piece in PIECES if not markup._NOT_PROSE.search(piece)] + [
    "__strong__", "***both***", "a*b*c", "a_b_c", "* * *", "- - -", "2. second", "10) tenth",
    "Setext\n---", "  - nested", "        deeper", "    code line", "!", "(a)", "!(x)", "]", "=",
]  # fmt: skip


def full_html(text: str) -> str:
    return markup._converter.reset().convert(text)


def lean_html(text: str) -> str:
    return markup._lean_converter.reset().convert(text)


def prose_html(text: str) -> str:
    return markup._prose_converter.reset().convert(text)


@pytest.mark.parametrize("name", EXTRA_EXAMPLES)
def test_each_extra_syntax_goes_to_the_full_converter(name: str) -> None:
    text = EXTRA_EXAMPLES[name]
    assert full_html(text) != lean_html(text)  # the example needs its extension
    assert markup._EXTRA_SYNTAX.search(text), f"{name} would be rendered without its extension"


@pytest.mark.parametrize("name", NOT_PROSE_EXAMPLES)
def test_each_syntax_prose_lacks_goes_to_a_converter_with_it(name: str) -> None:
    text = NOT_PROSE_EXAMPLES[name]
    assert prose_html(text) != lean_html(text)  # the example needs what prose leaves out
    assert markup._converter_for(text) is not markup._prose_converter


def test_every_chosen_converter_renders_as_the_full_one() -> None:
    chooser = random.Random(11)
    chosen: Counter[str] = Counter()
    names = {id(markup._lean_converter): "lean", id(markup._prose_converter): "prose"}
    for _ in range(12000):
        count = chooser.randint(1, 12)
        pieces = PIECES if chooser.random() < 0.5 else PROSE_PIECES
        text = "".join(chooser.choice(["", " ", "\n"]) + chooser.choice(pieces) for _ in range(count))
        converter = markup._converter_for(text)
        if converter is markup._converter:
            continue
        chosen[names[id(converter)]] += 1
        assert converter.reset().convert(text) == full_html(text), repr(text)
    assert chosen["lean"] > 500 and chosen["prose"] > 1000, chosen


def test_the_bundled_corpus_renders_as_with_the_full_converter_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    papers = (ROOT / "content/papers").glob("*.yaml")
    texts = [yaml.safe_load(path.read_text(encoding="utf-8"))["summary"] for path in papers]
    texts += [path.read_text(encoding="utf-8") for path in (ROOT / "content/topics").glob("*.md")]
    chosen = [markup.render_markdown(text).html for text in texts]
    monkeypatch.setattr(markup, "_lean_converter", markup._converter)
    monkeypatch.setattr(markup, "_prose_converter", markup._converter)
    assert [markup.render_markdown(text).html for text in texts] == chosen
    assert len(texts) > 250
