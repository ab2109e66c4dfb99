"""Markdown to safe HTML, with links between pages of the site.

Summaries and topic introductions may link inside the site with `[text](paper:KEY)` and
`[text](topic:ID)`. Those become site-root-relative URLs marked with `@/`, which the
template filter `relink` turns into paths relative to the page that shows them. The HTML
is cleaned with nh3 to a small allow-list: text from contributors never carries scripts,
styles or event handlers, and links only use http(s), mailto or relative URLs.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "li", "ol", "p",
    "pre", "strong", "sub", "sup", "ul", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}
SITE_PREFIX = "@/"

_INTERNAL_LINK = re.compile(r"\]\(\s*(paper|topic):([^)\s]*)\s*\)")
_TARGET_URL = {"paper": "papers/{}/index.html", "topic": "topics/{}/index.html"}


@dataclass(frozen=True)
class Reference:
    """An internal link found in Markdown: `kind` is 'paper' or 'topic'."""

    kind: str
    target: str
    line_offset: int  # 0 for the first line of the text


@dataclass
class Rendered:
    html: str
    references: list[Reference] = field(default_factory=list)


_converter = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
# Most summaries use none of what "extra" adds (tables, footnotes, abbreviations, attribute lists,
# definition lists, fenced code, Markdown inside HTML): without a sign of that syntax, a converter
# without those extensions gives the same HTML, a quarter sooner (tests/test_markup.py compares them).
_lean_converter = markdown.Markdown(extensions=["sane_lists"], output_format="html")
_EXTRA_SYNTAX = re.compile(r"[|<{}]|```|~~~|\[\^|\*\[|^[ \t]*:|///Footnotes", re.MULTILINE)


def _without_unused(converter: markdown.Markdown) -> markdown.Markdown:
    """The converter without what cannot match prose (see _NOT_PROSE). A name another version of
    python-markdown lacks is left: that version does not try it anyway."""
    unused = (
        (converter.inlinePatterns, (
            "backtick", "escape", "reference", "link", "image_link", "image_reference",
            "short_reference", "short_image_ref", "autolink", "automail", "html", "entity",
        )),
        (converter.parser.blockprocessors, ("hashheader", "quote", "reference")),
        (converter.preprocessors, ("html_block",)),
    )  # fmt: skip
    for registry, names in unused:
        for name in names:
            registry.deregister(name, strict=False)
    return converter


# Most summaries are prose with emphasis and lists. Each pattern and processor _without_unused
# takes out needs one of the characters of _NOT_PROSE to match anything (code spans a backtick,
# escapes a backslash, links, images and references a bracket, autolinks and HTML an angle
# bracket, entities an ampersand, headings a hash, quotes a '>'); without any of them, a converter
# that does not try them gives the same HTML in half the time (tests/test_markup.py compares them).
_prose_converter = _without_unused(markdown.Markdown(extensions=["sane_lists"], output_format="html"))
_NOT_PROSE = re.compile(r"[`\\\[<&#>]")


def _converter_for(source: str) -> markdown.Markdown:
    """The converter with the least to try that renders `source` as the full one would."""
    if _EXTRA_SYNTAX.search(source):
        return _converter
    return _lean_converter if _NOT_PROSE.search(source) else _prose_converter


def render_markdown(text: str) -> Rendered:
    """Render Markdown to sanitised HTML and list the internal links it makes."""
    references: list[Reference] = []

    def internal(match: re.Match[str]) -> str:
        kind, target = match.group(1), match.group(2)
        references.append(Reference(kind, target, text.count("\n", 0, match.start())))
        return f"]({SITE_PREFIX}{_TARGET_URL[kind].format(target)})"

    source = _INTERNAL_LINK.sub(internal, text)
    html = _converter_for(source).reset().convert(source)
    return Rendered(sanitise(html), references)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )


def relink(html: str, root: str) -> str:
    """Make `@/`-marked site links relative to a page whose way back to the root is `root`."""
    return html.replace(f'href="{SITE_PREFIX}', f'href="{root}')


def plain_text(html: str) -> str:
    """Visible text of a fragment of HTML, for descriptions and search snippets."""
    return html_lib.unescape(" ".join(nh3.clean(html, tags=set()).split()))
