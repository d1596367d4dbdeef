"""A tab's page (widgets.tab_page.TabPage, the scroll area around each tab) is no Tab stop of its
own: Tab goes from the control before it straight to the tab's first control. It was one, frameless
and drawing no focus, so on every tab one press of Tab went nowhere that could be seen. The page
still scrolls from the keyboard: Tab to a control out of view brings it into view, and PageDown
and PageUp in a field that does not use them scroll the page."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from typing_support import focus_window

from vae_desktop.gui.widgets.tab_page import TabPage

FIELDS = 12
FIELD_HEIGHT = 40


class TallTab(QWidget):
    """A tab taller than the page that holds it: it scrolls."""

    def __init__(self) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        self.fields = []
        for n in range(FIELDS):
            field = QLineEdit(f"field {n}")
            field.setMinimumHeight(FIELD_HEIGHT)
            column.addWidget(field)
            self.fields.append(field)


@pytest.fixture
def window(qtbot):
    """A field before a page that holds a tall tab, the page shorter than the tab."""
    window = QWidget()
    qtbot.addWidget(window)
    window.before = QLineEdit("before the page")
    window.tab = TallTab()
    window.page = TabPage(window.tab)
    column = QVBoxLayout(window)
    column.addWidget(window.before)
    column.addWidget(window.page, 1)
    window.resize(400, 240)
    focus_window(qtbot, window)
    assert window.page.verticalScrollBar().maximum() > 0  # it does scroll
    return window


def test_tab_goes_from_the_control_before_the_page_to_its_first_control(window, qtbot):
    window.before.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(window.before, Qt.Key_Tab)
    assert QApplication.focusWidget() is window.tab.fields[0]
    qtbot.keyClick(window.tab.fields[0], Qt.Key_Backtab)
    assert QApplication.focusWidget() is window.before


def test_tab_to_a_control_out_of_view_scrolls_the_page_to_it(window, qtbot):
    bar = window.page.verticalScrollBar()
    assert bar.value() == 0
    last = window.tab.fields[-1]
    window.tab.fields[-2].setFocus(Qt.TabFocusReason)
    qtbot.keyClick(window.tab.fields[-2], Qt.Key_Tab)
    assert QApplication.focusWidget() is last
    assert bar.value() > 0
    viewport = window.page.viewport()
    top = last.mapTo(viewport, last.rect().topLeft()).y()
    assert 0 <= top and top + last.height() <= viewport.height()  # wholly in view


def test_page_down_and_page_up_in_a_field_scroll_the_page(window, qtbot):
    bar = window.page.verticalScrollBar()
    field = window.tab.fields[0]
    field.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(field, Qt.Key_PageDown)
    assert bar.value() > 0
    qtbot.keyClick(field, Qt.Key_PageUp)
    assert bar.value() == 0
    assert QApplication.focusWidget() is field  # the focus stays where it was
