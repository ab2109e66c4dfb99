"""Shared fixtures: copies of the fixture corpora laid out as a project (content/ + templates/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"


def lay_out(project: Path, *overlays: Path) -> Path:
    """A project folder with the good fixture corpus as content/, then each overlay copied on top."""
    content = project / "content"
    shutil.copytree(GOOD, content)
    for overlay in overlays:
        shutil.copytree(overlay, content, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
    return content


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding content/ (the good fixture); paths in messages are relative to it."""
    lay_out(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path
