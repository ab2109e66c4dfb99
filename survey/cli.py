"""The command line: `survey build | check | serve`, a thin shell over pipeline.py.

`main(argv, stdout, stderr) -> exit code`, so tests call it directly. Problems in the
corpus are printed one per line as `path:line: error: message`; no traceback reaches the
user for bad input.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from survey import __version__
from survey.cache import BuildCache, Resident
from survey.diagnostics import Report, TemplateFailure
from survey.memory import keep_freed_memory
from survey.pipeline import Project, build, load, one_build_at_a_time
from survey.progress import reporter
from survey.write import WriteStats


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="survey", description="Build the survey companion site.")
    top.add_argument("--version", action="version", version=f"survey {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build_cmd = commands.add_parser("build", help="validate the corpus and write the static site")
    _content_option(build_cmd)
    build_cmd.add_argument(
        "--output", type=Path, default=Path("_site"), help="output folder (default: _site)"
    )
    build_cmd.add_argument("--no-cache", action="store_true", help="ignore and do not update .survey-cache/")
    build_cmd.add_argument(
        "--base-url",
        default=None,
        type=_absolute_url,
        help="public URL of the site, ending in / (overrides site.yaml's base_url)",
    )
    build_cmd.add_argument(
        "--jobs", type=_job_count, default=0, metavar="N",
        help="processes to build with (default: on Linux, one per core for large corpora)",
    )  # fmt: skip

    check_cmd = commands.add_parser("check", help="validate the corpus; write nothing")
    _content_option(check_cmd)
    check_cmd.add_argument(
        "--format", choices=("text", "github"), default="text",
        help="text (path:line: message) or github (Actions annotations on the diff)",
    )  # fmt: skip

    add_cmd = commands.add_parser("add", help="add a paper from its BibTeX or its arXiv id")
    _content_option(add_cmd)
    source = add_cmd.add_mutually_exclusive_group(required=True)
    source.add_argument("--bibtex", metavar="FILE", help="file with one BibTeX entry; - reads standard input")
    source.add_argument("--arxiv", metavar="ID", help="arXiv id, e.g. 2203.02155 (needs network)")
    add_cmd.add_argument(
        "--topic", action="append", default=[], metavar="ID", help="topic id from taxonomy.yaml (repeatable)"
    )
    add_cmd.add_argument("--summary", help="two to five sentences in your own words")

    serve_cmd = commands.add_parser("serve", help="build, then serve the site on localhost")
    _content_option(serve_cmd)
    serve_cmd.add_argument(
        "--output", type=Path, default=Path("_site"), help="output folder (default: _site)"
    )
    serve_cmd.add_argument("--port", type=_port, default=8000, help="port (default: 8000; 0: any free one)")
    return top


def _content_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--content", type=Path, default=Path("content"), help="corpus folder (default: content)"
    )


def _absolute_url(value: str) -> str:
    """--base-url: an absolute http(s) URL, as site.yaml's base_url must be (run_build adds a final /)."""
    if not re.match(r"^https?://[^\s/]+", value) or any(c.isspace() for c in value):
        raise argparse.ArgumentTypeError(
            f"'{value}' is not an absolute http(s) URL, such as https://example.org/atlas/"
        )
    return value


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"'{value}' is not a port number (0 to 65535; 0: any free port)")
    return int(value)


def _job_count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(
            f"'{value}' is not 0 (one process per core) or a number of processes"
        )
    return int(value)


def main(
    argv: list[str] | None = None,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
    stdin: TextIO = sys.stdin,
) -> int:
    args = parser().parse_args(argv)
    if args.command == "add":
        from survey.add_command import run_add

        return run_add(args, stdin, stdout, stderr)
    if args.command == "check":
        return run_check(args.content, args.format, stdout, stderr)
    if args.command in ("build", "serve"):
        keep_freed_memory()
    if args.command == "build":
        return run_build(
            args.content,
            args.output,
            stdout,
            stderr,
            base_url=args.base_url,
            use_cache=not args.no_cache,
            workers=args.jobs,
        )
    from survey.serve import serve  # only the server needs http.server

    return serve(args.content, args.output, args.port, stdout, stderr)


def command() -> None:
    """The `survey` command: main(), then exit at once.

    A build leaves the linked corpus in reference cycles; collecting them when the interpreter
    shuts down took half a second at 10,000 papers, after all the work was done. Output is flushed
    first and nothing of ours runs at exit, so skipping that is safe.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run_check(content: Path, style: str, stdout: TextIO, stderr: TextIO) -> int:
    """Load and validate the corpus, and report; files parsed by the last build (same path, same
    bytes, no diagnostics) are taken from its cache, which is read and never written. No rule
    looks at the same-author and related lists, so they are not made."""
    report = Report()
    corpus = load(content, report, cache=BuildCache.to_read(), neighbours=False)
    _print_report(report, style, stderr if style == "text" else stdout)
    if not report.ok or corpus is None:
        print(f"check failed: {len(report.errors)} error(s)", file=stderr)
        return 1
    print(f"ok: {len(corpus.papers)} papers, {len(corpus.topics)} topics", file=stdout)
    return 0


def run_build(
    content: Path,
    output: Path,
    stdout: TextIO,
    stderr: TextIO,
    base_url: str | None = None,
    use_cache: bool = True,
    workers: int = 0,
    resident: Resident | None = None,
    committed: Callable[[], None] | None = None,
) -> int:
    """Build and report; `committed` runs once the new site is in place (see pipeline.build)."""
    started = time.perf_counter()
    report = Report()
    if base_url is not None and not base_url.endswith("/"):
        base_url += "/"
    told = False

    def tell(stats: WriteStats) -> None:  # as soon as the site is in place, before the cache is saved
        nonlocal told
        told = True
        _print_report(report, "text", stderr)
        seconds = time.perf_counter() - started
        print(
            f"built {output}: {stats.written} written, {stats.unchanged} unchanged, "
            f"{stats.removed} removed in {seconds:.2f}s",
            file=stdout,
            flush=True,
        )
        if committed:
            committed()

    if output.exists() and not output.is_dir():
        report.error(output, 0, "is a file, not a folder; pass --output DIR for the site")
        return _failed(report, output, stderr)

    def waiting() -> None:
        print(f"waiting for another build of {output} to finish", file=stderr, flush=True)

    try:
        with one_build_at_a_time(output, use_cache, waiting):
            stats = build(
                Project.at(content),
                output,
                report,
                base_url=base_url,
                use_cache=use_cache,
                progress=reporter(stderr),
                workers=workers,
                resident=resident,
                committed=tell,
            )
    except TemplateFailure as failure:
        report.error(failure.path, failure.line, f"template error: {failure.message}")
        stats = None
    except OSError as error:  # the output folder cannot be made or written (staged files are discarded)
        report.error(output, 0, f"cannot write the site here: {error.strerror}; pass --output DIR")
        stats = None
    if stats is None:
        return _failed(report, output, stderr)
    if not told:  # nothing to do: the site was already up to date
        tell(stats)
    return 0


def _failed(report: Report, output: Path, stderr: TextIO) -> int:
    _print_report(report, "text", stderr)
    print(f"build failed: {len(report.errors)} error(s); {output} was left as it was", file=stderr)
    return 1


def _print_report(report: Report, style: str, stream: TextIO) -> None:
    for line in report.lines(style):
        print(line, file=stream)
