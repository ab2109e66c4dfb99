"""The build cache in .survey-cache/: what a build can reuse from the last one.

`state.pickle` is small and read first: the fingerprint of the last build and the content hash
of every input file with the size and modification time it had when hashed (so an unchanged file
is not read again, as git's index does). `cache.pickle` is large and read only when something has
to be built: parsed paper files, formatted references, linking results, page signatures and
fragments of markup. A build that changes a few of its entries appends what it put and dropped to
`cache.journal` rather than writing the large file again (a one-paper edit at 10,000 papers wrote
80 MB, half a second); the journal is read after it and folded into it once it grows past a
quarter of its size. Files of their own hold what is stored whole: `search.pickle` (the search
postings) and `rendered.pickle` (what the last build rendered its site from).

Everything cached is keyed by the bytes it came from, so a stale entry is never used: a changed
file has a new hash; entries made by other code, or with other libraries (`environment`), are
dropped. A build whose inputs (corpus, templates, static files, the generator's own code, the
libraries, options) hash to the last build's fingerprint, with its output in place, has nothing to do.
`survey build --no-cache` neither reads nor writes the cache.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey.parallel import freeze_new_objects
from survey.read import not_ours

CACHE_DIR = Path(".survey-cache")
FORMAT = 10  # bump when cached objects change shape
KINDS = ("papers", "references", "pages", "links", "fragments")
RACY_NS = 2_000_000_000  # see FileHashes
JOURNAL_SHARE = 4  # cache.journal is folded into cache.pickle when it would pass a quarter of its size
CODE = Path(__file__).resolve().parent  # the generator's own code is an input of every build


def digest(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


class FileHashes:
    """Content hashes of files, recomputed only for files whose size or modification time changed.

    A file's time only has the file system's clock's resolution (a few milliseconds on Linux), so a
    file rewritten with the same size within that time keeps its stamp (git calls this "racy"). A
    file hashed less than RACY_NS after it changed is therefore read again by the next build.
    """

    def __init__(self, known: dict[str, tuple[int, int, str]] | None = None) -> None:
        self.known = known or {}
        self.seen: dict[str, tuple[int, int, str]] = {}

    def of(self, path: Path | str) -> str:
        """The file's content hash; asked again in the same build, the hash it had when first asked
        (the build's fingerprint and its papers are then of the same bytes)."""
        name = os.fspath(path)
        seen = self.seen.get(name)
        if seen is not None:
            return seen[2]
        info = os.stat(name)
        stamp = self.known.get(name)
        if stamp is None or stamp[:2] != (info.st_size, info.st_mtime_ns):
            with open(name, "rb") as source:
                stamp = (info.st_size, info.st_mtime_ns, digest(source.read()))
            if time.time_ns() - info.st_mtime_ns < RACY_NS:  # a stamp no file has: read it next time
                stamp = (info.st_size, -1, stamp[2])
        self.seen[name] = stamp
        return stamp[2]


@dataclass
class Resident:
    """What a long-running builder (`survey serve`) keeps in memory from one build to the next.

    Reading `cache.pickle` back, with every parsed paper in it, took over a second of a one-paper
    edit at 10,000 papers. The entries are used only while `cache.pickle` and `cache.journal` are
    the very files this process last wrote or read (same sizes and modification times); like every
    entry, a parsed paper is found only under the cache key of its file (path and bytes).
    """

    entries: dict[str, dict[str, Any]] | None = None  # as saved in cache.pickle
    written: Any = None  # size and modification time of cache.pickle and cache.journal when saved
    origin: tuple[str, int] | None = None  # BuildCache.origin of those entries
    # search.KeptIndex: the search postings of the last build (checked against the papers, not the file)
    search: Any = None
    # model.Corpus: the last build's linked corpus, when it passed validation (link.relink)
    corpus: Any = None


class BuildCache:
    def __init__(self, folder: Path | None = CACHE_DIR, resident: Resident | None = None) -> None:
        self.folder = folder
        self.resident = resident if folder is not None else None
        self.entries: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
        self.used: dict[str, set[str]] = {kind: set() for kind in KINDS}
        self.changed: dict[str, set[str]] = {kind: set() for kind in KINDS}  # put with a new value
        self.origin: tuple[str, int] | None = None  # (cache.pickle's token, intact journal length)
        self.fingerprint = ""
        self.output: dict[str, Any] = {}  # what the last build left in its output folder
        self.to_store: dict[str, Any] = {}  # see store()
        self._entries_read = False
        state = self._read("state.pickle")
        if state:
            self.fingerprint, self.output = state.get("fingerprint", ""), state.get("output", {})
        self.files = FileHashes(state.get("files") if state else None)

    @classmethod
    def to_read(cls) -> BuildCache:
        """The cache the last build left, for a command that only reads (`survey check`): it is
        never saved, and without a cache there it reads nothing (no file is hashed for it)."""
        return cls(CACHE_DIR if (CACHE_DIR / "state.pickle").is_file() else None)

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def get(self, kind: str, key: str) -> Any:
        if not self.enabled:
            return None
        self._read_entries()
        if key not in self.entries[kind]:
            return None
        self.used[kind].add(key)
        return self.entries[kind][key]

    def put(self, kind: str, key: str, value: Any) -> None:
        if self.enabled:
            self._read_entries()
            entries = self.entries[kind]
            if key not in entries or (entries[key] is not value and entries[key] != value):
                self.changed[kind].add(key)
            entries[key] = value
            self.used[kind].add(key)

    def keep(self, kind: str, keys: list[str]) -> None:
        """Keep these stored entries for the next build, as if each had been looked up."""
        if self.enabled:
            self.used[kind].update(keys)

    def known(self, kind: str) -> dict[str, Any]:
        """Every stored entry of a kind, for workers that look many up (marks none as used)."""
        if not self.enabled:
            return {}
        self._read_entries()
        return self.entries[kind]

    def stored(self, name: str) -> Any:
        """What a build stored under `name` (a file of its own, e.g. the search postings), if this
        code stored it. Like every entry, it is a start to check, never trusted as it is."""
        if not self.enabled:
            return None
        stored = self._read(f"{name}.pickle")
        return stored["value"] if stored and stored["code"] == self._code else None

    def store(self, name: str, value: Any) -> None:
        """Write `value` under `name` when the cache is saved."""
        if self.enabled:
            self.to_store[name] = value

    def templates_folder(self) -> Path | None:
        """Where Jinja keeps compiled templates (None without the cache)."""
        if self.folder is None:
            return None
        folder = self.folder / "templates"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def save(self, fingerprint: str, output: dict[str, Any]) -> None:
        """Keep only what this build used, so the cache does not grow with old versions."""
        if self.folder is None:
            return
        self.folder.mkdir(exist_ok=True)
        (self.folder / ".gitignore").write_text("*\n")
        appended = self._entries_read and self._append_changes()
        if self._entries_read and (not appended or self.resident):
            entries = {kind: self._used_entries(kind) for kind in KINDS}  # 0.04 s at 10,000 papers
            if not appended:
                self._write_entries(entries)
            if self.resident:
                self.resident.entries = entries
                self.resident.written = self._stamps()
                self.resident.origin = self.origin
        for name, value in self.to_store.items():
            self._write(f"{name}.pickle", {"code": self._code, "value": value})
        state = {"fingerprint": fingerprint, "files": self.files.seen, "output": output}
        self._write("state.pickle", state)

    def _used_entries(self, kind: str) -> dict[str, Any]:
        return {key: value for key, value in self.entries[kind].items() if key in self.used[kind]}

    def _append_changes(self) -> bool:
        """Append to cache.journal what this build put and dropped; False when cache.pickle is to
        be written whole instead (there is none yet, or the journal would outgrow its share)."""
        if self.origin is None:
            return False
        token, end = self.origin
        entries, used = self.entries, self.used
        record = {
            "format": FORMAT,
            "base": token,
            "put": {kind: {key: entries[kind][key] for key in self.changed[kind]} for kind in KINDS},
            "drop": {kind: [key for key in entries[kind] if key not in used[kind]] for kind in KINDS},
        }
        if not any(record["put"].values()) and not any(record["drop"].values()):
            return True
        data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        base = _size_and_time(self.folder / "cache.pickle")[0]
        if (end + len(data)) * JOURNAL_SHARE > base:
            return False
        with open(self.folder / "cache.journal", "ab") as journal:
            journal.truncate(end)  # a record torn by an interrupted build goes
            journal.write(data)
        self.origin = (token, end + len(data))
        return True

    def _write_entries(self, entries: dict[str, dict[str, Any]]) -> None:
        """cache.pickle written whole, under a new token, and the journal of the old one removed."""
        token = os.urandom(8).hex()
        self._write("cache.pickle", {"code": self._code, "token": token, "entries": entries})
        (self.folder / "cache.journal").unlink(missing_ok=True)  # its records name the old token
        self.origin = (token, 0)

    def _read_entries(self) -> None:
        """Load the large file and its journal; entries made by other code than this are dropped
        (they may differ)."""
        if not self._entries_read:
            self._entries_read = True
            if self._resident_entries_current():
                assert self.resident and self.resident.entries is not None
                # copies: what this build adds must not outlive it unless it is saved
                self.entries = _copies(self.resident.entries)
                self.origin = self.resident.origin
                return
            assert self.folder is not None
            written = self._stamps()  # before reading: a later write shows
            stored = self._read("cache.pickle")
            if stored and stored["code"] == self._code:
                self.entries = stored["entries"]
                self.origin = (stored["token"], self._replay_journal(stored["token"]))
                if self.resident:  # what the files hold, for this process's next build
                    self.resident.entries = _copies(self.entries)
                    self.resident.written = written
                    self.resident.origin = self.origin

    def _replay_journal(self, token: str) -> int:
        """Apply cache.journal's records to the entries, in order; the length of its intact part."""
        assert self.folder is not None
        try:
            journal = open(self.folder / "cache.journal", "rb")  # noqa: SIM115 (closed below)
        except OSError:
            return 0
        end = 0
        with journal, _collector_paused():
            while True:
                try:
                    record = pickle.load(journal)  # our own file, never downloaded
                except Exception:  # its end, or a record torn by an interrupted build (cut off next time)
                    return end
                if not _record_of(record, token):
                    return end
                for kind, found in record["put"].items():
                    self.entries[kind].update(found)
                for kind, keys in record["drop"].items():
                    for key in keys:
                        self.entries[kind].pop(key, None)
                end = journal.tell()

    def _resident_entries_current(self) -> bool:
        resident, folder = self.resident, self.folder
        if resident is None or resident.entries is None or folder is None:
            return False
        return self._stamps() == resident.written

    def _stamps(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """Size and modification time of cache.pickle and of its journal: a write by anyone shows."""
        assert self.folder is not None
        return _size_and_time(self.folder / "cache.pickle"), _size_and_time(self.folder / "cache.journal")

    @functools.cached_property
    def _code(self) -> str:
        """The generator's own code and the libraries it runs on, hashed once per build (the cache
        is read and saved with it)."""
        return digest("\n".join([environment(), *folder_digests(CODE, self.files)]).encode())

    def _read(self, name: str) -> Any:
        path = self.folder / name if self.folder else None
        if path is None or not path.is_file():
            return None
        try:
            # read as it is unpickled: the whole file is never in memory
            with open(path, "rb") as file, _collector_paused():
                stored = pickle.load(file)  # our own file, never downloaded
            return stored["data"] if stored["format"] == FORMAT else None
        except Exception:  # a damaged cache, or one from another version, is rebuilt, never trusted
            return None

    def _write(self, name: str, data: Any) -> None:
        assert self.folder is not None
        temp = self.folder / f"{name}.tmp"
        with open(temp, "wb") as file:  # written as it is pickled, never held whole in memory
            pickle.dump({"format": FORMAT, "data": data}, file, protocol=pickle.HIGHEST_PROTOCOL)
        temp.replace(self.folder / name)


def _record_of(record: Any, token: str) -> bool:
    """Whether a journal record was appended by this code to the cache file with this token."""
    return isinstance(record, dict) and record.get("format") == FORMAT and record.get("base") == token


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Unpickling the cache makes millions of objects and no garbage: collections in between only
    walked them again (0.1 s of reading 10,000 papers), and so would the first one after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        freeze_new_objects()
        if enabled:
            gc.enable()


def _copies(entries: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """New dicts of the same entries: what one side adds is not seen by the other."""
    return {kind: dict(found) for kind, found in entries.items()}


def _size_and_time(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)
    return (info.st_size, info.st_mtime_ns)


def folder_digests(folder: Path, files: FileHashes | None = None, skip: Path | None = None) -> list[str]:
    """`relative/path:hash` for every file below `folder` (none when it does not exist), but those
    that are not ours (read.not_ours: hidden, such as the cache, and editors' backups) and the
    folder `skip` (the site, when it is built inside the content folder: hashed as an input, it
    changed with every build)."""
    files = files or FileHashes()
    root = os.fspath(folder)
    skipped = os.path.realpath(skip) if skip else None

    def followed(here: str, name: str) -> bool:
        if name == "__pycache__" or not_ours(name):
            return False
        return os.path.realpath(os.path.join(here, name)) != skipped

    found = []
    for here, folders, names in os.walk(root):
        folders[:] = [name for name in folders if followed(here, name)]
        relative = os.path.relpath(here, root)
        for name in names:
            if not not_ours(name):
                found.append((name if relative == "." else f"{relative}/{name}", os.path.join(here, name)))
    return [f"{relative}:{files.of(path)}" for relative, path in sorted(found)]


@functools.cache
def environment() -> str:
    """Python's version and every installed distribution's name and version (the names of the
    .dist-info folders where Python imports from): Markdown, pybtex, Jinja and the others shape
    what is cached, so upgrading one drops the cache. Read without importing any of them.

    Python's first entry, the folder of the script it was started with (`.venv/bin` for `survey`)
    or the working folder (`python -m survey`), is where it was started from, not where libraries
    are installed: at a project's root it holds `survey.egg-info` (pip's editable install), and
    switching between `survey build` and `python -m survey build` there dropped the whole cache.
    """
    found = [sys.version]
    for entry in sys.path if sys.flags.safe_path else sys.path[1:]:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # not a folder (a zip of the standard library), or gone
            continue
        found += sorted(name for name in names if name.endswith((".dist-info", ".egg-info")))
    return "\n".join(found)


def fingerprint(
    folders: list[Path], options: str, files: FileHashes | None = None, output: Path | None = None
) -> str:
    """One hash of every input file's path and bytes (the `output` folder left out, wherever it
    is), the generator's code, the libraries it runs on, git HEAD and options."""
    parts = [options, environment(), _git_head(folders[0])]
    for folder in [*folders, CODE]:
        parts += folder_digests(folder, files, output)
    return digest("\n".join(parts).encode())


def _git_head(folder: Path) -> str:
    """Feeds date papers from git history, so the history is an input too."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
