"""Random edits of a whole project, as maintainers make them, each with its undo.

`RandomEditor(project, seed).edit()` changes one thing (a paper's title, authors, year, venue,
topics, tags, relations, summary or pasted BibTeX; a paper added or deleted; a topic introduction,
the topic tree, a template, the stylesheet, the site settings; a broken file; a file rewritten as
it was) and says what it did. Some edits leave the corpus invalid (a topic left without papers,
a broken file): the build must then fail and leave the site as it was, and `undo()` puts the files
back. Used by tests/test_incremental.py to check that every kind of build equals a cold one.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import yaml

from survey.latex import latex_to_unicode

TAGS = ["rlhf", "benchmark", "dataset", "interpretability", "jailbreak", "reward-model", "theory", "survey"]
VENUES = ["NeurIPS 2023", "ICML 2024", "ACL 2023", "TMLR 2024", "Nature 2024", ""]
NEW_NAMES = ["Ada Lovelace", "Kurt Gödel", "Émilie du Châtelet", "Alan M. Turing"]
# where a comment in a template shows in its output: the first of these it holds, else its end
TEMPLATE_MARKERS = [
    "</main>", "{% endblock %}", "{% endmacro %}", "</header>", "</footer>", "</urlset>", "</feed>"
]  # fmt: skip
WORDS = ["robust", "scalable", "honest", "reward", "oversight", "latent", "probing", "aligned"]


class RandomEditor:
    def __init__(self, project: Path, seed: int) -> None:
        self.project = project
        self.random = random.Random(seed)
        self.papers = project / "content/papers"
        self.added = 0
        self.saved: dict[Path, bytes | None] = {}  # what the last edit changed, as it was before
        taxonomy = (project / "content/taxonomy.yaml").read_text()
        self.leaves = [topic["id"] for topic in _leaves(yaml.safe_load(taxonomy)["topics"])]
        self.survey = yaml.safe_load((project / "content/site.yaml").read_text())["survey"]

    def edit(self) -> str:
        """Make one random edit; what it did, in a few words."""
        self.saved = {}
        kinds: list[Callable[[], str]] = [
            *[self._paper_field] * 8,
            self._bibtex,
            self._add_paper,
            self._delete_paper,
            self._introduction,
            self._topic_title,
            self._template,
            self._stylesheet,
            self._site,
            self._broken_file,
            self._same_bytes,
        ]
        return self.random.choice(kinds)()

    def undo(self) -> None:
        """Put back every file the last edit changed."""
        for path, before in self.saved.items():
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(before)

    def _write(self, path: Path, text: str | None) -> None:
        if path not in self.saved:
            self.saved[path] = path.read_bytes() if path.exists() else None
        if text is None:
            path.unlink()
        else:
            path.write_text(text)

    def _paper_files(self) -> list[Path]:
        return sorted(self.papers.glob("*.yaml"))

    def _paper_field(self) -> str:
        path = self.random.choice(self._paper_files())
        data = yaml.safe_load(path.read_text())
        field = self.random.choice(
            ["title", "summary", "authors", "year", "venue", "topics", "tags", "relations", "added"]
        )
        keys = [other.stem for other in self._paper_files() if other != path]
        change = {
            "title": lambda: f"{self.random.choice(WORDS).title()} {data.get('title') or _bib_title(data)}",
            "summary": lambda: self._summary(data.get("summary", ""), keys),
            "authors": lambda: self._authors(data.get("authors") or [self.random.choice(NEW_NAMES)]),
            "year": lambda: self.random.randint(2015, 2025),
            "venue": lambda: self.random.choice(VENUES),
            "topics": lambda: self.random.sample(self.leaves, k=self.random.randint(1, 2)),
            "tags": lambda: self.random.sample(TAGS, k=self.random.randint(0, 3)),
            "relations": lambda: {"builds_on": self.random.sample(keys, k=self.random.randint(1, 2))},
            "added": lambda: (date(2026, 1, 1) + timedelta(days=self.random.randint(0, 300))).isoformat(),
        }[field]()
        if (field == "venue" and not change) or (field == "relations" and self.random.random() < 0.3):
            data.pop(field, None)
        else:
            data[field] = change
        self._write(path, _dump(data))
        return f"{field} of {path.stem}"

    def _bibtex(self) -> str:
        """A paper's pasted BibTeX changed: its title, type, authors or arXiv id."""
        pasted = [path for path in self._paper_files() if "bibtex:" in path.read_text()]
        path = self.random.choice(pasted)
        data = yaml.safe_load(path.read_text())
        entry, change = data["bibtex"], self.random.choice(["title", "type", "author", "eprint"])
        if change == "title":
            entry = entry.replace("title = {", f"title = {{{self.random.choice(WORDS).title()} ", 1)
        elif change == "type":
            entry = re.sub(r"^@\w+\{", "@article{", entry).replace("booktitle =", "journal =")
        elif change == "author":
            entry = entry.replace("author = {", 'author = {G{\\"o}del, Kurt and ', 1)
        else:
            entry = re.sub(r"\n  (eprint|archivePrefix) = \{[^}]*\},?", "", entry)
        data["bibtex"] = entry
        self._write(path, _dump(data))
        return f"bibtex {change} of {path.stem}"

    def _summary(self, summary: str, keys: list[str]) -> str:
        if self.random.random() < 0.5:
            link = f"[this work](paper:{self.random.choice(keys)})"
            return f"{summary.rstrip()}\n\nIt also compares with {link}.\n"
        return f"{summary.rstrip()} A {self.random.choice(WORDS)} sentence. And another one.\n"

    def _authors(self, authors: list[str]) -> list[str]:
        pool = [name for path in self._paper_files()[:40] for name in _authors_of(path)]
        changed = list(authors)
        if len(changed) > 1 and self.random.random() < 0.4:
            changed.pop(self.random.randrange(len(changed)))
        else:
            changed.insert(self.random.randrange(len(changed) + 1), self.random.choice(pool + NEW_NAMES))
        return list(dict.fromkeys(changed))

    def _add_paper(self) -> str:
        source = yaml.safe_load(self.random.choice(self._paper_files()).read_text())
        self.added += 1
        key = f"fuzz{self.added}-{self.random.randrange(10**6)}"
        data = {
            "title": f"A {self.random.choice(WORDS)} study number {key}",
            "authors": self._authors(_authors_of_data(source) or ["Ada Lovelace"]),
            "year": self.random.randint(2015, 2025),
            "topics": source["topics"],
            "tags": source.get("tags", []),
            "summary": source["summary"],
            "added": "2026-11-01",
        }
        self._write(self.papers / f"{key}.yaml", _dump(data))
        return f"paper {key} added"

    def _delete_paper(self) -> str:
        """A paper deleted, with the relations and links other papers had to it."""
        candidates = [path for path in self._paper_files() if path.stem != self.survey]
        path = self.random.choice(candidates)
        self._write(path, None)
        link = re.compile(r"\[([^\]]*)\]\(paper:" + re.escape(path.stem) + r"\)")
        for other in self._paper_files():
            data = yaml.safe_load(other.read_text())
            relations = data.get("relations", {})
            pointing = any(path.stem in keys for keys in relations.values())
            if pointing or f"paper:{path.stem})" in data.get("summary", ""):
                for kind in list(relations):
                    relations[kind] = [key for key in relations[kind] if key != path.stem]
                    if not relations[kind]:
                        del relations[kind]
                if not relations:
                    data.pop("relations", None)
                data["summary"] = link.sub(r"\1", data["summary"])
                self._write(other, _dump(data))
        return f"paper {path.stem} deleted"

    def _introduction(self) -> str:
        introductions = sorted((self.project / "content/topics").glob("*.md"))
        path = self._append_to_one(introductions, "\nA {} remark, added later.\n")
        return f"introduction of {path.stem}"

    def _append_to_one(self, files: list[Path], line: str) -> Path:
        """One of `files`, with `line` (a random word in its braces) added at its end."""
        path = self.random.choice(files)
        self._write(path, path.read_text() + line.format(self.random.choice(WORDS)))
        return path

    def _topic_title(self) -> str:
        path = self.project / "content/taxonomy.yaml"
        lines = path.read_text().splitlines(keepends=True)
        titles = [number for number, line in enumerate(lines) if line.lstrip().startswith("title: ")]
        number = self.random.choice(titles)
        lines[number] = lines[number].rstrip("\n") + f" ({self.random.choice(WORDS)})\n"
        self._write(path, "".join(lines))
        return "a topic's title"

    def _template(self) -> str:
        """A comment in any template, where it reaches what the template makes: pages made with
        it, or with a template that uses it, must show it."""
        path = self.random.choice(sorted(p for p in (self.project / "templates").rglob("*") if p.is_file()))
        text, comment = path.read_text(), f"<!-- {self.random.choice(WORDS)} -->"
        for marker in TEMPLATE_MARKERS:
            places = [found.start() for found in re.finditer(re.escape(marker), text)]
            if places:
                at = self.random.choice(places)
                self._write(path, text[:at] + comment + text[at:])
                break
        else:
            self._write(path, text + comment + "\n")
        return f"the template {path.relative_to(self.project / 'templates')}"

    def _stylesheet(self) -> str:
        path = self._append_to_one(sorted((self.project / "static").rglob("*.css")), "\n/* {} */\n")
        return f"stylesheet {path.name}"

    def _site(self) -> str:
        path = self.project / "content/site.yaml"
        data = yaml.safe_load(path.read_text())
        data["description"] = f"{data['description']} ({self.random.choice(WORDS)})"
        self._write(path, _dump(data))
        return "the site's description"

    def _broken_file(self) -> str:
        path = self.random.choice(self._paper_files())
        self._write(path, path.read_text().replace("topics:", "topics: [", 1))
        return f"{path.stem} broken"

    def _same_bytes(self) -> str:
        path = self.random.choice(self._paper_files())
        self._write(path, path.read_text())
        return f"{path.stem} written again as it was"


def _leaves(topics: list[dict]) -> list[dict]:
    found = []
    for topic in topics:
        found += _leaves(topic["children"]) if topic.get("children") else [topic]
    return found


def _authors_of(path: Path) -> list[str]:
    return _authors_of_data(yaml.safe_load(path.read_text()))


def _authors_of_data(data: dict) -> list[str]:
    """The YAML's authors, or those of its pasted BibTeX ('Family, Given' as written there)."""
    if data.get("authors"):
        return list(data["authors"])
    found = re.search(r"author = \{(.*)\},\n", data.get("bibtex", ""))
    return [latex_to_unicode(name.strip()) for name in found.group(1).split(" and ")] if found else []


def _bib_title(data: dict) -> str:
    found = re.search(r"title = \{(.*)\},\n", data.get("bibtex", ""))
    return latex_to_unicode(found.group(1)) if found else "Untitled"


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
