"""The Sweep tab's trial table from the keyboard: Tab and Shift+Tab leave it (with Qt's tab-key
navigation they moved from cell to cell, so once the table had rows the focus never left it), the
arrow keys move between the trials, and Enter (or the keypad's) opens the selected trial's model
as a double-click does, as Enter means Use in the Models dialog (it did nothing)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from typing_support import focus_window

from vae_desktop.core.sweep import TrialRecord
from vae_desktop.gui.tabs.sweep.study_view import StudyView


def record(number: int) -> TrialRecord:
    return TrialRecord(number, "COMPLETE", 200.0 - number, {"lr": 1e-3 * (number + 1)},
                       {"lr": 1e-3 * (number + 1), "epochs": 1}, {1: 200.0 - number}, 1.0,
                       checkpoint=f"/nowhere/trial-{number}.pt")


@pytest.fixture
def view(qtbot):
    view = StudyView()
    qtbot.addWidget(view)
    view.show_study("keys", "test_loss", "minimize", [record(n) for n in range(4)],
                    same_study=False)
    view.resize(900, 600)
    focus_window(qtbot, view)
    view.opened = []
    view.open_requested.connect(view.opened.append)
    return view


def test_tab_and_shift_tab_leave_the_table(view, qtbot):
    table = view.table
    assert view.select_trial(1)
    table.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(table, Qt.Key_Tab)
    assert QApplication.focusWidget() is not table
    assert view.selected().number == 1  # Tab moved no cell on
    table.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(table, Qt.Key_Backtab)
    assert QApplication.focusWidget() is not table
    assert view.selected().number == 1


def test_arrow_keys_move_between_the_trials(view, qtbot):
    table = view.table
    assert view.select_trial(1)
    table.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(table, Qt.Key_Down)
    assert view.selected().number == 2
    qtbot.keyClick(table, Qt.Key_Up)
    assert view.selected().number == 1


@pytest.mark.parametrize("key, modifiers", [(Qt.Key_Return, Qt.NoModifier),
                                            (Qt.Key_Enter, Qt.KeypadModifier)])
def test_enter_opens_the_selected_trials_model(view, qtbot, key, modifiers):
    table = view.table
    assert view.select_trial(2)
    table.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(table, key, modifiers)
    assert view.opened == [2]
    qtbot.keyClick(table, Qt.Key_Down)
    qtbot.keyClick(table, key, modifiers)
    assert view.opened == [2, 3]


def test_enter_with_no_trial_selected_opens_nothing(view, qtbot):
    table = view.table
    table.setFocus(Qt.TabFocusReason)
    table.clearSelection()
    qtbot.keyClick(table, Qt.Key_Return)
    assert view.opened == []


def test_a_double_click_opens_the_trial_once(view, qtbot):
    table = view.table
    item = table.item(1, 0)
    where = table.visualItemRect(item).center()
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=where)  # a double-click's first press
    qtbot.mouseDClick(table.viewport(), Qt.LeftButton, pos=where)
    assert view.opened == [item.data(Qt.UserRole)]


def open_menu_with(view, qtbot, press) -> list:
    """`press()` while trial 2's row is the current one; what the menu that opened offered, and
    where, as [(its actions, the trial selected, its position)]."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMenu

    shown = []

    def read_and_close() -> None:
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu):
            shown.append(([a.text() for a in menu.actions() if a.text()],
                          view.selected().number, menu.pos()))
            menu.close()
        else:
            QTimer.singleShot(10, read_and_close)

    table = view.table
    assert view.select_trial(3)
    table.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(table, Qt.Key_Up)  # the current row is trial 2's
    QTimer.singleShot(0, read_and_close)
    press()
    qtbot.waitUntil(lambda: bool(shown), timeout=2000)
    return shown


def assert_trial_2s_menu(view, shown) -> None:
    assert len(shown) == 1
    actions, selected, at = shown[0]
    assert actions == ["Train with these settings", "Open its model", "Copy",
                       "Export trials as CSV…"]
    assert selected == 2
    table = view.table
    row = table.visualItemRect(table.item(2, 0))
    assert row.top() <= table.viewport().mapFromGlobal(at).y() <= row.bottom()


@pytest.mark.parametrize("key, modifiers", [(Qt.Key_Menu, Qt.NoModifier),
                                            (Qt.Key_F10, Qt.ShiftModifier)])
def test_the_menu_key_opens_the_current_trials_menu_at_its_row(view, qtbot, key, modifiers):
    """The menu a right-click on the trial opens (on Wayland, macOS and the offscreen platform
    only the key comes)."""
    table = view.table
    assert_trial_2s_menu(view, open_menu_with(view, qtbot,
                                              lambda: qtbot.keyClick(table, key, modifiers)))


def test_the_platforms_menu_event_opens_the_current_trials_menu_at_its_row(view, qtbot):
    """On X11 the menu key comes as a context-menu event at the mouse pointer, on Windows
    Shift+F10 does: the menu is the current trial's, at its row, wherever the pointer is (it was
    the trial under the pointer's, or with Qt's position, the one below the current)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QContextMenuEvent

    table = view.table
    for pos in (table.inputMethodQuery(Qt.ImCursorRectangle).center(), QPoint(-300, -300)):
        event = QContextMenuEvent(QContextMenuEvent.Keyboard, pos, table.mapToGlobal(pos))
        assert_trial_2s_menu(view, open_menu_with(
            view, qtbot, lambda event=event: QApplication.sendEvent(table, event)))
