"""The C heap told to keep what torch frees, so the next step reuses it instead of asking the OS
for fresh pages.

torch's CPU tensors come from malloc. With glibc's defaults a freed block at the top of the heap
is given back to the OS once more than a few megabytes lie free there, and each thread other
than the first allocates from an arena of its own, whose heap shrinks the same way. The next
step's tensors then take fresh pages, and the OS zeroes each on its first touch: a page fault
every 4 KiB. The conv model's training step (autograd, 128 images) took 4,000-5,000 of them,
about 18 MB of fresh pages a step, on the process's main thread and on a worker thread alike;
with the settings below, none. The bf16 step went from 25.3-26.0 to 18.1-19.3 ms, fp32 from
37.2-39.2 to 31.7-31.9 ms (2026-12-07, Intel Xeon with AMX, 2 cores, a virtual machine, where a
fault costs most). The MLP's hand-written step keeps its own buffers and took none already.

Called once at a process's start (cli.main, the benches, the test suite's conftest). It changes
only the process's own malloc: glibc's, on Linux; elsewhere it does nothing and says so. The
memory kept is bounded by `KEEP_FREE_BYTES`, and blocks above `LARGEST_FROM_HEAP` (the data
set, say) still come straight from the OS and go back to it when freed.
"""

from __future__ import annotations

import ctypes
import sys

# mallopt's parameters, from glibc's malloc.h.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _M_ARENA_MAX = -1, -3, -8
# Free memory the heap keeps at its top before it gives any back (glibc's default is 128 KiB,
# raised as it goes to twice the largest block it has mapped, at most 64 MiB).
KEEP_FREE_BYTES = 512 << 20
# The largest block served from the heap; glibc refuses a higher threshold on 64-bit systems.
LARGEST_FROM_HEAP = 32 << 20


def keep_freed_memory() -> bool:
    """Keep freed memory in the process's heap, and have every thread share one arena; returns
    whether glibc took the settings (False on other systems and C libraries). Calling it again
    changes nothing. One arena for all threads costs little here: the GUI thread and a worker
    allocate a few hundred blocks a step between them."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)  # the C library the process already runs on
        libc.gnu_get_libc_version  # noqa: B018 - present in glibc only (not musl)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return all([mallopt(_M_TRIM_THRESHOLD, KEEP_FREE_BYTES),
                mallopt(_M_MMAP_THRESHOLD, LARGEST_FROM_HEAP),
                mallopt(_M_ARENA_MAX, 1)])
