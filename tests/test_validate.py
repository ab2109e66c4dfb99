"""validate.py (and the per-name checks of papers.py): each rule's message, at the file and line a
contributor has to fix, as `survey check` prints it. The fixture corpora under tests/fixtures/bad
cover unknown topics, dangling relations, years and duplicate arXiv ids (tests/test_cli.py)."""

from __future__ import annotations

from pathlib import Path

from conftest import check_errors, edit
from test_cli import run

PAPER_FIELDS = {"authors": "[Ada Writer]", "summary": "Says this. Says that.", "more": ""}


def paper(title: str, **fields: str) -> str:
    """A paper file that passes every rule, with `fields` in place of its authors or summary, and
    `more` lines at its end (from line 6)."""
    values = PAPER_FIELDS | fields
    return (
        f"title: {title}\nauthors: {values['authors']}\nyear: 2024\ntopics: [sl]\n"
        f"summary: {values['summary']}\n{values['more']}"
    )


def add_paper(project: Path, key: str, text: str) -> None:
    (project / f"content/papers/{key}.yaml").write_text(text)


def test_a_paper_relating_to_itself(project: Path) -> None:
    add_paper(project, "self2024loop", paper("Loop", more="relations:\n  builds_on:\n    - self2024loop\n"))
    assert check_errors() == [
        "content/papers/self2024loop.yaml:8: error: builds_on: a paper cannot relate to itself"
    ]


def test_two_papers_with_one_doi_name_each_other(project: Path) -> None:
    add_paper(project, "one2024doi", paper("One", more="doi: 10.1234/same\n"))
    add_paper(project, "two2024doi", paper("Two", more="doi: 10.1234/SAME\n"))  # DOIs ignore case
    assert check_errors() == [
        "content/papers/one2024doi.yaml:6: error: duplicate DOI '10.1234/same': "
        "content/papers/two2024doi.yaml already has it; keep one file per paper",
        "content/papers/two2024doi.yaml:6: error: duplicate DOI '10.1234/SAME': "
        "content/papers/one2024doi.yaml already has it; keep one file per paper",
    ]


def test_identifiers_and_links_in_the_wrong_form(project: Path) -> None:
    more = 'arxiv: "arXiv:2203.02155v2"\ndoi: https://doi.org/10.1234/abc\ncode: ftp://example.org/code\n'
    add_paper(project, "forms2024ids", paper("Forms", more=more))
    assert check_errors() == [
        "content/papers/forms2024ids.yaml:6: error: arXiv id 'arXiv:2203.02155v2' is not in the form "
        "2203.02155 (no 'arXiv:' prefix, no version)",
        "content/papers/forms2024ids.yaml:7: error: DOI 'https://doi.org/10.1234/abc' is not in the form "
        "10.1234/abc (no https://doi.org/ prefix)",
        "content/papers/forms2024ids.yaml:8: error: code 'ftp://example.org/code' must be an http(s) URL",
    ]


def test_a_link_to_an_unknown_paper_or_topic_in_a_summary_or_an_introduction(project: Path) -> None:
    summary = "|\n  It builds on work.\n  See [DPO](paper:rafailov2023drect) and [RL](topic:rll).\n"
    add_paper(project, "links2024bad", paper("Links", summary=summary))
    intro = project / "content/topics/intro.md"
    intro.write_text(intro.read_text() + "\nAlso see [the outer part](topic:outter).\n")
    intro_line = len(intro.read_text().splitlines())
    assert check_errors() == [
        "content/papers/links2024bad.yaml:7: error: link to unknown paper 'rafailov2023drect'; "
        "did you mean 'rafailov2023direct'?",
        "content/papers/links2024bad.yaml:7: error: link to unknown topic 'rll'; did you mean 'rl'?",
        f"content/topics/intro.md:{intro_line}: error: link to unknown topic 'outter'; did you mean 'outer'?",
    ]


def test_a_leaf_topic_with_no_papers(project: Path) -> None:
    child = "    children:\n      - id: empty\n        title: Nothing yet\n        summary: No paper here.\n"
    edit(
        project / "content/taxonomy.yaml",
        "    summary: Measuring alignment.\n",
        f"    summary: Measuring alignment.\n{child}",
    )
    (project / "content/topics/empty.md").write_text("Work that is yet to come. It has no papers.\n")
    edit(project / "content/papers/rafailov2023direct.yaml", "[sl, rl]", "[sl, rl, evaluation]")
    assert check_errors() == [
        "content/taxonomy.yaml:20: error: topic 'empty' has no papers; file at least one under it"
    ]


def test_the_survey_named_in_the_settings_has_no_paper_file(project: Path) -> None:
    edit(project / "content/site.yaml", "survey: survey2023map", "survey: survey2023mapp")
    assert check_errors() == [
        "content/site.yaml:3: error: survey: no paper file content/papers/survey2023mapp.yaml; "
        "did you mean 'survey2023map'?"
    ]


def test_author_names_at_fault_are_reported_at_their_own_line(project: Path) -> None:
    add_paper(
        project, "others2024middle", paper("Middle", authors="\n  - Ada Writer\n  - others\n  - Bob Writer")
    )
    add_paper(project, "blank2024name", paper("Blank", authors="[Ada Writer, ' , ']"))
    assert check_errors() == [
        "content/papers/blank2024name.yaml:2: error: an author name is blank; "
        "write each author as 'Given Family'",
        "content/papers/others2024middle.yaml:4: error: 'others' may only be the last author",
    ]


def test_an_added_date_in_the_future(project: Path) -> None:
    add_paper(project, "future2024added", paper("Future", more="added: 2062-01-05\n"))
    assert check_errors() == [
        "content/papers/future2024added.yaml:6: error: added: 2062-01-05 is in the future; "
        "give the day the paper was added"
    ]


def test_titles_in_another_script_are_compared_as_they_read(project: Path) -> None:
    """Before, every character outside a-z was a space: two Chinese titles were both '' and so
    'duplicates', and 'Über' was not the same word as 'Uber'."""
    add_paper(project, "zhang2024align", paper("大语言模型对齐"))
    add_paper(project, "wang2024safety", paper("大语言模型安全"))
    assert run("check")[0] == 0
    add_paper(project, "uber2024title", paper("Über Alignment"))
    add_paper(project, "uber2024again", paper("Uber alignment!"))
    assert check_errors() == [
        "content/papers/uber2024again.yaml:1: error: duplicate title 'Uber alignment!': "
        "content/papers/uber2024title.yaml already has it; keep one file per paper",
        "content/papers/uber2024title.yaml:1: error: duplicate title 'Über Alignment': "
        "content/papers/uber2024again.yaml already has it; keep one file per paper",
    ]
