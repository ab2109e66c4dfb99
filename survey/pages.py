"""Which pages the site has, and what each one shows: `pages` lists them (as `Page` tasks for
render.py to render), and a context function per kind of page gathers what its template needs.

Contexts that only some pages need (a paper's citation tags, an author's co-authors) are made in
`details`, only when the page is actually rendered: a page whose signature is unchanged is skipped
without them.
"""

from __future__ import annotations

import functools
import itertools
import operator
import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from survey.cite import PUBLISHED_BY, entry_type, is_preprint
from survey.exports import FEED_LIMIT, absolute, newest, newest_among
from survey.model import Author, Corpus, Paper, Relation, Topic, slugify
from survey.signatures import Scope

RECENT_LIMIT = 12
# Papers on "What's new" (every one, up to this many): the page stays light on a phone at any size
# (at 10,000 papers, listing them all made it 4.2 MB); the papers table and papers.json hold them all.
NEW_LIMIT = 500


@dataclass(slots=True)  # tens of thousands per build
class Page:
    """One page to render: where it goes, its template, and what its template is given."""

    path: str  # output path relative to the site root
    template: str
    context: dict[str, Any]
    # more context, made only if the page is rendered (an unchanged page is skipped without it)
    details: Callable[[], dict[str, Any]] | None = None


def pages(
    corpus: Corpus, dates: dict[str, date], references: dict[str, dict[str, str]], scope: Scope | None = None
) -> Iterator[Page]:
    """Every page about the whole corpus, and those of the topics, papers, authors, years and venues
    in `scope` (all of them by default). What pages about the whole corpus show is made in
    `details`, by the worker that renders them, rather than here, before the workers start."""
    scope = scope or Scope.whole(corpus)
    added = functools.cache(functools.partial(newest, corpus.papers, dates))  # once in each process
    yield Page("index.html", "index.html", {}, functools.partial(home_context, corpus))
    yield Page("404.html", "404.html", {})
    yield Page("new/index.html", "new.html", {}, functools.partial(new_context, added))
    title = corpus.config.title
    yield Page("feed.xml", "feed.xml", {}, functools.partial(feed_context, title, added))
    for root in corpus.roots:
        made = functools.partial(feed_context, f"{root.title} · {title}", added, root.all_papers)
        yield Page(f"topics/{root.id}/feed.xml", "feed.xml", {}, made)
    yield Page("robots.txt", "robots.txt", {})
    if corpus.config.base_url:
        yield Page("sitemap.xml", "sitemap.xml", {"paths": sitemap_paths(corpus)})
    yield Page("papers/index.html", "papers.html", {}, functools.partial(papers_context, corpus))
    yield Page("topics/index.html", "topics.html", {})
    yield Page("search/index.html", "search.html", {})
    yield Page("stats/index.html", "stats.html", {}, functools.partial(stats_context, corpus))
    yield Page("authors/index.html", "authors.html", {}, functools.partial(authors_context, corpus))
    yield Page("years/index.html", "years.html", {})
    yield Page("venues/index.html", "venues.html", {})
    for topic in scope.topics:
        context = {"topic": topic, "edit_url": edit_url(corpus, topic.intro_path) if topic.intro_path else ""}
        yield Page(topic.url, "topic.html", context, functools.partial(topic_details, topic))
    for paper in scope.papers:
        context = {"paper": paper, "references": references[paper.key]}
        yield Page(paper.page_url, "paper.html", context, functools.partial(paper_details, corpus, paper))
    for author in scope.authors:
        yield Page(author.url, "author.html", {"author": author}, functools.partial(author_details, author))
    for year in scope.years:
        yield Page(year.url, "year.html", {"year": year})
    for venue in scope.venues:
        yield Page(venue.url, "venue.html", {"venue": venue})


def paper_details(corpus: Corpus, paper: Paper) -> dict[str, Any]:
    return {
        "edit_url": edit_url(corpus, paper.path),
        "scholar_meta": scholar_meta(paper),
        "scholarly_article": scholarly_article(corpus, paper),
        "relation_groups": relation_groups(paper),
    }


def relation_groups(paper: Paper) -> list[tuple[str, list[Relation]]]:
    """The paper's relations under their labels ("Builds on", "Cited by"...), labels in order."""
    groups: dict[str, list[Relation]] = defaultdict(list)
    for relation in paper.relations:
        groups[relation.label].append(relation)
    return sorted(groups.items(), key=lambda group: group[0].lower())


def author_details(author: Author) -> dict[str, Any]:
    shown, more = coauthors(author)
    return {"coauthors": shown, "more_coauthors": more}


Added = Callable[[], list[tuple[Paper, date]]]  # every dated paper with its date, the last added first


def new_context(added: Added) -> dict[str, Any]:
    """The last NEW_LIMIT papers added, by the day they were added, the last day first."""
    dated = added()
    days = itertools.groupby(dated[:NEW_LIMIT], key=operator.itemgetter(1))
    return {
        "groups": [(day, [paper for paper, _ in entries]) for day, entries in days],
        "shown": min(len(dated), NEW_LIMIT),
        "total": len(dated),
    }


def papers_context(corpus: Corpus) -> dict[str, Any]:
    return {"papers": sorted(corpus.papers, key=lambda paper: paper.title.lower())}


def feed_context(title: str, added: Added, papers: list[Paper] | None = None) -> dict[str, Any]:
    """The newest entries of the whole corpus, or of `papers` (a part of the survey)."""
    entries = added()[:FEED_LIMIT] if papers is None else newest_among(added(), papers)
    updated = max((day for _, day in entries), default=None)
    return {"feed_title": title, "entries": entries, "updated": updated}


def sitemap_paths(corpus: Corpus) -> list[str]:
    fixed = ["index.html", "new/index.html", "papers/index.html", "topics/index.html", "authors/index.html",
             "years/index.html", "venues/index.html"]  # fmt: skip
    objects = [*corpus.topics, *corpus.authors, *corpus.years, *corpus.venues]
    return fixed + [t.url for t in objects] + [p.page_url for p in corpus.papers]


# Google Scholar's tag for the venue, by entry type; any other type's venue is a journal title.
HIGHWIRE_VENUE_TAGS = {
    "inproceedings": "citation_conference_title", "incollection": "citation_inbook_title",
    "book": "citation_publisher", "techreport": "citation_technical_report_institution",
}  # fmt: skip


def scholar_meta(paper: Paper) -> list[tuple[str, str]]:
    """Google Scholar's citation_* tags: title, one per author, date, ids, PDF, venue."""
    tags = [("citation_title", paper.title)]
    tags += [("citation_author", name) for name in paper.author_names]
    tags.append(("citation_publication_date", str(paper.year)))
    if paper.arxiv:
        tags.append(("citation_arxiv_id", paper.arxiv))
    if paper.doi:
        tags.append(("citation_doi", paper.doi))
    pdf = paper.pdf or (f"https://arxiv.org/pdf/{paper.arxiv}" if paper.arxiv else "")
    if pdf:
        tags.append(("citation_pdf_url", pdf))
    kind = entry_type(paper)
    if paper.venue and not is_preprint(paper):
        tags.append((HIGHWIRE_VENUE_TAGS.get(kind, "citation_journal_title"), paper.venue))
    elif paper.arxiv:
        tags.append(("citation_journal_title", "arXiv"))
    return tags


def scholarly_article(corpus: Corpus, paper: Paper) -> dict[str, Any]:
    """schema.org ScholarlyArticle for the paper, as JSON-LD."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title,
        "name": paper.title,
        "author": [{"@type": "Person", "name": name} for name in paper.author_names],
        "datePublished": str(paper.year),
        "about": [topic.title for topic in paper.topics],
        "description": paper.summary_text,
    }
    if paper.venue and not is_preprint(paper) and entry_type(paper) in PUBLISHED_BY:
        data["publisher"] = {"@type": "Organization", "name": paper.venue}
    elif paper.venue and not is_preprint(paper):
        data["isPartOf"] = {"@type": "PublicationIssue", "name": paper.venue}
    same_as = [href for _, href in paper.links if not href.endswith(".pdf")]
    if same_as:
        data["sameAs"] = same_as
    if paper.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": paper.doi}
    if corpus.config.base_url:
        data["url"] = absolute(corpus, paper.page_url)
    return data


def stats_context(corpus: Corpus) -> dict[str, Any]:
    """Counts for the statistics page; the figures draw from the same corpus."""
    authors = sorted(corpus.authors, key=lambda a: (-len(a.papers), a.slug))[:25]
    venues = sorted(corpus.venues, key=lambda v: (-len(v.papers), v.name.lower()))
    with_code = sum(1 for p in corpus.papers if p.code)
    by_topic = {t.id: sum(1 for p in t.all_papers if p.code) for t in corpus.topics}
    return {
        "top_authors": authors,
        "venues_by_size": venues,
        "with_code": with_code,
        "with_code_by_topic": by_topic,
    }


def home_context(corpus: Corpus) -> dict[str, Any]:
    dated = [p for p in corpus.papers if p.added]
    recent = sorted(dated, key=lambda p: (p.added, p.year, p.key), reverse=True)[:RECENT_LIMIT]
    return {"survey": corpus.survey_paper, "recent": recent}


@dataclass
class PaperGroup:
    """Papers of a topic page under one heading (the topic itself or one subtopic), by year."""

    topic: Topic
    years: list[tuple[int, list[Paper]]]


def by_year(papers: list[Paper]) -> list[tuple[int, list[Paper]]]:
    return [(year, list(group)) for year, group in itertools.groupby(papers, key=lambda p: p.year)]


def topic_details(topic: Topic) -> dict[str, Any]:
    """The topic's papers in groups: those filed under it, then each subtopic's."""
    groups = [PaperGroup(topic, by_year(topic.papers))] if topic.papers else []
    groups += [PaperGroup(child, by_year(child.all_papers)) for child in topic.children if child.all_papers]
    return {"groups": groups}


def authors_context(corpus: Corpus) -> dict[str, Any]:
    """Every author under the initial of their family name."""

    def initial(author: Author) -> str:
        letter = plain_initial(author.family)
        return letter if letter.isalpha() else "#"

    letters = itertools.groupby(corpus.authors, key=initial)
    return {"letters": [(letter, list(group)) for letter, group in letters]}


def plain_initial(name: str) -> str:
    return slugify(name)[:1].upper()


# Co-authors named on an author page, the most frequent first. A paper with 1,000 authors (LLM
# reports run to hundreds) would otherwise name 999 on each of 1,000 pages: a million names, and
# hundreds of megabytes. Every co-author is still named on the papers' own pages.
COAUTHORS_SHOWN = 100


def coauthors(author: Author) -> tuple[list[tuple[Author, int]], int]:
    """Those who wrote with `author`, with how many papers, most frequent first (then by name), and
    how many more: past COAUTHORS_SHOWN, those met on the fewest and oldest papers are only counted."""
    counts: dict[str, int] = {}
    people: dict[str, Author] = {}  # in the order first met: newest shared paper first
    for paper in author.papers:  # newest first
        for other in paper.authors:
            if other is not author:
                counts[other.slug] = counts.get(other.slug, 0) + 1
                people.setdefault(other.slug, other)
    chosen = sorted(people, key=lambda slug: -counts[slug])[:COAUTHORS_SHOWN]  # stable: newest first
    shown = [(people[slug], counts[slug]) for slug in sorted(chosen, key=lambda slug: (-counts[slug], slug))]
    return shown, len(people) - len(chosen)


def edit_url(corpus: Corpus, path: Path) -> str:
    config = corpus.config
    if not config.repository:
        return ""
    # builds run from the repository root, so paths there are repository paths
    here = os.getcwd()
    root = _real_folder(here, "")
    found = _real_path(here, os.fspath(path))
    inside = root if root.endswith(os.sep) else root + os.sep
    if not found.startswith(inside):
        return ""
    relative = found[len(inside) :].replace(os.sep, "/")
    return f"{config.repository}/edit/{config.branch}/{relative}"


def _real_path(here: str, path: str) -> str:
    """The real path of `path` seen from the folder `here`, each folder resolved once per process
    (a folder is taken to stay where it is while `survey serve` runs; the file's own symbolic link is
    looked at each time): resolving every paper's path anew, through pathlib, took 0.58 s for
    10,000 papers' edit links."""
    if os.path.islink(path):
        return os.path.realpath(os.path.join(here, path))
    folder, name = os.path.split(path)
    return os.path.join(_real_folder(here, folder), name)


@functools.cache
def _real_folder(here: str, folder: str) -> str:
    return os.path.realpath(os.path.join(here, folder))
