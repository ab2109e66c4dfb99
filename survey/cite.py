"""Citations: the BibTeX entry of a paper, in standard fields, under our key."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from survey.cache import BuildCache, digest
from survey.model import Paper
from survey.parallel import Tick, share, split_work, ticking
from survey.plainstyle import PlainStyle
from survey.progress import Progress, no_progress

JOURNALS = re.compile(
    r"^(TACL|TMLR|JMLR|Science|Nature|Distill|Minds and Machines|ACM Computing Surveys"
    r"|Transactions\b|Journal\b|.*\bJournal\b|.*\bReview\b)",
)
CONFERENCES = re.compile(
    r"\b(NeurIPS|NIPS|ICML|ICLR|ACL|EMNLP|NAACL|EACL|AACL|COLING|AAAI|IJCAI|AIES|FAccT|CVPR"
    r"|ICCV|ECCV|KDD|WWW|USENIX|CCS|S&P|NDSS|AGI|CoNLL|SIGIR|UAI|AISTATS|COLM|Workshop|Conference"
    r"|Proceedings|Findings)\b"
)
_SPECIAL = re.compile(r"([&%$#_])")
_UNSAFE = re.compile(r"[{}\\]")
_AND = re.compile(r"\sand\s", re.IGNORECASE)  # what separates two names in a BibTeX author list


def escape(text: str) -> str:
    """Text made safe for a BibTeX value: braces and backslashes (never legitimate in our already
    decoded metadata, and able to unbalance an entry) are dropped; LaTeX specials are escaped."""
    return _SPECIAL.sub(r"\\\1", _UNSAFE.sub("", text))


def bibtex_names(paper: Paper) -> list[str]:
    """The authors as BibTeX names, with `others` for the unchecked rest. A name holding the word
    "and" (an organisation's) is braced whole: BibTeX would read it as two people."""
    names = [escape(name) for name in paper.author_names]
    names = [f"{{{name}}}" if _AND.search(name) else name for name in names]
    return names + (["others"] if paper.et_al else [])


def protect_case(title: str) -> str:
    """Brace words with inner capitals (RLHF, GPT-4, TruthfulQA) so styles keep their case."""
    return " ".join(f"{{{word}}}" if any(c.isupper() for c in word[1:]) else word for word in title.split())


# The BibTeX field that holds the venue, for each entry type we write. pybtex's styles (and BibTeX's)
# refuse an entry without it, so a pasted type is kept only when the paper has a venue to put there.
VENUE_FIELD = {
    "article": "journal", "inproceedings": "booktitle", "incollection": "booktitle",
    "book": "publisher", "techreport": "institution", "misc": "howpublished",
}  # fmt: skip


def entry_type(paper: Paper) -> str:
    """The BibTeX entry type: the pasted one when its venue field can be filled, else inferred."""
    if paper.bib_type in VENUE_FIELD and _venue_fits(paper, paper.bib_type):
        return paper.bib_type
    venue = paper.venue
    if is_preprint(paper):
        return "article" if paper.arxiv else "misc"
    if JOURNALS.match(venue):
        return "article"
    if CONFERENCES.search(venue):
        return "inproceedings"
    return "misc"


def _venue_fits(paper: Paper, kind: str) -> bool:
    if kind == "misc":
        return True
    if kind == "article":
        return bool(paper.arxiv) or not is_preprint(paper)
    return not is_preprint(paper)


def bibtex_fields(paper: Paper) -> list[tuple[str, str]]:
    kind = entry_type(paper)
    authors = bibtex_names(paper)
    fields = [("title", protect_case(escape(paper.title))), ("author", " and ".join(authors))]
    if kind == "article" and is_preprint(paper):
        fields.append(("journal", escape(f"arXiv preprint arXiv:{paper.arxiv}")))
    elif not is_preprint(paper):
        fields.append((VENUE_FIELD[kind], escape(paper.venue)))
    fields.append(("year", str(paper.year)))
    if paper.doi:
        fields.append(("doi", url_safe(paper.doi)))
    link = paper.url or (f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else "")
    if link:
        fields.append(("url", url_safe(link)))
    return fields


def url_safe(url: str) -> str:
    """Percent-encode the characters that would break a BibTeX value."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def bibtex_entry(paper: Paper) -> str:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in bibtex_fields(paper))
    return f"@{entry_type(paper)}{{{paper.key},\n{body}\n}}\n"


PARTICLES = {"van", "von", "de", "di", "da", "der", "den", "du", "le", "la", "del", "della", "dos", "ter"}


def split_name(name: str) -> tuple[str, str]:
    """("Given", "Family") from "Given Family", keeping particles with the family name."""
    words = name.split()
    if len(words) == 1:
        return "", name
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def is_preprint(paper: Paper) -> bool:
    return not paper.venue or paper.venue.lower() == "arxiv"


def formatted_references(
    papers: list[Paper], cache: BuildCache | None = None, workers: int = 1, progress: Progress = no_progress
) -> dict[str, dict[str, str]]:
    """{key: {"plain": html, "alpha": html}}: each reference formatted by pybtex's styles.

    pybtex's plain and alpha styles share one entry template (unsrt) and differ only in the
    label, so each entry is formatted once, with its own alpha label (e.g. [OWJ+22]); both are
    cached by the entry's BibTeX and made on every core when many are new. Labels that collide
    across the corpus are then told apart (OWJ+22a, OWJ+22b) the way pybtex's alpha style does.
    """
    cache = cache or BuildCache(None)
    cache_keys = [digest(paper.bibtex.encode()) for paper in papers]
    done: dict[str, tuple[str, str]] = {key: cache.get("references", key) for key in cache_keys}
    missing = [(key, paper) for key, paper in zip(cache_keys, papers, strict=True) if done[key] is None]
    parts: list[dict[str, tuple[str, str]]] = []
    if missing:  # a rebuild rarely has any, and setting up pybtex's styles takes a moment
        parts = split_work(
            lambda index, count, tick: _format_references(share(missing, index, count), tick),
            workers if len(missing) > 1 else 1,
            "formatting references",
            len(missing),
            progress,
        )
    for part in parts:
        for key, formatted in part.items():
            done[key] = formatted
            cache.put("references", key, formatted)
    labels = _disambiguated([done[key][1] for key in cache_keys])
    return {
        paper.key: {"plain": done[key][0], "alpha": f"[{label}] {done[key][0]}"}
        for paper, key, label in zip(papers, cache_keys, labels, strict=True)
    }


def _format_references(papers: list[tuple[str, Paper]], tick: Tick) -> dict[str, tuple[str, str]]:
    """{cache key: (HTML in pybtex's plain style, alpha label before disambiguation)}."""
    from pybtex.style.labels.alpha import LabelStyle  # by import, as in PlainStyle

    plain = PlainStyle()
    labels = LabelStyle()
    persons: dict[str, Any] = {}
    formatted = {}
    with _latex_parsed_once():
        for key, paper in ticking(papers, tick):
            entry = pybtex_entry(paper, persons)
            html = plain.format(entry)
            formatted[key] = (plain.pybtex(entry) if html is None else html, labels.format_label(entry))
    return formatted


@contextmanager
def _latex_parsed_once() -> Iterator[None]:
    """While formatting, pybtex parses each distinct field value's LaTeX once.

    pybtex parses every field of every entry with latexcodec (pure Python, about a third of the
    time spent formatting), yet venues, years and publishers recur across thousands of entries.
    pybtex's rich text is never changed in place (its operations return new text), so one parsed
    value can serve every entry that has it; the output is byte-identical (tests/test_cite.py).
    """
    from pybtex import richtext

    parse = richtext.Text.__dict__["from_latex"]
    parsed: dict[str, Any] = {}

    def from_latex(cls: type, latex: str) -> Any:
        text = parsed.get(latex)
        if text is None:
            text = parsed[latex] = parse.__func__(cls, latex)
        return text

    richtext.Text.from_latex = classmethod(from_latex)  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        richtext.Text.from_latex = parse  # type: ignore[method-assign]


def pybtex_entry(paper: Paper, persons: dict[str, Any] | None = None) -> Any:
    """The paper as a pybtex Entry, with the fields of its BibTeX entry; `persons` reuses parsed names."""
    from pybtex.database import Entry, Person

    persons = {} if persons is None else persons
    names = bibtex_names(paper)
    for name in names:
        if name not in persons:
            persons[name] = Person(name)
    fields = dict(bibtex_fields(paper))
    fields.pop("author")
    entry = Entry(entry_type(paper), fields=fields, persons={"author": [persons[name] for name in names]})
    entry.key = paper.key
    return entry


def _disambiguated(labels: list[str]) -> list[str]:
    """Alpha labels in corpus order, with collisions suffixed a, b, ... by pybtex's own rule."""
    from pybtex.style.labels.alpha import LabelStyle

    class Known(LabelStyle):  # type: ignore[misc]
        def format_label(self, entry: Any) -> str:
            return entry.label

    return list(Known().format_labels([_Labelled(label) for label in labels]))


@dataclass
class _Labelled:
    label: str


PUBLISHED_BY = {"book", "techreport"}  # types whose venue is who published them, not what contains them
CSL_TYPES = {
    "article": "article-journal", "inproceedings": "paper-conference", "incollection": "chapter",
    "book": "book", "techreport": "report",
}  # fmt: skip
RIS_TYPES = {
    "article": "JOUR", "inproceedings": "CONF", "incollection": "CHAP", "book": "BOOK", "techreport": "RPRT",
}  # fmt: skip


def csl_item(paper: Paper) -> dict:
    """The paper as a CSL-JSON item (the format Zotero, Pandoc and citeproc read)."""
    authors = [dict(zip(("given", "family"), split_name(name), strict=True)) for name in paper.author_names]
    if paper.et_al:
        authors.append({"literal": "others"})
    kind = entry_type(paper)
    item: dict = {
        "id": paper.key,
        "type": CSL_TYPES.get(kind, "document"),
        "title": paper.title,
        "author": authors,
        "issued": {"date-parts": [[paper.year]]},
    }
    if is_preprint(paper) and paper.arxiv:
        item |= {"type": "article", "publisher": "arXiv", "number": f"arXiv:{paper.arxiv}"}
    elif paper.venue and not is_preprint(paper):
        item["publisher" if kind in PUBLISHED_BY else "container-title"] = paper.venue
    if paper.doi:
        item["DOI"] = paper.doi
    link = paper.url or (f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else "")
    if link:
        item["URL"] = link
    return item


def ris_record(paper: Paper) -> str:
    """The paper as an RIS record (EndNote, Mendeley, Zotero)."""
    kind = RIS_TYPES.get(entry_type(paper), "GEN")
    if is_preprint(paper):
        kind = "JOUR" if paper.arxiv else "GEN"
    lines = [("TY", kind), ("ID", paper.key), ("TI", paper.title)]
    lines += [("AU", ", ".join(reversed(split_name(name))).strip(", ")) for name in paper.author_names]
    lines.append(("PY", str(paper.year)))
    if is_preprint(paper) and paper.arxiv:
        lines.append(("JO", f"arXiv preprint arXiv:{paper.arxiv}"))
    elif paper.venue:
        lines.append(("PB" if entry_type(paper) in PUBLISHED_BY else "T2", paper.venue))
    if paper.doi:
        lines.append(("DO", paper.doi))
    if paper.url or paper.arxiv:
        lines.append(("UR", paper.url or f"https://arxiv.org/abs/{paper.arxiv}"))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)
