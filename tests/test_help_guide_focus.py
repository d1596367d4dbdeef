"""Closing the guide (or About) gives the focus back to where it was before it opened. The bug:
opened from the Help menu with the keyboard (Alt+H, Enter), the guide took over while the menu bar
held the focus, and when the guide was closed the focus came back to the menu bar, not to the
control the user had been on."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from typing_support import focus_window

from vae_desktop.gui.main_window import TABS, MainWindow
from vae_desktop.gui.widgets.message_tab import MessageTab


class WithAButton(MessageTab):
    """A light tab with a control to come back to."""

    def __init__(self, state, parent=None):
        super().__init__("Stand-in", "A stand-in tab.", parent)
        self.button = QPushButton("A control on the tab", self)


@pytest.fixture
def window(qtbot):
    win = MainWindow(load_library=False, tabs=[(title, WithAButton) for title, _ in TABS])
    qtbot.addWidget(win)
    focus_window(qtbot, win)
    return win


def open_from_the_menu_bar(window, qtbot, action):
    """As the Help menu opened with Alt+H does it: the focus on the tab's control, then on the
    menu bar while the menu is open, then `action` chosen."""
    control = window.tabs.currentWidget().findChild(QPushButton)
    control.setFocus(Qt.TabFocusReason)
    assert QApplication.focusWidget() is control
    window.menuBar().setFocus(Qt.ShortcutFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.menuBar(), timeout=2000)
    action.trigger()
    return control


@pytest.mark.parametrize("close", ["Escape", "Ctrl+W", "close()"])
def test_closing_the_guide_gives_the_focus_back(window, qtbot, close):
    control = open_from_the_menu_bar(window, qtbot, window.help.guide_action)
    guide = window.help.guide
    qtbot.waitUntil(lambda: QApplication.activeWindow() is guide, timeout=3000)
    if close == "Escape":
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
    elif close == "Ctrl+W":
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_W, Qt.ControlModifier)
    else:
        guide.close()
    assert not guide.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    assert window.focusWidget() is control
    assert QApplication.focusWidget() is control


def test_closing_about_gives_the_focus_back(window, qtbot):
    control = open_from_the_menu_bar(window, qtbot, window.help.about_action)
    about = window.help.about
    qtbot.waitUntil(lambda: QApplication.activeWindow() is about, timeout=3000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
    assert not about.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    assert QApplication.focusWidget() is control


def test_f1_and_back_keeps_the_focus_where_it_was(window, qtbot):
    control = window.tabs.currentWidget().findChild(QPushButton)
    control.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(control, Qt.Key_F1)
    guide = window.help.guide
    qtbot.waitUntil(lambda: QApplication.activeWindow() is guide, timeout=3000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    assert QApplication.focusWidget() is control
