"""Which templates a template uses (signatures.template_uses): a page's signature holds them all;
and which pages a build looks at around papers added (signatures.Scope)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from conftest import ROOT

from survey.diagnostics import Report
from survey.model import Corpus
from survey.pipeline import load
from survey.signatures import Scope, template_hashes, template_uses

CALLS = {"shared_partial": None, "remembered_items": "macros/items.html"}


def uses(folder: Path, **files: str) -> dict[str, str]:
    for name, text in files.items():
        path = folder / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder))
    return template_uses(env, template_hashes(folder), CALLS)


SITE = {
    "base.html": '<main>{% block content %}{% endblock %}</main>{{ shared_partial("partials/footer.html") }}',
    "partials__footer.html": "<footer>{% include 'partials/links.html' %}</footer>",
    "partials__links.html": "<a>links</a>",
    "macros__items.html": "{% macro item(p) %}<li>{{ p }}</li>{% endmacro %}",
    "macros__tree.html": "{% macro crumbs() %}<nav></nav>{% endmacro %}",
    "paper.html": '{% extends "base.html" %}{% import "macros/tree.html" as tree %}'
    "{% block content %}{{ tree.crumbs() }}{% endblock %}",
    "topic.html": '{% extends "base.html" %}{% block content %}{{ remembered_items([]) }}{% endblock %}',
    "stats.html": '{% extends "base.html" %}{% from "macros/tree.html" import crumbs %}',
}


def changed_by(tmp_path: Path, name: str, text: str, site: dict[str, str] = SITE) -> set[str]:
    """The templates whose hash an edit of `name` changes, in `site`."""
    before = uses(tmp_path, **site)
    after = uses(tmp_path, **{name: text})
    return {template for template in before if before[template] != after[template]}


def test_a_page_template_edit_changes_that_template_alone(tmp_path: Path) -> None:
    assert changed_by(tmp_path, "topic.html", SITE["topic.html"] + "<!-- -->") == {"topic.html"}


def test_a_template_used_through_another_changes_every_template_using_it(tmp_path: Path) -> None:
    # included by the footer, which base.html renders with shared_partial, which every page extends
    assert changed_by(tmp_path, "partials__links.html", "<a>other links</a>") == {
        "partials/links.html", "partials/footer.html", "base.html", "paper.html", "topic.html", "stats.html",
    }  # fmt: skip


def test_imports_and_the_calls_that_render_a_template_count_as_uses(tmp_path: Path) -> None:
    tree = "{% macro crumbs() %}<nav>home</nav>{% endmacro %}"
    assert changed_by(tmp_path, "macros__tree.html", tree) == {"macros/tree.html", "paper.html", "stats.html"}
    items = "{% macro item(p) %}<li class=x>{{ p }}</li>{% endmacro %}"
    assert changed_by(tmp_path, "macros__items.html", items) == {"macros/items.html", "topic.html"}


UNTOLD = {
    "an include named by a variable": "{% include which %}",
    "a partial named by a variable": "{{ shared_partial(name) }}",
    "a syntax error": "{% if %}",
    "a partial renderer handed on": '{% set render = shared_partial %}{{ render("partials/links.html") }}',
}


@pytest.mark.parametrize("what", UNTOLD)
def test_a_template_whose_uses_cannot_be_told_uses_every_template(tmp_path: Path, what: str) -> None:
    topic = '{% extends "base.html" %}{% block content %}' + UNTOLD[what] + "{% endblock %}"
    site = {**SITE, "topic.html": topic}
    tree = "{% macro crumbs() %}<nav>home</nav>{% endmacro %}"
    assert changed_by(tmp_path, "macros__tree.html", tree, site) == {
        "macros/tree.html", "paper.html", "stats.html", "topic.html",
    }  # fmt: skip


def test_a_paper_added_is_looked_at_with_every_page_its_arrival_changes(tmp_path: Path) -> None:
    """Scope.around(added=True) holds every paper whose same-author or related list an added paper
    changes, including those whose related list does not show it: a new paper enters a topic's
    newest few, which related lists draw from, and pushes an older one out of them (1,200 papers,
    so topics hold more than the few)."""
    content = tmp_path / "content"
    subprocess.run([sys.executable, str(ROOT / "benchmarks/generate.py"), "1200", str(content)], check=True)

    def lists(corpus: Corpus) -> dict[str, tuple[list[str], list[str]]]:
        return {p.key: ([o.key for o in p.same_authors], [o.key for o in p.related]) for p in corpus.papers}

    before = loaded(content)
    pushed_out = 0
    for number, topic in enumerate(sorted({t for p in before.papers for t in p.topic_ids})[:6]):
        newest = max(before.papers, key=lambda p: (p.year, p.key) if topic in p.topic_ids else (0, ""))
        new = content / "papers" / f"zz-new-{number}.yaml"
        new.write_text(
            f"title: A newer paper number {number}\nauthors: [{newest.author_names[0]}, Someone New]\n"
            f"year: 2026\ntopics: [{topic}]\nsummary: It arrives last. It is the newest of its topic.\n"
        )
        after = loaded(content)
        new.unlink()
        added = after.paper_by_key[new.stem]
        scope = {p.key for p in Scope.around(after, [added], added=True).papers}
        old, now = lists(before), lists(after)
        changed = {key for key in old if old[key] != now[key]}
        assert changed <= scope, f"{topic}: lists changed outside the scope: {sorted(changed - scope)}"
        pushed_out += sum(added.key not in now[key][1] + now[key][0] for key in changed)
        assert {t.id for t in Scope.around(after, [added], added=True).topics} == {t.id for t in after.topics}
    assert pushed_out  # the case the topics' papers are there for did happen


def loaded(content: Path) -> Corpus:
    report = Report()
    corpus = load(content, report)
    assert corpus is not None and report.ok, report.lines()
    return corpus
