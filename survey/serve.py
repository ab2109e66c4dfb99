"""`survey serve`: build, serve on localhost, rebuild on every change and reload the open pages.

The watcher (watchfiles) follows content/, templates/ and static/. Each change runs the same
build as `survey build`, which rewrites only the files whose bytes changed. Pages served here
(never the built files) get one extra script that listens on an event stream: it reloads the page
after a successful build and shows the `path:line` errors of a failed one; the server keeps running.
"""

from __future__ import annotations

import functools
import gc
import io
import json
import multiprocessing
import os
import socket
import sys
import threading
import traceback
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TextIO

from survey.cache import Resident
from survey.cli import run_build
from survey.memory import release_free_memory
from survey.pipeline import Project, warm_up
from survey.read import below_not_ours

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
            if not self.path.split("?", 1)[0].endswith("/"):  # as a static host does: the page's
                return super().do_GET()  # relative links are resolved from its folder (a redirect)
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


class Builder:
    """Runs the builds of `survey serve`, in a process of its own that stays up between builds.

    The process is forked before the server starts its threads, so it may fork rendering workers of
    its own (forking a process that runs threads is unsafe), and it keeps what each build loaded
    (cache.Resident): a rebuild skips the imports, reading the cache back and unpickling every
    paper. It writes to the terminal itself; the server hears back as soon as the new site is in
    place, before the cache is saved, and reloads the open pages then. On other systems than
    Linux, builds run in the server's process (still keeping what they loaded): the first on
    every core, later ones in one.
    """

    def __init__(self, content: Path, output: Path, stdout: TextIO, stderr: TextIO) -> None:
        self.content, self.output, self.stdout, self.stderr = content, output, stdout, stderr
        self.resident = Resident()
        self.builds = 0
        self.process: BaseProcess | None = None
        if sys.platform.startswith("linux"):  # forking is safe there (see parallel.worker_count)
            context = multiprocessing.get_context("fork")
            self.requests, theirs = context.Pipe()
            stdout.flush(), stderr.flush()  # or the process would write out our buffered text again
            # not a daemon: a daemon process may not start the workers a build forks
            self.process = context.Process(target=self._serve_requests, args=(theirs,))
            self.process.start()
            theirs.close()

    def build(self) -> list[str]:
        """Build once; the `path:line` errors of a failed build, [] when it succeeded."""
        self.builds += 1
        if self.process is not None:
            try:
                self.requests.send(True)
                return self.requests.recv()
            except (EOFError, OSError):  # the builder died (its error is on the terminal)
                self.process = None  # go on without it rather than stop serving
        return self._build_here(workers=0 if self.builds == 1 else 1)

    def _build_here(self, workers: int, told: Callable[[], None] | None = None) -> list[str]:
        errors = Tee(self.stderr)
        code = run_build(
            self.content,
            self.output,
            self.stdout,
            errors,
            workers=workers,
            resident=self.resident,
            committed=told,
        )
        return [line for line in errors.copy.getvalue().splitlines() if ": error: " in line] if code else []

    def _serve_requests(self, connection: Connection) -> None:
        """The builder process: a build for each request, answered once the site is in place."""
        self.requests.close()  # the server's end: with it closed here, the server's exit ends the loop
        try:
            while connection.recv():
                answered = False

                def answer(errors: list[str]) -> None:
                    nonlocal answered
                    if not answered:
                        answered = True
                        connection.send(errors)

                try:
                    answer(self._build_here(workers=0, told=lambda: answer([])))
                    if self.resident.entries is None:  # nothing was built: read the cache in now
                        warm_up(self.content, self.resident)
                    self._collect_what_the_build_left()
                except Exception:  # a bug: say so, answer, and stay up for the next edit
                    traceback.print_exc(file=self.stderr)
                    self.stderr.flush()
                    answer(["survey serve: the build crashed; see the terminal"])
        except (EOFError, KeyboardInterrupt):  # the server stopped
            return

    def _collect_what_the_build_left(self) -> None:
        """Free what the last build left behind while waiting for the next edit.

        The linked corpus is kept for the next edit when it passed validation (link.relink);
        otherwise the papers kept for the next build still point into it (their topics, authors
        and relations), and it is full of reference cycles: unlinked and collected now, or the
        next build would hold two corpora and freeze the old one with its own
        (parallel.frozen_heap). The memory freed goes back to the system, or the forked workers
        of the next build would start from a larger process.
        """
        if self.resident.corpus is None:
            for item in (self.resident.entries or {}).get("papers", {}).values():
                item.paper.unlink()
        gc.collect()
        release_free_memory()


class Tee(io.TextIOBase):
    """A text stream that writes through to another and keeps a copy."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.copy = stream, io.StringIO()

    def write(self, text: str) -> int:
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()


def rebuild(builder: Builder, state: BuildState) -> None:
    state.publish(builder.build())


def watch(
    project: Project,
    output: Path,
    builder: Builder,
    stdout: TextIO,
    state: BuildState,
    ready: threading.Event,
) -> None:
    from watchfiles import watch as watch_files

    folders = [str(p) for p in (project.content, project.templates, project.static) if p.is_dir()]
    inputs = InputFilter(folders, output)
    # yield_on_timeout: an empty first yield tells us the watcher is running, so no edit is missed
    for changes in watch_files(
        *folders, watch_filter=inputs, debounce=200, step=50, rust_timeout=300, yield_on_timeout=True
    ):
        ready.set()
        if not changes:
            continue
        names = sorted({Path(path).name for _, path in changes})
        print(f"changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}", file=stdout, flush=True)
        rebuild(builder, state)


class InputFilter:
    """The changes a build reads: watchfiles' own filter (editors' swap files, .git, ...), then none
    in the site itself or in a file or folder that is not ours (read.not_ours: the hidden build
    cache among them). With the corpus at the project's root (`--content .`), each build's own
    writes set off the next, without end."""

    def __init__(self, folders: list[str], output: Path) -> None:
        from watchfiles import DefaultFilter

        self.default = DefaultFilter()
        self.folders = [os.path.realpath(folder) for folder in folders]
        self.output = os.path.realpath(output)

    def __call__(self, change: object, path: str) -> bool:
        if not self.default(change, path):
            return False
        real = os.path.realpath(path)
        if real == self.output or real.startswith(self.output + os.sep):
            return False
        for folder in self.folders:  # the path's parts below the watched folder, not above it
            if real.startswith(folder + os.sep):
                return not below_not_ours(real[len(folder) + 1 :])
        return True


HOST = "127.0.0.1"


def serve(content: Path, output: Path, port: int, stdout: TextIO, stderr: TextIO) -> int:
    # a port already taken is said before the first build, which takes seconds on a large corpus
    if (problem := _cannot_listen(port)) is not None:
        print(problem, file=stderr)
        return 1
    state = BuildState()
    builder = Builder(content, output, stdout, stderr)  # before any thread starts: it forks
    rebuild(builder, state)
    if not (output / "index.html").is_file():
        print("nothing to serve: fix the errors above, then run survey serve again", file=stderr)
        return 1
    handler = type("Handler", (DevHandler,), {"state": state})
    try:
        server = ThreadingHTTPServer((HOST, port), functools.partial(handler, directory=str(output)))
    except OSError as error:  # taken while the first build ran
        print(_listen_error(port, error), file=stderr)
        return 1
    server.daemon_threads = True
    project = Project.at(content)
    ready = threading.Event()
    watching = (project, output, builder, stdout, state, ready)
    threading.Thread(target=watch, args=watching, daemon=True).start()
    ready.wait(timeout=10)
    print(f"serving {output} at http://{HOST}:{server.server_port}/ (Ctrl+C stops)", file=stdout, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _cannot_listen(port: int) -> str | None:
    """Why the server could not listen on `port`, or None when it can (tried as the server binds)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as http.server's own socket does
    try:
        probe.bind((HOST, port))
    except OSError as error:
        return _listen_error(port, error)
    finally:
        probe.close()
    return None


def _listen_error(port: int, error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"survey serve: cannot listen on {HOST}:{port} ({reason}); pass --port N to use another port"
