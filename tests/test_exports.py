"""Citations, data, feeds and metadata as other programs read them."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import pybtex.database
import pytest
from conftest import ROOT

from survey.cli import main

BASE = "https://example.org/atlas/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def build(out: Path, *extra: str) -> None:
    argv = ["build", "--content", str(ROOT / "content"), "--output", str(out), *extra]
    assert main(argv, io.StringIO(), io.StringIO()) == 0


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    build(out, "--base-url", BASE)
    return out


def bib_keys(path: Path) -> list[str]:
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    pybtex_keys = list(pybtex.database.parse_file(str(path), "bibtex").entries)
    keys = [entry.key for entry in library.entries]
    assert keys == pybtex_keys
    return keys


def test_whole_corpus_bib_has_one_entry_per_paper(site: Path, corpus) -> None:
    assert bib_keys(site / "all.bib") == sorted(p.key for p in corpus.papers)


def test_each_topic_and_paper_bib_parses(site: Path, corpus) -> None:
    for topic in corpus.topics:
        path = site / topic.url.replace("index.html", f"{topic.id}.bib")
        assert bib_keys(path) == sorted(p.key for p in topic.all_papers), topic.id
    for paper in corpus.papers:
        assert bib_keys(site / paper.page_url.replace("index.html", f"{paper.key}.bib")) == [paper.key]


def test_csl_json_and_ris(site: Path, corpus) -> None:
    items = json.loads((site / "all.csl.json").read_text())
    assert [item["id"] for item in items] == sorted(p.key for p in corpus.papers)
    ouyang = next(item for item in items if item["id"] == "ouyang2022training")
    assert ouyang["author"][0] == {"given": "Long", "family": "Ouyang"}
    assert ouyang["issued"] == {"date-parts": [[2022]]}
    ris = (site / "papers/ouyang2022training/ouyang2022training.ris").read_bytes().decode()
    assert ris.startswith("TY  - ") and "AU  - Ouyang, Long\r\n" in ris and ris.endswith("ER  - \r\n")


def test_papers_json_holds_the_corpus(site: Path, corpus) -> None:
    data = json.loads((site / "papers.json").read_text())
    assert data["format"] == "survey-corpus/1"
    assert len(data["papers"]) == len(corpus.papers)
    assert {t["id"] for t in data["topics"]} == {t.id for t in corpus.topics}
    first = data["papers"][0]
    assert set(first) >= {"key", "title", "authors", "year", "topics", "summary", "page"}


def test_topic_names_for_the_filters_are_one_file_in_tree_order(site: Path, corpus) -> None:
    script = (site / "topics/names.js").read_text()
    assert script.startswith("SurveyFilters.topicNames(") and script.endswith(");\n")
    pairs = json.loads(script.removeprefix("SurveyFilters.topicNames(").removesuffix(");\n"))
    assert [topic_id for topic_id, _ in pairs] == [t.id for t in corpus.topics]
    inner = corpus.topics[1]
    assert pairs[1] == [inner.id, "\u2003" * inner.depth + inner.title]
    listing_tag = (site / "papers/index.html").read_text().split("data-listing", 1)[1].split(">", 1)[0]
    assert inner.title not in listing_tag  # no longer a copy in every listing page


def test_feeds_are_atom_with_absolute_links(site: Path, corpus) -> None:
    feeds = [site / "feed.xml"] + [site / f"topics/{root.id}/feed.xml" for root in corpus.roots]
    for path in feeds:
        root = ET.parse(path).getroot()
        assert root.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated"):
            assert root.find(f"{ATOM}{required}") is not None
        for entry in root.findall(f"{ATOM}entry"):
            link = entry.find(f"{ATOM}link").get("href")
            assert link.startswith(BASE + "papers/")
            assert (site / link.removeprefix(BASE) / "index.html").is_file()
    assert len(ET.parse(site / "feed.xml").getroot().findall(f"{ATOM}entry")) == min(50, len(corpus.papers))


def test_sitemap_and_robots(site: Path, corpus) -> None:
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = [url.find(f"{SITEMAP}loc").text for url in root.findall(f"{SITEMAP}url")]
    assert BASE in locs and BASE + "papers/ouyang2022training/" in locs
    assert len(locs) == len(set(locs))
    for loc in locs:
        assert (site / loc.removeprefix(BASE) / "index.html").is_file(), loc
    assert f"Sitemap: {BASE}sitemap.xml" in (site / "robots.txt").read_text()


class HeadReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict[str, str]] = []
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("name" in found or "property" in found):
            self.meta.append((found.get("name") or found["property"], found.get("content", "")))
        if tag == "link":
            self.links.append(found)
        self._in_ld = tag == "script" and found.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = False


def test_paper_pages_carry_scholar_tags_json_ld_and_canonical(site: Path, corpus) -> None:
    for paper in corpus.papers:
        head = HeadReader()
        head.feed((site / paper.page_url).read_text())
        meta = head.meta
        assert ("citation_title", paper.title) in meta
        assert [v for k, v in meta if k == "citation_author"] == paper.author_names
        assert ("citation_publication_date", str(paper.year)) in meta
        if paper.arxiv:
            assert ("citation_arxiv_id", paper.arxiv) in meta
        if paper.doi:
            assert ("citation_doi", paper.doi) in meta
        assert ("og:title", f"{paper.title} · {corpus.config.title}") in meta
        article = json.loads(head.json_ld[0])
        assert article["@type"] == "ScholarlyArticle" and article["headline"] == paper.title
        assert article["url"] == BASE + f"papers/{paper.key}/"
        assert {"rel": "canonical", "href": BASE + f"papers/{paper.key}/"} in head.links


def test_exports_are_byte_identical_across_builds(tmp_path: Path, site: Path) -> None:
    build(tmp_path / "again", "--base-url", BASE)
    for name in ("all.bib", "all.csl.json", "papers.json", "feed.xml", "sitemap.xml", "robots.txt"):
        assert (tmp_path / "again" / name).read_bytes() == (site / name).read_bytes(), name


PASTED_TYPES = {
    # file name: (pasted BibTeX, what its reference, .bib, .ris and Scholar tags must say)
    "book": (
        "@book{russell2019human,\n  title = {Human Compatible},\n  author = {Russell, Stuart},\n"
        "  publisher = {Viking},\n  year = {2019}\n}",
        [
            "<em>Human Compatible</em>. Viking, 2019.",
            "publisher = {Viking}",
            "TY  - BOOK",
            "PB  - Viking",
            '"citation_publisher" content="Viking"',
        ],
    ),
    "chapter": (
        "@incollection{chapter2020,\n  title = {A Chapter on Values},\n  author = {Lovelace, Ada},\n"
        "  booktitle = {Handbook of Alignment},\n  year = {2020}\n}",
        [
            "A chapter on values. In <em>Handbook of Alignment</em>. 2020.",
            "booktitle = {Handbook of Alignment}",
            "TY  - CHAP",
            '"citation_inbook_title" content="Handbook of Alignment"',
        ],
    ),
    "report": (
        "@techreport{report2021,\n  title = {Safety Cases},\n  author = {Lovelace, Ada},\n"
        "  institution = {Some Lab},\n  year = {2021}\n}",
        [
            "Safety cases. Technical Report, Some Lab, 2021.",
            "institution = {Some Lab}",
            "TY  - RPRT",
            '"citation_technical_report_institution" content="Some Lab"',
        ],
    ),
    "noshelf": (  # a pasted type whose venue field is missing becomes the type we would have chosen
        "@inproceedings{noshelf2022,\n  title = {No Venue Given},\n  author = {Lovelace, Ada},\n"
        "  year = {2022},\n  eprint = {2201.00001},\n  archivePrefix = {arXiv}\n}",
        [
            "No venue given. <em>arXiv preprint arXiv:2201.00001</em>, 2022.",
            "@article{noshelf",
            "journal = {arXiv preprint arXiv:2201.00001}",
            "TY  - JOUR",
        ],
    ),
}


def test_every_pasted_entry_type_builds_with_its_venue(project: Path) -> None:
    for name, (bibtex, _) in PASTED_TYPES.items():
        indented = "\n".join("  " + line for line in bibtex.splitlines())
        (project / f"content/papers/{name}.yaml").write_text(
            f"bibtex: |\n{indented}\ntopics: [evaluation]\n"
            "summary: A test entry of this type. It checks how its venue is cited.\n"
        )
    assert main(["build", "--output", "site"], io.StringIO(), io.StringIO()) == 0
    for name, (_, expected) in PASTED_TYPES.items():
        folder = project / "site/papers" / name
        shown = "".join(path.read_text() for path in sorted(folder.iterdir()))
        for text in expected:
            assert text in shown, (name, text)


def test_an_organisation_named_with_and_stays_one_author(project: Path) -> None:
    (project / "content/papers/org2020report.yaml").write_text(
        "title: A Report by an Organisation\nauthors: [Ministry of Health and Welfare, Ada Lovelace]\n"
        "year: 2020\nurl: https://example.org/report\ntopics: [evaluation]\n"
        "summary: A test entry by an organisation. It checks its name is one author.\n"
    )
    assert main(["build", "--output", "site"], io.StringIO(), io.StringIO()) == 0
    bib = project / "site/papers/org2020report/org2020report.bib"
    persons = pybtex.database.parse_file(str(bib), "bibtex").entries["org2020report"].persons["author"]
    assert [str(person) for person in persons] == ["{Ministry of Health and Welfare}", "Lovelace, Ada"]
    (entry,) = bibtexparser.parse_string(bib.read_text()).entries
    assert entry["author"] == "{Ministry of Health and Welfare} and Ada Lovelace"
    page = (project / "site/papers/org2020report/index.html").read_text()
    assert '<span class="bibtex-protected">Ministry of Health and Welfare</span> and Ada Lovelace.' in page
