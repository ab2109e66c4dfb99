"""Templates print escaped text as plain strings (survey/escaping.py), with the same output as
Jinja's own escaping: for single values, for every construct that keeps output, and for the site."""

from __future__ import annotations

import io
import random
from pathlib import Path

import jinja2
import pytest
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

from survey import escaping
from survey.cli import main

TEMPLATES = {
    "value": "<p title='{{ value }}'>{{ value }}</p>",
    "macro": "{% macro item(v) %}<li>{{ v }}</li>{% endmacro %}{{ item(value) }}{{ item(value) | upper }}",
    "set block": "{% set held %}<b>{{ value }}</b>{% endset %}{{ held }}{{ held | length }}",
    "filter block": "{% filter upper %}{{ value }}<i>{% endfilter %}",
    "caller": "{% macro box() %}[{{ caller() }}]{% endmacro %}{% call box() %}{{ value }}{% endcall %}",
    "concatenation": "{{ value ~ '<' }}{{ '<' ~ safe }}",
    "loop": "{% for c in value %}{{ c }}{{ loop.index }}{% endfor %}",
    "autoescape off": "{% autoescape false %}{{ value }}{% endautoescape %}{{ value }}",
    "joined": "{{ [value, safe] | join(', ') }}",
}


def render_both(source: str, **context: object) -> tuple[str, str]:
    ours = escaping.Environment(autoescape=True).from_string(source).render(**context)
    jinjas = jinja2.Environment(autoescape=True).from_string(source).render(**context)
    return ours, jinjas


def test_printed_values_are_escaped_to_plain_text() -> None:
    source = escaping.Environment(autoescape=True).compile("{{ value }}", raw=True)
    assert "environment.escaped_text(" in source and "escape(" not in source.replace("escaped_text(", "")
    for value in ["<a href='x'>\"&\"</a>", 5, 2.5, None, Markup("<b>kept</b>"), ["<"]]:
        assert escaping.escaped_text(value) == str(escape(value))
        assert type(escaping.escaped_text(value)) is (Markup if isinstance(value, Markup) else str)


@pytest.mark.parametrize("name", TEMPLATES)
def test_same_output_as_jinjas_own_escaping(name: str) -> None:
    rng = random.Random(name)
    alphabet = "<>&'\" ab\u00e9{}"
    for _ in range(50):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        ours, jinjas = render_both(TEMPLATES[name], value=value, safe=Markup("<em>safe</em>"))
        assert ours == jinjas
    ours, _ = render_both(TEMPLATES["value"], value="<script>")
    assert "<script>" not in ours and "&lt;script&gt;" in ours


def test_autoescaping_decided_at_run_time_compiles_as_jinjas() -> None:
    env = escaping.Environment(autoescape=True, extensions=[])
    source = env.compile("{% autoescape flag %}{{ value }}{% endautoescape %}", raw=True)
    assert "escaped_text" not in source  # volatile: Jinja's own code
    for flag in (True, False):
        ours, jinjas = render_both("{% autoescape flag %}{{ v }}{% endautoescape %}", flag=flag, v="<")
        assert ours == jinjas


def test_the_site_is_the_same_as_with_jinjas_own_escaping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import lay_out

    content = lay_out(tmp_path)

    def build(output: str) -> dict[str, bytes]:
        argv = ["build", "--no-cache", "--content", str(content), "--output", str(tmp_path / output)]
        assert main(argv, io.StringIO(), io.StringIO()) == 0
        folder = tmp_path / output
        files = [path for path in folder.rglob("*") if path.is_file()]
        return {str(path.relative_to(folder)): path.read_bytes() for path in files}

    ours = build("ours")
    monkeypatch.setattr(escaping.Environment, "code_generator_class", CodeGenerator)
    jinjas = build("jinjas")
    assert len(ours) > 30 and ours == jinjas
