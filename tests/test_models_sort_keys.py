"""Sorting the Models list (File ▸ Models…) from the keyboard. A click on a column's title sorts
by it (again: the other way round; a third time: the list's own order); a keyboard user had no
way to. The Sort by box under the list picks the column and Reverse (Ctrl+R) the other way round:
the very sort a click on the title makes, its arrow on the title included, and a click on a title
shows in the box. And the third click now gives the list's own order back, as its tooltip says
(the rows stayed in the order of the second)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QComboBox
from quiet_window import quiet_window
from typing_support import focus_window

from vae_desktop.core import checkpoint
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.models_table import COLUMNS


def saved(name: str, epochs: int):
    model = new_model(1, latent_dim=2, hidden=16)
    history = [{"epoch": e + 1, "test_loss": 150.0 - e} for e in range(epochs)]
    return checkpoint.load(checkpoint.save(models_dir() / f"{name}.pt", model, history))


@pytest.fixture
def dialog(qtbot):
    window = quiet_window(qtbot)
    for name, epochs in (("beta", 7), ("alpha", 2)):
        window.state.add_model(saved(name, epochs), origin="trained", activate=False)
    dialog = window.show_models()
    focus_window(qtbot, dialog)
    return dialog


def order(dialog) -> list[str]:
    """The models' names, row by row."""
    return [dialog.model_at(row).name for row in range(dialog.table.rowCount())]


def epochs(dialog) -> list[int]:
    c = COLUMNS.index("Epochs")
    return [int(dialog.table.item(row, c).text()) for row in range(dialog.table.rowCount())]


def indicator(dialog) -> tuple[int, Qt.SortOrder]:
    header = dialog.table.horizontalHeader()
    return header.sortIndicatorSection(), header.sortIndicatorOrder()


def click_title(qtbot, dialog, title: str) -> None:
    header = dialog.table.horizontalHeader()
    c = COLUMNS.index(title)
    x = header.sectionViewportPosition(c) + header.sectionSize(c) // 2
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, header.height() // 2))


def tab_to(qtbot, dialog, wanted, steps: int = 12):
    """Press Tab from the list until the focus is on a widget `wanted` says yes to."""
    dialog.table.setFocus(Qt.TabFocusReason)
    for _ in range(steps):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
        widget = QApplication.focusWidget()
        if wanted(widget):
            return widget
    raise AssertionError("Tab never reached it")


def test_the_sort_by_box_and_reverse_sort_as_the_titles_do(dialog, qtbot):
    listed = order(dialog)
    assert listed == [m.name for m in dialog.state.models]  # the list's own order until asked otherwise
    box = tab_to(qtbot, dialog, lambda w: isinstance(w, QComboBox))
    assert box.accessibleName() == "Sort the models by"
    assert box.currentText() == "List order" and "Ctrl+R" in box.toolTip()
    qtbot.keyClick(box, Qt.Key_E)  # a combo box jumps to the entry that starts with the letter
    assert box.currentText() == "Epochs"
    assert indicator(dialog) == (COLUMNS.index("Epochs"), Qt.AscendingOrder)
    assert epochs(dialog) == sorted(epochs(dialog)) and len(set(epochs(dialog))) > 2
    qtbot.keyClick(box, Qt.Key_R, Qt.ControlModifier)
    assert indicator(dialog) == (COLUMNS.index("Epochs"), Qt.DescendingOrder)
    assert epochs(dialog) == sorted(epochs(dialog), reverse=True)
    reverse = dialog.sort_controls.reverse_button
    assert reverse.isChecked() and reverse.isEnabled()
    # The same sort as the title's clicks: a click on it now is its third, the list's order.
    ascending = order(dialog)
    click_title(qtbot, dialog, "Name")
    assert box.currentText() == "Name" and not reverse.isChecked()
    names = [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())]
    assert names == sorted(names, key=str.casefold)
    click_title(qtbot, dialog, "Name")
    assert box.currentText() == "Name" and reverse.isChecked()
    qtbot.keyClick(box, Qt.Key_Home)
    assert indicator(dialog)[0] == -1 and not reverse.isEnabled()
    assert order(dialog) == listed
    assert ascending != listed  # (the sorts above did change it)
    qtbot.keyClick(box, Qt.Key_R, Qt.ControlModifier)  # nothing to turn round
    assert indicator(dialog)[0] == -1 and order(dialog) == listed


def test_a_third_click_on_a_title_gives_the_lists_own_order_back(dialog, qtbot):
    listed = order(dialog)
    picked = dialog.state.models[1]
    dialog.select(picked)
    for _ in range(3):
        click_title(qtbot, dialog, "Epochs")
    assert indicator(dialog)[0] == -1
    assert order(dialog) == listed
    assert dialog.selected() is picked  # the model picked is still picked
