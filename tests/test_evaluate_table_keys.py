"""The Evaluate tab's per-digit table from the keyboard: Tab and Shift+Tab pass through it, Ctrl+Tab
goes on to the next tab, and none of them picks a digit. The bug: with Qt's tab-key navigation the
table kept Tab, each Tab selected the next row, which silently narrowed the histogram and the
gallery to that digit ("Worst reconstructions · digit 3"), and Ctrl+Tab did nothing there. The
arrow keys still pick a digit, and Esc gives every digit back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QTabWidget
from small_test_set import use_test_digits
from typing_support import focus_window

from vae_desktop.gui.tabs.evaluate.tab import EvaluateTab

N = 300


@pytest.fixture
def tabs(qtbot, app_state, mnist_test, monkeypatch):
    """The Evaluate tab with the report of the bundled z16 model on N test digits, in a tab
    widget with a second tab after it."""
    use_test_digits(app_state, mnist_test, monkeypatch, N)
    app_state.set_active(app_state.find_model(conditional=False, latent_dim=16))
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tab = EvaluateTab(app_state)
    tabs.addTab(tab, "Evaluate")
    tabs.addTab(QLabel("next"), "Next")
    tabs.resize(1280, 680)
    with qtbot.waitSignal(tab.evaluated, timeout=60_000):
        tabs.show()
    focus_window(qtbot, tabs)
    yield tabs
    assert tab.shutdown()


def nothing_picked(tab) -> bool:
    return (tab.selected_digit() is None and not tab.table.selectionModel().hasSelection()
            and "digit" not in tab.report_view.gallery_title.text())


@pytest.mark.parametrize("key", [Qt.Key_Tab, Qt.Key_Backtab], ids=["Tab", "Shift+Tab"])
def test_tab_and_shift_tab_pass_through_the_table_without_picking_a_digit(tabs, qtbot, key):
    tab = tabs.widget(0)
    table = tab.table
    assert table.rowCount() == 10
    table.setFocus(Qt.TabFocusReason)  # as Tab brings the focus in
    assert QApplication.focusWidget() is table
    assert nothing_picked(tab)
    qtbot.keyClick(table, key)
    assert QApplication.focusWidget() is not table
    assert nothing_picked(tab)


def test_tab_leaves_a_picked_digit_as_it_is(tabs, qtbot):
    tab = tabs.widget(0)
    table = tab.table
    table.selectRow(3)
    digit = tab.selected_digit()
    table.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(table, Qt.Key_Tab)
    assert QApplication.focusWidget() is not table
    assert tab.selected_digit() == digit


def test_ctrl_tab_in_the_table_goes_to_the_next_tab(tabs, qtbot):
    tab = tabs.widget(0)
    tab.table.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(tab.table, Qt.Key_Tab, Qt.ControlModifier)
    assert tabs.currentIndex() == 1
    assert nothing_picked(tab)


def test_the_arrow_keys_pick_a_digit_and_esc_gives_every_digit_back(tabs, qtbot):
    tab = tabs.widget(0)
    table = tab.table
    table.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(table, Qt.Key_Down)
    digit = tab.selected_digit()
    assert digit is not None
    assert tab.report_view.gallery_title.text().endswith(f"digit {digit}")
    assert all(int(tab.report.labels[i]) == digit for i in tab.gallery_indices)
    qtbot.keyClick(table, Qt.Key_Escape)
    assert nothing_picked(tab)
