"""Torch CPU threads in a process with a GUI thread and worker threads.

PyTorch's Linux wheels use GNU OpenMP. Each thread that runs a parallel op gets a team of its own,
and libgomp lets a team's idle members spin for a moment waiting for the next op unless the
process's OpenMP threads outnumber the cores; then they go to sleep at once and every op pays a
wake-up. A GUI thread that runs its small inference with the default thread count owns such a
team, which pushes the training thread's team over that limit: on 2 cores, training in the GUI
ran about 1.2x slower than in the CLI while using less CPU.

So the GUI thread's own torch work (a digit, a grid of samples) runs on one thread, and each
worker thread sets the default count back before it starts. Call `reserve_cores_for_workers`
once in the GUI thread at start-up and `use_worker_threads` first thing in every worker thread.

A team lasts as long as its thread, so a worker thread must also end with its job: idle pool
threads kept the teams of their earlier jobs, and runs trained 1.6-1.8x slower than the CLI
(gui.workers.Workers, 2026-12-05).

Every thread that trains also treats subnormal floats as zero (`flush_subnormals`). A pixel
that is rarely ink gives its weights rare, tiny gradients, and Adam's running averages of them
decay below float32's smallest normal number (1.2e-38) within an epoch or two. x86 CPUs take a
slow path for every subnormal operand: by the tenth epoch of the 784-400-20 MLP an epoch took
1.86-1.89 s against 1.66-1.74 s with them flushed, the same test loss to 4 decimals; with
random-pixel batches, where 40% of Adam's state went subnormal, the fused Adam update took
2.1 ms a step against 0.25 ms (2026-12-05). The setting is a CPU register of each thread, which
a thread copies from the one that starts it; an OpenMP team's threads are started at the
thread's first parallel op, so it is set first thing in the thread, before any torch work.
"""

from __future__ import annotations

import torch

_worker_threads: int | None = None


def flush_subnormals() -> bool:
    """Treat subnormal floats as zero on the calling thread, and on the threads it starts from
    now on (its OpenMP team among them); returns whether the CPU can (see the module's
    docstring). Call it before the thread's first parallel torch op: the members of a team
    started earlier keep the setting they were started with."""
    return torch.set_flush_denormal(True)


def reserve_cores_for_workers() -> int:
    """Make the calling (GUI) thread single-threaded in torch; returns the count workers get.
    Subnormals are flushed on it too, so that the threads it starts inherit that."""
    global _worker_threads
    flush_subnormals()
    if _worker_threads is None:
        _worker_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    return _worker_threads


def use_worker_threads() -> int:
    """In a worker thread: use the count the GUI thread gave up (torch's default if it didn't),
    with subnormals flushed. A new thread otherwise inherits the GUI thread's single thread."""
    flush_subnormals()
    if _worker_threads is not None:
        torch.set_num_threads(_worker_threads)
    return torch.get_num_threads()


def worker_threads() -> int | None:
    """The count worker threads use, or None before `reserve_cores_for_workers`."""
    return _worker_threads
