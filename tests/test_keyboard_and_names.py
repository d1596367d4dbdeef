"""A keyboard user can leave every control with Tab, and a screen reader can say what each one is.

Every control that takes the focus with Tab needs a name a screen reader can speak: a button's or
check box's own text, a QLabel that names it as its buddy, or an accessible name. On Linux a combo
box or a spin box is announced by its value ("auto", "2"), so without a buddy or a name it cannot
be told from its neighbours. A table with Qt's default tab-key navigation keeps Tab for moving
between its cells, so focus never leaves it (and on Evaluate each Tab selected a row, which
filters the histogram). A tab page's scroll area must not be a Tab stop of its own: it draws no
focus and does nothing."""

from __future__ import annotations

import pytest
from conftest import shared_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTabBar,
    QWidget,
)

from vae_desktop.gui.main_window import TABS


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    yield from shared_window(tmp_path_factory, "names_window")


def tab_stops(root: QWidget) -> list[QWidget]:
    """The widgets under `root` that Tab reaches now (shown, taking Tab focus, not a part of
    another widget that takes the focus for it)."""
    stops = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or not widget.focusPolicy() & Qt.TabFocus:
            continue
        if widget.focusProxy() is not None:
            continue
        parent = widget.parentWidget()
        if isinstance(widget, QLineEdit) and isinstance(parent, (QAbstractSpinBox, QComboBox)):
            continue  # a spin box's or combo box's own editor
        if isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget:
            continue
        stops.append(widget)
    return stops


def buddies() -> set[int]:
    return {id(label.buddy()) for label in QApplication.allWidgets()
            if isinstance(label, QLabel) and label.buddy() is not None}


def unnamed(root: QWidget) -> list[str]:
    """The Tab stops a screen reader could not name, described for the failure message."""
    named_by_label = buddies()
    missing = []
    for widget in tab_stops(root):
        if widget.accessibleName().strip() or id(widget) in named_by_label:
            continue
        if isinstance(widget, QAbstractButton) and len(widget.text().replace("&", "").strip()) > 1:
            continue  # its own words name it ("Start", "Binarise"); a lone digit does not
        if isinstance(widget, QTabBar):
            continue  # named by its tabs' titles
        hint = widget.toolTip()[:50] or getattr(widget, "text", lambda: "")()
        missing.append(f"{type(widget).__name__} {widget.objectName() or ''} ({hint!r})")
    return missing


def show(window, title: str, qtbot) -> QWidget:
    window.show_tab(title)
    qtbot.waitUntil(lambda: window.current_tab_title() == title)
    QApplication.processEvents()
    return window.tabs.currentWidget()


@pytest.mark.parametrize("title", [title for title, _ in TABS])
def test_every_tab_stop_has_a_name(window, qtbot, title):
    page = show(window, title, qtbot)
    missing = unnamed(page)
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("title", [title for title, _ in TABS])
def test_tab_leaves_every_table(window, qtbot, title):
    page = show(window, title, qtbot)
    trapping = [type(view).__name__ for view in page.findChildren(QAbstractItemView)
                if view.tabKeyNavigation()]
    assert trapping == []


@pytest.mark.parametrize("title", [title for title, _ in TABS])
def test_no_empty_tab_stop(window, qtbot, title):
    """The scroll area around a tab's page (and any other frameless scroll area) takes no focus:
    a Tab stop there shows nothing and does nothing."""
    page = show(window, title, qtbot)
    areas = [page] if isinstance(page, QScrollArea) else []
    areas += page.findChildren(QScrollArea)
    empty = [f"{type(area).__name__} {area.objectName()}" for area in areas
             if area.isVisibleTo(page) and area.focusPolicy() & Qt.TabFocus]
    assert empty == []


def test_the_models_dialog_is_named_and_lets_tab_go(window, qtbot):
    dialog = window.show_models()
    qtbot.waitUntil(dialog.isVisible)
    try:
        missing = unnamed(dialog)
        assert not missing, "\n".join(missing)
        assert [view for view in dialog.findChildren(QAbstractItemView)
                if view.tabKeyNavigation()] == []
    finally:
        dialog.close()
