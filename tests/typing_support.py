"""Typing into the app's widgets in tests (shared by test modules): keys reach a widget only
while its window is shown and active."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def focus_window(qtbot, widget) -> None:
    """The widget's window shown and active, so that typed keys reach it."""
    window = widget.window()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def press(qtbot, key, modifiers=Qt.NoModifier) -> None:
    """A key typed where the keyboard focus is, as a person types it."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifiers)


def type_into(qtbot, box, text: str, key=Qt.Key_Tab) -> None:
    """Select a spin box's number (not its prefix or suffix), type `text`, then leave (Tab) or
    press Enter."""
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), key)
