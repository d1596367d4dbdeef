"""Ctrl+Space pauses and resumes a run wherever the focus is in the Train tab. Right after Start
the focus had moved to Pause (Start goes off): the key's shortcut pressed Pause, and Space coming
up on it (Ctrl let go first) pressed it again, so the run went on, until a click in a field. Plain Space on a
focused Pause button presses it, as on any button."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from train_tab_support import RUN_TIMEOUT_MS, make_tab
from typing_support import focus_window

LONG = {"epochs": 1000}  # a run that goes on until it is stopped


@pytest.fixture
def tab(qtbot, state):
    tab = make_tab(qtbot, state)
    assert tab.apply_settings(LONG)
    focus_window(qtbot, tab)
    return tab


def stop(qtbot, tab) -> None:
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        tab.stop()
    assert blocker.args[0].status == "stopped"


def ctrl_space(qtbot, tab, paused: bool) -> None:
    """Ctrl+Space where the focus is, Ctrl let go first (as fingers often do: Space then comes
    up alone); the run is then paused (or running) as `paused` says, and stays so."""
    focus = QApplication.focusWidget()
    assert focus is not None and tab.isAncestorOf(focus)
    qtbot.keyPress(focus, Qt.Key_Space, Qt.ControlModifier)
    qtbot.keyRelease(focus, Qt.Key_Space, Qt.NoModifier)
    qtbot.waitUntil(lambda: tab.paused == paused, timeout=2000)
    # A button's own shortcut clicked it 100 ms later (animateClick), and Space coming up on the
    # Pause button meanwhile clicked it too: paused, then at once resumed.
    qtbot.wait(200)
    assert tab.paused == paused
    assert tab.pause_button.text() == ("Resume" if paused else "Pause")


def start_with_keys(qtbot, tab) -> None:
    tab.field("epochs").setFocus()
    qtbot.keyClick(tab.field("epochs"), Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(tab.is_training, timeout=3000)


def test_ctrl_space_pauses_right_after_ctrl_enter(tab, qtbot):
    start_with_keys(qtbot, tab)
    # The fields go off during a run: the focus moves on (to Pause).
    assert QApplication.focusWidget() is tab.pause_button
    ctrl_space(qtbot, tab, paused=True)
    ctrl_space(qtbot, tab, paused=False)
    stop(qtbot, tab)


def test_ctrl_space_pauses_after_a_click_on_start(tab, qtbot):
    qtbot.mouseClick(tab.start_button, Qt.LeftButton)
    qtbot.waitUntil(tab.is_training, timeout=3000)
    ctrl_space(qtbot, tab, paused=True)
    ctrl_space(qtbot, tab, paused=False)
    stop(qtbot, tab)


def test_ctrl_space_pauses_from_a_field_and_from_stop(tab, qtbot):
    start_with_keys(qtbot, tab)
    tab.results.run_bar.lr_edit.setFocus()  # the While-training row's fields are on
    ctrl_space(qtbot, tab, paused=True)
    ctrl_space(qtbot, tab, paused=False)
    tab.stop_button.setFocus()
    ctrl_space(qtbot, tab, paused=True)
    assert tab.is_training()  # Ctrl+Space never presses the focused Stop
    ctrl_space(qtbot, tab, paused=False)
    stop(qtbot, tab)


def test_space_presses_a_focused_pause_button(tab, qtbot):
    start_with_keys(qtbot, tab)
    tab.pause_button.setFocus()
    qtbot.keyClick(tab.pause_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: tab.paused, timeout=2000)
    assert tab.pause_button.text() == "Resume"
    qtbot.keyClick(tab.pause_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: not tab.paused, timeout=2000)
    stop(qtbot, tab)
