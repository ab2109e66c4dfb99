"""`survey add`: a new paper file from BibTeX or from the arXiv API, checked before it is kept.

The new file is written only when the whole corpus, with it, passes `survey check`; a paper
already in the corpus (same arXiv id or DOI, or a near-identical title) is refused, naming
the file that holds it.
"""

from __future__ import annotations

import re
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path

import yaml

from survey.diagnostics import Report
from survey.latex import latex_to_unicode
from survey.model import normalised_title, slugify
from survey.papers import BIB_VENUE_FIELDS, normalise_name
from survey.pipeline import load
from survey.read import read_bibtex
from survey.validate import ARXIV_NEW, ARXIV_OLD

ARXIV_API = "https://export.arxiv.org/api/query?id_list={}"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"
STOPWORDS = frozenset(
    """a an the on of in for to and with towards toward via from by is are do does what how why can when
    where which who we our your you it its at as be not no into over under using""".split()
)
NEAR_TITLE = 0.92

Fetch = Callable[[str], bytes]


class AddError(Exception):
    """A problem the contributor must fix; the message says what to do."""


@dataclass
class NewPaper:
    title: str
    authors: list[str]
    year: int
    venue: str = ""
    arxiv: str = ""
    doi: str = ""
    url: str = ""
    topics: list[str] = field(default_factory=list)
    summary: str = ""
    verified: str = ""

    def key(self) -> str:
        family = slugify(self.authors[0].split()[-1]).replace("-", "")
        words = [
            w for w in re.findall(r"[a-z0-9]+", slugify(self.title).replace("-", " ")) if w not in STOPWORDS
        ]
        return f"{family}{self.year}{words[0] if words else 'paper'}"


def from_bibtex(text: str) -> NewPaper:
    report = Report()
    entry = read_bibtex(text, Path("<bibtex>"), 1, report)
    if entry is None:
        raise AddError("; ".join(d.message for d in report.diagnostics) or "no BibTeX entry found")
    raw = entry.fields
    missing = [name for name in ("title", "author", "year") if name not in raw]
    if missing:
        raise AddError(f"the BibTeX entry lacks {', '.join(missing)}")
    if not raw["year"].strip().isdigit():
        raise AddError(f"the BibTeX year '{raw['year']}' is not a number")
    venue = next((latex_to_unicode(raw[f]) for f in BIB_VENUE_FIELDS if f in raw), "")
    arxiv = raw.get("eprint", "").strip() if raw.get("archiveprefix", "").lower() == "arxiv" else ""
    if not arxiv:
        found = re.search(r"arXiv:(\d{4}\.\d{4,5})", venue)
        arxiv = found.group(1) if found else ""
    if re.match(r"(?i)^arxiv\b", venue):
        venue = "arXiv"
    return NewPaper(
        title=latex_to_unicode(raw["title"]),
        authors=[normalise_name(latex_to_unicode(n)) for n in re.split(r"\s+and\s+", raw["author"].strip())],
        year=int(raw["year"]),
        venue=venue or ("arXiv" if arxiv else ""),
        arxiv=arxiv,
        doi=raw.get("doi", "").strip().removeprefix("https://doi.org/"),
        url=raw.get("url", "").strip(),
        verified="BibTeX given to survey add; check it against the arXiv listing or DOI page",
    )


def from_arxiv(arxiv_id: str, fetch: Fetch | None = None) -> NewPaper:
    arxiv_id = re.sub(r"(?i)^(arxiv:|https?://arxiv.org/abs/)", "", arxiv_id.strip())
    arxiv_id = re.sub(r"v\d+$", "", arxiv_id)
    if not (ARXIV_NEW.match(arxiv_id) or ARXIV_OLD.match(arxiv_id)):  # asked about, arXiv answers an error
        raise AddError(f"'{arxiv_id}' is not an arXiv id such as 2203.02155 or hep-th/9901001")
    try:
        data = (fetch or _fetch)(ARXIV_API.format(arxiv_id))
    except OSError as exc:
        raise AddError(f"could not reach the arXiv API ({exc}); add the paper with --bibtex instead") from exc
    entry = ET.fromstring(data).find(f"{ATOM}entry")
    if entry is None or entry.find(f"{ATOM}title") is None:
        raise AddError(f"arXiv has no paper {arxiv_id}; check the id")
    text = lambda tag: " ".join((entry.findtext(tag) or "").split())  # noqa: E731
    # the API reports an error as an entry of its own: no date, no authors, its message as summary
    if not re.match(r"\d{4}-", text(f"{ATOM}published")) or entry.find(f"{ATOM}author/{ATOM}name") is None:
        said = text(f"{ATOM}summary")
        raise AddError(f"arXiv gave no paper for {arxiv_id}{f' ({said})' if said else ''}; check the id")
    doi = text(f"{ARXIV_NS}doi")
    return NewPaper(
        title=latex_to_unicode(text(f"{ATOM}title")),  # arXiv titles are TeX: $\beta$-VAE
        authors=[" ".join(a.findtext(f"{ATOM}name", "").split()) for a in entry.findall(f"{ATOM}author")],
        year=int(text(f"{ATOM}published")[:4]),
        venue="arXiv",
        arxiv=arxiv_id,
        doi=doi,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        verified=f"arXiv API record {arxiv_id} (title, all authors, year of first version), via survey add",
    )


def _fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "survey-add"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def find_duplicate(paper: NewPaper, content: Path) -> str | None:
    """The file already holding this paper (same arXiv id, DOI or near-identical title), if any."""
    report = Report()
    corpus = load(content, report)
    if corpus is None:
        return None
    title = normalised_title(paper.title)
    for other in corpus.papers:
        same = (
            (paper.arxiv and other.arxiv == paper.arxiv)
            or (paper.doi and other.doi.lower() == paper.doi.lower())
            or SequenceMatcher(None, title, normalised_title(other.title)).ratio() >= NEAR_TITLE
        )
        if same:
            return report.display(other.path)
    return None


def to_yaml(paper: NewPaper, today: date) -> str:
    data: dict[str, object] = {"title": paper.title, "authors": paper.authors, "year": paper.year}
    for name in ("venue", "arxiv", "doi", "url"):
        if value := getattr(paper, name):
            data[name] = value
    data |= {"topics": paper.topics, "summary": paper.summary.strip() + "\n", "added": today.isoformat()}
    data["verified"] = paper.verified
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line text (the summary), plain style elsewhere."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def write_paper(paper: NewPaper, content: Path, today: date) -> Path:
    """Write the paper file, keep it only if the corpus still passes check; return its path."""
    duplicate = find_duplicate(paper, content)
    if duplicate:
        raise AddError(f"this paper is already in the corpus: {duplicate}")
    key = paper.key()
    path = content / "papers" / f"{key}.yaml"
    suffix = iter("bcdefghijklmnopqrstuvwxyz")
    while path.exists():
        path = content / "papers" / f"{key}{next(suffix)}.yaml"
    path.write_text(to_yaml(paper, today), encoding="utf-8")
    report = Report()
    load(content, report)
    problems = [d for d in report.errors if d.path == report.display(path)]
    if problems:
        path.unlink()
        raise AddError("; ".join(f"line {d.line}: {d.message}" for d in problems))
    return path
