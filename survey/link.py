"""Linking: topics <-> papers <-> authors, venues and years, relations both ways, related papers.

Unresolvable references (an unknown topic, a dangling relation) are skipped here and
reported by validate.py, so linking never fails.

`relink` serves a long-running builder (survey serve's): when an edit changed nothing that linking
reads but titles, the last build's corpus is kept and the edited papers take their old places.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from operator import attrgetter

from survey.cache import BuildCache, digest
from survey.model import (
    LINKS,
    RELATION_LABELS,
    Author,
    Corpus,
    Paper,
    Relation,
    SiteConfig,
    Topic,
    Venue,
    Year,
    slugify,
)
from survey.parallel import Tick, share, split_work, worker_count
from survey.taxonomy import walk

SAME_AUTHOR_LIMIT = 10
_VENUE_YEAR = re.compile(r"[\s,]*\(?(19|20)\d\d\)?$")
RELATED_LIMIT = 5
RELATED_FILL = 20  # newest papers of each topic considered besides those sharing a tag
RELATED_TAG_FILL = 60  # newest papers considered from each (topic, tag) pair


def newest_first(papers: list[Paper]) -> list[Paper]:
    return sorted(papers, key=lambda p: (-p.year, p.title.lower(), p.key))


def _rank_newest_first(papers: list[Paper]) -> list[Paper]:
    """Number the papers newest first, so every later list sorts by that number (no key to build)."""
    ranked = newest_first(papers)
    for rank, paper in enumerate(ranked):
        paper.newest_rank = rank
    return ranked


def _newest(papers: list[Paper]) -> list[Paper]:
    return sorted(papers, key=_BY_RANK)


_BY_RANK = attrgetter("newest_rank")


def link(
    config: SiteConfig,
    content_dir,
    roots: list[Topic],
    papers: list[Paper],
    cache: BuildCache | None = None,
    workers: int = 1,
    neighbours: bool = True,
    unreadable: frozenset[str] = frozenset(),
) -> Corpus:
    """Link the papers to their topics, authors, venues, years and one another; with `neighbours`,
    also each paper's same-author and related lists, which only pages show (`survey check` goes
    without: a third of its time with the cache, 1.7 s of 6.5 without, at 10,000 papers).
    `unreadable`: the keys of paper files that could not be read (papers.PaperFiles)."""
    for paper in papers:  # from the last build of a long-running builder, they may still be linked
        paper.unlink()
    ordered = sorted(papers, key=lambda p: p.key)
    corpus = Corpus(config, content_dir, roots, list(walk(roots)), ordered, unreadable=unreadable)
    ranked = _rank_newest_first(corpus.papers)
    _link_topics(corpus)
    corpus.authors, crowded_authors = _link_authors(ranked)
    corpus.venues, crowded_venues = _link_venues(corpus.papers)
    corpus.shared_addresses = digest("\n".join([*crowded_authors, *crowded_venues]).encode())
    corpus.years = _link_years(corpus.papers)
    _link_relations(corpus.papers)
    if neighbours:
        _link_neighbours(corpus, cache, workers)
    return corpus


def _link_neighbours(corpus: Corpus, cache: BuildCache | None, workers: int) -> None:
    """Each paper's papers by the same authors, and related papers.

    Same-author lists depend only on the papers' keys, years and authors; related lists on their
    keys, years, topics, tags and relations. Each kind is kept in the cache with a hash of what it
    depends on: an edit to anything else (a title, a summary, a link) reuses both, and a change
    to what they depend on makes only the lists again that it may change (_same_author_lists,
    _related_lists).
    """
    papers = corpus.papers
    authors_digest, same_authors = _same_author_lists(corpus, cache, workers)
    related_digest, related = _related_lists(corpus, cache, workers)
    corpus.neighbours_shape = digest(f"{authors_digest}|{related_digest}".encode())
    by_key = corpus.paper_by_key
    for paper in papers:
        paper.same_authors = [by_key[key] for key in same_authors[paper.key]]
        paper.related = [by_key[key] for key in related[paper.key]]


SAME_AUTHORS_KEY = "same-authors"  # the cache entries: see _kept_lists
REMADE_SHARE = 4  # same-author lists made again in part when at most a quarter of them may differ


def _same_author_lists(corpus: Corpus, cache: BuildCache | None, workers: int) -> tuple[str, dict]:
    """The hash of every paper's key, year and authors, and each paper's same-author list (keys).

    The last build's lists are kept in the cache with what they were made from. When some papers'
    authors or years changed (or papers came or went), only the lists that can differ are made
    again: those of the changed papers and of every paper sharing an author with one of them,
    before or after the change; every other paper's co-authors' papers are the same as then.
    """
    made_from = {p.key: (p.year, tuple(p.author_names)) for p in corpus.papers}

    def sharing(names: set[str]) -> set[str]:
        authors = {author.name: author for author in corpus.authors}
        return {paper.key for name in names if name in authors for paper in authors[name].papers}

    return _kept_lists(
        corpus,
        cache,
        workers,
        SAME_AUTHORS_KEY,
        made_from,
        functools.partial(_same_author_finder, corpus.papers),
        sharing,
    )


RELATED_KEY = "related"  # the cache entries: see _kept_lists


def _related_lists(corpus: Corpus, cache: BuildCache | None, workers: int) -> tuple[str, dict]:
    """The hash of every paper's key, year, topics, tags and relations, and each paper's related
    list (keys).

    As with the same-author lists, the last build's lists are kept in the cache with what they were
    made from, and after a change only the lists that can differ are made again: a paper's related
    list is drawn from the newest papers of its own topics (_related_finder), so only the lists of
    the changed papers and of every paper sharing a topic with one of them, before or after the
    change, may differ. (A list also leaves out the papers related to its paper either way, but a
    paper that is not on its topics could not be on the list anyway. Which bit stands for which
    topic or tag does not matter: only the count of shared bits does.)
    """
    papers = corpus.papers
    made_from = {p.key: (p.year, tuple(p.topic_ids), tuple(p.tags), _relation_targets(p)) for p in papers}

    def sharing(topics: set[str]) -> set[str]:
        return {paper.key for paper in papers if not topics.isdisjoint(paper.topic_ids)}

    finder = functools.partial(_related_finder, papers)  # its windows are made only if a list is
    return _kept_lists(corpus, cache, workers, RELATED_KEY, made_from, finder, sharing)


def _kept_lists(
    corpus: Corpus,
    cache: BuildCache | None,
    workers: int,
    name: str,
    made_from: dict[str, tuple],
    finder: Callable[[], Callable[[Paper], list[str]]],
    sharing: Callable[[set[str]], set[str]],
) -> tuple[str, dict]:
    """The hash of `made_from` (what each paper's list is made from, by key) and each paper's list.

    The lists are kept in the cache, each paper's under `name/<key>` with what it was made from
    (whose second item holds the names a list is drawn by: authors, topics), and the hash under
    `name`. When that changed, the lists of the changed papers and of the papers `sharing` a name
    with one, before or after, are made again by `finder()` and the others kept; when more than a
    quarter may differ, every core makes them all. One entry per paper, so that the cache's journal
    takes only the lists that changed: as one entry for all, a paper added wrote all 20,000 lists
    of 10,000 papers to it again (2.5 MB), and every build after it read them back.
    """
    papers = corpus.papers
    shape = digest("\n".join(f"{key}|{value}" for key, value in made_from.items()).encode())
    keys = _entry_keys(name, made_from)
    known = cache.known("links") if cache else {}
    if known.get(name) == shape and all(key in known for key in keys):
        assert cache is not None
        cache.keep("links", keys)
        return shape, {paper: known[key][1] for paper, key in zip(made_from, keys[1:], strict=True)}
    stored = {key.partition("/")[2]: value for key, value in known.items() if key.startswith(name + "/")}
    before = {key: made for key, (made, _) in stored.items()}
    affected = _affected(before, made_from, sharing) if stored else None
    find = finder()
    if affected is None or len(affected) * REMADE_SHARE > len(papers):
        lists = _neighbour_lists(papers, find, workers)
    else:
        lists = {key: stored[key][1] for key in made_from if key not in affected}
        by_key = corpus.paper_by_key
        lists.update((key, find(by_key[key])) for key in affected)
    if cache:
        cache.put("links", name, shape)
        for paper, key in zip(made_from, keys[1:], strict=True):
            cache.put("links", key, (made_from[paper], lists[paper]))
    return shape, lists


def _entry_keys(name: str, papers: Iterable[str]) -> list[str]:
    """The cache keys of the lists kept under `name`: the hash of what they are made from, then
    one per paper."""
    return [name] + [f"{name}/{key}" for key in papers]


def _affected(
    before: dict[str, tuple], now: dict[str, tuple], sharing: Callable[[set[str]], set[str]]
) -> set[str]:
    """The keys of the papers whose lists may have changed since `before` (see _kept_lists)."""
    changed = {key for key in before.keys() | now.keys() if before.get(key) != now.get(key)}
    names = {name for key in changed for side in (before, now) if key in side for name in side[key][1]}
    return {key for key in changed | sharing(names) if key in now}


def _relation_targets(paper: Paper) -> tuple[str, ...]:
    """The keys the paper names in its relations, of any kind: its related list leaves those out."""
    return tuple(sorted({key for keys in paper.relation_keys.values() for key in keys}))


def _neighbour_lists(
    papers: list[Paper], find: Callable[[Paper], list[str]], workers: int
) -> dict[str, list[str]]:
    """{key: the keys `find` gives for that paper}, made on every core."""

    def lists(index: int, count: int, tick: Tick) -> dict[str, list[str]]:
        return {paper.key: find(paper) for paper in share(papers, index, count)}

    found: dict[str, list[str]] = {}
    for part in split_work(lists, worker_count(workers, len(papers))):
        found.update(part)
    return found


def _related_finder(papers: list[Paper]) -> Callable[[Paper], list[str]]:
    """_related, with the newest papers of each topic and of each (topic, tag) pair at hand, each
    with its topics and tags: the windows every paper's candidates are drawn from, made once."""
    by_topic: dict[str, list[Paper]] = defaultdict(list)
    by_topic_tag: dict[tuple[str, str], list[Paper]] = defaultdict(list)
    for paper in sorted(papers, key=lambda p: (-p.year, p.key)):
        for topic_id in paper.topic_ids:
            by_topic[topic_id].append(paper)
            for tag in paper.tags:
                by_topic_tag[topic_id, tag].append(paper)
    topic_bits, tag_bits = _bits(p.topic_ids for p in papers), _bits(p.tags for p in papers)
    labels = {p.key: (_mask(p.topic_ids, topic_bits), _mask(p.tags, tag_bits), -p.year) for p in papers}

    def window(newest: list[Paper], size: int) -> Window:
        return {p.key: labels[p.key] for p in newest[:size]}

    topic_windows = {topic: window(found, RELATED_FILL) for topic, found in by_topic.items()}
    tag_windows = {pair: window(found, RELATED_TAG_FILL) for pair, found in by_topic_tag.items()}
    return lambda paper: _related(paper, topic_windows, tag_windows, labels[paper.key])


def _bits(groups: Iterable[list[str]]) -> dict[str, int]:
    """A bit of its own for every name in `groups`."""
    names = dict.fromkeys(name for group in groups for name in group)
    return {name: 1 << index for index, name in enumerate(names)}


def _mask(names: list[str], bits: dict[str, int]) -> int:
    mask = 0
    for name in names:
        mask |= bits[name]
    return mask


def _link_topics(corpus: Corpus) -> None:
    by_id = corpus.topic_by_id
    for paper in corpus.papers:
        paper.topics = [by_id[t] for t in dict.fromkeys(paper.topic_ids) if t in by_id]
        for topic in paper.topics:
            topic.papers.append(paper)
    for topic in reversed(corpus.topics):  # children before parents
        collected = {p.key: p for p in topic.papers}
        for child in topic.children:
            collected.update((p.key, p) for p in child.all_papers)
        topic.papers = _newest(topic.papers)
        topic.all_papers = _newest(list(collected.values()))
    for before, after in zip(corpus.topics, corpus.topics[1:], strict=False):
        before.next, after.previous = after, before


def _link_authors(ranked: list[Paper]) -> tuple[list[Author], list[str]]:
    """The authors, with their papers newest first and their page addresses, and "name>address" of
    each author whose address a namesake shares (slugs alike: the first in order gets it plain)."""
    by_name: dict[str, Author] = {}
    for paper in ranked:  # newest first, so each author's papers come out newest first
        _credit_authors(paper, by_name)
    authors = sorted(by_name.values(), key=_author_order)  # slugify keeps the slugs it made
    return authors, _give_addresses(authors, [slugify(author.name) for author in authors])


def _credit_authors(paper: Paper, by_name: dict[str, Author]) -> list[Author]:
    """Put the paper after the papers on each of its authors' lists, and them on its list; the
    authors it is the first to name, made here (and put in `by_name`)."""
    made = []
    for name in paper.author_names:
        author = by_name.get(name)
        if author is None:
            author = by_name[name] = Author(name, family=name.split()[-1])
            made.append(author)
        if not author.papers or author.papers[-1] is not paper:  # a name listed twice counts once
            author.papers.append(paper)
        paper.authors.append(author)
    return made


def _give_addresses(named: list[Author] | list[Venue], slugs: list[str]) -> list[str]:
    """Give each of `named`, in order, its slug: plain for the first to have it, "-2", "-3"... for
    the namesakes after it. "name>address" of each whose slug a namesake shares."""
    taken: Counter[str] = Counter()
    for item, slug in zip(named, slugs, strict=True):
        taken[slug] += 1
        item.slug = slug if taken[slug] == 1 else f"{slug}-{taken[slug]}"
    return [f"{item.name}>{item.slug}" for item, slug in zip(named, slugs, strict=True) if taken[slug] > 1]


def venue_name(venue: str) -> str:
    """The venue without its year: 'NeurIPS 2022' -> 'NeurIPS'."""
    return _VENUE_YEAR.sub("", venue).strip() or venue


def _link_venues(papers: list[Paper]) -> tuple[list[Venue], list[str]]:
    groups: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        if paper.venue:
            groups[venue_name(paper.venue)].append(paper)
    venues = sorted(
        (Venue(name, slugify(name), _newest(group)) for name, group in groups.items()),
        key=_venue_order,
    )
    # names that differ only in case or punctuation get pages of their own
    crowded = _give_addresses(venues, [venue.slug for venue in venues])
    for venue in venues:
        for paper in venue.papers:
            paper.venue_ref = venue
    return venues, crowded


def _venue_order(venue: Venue) -> tuple[str, str]:
    return (venue.name.lower(), venue.name)


def _link_years(papers: list[Paper]) -> list[Year]:
    groups: dict[int, list[Paper]] = defaultdict(list)
    for paper in papers:
        groups[paper.year].append(paper)
    return [Year(year, _newest(groups[year])) for year in sorted(groups, reverse=True)]


def _link_relations(papers: list[Paper]) -> None:
    by_key = {p.key: p for p in papers}
    for paper in papers:
        _relate(paper, by_key)
    for paper in papers:
        _sort_relations(paper)


def _relate(paper: Paper, by_key: dict[str, Paper]) -> list[Paper]:
    """The relations the paper names, on it and (the other way) on the papers it names, unsorted;
    those papers."""
    named = []
    for kind, keys in paper.relation_keys.items():
        outgoing, incoming = RELATION_LABELS[kind]
        for key in dict.fromkeys(keys):
            other = by_key.get(key)
            if other is not None and other is not paper:
                paper.relations.append(Relation(outgoing, other))
                other.relations.append(Relation(incoming, paper))
                named.append(other)
    return named


_RELATION_LABELS_IN_ORDER = [label for pair in RELATION_LABELS.values() for label in pair]
_RELATION_ORDER = {label: index for index, label in enumerate(_RELATION_LABELS_IN_ORDER)}


def _sort_relations(paper: Paper) -> None:
    paper.relations.sort(key=lambda r: (_RELATION_ORDER[r.label], -r.paper.year, r.paper.key))


def _same_author_finder(papers: list[Paper]) -> Callable[[Paper], list[str]]:
    """For a paper, the keys of the papers sharing the most authors with it, then the newest (then
    by key). Each paper is numbered in that last order once, so that a candidate's place is one
    integer, its number less the corpus's size for each shared author: no key is made per candidate
    (a paper of a prolific author has hundreds), and the number is that integer modulo the size."""
    order = sorted(papers, key=lambda p: (-p.year, p.key))
    number = {paper: index for index, paper in enumerate(order)}
    size = len(order)

    def same_author_keys(paper: Paper) -> list[str]:
        shared: Counter[Paper] = Counter()
        for author in paper.authors:
            shared.update(author.papers)
        shared.pop(paper, None)
        places = heapq.nsmallest(
            SAME_AUTHOR_LIMIT, [number[other] - size * count for other, count in shared.items()]
        )
        return [order[place % size].key for place in places]

    return same_author_keys


# A paper's topics and tags as bit masks (its own bit for each name; see _bits), and its year,
# negated: scoring a candidate counts shared bits instead of intersecting sets of names.
Labelled = tuple[int, int, int]
Window = dict[str, Labelled]  # the newest papers of a topic, or of a (topic, tag) pair, by key


def _related(
    paper: Paper,
    topic_windows: dict[str, Window],
    tag_windows: dict[tuple[str, str], Window],
    labelled: Labelled,
) -> list[str]:
    """Keys of the papers sharing the most topics (2 points each) and tags (1 point each), then
    the newest, not already related.

    Candidates are the newest papers that share a topic and a tag with this one, plus the newest
    few of each of its topics, so the cost stays small however large a topic grows.
    """
    linked = {r.paper.key for r in paper.relations}
    linked.add(paper.key)
    others: Window = {}
    for topic in paper.topic_ids:
        for tag in paper.tags:
            others.update(tag_windows.get((topic, tag), {}))
        others.update(topic_windows.get(topic, {}))
    topics, tags, _ = labelled
    scored = [
        (-2 * (topics & other_topics).bit_count() - (tags & other_tags).bit_count(), minus_year, key)
        for key, (other_topics, other_tags, minus_year) in others.items()
        if key not in linked
    ]
    return [key for _, _, key in heapq.nsmallest(RELATED_LIMIT, scored)]


RELINK_LIMIT = 100  # edited papers swapped in one by one; beyond that, linking all again is as quick
ADDED_LIMIT = 20  # papers added one by one into the kept corpus; beyond that, linked from scratch


def relink(
    last: Corpus, config: SiteConfig, roots: list[Topic], papers: list[Paper], cache: BuildCache | None = None
) -> list[Paper] | None:
    """Put edited papers in the places of their old versions in `last`, the previous build's corpus,
    and added papers in their places; the papers swapped in and added, or None (and `last`
    untouched) when the edit needs linking from scratch.

    That is when a paper was removed, the topic tree changed, an edited paper changed anything
    linking reads but its title (its authors, year, venue, topics, tags or relations), or an added
    paper brings an author or venue whose page address another has (see _addresses_free). A new
    title only moves the paper within the newest-first lists it is on. The papers not edited are
    the very objects `last` holds (survey serve's builder keeps them between builds).
    """
    if topic_shapes(list(walk(roots))) != topic_shapes(last.topics):
        return None
    kept = last.paper_by_key
    added, swaps = [], []
    for new in papers:
        old = kept.get(new.key)
        if old is None:
            added.append(new)
        elif new is not old:
            if _link_shape(new) != _link_shape(old):
                return None
            swaps.append((old, new))
    gone = len(papers) - len(added) != len(last.papers)
    if gone or len(swaps) > RELINK_LIMIT or len(added) > ADDED_LIMIT or not _addresses_free(last, added):
        return None
    last.config = config
    for old, new in swaps:
        _swap(last, old, new)
    for paper in added:
        _insert(last, paper)
    last.__dict__.pop("paper_by_key", None)  # made again when next asked for, with the added papers
    for paper in added:  # once all are in: they may name each other
        _link_relations_of(last, paper)
    moved = [new for old, new in swaps if old.title != new.title] + added
    if moved:
        _rank_newest_first(last.papers)
        for paper in moved:
            _reorder_lists_of(last, paper)
    if added:  # new papers join same-author and related lists: the lists that may differ made again
        _link_neighbours(last, cache, workers=1)
    else:
        _swap_neighbours(last, {id(old): new for old, new in swaps})
        if cache:
            keys = [paper.key for paper in last.papers]  # still this build's lists
            cache.keep("links", _entry_keys(SAME_AUTHORS_KEY, keys) + _entry_keys(RELATED_KEY, keys))
    return [new for _, new in swaps] + added


def _addresses_free(corpus: Corpus, added: list[Paper]) -> bool:
    """Whether every author and venue the added papers bring anew has a page address no other has.

    A namesake (an address alike once accents, case and punctuation are gone) may take the plain
    address and move the other to "-2", on every page that links it: linked from scratch.
    """
    authors = {author.name for author in corpus.authors}
    venues = {venue.name for venue in corpus.venues}
    new_authors = {name for paper in added for name in paper.author_names if name not in authors}
    new_venues = {venue_name(p.venue) for p in added if p.venue and venue_name(p.venue) not in venues}
    for new, old in ((new_authors, corpus.authors), (new_venues, corpus.venues)):
        slugs = [slugify(name) for name in new]
        if len(set(slugs)) < len(slugs) or not {item.slug for item in old}.isdisjoint(slugs):
            return False
    return True


def _insert(corpus: Corpus, paper: Paper) -> None:
    """Put an added paper on the corpus's lists as linking from scratch would: its rank, and so its
    place on each newest-first list, is given after (_rank_newest_first, _reorder_lists_of), and
    its relations once every added paper is in (_link_relations_of)."""
    paper.unlink()  # a paper file removed and put back may come from the cache with old links
    bisect.insort(corpus.papers, paper, key=_BY_KEY)
    by_id = corpus.topic_by_id
    paper.topics = [by_id[t] for t in dict.fromkeys(paper.topic_ids) if t in by_id]
    for topic in paper.topics:
        topic.papers.append(paper)
    for topic_id in paper.facet_topics:
        by_id[topic_id].all_papers.append(paper)
    _insert_authors(corpus, paper)
    if paper.venue:
        _insert_venue(corpus, paper)
    year = next((year for year in corpus.years if year.year == paper.year), None)
    if year is None:
        year = Year(paper.year)
        bisect.insort(corpus.years, year, key=lambda y: -y.year)
    year.papers.append(paper)


def _link_relations_of(corpus: Corpus, paper: Paper) -> None:
    """An added paper's relations, both ways (no kept paper names it: that would have failed
    validation, and a corpus that failed is not kept)."""
    for named in [paper, *_relate(paper, corpus.paper_by_key)]:
        _sort_relations(named)


_BY_KEY = attrgetter("key")


def _insert_authors(corpus: Corpus, paper: Paper) -> None:
    by_name = {author.name: author for author in corpus.authors}
    for author in _credit_authors(paper, by_name):
        author.slug = slugify(author.name)  # its own: _addresses_free made sure
        bisect.insort(corpus.authors, author, key=_author_order)


def _author_order(author: Author) -> tuple[str, str, str]:
    return (slugify(author.family), slugify(author.name), author.name)


def _insert_venue(corpus: Corpus, paper: Paper) -> None:
    name = venue_name(paper.venue)
    venue = next((venue for venue in corpus.venues if venue.name == name), None)
    if venue is None:
        venue = Venue(name, slugify(name))
        bisect.insort(corpus.venues, venue, key=_venue_order)
    venue.papers.append(paper)
    paper.venue_ref = venue


def _link_shape(paper: Paper) -> tuple:
    """What linking reads from a paper, but its key and title."""
    return (paper.year, paper.author_names, paper.venue, paper.topic_ids, paper.tags, paper.relation_keys)


def topic_shapes(topics: list[Topic]) -> list[tuple]:
    """Every topic as the taxonomy and its introductions describe it (no links)."""
    return [
        (t.id, t.title, t.summary, t.section, t.parent.id if t.parent else "", t.depth, t.path, t.line,
         t.order, t.intro_html, t.intro_path, [child.id for child in t.children])
        for t in topics
    ]  # fmt: skip


def _swap(corpus: Corpus, old: Paper, new: Paper) -> None:
    """`new` takes over `old`'s links, and its place on every list and relation that held `old`."""
    for name in LINKS:
        setattr(new, name, getattr(old, name))
    old.unlink()
    corpus.papers[corpus.papers.index(old)] = new
    for holder in _lists_of(corpus, new):
        holder[holder.index(old)] = new
    for relation in new.relations:
        for back in relation.paper.relations:
            if back.paper is old:
                back.paper = new


def _lists_of(corpus: Corpus, paper: Paper) -> list[list[Paper]]:
    """The newest-first lists `paper` is on: its topics and theirs above, authors, year and venue."""
    lists = [topic.papers for topic in paper.topics]
    lists += [corpus.topic_by_id[topic_id].all_papers for topic_id in paper.facet_topics]
    lists += [author.papers for author in paper.authors]
    lists += [year.papers for year in corpus.years if year.year == paper.year]
    if paper.venue_ref:
        lists.append(paper.venue_ref.papers)
    return lists


def _reorder_lists_of(corpus: Corpus, paper: Paper) -> None:
    for holder in _lists_of(corpus, paper):
        holder.sort(key=_BY_RANK)


def _swap_neighbours(corpus: Corpus, swapped: dict[int, Paper]) -> None:
    """Same-author and related lists naming an old version name the new one."""
    old = swapped.keys()
    for paper in corpus.papers:
        if not old.isdisjoint(map(id, paper.same_authors)):
            paper.same_authors = [swapped.get(id(other), other) for other in paper.same_authors]
        if not old.isdisjoint(map(id, paper.related)):
            paper.related = [swapped.get(id(other), other) for other in paper.related]
