"""The static search index: a term list, postings and result cards, sharded into small script files.

Designed for the constraints of a static site that must also work from file://: no fetch()
(browsers refuse it on file://), so every index file is a script that hands its data to
`SurveySearch`. The browser loads the term list first, matches query words against it with
MiniSearch's SearchableMap (prefix and typo-tolerant lookups, vendored in static/vendor/), then
loads only the postings shards of the matched terms and the card shards of the top results.
Terms are assigned to shards by a hash that static/search.js computes the same way.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import defaultdict

from survey.exports import compact_json
from survey.model import Corpus, Paper

FIELD_WEIGHTS = {"title": 6, "authors": 5, "year": 3, "venue": 3, "topics": 3, "tags": 3, "summary": 1}
POSTING_SHARDS = 256
CARDS_PER_SHARD = 25
SNIPPET_CHARS = 320
MAX_WEIGHT = 30  # a term's weight in one paper is capped, so a long summary cannot swamp a title
STOPWORDS = frozenset(
    """a an and are as at be by can do does for from has have how in into is it its of on or our that the
    their this to via was we what when where which who why will with""".split()
)
_SPLIT = re.compile(r"[\W_]+")


def tokens(text: str) -> list[str]:
    """Lowercase words without accents and stopwords; static/search.js tokenises the same way."""
    folded = text.lower()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in folded if not unicodedata.combining(c))
    return [t for t in _SPLIT.split(folded) if t and t not in STOPWORDS]


@functools.cache  # tens of thousands of terms, hashed again by every build of a resident builder
def shard_of(term: str) -> int:
    """A stable 32-bit hash of the term's code points; the same in static/search.js."""
    value = 0
    for char in term:
        value = (value * 31 + ord(char)) & 0xFFFFFFFF
    return value % POSTING_SHARDS


def _own_fields(paper: Paper) -> dict[str, str]:
    return {
        "title": paper.title,
        "authors": " ".join(paper.author_names),
        "year": str(paper.year),
        "venue": paper.venue,
        "tags": " ".join(tag.replace("-", " ") + " " + tag.replace("-", "") for tag in paper.tags),
        "summary": paper.summary_text,
    }


def own_terms(paper: Paper) -> str:
    """ "term weight term weight ..." from the paper's own fields (topic titles are added when
    indexing); text, because it is cached with the paper and text unpickles fastest."""
    weights: dict[str, int] = defaultdict(int)
    for field, text in _own_fields(paper).items():
        for term in tokens(text):
            weights[term] += FIELD_WEIGHTS[field]
    return " ".join(f"{term} {weight}" for term, weight in weights.items())


def _weights(terms: str) -> dict[str, int]:
    words = terms.split()
    return dict(zip(words[::2], map(int, words[1::2]), strict=True))


def card(paper: Paper) -> list:
    """The paper's result card; papers.py encodes it once per paper file and caches it (its topics
    are those it names: a build with an unknown topic stops at validation)."""
    summary = paper.summary_text
    if len(summary) > SNIPPET_CHARS:
        summary = summary[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    names = paper.author_names
    authors = ", ".join(names[:4]) + (" et al." if len(names) > 4 or paper.et_al else "")
    topics = list(dict.fromkeys(paper.topic_ids))
    return [paper.key, paper.title, authors, paper.year, paper.venue, topics, summary]


def _script(call: str, *args: object) -> bytes:
    body = ",".join(compact_json(a) for a in args)
    return f"SurveySearch.{call}({body});\n".encode()


def search_files(corpus: Corpus) -> dict[str, bytes]:
    """{path: bytes} of every search file, all under search/."""
    postings: dict[str, list[int]] = defaultdict(list)  # term -> [paper, weight, paper, weight, ...]
    topic_terms = {topic.id: tokens(topic.title) for topic in corpus.topics}
    topic_weight = FIELD_WEIGHTS["topics"]
    for index, paper in enumerate(corpus.papers):  # in order, so each posting list comes out sorted
        weights = _weights(paper.search_terms)
        for topic in paper.topics:
            for term in topic_terms[topic.id]:
                weights[term] = weights.get(term, 0) + topic_weight
        for term, weight in weights.items():
            postings[term] += (index, weight if weight < MAX_WEIGHT else MAX_WEIGHT)
    shards: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for term in sorted(postings):
        shards[shard_of(term)][term] = postings[term]
    files = {
        f"search/p/{number}.js": _script("postings", number, shard)
        for number, shard in sorted(shards.items())
    }
    for start in range(0, len(corpus.papers), CARDS_PER_SHARD):
        number = start // CARDS_PER_SHARD
        cards = b",".join(p.search_card for p in corpus.papers[start : start + CARDS_PER_SHARD])
        files[f"search/d/{number}.js"] = b"SurveySearch.cards(%d,[%s]);\n" % (number, cards)
    meta = {
        "papers": len(corpus.papers),
        "cardsPerShard": CARDS_PER_SHARD,
        "postingShards": POSTING_SHARDS,
        "topics": {t.id: t.title for t in corpus.topics},
        "terms": "\n".join(sorted(postings)),
        "idfBase": math.log(len(corpus.papers) + 1),
    }
    files["search/terms.js"] = _script("terms", meta)
    return files
