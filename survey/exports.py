"""Files for machines: citation downloads, the corpus as JSON, feeds, sitemap and robots.txt.

Every export is derived from the linked corpus and is byte-identical across builds (sorted
keys, no build time). Feeds take each paper's date from its `added` field, else from the git
history of its file; papers with neither are left out of the feeds.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from survey.cite import bibtex_entry, csl_item, ris_record
from survey.history import first_added_dates
from survey.model import Corpus, Paper, Topic

FEED_LIMIT = 50


def to_json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def bib_file(papers: list[Paper]) -> bytes:
    return "\n".join(bibtex_entry(p) for p in sorted(papers, key=lambda p: p.key)).encode("utf-8")


def csl_file(papers: list[Paper]) -> bytes:
    return to_json([csl_item(p) for p in sorted(papers, key=lambda p: p.key)])


def citation_files(corpus: Corpus) -> dict[str, bytes]:
    files: dict[str, bytes] = {"all.bib": bib_file(corpus.papers), "all.csl.json": csl_file(corpus.papers)}
    for paper in corpus.papers:
        base = paper.page_url.removesuffix("index.html")
        files[base + f"{paper.key}.bib"] = bibtex_entry(paper).encode("utf-8")
        files[base + f"{paper.key}.json"] = csl_file([paper])
        files[base + f"{paper.key}.ris"] = ris_record(paper).encode("utf-8")
    for topic in corpus.topics:
        base = topic.url.removesuffix("index.html")
        files[base + f"{topic.id}.bib"] = bib_file(topic.all_papers)
        files[base + f"{topic.id}.json"] = csl_file(topic.all_papers)
    return files


def corpus_json(corpus: Corpus) -> bytes:
    """The whole corpus as data: papers.json (schema in docs/data.md)."""
    return to_json(
        {
            "format": "survey-corpus/1",
            "site": {"title": corpus.config.title, "base_url": corpus.config.base_url},
            "topics": [_topic_data(t) for t in corpus.topics],
            "papers": [_paper_data(p) for p in corpus.papers],
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


def _paper_data(paper: Paper) -> dict[str, Any]:
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
        "topics": [t.id for t in paper.topics],
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


def newest(papers: list[Paper], dates: dict[str, date], limit: int = FEED_LIMIT) -> list[tuple[Paper, date]]:
    dated = [(p, dates[p.key]) for p in papers if p.key in dates]
    return sorted(dated, key=lambda item: (item[1], item[0].year, item[0].key), reverse=True)[:limit]


def absolute(corpus: Corpus, path: str) -> str:
    """The public URL of a site path: base_url + path, with a trailing index.html dropped."""
    return corpus.config.base_url + path.removesuffix("index.html")
