"""A main window whose only tab is a stand-in: for tests of the window's own parts (menus, the
Models dialog, the status line) without building the real tabs."""

from __future__ import annotations

from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.widgets.message_tab import MessageTab


class QuietTab(MessageTab):
    def __init__(self, state, parent=None):
        super().__init__("Quiet", "A stand-in tab.", parent)


def quiet_window(qtbot) -> MainWindow:
    window = MainWindow(tabs=(("Draw", QuietTab),))
    qtbot.addWidget(window)
    return window
