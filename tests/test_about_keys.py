"""Help > About: Enter closes the dialog (Close is its default button), never opens a folder,
whichever of its buttons has the keyboard focus."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from typing_support import focus_window

from vae_desktop.gui import about as about_module
from vae_desktop.gui.about import AboutDialog


@pytest.fixture
def dialog(qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr(about_module, "show_folder", lambda parent, folder: opened.append(folder))
    box = AboutDialog()
    qtbot.addWidget(box)
    focus_window(qtbot, box)
    box.opened = opened
    return box


def close_button(box):
    return box.findChild(QDialogButtonBox).button(QDialogButtonBox.Close)


def test_close_is_the_default_button_and_has_the_focus(dialog):
    assert close_button(dialog).isDefault()
    assert QApplication.focusWidget() is close_button(dialog)
    for button in (*dialog.folder_buttons.values(), dialog.copy_button):
        assert not button.autoDefault() and not button.isDefault(), button.text()


@pytest.mark.parametrize("key", [Qt.Key_Return, Qt.Key_Enter])
def test_enter_closes_the_dialog_and_opens_no_folder(dialog, qtbot, key):
    qtbot.keyClick(QApplication.focusWidget(), key)
    assert not dialog.isVisible() and dialog.opened == []


def test_enter_on_a_focused_open_button_still_closes(dialog, qtbot):
    dialog.folder_buttons["Data"].setFocus()
    qtbot.keyClick(dialog.folder_buttons["Data"], Qt.Key_Return)
    assert not dialog.isVisible() and dialog.opened == []
    # A click (or Space) on it still opens its folder.
    dialog.show()
    dialog.folder_buttons["Models"].click()
    assert dialog.opened == [dialog.folders["Models"]]


def test_tab_goes_through_the_buttons_in_the_order_they_are_seen(dialog, qtbot):
    """The five Open buttons top to bottom, then Copy details, then Close, as they stand left to
    right (Tab reached Close before Copy details, to its left)."""
    seen = []
    widget = QApplication.focusWidget()
    for _ in range(len(dialog.folder_buttons) + 2):
        qtbot.keyClick(widget, Qt.Key_Tab)
        widget = QApplication.focusWidget()
        seen.append(widget)
    assert seen == [*dialog.folder_buttons.values(), dialog.copy_button, close_button(dialog)]
    assert dialog.copy_button.x() < close_button(dialog).x()
    qtbot.keyClick(widget, Qt.Key_Backtab)
    assert QApplication.focusWidget() is dialog.copy_button


def test_each_open_button_says_which_folder_it_opens(dialog):
    names = [button.accessibleName() for button in dialog.folder_buttons.values()]
    assert names == [f"Open the {name} folder" for name in dialog.folder_buttons]
