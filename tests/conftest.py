"""Shared fixtures: copies of the fixture corpora laid out as a project (content/ + templates/)."""

from __future__ import annotations

import functools
import io
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from survey.cache import BuildCache

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"


def required(tool: str) -> str:
    """The tool's path (this environment's own bin folder first), or skip, or fail when gates are required."""
    path = shutil.which(
        tool, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    if path:
        return path
    if os.environ.get("SURVEY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{tool} is required (scripts/test.sh installs it)")
    pytest.skip(f"{tool} is not installed")


def lay_out(project: Path, *overlays: Path) -> Path:
    """A project folder with the good fixture corpus as content/, then each overlay copied on top."""
    content = project / "content"
    shutil.copytree(GOOD, content)
    for overlay in overlays:
        shutil.copytree(overlay, content, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
    return content


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) with `new` in a file, as a maintainer's edit would."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def check_errors() -> list[str]:
    """The errors `survey check` prints for the project in the working folder (it must fail)."""
    from survey.cli import main

    err = io.StringIO()
    assert main(["check"], io.StringIO(), err) == 1
    return [line for line in err.getvalue().splitlines() if ": error: " in line]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding content/ (the good fixture); paths in messages are relative to it."""
    lay_out(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def maintainer(project: Path) -> Path:
    """The project with its own copy of the templates and static files, as a maintainer has it."""
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "static", project / "static")
    return project


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus built once per test run, into a folder named `site` (so its parent can serve
    it under the sub-path /site/)."""
    from survey.cli import main

    out = tmp_path_factory.mktemp("bundled") / "site"
    argv = ["build", "--no-cache", "--content", str(ROOT / "content"), "--output", str(out)]
    assert main(argv, io.StringIO(), io.StringIO()) == 0
    return out


@pytest.fixture(scope="session")
def corpus():  # type: ignore[no-untyped-def]
    """The bundled corpus, loaded and linked."""
    from survey.diagnostics import Report
    from survey.pipeline import load

    report = Report()
    loaded = load(ROOT / "content", report)
    assert report.ok, report.lines()
    return loaded


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def sub_path_server(site: Path) -> Iterator[str]:
    """Serves the folder above the site, so the site lives at /site/ like a GitHub Pages project site."""
    handler = functools.partial(QuietHandler, directory=str(site.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/{site.name}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Debian's chromium driven by Playwright, shared by the browser tests."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    from browser import launch

    with playwright_api.sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def scopes(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each build with the cache looked at every page (True) or only those around the
    edited papers (the cold builds compared with, which have no cache, are left out)."""
    from survey import render

    seen: list[bool] = []
    narrowed = render.narrowed

    def spy(corpus: object, cache: BuildCache, *args: object) -> tuple:
        scope, left_alone = narrowed(corpus, cache, *args)  # type: ignore[arg-type]
        if cache.enabled:
            seen.append(scope.everything)
        return scope, left_alone

    monkeypatch.setattr(render, "narrowed", spy)
    return seen
