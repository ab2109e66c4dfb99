"""The quick shape check (fastjsonschema) never lets through what jsonschema would refuse."""

from __future__ import annotations

from pathlib import Path

from conftest import BAD, GOOD, ROOT, check_errors
from hypothesis import given, settings
from hypothesis import strategies as st
from test_hostile import any_paper, plausible_paper

from survey.diagnostics import Report
from survey.read import read_yaml
from survey.schema import conforms_quickly, validator

SCHEMA_OF = {"site.yaml": "site", "taxonomy.yaml": "taxonomy"}


def yaml_files(folder: Path) -> list[tuple[Path, str]]:
    return [(path, SCHEMA_OF.get(path.name, "paper")) for path in sorted(folder.rglob("*.yaml"))]


def test_every_bundled_and_fixture_file_is_judged_as_jsonschema_judges_it() -> None:
    files = yaml_files(ROOT / "content") + yaml_files(GOOD) + yaml_files(BAD)
    quick = 0
    for path, name in files:
        data = read_yaml(path, Report())
        if data is None:
            continue
        valid = validator(name).is_valid(data)
        assert not conforms_quickly(data, name) or valid, path
        quick += conforms_quickly(data, name)
    assert quick >= len(yaml_files(ROOT / "content"))  # the bundled corpus takes the quick way


@settings(max_examples=300, deadline=None)
@given(st.one_of(plausible_paper, any_paper, plausible_paper.map(lambda p: p | {"added": "2026-02-30"})))
def test_what_passes_quickly_passes_jsonschema(paper: dict) -> None:
    assert not conforms_quickly(paper, "paper") or validator("paper").is_valid(paper)


def test_a_file_refused_quickly_is_explained_by_jsonschema(project: Path) -> None:
    import io

    from survey.cli import main

    path = project / "content/papers/christiano2017deep.yaml"
    text = "\n".join(line for line in path.read_text().splitlines() if not line.startswith("tags:"))
    path.write_text(text + "\ntags: [Not-Lowercase]\nsumary: typo\n")
    err = io.StringIO()
    assert main(["check"], io.StringIO(), err) == 1
    assert "unknown field 'sumary'" in err.getvalue() and "did you mean 'summary'" in err.getvalue()
    assert "tags.0: 'Not-Lowercase' is not in the expected form" in err.getvalue()


def test_files_that_conform_never_reach_jsonschema(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import survey.schema

    def refuse(name: str) -> None:
        raise AssertionError("jsonschema consulted for a file that conforms")

    monkeypatch.setattr(survey.schema, "validator", refuse)
    for path, name in yaml_files(ROOT / "content"):
        assert survey.schema.check_shape(read_yaml(path, Report()), name, path, Report())


def test_an_item_listed_twice_is_named_at_its_second_line(project: Path) -> None:
    (project / "content/papers/twice2024lists.yaml").write_text(
        "title: Twice\nauthors: [Ada Writer]\nyear: 2024\nsummary: Says this. Says that.\n"
        "topics:\n  - sl\n  - rl\n  - sl\ntags: [a, a]\n"
        "relations:\n  builds_on: [christiano2017deep, christiano2017deep]\n"
    )
    assert check_errors() == [
        "content/papers/twice2024lists.yaml:8: error: topics: 'sl' is listed twice",
        "content/papers/twice2024lists.yaml:9: error: tags: 'a' is listed twice",
        "content/papers/twice2024lists.yaml:11: error: relations.builds_on: 'christiano2017deep' "
        "is listed twice",
    ]
