"""config.py: content/site.yaml into SiteConfig, and what `survey check` says of a broken one."""

from __future__ import annotations

from pathlib import Path

from conftest import check_errors

from survey.config import load_config
from survey.diagnostics import Report


def test_settings_with_their_defaults(project: Path) -> None:
    report = Report()
    config = load_config(project / "content", report)
    assert report.ok and config is not None
    assert (config.title, config.survey, config.survey_line) == ("Fixture Atlas", "survey2023map", 3)
    assert (config.base_url, config.repository, config.branch) == (
        "",
        "https://github.com/example/atlas",
        "main",
    )


def test_a_misspelt_setting(project: Path) -> None:
    site = project / "content/site.yaml"
    site.write_text(site.read_text() + "titel: Other\n")
    assert check_errors() == [
        "content/site.yaml:5: error: unknown field 'titel' in the file; did you mean 'title'?"
    ]


def test_no_settings_file(project: Path) -> None:
    (project / "content/site.yaml").unlink()
    assert check_errors() == [
        "content/site.yaml: error: missing site settings; create site.yaml (see docs/corpus.md)"
    ]


def test_an_empty_settings_file(project: Path) -> None:
    (project / "content/site.yaml").write_text("")
    assert check_errors() == [
        "content/site.yaml:1: error: the file is empty; see docs/corpus.md for what it holds"
    ]
