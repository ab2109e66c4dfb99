"""The built site as a reader meets it: every link resolves, nothing leaves the site, pages connect.

Builds the bundled corpus (content/) once, then crawls the HTML.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from survey.cli import main

RESOURCE_ATTRIBUTES = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                       ("source", "src"), ("video", "src"), ("audio", "src"), ("embed", "src"),
                       ("object", "data"), ("form", "action")}  # fmt: skip


class LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []  # <a href>
        self.resources: list[str] = []  # what a browser fetches by itself
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            if tag == "a" and name == "href":
                self.links.append(value)
            if (tag, name) in RESOURCE_ATTRIBUTES:
                self.resources.append(value)


def parse(path: Path) -> LinkCollector:
    collector = LinkCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[Path, LinkCollector]:
    return {path: parse(path) for path in sorted(site.rglob("*.html"))}


def is_external(url: str) -> bool:
    return bool(urlsplit(url).scheme) or url.startswith("//")


def test_no_broken_internal_links(site: Path, pages: dict[Path, LinkCollector]) -> None:
    broken = []
    for page, collected in pages.items():
        if page.name == "404.html":
            continue  # served at any path; its links are checked from the root below
        for href in collected.links + collected.resources:
            if is_external(href) or href.startswith("mailto:"):
                continue
            target_url, fragment = urldefrag(href)
            target = (page.parent / unquote(target_url)).resolve() if target_url else page
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append(f"{page.relative_to(site)} -> {href}")
            elif fragment and fragment not in pages.get(target, parse(target)).ids:
                broken.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    assert broken == []


def test_no_root_absolute_links(pages: dict[Path, LinkCollector]) -> None:
    absolute = [
        (page.name, url)
        for page, collected in pages.items()
        for url in collected.links + collected.resources
        if url.startswith("/") and not url.startswith("//")
    ]
    assert absolute == []


def test_no_requests_to_other_hosts(pages: dict[Path, LinkCollector]) -> None:
    fetched_elsewhere = [
        url for collected in pages.values() for url in collected.resources if is_external(url)
    ]
    assert fetched_elsewhere == []


def test_every_paper_and_topic_has_a_page(site: Path, corpus) -> None:
    for paper in corpus.papers:
        assert (site / paper.page_url).is_file(), paper.key
    for topic in corpus.topics:
        assert (site / topic.url).is_file(), topic.id
    for author in corpus.authors:
        assert (site / author.url).is_file(), author.name
    for name in ("index.html", "404.html", "papers/index.html", "authors/index.html", "years/index.html",
                 "venues/index.html", "topics/index.html"):  # fmt: skip
        assert (site / name).is_file(), name


def _targets(site: Path, page_url: str, pages: dict[Path, LinkCollector]) -> set[Path]:
    page = site / page_url
    return {
        (page.parent / urldefrag(href)[0]).resolve() for href in pages[page].links if not is_external(href)
    }


def test_paper_pages_link_each_of_their_topics(site: Path, corpus, pages) -> None:
    for paper in corpus.papers:
        linked = _targets(site, paper.page_url, pages)
        for topic in paper.topics:
            assert (site / topic.url).resolve() in linked, (paper.key, topic.id)


def test_topic_pages_link_each_of_their_papers(site: Path, corpus, pages) -> None:
    for topic in corpus.topics:
        linked = _targets(site, topic.url, pages)
        for paper in topic.all_papers:
            assert (site / paper.page_url).resolve() in linked, (topic.id, paper.key)


def test_relations_show_on_both_papers(site: Path, corpus, pages) -> None:
    for paper in corpus.papers:
        for keys in paper.relation_keys.values():
            for key in keys:
                other = corpus.paper_by_key[key]
                assert (site / other.page_url).resolve() in _targets(site, paper.page_url, pages)
                assert (site / paper.page_url).resolve() in _targets(site, other.page_url, pages)


def test_author_pages_list_their_papers(site: Path, corpus, pages) -> None:
    for author in corpus.authors:
        linked = _targets(site, author.url, pages)
        assert {(site / p.page_url).resolve() for p in author.papers} <= linked


def test_an_author_page_names_its_author_in_every_paper_listed(site: Path, corpus) -> None:
    """A list item names six authors before "et al.": on the page of the seventh or a later one
    (580 of the bundled corpus's 1,388 authors until session 17), their papers read as if by others.
    There the item goes on after an ellipsis with the page's author; elsewhere it is cut as before."""
    from html import unescape

    def items(page_url: str) -> dict[str, str]:
        html = (site / page_url).read_text(encoding="utf-8")
        found = re.findall(
            r'<li class="paper-item"[^>]* data-key="([^"]+)".*?class="paper-meta">([^<]*)<', html, re.S
        )
        return {key: unescape(meta) for key, meta in found}

    late = 0
    for author in corpus.authors:
        listed = items(author.url)
        assert set(listed) == {paper.key for paper in author.papers}, author.name
        for paper in author.papers:
            names = listed[paper.key].rsplit(" · ", 2)[0]
            assert author.name in names, (author.name, paper.key, names)
            if author.name not in paper.author_names[:6] and len(paper.author_names) > 7:
                late += 1
                assert names.startswith(", ".join(paper.author_names[:6]) + ", …, " + author.name), names
    assert late > 800  # 861 in the bundled corpus
    long = next(p for p in corpus.papers if len(p.author_names) > 7 and p.topics)
    on_topic = items(long.topics[0].url)[long.key]
    assert "…" not in on_topic and on_topic.startswith(", ".join(long.author_names[:6]) + " et al.")


def test_an_author_page_names_its_most_frequent_co_authors_and_counts_the_rest(site: Path, corpus) -> None:
    """A paper with 1,000 authors would name 999 on each of 1,000 author pages. Past the limit, those
    met on the fewest and oldest papers are left out, and counted."""
    from survey.pages import COAUTHORS_SHOWN

    def shared(author) -> dict[str, list]:  # type: ignore[no-untyped-def]
        papers: dict[str, list] = {}
        for paper in author.papers:
            for other in paper.authors:
                if other is not author:
                    papers.setdefault(other.slug, []).append(paper)
        return papers

    author = max(corpus.authors, key=lambda author: len(shared(author)))
    together = shared(author)
    assert len(together) > COAUTHORS_SHOWN  # the bundled corpus has such an author (141 co-authors)
    html = (site / author.url).read_text()
    listed = re.search(r"<h2>Co-authors</h2>\s*<ul[^>]*>(.*?)</ul>", html, re.S)
    assert listed is not None
    shown = re.findall(r'<li><a href="\.\./\.\./authors/([^/]*)/index.html">', listed.group(1))
    assert len(shown) == COAUTHORS_SHOWN
    assert shown == sorted(shown, key=lambda slug: (-len(together[slug]), slug))
    assert f"<p>And {len(together) - len(shown)} more, named on the pages of the papers above.</p>" in html

    def standing(slug: str) -> tuple[int, int]:  # more papers together, then a newer one, stand higher
        return len(together[slug]), -min(paper.newest_rank for paper in together[slug])

    left_out = together.keys() - set(shown)
    assert min(map(standing, shown)) >= max(map(standing, left_out))


def test_counts_are_written_in_groups_of_three_and_one_is_singular(site: Path, corpus) -> None:
    """'1388 authors' read as a year; at 10,000 papers every count did."""
    authors = f"{len(corpus.authors):,} authors"
    assert len(corpus.authors) >= 1000 and "," in authors  # the bundled corpus has 1,388
    assert (
        f'<p class="stats">{len(corpus.papers)} papers · {len(corpus.topics)} topics · {authors}</p>'
        in (site / "index.html").read_text()
    )
    assert f'<p class="stats">{authors}, by family name.</p>' in (site / "authors/index.html").read_text()
    one = next(author for author in corpus.authors if len(author.papers) == 1)
    assert '<p class="stats">1 paper in this corpus</p>' in (site / one.url).read_text()


def test_script_in_a_summary_never_reaches_the_page(tmp_path: Path) -> None:
    from conftest import lay_out

    content = lay_out(tmp_path)
    out = tmp_path / "site"
    assert main(["build", "--content", str(content), "--output", str(out)], io.StringIO(), io.StringIO()) == 0
    html = (out / "papers/muller2021bias/index.html").read_text()
    assert "alert(" not in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == [
        '<script type="application/ld+json">',
        '<script src="../../static/site.js" defer>',
        '<script src="../../static/vendor/minisearch-searchablemap.js" defer>',
        '<script src="../../static/search.js" defer>',
        '<script src="../../static/filters.js" defer>',
    ]
    assert "bias &amp; more" in html


def test_whats_new_lists_the_latest_papers_and_points_at_the_table(project: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import survey.pages

    def listed() -> list[str]:
        page = (project / "site/new/index.html").read_text()
        page = page[page.index('<h2 class="year-heading">') : page.index("</main>")]  # the listing only
        return list(dict.fromkeys(re.findall(r'href="\.\./papers/([^/]+)/index.html"', page)))

    assert main(["build", "--output", "site"], io.StringIO(), io.StringIO()) == 0
    every = listed()
    assert len(every) == 5 and "papers table" not in (project / "site/new/index.html").read_text()
    monkeypatch.setattr(survey.pages, "NEW_LIMIT", 2)
    assert main(["build", "--output", "site", "--no-cache"], io.StringIO(), io.StringIO()) == 0
    page = (project / "site/new/index.html").read_text()
    assert listed() == every[:2]  # the two added last, in the same order
    assert "the latest 2 of the 5 added" in page and 'href="../papers/index.html">papers table</a>' in page


def test_header_and_footer_are_rendered_once_per_page_depth(project: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import jinja2

    rendered: list[str] = []
    render = jinja2.Template.render

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.name in ("partials/header.html", "partials/footer.html"):
            rendered.append(self.name)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counted)
    assert main(["build", "--output", "site"], io.StringIO(), io.StringIO()) == 0
    pages = list((project / "site").rglob("*.html"))
    assert len(pages) > 30
    assert all('<header class="site-header">' in page.read_text() for page in pages)
    assert 2 <= rendered.count("partials/header.html") <= 3  # the root, one folder down, two down
    assert rendered.count("partials/footer.html") == rendered.count("partials/header.html")


def test_edit_links_point_at_the_file_in_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each "Suggest an edit" link names the file's path from the repository root (the working
    folder), through symbolic links, and there is none for a file outside it."""
    from survey.model import SiteConfig
    from survey.pages import edit_url

    class Site:
        config = SiteConfig("t", "d", "s", repository="https://github.com/example/atlas")

    (tmp_path / "repo/content/papers").mkdir(parents=True)
    (tmp_path / "repo/content/papers/a.yaml").write_text("")
    (tmp_path / "elsewhere.yaml").write_text("")
    (tmp_path / "repo/content/papers/linked.yaml").symlink_to(tmp_path / "repo/content/papers/a.yaml")
    (tmp_path / "repo/content/papers/outside.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    monkeypatch.chdir(tmp_path / "repo")
    base = "https://github.com/example/atlas/edit/main/"
    assert edit_url(Site(), Path("content/papers/a.yaml")) == base + "content/papers/a.yaml"
    assert edit_url(Site(), tmp_path / "repo/content/papers/a.yaml") == base + "content/papers/a.yaml"
    assert edit_url(Site(), Path("content/papers/linked.yaml")) == base + "content/papers/a.yaml"
    assert edit_url(Site(), Path("content/papers/outside.yaml")) == ""
    assert edit_url(Site(), tmp_path / "elsewhere.yaml") == ""
    monkeypatch.chdir(tmp_path)  # another working folder: another repository root
    assert edit_url(Site(), Path("repo/content/papers/a.yaml")) == base + "repo/content/papers/a.yaml"
