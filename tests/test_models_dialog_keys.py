"""The Models dialog from the keyboard: Tab leaves the table for the buttons under it (Show in
folder and Close included) and Shift+Tab for Hide above it, without picking another model. The
bug: with Qt's tab-key navigation the table kept Tab, moving from cell to cell and row to row, so
no key reached Show in folder, Hide or Close, and each Tab picked another model."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from quiet_window import quiet_window
from typing_support import focus_window

from vae_desktop.core import checkpoint
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.models_dialog import ModelsDialog


def trained(name: str):
    model = new_model(1, latent_dim=2, hidden=16)
    return checkpoint.load(checkpoint.save(models_dir() / f"{name}.pt", model,
                                           [{"epoch": 1, "test_loss": 171.25}]))


@pytest.fixture
def dialog(qtbot):
    window = quiet_window(qtbot)
    window.state.load_notes = ["A note the start-up left, for the Hide button above the list."]
    own = window.state.add_model(trained("own"), origin="trained", activate=False)
    dialog = ModelsDialog(window.state, window)
    qtbot.addWidget(dialog)
    dialog.show()
    focus_window(qtbot, dialog)
    dialog.select(own)
    dialog.own = own
    return dialog


def close_button(dialog):
    return dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Close)


def walk(qtbot, dialog, key, steps: int = 12) -> list:
    """The widgets the focus goes to, pressing `key` from the table, until it is back there."""
    dialog.table.setFocus(Qt.TabFocusReason)
    seen = []
    for _ in range(steps):
        qtbot.keyClick(QApplication.focusWidget(), key)
        widget = QApplication.focusWidget()
        if widget is dialog.table:
            break
        seen.append(widget)
    return seen


def test_tab_goes_from_the_table_to_the_buttons_and_round(dialog, qtbot):
    seen = walk(qtbot, dialog, Qt.Key_Tab)
    assert seen[:2] == [dialog.activate_button, dialog.rename_button]
    assert dialog.folder_button in seen and close_button(dialog) in seen
    assert dialog.notice.hide_button in seen
    assert QApplication.focusWidget() is dialog.table  # and back, round the dialog
    assert dialog.selected() is dialog.own  # no Tab picked another model


def test_shift_tab_goes_from_the_table_to_hide_above_it(dialog, qtbot):
    dialog.table.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(dialog.table, Qt.Key_Backtab)
    assert QApplication.focusWidget() is dialog.notice.hide_button
    assert dialog.selected() is dialog.own


def test_tab_into_the_table_picks_no_model(dialog, qtbot):
    dialog.table.clearSelection()
    dialog.table.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(dialog.table, Qt.Key_Tab)
    assert QApplication.focusWidget() is not dialog.table
    assert not dialog.table.selectionModel().hasSelection()
    assert dialog.selected() is None


def test_the_arrow_keys_still_pick_a_model(dialog, qtbot):
    dialog.table.setFocus(Qt.TabFocusReason)
    row = dialog.row_of(dialog.own)
    qtbot.keyClick(dialog.table, Qt.Key_Up if row else Qt.Key_Down)
    assert dialog.selected() is not dialog.own
    assert dialog.selected() is dialog.model_at(row - 1 if row else row + 1)
