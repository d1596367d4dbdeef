"""Ctrl+P, the Pause key, pauses and resumes a run wherever the focus is in the Train tab. Right
after Start the focus moves to Pause (Start goes off): a button's own shortcut pressed it 100 ms
later, with a second press possible meanwhile, so the run went on. Plain Space on a focused Pause
button presses it, as on any button.

The key was Ctrl+Space: on macOS that is Cmd+Space (Spotlight), on Windows it turns Chinese and
Japanese input methods on and off, and on Linux it often switches input methods, so the app never
saw it there. Ctrl+P is none of these and no other key of the app."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QApplication
from train_tab_support import RUN_TIMEOUT_MS, make_tab
from typing_support import focus_window

from vae_desktop.gui.tabs.train.tab import TrainTab

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


def pause_key(qtbot, tab, paused: bool) -> None:
    """Ctrl+P where the focus is, Ctrl let go first (as fingers often do: P then comes up
    alone); the run is then paused (or running) as `paused` says, and stays so."""
    focus = QApplication.focusWidget()
    assert focus is not None and tab.isAncestorOf(focus)
    qtbot.keyPress(focus, Qt.Key_P, Qt.ControlModifier)
    qtbot.keyRelease(focus, Qt.Key_P, Qt.NoModifier)
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


def test_pause_key_pauses_right_after_ctrl_enter(tab, qtbot):
    start_with_keys(qtbot, tab)
    # The fields go off during a run: the focus moves on (to Pause).
    assert QApplication.focusWidget() is tab.pause_button
    pause_key(qtbot, tab, paused=True)
    pause_key(qtbot, tab, paused=False)
    stop(qtbot, tab)


def test_pause_key_pauses_after_a_click_on_start(tab, qtbot):
    qtbot.mouseClick(tab.start_button, Qt.LeftButton)
    qtbot.waitUntil(tab.is_training, timeout=3000)
    pause_key(qtbot, tab, paused=True)
    pause_key(qtbot, tab, paused=False)
    stop(qtbot, tab)


def test_pause_key_pauses_from_a_field_and_from_stop(tab, qtbot):
    start_with_keys(qtbot, tab)
    tab.results.run_bar.lr_edit.setFocus()  # the While-training row's fields are on
    pause_key(qtbot, tab, paused=True)
    pause_key(qtbot, tab, paused=False)
    tab.stop_button.setFocus()
    pause_key(qtbot, tab, paused=True)
    assert tab.is_training()  # the Pause key never presses the focused Stop
    pause_key(qtbot, tab, paused=False)
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


def test_the_pause_key_is_ctrl_p_and_clashes_with_no_other_key_of_the_app(qtbot):
    """No Space (Spotlight, input methods), and no other shortcut of the window's tabs, menus
    and buttons is the same key."""
    from vae_desktop.gui.main_window import MainWindow
    from vae_desktop.gui.tabs.train.tab import PAUSE_KEY

    assert PAUSE_KEY == QKeySequence("Ctrl+P")
    window = MainWindow()
    qtbot.addWidget(window)
    keys = [s.key() for s in window.findChildren(QShortcut)]
    keys += [k for a in window.findChildren(QAction) for k in a.shortcuts()]
    keys += [b.shortcut() for b in window.findChildren(QAbstractButton)]
    texts = [k.toString() for k in keys if not k.isEmpty()]
    assert len(texts) > 30  # the tabs' keys, the menus' and the buttons'
    assert texts.count(PAUSE_KEY.toString()) == 1, texts
    assert "Space" not in PAUSE_KEY.toString()
    assert "Ctrl+P" in window.findChild(TrainTab).pause_button.toolTip()
