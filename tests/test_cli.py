"""The command line as a contributor meets it: exit codes, messages, and a site left intact."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import BAD

from survey import __version__
from survey.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"survey {__version__}"


def test_check_passes_on_good_corpus(project: Path) -> None:
    code, out, err = run("check")
    assert (code, err) == (0, "")
    assert out.strip() == "ok: 5 papers, 5 topics"


def test_build_writes_site_and_reports(project: Path) -> None:
    code, out, _ = run("build", "--output", "site")
    assert code == 0
    assert out.startswith("built site: ")
    assert (project / "site/index.html").is_file()
    assert (project / "site/papers/ouyang2022training/index.html").is_file()


def test_rebuild_writes_nothing_new_and_is_byte_identical(project: Path) -> None:
    run("build", "--output", "site")
    first = snapshot(project / "site")
    code, out, _ = run("build", "--output", "site")
    assert code == 0 and " 0 written" in out
    shutil.rmtree(project / "site")
    run("build", "--output", "site")
    assert snapshot(project / "site") == first


def test_deleted_paper_page_is_removed(project: Path) -> None:
    extra = project / "content/papers/extra2024paper.yaml"
    extra.write_text(
        "title: Extra\nauthors: [Solo Writer]\nyear: 2024\ntopics: [sl]\nsummary: Gone soon. Very soon.\n"
    )
    run("build", "--output", "site")
    assert (project / "site/papers/extra2024paper/index.html").is_file()
    assert (project / "site/authors/solo-writer/index.html").is_file()
    extra.unlink()
    code, out, _ = run("build", "--output", "site")
    assert code == 0
    assert not (project / "site/papers/extra2024paper").exists()
    assert not (project / "site/authors/solo-writer").exists()
    assert re.search(r" [1-9]\d* removed", out)
    assert not (project / "site/years/2024").exists()


FAILURES = sorted(p.name for p in BAD.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", FAILURES)
def test_each_bad_corpus_gives_exact_errors_and_keeps_previous_site(name: str, project: Path) -> None:
    run("build", "--output", "site")
    before = snapshot(project / "site")
    shutil.copytree(
        BAD / name, project / "content", dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt")
    )
    expected = (BAD / name / "expected.txt").read_text().replace("YEAR", str(date.today().year + 1))

    code, _, err = run("build", "--output", "site")

    assert code == 1
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert errors == expected.splitlines()
    assert err.splitlines()[-1].startswith("build failed: ")
    assert snapshot(project / "site") == before

    check_code, _, check_err = run("check")
    assert check_code == 1
    assert [line for line in check_err.splitlines() if ": error: " in line] == expected.splitlines()


def test_check_github_format(project: Path) -> None:
    shutil.copytree(BAD / "unknown-topic", project / "content", dirs_exist_ok=True)
    code, out, _ = run("check", "--format", "github")
    assert code == 1
    assert out.splitlines()[0] == (
        "::error file=content/papers/lost2021topic.yaml,line=6::unknown topic 'evalution'; "
        "did you mean 'evaluation'? (topics are the ids in content/taxonomy.yaml)"
    )


def test_missing_content_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("check", "--content", "nowhere")
    assert code == 1
    assert err.splitlines()[0] == "nowhere: error: no such content folder; pass --content DIR"


def test_broken_template_is_reported_without_traceback(project: Path) -> None:
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates", project / "templates")
    shutil.copytree(Path(__file__).resolve().parent.parent / "static", project / "static")
    (project / "templates/year.html").write_text(
        "{% extends 'base.html' %}\n{% block content %}{{ nope }}{% endblock %}\n"
    )
    code, _, err = run("build", "--output", "site")
    assert code == 1
    assert "Traceback" not in err
    assert "year.html:2: error: template error: while rendering years/" in err
    assert "'nope' is undefined" in err


def test_one_sentence_summary_is_refused(project: Path) -> None:
    (project / "content/papers/terse2024paper.yaml").write_text(
        "title: Terse\nauthors: [Solo Writer]\nyear: 2024\ntopics: [sl]\nsummary: Says little\n"
    )
    code, _, err = run("check")
    assert code == 1
    assert err.splitlines()[0] == (
        "content/papers/terse2024paper.yaml:5: error: summary needs at least two sentences "
        "in your own words: what the paper does and why it matters"
    )


def test_an_author_name_bibtex_cannot_read_is_refused_at_its_line(project: Path) -> None:
    """A name pybtex refuses (more than two commas once 'Family, Given' is turned around): the build
    used to stop with a traceback while formatting references (found by tests/test_hostile.py)."""
    (project / "content/papers/commas2024paper.yaml").write_text(
        "title: Commas\nauthors:\n  - Ada Writer\n  - Last, Jr, First, Extra, More\nyear: 2024\n"
        "topics: [sl]\nsummary: Says this. Says that.\n"
    )
    expected = (
        "content/papers/commas2024paper.yaml:4: error: author name 'Last, Jr, First, Extra, More' has "
        "too many commas for BibTeX; write each author as 'Given Family' or 'Family, Given'"
    )
    for command in (["check"], ["build", "--output", "site"]):
        code, _, err = run(*command)
        assert code == 1 and "Traceback" not in err
        assert err.splitlines()[0] == expected


def test_a_title_differing_only_in_case_and_punctuation_is_a_duplicate_after_a_cached_build(
    project: Path,
) -> None:
    assert run("build", "--output", "site")[0] == 0  # the cache now holds every paper, compared title and all
    (project / "content/papers/copy2024paper.yaml").write_text(
        "title: 'TRAINING language models to follow instructions -- with human feedback!'\n"
        "authors: [Solo Writer]\nyear: 2024\ntopics: [sl]\nsummary: A copy. It repeats a title.\n"
    )
    code, _, err = run("build", "--output", "site")
    assert code == 1
    assert "content/papers/copy2024paper.yaml:1: error: duplicate title" in err
    assert "content/papers/ouyang2022training.yaml:1: error: duplicate title" in err


def test_several_kinds_of_error_at_once_in_text_and_github_formats(project: Path) -> None:
    for name in ("unknown-topic", "dangling-relation", "bad-year", "duplicate-arxiv"):
        shutil.copytree(
            BAD / name, project / "content", dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.txt")
        )
    (project / "content/papers/typo2024field.yaml").write_text(
        "title: A typo\nauthors: [Solo Writer]\nyear: 2024\ntopics: [sl]\nsumary: One. Two.\n"
    )
    expected = sorted(
        line.replace("YEAR", str(date.today().year + 1))
        for name in ("unknown-topic", "dangling-relation", "bad-year", "duplicate-arxiv")
        for line in (BAD / name / "expected.txt").read_text().splitlines()
    )
    expected += [
        "content/papers/typo2024field.yaml:1: error: missing required field 'summary' in the file",
        "content/papers/typo2024field.yaml:5: error: unknown field 'sumary' in the file; "
        "did you mean 'summary'?",
    ]
    code, _, err = run("check")
    assert code == 1
    assert [line for line in err.splitlines() if ": error: " in line] == sorted(expected)

    code, out, _ = run("check", "--format", "github")
    assert code == 1
    annotations = out.splitlines()
    assert len(annotations) == len(expected)
    assert (
        "::error file=content/papers/typo2024field.yaml,line=5::unknown field 'sumary' in the file; "
        "did you mean 'summary'?" in annotations
    )
    assert all(line.startswith("::error file=content/") for line in annotations)


def test_names_too_long_for_a_file_name_and_venues_differing_in_case_get_pages(project: Path) -> None:
    papers = project / "content/papers"
    long_name = "Wolfeschlegelsteinhausenbergerdorff " * 12
    (papers / "long2024name.yaml").write_text(
        f"title: A Paper With A Long Author\nauthors: [{long_name.strip()}]\nyear: 2024\ntopics: [sl]\n"
        "venue: Findings\nsummary: One sentence. Two sentences.\n"
    )
    (papers / "case2024venue.yaml").write_text(
        "title: A Paper At A Lowercase Venue\nauthors: [Ada Lovelace]\nyear: 2024\ntopics: [sl]\n"
        "venue: findings\nsummary: One sentence. Two sentences.\n"
    )
    code, _, err = run("build", "--output", "site")
    assert code == 0, err
    author_pages = [p for p in (project / "site/authors").glob("wolfe*/index.html")]
    assert len(author_pages) == 1 and len(author_pages[0].parent.name) <= 80
    venue_pages = sorted(p.parent.name for p in (project / "site/venues").glob("findings*/index.html"))
    assert venue_pages == ["findings", "findings-2"]
    assert "A Paper At A Lowercase Venue" in (project / "site/venues/findings-2/index.html").read_text()


def test_an_output_that_cannot_hold_the_site_is_refused_without_a_traceback(project: Path) -> None:
    (project / "notes.txt").write_text("mine")
    code, _, err = run("build", "--output", "notes.txt")
    assert code == 1 and "Traceback" not in err
    assert err.splitlines() == [
        "notes.txt: error: is a file, not a folder; pass --output DIR for the site",
        "build failed: 1 error(s); notes.txt was left as it was",
    ]
    assert (project / "notes.txt").read_text() == "mine"
    code, _, err = run("build", "--output", "notes.txt/site")  # a folder that cannot be made
    assert code == 1
    assert (
        err.splitlines()[0]
        == "notes.txt/site: error: cannot write the site here: Not a directory; pass --output DIR"
    )
    assert sorted(p.name for p in project.iterdir()) == [".survey-cache", "content", "notes.txt"]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--base-url",
            "example.org/atlas",
            "is not an absolute http(s) URL, such as https://example.org/atlas/",
        ),
        ("--jobs", "-2", "is not 0 (one process per core) or a number of processes"),
        ("--port", "70000", "is not a port number (0 to 65535; 0: any free port)"),
    ],
)
def test_options_out_of_range_are_refused(
    project: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    command = "serve" if option == "--port" else "build"
    with pytest.raises(SystemExit) as exited:
        run(command, option, value)
    assert exited.value.code == 2
    expected = f"survey {command}: error: argument {option}: '{value}' {message}"
    assert capsys.readouterr().err.splitlines()[-1] == expected
