"""Run one function off the GUI thread and get its result back as a signal.

`BackgroundCall(fn)` is a QThread whose `run` calls `fn()`; `done(result)` or `failed(message)`
is emitted from the worker thread and, because the QThread object itself lives in the GUI thread,
reaches GUI slots queued, on the GUI thread. Keep a reference until `finished`.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PySide6.QtCore import QThread, Signal

from vae_desktop.core.threads import use_worker_threads


class BackgroundCall(QThread):
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Callable[[], object], parent=None) -> None:
        super().__init__(parent)
        self._fn = fn

    def run(self) -> None:
        use_worker_threads()
        try:
            result = self._fn()
        except Exception as exc:  # noqa: BLE001 - any failure is reported to the GUI, not lost
            traceback.print_exc()
            self.failed.emit(str(exc) or type(exc).__name__)
            return
        self.done.emit(result)
