"""Writing the site: the rendered files go to the output folder, only where bytes changed.

Everything is rendered in memory before this stage starts, so a corpus or template error
never touches the previous site. The folder is kept between builds: unchanged files are
left alone (cheap to compare, slow to recreate), changed ones are replaced atomically, and
files the previous build wrote that no longer exist are removed. Files the generator did
not write (listed in neither build's manifest) are never deleted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MANIFEST = ".survey-manifest"


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0


def write_site(files: dict[str, bytes], out: Path, kept: set[str] | None = None) -> WriteStats:
    """Write `files`; `kept` are files of the previous build known to be unchanged (not re-rendered)."""
    kept = kept or set()
    stats = WriteStats(unchanged=len(kept))
    out.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(out)
    for relative in sorted(files):
        target = out / relative
        if _same_bytes(target, files[relative]):
            stats.unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace(target, files[relative])
        stats.written += 1
    for relative in sorted(previous - set(files) - kept):
        stale = out / relative
        if stale.is_file():
            stale.unlink()
            stats.removed += 1
            _remove_empty_parents(stale.parent, out)
    _replace(out / MANIFEST, "".join(f"{name}\n" for name in sorted(set(files) | kept)).encode())
    return stats


def output_intact(out: Path) -> bool:
    """Every file the last build wrote is still there (nobody deleted the output)."""
    names = read_manifest(out)
    return bool(names) and all((out / name).is_file() for name in names)


def read_manifest(out: Path) -> set[str]:
    path = out / MANIFEST
    if not path.is_file():
        return set()
    return {line for line in path.read_text(encoding="utf-8").splitlines() if line and ".." not in line}


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _replace(path: Path, data: bytes) -> None:
    """Write beside the target, then rename over it: a reader never sees half a file."""
    temp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _remove_empty_parents(folder: Path, out: Path) -> None:
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
