"""Reading input files: one reader per kind (YAML, Markdown, BibTeX), no validation.

Every mapping read from YAML remembers the line of each of its keys, so later stages can
point at `file:line`. Readers report unreadable files (bad encoding, bad syntax) and return
None; they never raise for bad input.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bibtexparser
import yaml
from bibtexparser.middlewares import RemoveEnclosingMiddleware, ResolveStringReferencesMiddleware

from survey.diagnostics import Report

# bibtexparser logs parse failures itself; we report them as diagnostics instead.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A YAML mapping that knows the (1-based) line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A YAML sequence that knows the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class AliasRefused(yaml.YAMLError):
    """An alias (`*name`) in a corpus file. A few lines of aliases can stand for a value of a
    billion items (each alias doubling or tenfolding the last), which every later reader of the
    value (the schema check, line numbers, JSON) would walk: the file is refused instead, before
    anything walks it. The corpus format never needs one."""


class LineLoader(BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML loader that builds LineDict/LineList instead of dict/list.

    Dates stay text ("2026-11-26"): the schema checks their format, and plain data
    keeps the corpus JSON-compatible.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML reads this class attribute
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in BaseLoader.yaml_implicit_resolvers.items()
    }


class DuplicateKey(yaml.MarkedYAMLError):
    """A key given twice in one mapping, which YAML would read as the last one, losing the first
    without a word (a field pasted twice, one of them stale)."""


def _refuse_duplicate_keys(node: yaml.MappingNode) -> None:
    first_lines: dict[str, int] = {}
    for key_node, _ in node.value:  # the mapping's own keys: one may override a merged-in (<<) key
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = key_node.value
        if key in first_lines:
            problem = f"'{key}' is given twice (first at line {first_lines[key]}); keep one"
            raise DuplicateKey(problem=problem, problem_mark=key_node.start_mark)
        first_lines[key] = key_node.start_mark.line + 1


def _met_before(loader: LineLoader, node: yaml.Node) -> bool:
    """Whether the node was read already, or is being read: then it is an alias (the composer
    hands back the node an alias names)."""
    return node in loader.constructed_objects or node in loader.recursive_objects


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> LineDict:
    _refuse_duplicate_keys(node)
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        if _met_before(loader, key_node) or _met_before(loader, value_node):
            raise AliasRefused
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList()
    for child in node.value:
        if _met_before(loader, child):
            raise AliasRefused
        result.append(loader.construct_object(child, deep=True))
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def flat_lines(node: Any, prefix: str = "") -> dict[str, int]:
    """Lines of every key and item below `node`, by dotted path: {'topics.0': 12, ...}."""
    found: dict[str, int] = {}
    if isinstance(node, LineDict):
        for key, value in node.items():
            found[prefix + key] = node.line_of(key)
            found.update(flat_lines(value, f"{prefix}{key}."))
    elif isinstance(node, LineList):
        for index, value in enumerate(node):
            found[f"{prefix}{index}"] = node.line_of(index)
            found.update(flat_lines(value, f"{prefix}{index}."))
    return found


def item_line(lines: dict[str, int], field: str, index: int) -> int:
    """The line of item `index` of a list field in `lines` (flat_lines): its own when the YAML lists
    it, else the field's (a BibTeX author field is one line), else the file's ("")."""
    return lines.get(f"{field}.{index}", lines.get(field, lines.get("", 1)))


def not_ours(name: str) -> bool:
    """A file that editors and file managers leave beside ours: hidden ones (vim's `.x.yaml.swp`,
    emacs's `.#x.yaml`, macOS's `.DS_Store`; the build cache too), backups (`x.yaml~`) and
    autosaves (`#x.yaml#`). No input: not read as a paper or an introduction (as "not a paper file"
    they failed every build while a paper was open in an editor), not hashed, not copied from
    static/, not heard by `survey serve`'s watcher."""
    return name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#"))


def below_not_ours(relative: str | Path) -> bool:
    """Whether a path, relative to an input folder, is or lies in a file or folder not ours."""
    return any(not_ours(part) for part in Path(relative).parts)


def read_text(path: Path, report: Report) -> str | None:
    """The file as UTF-8 text, or None (reported) when it is not valid UTF-8."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.error(
            path,
            line,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8",
        )
        return None
    return text.removeprefix("\ufeff")


def read_yaml(path: Path, report: Report) -> Any:
    """Parse a YAML file into LineDict/LineList values, or None (reported) when unreadable."""
    text = read_text(path, report)
    if text is None:
        return None
    try:
        data = yaml.load(text, Loader=LineLoader)
        if data is None:  # nothing but blanks and comments: never meant as "no settings"
            report.error(path, 1, "the file is empty; see docs/corpus.md for what it holds")
        return data
    except DuplicateKey as exc:
        report.error(path, exc.problem_mark.line + 1, exc.problem)
    except AliasRefused:
        events = yaml.parse(text, Loader=BaseLoader)  # parsed again, only to find the alias's line
        alias = next(event for event in events if isinstance(event, yaml.AliasEvent))
        message = f"the alias *{alias.anchor} is not read in corpus files; write the value out in full"
        report.error(path, alias.start_mark.line + 1, message)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        report.error(path, line, f"invalid YAML: {problem}{context}; check indentation and quoting")
    except yaml.YAMLError as exc:
        report.error(path, 0, f"invalid YAML: {exc}")
    return None


@dataclass
class BibEntry:
    """One parsed BibTeX entry: raw (still LaTeX) field values, lower-case field names."""

    entry_type: str
    key: str
    fields: dict[str, str]
    field_lines: dict[str, int]  # line within the BibTeX text, 1-based


def read_bibtex(text: str, path: Path, first_line: int, report: Report) -> BibEntry | None:
    """Parse a pasted BibTeX entry; `first_line` is the file line of the BibTeX's line 1."""
    # @string macros the text defines are put in; enclosing braces and quotes are taken off only
    # after each value has been looked at (_macros_left)
    library = bibtexparser.parse_string(text, parse_stack=[ResolveStringReferencesMiddleware(True)])
    for block in library.failed_blocks:
        report.error(path, first_line + block.start_line, f"invalid BibTeX: {_failure(block)}")
    if library.failed_blocks:
        return None
    if len(library.entries) != 1:
        report.error(
            path,
            first_line,
            f"the BibTeX must hold exactly one entry (one paper), found {len(library.entries)}",
        )
        return None
    if _macros_left(library.entries[0], path, first_line, report):
        return None
    entry = RemoveEnclosingMiddleware(True).transform(library).entries[0]
    fields = {f.key.lower(): str(f.value) for f in entry.fields}
    lines = {f.key.lower(): first_line + f.start_line for f in entry.fields}
    return BibEntry(entry.entry_type.lower(), entry.key, fields, lines)


MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}


def _macros_left(entry: bibtexparser.model.Entry, path: Path, first_line: int, report: Report) -> bool:
    """Report each value that is neither braced, quoted nor a number: a macro the text does not
    define (`booktitle = nips`, copied from a file that defines it) or one joined with `#`. Both
    were read as they stand, and `nips # " 37"` became the venue."""
    left = False
    for field in entry.fields:
        value = str(field.value).strip()
        if (
            value[:1] in ("{", '"')
            or value.isdigit()
            or (field.key.lower() == "month" and value.lower() in MONTHS)
        ):
            continue
        left = True
        report.error(
            path,
            first_line + field.start_line,
            f"{field.key} = {value}: a BibTeX macro, which is not read here; write the value out in braces, "
            f"e.g. {field.key} = {{...}}",
        )
    return left


def _failure(block: bibtexparser.model.ParsingFailedBlock) -> str:
    duplicates = getattr(block, "duplicate_keys", None)
    if duplicates:
        return f"field {', '.join(sorted(duplicates))} given twice; keep one"
    return "the entry is not closed; check its braces, commas and quotes"
