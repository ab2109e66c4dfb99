"""The `survey add` conversation: gather the source, topics and summary, then write the file."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TextIO

from survey.add import AddError, Fetch, NewPaper, from_arxiv, from_bibtex, write_paper
from survey.diagnostics import Report, did_you_mean
from survey.taxonomy import load_taxonomy, walk


def run_add(
    args: argparse.Namespace,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    fetch: Fetch | None = None,
    today: date | None = None,
) -> int:
    try:
        paper = _read_source(args, stdin, fetch)
        paper.topics = _topics(args.topic, args.content, stdin, stdout)
        paper.summary = args.summary or _ask(
            stdin, stdout, "Summary (two to five sentences, your own words): "
        )
        path = write_paper(paper, args.content, today or date.today())
    except AddError as error:
        print(f"survey add: {error}", file=stderr)
        return 1
    print(f"wrote {path}; check its fields against the paper's record, then run survey check", file=stdout)
    return 0


def _read_source(args: argparse.Namespace, stdin: TextIO, fetch: Fetch | None) -> NewPaper:
    if args.arxiv:
        return from_arxiv(args.arxiv, fetch)
    if args.bibtex == "-":
        return from_bibtex(stdin.read())
    path = Path(args.bibtex)
    if not path.is_file():
        raise AddError(f"no such file: {path}")
    return from_bibtex(path.read_text(encoding="utf-8"))


def _topics(given: list[str], content: Path, stdin: TextIO, stdout: TextIO) -> list[str]:
    roots, _ = load_taxonomy(content, Report())
    known = [t.id for t in walk(roots)]
    if not given:
        listing = ", ".join(known)
        answer = _ask(stdin, stdout, f"Topics ({listing}), separated by spaces: ")
        given = answer.split()
    for topic in given:
        if topic not in known:
            raise AddError(f"unknown topic '{topic}'{did_you_mean(topic, set(known))}")
    return given


def _ask(stdin: TextIO, stdout: TextIO, prompt: str) -> str:
    if not stdin.isatty():
        name = "--topic ID" if prompt.startswith("Topics") else "--summary TEXT"
        raise AddError(f"not on a terminal, so nothing can be asked: pass {name}")
    print(prompt, end="", file=stdout, flush=True)
    answer = stdin.readline().strip()
    if not answer:
        raise AddError("no answer given")
    return answer
