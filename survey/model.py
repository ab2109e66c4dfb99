"""The corpus as plain dataclasses, and the one rule for every object's URL.

No I/O here. `papers.py` and `taxonomy.py` build Papers and Topics from files, `link.py`
fills in the cross-references (the fields marked "linked"), `render.py` reads them.
Every URL is relative to the site root and ends in `index.html`, so pages work from any
sub-path and from file://; templates make it relative to the page with the `url` filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

from anyascii import anyascii

from survey.markup import plain_text

RELATION_KINDS = ("builds_on", "compares_with", "critiques", "evaluates")

# How a relation reads on the paper that declares it, and on the paper it points to.
RELATION_LABELS = {
    "builds_on": ("Builds on", "Built on by"),
    "compares_with": ("Compares with", "Compared with by"),
    "critiques": ("Critiques", "Critiqued by"),
    "evaluates": ("Evaluates", "Evaluated by"),
}


SLUG_LIMIT = 80  # file systems refuse names over 255 bytes; no real name comes near this
NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")  # compiled once: slugs and title comparisons run by the thousand


def in_ascii(text: str) -> str:
    """The text spelt in ASCII: 'Łukasz, Søren, Straße' -> 'Lukasz, Soren, Strasse'; other
    scripts by their usual romanisation: '李明' -> 'LiMing', 'Иван' -> 'Ivan' (anyascii).
    Taking accents off (NFKD) leaves out the letters it cannot take apart (ł, the dotless i, ø, ß,
    æ) and whole scripts, which made 'Łukasz Kaiser' the author 'ukasz-kaiser' and every Chinese
    name 'x'."""
    return text if text.isascii() else anyascii(text)


@lru_cache(maxsize=1 << 16)  # names recur: author pages, sorting, indexes
def slugify(text: str) -> str:
    """ASCII, lowercase, hyphen-separated: 'Florian Tramèr' -> 'florian-tramer'."""
    slug = NOT_ALPHANUMERIC.sub("-", in_ascii(text).lower()).strip("-")
    return slug[:SLUG_LIMIT].strip("-") or "x"


def normalised_title(title: str) -> str:
    """The title as duplicates are compared: in ASCII (two titles in another script were both ''),
    lower case, every other character a space."""
    return NOT_ALPHANUMERIC.sub(" ", in_ascii(title).lower()).strip()


def number(value: int) -> str:
    """A count as English prose writes it, in groups of three: 10,008."""
    return f"{value:,}"


def counted(value: int, noun: str) -> str:
    """A count and its noun, plural unless the count is one: '1 paper', '2,603 papers'."""
    return f"{number(value)} {noun}{'' if value == 1 else 's'}"


@dataclass(frozen=True)
class SiteConfig:
    title: str
    description: str
    survey: str  # key of the survey's own paper file
    base_url: str = ""
    repository: str = ""
    branch: str = "main"
    # where site.yaml names the survey, for an error about it: not part of what pages are made from
    survey_line: int = field(default=0, repr=False, compare=False)


@dataclass(eq=False)  # identity: the corpus links objects, it never compares copies
class Topic:
    id: str
    title: str
    summary: str
    section: str
    parent: Topic | None = field(repr=False)
    depth: int
    path: Path  # the taxonomy file
    line: int
    order: int = 0  # position among its siblings, in survey order
    intro_html: str = ""
    intro_path: Path | None = None
    children: list[Topic] = field(default_factory=list, repr=False)
    # linked
    papers: list[Paper] = field(default_factory=list, repr=False)  # filed directly here
    all_papers: list[Paper] = field(default_factory=list, repr=False)  # here or in any subtopic
    previous: Topic | None = field(default=None, repr=False)
    next: Topic | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"topics/{self.id}/index.html"

    @property
    def ancestors(self) -> list[Topic]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def label(self) -> str:
        return f"{self.section} {self.title}" if self.section else self.title


@dataclass(eq=False)  # identity: the corpus links objects, it never compares copies
class Author:
    name: str  # "Given Family"
    family: str
    slug: str = ""
    papers: list[Paper] = field(default_factory=list, repr=False)  # linked, newest first

    @property
    def url(self) -> str:
        return f"authors/{self.slug}/index.html"


@dataclass(eq=False)  # identity: the corpus links objects, it never compares copies
class Venue:
    name: str  # without the year: "NeurIPS", "Findings of EMNLP"
    slug: str
    papers: list[Paper] = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        return f"venues/{self.slug}/index.html"


@dataclass(eq=False)  # identity: the corpus links objects, it never compares copies
class Year:
    year: int
    papers: list[Paper] = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        return f"years/{self.year}/index.html"


@dataclass
class Relation:
    label: str
    paper: Paper


LINKS = frozenset(["topics", "authors", "venue_ref", "relations", "same_authors", "related", "newest_rank"])
LINKS_AND_PATH = LINKS | {"path"}  # what a paper leaves out of the cache (Paper.__getstate__)


@dataclass(eq=False)  # identity: the corpus links objects, it never compares copies
class Paper:
    key: str
    file: str  # the paper's file, as text (see `path`)
    lines: dict[str, int]  # field name -> line in the file
    title: str
    author_names: list[str]
    et_al: bool  # the author list ends in "others": not every author was checked
    year: int
    venue: str
    arxiv: str
    doi: str
    url: str
    pdf: str
    code: str
    topic_ids: list[str]
    tags: list[str]
    summary_md: str
    summary_html: str
    relation_keys: dict[str, list[str]]
    added: date | None
    verified: str
    bib_type: str  # entry type from pasted BibTeX, "" when none was given
    source_digest: str = ""  # hash of the file's bytes, for incremental builds
    # linked
    topics: list[Topic] = field(default_factory=list, repr=False)
    authors: list[Author] = field(default_factory=list, repr=False)
    venue_ref: Venue | None = field(default=None, repr=False)
    relations: list[Relation] = field(default_factory=list, repr=False)  # both directions
    same_authors: list[Paper] = field(default_factory=list, repr=False)
    related: list[Paper] = field(default_factory=list, repr=False)
    newest_rank: int = field(default=0, repr=False)  # place among all papers, newest first
    bibtex: str = ""  # the paper's own BibTeX entry (papers.py makes it with the paper)
    # Made once per paper file and cached with it, as text (quick to unpickle); JSON as UTF-8 bytes,
    # half the memory of a str once it holds one character beyond Latin-1 (a "…", a "ć"):
    csl_json: bytes = field(default=b"", repr=False)  # the CSL-JSON item, one line
    data_json: bytes = field(default=b"", repr=False)  # the paper's entry in papers.json, one line
    search_terms: str = field(default="", repr=False)  # "term weight term weight ...", without topics
    search_card: bytes = field(default=b"", repr=False)  # the search result card

    def __getstate__(self) -> dict:
        """The paper as parsed, for the cache: its links belong to one build (and would drag the
        whole linked corpus along), and are made again by link.link, which unlinks every paper
        first. With no __setstate__, unpickling 10,000 papers runs no code of ours."""
        return {name: value for name, value in self.__dict__.items() if name not in LINKS_AND_PATH}

    def unlink(self) -> None:
        """Forget the links of an earlier build, so this paper can be linked again."""
        self.topics, self.authors, self.venue_ref = [], [], None
        self.relations, self.same_authors, self.related = [], [], []

    @cached_property
    def path(self) -> Path:
        """The paper's file, made from `file` when first asked for: 10,000 Path objects took about
        0.03 s of reading the cache, in every build, for the few papers that report an error or link
        to their source."""
        return Path(self.file)

    @property
    def page_url(self) -> str:
        return f"papers/{self.key}/index.html"

    @cached_property
    def title_key(self) -> str:
        """The title as duplicates are compared: lower case, other characters as single spaces. Kept
        with the paper in the cache, so a new process does not make it again for 10,000 papers."""
        return normalised_title(self.title)

    @cached_property
    def summary_text(self) -> str:
        """The summary as plain text (descriptions, search, sentence count), computed once."""
        return plain_text(self.summary_html)

    @property
    def facet_topics(self) -> list[str]:
        """Ids of the paper's topics and all their ancestors, for filtering by any level."""
        ids = [a.id for t in self.topics for a in [*t.ancestors, t]]
        return list(dict.fromkeys(ids))

    @property
    def year_url(self) -> str:
        return f"years/{self.year}/index.html"

    def line(self, name: str) -> int:
        return self.lines.get(name, self.lines.get("", 1))

    @property
    def links(self) -> list[tuple[str, str]]:
        """(label, href) for the paper's external links, in a fixed order."""
        found = []
        if self.arxiv:
            found.append(("arXiv", f"https://arxiv.org/abs/{self.arxiv}"))
        if self.doi:
            found.append(("DOI", f"https://doi.org/{self.doi}"))
        if self.url and not (self.arxiv and self.url.rstrip("/").endswith(self.arxiv)):
            found.append(("Web page", self.url))
        if self.pdf:
            found.append(("PDF", self.pdf))
        if self.code:
            found.append(("Code", self.code))
        return found


@dataclass
class Corpus:
    config: SiteConfig
    content_dir: Path
    roots: list[Topic]
    topics: list[Topic]  # every topic, in survey (pre-)order
    papers: list[Paper]  # sorted by key
    authors: list[Author] = field(default_factory=list)
    venues: list[Venue] = field(default_factory=list)
    years: list[Year] = field(default_factory=list)
    neighbours_shape: str = ""  # what its same-author and related lists depend on, hashed (link.py)
    # the authors and venues whose page addresses a namesake shares (one of them gets "-2"), hashed
    shared_addresses: str = ""
    # the keys of paper files that could not be read, each reported at its own file: links to them
    # are not reported again (validate.py). Empty in every corpus that is rendered.
    unreadable: frozenset[str] = frozenset()

    @cached_property
    def topic_by_id(self) -> dict[str, Topic]:
        return {t.id: t for t in self.topics}

    @cached_property
    def paper_by_key(self) -> dict[str, Paper]:
        return {p.key: p for p in self.papers}

    def knows_paper(self, key: str) -> bool:
        """Whether `key` names a paper of the corpus, or one whose file could not be read (reported
        at that file, so that a link to it is not reported again in every file that makes one)."""
        return key in self.paper_by_key or key in self.unreadable

    @property
    def survey_paper(self) -> Paper | None:
        return self.paper_by_key.get(self.config.survey)
