"""Rendering: a macro file imported `with context` becomes one module per page depth when it reads
nothing from the page but what every page at that depth shares, and one per page, as Jinja makes
it, when it reads more; a shared partial likewise."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey.render import make_env

TEMPLATES = {
    "macros/links.html": '{% macro link(to) %}<a href="{{ to | url }}">{{ to }}</a>{% endmacro %}',
    "macros/topical.html": "{% macro here() %}{{ topic }}{% endmacro %}",
    "page.html": '{% import "macros/links.html" as links with context %}{{ links.link("a.html") }}',
    "topic.html": '{% import "macros/topical.html" as topical with context %}{{ topical.here() }}',
    "macros/sited.html": "{% macro name() %}{{ site }}{% endmacro %}",
    "sited.html": '{% import "macros/sited.html" as sited with context %}{{ sited.name() }}',
    "partials/where.html": "{{ page_path }}",
    "partials/site.html": "{{ site }}",
    "framed.html": '{{ shared_partial("partials/where.html") }}|{{ shared_partial("partials/site.html") }}',
    "own-root.html": '{% for root in ["elsewhere/"] %}{% import "macros/links.html" as links with context %}'
    '{{ links.link("a.html") }}{% endfor %}',
}


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    for name, text in TEMPLATES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return make_env(tmp_path)


def test_a_macro_file_reading_only_root_is_one_module_per_depth(env) -> None:  # type: ignore[no-untyped-def]
    page = env.get_template("page.html")
    rendered = [page.render(root=root) for root in ("../", "../../", "../", "")]
    assert rendered == [
        '<a href="../a.html">a.html</a>',
        '<a href="../../a.html">a.html</a>',
        '<a href="../a.html">a.html</a>',
        '<a href="a.html">a.html</a>',
    ]
    assert len(env.get_template("macros/links.html")._modules) == 3  # made once for each root


def test_a_macro_file_reading_the_page_is_made_for_each_page(env) -> None:  # type: ignore[no-untyped-def]
    topic = env.get_template("topic.html")
    assert [topic.render(root="../", topic=name) for name in ("Debate", "Jailbreaks")] == [
        "Debate",
        "Jailbreaks",
    ]
    assert env.get_template("macros/topical.html")._modules == {}


def test_an_import_under_a_root_of_its_own_is_not_given_another_pages_module(env) -> None:  # type: ignore[no-untyped-def]
    assert env.get_template("page.html").render(root="../") == '<a href="../a.html">a.html</a>'
    assert env.get_template("own-root.html").render(root="../") == '<a href="elsewhere/a.html">a.html</a>'


def test_a_macro_file_reading_the_site_settings_is_still_shared(env) -> None:  # type: ignore[no-untyped-def]
    sited = env.get_template("sited.html")
    assert [sited.render(root="../", site="Atlas", topic=name) for name in ("a", "b")] == ["Atlas", "Atlas"]
    assert len(env.get_template("macros/sited.html")._modules) == 1


def test_a_shared_partial_reading_the_page_is_rendered_for_each_page(env) -> None:  # type: ignore[no-untyped-def]
    """The header and footer are rendered once per depth; one that shows where the reader is (its
    page_path) showed every page at a depth the first one's."""
    framed = env.get_template("framed.html")
    pages = [framed.render(root="../", site="Atlas", page_path=path) for path in ("a/x.html", "a/y.html")]
    assert pages == ["a/x.html|Atlas", "a/y.html|Atlas"]
