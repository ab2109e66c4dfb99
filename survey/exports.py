"""Files for machines: citation downloads, the corpus as JSON, feeds, sitemap and robots.txt.

Every export is derived from the linked corpus and is byte-identical across builds (sorted
keys, no build time). Feeds take each paper's date from its `added` field, else from the git
history of its file; papers with neither are left out of the feeds.
"""

from __future__ import annotations

import itertools
import json
from datetime import date
from typing import Any

from survey.cite import ris_record
from survey.history import first_added_dates
from survey.model import Corpus, Paper, Topic

FEED_LIMIT = 50


def to_json(data: Any) -> bytes:
    """JSON with one list item or mapping entry per line: readable in a diff, and written by the
    C encoder (json's pretty-printer is pure Python, and was the slowest part of the exports).
    Joined as UTF-8, so the items encoded ahead (Encoded) are never decoded again."""
    return _lines(data, top=True) + b"\n"


class Encoded(list):
    """A list whose items are already JSON, as UTF-8 (made once per paper file and cached with it)."""


def _lines(data: Any, top: bool = False) -> bytes:
    if isinstance(data, list) and data:
        items = data if isinstance(data, Encoded) else [compact_json(item).encode() for item in data]
        return b"[\n" + b",\n".join(items) + b"\n]"
    if isinstance(data, dict) and top:
        entries = (compact_json(key).encode() + b": " + _lines(data[key]) for key in sorted(data))
        return b"{\n" + b",\n".join(entries) + b"\n}"
    return compact_json(data).encode()


def compact_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def bib_file(papers: list[Paper]) -> bytes:
    return "\n".join(p.bibtex for p in sorted(papers, key=lambda p: p.key)).encode("utf-8")


def csl_file(papers: list[Paper]) -> bytes:
    return to_json(Encoded(p.csl_json for p in sorted(papers, key=lambda p: p.key)))


def paper_citation_files(paper: Paper, paths: tuple[str, str, str]) -> dict[str, bytes]:
    """The paper's BibTeX, CSL-JSON and RIS files, at `paths` in that order."""
    bib, csl, ris = paths
    return {
        bib: paper.bibtex.encode("utf-8"),
        csl: csl_file([paper]),
        ris: ris_record(paper).encode("utf-8"),
    }


def topic_citation_files(topic: Topic, paths: tuple[str, str]) -> dict[str, bytes]:
    """BibTeX and CSL-JSON of every paper under the topic, at `paths` in that order."""
    bib, csl = paths
    return {bib: bib_file(topic.all_papers), csl: csl_file(topic.all_papers)}


def corpus_files(corpus: Corpus) -> dict[str, bytes]:
    """The whole corpus as BibTeX, CSL-JSON and papers.json."""
    return {
        "all.bib": bib_file(corpus.papers),
        "all.csl.json": csl_file(corpus.papers),
        "papers.json": corpus_json(corpus),
    }


def topic_names_file(corpus: Corpus) -> dict[str, bytes]:
    """topics/names.js: each topic's title, indented by its depth, in tree order, for the filter
    menus of paper listings (static/filters.js loads it; one file rather than a copy in every page)."""
    pairs = [[topic.id, "\u2003" * topic.depth + topic.title] for topic in corpus.topics]
    return {"topics/names.js": f"SurveyFilters.topicNames({compact_json(pairs)});\n".encode()}


def corpus_json(corpus: Corpus) -> bytes:
    """The whole corpus as data: papers.json (schema in docs/data.md)."""
    return to_json(
        {
            "format": "survey-corpus/1",
            "site": {"title": corpus.config.title, "base_url": corpus.config.base_url},
            "topics": [_topic_data(t) for t in corpus.topics],
            "papers": Encoded(p.data_json for p in corpus.papers),
        }
    )


def _topic_data(topic: Topic) -> dict[str, Any]:
    return {
        "id": topic.id,
        "title": topic.title,
        "summary": topic.summary,
        "section": topic.section or None,
        "parent": topic.parent.id if topic.parent else None,
        "children": [child.id for child in topic.children],
        "papers": [p.key for p in topic.all_papers],
        "page": topic.url,
    }


def paper_data(paper: Paper) -> dict[str, Any]:
    """The paper's entry in papers.json; only from its own file, so papers.py makes it once per file
    (its topics are those it names: a build with an unknown topic stops at validation)."""
    return {
        "key": paper.key,
        "title": paper.title,
        "authors": paper.author_names,
        "authors_complete": not paper.et_al,
        "year": paper.year,
        "venue": paper.venue or None,
        "arxiv": paper.arxiv or None,
        "doi": paper.doi or None,
        "url": paper.url or None,
        "pdf": paper.pdf or None,
        "code": paper.code or None,
        "topics": list(dict.fromkeys(paper.topic_ids)),
        "tags": paper.tags,
        "summary": paper.summary_md.strip(),
        "relations": {kind: keys for kind, keys in paper.relation_keys.items() if keys},
        "added": paper.added.isoformat() if paper.added else None,
        "page": paper.page_url,
    }


def feed_dates(corpus: Corpus) -> dict[str, date]:
    """{paper key: date it was added}, from `added` or else the git history of its file."""
    missing = [p for p in corpus.papers if p.added is None]
    from_git = first_added_dates(corpus.content_dir / "papers") if missing else {}
    dates = {p.key: p.added for p in corpus.papers if p.added is not None}
    for paper in missing:
        if paper.path.name in from_git:
            dates[paper.key] = from_git[paper.path.name]
    return dates


def newest(papers: list[Paper], dates: dict[str, date]) -> list[tuple[Paper, date]]:
    """Every dated paper with its date, the last added first."""
    dated = [(p, dates[p.key]) for p in papers if p.key in dates]
    return sorted(dated, key=lambda item: (item[1], item[0].year, item[0].key), reverse=True)


def newest_among(added: list[tuple[Paper, date]], papers: list[Paper], limit: int = FEED_LIMIT) -> list:
    """The first `limit` entries of `added` (as `newest` orders them) whose paper is one of `papers`:
    the corpus is sorted once, not once per feed."""
    wanted = {id(paper) for paper in papers}
    return list(itertools.islice((item for item in added if id(item[0]) in wanted), limit))


def absolute(corpus: Corpus, path: str) -> str:
    """The public URL of a site path: base_url + path, with a trailing index.html dropped."""
    return corpus.config.base_url + path.removesuffix("index.html")
