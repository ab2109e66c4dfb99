"""papers.py: a paper file (and its pasted BibTeX) into a Paper, and what `survey check` says of a
file it cannot read. Malformed YAML, bad UTF-8, invalid BibTeX and a missing title have corpora of
their own under tests/fixtures/bad (tests/test_cli.py)."""

from __future__ import annotations

from pathlib import Path

from conftest import check_errors

from survey.diagnostics import Report
from survey.papers import load_papers

PASTED = """topics: [sl]
summary: Says this. Says that.
title: The YAML Title Wins
bibtex: |
  @article{{pasted2024entry,
    title = {{The {{B}}ib{{T}}e{{X}} Title}},
    author = {{M{{\\"u}}ller, Ada and others}},
    year = {{{year}}},
    journal = {{Journal of Tests}},
    doi = {{10.1234/pasted}},
    url = {{https://example.org/pasted}},
  }}
"""


def test_fields_the_yaml_lacks_come_from_the_pasted_bibtex(project: Path) -> None:
    (project / "content/papers/pasted2024entry.yaml").write_text(PASTED.format(year=2024))
    report = Report()
    loaded = {item.paper.key: item.paper for item in load_papers(project / "content", report).loaded}
    assert report.ok
    paper = loaded["pasted2024entry"]
    assert paper.title == "The YAML Title Wins"
    assert (paper.author_names, paper.et_al) == (["Ada Müller"], True)
    assert (paper.year, paper.venue, paper.doi, paper.url) == (
        2024, "Journal of Tests", "10.1234/pasted", "https://example.org/pasted",
    )  # fmt: skip
    assert paper.line("year") == 8 and paper.line("title") == 3  # where each value was written


def test_a_bibtex_year_that_is_not_a_number_is_reported_once_at_its_line(project: Path) -> None:
    (project / "content/papers/pasted2024entry.yaml").write_text(PASTED.format(year="forthcoming"))
    assert check_errors() == [
        "content/papers/pasted2024entry.yaml:8: error: year 'forthcoming' in the BibTeX is not a number"
    ]


def test_a_file_name_that_is_not_a_key(project: Path) -> None:
    (project / "content/papers/Bad_Key.yaml").write_text("title: Bad\n")
    assert check_errors() == [
        "content/papers/Bad_Key.yaml: error: file name 'Bad_Key' is not a valid key; "
        "use lowercase letters, digits and hyphens"
    ]


def test_an_empty_file_and_a_folder_among_the_papers_are_not_passed_over(project: Path) -> None:
    papers = project / "content/papers"
    (papers / "empty2024file.yaml").write_text("# to do\n")
    (papers / "drafts").mkdir()
    (papers / "drafts/draft2024paper.yaml").write_text("title: A draft\n")
    assert check_errors() == [
        "content/papers/drafts: error: a folder among the papers; put paper files in content/papers/ itself",
        "content/papers/empty2024file.yaml:1: error: the file is empty; see docs/corpus.md for what it holds",
    ]


def test_pasted_bibtex_with_two_entries(project: Path) -> None:
    two = "  @article{a, title={One}, author={Writer, Ada}, year={2024}}\n  @article{b, title={Two}}\n"
    (project / "content/papers/two2024entries.yaml").write_text(
        "topics: [sl]\nsummary: Says this. Says that.\nbibtex: |\n" + two
    )
    assert check_errors() == [
        "content/papers/two2024entries.yaml:4: error: "
        "the BibTeX must hold exactly one entry (one paper), found 2"
    ]


def test_a_missing_author_list_is_reported_once(project: Path) -> None:
    (project / "content/papers/noauthors2024paper.yaml").write_text(
        "title: No Authors\nyear: 2024\ntopics: [sl]\nsummary: Says this. Says that.\n"
    )
    assert check_errors() == [
        "content/papers/noauthors2024paper.yaml:1: error: missing authors; "
        "add a 'authors:' field (or paste the paper's BibTeX)"
    ]


def test_a_file_that_cannot_be_read_is_reported_there_alone(project: Path) -> None:
    """Not also as a dangling link in every file that links to it (with a wrong "did you mean"),
    an empty topic, or a survey key naming no paper."""
    papers = project / "content/papers"
    broken = {  # ouyang2022training: linked from each topic's introduction and from rafailov2023direct;
        # muller2021bias: the only paper on its topic; survey2023map: the survey named in site.yaml
        "ouyang2022training": ('arxiv: "2203.02155"', "arxiv: 2203.02155"),
        "muller2021bias": ("year:", "year: 2021\nyear:"),
        "survey2023map": ("title:", "\ttitle:"),
    }
    for key, (before, after) in broken.items():
        path = papers / f"{key}.yaml"
        path.write_text(path.read_text().replace(before, after, 1))
    errors = check_errors()
    assert [error.split(":")[0] for error in errors] == [
        f"content/papers/{key}.yaml" for key in sorted(broken)
    ], errors
    assert "arxiv must be text" in errors[1] and "'year' is given twice" in errors[0]


def test_a_paper_file_that_is_gone_is_still_missed_where_it_is_linked(project: Path) -> None:
    (project / "content/papers/ouyang2022training.yaml").unlink()
    errors = check_errors()
    relation = "content/papers/rafailov2023direct.yaml:10: error: compares_with: no paper with key "
    assert any(error.startswith(relation) for error in errors)
    assert sum("link to unknown paper 'ouyang2022training'" in error for error in errors) == 5


def test_a_key_given_twice_is_refused_at_its_second_line(project: Path) -> None:
    """YAML would keep the last value and drop the first without a word."""
    path = project / "content/papers/rafailov2023direct.yaml"
    path.write_text(path.read_text().replace("relations:\n", "relations:\n  builds_on: [muller2021bias]\n"))
    path.write_text(path.read_text().replace("  compares_with:", "  builds_on:"))
    assert check_errors() == [
        "content/papers/rafailov2023direct.yaml:11: error: "
        "'builds_on' is given twice (first at line 10); keep one"
    ]


def test_a_summary_too_long_is_refused_before_it_is_rendered(project: Path) -> None:
    """python-markdown's time grows with the square of some texts' length: 20,000 '[' took 55 s."""
    (project / "content/papers/long2024summary.yaml").write_text(
        "title: Long\nauthors: [Ada Writer]\nyear: 2024\ntopics: [sl]\nsummary: |\n  " + "[" * 2001 + "\n"
    )
    assert check_errors() == [
        "content/papers/long2024summary.yaml:5: error: summary is 2,002 characters long; keep it to 2,000"
    ]


def test_files_editors_leave_beside_papers_are_left_alone(project: Path) -> None:
    """vim's swap file, emacs's lock and autosave, a backup and macOS's .DS_Store failed every build
    while a paper was open in an editor (`survey serve` rebuilds on every save)."""
    papers, topics = project / "content/papers", project / "content/topics"
    for name in (".ouyang2022training.yaml.swp", "#ouyang2022training.yaml#", "ouyang2022training.yaml~"):
        (papers / name).write_text("not YAML: [")
    (papers / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (papers / ".#ouyang2022training.yaml").symlink_to("someone@host.1234:1700000000")
    (topics / ".#rl.md").symlink_to("someone@host.1234:1700000000")
    (topics / "rl.md~").write_text("an older introduction")
    (papers / "notes.txt").write_text("a file of ours, misnamed")
    assert check_errors() == ["content/papers/notes.txt: error: not a paper file; paper files end in .yaml"]


def test_bibtex_macros_are_put_in_or_refused(project: Path) -> None:
    """A macro the pasted text defines is put in; one it does not define (copied from a .bib file
    that does), or macros joined with #, were read as they stand: the venue became `nips`."""
    entry = """topics: [sl]
summary: Says this. Says that.
bibtex: |
  @string{{jmlr = "Journal of Machine Learning Research"}}
  @article{{macro2024paper,
    title = {{Macros}},
    author = {{Writer, Ada}},
    year = 2024,
    month = jan,
    {venue},
  }}
"""
    path = project / "content/papers/macro2024paper.yaml"
    path.write_text(entry.format(venue="journal = jmlr"))
    report = Report()
    loaded = {item.paper.key: item.paper for item in load_papers(project / "content", report).loaded}
    assert report.ok and loaded["macro2024paper"].venue == "Journal of Machine Learning Research"
    for venue in ('journal = jmlr # " 25"', "journal = nips"):
        path.write_text(entry.format(venue=venue))
        assert check_errors() == [
            f"content/papers/macro2024paper.yaml:10: error: {venue}: a BibTeX macro, which is not read "
            f"here; write the value out in braces, e.g. journal = {{...}}"
        ]
