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
import itertools
import math
import re
import unicodedata
from collections import defaultdict
from datetime import date

from survey.exports import compact_json
from survey.model import Corpus, Paper

FIELD_WEIGHTS = {"title": 6, "authors": 5, "year": 3, "venue": 3, "topics": 3, "tags": 3, "summary": 1}
POSTING_SHARDS = 256
CARDS_PER_SHARD = 25
SNIPPET_CHARS = 320
CARD_AUTHORS = 4  # the authors a result names before "et al."
MAX_WEIGHT = 30  # a term's weight in one paper is capped, so a long summary cannot swamp a title
STOPWORDS = frozenset(
    """a an and are as at be by can do does for from has have how in into is it its of on or our that the
    their this to via was we what when where which who why will with""".split()
)
_SPLIT = re.compile(r"[\W_]+")
# Latin letters that NFKD does not take apart ('Łukasz' would only be found as 'łukasz'); the same
# table is in static/search.js, whose tokens must be these
LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th",
     "\u0131": "i", "ħ": "h", "ŧ": "t", "ŀ": "l"}
)  # fmt: skip


def tokens(text: str) -> list[str]:
    """Lowercase words without accents and stopwords; static/search.js tokenises the same way."""
    folded = text.lower()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in folded if not unicodedata.combining(c)).translate(LETTERS)
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
    more = len(names) > CARD_AUTHORS or paper.et_al
    authors = ", ".join(names[:CARD_AUTHORS]) + (" et al." if more else "")
    topics = list(dict.fromkeys(paper.topic_ids))
    shown = [paper.key, paper.title, authors, paper.year, paper.venue, topics, summary]
    if len(names) > CARD_AUTHORS:  # so that a search for one of the others shows them (search.js)
        shown += [names[CARD_AUTHORS:], paper.et_al]
    return shown


def _script(call: str, *args: object) -> bytes:
    body = ",".join(compact_json(a) for a in args)
    return f"SurveySearch.{call}({body});\n".encode()


def search_files(corpus: Corpus) -> dict[str, bytes]:
    """{path: bytes} of every search file, all under search/."""
    papers = indexed_papers(corpus)
    return Postings.of(corpus, _sources(papers)).files(corpus, papers)


class KeptIndex:
    """The postings of the last build, kept by a long-running builder (survey serve's) or in the
    build cache, so that an edit re-indexes only the papers it changed and re-encodes only the
    shards it touched."""

    REINDEX_SHARE = 10  # when more than a tenth of the papers changed, indexing all again is quicker

    def __init__(self, last: Postings | None = None) -> None:
        self.last = last  # e.g. read back from the build cache: it is checked against the papers
        self.updated = False  # whether the last call to files() changed the postings

    def files(self, corpus: Corpus) -> dict[str, bytes]:
        """The same files as search_files(corpus), from the last build's postings where they apply."""
        last, papers = self.last, indexed_papers(corpus)
        sources = _sources(papers)
        indexed = last.sources if last else None
        changed = last.changed(corpus, sources) if last else None
        if last is None or changed is None or len(changed) * self.REINDEX_SHARE > len(sources):
            self.last = Postings.of(corpus, sources)
            self.updated = True
        else:
            renumbered = last.sources is not indexed  # papers came or went (Postings.renumber)
            last.update(changed, sources)
            self.updated = bool(changed) or renumbered
        return self.last.files(corpus, papers)


Source = tuple[str, str, tuple[str, ...]]  # a paper's key, own search terms and topic ids, as indexed


def indexed_papers(corpus: Corpus) -> list[Paper]:
    """The papers in the order the index numbers them: by the date each was added, then by key
    (undated papers first).

    A paper added to the corpus is usually the newest, dated the day it was added (`survey add`
    dates it so): it takes the last place, and no other paper's number moves. Numbered by key,
    a paper added in the middle moved every later paper's postings and cards (about 450 of the
    index's files rewritten at 10,000 papers, where a paper added last changes its own card
    shard and the postings shards of its own terms).
    """
    return sorted(corpus.papers, key=_added)  # corpus.papers is in key order, which sorted keeps


def _added(paper: Paper) -> date:
    return paper.added or date.min


def _sources(papers: list[Paper]) -> list[Source]:
    return [(p.key, p.search_terms, tuple(t.id for t in p.topics)) for p in papers]


class Postings:
    """term -> [paper, weight, paper, weight, ...], papers by their place in indexed_papers, in order;
    with the encoded postings shards, each term in the shard static/search.js looks it up in."""

    def __init__(self, topics: dict[str, str], sources: list[Source]) -> None:
        self.topics = topics  # {id: title} of every topic: a paper's topics add their titles' terms
        self.topic_terms = {topic_id: tokens(title) for topic_id, title in topics.items()}
        self.sources = sources
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.shard_terms: dict[int, set[str]] = defaultdict(set)
        self.shards: dict[int, bytes] = {}
        self.terms = ""  # every term, sorted, one per line

    @classmethod
    def of(cls, corpus: Corpus, sources: list[Source]) -> Postings:
        """The postings of `sources` (those of indexed_papers(corpus), in that order)."""
        made = cls({t.id: t.title for t in corpus.topics}, sources)
        postings = made.postings
        for index, source in enumerate(made.sources):  # in order, so each posting list comes out sorted
            for term, weight in made.weights(source).items():
                postings[term] += (index, weight)
        for term in postings:
            made.shard_terms[shard_of(term)].add(term)
        made.shards = {number: made.encoded(number) for number in sorted(made.shard_terms)}
        made.terms = "\n".join(sorted(postings))
        return made

    def weights(self, source: Source) -> dict[str, int]:
        """The weight of each term in one paper: its own fields, then its topics' titles; capped."""
        weights = _weights(source[1])
        topic_weight = FIELD_WEIGHTS["topics"]
        for topic_id in source[2]:
            for term in self.topic_terms[topic_id]:
                weights[term] = weights.get(term, 0) + topic_weight
        return {term: weight if weight < MAX_WEIGHT else MAX_WEIGHT for term, weight in weights.items()}

    def encoded(self, number: int) -> bytes:
        terms = sorted(self.shard_terms[number])
        return _script("postings", number, {term: self.postings[term] for term in terms})

    def changed(self, corpus: Corpus, sources: list[Source]) -> list[int] | None:
        """The places of the papers indexed differently now (papers that came among them), or None
        if the topics are not the same ones (every paper's topic words may differ) or many papers
        came or went. When some came or went, the postings are first moved to the papers' new
        places (renumber)."""
        if self.topics != {t.id: t.title for t in corpus.topics}:
            return None
        keys, old_keys = [source[0] for source in sources], [source[0] for source in self.sources]
        if keys != old_keys and not self.renumber(old_keys, keys):
            return None
        return [
            index for index, (new, old) in enumerate(zip(sources, self.sources, strict=True)) if new != old
        ]

    def renumber(self, old_keys: list[str], keys: list[str]) -> bool:
        """Move every posting from its paper's place among `old_keys` (the papers' keys when they
        were indexed) to its place among `keys` (their keys now), and encode the shards that
        changed; the papers that went lose their postings, those that came have none yet (update
        indexes them). False, and nothing moved, when more than a tenth of the papers came or went.

        A paper's place is its rank in indexed_papers: a paper added last (the usual case) moves
        none, but one dated earlier, or a paper removed, moves every later one by a place: each
        posting list is then rewritten from the first place that moved (about 0.1 s at 10,000
        papers), where indexing every paper again took 0.4 s.
        """
        place = {key: index for index, key in enumerate(keys)}
        moved_to = [place.get(key) for key in old_keys]  # None: the paper went
        came = len(keys) - (len(moved_to) - moved_to.count(None))
        if (came + moved_to.count(None)) * KeptIndex.REINDEX_SHARE > len(keys):
            return False
        first = next(
            (index for index, (old, new) in enumerate(zip(old_keys, keys, strict=False)) if old != new),
            min(len(old_keys), len(keys)),
        )
        staying = [new for new in moved_to if new is not None]
        in_order = all(a < b for a, b in itertools.pairwise(staying))  # else a date changed
        touched: set[int] = set()
        term_left = False
        for term in list(self.postings):
            flat = self.postings[term]
            at = _pair_at(flat, first)
            if at == len(flat):
                continue  # every paper it lists kept its place
            tail = [
                value
                for index, weight in zip(flat[at::2], flat[at + 1 :: 2], strict=True)
                if (new := moved_to[index]) is not None
                for value in (new, weight)
            ]
            if not in_order:
                pairs = sorted(zip(tail[::2], tail[1::2], strict=True))
                tail = [value for pair in pairs for value in pair]
            flat[at:] = tail
            touched.add(shard_of(term))
            if not flat:
                del self.postings[term]
                self.shard_terms[shard_of(term)].discard(term)
                term_left = True
        sources: list[Source] = [(key, "", ()) for key in keys]  # indexed with no terms, so far
        for source, new in zip(self.sources, moved_to, strict=True):
            if new is not None:
                sources[new] = source
        self._encode_again(touched, term_left)
        self.sources = sources
        return True

    def update(self, changed: list[int], sources: list[Source]) -> None:
        """Index the changed papers again, and re-encode only the shards whose terms they touched."""
        touched: set[int] = set()
        term_list_changed = False
        for index in changed:
            before, after = self.weights(self.sources[index]), self.weights(sources[index])
            for term in before.keys() | after.keys():
                if before.get(term) != after.get(term):
                    term_list_changed |= self._set(term, index, after.get(term))
                    touched.add(shard_of(term))
        self.sources = sources
        self._encode_again(touched, term_list_changed)

    def _encode_again(self, shards: set[int], term_list_changed: bool) -> None:
        for number in shards:
            if self.shard_terms[number]:
                self.shards[number] = self.encoded(number)
            else:  # its last term left
                self.shards.pop(number, None)
                del self.shard_terms[number]
        if term_list_changed:
            self.terms = "\n".join(sorted(self.postings))

    def _set(self, term: str, index: int, weight: int | None) -> bool:
        """Put (index, weight) in the term's posting list, or take the paper out when weight is None;
        True when the term thereby joined or left the index."""
        flat = self.postings.get(term)
        joined = flat is None
        if flat is None:
            flat = self.postings[term] = []
            self.shard_terms[shard_of(term)].add(term)
        at = _pair_at(flat, index)
        present = at < len(flat) and flat[at] == index
        if weight is not None:
            flat[at : at + 2 if present else at] = [index, weight]
            return joined
        if present:
            del flat[at : at + 2]
        if flat:
            return False
        del self.postings[term]
        self.shard_terms[shard_of(term)].discard(term)
        return not joined

    def files(self, corpus: Corpus, papers: list[Paper]) -> dict[str, bytes]:
        """Every search file, with the cards of `papers` (indexed_papers(corpus)) in that order."""
        files = {f"search/p/{number}.js": self.shards[number] for number in sorted(self.shards)}
        for start in range(0, len(papers), CARDS_PER_SHARD):
            number = start // CARDS_PER_SHARD
            cards = b",".join(p.search_card for p in papers[start : start + CARDS_PER_SHARD])
            files[f"search/d/{number}.js"] = b"SurveySearch.cards(%d,[%s]);\n" % (number, cards)
        meta = {
            "papers": len(corpus.papers),
            "cardsPerShard": CARDS_PER_SHARD,
            "postingShards": POSTING_SHARDS,
            "topics": self.topics,
            "terms": self.terms,
            "idfBase": math.log(len(corpus.papers) + 1),
        }
        files["search/terms.js"] = _script("terms", meta)
        return files


def _pair_at(flat: list[int], index: int) -> int:
    """Where paper `index` is, or would go, in a posting list of (paper, weight) pairs sorted by paper."""
    low, high = 0, len(flat) // 2
    while low < high:
        middle = (low + high) // 2
        if flat[2 * middle] < index:
            low = middle + 1
        else:
            high = middle
    return 2 * low
