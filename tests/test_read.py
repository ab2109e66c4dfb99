"""read.py: YAML read with the line of every key and item, and refused where YAML would lose or
multiply what a contributor wrote (a key given twice, an alias)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_errors

from survey.diagnostics import Report
from survey.read import read_yaml

ALIAS = "the alias *{} is not read in corpus files; write the value out in full"


def read(tmp_path: Path, text: str) -> tuple[object, list[tuple[int, str]]]:
    path = tmp_path / "file.yaml"
    path.write_text(text)
    report = Report(tmp_path)
    return read_yaml(path, report), [(d.line, d.message) for d in report.diagnostics]


def test_lines_of_keys_and_items(tmp_path: Path) -> None:
    data, errors = read(tmp_path, "title: A\ntopics:\n  - sl\n  - rl\nrelations: {builds_on: [x]}\n")
    assert errors == []
    assert data == {"title": "A", "topics": ["sl", "rl"], "relations": {"builds_on": ["x"]}}
    assert data.line_of("topics") == 2 and data["topics"].line_of(1) == 4


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("title: &t A title\nvenue: *t\n", 2),  # a scalar
        ("topics: [&a sl, *a]\n", 1),  # beside its anchor
        ("base: &b {year: 2024}\npaper:\n  <<: *b\n  title: A\n", 3),  # a merge
        ("a: &x [*x]\n", 1),  # itself
    ],
)
def test_an_alias_is_refused_at_its_line(tmp_path: Path, text: str, line: int) -> None:
    name = text.split("*")[1].split()[0].strip(",]")
    assert read(tmp_path, text) == (None, [(line, ALIAS.format(name))])


def test_a_billion_items_in_nine_lines_are_refused_before_anything_walks_them(tmp_path: Path) -> None:
    """Each alias tenfolds the last: 10**9 strings, which the schema check's messages, line numbers
    or JSON would each have walked (survey check ran out of time and memory)."""
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    data, errors = read(tmp_path, "\n".join([*lines, "tags: *a8", ""]))
    assert errors == [(2, ALIAS.format("a0"))]  # first: a failing comparison of the data would walk it
    assert data is None


def test_anchors_alone_and_an_inline_merge_are_plain_yaml(tmp_path: Path) -> None:
    data, errors = read(tmp_path, "title: &t A title\nc:\n  <<: {b: 1}\n  d: 2\n")
    assert (data, errors) == ({"title": "A title", "c": {"b": 1, "d": 2}}, [])


def test_a_key_given_twice_is_refused_at_its_second_line_at_any_depth(tmp_path: Path) -> None:
    assert read(tmp_path, "year: 2022\ntitle: A\nyear: 2021\n") == (
        None, [(3, "'year' is given twice (first at line 1); keep one")],
    )  # fmt: skip
    assert read(tmp_path, "relations:\n  builds_on: [a]\n  builds_on: [b]\n") == (
        None, [(3, "'builds_on' is given twice (first at line 2); keep one")],
    )  # fmt: skip


def test_survey_check_names_the_alias_in_a_paper_file(project: Path) -> None:
    path = project / "content/papers/muller2021bias.yaml"
    text = path.read_text().replace("topics: [evaluation]", "topics: &t [evaluation]")
    path.write_text(text + "extra: *t\n")
    line = text.count("\n") + 1
    assert check_errors() == [f"content/papers/muller2021bias.yaml:{line}: error: {ALIAS.format('t')}"]
