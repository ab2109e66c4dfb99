"""`survey serve`: build, then serve the output folder on localhost."""

from __future__ import annotations

import contextlib
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO

from survey.cli import run_build


def serve(content: Path, output: Path, port: int, stdout: TextIO, stderr: TextIO) -> int:
    if run_build(content, output, stdout, stderr) != 0:
        return 1
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(output))
    with ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(
            f"serving {output} at http://127.0.0.1:{server.server_port}/ (Ctrl+C stops)",
            file=stdout,
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return 0
