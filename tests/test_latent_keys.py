"""The Latent space tab's single-letter keys (M manifold, P points, F fit, R new samples) work as
soon as the tab is shown, as the guide's Keys page says, not only once the plot has been clicked:
switching tabs leaves the focus on the tab bar."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTabBar
from typing_support import focus_window, press

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


def test_a_letter_typed_in_a_box_goes_to_the_box_not_to_the_tab(window, qtbot):
    """Bug: with the focus on the toolbar's Active model box, "m" (to jump to a model named
    mnist-…) toggled Manifold and left the model as it was; "p" in the tab's own View box
    toggled the points instead of picking "PCA of the means"."""
    window.show_tab("Latent space")
    tab = window.tab_widgets["Latent space"]
    manifold, points = tab.plot.manifold_box, tab.plot.points_box
    models = window.model_combo
    models.setCurrentIndex(models.findText("mnist-cvae-z2"))
    models.setFocus()
    press(qtbot, Qt.Key_M)
    assert not manifold.isChecked()
    assert models.currentText() == "mnist-vae-z16"  # the next name that starts with m
    qtbot.waitUntil(lambda: tab.stats is not None and tab.model is tab.state.active.model,
                    timeout=30000)
    view = tab.plot.view_combo
    view.setCurrentIndex(view.findText("Two latent dimensions"))
    view.setFocus()
    press(qtbot, Qt.Key_P)
    assert view.currentText() == "PCA of the means" and points.isChecked()
    tab.plot.grid_spin.setFocus()
    press(qtbot, Qt.Key_M)
    assert not manifold.isChecked()
    # Elsewhere (a check box, a button) the letters are the tab's again.
    points.setFocus()
    press(qtbot, Qt.Key_M)
    assert manifold.isChecked()
    press(qtbot, Qt.Key_P)
    assert not points.isChecked()
