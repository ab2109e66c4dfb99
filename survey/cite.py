"""Citations: the BibTeX entry of a paper, in standard fields, under our key."""

from __future__ import annotations

import re

from survey.cache import BuildCache, digest
from survey.model import Paper

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


def escape(text: str) -> str:
    """Text made safe for a BibTeX value: braces and backslashes (never legitimate in our already
    decoded metadata, and able to unbalance an entry) are dropped; LaTeX specials are escaped."""
    return _SPECIAL.sub(r"\\\1", _UNSAFE.sub("", text))


def protect_case(title: str) -> str:
    """Brace words with inner capitals (RLHF, GPT-4, TruthfulQA) so styles keep their case."""
    return " ".join(f"{{{word}}}" if any(c.isupper() for c in word[1:]) else word for word in title.split())


def entry_type(paper: Paper) -> str:
    if paper.bib_type in ("article", "inproceedings", "misc", "book", "incollection", "techreport"):
        return paper.bib_type
    venue = paper.venue
    if not venue or venue.lower() == "arxiv":
        return "article" if paper.arxiv else "misc"
    if JOURNALS.match(venue):
        return "article"
    if CONFERENCES.search(venue):
        return "inproceedings"
    return "misc"


def bibtex_fields(paper: Paper) -> list[tuple[str, str]]:
    kind = entry_type(paper)
    authors = [escape(name) for name in paper.author_names] + (["others"] if paper.et_al else [])
    fields = [("title", protect_case(escape(paper.title))), ("author", " and ".join(authors))]
    arxiv_only = not paper.venue or paper.venue.lower() == "arxiv"
    if kind == "article":
        journal = f"arXiv preprint arXiv:{paper.arxiv}" if arxiv_only else paper.venue
        fields.append(("journal", escape(journal)))
    elif kind == "inproceedings":
        fields.append(("booktitle", escape(paper.venue)))
    elif paper.venue and not arxiv_only:
        fields.append(("howpublished", escape(paper.venue)))
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


def formatted_references(papers: list[Paper], cache: BuildCache | None = None) -> dict[str, dict[str, str]]:
    """{key: {"plain": html, "alpha": html}}: each reference formatted by pybtex's styles.

    pybtex's plain and alpha styles share one entry template (unsrt) and differ only in the
    label, so each entry is formatted once (and cached by its fields) and given its alpha label
    (e.g. [OWJ+22]), which depends on the whole corpus.
    """
    from pybtex.database import Entry, Person
    from pybtex.plugin import find_plugin

    cache = cache or BuildCache(None)
    style = find_plugin("pybtex.style.formatting", "plain")()
    backend = find_plugin("pybtex.backends", "html")()
    entries, texts = [], []
    for paper in papers:
        persons = [Person(escape(name)) for name in paper.author_names] + (
            [Person("others")] if paper.et_al else []
        )
        fields = dict(bibtex_fields(paper))
        fields.pop("author")
        entry = Entry(entry_type(paper), fields=fields, persons={"author": persons})
        entry.key = paper.key
        entries.append(entry)
        cache_key = digest((paper.bibtex or bibtex_entry(paper)).encode())  # the entry link() already made
        html = cache.get("references", cache_key)
        if html is None:
            html = style.format_entry("", entry).text.render(backend).replace("\n", " ")
            cache.put("references", cache_key, html)
        texts.append(html)
    labels = find_plugin("pybtex.style.labels", "alpha")().format_labels(entries)
    return {
        entry.key: {"plain": html, "alpha": f"[{label}] {html}"}
        for entry, label, html in zip(entries, labels, texts, strict=True)
    }


def csl_item(paper: Paper) -> dict:
    """The paper as a CSL-JSON item (the format Zotero, Pandoc and citeproc read)."""
    authors = [dict(zip(("given", "family"), split_name(name), strict=True)) for name in paper.author_names]
    if paper.et_al:
        authors.append({"literal": "others"})
    kind = entry_type(paper)
    item: dict = {
        "id": paper.key,
        "type": {"article": "article-journal", "inproceedings": "paper-conference"}.get(kind, "document"),
        "title": paper.title,
        "author": authors,
        "issued": {"date-parts": [[paper.year]]},
    }
    if is_preprint(paper) and paper.arxiv:
        item |= {"type": "article", "publisher": "arXiv", "number": f"arXiv:{paper.arxiv}"}
    elif paper.venue and not is_preprint(paper):
        item["container-title"] = paper.venue
    if paper.doi:
        item["DOI"] = paper.doi
    link = paper.url or (f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else "")
    if link:
        item["URL"] = link
    return item


def ris_record(paper: Paper) -> str:
    """The paper as an RIS record (EndNote, Mendeley, Zotero)."""
    kind = {"article": "JOUR", "inproceedings": "CONF"}.get(entry_type(paper), "GEN")
    if is_preprint(paper):
        kind = "JOUR" if paper.arxiv else "GEN"
    lines = [("TY", kind), ("ID", paper.key), ("TI", paper.title)]
    lines += [("AU", ", ".join(reversed(split_name(name))).strip(", ")) for name in paper.author_names]
    lines.append(("PY", str(paper.year)))
    if is_preprint(paper) and paper.arxiv:
        lines.append(("JO", f"arXiv preprint arXiv:{paper.arxiv}"))
    elif paper.venue:
        lines.append(("T2", paper.venue))
    if paper.doi:
        lines.append(("DO", paper.doi))
    if paper.url or paper.arxiv:
        lines.append(("UR", paper.url or f"https://arxiv.org/abs/{paper.arxiv}"))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)
