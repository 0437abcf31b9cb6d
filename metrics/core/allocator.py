"""The C allocator tuned for a process that works through millions of rows a few hundred thousand at a time.

Preparing a regional snapshot allocates and frees arrays of a few MB hundreds of times a second. By
default glibc gives such blocks back to the system as soon as they are freed, and the next array
is then faulted in afresh, page by page: on the 2-core machine of benchmarks/run.py, 1.0 to 2.2 s
of the prepare command's time went to the system, most of it that. Told to reuse freed memory (up
to BIG_BLOCKS a block, KEPT_FREE kept at the top of the heap), the same command took 0.85 to 0.95 s
of system time and 5.4 to 5.7 s in all instead of 5.9 to 6.4 s, with a peak 30 to 50 MB higher.

Only the prepare command asks for this: it is a process of its own that ends when it is done. An
app server keeps glibc's own settings, which give memory back between one visitor and the next.
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (glibc's malloc.h)
BIG_BLOCKS = 32 * 1024 * 1024  # blocks up to this size come from the heap and are reused once freed
KEPT_FREE = 64 * 1024 * 1024  # freed memory at the top of the heap kept up to this much, not given back


def reuse_freed_memory() -> bool:
    """Ask the C allocator to reuse freed memory rather than give it back at once; False where it is
    not glibc's (nothing changes)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process already runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    # Each returns 1 when taken. Both at once: setting either alone turns off glibc's own adjustment of
    # the other, and then every large block is mapped afresh (2.4 million page faults instead of 0.3).
    return mallopt(M_MMAP_THRESHOLD, BIG_BLOCKS) == 1 and mallopt(M_TRIM_THRESHOLD, KEPT_FREE) == 1
