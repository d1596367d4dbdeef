"""What a tab's place shows while the app starts: what is loading, or why the app could not start.
It imports nothing but Qt, so the main window can show it before PyTorch has loaded."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

TEXT_WIDTH = 560  # px: a fixed width, so that the wrapped text gets the height it needs


class LoadingPage(QWidget):
    def __init__(self, title: str, icon: QIcon | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title  # the tab that will take this page's place
        self.failed = False
        self.icon = QLabel()
        if icon is not None:
            self.icon.setPixmap(icon.pixmap(96, 96))
        self.icon.setAlignment(Qt.AlignCenter)
        self.label = QLabel()
        self.label.setObjectName("loading_text")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        self.label.setTextInteractionFlags(Qt.TextSelectableByMouse)  # an error can be copied
        self.label.setFixedWidth(TEXT_WIDTH)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.label)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.icon)
        layout.addLayout(row)
        layout.addStretch(3)

    def show_stage(self, stage: str) -> None:
        """`stage`: what is loading now, e.g. "Loading PyTorch…"."""
        self.label.setText(
            "<h2>Starting VAE Desktop</h2>"
            f"<p style='font-size: 12pt'><b>{html.escape(stage)}</b></p>"
            f"<p>The {html.escape(self.title)} tab opens in a few seconds. Help ▸ Guide (F1) "
            "works already.</p>")

    def show_failure(self, what: str, message: str, hint: str = "") -> None:
        """`what` failed ("Loading PyTorch"), with the error's message and what may mend it."""
        self.failed = True
        hint_html = f"<p>{html.escape(hint)}</p>" if hint else ""
        self.label.setText(
            "<h2>VAE Desktop could not start</h2>"
            f"<p style='font-size: 12pt'><b>{html.escape(what)} failed:</b><br>"
            f"{html.escape(message)}</p>{hint_html}"
            "<p>The details were printed to the terminal that started the app. "
            "File ▸ Quit closes the window.</p>")

    def text(self) -> str:
        return self.label.text()
