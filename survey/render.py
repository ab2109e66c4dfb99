"""Rendering: one Jinja environment, one context builder per page kind, all in memory.

`render_site` returns {output path: bytes}; nothing is written here. Every page gets
`root`, its way back to the site root, and links are made with the `url` filter so they
stay relative (sub-path hosting and file:// both work).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from survey import __version__
from survey.markup import plain_text, relink
from survey.model import Author, Corpus, Paper, Topic, slugify

RECENT_LIMIT = 12


@dataclass
class Page:
    path: str  # output path relative to the site root
    template: str
    context: dict[str, Any]


class TemplateFailure(Exception):
    """A template could not be loaded or rendered; carries a `path:line` location."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(message)
        self.path, self.line, self.message = path, line, message


def make_env(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["url"] = url_filter
    env.filters["relink"] = relink_filter
    env.filters["author_list"] = author_list
    env.filters["plain"] = plain_text
    env.globals["version"] = __version__
    return env


@jinja2.pass_context
def url_filter(context: jinja2.runtime.Context, target: str) -> str:
    """A site-root-relative path made relative to the page being rendered."""
    return context["root"] + target


@jinja2.pass_context
def relink_filter(context: jinja2.runtime.Context, html: str) -> Markup:
    """Sanitised Markdown HTML with its site links made relative to this page."""
    return Markup(relink(html, context["root"]))


def author_list(paper: Paper, limit: int = 0) -> str:
    names = paper.author_names
    shown = names[:limit] if limit and len(names) > limit + 1 else names
    text = ", ".join(shown)
    return f"{text} et al." if len(shown) < len(names) or paper.et_al else text


def render_site(corpus: Corpus, templates: Path, static: Path) -> dict[str, bytes]:
    env = make_env(templates)
    files = {page.path: _render(env, page, corpus) for page in pages(corpus)}
    files.update(_static_files(static))
    return files


def _render(env: jinja2.Environment, page: Page, corpus: Corpus) -> bytes:
    root = "../" * page.path.count("/")
    context = {"site": corpus.config, "corpus": corpus, "root": root, "page_path": page.path}
    try:
        html = env.get_template(page.template).render(context | page.context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateFailure(
            exc.filename or page.template, exc.lineno, exc.message or "syntax error"
        ) from exc
    except Exception as exc:  # any failure inside a template is the template's to report
        path, line = _template_frame(exc)
        raise TemplateFailure(path or page.template, line, f"while rendering {page.path}: {exc}") from exc
    return html.encode("utf-8")


def _template_frame(exc: BaseException) -> tuple[str, int]:
    """The innermost template file and line in a rendering traceback (Jinja rewrites frames)."""
    found = ("", 0)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _static_files(static: Path) -> dict[str, bytes]:
    if not static.is_dir():
        return {}
    return {
        f"static/{path.relative_to(static).as_posix()}": path.read_bytes()
        for path in sorted(static.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def pages(corpus: Corpus) -> Iterator[Page]:
    yield Page("index.html", "index.html", home_context(corpus))
    yield Page("404.html", "404.html", {})
    yield Page("papers/index.html", "papers.html", {"papers": corpus.papers})
    yield Page("topics/index.html", "topics.html", {})
    yield Page("authors/index.html", "authors.html", {"letters": author_letters(corpus)})
    yield Page("years/index.html", "years.html", {})
    yield Page("venues/index.html", "venues.html", {})
    for topic in corpus.topics:
        yield Page(topic.url, "topic.html", {
            "topic": topic,
            "groups": topic_groups(topic),
            "edit_url": edit_url(corpus, topic.intro_path) if topic.intro_path else "",
        })  # fmt: skip
    for paper in corpus.papers:
        yield Page(paper.page_url, "paper.html", {"paper": paper, "edit_url": edit_url(corpus, paper.path)})
    for author in corpus.authors:
        yield Page(author.url, "author.html", {"author": author, "coauthors": coauthors(author)})
    for year in corpus.years:
        yield Page(year.url, "year.html", {"year": year})
    for venue in corpus.venues:
        yield Page(venue.url, "venue.html", {"venue": venue})


def home_context(corpus: Corpus) -> dict[str, Any]:
    dated = [p for p in corpus.papers if p.added]
    recent = sorted(dated, key=lambda p: (p.added, p.year, p.key), reverse=True)[:RECENT_LIMIT]
    return {"survey": corpus.survey_paper, "recent": recent}


@dataclass
class PaperGroup:
    """Papers of a topic page under one heading (the topic itself or one subtopic), by year."""

    topic: Topic
    years: list[tuple[int, list[Paper]]]


def by_year(papers: list[Paper]) -> list[tuple[int, list[Paper]]]:
    return [(year, list(group)) for year, group in itertools.groupby(papers, key=lambda p: p.year)]


def topic_groups(topic: Topic) -> list[PaperGroup]:
    groups = [PaperGroup(topic, by_year(topic.papers))] if topic.papers else []
    groups += [PaperGroup(child, by_year(child.all_papers)) for child in topic.children if child.all_papers]
    return groups


def author_letters(corpus: Corpus) -> list[tuple[str, list[Author]]]:
    def initial(author: Author) -> str:
        letter = plain_initial(author.family)
        return letter if letter.isalpha() else "#"

    return [(letter, list(group)) for letter, group in itertools.groupby(corpus.authors, key=initial)]


def plain_initial(name: str) -> str:
    return slugify(name)[:1].upper()


def coauthors(author: Author) -> list[tuple[Author, int]]:
    """Everyone who wrote with `author`, with how many papers, most frequent first."""
    counts: dict[str, int] = {}
    people: dict[str, Author] = {}
    for paper in author.papers:
        for other in paper.authors:
            if other is not author:
                counts[other.slug] = counts.get(other.slug, 0) + 1
                people[other.slug] = other
    return sorted(((people[s], n) for s, n in counts.items()), key=lambda item: (-item[1], item[0].slug))


def edit_url(corpus: Corpus, path: Path) -> str:
    config = corpus.config
    if not config.repository:
        return ""
    try:  # builds run from the repository root, so paths there are repository paths
        relative = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return ""
    return f"{config.repository}/edit/{config.branch}/{relative}"
