"""Pause and stop flags for long work, checked between two steps (superqt's worker pattern).

A job is a generator: it yields plain-Python events and checks its `JobControl` between steps.
The GUI runs such generators in worker threads (vae_desktop.gui.workers); the CLI runs them in
its own thread and sets `stop` from a Ctrl+C handler. The flags are threading.Events, so any
thread may set them without waiting for the job.
"""

from __future__ import annotations

import threading


class JobControl:
    # A paused job sleeps on `_changed` until a resume, a stop or (TrainControl) a single step
    # notifies it; polling every 20 ms woke its thread 50 times a second while paused. The wait
    # also ends every WAKE_S, so that a flag set without a notification is still seen.
    WAKE_S = 1.0

    def __init__(self) -> None:
        self._pause = threading.Event()
        self._stop = threading.Event()
        self._changed = threading.Condition()

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def pause(self) -> None:
        self._pause.set()

    def resume(self) -> None:
        self._pause.clear()
        self._notify()

    def stop(self) -> None:
        self._stop.set()
        self._pause.clear()
        self._notify()

    def abort(self) -> None:
        """Stop as soon as the job can (the app is closing). A job with a coarser `stop` (a
        sweep's ends after the epoch) has a finer one here; by default the two are one."""
        self.stop()

    @property
    def paused(self) -> bool:
        return self._pause.is_set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def wait_while_paused(self) -> bool:
        """Block while paused; returns True if the pause was waited out (False: not paused)."""
        if not self._pause.is_set():
            return False
        with self._changed:
            while self._pause.is_set() and not self._stop.is_set():
                self._changed.wait(self.WAKE_S)
        return True

    def checkpoint(self) -> bool:
        """Between two steps: wait out a pause, then say whether to stop."""
        self.wait_while_paused()
        return self._stop.is_set()


def run_to_end(steps, on_event=None):
    """Drain a job's generator in this thread, passing each event to `on_event`, and return its
    return value (the CLI's way, and the way a test runs a job without a worker thread)."""
    while True:
        try:
            event = next(steps)
        except StopIteration as end:
            return end.value
        if on_event is not None:
            on_event(event)


def mapped(steps, change):
    """`yield from steps` with each event passed through `change`: yields change(event), and
    returns what `steps` returns."""
    while True:
        try:
            event = next(steps)
        except StopIteration as end:
            return end.value
        yield change(event)
