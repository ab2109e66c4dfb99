"""Paper files: content/papers/<key>.yaml -> Paper, merging a pasted BibTeX entry.

Checks the shape of each file (schema.py) and what is needed to build a Paper at all
(title, authors, year), then validate.py's rules on the paper's own fields. Rules across papers
(duplicates, unknown topics, dangling relations) run later, in validate.py, on the linked corpus.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from survey.cache import BuildCache
from survey.cite import bibtex_entry, csl_item
from survey.diagnostics import Diagnostic, Report
from survey.exports import compact_json, paper_data
from survey.latex import latex_to_unicode
from survey.markup import Reference, render_markdown
from survey.model import RELATION_KINDS, Paper
from survey.parallel import Tick, share, split_work, ticking, worker_count
from survey.read import BibEntry, LineDict, flat_lines, item_line, not_ours, read_bibtex, read_yaml
from survey.schema import check_shape
from survey.search import card, own_terms
from survey.validate import check_own_fields

KEY_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ET_AL = "others"
BIB_VENUE_FIELDS = ("booktitle", "journal", "publisher", "institution", "howpublished")


@dataclass
class LoadedPaper:
    paper: Paper
    references: list[tuple[Reference, int]]  # internal links in the summary, with their line


@dataclass
class PaperFiles:
    """What load_papers read: each paper, and the keys of the paper files that could not be read.

    Each of those is reported at its own file; validate.py does not report again, in other files,
    every link to it (one broken file made an error in each file relating to it, with a wrong
    "did you mean").
    """

    loaded: list[LoadedPaper]
    unreadable: frozenset[str] = frozenset()


def load_papers(
    content_dir: Path, report: Report, cache: BuildCache | None = None, workers: int = 1
) -> PaperFiles:
    """Every paper file, parsed; files parsed before (same path, same bytes) come from the cache.

    New or changed files are parsed on every core when there are many (a cold build).
    """
    folder = content_dir / "papers"
    if not folder.is_dir():
        report.error(folder, 0, "no papers folder; create it and add one YAML file per paper")
        return PaperFiles([])
    cache = cache or BuildCache(None)
    where = f"{Path.cwd()}|{folder}"  # cached papers are keyed by where they were read and their bytes
    loaded: dict[str, LoadedPaper | None] = {}
    to_parse: list[tuple[Path, str]] = []
    for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
        if not_ours(entry.name):
            continue
        suffix = os.path.splitext(entry.name)[1]
        if suffix == ".yml" or (entry.is_file() and suffix not in (".yaml", ".md")):
            report.error(Path(entry.path), 0, "not a paper file; paper files end in .yaml")
        elif entry.is_dir():  # its files would be left out unsaid
            report.error(
                Path(entry.path), 0, "a folder among the papers; put paper files in content/papers/ itself"
            )
        if suffix != ".yaml" or not entry.is_file():
            continue
        source = cache.files.of(entry.path) if cache.enabled else ""
        stored = cache.get("papers", f"{where}|{entry.name}|{source}") if cache.enabled else None
        if stored is None:
            loaded[entry.name] = None  # keeps the file's place in order until it is parsed
            to_parse.append((Path(entry.path), source))
        else:  # from the cache file, or kept by this process from its last build (survey serve's builder)
            loaded[entry.name] = stored
    parts = split_work(
        lambda index, count, tick: _parse_share(share(to_parse, index, count), report.root, tick),
        worker_count(workers, len(to_parse)),
        "reading papers",
        len(to_parse),
    )
    for part in parts:
        for path, source, item, diagnostics in part:
            report.diagnostics.extend(diagnostics)
            loaded[path.name] = item
            if item is None:
                continue
            # the same few keys in every paper: one copy of each (the cache then stores one too)
            item.paper.lines = {sys.intern(key): line for key, line in item.paper.lines.items()}
            if cache.enabled and not diagnostics:
                cache.put("papers", f"{where}|{path.name}|{source}", item)
    return PaperFiles(
        [paper for paper in loaded.values() if paper is not None],
        frozenset(name.removesuffix(".yaml") for name, paper in loaded.items() if paper is None),
    )


def _parse_share(
    files: list[tuple[Path, str]], root: Path, tick: Tick
) -> list[tuple[Path, str, LoadedPaper | None, list[Diagnostic]]]:
    """Parse these files: (path, content hash, paper or None, the diagnostics it raised)."""
    parsed = []
    for path, source in ticking(files, tick):
        report = Report(root)
        loaded = _load_paper(path, report)
        if loaded is not None:
            loaded.paper.source_digest = source
        parsed.append((path, source, loaded, report.diagnostics))
    return parsed


def _load_paper(path: Path, report: Report) -> LoadedPaper | None:
    key = path.stem
    if not KEY_PATTERN.match(key):
        report.error(
            path, 0, f"file name '{key}' is not a valid key; use lowercase letters, digits and hyphens"
        )
        return None
    data = read_yaml(path, report)
    if data is None:
        return None
    if not isinstance(data, LineDict):
        report.error(path, 1, "a paper file must be a mapping of fields (title:, authors:, ...)")
        return None
    if not check_shape(data, "paper", path, report):
        return None
    fields, lines = _merge_bibtex(data, path, report)
    if fields is None:
        return None
    return _build(key, path, fields, lines, report)


def _merge_bibtex(data: LineDict, path: Path, report: Report) -> tuple[dict | None, dict]:
    """The paper's fields, with what the YAML lacks taken from its `bibtex` entry."""
    fields, lines = dict(data), flat_lines(data)
    lines[""] = data.line
    if "bibtex" not in data:
        return fields, lines
    entry = read_bibtex(data["bibtex"], path, data.line_of("bibtex") + 1, report)
    if entry is None:
        return None, lines
    for name, (value, line) in _fields_from_bibtex(entry, path, report).items():
        if name not in fields:
            fields[name], lines[name] = value, line
    fields["bib_type"] = entry.entry_type
    return fields, lines


def _fields_from_bibtex(entry: BibEntry, path: Path, report: Report) -> dict[str, tuple]:
    raw, at = entry.fields, entry.field_lines
    found: dict[str, tuple] = {}
    if "title" in raw:
        found["title"] = (latex_to_unicode(raw["title"]), at["title"])
    if "author" in raw:
        names = [latex_to_unicode(n) for n in re.split(r"\s+and\s+", raw["author"].strip())]
        found["authors"] = (names, at["author"])
    if "year" in raw:
        year = raw["year"].strip()
        if year.isdigit():
            found["year"] = (int(year), at["year"])
        else:  # reported here, at its line: the paper is not built, but its year is not "missing"
            report.error(path, at["year"], f"year '{year}' in the BibTeX is not a number")
            found["year"] = (None, at["year"])
    for name in BIB_VENUE_FIELDS:
        if name in raw:
            found["venue"] = (latex_to_unicode(raw[name]), at[name])
            break
    for name in ("doi", "url"):
        if name in raw:
            found[name] = (raw[name].strip(), at[name])
    if raw.get("archiveprefix", "").lower() == "arxiv" and "eprint" in raw:
        found["arxiv"] = (raw["eprint"].strip(), at["eprint"])
    return found


def _build(key: str, path: Path, fields: dict, lines: dict, report: Report) -> LoadedPaper | None:
    missing = [name for name in ("title", "authors", "year") if name not in fields]
    if "title" in fields and not fields["title"].strip():
        report.error(path, lines.get("title", lines[""]), "title is blank")
        return None
    for name in missing:
        report.error(path, lines[""], f"missing {name}; add a '{name}:' field (or paste the paper's BibTeX)")
    # a missing author list is reported above; only one that is there is read
    authors, et_al = (
        _authors(fields["authors"], path, lines, report) if "authors" in fields else (None, False)
    )
    if missing or authors is None or fields["year"] is None:
        return None
    summary = fields["summary"]
    rendered = render_markdown(summary)
    summary_line = lines["summary"] + (1 if "\n" in summary.rstrip("\n") or summary.endswith("\n") else 0)
    relations = fields.get("relations", {})
    paper = Paper(
        key=key,
        file=str(path),
        lines=lines,
        title=" ".join(fields["title"].split()),
        author_names=authors,
        et_al=et_al,
        year=fields["year"],
        venue=" ".join(fields.get("venue", "").split()),
        arxiv=fields.get("arxiv", "").strip(),
        doi=fields.get("doi", "").strip(),
        url=fields.get("url", "").strip(),
        pdf=fields.get("pdf", "").strip(),
        code=fields.get("code", "").strip(),
        topic_ids=list(fields["topics"]),
        tags=list(fields.get("tags", [])),
        summary_md=summary,
        summary_html=rendered.html,
        relation_keys={kind: list(relations[kind]) for kind in RELATION_KINDS if relations.get(kind)},
        added=date.fromisoformat(fields["added"]) if "added" in fields else None,
        verified=fields.get("verified", ""),
        bib_type=fields.get("bib_type", ""),
    )
    # made here, per file, so the cache keeps them with the parsed paper
    paper.bibtex, paper.csl_json = bibtex_entry(paper), compact_json(csl_item(paper)).encode()
    paper.data_json = compact_json(paper_data(paper)).encode()
    paper.search_terms, paper.search_card = own_terms(paper), compact_json(card(paper)).encode()
    check_own_fields(paper, report)
    references = [(ref, summary_line + ref.line_offset) for ref in rendered.references]
    return LoadedPaper(paper, references)


def _authors(
    names: list[str], path: Path, lines: dict[str, int], report: Report
) -> tuple[list[str] | None, bool]:
    """Authors as "Given Family", and whether the list ends in 'others'. Errors are reported at the
    line of the name at fault."""
    line_of = functools.partial(item_line, lines, "authors")
    et_al = bool(names) and names[-1].strip().lower() == ET_AL
    names = names[:-1] if et_al else names
    misplaced = [index for index, name in enumerate(names) if name.strip().lower() == ET_AL]
    if misplaced:
        report.error(path, line_of(misplaced[0]), "'others' may only be the last author")
        return None, et_al
    if not names:
        report.error(path, line_of(0), "authors must name at least one person")
        return None, et_al
    normalised = [normalise_name(name) for name in names]
    blank = [index for index, name in enumerate(normalised) if not any(c.isalnum() for c in name)]
    if blank:
        report.error(path, line_of(blank[0]), "an author name is blank; write each author as 'Given Family'")
        return None, et_al
    # BibTeX reads "Given Family", "Family, Given" or "Family, Jr, Given": pybtex refuses a name
    # with more commas, which stopped the build with a traceback while formatting references
    unreadable = [index for index, name in enumerate(normalised) if name.count(",") > 2]
    if unreadable:
        report.error(
            path,
            line_of(unreadable[0]),
            f"author name '{names[unreadable[0]]}' has too many commas for BibTeX; write each author as "
            "'Given Family' or 'Family, Given'",
        )
        return None, et_al
    return normalised, et_al


def normalise_name(name: str) -> str:
    """'Family, Given' -> 'Given Family'; spaces folded."""
    name = " ".join(name.split())
    if "," in name:
        family, _, given = name.partition(",")
        name = f"{given.strip()} {family.strip()}".strip()
    return name
