"""Watching a study: its trials read again from the storage every few seconds, so that trials run
by other processes and machines appear while they run and finish.

A read is a job on `state.workers`, like every storage call of the tab (a remote database may be
slow): the GUI thread only starts it and shows the reply. One read at a time, and only while the
tab is shown; a reply to an earlier watch (another study, or watching stopped) is dropped. The
storage opened by one read is used again by the next (a journal then reads only what was added,
a database keeps its connections); after a failed read it is opened afresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from vae_desktop.core import sweep
from vae_desktop.core.sweep import SweepStudy
from vae_desktop.gui.tabs.sweep.messages import said_call

INTERVAL_MS = 2000


class StudyWatcher(QObject):
    """Reads the watched study every `interval_ms` while `visible()`; hands each reply to
    `on_trials(study, read_at)` and each failure to `on_failed(message)`, on the GUI thread.

    `start_job(name, steps, *args, on_done=, on_error=, on_finished=)` runs a job (the tab's,
    so that its shutdown waits for the read)."""

    def __init__(self, start_job: Callable, visible: Callable[[], bool],
                 on_trials: Callable[[SweepStudy, str], None], on_failed: Callable[[str], None],
                 interval_ms: int = INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._start_job, self._visible = start_job, visible
        self._on_trials, self._on_failed = on_trials, on_failed
        self.watched: tuple[str, str | None] | None = None  # (study, storage URL)
        self._generation = 0  # bumped by every watch() and stop(): older replies are dropped
        self._reading = False
        self._opened: tuple[str | None, object] | None = None  # (URL, storage) to use again
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.read_now)

    def watch(self, study: str, storage: str | None) -> None:
        """Watch this study (replacing any other), reading it at once when the tab is shown."""
        self._generation += 1
        self.watched = (study, storage)
        self.timer.start()
        self.read_now()

    def stop(self) -> None:
        self._generation += 1
        self.watched = None
        self.timer.stop()

    def read_now(self) -> bool:
        """Start a read unless one is under way, nothing is watched or the tab is hidden; whether
        one started."""
        if self.watched is None or self._reading or not self._visible():
            return False
        study, url = self.watched
        generation = self._generation
        opened = self._opened[1] if self._opened is not None and self._opened[0] == url else None
        self._reading = True
        self._start_job(f"watch study {study}", said_call, sweep.watch_trials, url, study,
                        opened, on_done=lambda reply: self._read(generation, url, reply),
                        on_error=lambda message: self._failed(generation, message),
                        on_finished=self._ended)
        return True

    def _read(self, generation: int, url: str | None, reply) -> None:
        storage, study = reply
        self._opened = (url, storage)
        if generation == self._generation:
            self._on_trials(study, time.strftime("%H:%M:%S"))

    def _failed(self, generation: int, message: str) -> None:
        self._opened = None  # a database or journal that failed is opened afresh next time
        if generation == self._generation:
            self._on_failed(message)

    def _ended(self) -> None:
        self._reading = False
