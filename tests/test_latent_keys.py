"""The Latent space tab's single-letter keys (M manifold, P points, F fit, R new samples) work as
soon as the tab is shown, as the guide's Keys page says, not only once the plot has been clicked:
switching tabs leaves the focus on the tab bar."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTabBar
from typing_support import focus_window

from vae_desktop.core import data as data_module
from vae_desktop.core.data import load_split
from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.tabs.draw.tab import DrawTab
from vae_desktop.gui.tabs.latent.tab import LatentTab


@pytest.fixture
def window(qtbot, app_state, monkeypatch):
    monkeypatch.setattr(data_module, "load_split", lambda split: load_split(split, size=1000))
    win = MainWindow(state=app_state, tabs=(("Draw", DrawTab), ("Latent space", LatentTab)))
    qtbot.addWidget(win)
    win.resize(1280, 720)
    focus_window(qtbot, win)
    return win


def test_the_letter_keys_work_right_after_switching_to_the_tab(window, qtbot):
    window.show_tab("Draw")
    window.show_tab("Latent space")
    tab = window.tab_widgets["Latent space"]
    bar = window.findChild(QTabBar)
    bar.setFocus()  # where a click on the tab leaves it
    points = tab.plot.points_box
    before = points.isChecked()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_P)
    assert points.isChecked() != before
    # On another tab the key does nothing there.
    window.show_tab("Draw")
    bar.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_P)
    assert points.isChecked() != before
