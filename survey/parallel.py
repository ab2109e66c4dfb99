"""Spreading a stage over processes: `split_work` runs one function on every core, each on its share.

Processes are forked, so each worker starts with what the parent holds in memory (shared,
copy-on-write) and nothing has to be pickled on the way in; only each worker's result comes back.
With one worker (small corpora, `--jobs 1`, other systems than Linux unless asked) the function
runs in this process, so there is exactly one code path to get right.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from survey.memory import little_kept_free
from survey.progress import Progress, no_progress

T = TypeVar("T")
Tick = Callable[[int], None]  # a worker reports how many more items it has finished
MIN_ITEMS_PER_WORKER = 400  # below this, starting processes costs more than it saves

_freezes = 0  # how many frozen_heap blocks are open in this process
_shared: dict[str, object] = {}  # what forked workers read: set in the parent just before forking


def available_workers() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def worker_count(requested: int, items: int) -> int:
    """How many processes to use for `items` pieces of work; `requested` 0 means automatic.

    Automatic means every core on Linux, and one process elsewhere: macOS offers fork, but some of
    its system libraries are not safe in a forked child, so there it has to be asked for (--jobs).
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if requested > 0:
        return requested
    if not sys.platform.startswith("linux"):
        return 1
    return max(1, min(available_workers(), items // MIN_ITEMS_PER_WORKER))


def split_work(
    work: Callable[[int, int, Tick], T],
    workers: int,
    stage: str = "",
    total: int = 0,
    progress: Progress = no_progress,
) -> list[T]:
    """[work(0, n, tick), ..., work(n-1, n, tick)]: share i of n each. Errors propagate.

    This process takes share 0 itself and forks a process for each other share: one process fewer
    holding its own copy of what it touches than if this one only waited.
    """
    counter = multiprocessing.Value("l", 0)  # items done, by every process

    def tick(done: int) -> None:
        with counter.get_lock():
            counter.value += done
        progress(stage, min(counter.value, total), total)

    if workers <= 1:
        return [work(0, 1, tick)]
    _shared["work"], _shared["counter"], _shared["parent"] = work, counter, os.getpid()
    _shared["next"] = multiprocessing.Value("l", 0)  # the next item for `next_free` to hand out
    # the collector would otherwise touch every inherited object, copying the pages they share
    with frozen_heap(), little_kept_free(), tempfile.TemporaryDirectory(prefix="survey-") as folder:
        _shared["folder"] = folder
        try:
            fork = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers - 1, mp_context=fork, initializer=_die_with_parent) as pool:
                futures = [pool.submit(_run_share, index, workers) for index in range(1, workers)]
                mine = work(0, workers, tick)
                written = [future.result() for future in futures]
        finally:
            _shared.clear()
        # read once the workers have ended: their copies of the parent's pages are freed by then
        results = [mine, *(_read_result(path) for path in written)]
    progress(stage, total, total)
    return results


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _die_with_parent() -> None:
    """Have the kernel kill this worker when the build that forked it dies.

    A build killed outright (SIGKILL: a CI job's time limit, the out-of-memory killer) cannot stop
    its workers, which went on rendering their share, for minutes on a large corpus, into a folder
    no build would commit. Not on Linux (no prctl), workers run as before.
    """
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != _shared["parent"]:  # the build died before prctl could take effect
        os._exit(1)


def _read_result(path: str) -> object:
    with open(path, "rb") as file:
        return pickle.load(file)  # written by our own worker, just now


def _run_share(index: int, count: int) -> str:
    """Run share `index` in a worker; its result goes to a file, whose path is returned.

    Sent back through the pool's pipe, a result (a worker's rendered fragments: 20 MB) was held
    three times at once, pickled in the worker, received in the parent, and unpickled there, while
    the worker still held its own copy: the peak of a first build at 10,000 papers.
    """
    work, counter, folder = _shared["work"], _shared["counter"], _shared["folder"]

    def tick(done: int) -> None:
        with counter.get_lock():  # type: ignore[attr-defined]
            counter.value += done  # type: ignore[attr-defined]

    result = work(index, count, tick)  # type: ignore[operator]
    path = os.path.join(folder, f"share-{index}.pickle")  # type: ignore[arg-type]
    with open(path, "wb") as file:  # pickled as it is written, never whole in memory
        pickle.dump(result, file, protocol=pickle.HIGHEST_PROTOCOL)
    return path


# Collections during a build: the youngest every 5,000 new objects rather than Python's 700, the
# older ones as rarely. A build's new objects (a linked corpus, pages) live to its end: with the
# defaults, 365 young and 30 older collections walked them at a one-paper edit of 10,000 papers,
# 0.1 s in all, against 0.04 s in 59 and 2.
BUILD_THRESHOLDS = (5000, 20, 20)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave every object alive now out of garbage collection until the outermost such block ends.

    A build keeps its corpus (millions of objects) to the end, and each full collection walked all
    of it again: 1.4 s of a 5 s rebuild at 10,000 papers, 0.5 s now. Frozen objects are not
    collected until the block ends, when they are handed back to the collector. Nested blocks freeze
    what was made since (the parsed papers, the linked corpus, all before a fork) and leave the
    thawing to the outermost one.
    """
    global _freezes
    outermost = _freezes == 0  # gc.get_freeze_count() would walk every frozen object to count them
    thresholds = gc.get_threshold()
    if outermost:
        gc.set_threshold(*BUILD_THRESHOLDS)
    _freezes += 1
    gc.freeze()
    try:
        yield
    finally:
        _freezes -= 1
        if outermost:
            gc.unfreeze()
            gc.set_threshold(*thresholds)


def freeze_new_objects() -> None:
    """Inside a frozen_heap block, freeze what was made since, as a nested block would; outside
    one, nothing (what is frozen there would never be collected).

    For objects made with the collector paused (a cache just unpickled): the first collection
    after it resumes would walk them all (0.08 s of a one-paper edit at 10,000 papers).
    """
    if _freezes:
        gc.freeze()


def ticking(items: list[T], tick: Tick, every: int = 100) -> Iterator[T]:
    """The items, reporting progress to `tick` after each `every` of them."""
    for number, item in enumerate(items, 1):
        yield item
        if number % every == 0:
            tick(every)


def next_free(items: list[T]) -> Iterator[T]:
    """The items, each to whichever process of the running `split_work` asks first.

    For work whose items differ a lot in cost (a page listing every paper, a page listing three):
    with the longest items first, every process stays busy until the end, where fixed shares can
    leave one process waiting while another finishes its long items. Outside `split_work`, or with
    one process, this process gets every item.
    """
    handed = _shared.get("next")
    if handed is None:
        yield from items
        return
    while True:
        with handed.get_lock():  # type: ignore[attr-defined]
            index = handed.value  # type: ignore[attr-defined]
            handed.value = index + 1  # type: ignore[attr-defined]
        if index >= len(items):
            return
        yield items[index]


def share(items: list[T], index: int, count: int) -> list[T]:
    """Worker `index`'s items out of `count` workers: every count-th, so heavy and light mix evenly."""
    return items[index::count]
