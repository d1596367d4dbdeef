"""Word-wrapped labels that do not make their layout height-for-width: the main window puts
each tab in a scroll area, which would otherwise size the whole tab by its preferred height and
scroll where everything fits. A label that must grow with its text sets its height itself, from
`text_height`."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel, QWidget


class WrappingLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def hasHeightForWidth(self) -> bool:
        return False

    def text_height(self, width: int) -> int:
        """Pixels the text takes wrapped to `width` (from the font: heightForWidth() never goes
        below a height set on the label)."""
        return self.fontMetrics().boundingRect(QRect(0, 0, width, 100_000), Qt.TextWordWrap,
                                               self.text()).height()
