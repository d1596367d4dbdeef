"""A tab page that shows only a title and a message: what the window shows in place of a tab
that failed to build, saying why (tests also use it as a light stand-in tab)."""

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class MessageTab(QWidget):
    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        # Plain text: an exception's message may hold "<" (a repr, a type name).
        label = QLabel(f"<h2>{escape(title)}</h2><p>{escape(text)}</p>")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignCenter)
        layout.addWidget(label)
