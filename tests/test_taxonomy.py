"""taxonomy.py: the topic tree and its introductions, and what `survey check` says of a broken one."""

from __future__ import annotations

from pathlib import Path

from conftest import check_errors, edit

from survey.diagnostics import Report
from survey.taxonomy import load_taxonomy, walk


def test_the_tree_in_file_order_with_depths_and_introductions(project: Path) -> None:
    report = Report()
    roots, _ = load_taxonomy(project / "content", report)
    assert report.ok
    topics = list(walk(roots))
    assert [(t.id, t.depth, t.parent.id if t.parent else None) for t in topics] == [
        ("intro", 0, None),
        ("outer", 0, None),
        ("rl", 1, "outer"),
        ("sl", 1, "outer"),
        ("evaluation", 0, None),
    ]
    assert [t.line for t in topics] == [2, 6, 10, 13, 16]
    assert all(t.intro_html.startswith("<p>") for t in topics)


def test_an_id_used_twice(project: Path) -> None:
    edit(project / "content/taxonomy.yaml", "      - id: sl\n", "      - id: rl\n")
    (project / "content/topics/sl.md").unlink()
    assert (
        "content/taxonomy.yaml:13: error: topic id 'rl' is already used on line 10; ids must be unique"
        in (check_errors())
    )


def test_an_introduction_missing_and_one_for_no_topic(project: Path) -> None:
    topics = project / "content/topics"
    (topics / "sl.md").rename(topics / "sll.md")
    assert check_errors() == [
        "content/taxonomy.yaml:13: error: topic 'sl' has no introduction; write content/topics/sl.md",
        "content/topics/sll.md: error: no topic 'sll' in taxonomy.yaml; did you mean 'sl'?",
    ]


def test_no_taxonomy_file(project: Path) -> None:
    (project / "content/taxonomy.yaml").unlink()
    assert check_errors() == [
        "content/taxonomy.yaml: error: missing topic tree; create taxonomy.yaml (see docs/corpus.md)"
    ]


def test_an_introduction_too_long_is_refused_before_it_is_rendered(project: Path) -> None:
    """python-markdown's time grows with the square of some texts' length: 20,000 '[' took 55 s."""
    (project / "content/topics/sl.md").write_text("[" * 8001)
    assert check_errors() == [
        "content/topics/sl.md:1: error: the introduction is 8,001 characters long; keep it to 8,000"
    ]
