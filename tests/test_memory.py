"""How a build asks malloc for memory (survey/memory.py): kept for reuse in one process, handed
back while several work at once."""

from __future__ import annotations

import subprocess
import sys

import pytest

FREE_40_MB = """
import os
from survey import memory

def resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

def kept_after_freeing() -> int:
    # MB still resident after 40 MB from malloc's heap were used (every page) and freed
    before = resident()
    blocks = [b""] * 400  # the list first, below the blocks on the heap: they end at its top
    for index in range(400):
        blocks[index] = b"x" * 100_000
    del blocks
    return (resident() - before) // 2**20

memory.keep_freed_memory()
kept = kept_after_freeing()
with memory.little_kept_free():
    several = kept_after_freeing()
again = kept_after_freeing()
print(kept, several, again)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc settings")
def test_freed_memory_is_kept_except_while_several_processes_work() -> None:
    result = subprocess.run([sys.executable, "-c", FREE_40_MB], capture_output=True, text=True, check=True)
    kept, several, again = map(int, result.stdout.split())
    assert kept > 30  # MB: a build keeps what it freed, for its next pages
    assert several < 10  # while workers run, each process hands it back
    assert again > 30  # and keeps it again afterwards
