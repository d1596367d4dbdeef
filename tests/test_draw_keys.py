"""The Draw tab's keys (Esc clears, Ctrl+Z undoes, Ctrl+Shift+C copies the scores) work whenever
the tab is shown, as the line under its canvas says: they did nothing until the keyboard focus was
inside the tab (after picking a model in the toolbar and switching tabs it is not). A text or
number box keeps its own Esc and Ctrl+Z, and another tab gets none of them."""

from __future__ import annotations

import numpy as np
import pytest
from draw_tab_support import BAR, SEVEN, settled, short_test_set, stroke
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTabBar
from typing_support import focus_window, press

from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.tabs.draw.tab import DrawTab
from vae_desktop.gui.widgets.message_tab import MessageTab


def stand_in(state):
    return MessageTab("Latent space", "A stand-in tab.")


@pytest.fixture
def window(qtbot, app_state, mnist_test, monkeypatch):
    state = short_test_set(app_state, mnist_test, monkeypatch)
    state.set_active(state.find_model(conditional=False, latent_dim=2))
    win = MainWindow(state=state, tabs=(("Draw", DrawTab), ("Latent space", stand_in)))
    qtbot.addWidget(win)
    win.resize(1280, 720)
    focus_window(qtbot, win)
    win.show_tab("Draw")
    return win


def test_the_keys_work_with_the_focus_outside_the_tab(window, qtbot):
    tab = window.tab_widgets["Draw"]
    stroke(qtbot, tab.canvas, SEVEN)
    seven = tab.canvas.to_array()
    stroke(qtbot, tab.canvas, BAR)
    qtbot.waitUntil(lambda: settled(tab))
    window.model_combo.setFocus()  # where picking a model leaves it
    assert QApplication.focusWidget() is window.model_combo

    press(qtbot, Qt.Key_Z, Qt.ControlModifier)
    assert np.array_equal(tab.canvas.to_array(), seven)  # the bar is undone
    qtbot.waitUntil(lambda: settled(tab))
    QApplication.clipboard().clear()
    press(qtbot, Qt.Key_C, Qt.ControlModifier | Qt.ShiftModifier)
    assert QApplication.clipboard().text() == tab.scores_panel.scores_text()
    assert QApplication.clipboard().text().startswith(tab.verdict)
    press(qtbot, Qt.Key_Escape)
    assert tab.canvas.is_empty()
    press(qtbot, Qt.Key_Z, Qt.ControlModifier)  # the clear is undone too
    assert np.array_equal(tab.canvas.to_array(), seven)


def test_a_number_box_keeps_its_own_esc_and_ctrl_z(window, qtbot):
    tab = window.tab_widgets["Draw"]
    stroke(qtbot, tab.canvas, SEVEN)
    seven = tab.canvas.to_array()
    box = tab.threshold_spin
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box.lineEdit(), "95")
    assert box.lineEdit().text() == "95 %"
    press(qtbot, Qt.Key_Z, Qt.ControlModifier)  # the box's undo, not the canvas's
    assert box.lineEdit().text() != "95 %"
    assert np.array_equal(tab.canvas.to_array(), seven)
    press(qtbot, Qt.Key_Escape)
    assert not tab.canvas.is_empty()


def test_another_tab_gets_none_of_the_keys(window, qtbot):
    tab = window.tab_widgets["Draw"]
    stroke(qtbot, tab.canvas, SEVEN)
    stroke(qtbot, tab.canvas, BAR)
    both = tab.canvas.to_array()
    qtbot.waitUntil(lambda: settled(tab))
    window.show_tab("Latent space")
    window.findChild(QTabBar).setFocus()  # where a click on the tab leaves it
    QApplication.clipboard().clear()
    for key, modifiers in ((Qt.Key_Escape, Qt.NoModifier), (Qt.Key_Z, Qt.ControlModifier),
                           (Qt.Key_C, Qt.ControlModifier | Qt.ShiftModifier)):
        press(qtbot, key, modifiers)
    assert np.array_equal(tab.canvas.to_array(), both)
    assert QApplication.clipboard().text() == ""
