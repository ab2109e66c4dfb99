"""The same synthetic corpus as a Hugo site, to time Hugo building it in the same run as ours.

Two sets of Hugo templates (`benchmarks/hugo/<layouts>/`):

- `minimal`: one page per paper (title, author names, year, summary, topic ids) and a list and a term
  page for each of topics, authors and years (the Hugo site of the benchmark until session 18);
- `full`: the pages and files our site makes, in Hugo's own idioms: a layout with a header and footer,
  paper pages with citation metadata and JSON-LD, linked authors, year, venue and topics, relations
  both ways, more by the same authors, the BibTeX entry and a plain reference, and each paper's
  BibTeX, RIS and CSL-JSON downloads; term pages for topics (with their introductions), authors,
  years and venues, listing papers with their authors and topics (each item rendered once); a home page,
  an RSS feed of the newest 50 and a JSON index of every paper for search. It leaves out what ours
  has beyond that, related papers first of all (Hugo's related-content index ranks every paper
  sharing a topic, 20 s of CPU at 10,000 papers): docs/performance.md lists it all.

Usage: python benchmarks/hugo_site.py CONTENT_DIR HUGO_DIR [minimal|full]
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from survey.diagnostics import Report
from survey.model import Corpus, Paper
from survey.pipeline import load

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ROOT / "benchmarks" / "hugo"

MINIMAL_CONFIG = {
    "baseURL": "/",
    "title": "Synthetic",
    "disableKinds": ["RSS", "sitemap"],
    "taxonomies": {"topic": "topics", "author": "authors", "year": "years"},
}

FULL_CONFIG = {
    "baseURL": "/",
    "title": "Synthetic",
    "disableKinds": ["sitemap"],
    "rssLimit": 50,  # as our feed
    "taxonomies": {"topic": "topics", "author": "authors", "year": "years", "venue": "venues"},
    "mediaTypes": {
        "text/x-bibtex": {"suffixes": ["bib"]},
        "application/x-research-info-systems": {"suffixes": ["ris"]},
    },
    "outputFormats": {
        "bib": {"mediaType": "text/x-bibtex", "baseName": "cite", "isPlainText": True},
        "ris": {"mediaType": "application/x-research-info-systems", "baseName": "cite", "isPlainText": True},
        "csl": {"mediaType": "application/json", "baseName": "cite", "isPlainText": True},
    },
    "outputs": {
        "home": ["HTML", "RSS", "JSON"],
        "page": ["HTML", "bib", "ris", "csl"],
        "section": ["HTML"],
        "taxonomy": ["HTML"],
        "term": ["HTML"],
    },
    "params": {"repository": "https://github.com/example/synthetic-atlas"},
}


def minimal_front(paper: Paper) -> dict:
    return {"title": paper.title, "authors": paper.author_names, "years": [str(paper.year)],
            "year": paper.year, "topics": paper.topic_ids, "venue": paper.venue}  # fmt: skip


def full_front(paper: Paper, built_on_by: list[str]) -> dict:
    front = minimal_front(paper)
    front.update(date=f"{paper.year}-01-01", tags=paper.tags, venues=[paper.venue] if paper.venue else [])
    front.update(arxiv=paper.arxiv, builds_on=[key for keys in paper.relation_keys.values() for key in keys])
    front["built_on_by"] = built_on_by
    return front


def reverse_relations(corpus: Corpus) -> dict[str, list[str]]:
    """Who builds on each paper. Hugo has no look-up from a page to the pages naming it in their front
    matter (short of scanning every page for each), so the converter works it out, as our linker does."""
    built_on_by: dict[str, list[str]] = {}
    for paper in corpus.papers:
        for keys in paper.relation_keys.values():
            for key in keys:
                built_on_by.setdefault(key, []).append(paper.key)
    return built_on_by


def write_topics(corpus: Corpus, out: Path) -> None:
    """Each topic's term page with its title and introduction, as our topic pages have, and the topics'
    titles as site data, for the pages and list items that name a paper's topics."""
    titles = {topic.id: topic.title for topic in corpus.topics}
    (out / "data").mkdir()
    (out / "data/topics.json").write_text(json.dumps(titles, ensure_ascii=False), encoding="utf-8")
    for topic in corpus.topics:
        folder = out / "content/topics" / topic.id
        folder.mkdir(parents=True)
        front = yaml.safe_dump({"title": topic.title}, allow_unicode=True)
        intro = topic.intro_path.read_text(encoding="utf-8") if topic.intro_path else topic.summary
        (folder / "_index.md").write_text(f"---\n{front}---\n\n{intro}\n", encoding="utf-8")
    (out / "content/papers/_index.md").write_text("---\ntitle: Papers\n---\n", encoding="utf-8")


def main() -> None:
    content, out = Path(sys.argv[1]), Path(sys.argv[2])
    layouts = sys.argv[3] if len(sys.argv) > 3 else "minimal"
    corpus = load(content, Report())
    assert corpus is not None
    if out.exists():
        shutil.rmtree(out)
    (out / "content/papers").mkdir(parents=True)
    shutil.copytree(LAYOUTS / layouts / "layouts", out / "layouts")
    full = layouts == "full"
    (out / "config.json").write_text(json.dumps(FULL_CONFIG if full else MINIMAL_CONFIG))
    built_on_by = reverse_relations(corpus) if full else {}
    if full:
        write_topics(corpus, out)
        (out / "static").mkdir()  # the pages link to our style sheet, as ours do
        shutil.copy(ROOT / "static/style.css", out / "static/style.css")
    for paper in corpus.papers:
        front = full_front(paper, built_on_by.get(paper.key, [])) if full else minimal_front(paper)
        body = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + paper.summary_md
        (out / "content/papers" / f"{paper.key}.md").write_text(body, encoding="utf-8")


if __name__ == "__main__":
    main()
