"""ProgressBar: a QProgressBar that moves in the window's next paint, never in a paint of its own.

QProgressBar.setValue repaints the bar at once (QWidget.repaint) whenever its text or length
changes. Fed by background work, that is a paint and flush of its own at every update, outside
the event loop's one paint of the window, on the GUI thread that the work's threads share the
cores with (a training run's two threads on a 2-core machine: bench/gui_training_speed.py).
"""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar


class ProgressBar(QProgressBar):
    def setValue(self, value: int) -> None:  # noqa: N802 (Qt's name)
        # With updates off, the bar's own repaint does nothing; turning them on again asks for
        # an ordinary update, painted with the rest of the window.
        self.setUpdatesEnabled(False)
        try:
            super().setValue(value)
        finally:
            self.setUpdatesEnabled(True)
