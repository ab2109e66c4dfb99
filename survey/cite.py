"""Citations: the BibTeX entry of a paper, in standard fields, under our key."""

from __future__ import annotations

import re

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


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


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
        fields.append(("doi", paper.doi))
    link = paper.url or (f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else "")
    if link:
        fields.append(("url", link))
    return fields


def bibtex_entry(paper: Paper) -> str:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in bibtex_fields(paper))
    return f"@{entry_type(paper)}{{{paper.key},\n{body}\n}}\n"
