"""`survey serve` as a maintainer uses it: edit a file, see the new page; break it, see the error."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import ROOT, lay_out


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(predicate, seconds: float = 30) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def test_serve_rebuilds_on_edit_and_survives_a_broken_file(tmp_path: Path) -> None:
    content = lay_out(tmp_path)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "static", tmp_path / "static")
    command = [sys.executable, "-m", "survey", "serve", "--port", "0", "--output", "site"]
    server = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = ""
        while "serving" not in line:
            line = server.stdout.readline()
            assert line, server.stderr.read()
        base = line.split(" at ")[1].split()[0]
        page = base + "papers/ouyang2022training/index.html"
        assert "Training language models" in fetch(page)
        assert "/__survey__/reload.js" in fetch(page)  # injected when served, never written
        assert "__survey__" not in (tmp_path / "site/papers/ouyang2022training/index.html").read_text()
        # a folder asked for without its final / is redirected to it, as static hosts do, so that
        # the page's relative links (its citation downloads) resolve from its own folder
        with urllib.request.urlopen(base + "papers/ouyang2022training", timeout=5) as response:
            assert response.geturl() == base + "papers/ouyang2022training/"

        paper = content / "papers/ouyang2022training.yaml"
        paper.write_text(paper.read_text().replace("to follow instructions", "to follow edited instructions"))
        assert wait_for(lambda: "to follow edited instructions" in fetch(page))

        paper.write_text(paper.read_text().replace("year: 2022", "year: [2022"))
        assert wait_for(lambda: server.poll() is None and "edited" in fetch(page), 5)
        errors = []
        assert wait_for(
            lambda: errors.append(server.stderr.readline()) or "ouyang2022training.yaml:" in errors[-1]
        )
        assert server.poll() is None  # still serving the last good build
        assert "to follow edited instructions" in fetch(page)
        builders = children(server.pid)
        assert builders  # the builds ran in a process of their own
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in builders), 10)  # it ended too


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_a_port_already_taken_is_said_before_building(tmp_path: Path) -> None:
    import socket

    lay_out(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "survey", "serve", "--port", str(port), "--output", "site"]
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"survey serve: cannot listen on 127.0.0.1:{port} (Address already in use); "
        "pass --port N to use another port"
    )
    assert done.stdout == "" and not (tmp_path / "site").exists()  # nothing was built first


def test_the_watcher_hears_inputs_only(tmp_path: Path) -> None:
    """Not the site, the cache, a hidden or backup file: with the corpus at the project's root
    (`--content .`), each build's own writes set off the next, without end."""
    from survey.serve import InputFilter

    root = tmp_path / ".projects/survey"  # a hidden folder above the project does not count
    hears = InputFilter([str(root), str(root / "templates")], root / "_site")
    added = 1  # watchfiles.Change.added
    heard = {
        "papers/ouyang2022training.yaml": True,
        "templates/paper.html": True,
        "_site/index.html": False,
        ".survey-cache/state.pickle": False,
        "papers/#ouyang2022training.yaml#": False,
        "papers/.ouyang2022training.yaml.swp": False,
        "templates/paper.html~": False,
    }
    assert {path: hears(added, str(root / path)) for path in heard} == heard


def test_serve_with_the_corpus_at_the_project_root_builds_once_per_edit(tmp_path: Path) -> None:
    content = lay_out(tmp_path)
    command = [sys.executable, "-m", "survey", "serve", "--content", ".", "--port", "0"]
    server = subprocess.Popen(command, cwd=content, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        while "serving" not in line:
            line = server.stdout.readline()  # type: ignore[union-attr]
            assert line, server.stderr.read()  # type: ignore[union-attr]
        paper = content / "papers/ouyang2022training.yaml"
        paper.write_text(paper.read_text().replace("to follow instructions", "to follow edited instructions"))
        time.sleep(4)  # the build's own writes (the site, the cache) came back as changes within 0.3 s
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert [line for line in output.splitlines() if line.startswith("changed:")] == [
        "changed: ouyang2022training.yaml"
    ]
