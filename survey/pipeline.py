"""The whole pipeline: load (read -> model -> link -> validate) and build (render -> write).

`survey check` is `load` plus the report; `survey build` is `load`, then `build` only when
the report has no errors.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from survey.cache import CACHE_DIR, BuildCache, Resident, fingerprint
from survey.diagnostics import Report
from survey.parallel import frozen_heap
from survey.progress import Progress, no_progress
from survey.write import (
    WriteStats,
    commit,
    discard,
    first_build_folder,
    folder_times,
    output_intact,
    read_manifest,
)

if TYPE_CHECKING:
    from survey.model import Corpus

# The stages themselves (and Jinja, Markdown, pybtex, jsonschema) are imported where they are
# first needed: a rebuild with nothing to do then starts in a tenth of the time.


@dataclass
class Project:
    """Where the inputs live: the corpus, and the templates and static files that shape it."""

    content: Path
    templates: Path
    static: Path

    @classmethod
    def at(cls, content: Path, root: Path | None = None) -> Project:
        root = root or default_root()
        return cls(content, root / "templates", root / "static")


def default_root() -> Path:
    """The folder holding templates/ and static/: the current one, else the package's checkout."""
    cwd = Path.cwd()
    if (cwd / "templates").is_dir():
        return cwd
    return Path(__file__).resolve().parent.parent


def load(
    content_dir: Path,
    report: Report,
    base_url: str | None = None,
    cache: BuildCache | None = None,
    workers: int = 0,
    neighbours: bool = True,
) -> Corpus | None:
    """Read, model, link and validate the corpus; None when it cannot be built. Without
    `neighbours`, papers get no same-author and related lists (link.link): for checking only."""
    from survey.config import load_config
    from survey.link import link, relink
    from survey.papers import load_papers
    from survey.taxonomy import load_taxonomy
    from survey.validate import validate

    if not content_dir.is_dir():
        report.error(content_dir, 0, "no such content folder; pass --content DIR")
        return None
    config = load_config(content_dir, report)
    if config is not None and base_url is not None:
        config = replace(config, base_url=base_url)
    roots, intro_refs = load_taxonomy(content_dir, report)
    files = load_papers(content_dir, report, cache, workers)
    if config is None or not roots:
        return None
    loaded = files.loaded
    papers = [item.paper for item in loaded]
    resident = cache.resident if cache else None
    last = resident.corpus if resident and report.ok else None  # survey serve's builder's last corpus
    with frozen_heap():  # the parsed papers live as long as the corpus
        swapped = relink(last, config, roots, papers, cache) if last else None
        if last and swapped is not None:  # checked again: the swapped papers, and the corpus-wide rules
            corpus, checked, intro_refs = last, {id(paper) for paper in swapped}, []
            loaded = [item for item in loaded if id(item.paper) in checked]
        else:
            corpus = link(config, content_dir, roots, papers, cache, workers, neighbours, files.unreadable)
        summary_refs = [(item.paper, ref, line) for item in loaded for ref, line in item.references]
        validate(corpus, summary_refs, intro_refs, report, swapped)
    if resident:  # only a corpus that passed every rule, and linked whole, is a base for the next edit
        resident.corpus = corpus if report.ok and neighbours else None
    return corpus


def build(
    project: Project,
    out: Path,
    report: Report,
    base_url: str | None = None,
    use_cache: bool = True,
    progress: Progress = no_progress,
    workers: int = 0,
    resident: Resident | None = None,
    committed: Callable[[WriteStats], None] | None = None,
) -> WriteStats | None:
    """Load, render and stage everything, and only then commit; None (reported) on errors.

    `resident` is what a long-running builder keeps between builds (cache.Resident); `committed`
    hears of the new site as soon as it is in place, before the cache is saved.
    """
    # A long-running builder's heap (millions of objects) is left out of collections throughout:
    # a full collection started by reading the small state file took 0.4 s at 10,000 papers.
    with frozen_heap():
        return _build(project, out, report, base_url, use_cache, progress, workers, resident, committed)


def _build(
    project: Project,
    out: Path,
    report: Report,
    base_url: str | None,
    use_cache: bool,
    progress: Progress,
    workers: int,
    resident: Resident | None,
    committed: Callable[[WriteStats], None] | None,
) -> WriteStats | None:
    cache = BuildCache(CACHE_DIR if use_cache else None, resident)
    inputs = [project.content, project.templates, project.static]
    # where the corpus is read from, and from where, are options too: pages link to their files
    options = f"{base_url}|{out.resolve()}|{project.content.resolve()}|{Path.cwd()}"
    stamp = fingerprint(inputs, options, cache.files, out) if use_cache else ""
    last = cache.output
    if use_cache and cache.fingerprint == stamp and output_intact(out, last.get("folders", {})):
        return WriteStats(unchanged=last["files"])
    from survey.render import Output, render_site

    with frozen_heap():
        corpus = load(project.content, report, base_url, cache, workers)
        if corpus is None or not report.ok:
            return None
        with frozen_heap():  # the loaded corpus lives to the end of the build
            first = first_build_folder(out)
            output = Output(first or out, str(out.resolve()))
            if use_cache:
                output.existing = read_manifest(out)
                same_folder = last.get("key") == output.key  # the last build may have gone elsewhere
                output.intact = same_folder and output_intact(out, last.get("folders", {}))
            if not first and not output.intact:  # a killed build's staged files would stay for good
                discard(out)
            templates, static = project.templates, project.static
            results = render_site(corpus, templates, static, output, cache, workers, progress)
            names = {name for result in results for name in result.names}
            kept = sum(result.kept for result in results)
            stats = commit(out, [result.staged for result in results], names, kept, first)
            if committed:
                committed(stats)
    if use_cache:  # without it, nothing is saved: the folders' times (0.1 s at 10,000 papers) are not taken
        before = last.get("folders") if output.intact else None  # checked at the start
        folders = folder_times(out, names, before, stats.touched, names == output.existing)
        cache.save(stamp, {"key": output.key, "folders": folders, "files": len(names)})
    return stats


@contextmanager
def one_build_at_a_time(out: Path, use_cache: bool, waiting: Callable[[], None]) -> Iterator[None]:
    """Hold a lock on the output folder, and on the cache when the build uses it, until the block
    ends; while another build holds one, call `waiting` and wait for it.

    Two builds at once (`survey build` while `survey serve` rebuilds) removed each other's staged
    files: the second failed with "No such file or directory" and left a staged file in the site.
    The locks are files in the system's temporary folder, named by a hash of what they lock, so
    the project gets no new file; where one cannot be opened (another user's), the build goes on
    without it. Forked workers share the lock and end before it is let go.
    """
    keys = [os.path.realpath(out)] + ([os.path.realpath(CACHE_DIR)] if use_cache else [])
    held = [fd for fd in (_lock(key, waiting) for key in sorted(keys)) if fd is not None]
    try:
        yield
    finally:
        for fd in held:
            os.close(fd)  # lets the lock go


def _lock(key: str, waiting: Callable[[], None]) -> int | None:
    try:
        import fcntl
    except ImportError:  # not on a Unix
        return None
    name = f"survey-{hashlib.sha256(key.encode()).hexdigest()[:16]}.lock"
    try:
        fd = os.open(os.path.join(tempfile.gettempdir(), name), os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        waiting()
        fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def warm_up(content_dir: Path, resident: Resident) -> None:
    """Read into `resident` what the next build would have to read back, the cache with every paper
    in it, and link the corpus, so that the next edit swaps the edited papers in.

    survey serve's builder does this while it waits, when its first build had nothing to do.
    """
    from survey.render import render_site  # noqa: F401  (imported now, not at the first edit)

    load(content_dir, Report(), cache=BuildCache(CACHE_DIR, resident))
