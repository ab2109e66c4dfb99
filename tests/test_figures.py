"""Figures: the numbers drawn are the corpus's numbers, read back from the SVG; builds repeat them exactly."""

from __future__ import annotations

import io
import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from conftest import ROOT

from survey.cli import main

SVG = "{http://www.w3.org/2000/svg}"


def svg(page: Path, figure_id: str) -> ET.Element:
    html = page.read_text()
    match = re.search(rf'<svg class="figure" id="{figure_id}".*?</svg>', html, re.S)
    assert match, f"no #{figure_id} in {page}"
    return ET.fromstring(match.group(0))


def accessible(figure: ET.Element) -> None:
    links = list(figure.iter(f"{SVG}a"))
    assert figure.get("role") == (None if links else "img")
    assert figure.find(f"{SVG}title").text and figure.find(f"{SVG}desc").text
    labelled = figure.get("aria-labelledby").split()
    assert labelled == [figure.find(f"{SVG}title").get("id"), figure.find(f"{SVG}desc").get("id")]


def test_taxonomy_map_counts_and_links_every_topic(site: Path, corpus) -> None:
    figure = svg(site / "index.html", "taxonomy-map")
    accessible(figure)
    nodes = {a.get("data-topic"): a for a in figure.iter(f"{SVG}a")}
    assert set(nodes) == {t.id for t in corpus.topics}
    for topic in corpus.topics:
        node = nodes[topic.id]
        assert int(node.get("data-count")) == len(topic.all_papers)
        assert node.get("href") == topic.url
        assert (site / node.get("href")).is_file()


def bars(figure: ET.Element) -> list[ET.Element]:
    return [g for g in figure.iter(f"{SVG}g") if g.get("data-count") is not None]


def test_papers_per_year_for_the_corpus_stacked_by_part(site: Path, corpus) -> None:
    figure = svg(site / "stats/index.html", "corpus-years")
    accessible(figure)
    years = Counter(p.year for p in corpus.papers)
    drawn = 0
    for group in bars(figure):
        first, last = int(group.get("data-from")), int(group.get("data-to"))
        expected = sum(n for year, n in years.items() if first <= year <= last)
        assert int(group.get("data-count")) == expected
        parts = [int(r.get("data-part-count")) for r in group.iter(f"{SVG}rect")]
        assert sum(parts) == expected
        drawn += expected
    assert drawn == len(corpus.papers)


def test_papers_per_year_on_each_topic_page(site: Path, corpus) -> None:
    for topic in corpus.topics:
        figure = svg(site / topic.url, "topic-years")
        years = Counter(p.year for p in topic.all_papers)
        assert sum(int(g.get("data-count")) for g in bars(figure)) == len(topic.all_papers)
        for group in bars(figure):
            first, last = int(group.get("data-from")), int(group.get("data-to"))
            assert int(group.get("data-count")) == sum(n for y, n in years.items() if first <= y <= last)


def relations_among(papers) -> set[tuple[str, str, str]]:
    keys = {p.key for p in papers}
    return {
        (p.key, kind, key)
        for p in papers
        for kind, targets in p.relation_keys.items()
        for key in targets
        if key in keys and key != p.key
    }


def drawn_relations(figure: ET.Element) -> set[tuple[str, str, str]]:
    return {
        (e.get("data-from"), e.get("data-kind"), e.get("data-to"))
        for e in figure.iter(f"{SVG}path")
        if e.get("data-kind")
    }


def test_relation_graphs_of_papers_and_topics(site: Path, corpus) -> None:
    checked = 0
    for paper in corpus.papers:
        if not paper.relations:
            assert 'id="relation-graph"' not in (site / paper.page_url).read_text()
            continue
        figure = svg(site / paper.page_url, "relation-graph")
        accessible(figure)
        around = [paper] + [r.paper for r in paper.relations]
        assert drawn_relations(figure) == relations_among(around)
        assert {a.get("data-paper") for a in figure.iter(f"{SVG}a")} >= {r.paper.key for r in paper.relations}
        checked += 1
    assert checked > 20
    for topic in corpus.topics:
        expected = relations_among(topic.all_papers)
        html = (site / topic.url).read_text()
        if expected:
            assert drawn_relations(svg(site / topic.url, "topic-relations")) == expected
        else:
            assert 'id="topic-relations"' not in html


def reachable(start: str, neighbours: dict[str, set[str]]) -> set[str]:
    seen, waiting = {start}, [start]
    while waiting:
        for other in neighbours[waiting.pop()] - seen:
            seen.add(other)
            waiting.append(other)
    return seen


def test_a_topic_graph_beyond_its_limit_draws_papers_related_to_each_other_around_the_hub(
    tmp_path: Path, corpus, monkeypatch
) -> None:
    """A large topic's graph draws at most the limit's papers, starting from its most connected
    one, each related to another drawn, with every relation among them; its description and caption
    say how many of how many. Smaller topics stay whole."""
    monkeypatch.setattr("survey.figures.TOPIC_GRAPH_LIMIT", 6)
    out = tmp_path / "site"
    command = ["build", "--content", str(ROOT / "content"), "--output", str(out)]
    assert main(command, io.StringIO(), io.StringIO()) == 0
    capped = 0
    for topic in corpus.topics:
        related = relations_among(topic.all_papers)
        neighbours: dict[str, set[str]] = {}
        for source, _, target in related:
            neighbours.setdefault(source, set()).add(target)
            neighbours.setdefault(target, set()).add(source)
        html = (out / topic.url).read_text()
        if len(neighbours) <= 6:
            assert not related or drawn_relations(svg(out / topic.url, "topic-relations")) == related
            assert "related to one another" not in html
            continue
        figure = svg(out / topic.url, "topic-relations")
        drawn = drawn_relations(figure)
        papers = {a.get("data-paper") for a in figure.iter(f"{SVG}a")}
        assert 2 <= len(papers) <= 6
        assert drawn == {edge for edge in related if edge[0] in papers and edge[2] in papers}
        assert all(neighbours[key] & papers for key in papers)  # each related to another drawn
        year = {p.key: p.year for p in topic.all_papers}
        hub = min(neighbours, key=lambda key: (-len(neighbours[key]), -year[key], key))
        assert hub in papers
        if len(reachable(hub, neighbours)) >= 6:  # grown from the hub: one connected graph, full
            among_drawn = {key: neighbours[key] & papers for key in papers}
            assert len(papers) == 6 and reachable(hub, among_drawn) == papers
        said = f"{len(papers)} of the {len(neighbours):,}"
        assert said + " papers related to one another" in figure.find(f"{SVG}desc").text
        assert said + " papers here related to one another" in html
        capped += 1
    assert capped >= 3


def test_svgs_are_byte_identical_across_builds(tmp_path: Path, site: Path, corpus) -> None:
    again = tmp_path / "again"
    assert (
        main(
            ["build", "--content", str(ROOT / "content"), "--output", str(again)],
            io.StringIO(),
            io.StringIO(),
        )
        == 0
    )
    pages = ["index.html", "stats/index.html", corpus.topics[3].url, "papers/ouyang2022training/index.html"]
    for page in pages:
        first = re.findall(r"<svg .*?</svg>", (site / page).read_text(), re.S)
        assert first and first == re.findall(r"<svg .*?</svg>", (again / page).read_text(), re.S)


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def _rgb(colour: str) -> list[float]:
    return [_linear(int(colour[i : i + 2], 16)) for i in (1, 3, 5)]


def _luminance(colour: str) -> float:
    r, g, b = _rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two colours."""
    darker, lighter = sorted((_luminance(a), _luminance(b)))
    return (lighter + 0.05) / (darker + 0.05)


def _oklab(colour: str) -> tuple[float, float, float]:
    """Björn Ottosson's OKLab: distances in it follow how different two colours look."""
    r, g, b = _rgb(colour)
    lms = [
        (0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b) ** (1 / 3),
        (0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b) ** (1 / 3),
        (0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b) ** (1 / 3),
    ]
    rows = [(0.2104542553, 0.7936177850, -0.0040720468), (1.9779984951, -2.4285922050, 0.4505937099),
            (0.0259040371, 0.7827717662, -0.8086757660)]  # fmt: skip
    lightness, a, b = (sum(w * v for w, v in zip(row, lms, strict=True)) for row in rows)
    return lightness, a, b


def test_the_colours_of_the_survey_parts_can_be_told_apart_in_light_and_dark() -> None:
    """The chart's legend names each part by its colour alone: two parts whose colours look alike
    (olive and brown, salmon and red, as they once were) cannot be told apart in the bars."""
    css = (ROOT / "static/style.css").read_text()
    backgrounds = re.findall(r"--bg: (#[0-9a-f]{6})", css)
    palettes = [
        dict(re.findall(r"--(t\d): (#[0-9a-f]{6})", block))
        for block in re.findall(r":root \{ --t0.*?\}", css, re.S)
    ]
    assert len(backgrounds) == len(palettes) == 2, "expected a light and a dark palette"
    for scheme, background, palette in zip(("light", "dark"), backgrounds, palettes, strict=True):
        assert sorted(palette) == [f"t{i}" for i in range(9)]
        for name, colour in palette.items():
            assert _contrast(colour, background) >= 3, f"{scheme} {name} {colour} is faint against the page"
        for (one, a), (other, b) in itertools.combinations(palette.items(), 2):
            distance = math.dist(_oklab(a), _oklab(b))
            assert distance >= 0.085, f"{scheme}: {one} {a} and {other} {b} look alike ({distance:.3f})"
