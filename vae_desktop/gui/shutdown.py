"""Closing the app with work in flight, so that closing always ends the app cleanly.

Every job is asked at once to end as soon as it can (a sweep within a batch), and each tab is
told that the app is closing. If work is still running, the window hides and a small "Stopping…"
note shows while the app waits, at most SHUTDOWN_BUDGET_S in all. Then each tab wraps up what
ended (training's model is listed in the library); a tab whose work is still in one long step
(a batch of tens of thousands of images can take minutes on a CPU) records what cannot finish
(the Sweep tab marks the trial under way as failed) and the work is left to end with the
process: see vae_desktop.gui.workers.

A tab takes part through three optional methods: `shutdown(timeout_s) -> bool` stops its work
and waits up to `timeout_s` for it (True when it has ended; called twice, the second time to
wrap up), `abandon()`, called when its work is left running, and `abandoned_note() -> str |
None`, what that work leaves in files, in words for the line on stderr that says it was left.
"""

from __future__ import annotations

import html
import sys
import time
import traceback
from collections.abc import Mapping

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from vae_desktop.gui.workers import Workers

SHUTDOWN_BUDGET_S = 5.0
POLL_S = 0.03


class StoppingNote(QLabel):
    """A small frameless note where the window was, while the app waits for its work."""

    def __init__(self, over: QWidget, jobs: list[str]) -> None:
        super().__init__(f"<b>Closing VAE Desktop…</b><br>Stopping: "
                         f"{html.escape(', '.join(jobs))}", None,
                         Qt.SplashScreen | Qt.FramelessWindowHint)
        self.setWordWrap(True)
        self.setMaximumWidth(480)
        self.setAttribute(Qt.WA_QuitOnClose, False)  # it must not keep the app running
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.setStyleSheet("QLabel { padding: 14px 22px; border: 1px solid palette(mid); "
                           "background: palette(window); font-size: 11pt; }")
        self.adjustSize()
        centre = over.frameGeometry().center()
        self.move(centre.x() - self.width() // 2, centre.y() - self.height() // 2)


def _call(tab: QWidget, title: str, method: str, *args) -> bool:
    fn = getattr(tab, method, None)
    if not callable(fn):
        return True
    try:
        return fn(*args) is not False
    except Exception:  # noqa: BLE001 - one tab must not keep the others (or the app) running
        print(f"vae-desktop: the {title} tab failed while closing:", file=sys.stderr)
        traceback.print_exc()
        return True


def _abandoned_note(tab: QWidget) -> str | None:
    """What the tab's work leaves in files when it ends with the app in one long step (its
    optional `abandoned_note()`), or None."""
    note = getattr(tab, "abandoned_note", None)
    try:
        return note() if callable(note) else None
    except Exception:  # noqa: BLE001 - the line is said all the same, and the app quits
        return None


def close_down(window: QWidget, tabs: Mapping[str, QWidget], workers: Workers,
               budget_s: float | None = None) -> list[str]:
    """Stop every job and wait for them, at most `budget_s` (SHUTDOWN_BUDGET_S as it is when
    called); returns the titles of the tabs whose work was left running (empty when everything
    ended)."""
    deadline = time.monotonic() + (SHUTDOWN_BUDGET_S if budget_s is None else budget_s)
    workers.close()
    for title, tab in tabs.items():
        _call(tab, title, "shutdown", 0.0)  # stop, without waiting yet
    note = None
    if workers.running():
        note = StoppingNote(window, [job.name for job in workers.running()])
        window.hide()
        note.show()
        # The jobs' last events reach the tabs (which know the app is closing), and the note
        # is painted; input is left for after.
        while workers.running() and time.monotonic() < deadline:
            QApplication.processEvents(QEventLoop.ExcludeUserInputEvents, int(POLL_S * 1000))
            time.sleep(POLL_S)
    left = []
    for title, tab in tabs.items():
        if not _call(tab, title, "shutdown", max(0.0, deadline - time.monotonic())):
            left.append(title)
            kept = _abandoned_note(tab)
            print(f"vae-desktop: closing while the {title} tab's work is still in one long step; "
                  f"it ends with the app{': ' + kept if kept else ''}", file=sys.stderr)
            _call(tab, title, "abandon")
    if note is not None:
        note.close()
    return left
