"""TrainControl: a training run's JobControl (pause, stop) plus what a person may change while it
goes on: beta, the learning rate, and single steps while paused. Set from any thread; the
trainer (core.training) takes the requests between two batches."""

from __future__ import annotations

import threading

from .jobs import JobControl
from .settings import check


class TrainControl(JobControl):
    """Pause and stop, plus what may change while training: beta, the learning rate and single
    steps while paused. Safe from any thread; the trainer takes the requests between batches."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._changes: dict[str, float] = {}
        self._steps = 0

    def set_beta(self, beta: float) -> None:
        check({"beta": beta})
        with self._lock:
            self._changes["beta"] = float(beta)

    def set_lr(self, lr: float) -> None:
        check({"lr": lr})
        with self._lock:
            self._changes["lr"] = float(lr)

    def request_step(self) -> bool:
        """Train one batch and pause again; only while paused (returns whether asked)."""
        if not self.paused or self.stop_requested:
            return False
        with self._lock:
            self._steps += 1
        self._notify()
        return True

    def take_changes(self) -> dict[str, float]:
        with self._lock:
            changes, self._changes = self._changes, {}
        return changes

    def take_step(self) -> bool:
        with self._lock:
            if self._steps:
                self._steps -= 1
                return True
        return False

    def resume(self) -> None:
        with self._lock:
            self._steps = 0
        super().resume()

    def wait_for_batch(self) -> tuple[bool, bool]:
        """Before a batch: wait out a pause unless a single step is asked for. Returns (waited,
        single step). Sleeps until resumed, stopped or asked for a step (see JobControl)."""
        if not self.paused:
            return False, False
        with self._changed:
            while self.paused and not self.stop_requested:
                if self.take_step():
                    return True, True
                self._changed.wait(self.WAKE_S)
        return True, False
