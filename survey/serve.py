"""`survey serve`: build, serve on localhost, rebuild on every change and reload the open pages.

The watcher (watchfiles) follows content/, templates/ and static/. Each change runs the same
build as `survey build`, which rewrites only the files whose bytes changed. Pages served here
(never the built files) get one extra script that listens on an event stream: it reloads the page
after a successful build and shows the `path:line` errors of a failed one; the server keeps running.
"""

from __future__ import annotations

import functools
import io
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import TextIO

from survey.cli import run_build
from survey.pipeline import Project

EVENTS = "/__survey__/events"
RELOAD_JS = "/__survey__/reload.js"
RELOAD_SCRIPT = files("survey").joinpath("reload.js").read_bytes()


class BuildState:
    """The outcome of the latest build, and a condition the event streams wait on."""

    def __init__(self) -> None:
        self.generation = 0
        self.errors: list[str] = []
        self.changed = threading.Condition()

    def moved_on(self, seen: int) -> bool:
        return self.generation != seen

    def publish(self, errors: list[str]) -> None:
        with self.changed:
            self.generation += 1
            self.errors = errors
            self.changed.notify_all()


class DevHandler(SimpleHTTPRequestHandler):
    state: BuildState

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == EVENTS:
            return self.stream_events()
        if self.path == RELOAD_JS:
            return self.send_bytes(RELOAD_SCRIPT, "text/javascript")
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            html = path.read_bytes().replace(
                b"</body>", f'<script src="{RELOAD_JS}"></script></body>'.encode()
            )
            return self.send_bytes(html, "text/html; charset=utf-8")
        return super().do_GET()

    def send_bytes(self, data: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def stream_events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state = self.state
        seen = state.generation
        if state.errors:
            self.send_event("failed", state.errors)
        try:
            while True:
                with state.changed:
                    state.changed.wait_for(functools.partial(state.moved_on, seen), timeout=15)
                if state.generation == seen:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    seen = state.generation
                    self.send_event("failed" if state.errors else "built", state.errors)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def send_event(self, name: str, data: list[str]) -> None:
        self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
        self.wfile.flush()


def rebuild(
    content: Path, output: Path, stdout: TextIO, stderr: TextIO, state: BuildState, workers: int = 0
) -> None:
    errors = io.StringIO()
    code = run_build(content, output, stdout, errors, workers=workers)
    stderr.write(errors.getvalue())
    stderr.flush()
    state.publish([line for line in errors.getvalue().splitlines() if ": error: " in line] if code else [])


def watch(
    project: Project, output: Path, stdout: TextIO, stderr: TextIO, state: BuildState, ready: threading.Event
) -> None:
    from watchfiles import watch as watch_files

    folders = [str(p) for p in (project.content, project.templates, project.static) if p.is_dir()]
    # yield_on_timeout: an empty first yield tells us the watcher is running, so no edit is missed
    for changes in watch_files(*folders, debounce=200, step=50, rust_timeout=300, yield_on_timeout=True):
        ready.set()
        if not changes:
            continue
        names = sorted({Path(path).name for _, path in changes})
        print(f"changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}", file=stdout, flush=True)
        # one process: forking while the server's threads run is unsafe, and edits are small
        rebuild(project.content, output, stdout, stderr, state, workers=1)


def serve(content: Path, output: Path, port: int, stdout: TextIO, stderr: TextIO) -> int:
    state = BuildState()
    rebuild(content, output, stdout, stderr, state)
    if not (output / "index.html").is_file():
        print("nothing to serve: fix the errors above, then run survey serve again", file=stderr)
        return 1
    handler = type("Handler", (DevHandler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(output)))
    server.daemon_threads = True
    project = Project.at(content)
    ready = threading.Event()
    threading.Thread(target=watch, args=(project, output, stdout, stderr, state, ready), daemon=True).start()
    ready.wait(timeout=10)
    print(
        f"serving {output} at http://127.0.0.1:{server.server_port}/ (Ctrl+C stops)", file=stdout, flush=True
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
