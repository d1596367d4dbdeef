"""A one-line label that cuts its text with "…" where it has no room, and shows the whole text
as its tooltip; `text()` stays the whole text. Written here rather than taken from superqt
(QElidingLabel): importing superqt loads all of its widgets, 0.17 s before the main window can
show (2026-12-05)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", parent=None) -> None:
        super().__init__(text, parent)
        # Room is given, not asked for: a long line must not widen the window.
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.setToolTip(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self.setToolTip(text)

    def shown_text(self) -> str:
        """The text as drawn: whole where it fits, else cut with "…"."""
        room = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.ElideRight, room)

    def paintEvent(self, event) -> None:  # noqa: N802
        shown = self.shown_text()
        if shown == self.text():  # it fits: QLabel draws it (and its selection)
            super().paintEvent(event)
            return
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), Qt.AlignLeft | Qt.AlignVCenter,
                                  self.palette(), self.isEnabled(), shown, self.foregroundRole())
