"""pybtex's plain style for the BibTeX entries we write, without evaluating its templates per entry.

pybtex formats an entry by evaluating a tree of template nodes over its rich text: about 0.9 ms an
entry, the largest single part of a cold build at 10,000 papers. Our entries are narrow
(`cite.bibtex_fields`: authors, a title, one venue field, a year, a DOI and a URL), and much of a
reference recurs across them. So pybtex still formats each distinct name once, and each venue of
each entry type once (the rest of an entry whose author and title are one letter each, with a
stand-in year replaced by each entry's own); names without LaTeX are even put together here. What
is left is put together the way pybtex's `sentence`, `join`, `names` and `together` templates do it:
the title's case (a capital first letter, the rest lower case but for braced words), a period
unless the text already ends a sentence, non-breaking spaces in names, and the links. A title
holding anything LaTeX would change on the way (a `--` that becomes a dash, quotes, `~`, a command,
braces inside a word), another field or another entry type is left to pybtex: `format` returns
None and the caller formats the entry with `pybtex`. tests/test_plainstyle.py holds both equal, byte
for byte.
"""

from __future__ import annotations

import re
from html import escape as html_escape
from typing import Any

TYPES = {"article", "inproceedings", "incollection", "book", "techreport", "misc"}
VENUE_FIELDS = ("journal", "booktitle", "publisher", "institution", "howpublished")
EMPHASISED_TITLE = {"book"}  # pybtex's btitle: in italics, its case kept
TERMINATORS = (".", "?", "!")
ANY_YEAR = "9876"  # the year a venue is formatted with, then replaced by each entry's year
ANY_VENUE = "Qzxjv"  # likewise the venue, when its text passes through pybtex unchanged
# Venue text that pybtex's LaTeX reading and its HTML backend leave exactly as it is (with no `--`
# nor two spaces in a row, see _LATEX_CHANGES): "arXiv preprint arXiv:2203.02155", one per paper.
_VERBATIM_VENUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .,:;()/-]*")
TIE = "\x00"  # pybtex's non-breaking space in a name, while its length still counts
# What latexcodec turns into other characters (dashes, quotes, inverted marks, a tie, one space for
# two), and any LaTeX command but the escapes `cite.escape` writes for & % # _ (pybtex shows `\$` as is).
_LATEX_CHANGES = re.compile(r"--|''|``|,,|!`|\?`|~|  |\\[^&%#_]|\\$")
_ESCAPED = re.compile(r"\\([&%#_])")
_BRACES = re.compile(r"[{}\\&%#_]")  # in a name: LaTeX groups, commands and escapes, left to pybtex
_PROTECTED = '<span class="bibtex-protected">{}</span>'


class PlainStyle:
    """Formats entries as pybtex's plain style does, in HTML; one instance per run of entries."""

    def __init__(self) -> None:
        # pybtex's own classes, by import: looking them up by plugin name (find_plugin) reads every
        # installed package's entry points, 0.03-0.05 s of a one-paper edit, and would take another
        # package's "plain" if one registered it. The names, labels and sorting are plain's defaults.
        from pybtex.backends.html import Backend
        from pybtex.style.formatting.plain import Style
        from pybtex.style.labels.number import LabelStyle
        from pybtex.style.names.plain import NameStyle
        from pybtex.style.sorting.author_year_title import SortingStyle

        self.style = Style(label_style=LabelStyle, name_style=NameStyle, sorting_style=SortingStyle)
        self.backend = Backend()
        self.names: dict[str, tuple[str, bool]] = {}  # str(person): (HTML, ends a sentence)
        self.venues: dict[tuple[str, str, str, str], str | None] = {}  # after the title, before the links

    def format(self, entry: Any) -> str | None:
        """The entry as pybtex's plain style renders it in HTML, or None when pybtex must do it."""
        fields = entry.fields
        if entry.type not in TYPES or set(fields) - {"title", "year", "doi", "url", *VENUE_FIELDS}:
            return None
        authors = self._authors(entry.persons.get("author", []))
        title = _title(fields.get("title", ""), entry.type in EMPHASISED_TITLE)
        venue = self._venue(entry.type, fields)
        if not authors or title is None or venue is None:
            return None
        blocks = [authors, title, venue, _links(fields.get("url", ""), fields.get("doi", ""))]
        return " ".join(block for block in blocks if block).replace("\n", " ")

    def pybtex(self, entry: Any) -> str:
        """The entry formatted by pybtex itself, for what `format` leaves to it."""
        return self.style.format_entry("", entry).text.render(self.backend).replace("\n", " ")

    def _authors(self, persons: list[Any]) -> str:
        """pybtex's `sentence[names(sep=", ", sep2=" and ", last_sep=", and ")]`."""
        names = [self._name(person) for person in persons]
        names = [name for name in names if name[0]]
        if not names:
            return ""
        parts = [html for html, _ in names]
        if len(parts) == 1:
            joined = parts[0]
        elif len(parts) == 2:
            joined = " and ".join(parts)
        else:
            joined = ", ".join(parts[:-1]) + ", and " + parts[-1]
        return joined if names[-1][1] else joined + "."

    def _name(self, person: Any) -> tuple[str, bool]:
        key = str(person)
        if key not in self.names:
            self.names[key] = _plain_name(person) or self._pybtex_name(person)
        return self.names[key]

    def _pybtex_name(self, person: Any) -> tuple[str, bool]:
        text = self.style.format_name(person, self.style.abbreviate_names).format_data(None)
        html = text.render(self.backend) if text else ""
        return html, bool(text) and text.endswith(TERMINATORS)

    def _venue(self, kind: str, fields: Any) -> str | None:
        """What pybtex writes after the title for this type, venue and year (links aside).

        Formatted once per entry type and venue field, with a stand-in year then replaced, as years
        are plain digits; a venue whose text pybtex passes through unchanged is a stand-in too (an
        arXiv-only paper's journal is "arXiv preprint arXiv:<its id>", each formatted anew before).
        """
        name = next((field for field in VENUE_FIELDS if field in fields), "")
        value, year = fields.get(name, ""), fields.get("year", "")
        any_year = year.isdigit() and ANY_YEAR not in value
        any_venue = bool(_VERBATIM_VENUE.fullmatch(value)) and not _LATEX_CHANGES.search(value)
        # a venue that ends a sentence (inproceedings: "In <em>Proc. of X.</em> 2022.") takes no period
        any_venue = any_venue and not value.endswith((" ", *TERMINATORS)) and ANY_VENUE not in value
        key = (kind, name, ANY_VENUE if any_venue else value, ANY_YEAR if any_year else year)
        if key not in self.venues:
            self.venues[key] = self._format_venue(*key)
        html = self.venues[key]
        if html is not None and any_year:
            html = _put(html, ANY_YEAR, year)
        if html is not None and any_venue:
            html = _put(html, ANY_VENUE, value)
        return html

    def _format_venue(self, kind: str, name: str, value: str, year: str) -> str | None:
        from pybtex.database import Entry, Person

        fields = {"title": "T", "year": year} | ({name: value} if name else {})
        entry = Entry(kind, fields=fields, persons={"author": [Person("A")]})
        entry.key = "venue"
        html = self.style.format_entry("", entry).text.render(self.backend)
        blocks = html.split("\n", 2)  # the author's block and the title's, then the rest
        return blocks[2] if len(blocks) == 3 else None


def _put(html: str, stand_in: str, real: str) -> str | None:
    """The stand-in replaced by the real text, or None if the stand-in is not there exactly once."""
    return html.replace(stand_in, real) if html.count(stand_in) == 1 else None


def _title(latex: str, emphasised: bool) -> str | None:
    """pybtex's `sentence[field("title", apply_func=capitalize)]` (or `sentence[tag("em")[...]]`)."""
    if not latex or _LATEX_CHANGES.search(latex):
        return None
    parts: list[tuple[bool, str]] = []  # (braced, text): a braced word, or the plain text between

    def add_plain(text: str) -> None:
        if parts and not parts[-1][0]:
            parts[-1] = (False, parts[-1][1] + text)
        else:
            parts.append((False, text))

    for index, word in enumerate(latex.split(" ")):
        braced = word.startswith("{") and word.endswith("}")
        text = _ESCAPED.sub(r"\1", word[1:-1] if braced else word)
        if not text or "{" in text or "}" in text or "\\" in text:
            return None
        if index:
            add_plain(" ")
        if braced:
            parts.append((True, text))
        else:
            add_plain(text)
    if not emphasised:
        parts = _capitalised(parts)
    html = "".join(_PROTECTED.format(_escape(text)) if braced else _escape(text) for braced, text in parts)
    if emphasised:
        html = f"<em>{html}</em>"
    return html if parts[-1][1].endswith(TERMINATORS) else html + "."


def _capitalised(parts: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    """Rich text's capitalize(): the first character upper case, plain text after it lower case."""
    result = []
    for index, (braced, text) in enumerate(parts):
        if braced:
            result.append((braced, text))
        elif index == 0:
            result.append((braced, text[:1].upper() + text[1:].lower()))
        else:
            result.append((braced, text.lower()))
    return result


def _links(url: str, doi: str) -> str:
    """pybtex's web references: `URL: <a>url</a>` and `<a>doi:…</a>`, then a period."""
    links = []
    if url:
        links.append(f'URL: <a href="{url}">{_escape(url)}</a>')
    if doi:
        links.append(f'<a href="https://doi.org/{doi}">doi:{_escape(doi)}</a>')
    if not links:
        return ""
    last = doi or url
    return ", ".join(links) + ("" if last.endswith(TERMINATORS) else ".")


def _plain_name(person: Any) -> tuple[str, bool] | None:
    """pybtex's plain name style, `{ff~}{vv~}{ll}{, jj}`, for names without LaTeX: (HTML, ends a sentence).

    Words are kept together as pybtex's `together` does: a tie (non-breaking space) before the last
    word of each part and after a first word shorter than three characters, and after the first
    names and the "von" part when they are shorter than three characters in all.
    """
    parts = [person.first_names + person.middle_names, person.prelast_names, person.last_names]
    words = [*parts[0], *parts[1], *parts[2], *person.lineage_names]
    if not words or any(not word or _LATEX_CHANGES.search(word) or _BRACES.search(word) for word in words):
        return None
    first, von, last = (_together(part) for part in parts)
    text = "".join(part + (TIE if len(part) < 3 else " ") for part in (first, von) if part) + last
    if person.lineage_names:
        text += ", " + _together(person.lineage_names)
    return _escape(text).replace(TIE, "&nbsp;"), text.endswith(TERMINATORS)


def _together(words: list[str]) -> str:
    """pybtex's `together(last_tie=True)`: words joined by spaces, with ties where pybtex puts them."""
    if len(words) <= 2:
        return TIE.join(words)
    after_first = TIE if len(words[0]) < 3 else " "
    return words[0] + after_first + " ".join(words[1:-1]) + TIE + words[-1]


def _escape(text: str) -> str:
    """pybtex's HTML backend escapes &, < and > (xml.sax.saxutils.escape, whose import costs 8 ms)."""
    return html_escape(text, quote=False)
