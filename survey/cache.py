"""The build cache in .survey-cache/: parsed paper files and formatted references by content
hash, and the fingerprint of the last successful build.

Everything cached is keyed by the bytes it came from, so a stale entry is never used: a changed
file has a new hash. A build whose inputs (corpus, templates, static files, the generator's own
code, options) hash to the last build's fingerprint, with its output intact, has nothing to do.
`survey build --no-cache` neither reads nor writes the cache.
"""

from __future__ import annotations

import hashlib
import pickle
import subprocess
from pathlib import Path
from typing import Any

CACHE_DIR = Path(".survey-cache")
FORMAT = 3  # bump when cached objects change shape


def digest(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


class BuildCache:
    def __init__(self, folder: Path | None = CACHE_DIR) -> None:
        self.folder = folder
        self.entries: dict[str, dict[str, Any]] = {"papers": {}, "references": {}, "pages": {}, "build": {}}
        self.used: dict[str, set[str]] = {name: set() for name in self.entries}
        if folder is not None and (folder / "cache.pickle").is_file():
            try:
                stored = pickle.loads(
                    (folder / "cache.pickle").read_bytes()
                )  # our own file, never downloaded
                if stored.get("format") == FORMAT:
                    self.entries = stored["entries"]
            except Exception:  # a damaged cache is rebuilt, never trusted
                pass

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def get(self, kind: str, key: str) -> Any:
        if not self.enabled or key not in self.entries[kind]:
            return None
        self.used[kind].add(key)
        return self.entries[kind][key]

    def put(self, kind: str, key: str, value: Any) -> None:
        if self.enabled:
            self.entries[kind][key] = value
            self.used[kind].add(key)

    def save(self) -> None:
        """Keep only what this build used, so the cache does not grow with old versions."""
        if self.folder is None:
            return
        kept = {
            kind: {k: v for k, v in items.items() if k in self.used[kind]}
            for kind, items in self.entries.items()
        }
        self.folder.mkdir(exist_ok=True)
        (self.folder / ".gitignore").write_text("*\n")
        temp = self.folder / "cache.pickle.tmp"
        temp.write_bytes(pickle.dumps({"format": FORMAT, "entries": kept}, protocol=pickle.HIGHEST_PROTOCOL))
        temp.replace(self.folder / "cache.pickle")


CODE = Path(__file__).resolve().parent  # the generator's own code is an input of every build


def folder_digests(folder: Path) -> list[str]:
    """`relative/path:hash` for every file below `folder` (none when it does not exist)."""
    if not folder.is_dir():
        return []
    return [
        f"{path.relative_to(folder).as_posix()}:{digest(path.read_bytes())}"
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]


def fingerprint(folders: list[Path], options: str) -> str:
    """One hash of every input file's path and bytes, the generator's code, git HEAD and options."""
    parts = [options, _git_head(folders[0])]
    for folder in [*folders, CODE]:
        parts += folder_digests(folder)
    return digest("\n".join(parts).encode())


def _git_head(folder: Path) -> str:
    """Feeds date papers from git history, so the history is an input too."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
