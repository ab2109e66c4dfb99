"""Problems found in the corpus, as values with a location, and the report that collects them.

Deep code never prints or exits: every stage returns or appends `Diagnostic`s, and the CLI
formats the `Report` once, as `path:line: error: message`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int  # 0 when no line applies
    message: str
    severity: str = "error"

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"

    def github(self) -> str:
        line = f",line={self.line}" if self.line else ""
        return f"::{self.severity} file={self.path}{line}::{self.message}"


@dataclass
class Report:
    """Collects diagnostics from every stage; sorted by file and line when printed."""

    root: Path = field(default_factory=Path.cwd)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, path: Path | str, line: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.display(path), line, message))

    def warning(self, path: Path | str, line: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.display(path), line, message, "warning"))

    def display(self, path: Path | str) -> str:
        """Show paths relative to the working directory when they are below it."""
        path = Path(path)
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self, style: str = "text") -> list[str]:
        ordered = sorted(set(self.diagnostics))
        if style == "github":
            return [d.github() for d in ordered]
        return [d.format() for d in ordered]


def did_you_mean(word: str, choices: list[str] | set[str]) -> str:
    """A ' (did you mean ...?)' suffix, or '' when nothing is close."""
    close = get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


class TemplateFailure(Exception):
    """A template could not be loaded or rendered; carries a `path:line` location."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(message)
        self.path, self.line, self.message = path, line, message
