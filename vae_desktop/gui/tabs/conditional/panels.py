"""Small layout pieces the Conditional tab's views share: a titled frame with an export button."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget


def clip_to_width(label: QLabel) -> None:
    """Let a one-line label be narrower than its text (clipped) instead of widening the tab."""
    label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
    label.setMinimumWidth(40)


def panel(title: QLabel, body: QWidget, export: QToolButton, note: QLabel | None = None) -> QFrame:
    """A titled frame with an export button (and an optional note) in its header."""
    frame = QFrame()
    frame.setFrameShape(QFrame.StyledPanel)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(8, 6, 8, 8)
    header = QHBoxLayout()
    title.setStyleSheet("font-weight: 600;")
    if note is None:
        clip_to_width(title)
        header.addWidget(title, 1)
    else:
        header.addWidget(title)
        clip_to_width(note)
        header.addWidget(note, 1)
    header.addWidget(export)
    layout.addLayout(header)
    layout.addWidget(body, 1)
    return frame


def export_button(tooltip: str) -> QToolButton:
    button = QToolButton()
    button.setText("Export PNG…")
    button.setToolTip(tooltip)
    return button
