"""Hostile input: random strings and structures in a paper file either give a clean `path:line`
error or a site that carries no active content from the input (property-based, hypothesis)."""

from __future__ import annotations

import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import yaml
from conftest import GOOD, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.diagnostics import Report
from survey.pipeline import Project, build

ATTACKS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>", "<iframe src='https://evil.example'></iframe>",
    '"><svg onload=alert(1)>', "<style>body{display:none}</style>", "<div style='x'>y</div>",
    "{{ 7*7 }}", "{% raw %}", "\\u003cscript", "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<object data=x></object>", "<form action=https://evil.example><button>", "&lt;script&gt;",
    "<a href=\"vbscript:msgbox(1)\">v</a>", "![img](https://evil.example/x.png)", "<base href='https://evil.example/'>",
]  # fmt: skip
text = st.one_of(
    st.text(max_size=60), st.sampled_from(ATTACKS), st.builds("".join, st.lists(st.sampled_from(ATTACKS)))
)
scalar = st.one_of(text, st.integers(-5, 3000), st.booleans(), st.none(), st.floats(allow_nan=False))
value = st.recursive(
    scalar, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3))
)
FIELDS = (
    "title authors year venue arxiv doi url pdf code topics tags summary relations added verified bibtex"
).split()

plausible_paper = st.fixed_dictionaries(
    {
        "title": text,
        "authors": st.lists(text, min_size=1, max_size=3),
        "year": st.integers(1890, 2030),
        "topics": st.lists(st.sampled_from(["rl", "sl", "evaluation", "nope"]), min_size=1, max_size=2),
        "summary": st.builds(lambda a, b: f"{a}. {b}.", text, text),
    },
    optional={
        "venue": text, "url": text, "code": text, "tags": st.lists(text, max_size=2), "verified": text,
        "relations": st.fixed_dictionaries({}, optional={"builds_on": st.lists(text, max_size=2)}),
    },
)  # fmt: skip
any_paper = st.dictionaries(st.sampled_from(FIELDS), value, max_size=8)

OUR_SCRIPTS = {
    "static/site.js",
    "static/vendor/minisearch-searchablemap.js",
    "static/search.js",
    "static/filters.js",
}
DANGEROUS_TAGS = {
    "iframe",
    "object",
    "embed",
    "style",
    "frame",
    "frameset",
    "applet",
    "meta",
    "link",
    "base",
    "form",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster"}
SCHEMES = re.compile(r"^\s*(javascript|vbscript|data|file):", re.I)


class ActiveContent(HTMLParser):
    """Collects anything in a page that could run or restyle: scripts, handlers, dangerous URLs and tags."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not self.our_script(values):
            self.found.append(f"<script {values}>")
        if tag in DANGEROUS_TAGS and not self.ours(tag, values):
            self.found.append(f"<{tag} {values}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value and SCHEMES.match(value):
                self.found.append(f"<{tag} {name}={value!r}>")

    @staticmethod
    def our_script(values: dict[str, str | None]) -> bool:
        """JSON-LD data blocks (never run) and the site's own script files."""
        src = values.get("src") or ""
        return values.get("type") == "application/ld+json" or any(src.endswith(ours) for ours in OUR_SCRIPTS)

    @staticmethod
    def ours(tag: str, values: dict[str, str | None]) -> bool:
        """The head's own meta and link tags, and the search form of the header."""
        if tag == "meta":
            return True  # meta values are attribute-escaped text; http-equiv is only ever our CSP
        if tag == "link":
            return values.get("rel") in {
                "stylesheet",
                "icon",
                "alternate",
                "canonical",
            } and not SCHEMES.match(values.get("href") or "")
        return tag == "form" and values.get("class") == "site-search"


def build_with(paper_yaml: str) -> tuple[Report, dict[str, bytes] | None]:
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        shutil.copytree(GOOD, content)
        (content / "papers/hostile2024input.yaml").write_text(paper_yaml, encoding="utf-8")
        report = Report(root=Path(folder))
        out = Path(folder) / "site"
        project = Project(content, ROOT / "templates", ROOT / "static")
        if build(project, out, report, use_cache=False, workers=1) is None:
            return report, None
        return report, {path.relative_to(out).as_posix(): path.read_bytes() for path in out.rglob("*.html")}


def check(paper_yaml: str) -> None:
    report, files = build_with(paper_yaml)
    if files is None:
        for diagnostic in report.errors:
            assert diagnostic.path.startswith("content/") and diagnostic.message
        assert report.lines(), "a failed build must say why"
        return
    for name, data in files.items():
        if not name.endswith(".html"):
            continue
        parser = ActiveContent()
        parser.feed(data.decode("utf-8"))
        assert parser.found == [], f"{name}: {parser.found[:3]}"
        assert data.count(b'http-equiv="Content-Security-Policy"') == 1


settings_ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings_
@given(plausible_paper)
def test_plausible_papers_with_hostile_text(paper: dict) -> None:
    check(yaml.safe_dump(paper, allow_unicode=True))


@settings_
@given(any_paper)
def test_random_structures(paper: dict) -> None:
    check(yaml.safe_dump(paper, allow_unicode=True))


@settings_
@given(st.text(max_size=200))
def test_random_bytes_of_yaml(source: str) -> None:
    check(source)


def test_every_attack_string_in_every_text_field_is_defused() -> None:
    for attack in ATTACKS:
        paper = {"title": attack, "authors": [attack], "year": 2024, "venue": attack, "topics": ["rl"],
                 "tags": ["ok"], "summary": f"{attack} one. {attack} two.", "verified": attack}  # fmt: skip
        report, files = build_with(yaml.safe_dump(paper))
        assert files is not None, report.lines()
        check(yaml.safe_dump(paper))
