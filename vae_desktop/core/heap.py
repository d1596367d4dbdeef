"""The C heap told to keep what torch frees, so the next step reuses it instead of asking the OS
for fresh pages.

torch's CPU tensors come from malloc. With glibc's defaults a freed block at the top of the heap
is given back to the OS once more than a few megabytes lie free there, and each thread other
than the first allocates from an arena of its own, whose heap shrinks the same way. The next
step's tensors then take fresh pages, and the OS zeroes each on its first touch: a page fault
every 4 KiB. Measured 2026-12-07 (Intel Xeon with AMX, 2 cores, a virtual machine):
- the conv model's autograd step alone, in a fresh process: 4,000-5,000 faults a step (about
  18 MB of fresh pages) on the main thread or a worker thread, none with these settings; its
  bf16 step 25.3-26.0 against 18.1-19.3 ms;
- `vae-desktop train --arch conv --precision bf16`, whose data and model already shape the
  heap, much less: two epochs took 287,000-362,000 faults against 175,000-179,000 (most of them
  now the start's: torch's import, the data), the kernel's time 0.94-1.28 against 0.63-0.80 s,
  and the run 0.96x the time (five pairs, 0.93-1.04x; another four pairs 1.00x), the same
  losses and peak memory;
- the MLP's hand-written step keeps its buffers and took no faults before either.
On a worker thread the thresholds alone left 1,200-2,500 faults a step: the thread's own arena
still gave memory back. Earlier stops set the thresholds through GLIBC_TUNABLES, which glibc
reads only as a process starts, so each command would have had to start itself again; mallopt
sets them from inside.

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
