"""Figures drawn at build time as inline SVG: the taxonomy map, papers per year, relation graphs.

SVG is written here as text from plain numbers, so it shows with JavaScript off, stays crisp at any
size and is byte-identical across builds. Colours come from CSS classes (`.fig-*`, `.t0`-`.t8` for
the top-level topics) so the site's stylesheet themes them for dark mode and print. Every figure has
a <title> and <desc>; its links are SVG <a> elements, reachable with the keyboard; its numbers are
also in data attributes (and in a table beside it) for tests and screen readers.

Layouts are computed here, not by a library: the tree is a tidy tree (leaves one per row, each
parent centred on its children), and relation graphs place papers by year from left to right
(relations point back to earlier work) with rows ordered by their neighbours' rows (barycentre).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass
from html import escape

from survey.model import Corpus, Paper, Topic, counted

ROW = 24
COLUMN = 230
NODE_WIDTH = 212


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _svg(width: float, height: float, title: str, desc: str, body: list[str], figure_id: str) -> str:
    # a figure with links keeps the implicit svg role (role img would hide its links from assistive technology)
    role = "" if any("<a " in part for part in body) else ' role="img"'
    return (
        f'<svg class="figure" id="{figure_id}" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}"{role} aria-labelledby="{figure_id}-title {figure_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{figure_id}-title">{_text(title)}</title><desc id="{figure_id}-desc">{_text(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def root_index(topic: Topic) -> int:
    """Which top-level topic a topic belongs to, for its colour."""
    top = (topic.ancestors or [topic])[0]
    return top.order


def taxonomy_map(corpus: Corpus, root: str) -> str:
    """The survey's tree as a left-to-right diagram; each node links to its page and shows its count."""
    rows: dict[str, float] = {}
    next_row = 0

    def place(topic: Topic) -> float:
        nonlocal next_row
        if topic.children:
            spots = [place(child) for child in topic.children]
            rows[topic.id] = (spots[0] + spots[-1]) / 2
        else:
            rows[topic.id] = next_row
            next_row += 1
        return rows[topic.id]

    for top in corpus.roots:
        place(top)
        next_row += 0.5  # a little air between the parts of the survey
    depth = max(t.depth for t in corpus.topics) + 1
    width, height = depth * COLUMN, next_row * ROW + 8
    body = []
    for topic in corpus.topics:
        y = rows[topic.id] * ROW + ROW / 2 + 4
        x = topic.depth * COLUMN
        if topic.parent is not None:
            px, py = topic.parent.depth * COLUMN + NODE_WIDTH, rows[topic.parent.id] * ROW + ROW / 2 + 4
            mid = (px + x) / 2
            body.append(
                f'<path class="fig-edge" d="M{px:.0f} {py:.1f}C{mid:.0f} {py:.1f} {mid:.0f} {y:.1f} {x:.0f} {y:.1f}"/>'
            )
    for topic in corpus.topics:
        y = rows[topic.id] * ROW + 4
        x = topic.depth * COLUMN
        count = len(topic.all_papers)
        label = topic.title if len(topic.title) <= 27 else topic.title[:25] + "…"
        body.append(
            f'<a href="{_text(root + topic.url)}" data-topic="{topic.id}" data-count="{count}">'
            f"<title>{_text(topic.title)}: {counted(count, 'paper')}</title>"
            f'<rect class="fig-node t{root_index(topic)}" x="{x}" y="{y + 2}" width="{NODE_WIDTH}" height="{ROW - 4}" rx="5"/>'
            f'<text class="fig-label" x="{x + 8}" y="{y + ROW / 2 + 4:.0f}">{_text(label)}</text>'
            f'<text class="fig-count" x="{x + NODE_WIDTH - 8}" y="{y + ROW / 2 + 4:.0f}" text-anchor="end">{count}</text>'
            "</a>"
        )
    total = len(corpus.papers)
    desc = (
        f"The survey's {len(corpus.topics)} topics as a tree, from its {len(corpus.roots)} parts on the left to "
        f"the most specific topics on the right, with the number of papers under each ({total:,} papers in all)."
    )
    return _svg(width, height, "Map of the survey's topics", desc, body, "taxonomy-map")


YEAR_SPAN = 15  # years shown one bar each; older papers share a first bar


def year_counts(
    papers: list[Paper], corpus: Corpus, by_part: bool = True
) -> list[tuple[str, int, int, list[int]]]:
    """Bars as (label, first year, last year, count per top-level topic), oldest first.

    The last YEAR_SPAN years get a bar each; anything older is summed into one first bar. A paper
    filed under several parts counts once, under the first part in survey order. Without
    `by_part`, every paper counts under the first part: only the totals are wanted.
    """
    if not papers:
        return []
    years = [p.year for p in papers]
    last, oldest = max(years), min(years)
    first_single = max(oldest, last - YEAR_SPAN + 1)
    bars = [(f"before {first_single}", oldest, first_single - 1)] if oldest < first_single else []
    bars += [(str(year), year, year) for year in range(first_single, last + 1)]
    counts = [[0] * len(corpus.roots) for _ in bars]
    parts = {id(topic): root_index(topic) for topic in corpus.topics}
    for paper in papers:
        index = (
            0
            if paper.year < first_single
            else paper.year - first_single + (len(bars) - (last - first_single + 1))
        )
        part = min(map(parts.__getitem__, map(id, paper.topics)), default=0) if by_part else 0
        counts[index][part] += 1
    return [(label, start, end, count) for (label, start, end), count in zip(bars, counts, strict=True)]


def papers_per_year(papers: list[Paper], corpus: Corpus, figure_id: str, stacked: bool = True) -> str:
    """A bar per year, stacked by top-level topic when `stacked`."""
    bars = year_counts(papers, corpus, by_part=stacked)
    if not bars:
        return ""
    bar, gap, plot_height, left, bottom = 26, 8, 150, 34, 40
    most = max(sum(c) for *_, c in bars) or 1
    scale = plot_height / most
    width = left + len(bars) * (bar + gap) + 10
    height = plot_height + bottom + 10
    body = [
        f'<line class="fig-axis" x1="{left}" y1="{plot_height + 10}" x2="{width - 6}" y2="{plot_height + 10}"/>'
    ]
    for tick in sorted({0, most // 2, most}):
        y = plot_height + 10 - tick * scale
        body.append(f'<text class="fig-tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for index, (label, start, end, counts) in enumerate(bars):
        x = left + index * (bar + gap) + gap / 2
        total = sum(counts)
        y = plot_height + 10
        group = [
            f'<g data-from="{start}" data-to="{end}" data-count="{total}">'
            f"<title>{_text(label)}: {counted(total, 'paper')}</title>"
        ]
        for part, count in enumerate(counts) if stacked else [(None, total)]:
            if not count:
                continue
            h = count * scale
            y -= h
            css = f"t{part}" if part is not None else "fig-bar"
            topic = (
                f' data-topic="{corpus.roots[part].id}" data-part-count="{count}"' if part is not None else ""
            )
            group.append(
                f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{bar}" height="{h:.1f}"{topic}/>'
            )
        short = label if start == end else f"≤{end}"
        if index % 2 == 0 or index == len(bars) - 1 or len(bars) <= 8:
            group.append(
                f'<text class="fig-tick" x="{x + bar / 2:.1f}" y="{plot_height + 26}" text-anchor="middle">{_text(short)}</text>'
            )
        group.append("</g>")
        body.append("".join(group))
    desc = (
        "Number of papers per year: "
        + "; ".join(f"{label}: {sum(c):,}" for label, _, _, c in bars if sum(c))
        + "."
    )
    return _svg(width, height, "Papers per year", desc, body, figure_id)


def _layered(papers: list[Paper], edges: list[tuple[Paper, Paper, str]]) -> dict[str, tuple[float, float]]:
    """Positions: one column per year (oldest left), rows ordered by the mean row of neighbours."""
    years = sorted({p.year for p in papers})
    columns: dict[int, list[Paper]] = defaultdict(list)
    for paper in sorted(papers, key=lambda p: (p.year, p.key)):
        columns[paper.year].append(paper)
    neighbours: dict[str, list[str]] = defaultdict(list)
    for a, b, _ in edges:
        neighbours[a.key].append(b.key)
        neighbours[b.key].append(a.key)
    row: dict[str, float] = {}
    for year in years:
        placed = columns[year]
        wanted = {p.key: _mean_row(neighbours[p.key], row, default=index) for index, p in enumerate(placed)}
        for index, paper in enumerate(sorted(placed, key=lambda p: (wanted[p.key], p.key))):
            row[paper.key] = index
    return {p.key: (years.index(p.year), row[p.key]) for p in papers}


def _mean_row(keys: list[str], row: dict[str, float], default: float) -> float:
    """The mean row of the already placed papers among `keys` (the barycentre), else `default`."""
    rows = [row[key] for key in keys if key in row]
    return sum(rows) / len(rows) if rows else default


Edge = tuple[Paper, Paper, str]  # (paper, the paper it names, the kind of relation)

TOPIC_GRAPH_LIMIT = 60  # papers drawn in a topic's relation graph at most


def _edges(papers: list[Paper]) -> list[Edge]:
    """The relations among `papers`: those they name of each other."""
    by_key = {p.key: p for p in papers}
    return [
        (paper, by_key[key], kind)
        for paper in papers
        for kind, targets in paper.relation_keys.items()
        for key in targets
        if key in by_key and by_key[key] is not paper
    ]


@dataclass(frozen=True)
class TopicGraph:
    """A topic's relation graph (SVG text, empty when its papers name none of each other), the number
    of papers it shows and the number that have a relation within the topic."""

    svg: str
    shown: int
    related: int


def topic_graph(papers: list[Paper], root: str, title: str) -> TopicGraph:
    """Relations among a topic's papers; above TOPIC_GRAPH_LIMIT papers with relations, among those
    around the most connected ones (_around_hubs).

    A top-level topic of a large corpus holds a thousand related papers and more: drawn whole, a
    graph hundreds of rows tall that no one can read (and a page of 2 MB at 10,000 papers), where
    each paper's own page shows all of its relations.
    """
    edges = _edges(papers)
    neighbours: dict[str, set[str]] = defaultdict(set)
    for source, target, _ in edges:
        neighbours[source.key].add(target.key)
        neighbours[target.key].add(source.key)
    chosen = papers
    if len(neighbours) > TOPIC_GRAPH_LIMIT:
        kept = _around_hubs(neighbours, {p.key: p.year for p in papers}, TOPIC_GRAPH_LIMIT)
        chosen = [p for p in papers if p.key in kept]
        edges = [edge for edge in edges if edge[0].key in kept and edge[1].key in kept]
    svg = _relation_figure(chosen, edges, root, "topic-relations", title, None, len(neighbours))
    return TopicGraph(svg, len({p.key for edge in edges for p in edge[:2]}), len(neighbours))


def _around_hubs(neighbours: dict[str, set[str]], years: dict[str, int], limit: int) -> set[str]:
    """`limit` papers, grown from the paper related to the most others: each step takes the best
    connected paper next to those taken (related to the most others, then the newest, then by key),
    and a new start when the group has no neighbour left, so the papers drawn relate to each other.
    (The most connected papers taken alone were often unrelated to one another: most of them then
    had nothing to draw.)"""

    def rank(key: str) -> tuple[int, int, str]:
        return (-len(neighbours[key]), -years[key], key)

    taken: set[str] = set()
    for start in sorted(neighbours, key=rank):
        if len(taken) >= limit:
            break
        waiting = [] if start in taken else [(rank(start), start)]
        while waiting and len(taken) < limit:
            _, key = heapq.heappop(waiting)
            if key not in taken:
                taken.add(key)
                for other in neighbours[key] - taken:
                    heapq.heappush(waiting, (rank(other), other))
    return taken


def relation_graph(
    papers: list[Paper], root: str, figure_id: str, title: str, focus: Paper | None = None
) -> str:
    """Typed relations among `papers`, laid out by year; empty when there are none."""
    return _relation_figure(papers, _edges(papers), root, figure_id, title, focus)


def _relation_figure(
    papers: list[Paper],
    edges: list[Edge],
    root: str,
    figure_id: str,
    title: str,
    focus: Paper | None,
    related: int = 0,
) -> str:
    """The graph of `edges` among `papers`; `related`, when more than it shows, is said in its
    description (the number of papers with relations it was drawn from)."""
    if not edges:
        return ""
    linked = {p.key for a, b, _ in edges for p in (a, b)}
    shown = [p for p in papers if p.key in linked]
    spot = _layered(shown, edges)
    col_w, row_h, node_w, node_h = 190, 46, 172, 34
    columns = max(x for x, _ in spot.values()) + 1
    rows = max(y for _, y in spot.values()) + 1
    width, height = columns * col_w + 10, rows * row_h + 34
    years = sorted({p.year for p in shown})
    body = [
        f'<text class="fig-tick" x="{i * col_w + node_w / 2 + 5:.0f}" y="14" text-anchor="middle">{year}</text>'
        for i, year in enumerate(years)
    ]
    body.append(
        f'<defs><marker id="{figure_id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path class="fig-arrow" d="M0 0L10 5L0 10z"/></marker></defs>'
    )
    centre = {k: (x * col_w + 5 + node_w / 2, y * row_h + 24 + node_h / 2) for k, (x, y) in spot.items()}
    for source, target, kind in sorted(edges, key=lambda e: (e[0].key, e[1].key, e[2])):
        (x1, y1), (x2, y2) = centre[source.key], centre[target.key]
        if x1 == x2:
            x1, x2 = x1 - node_w / 4, x2 - node_w / 4
        else:
            x1, x2 = x1 + (-1 if x1 > x2 else 1) * node_w / 2, x2 + (1 if x1 > x2 else -1) * node_w / 2
        label = kind.replace("_", " ")
        body.append(
            f'<path class="fig-relation rel-{kind}" data-kind="{kind}" data-from="{source.key}" data-to="{target.key}" '
            f'd="M{x1:.1f} {y1:.1f}L{x2:.1f} {y2:.1f}" marker-end="url(#{figure_id}-arrow)">'
            f"<title>{_text(source.title)} {label} {_text(target.title)}</title></path>"
        )
    for paper in shown:
        x, y = spot[paper.key]
        px, py = x * col_w + 5, y * row_h + 24
        label = paper.title if len(paper.title) <= 24 else paper.title[:22] + "…"
        css = "fig-node fig-focus" if focus is paper else "fig-node"
        body.append(
            f'<a href="{_text(root + paper.page_url)}" data-paper="{paper.key}">'
            f"<title>{_text(paper.title)} ({paper.year})</title>"
            f'<rect class="{css}" x="{px}" y="{py}" width="{node_w}" height="{node_h}" rx="5"/>'
            f'<text class="fig-label" x="{px + 8}" y="{py + 21}">{_text(label)}</text></a>'
        )
    among = f"{len(shown)} papers"
    if related > len(shown):
        among = f"{len(shown)} of the {related:,} papers related to one another, around the most connected"
    desc = f"{len(edges)} typed relations among {among}, oldest on the left; arrows point to the earlier work built on, compared with, critiqued or evaluated."
    return _svg(width, height, title, desc, body, figure_id)


def ego_graph(paper: Paper, root: str) -> str:
    """The paper and the papers it relates to, one hop out, both directions."""
    around = [paper] + [r.paper for r in paper.relations]
    unique = list({p.key: p for p in around}.values())
    return relation_graph(unique, root, "relation-graph", f"Relations of {paper.title}", focus=paper)
