"""The Latent space tab's manifold grid size says what it did not take: "5" went back to 20
without a word. It still cannot take it; now the row under the plot says so, in the hint's place,
naming the box and its range (as the Train and Sweep forms and the Evaluate tab do). Its own
module: the shared tab's module fixture gives the state a short test set."""

from __future__ import annotations

from PySide6.QtCore import Qt
from typing_support import focus_window, type_into

pytest_plugins = ["latent_tab_support"]


def test_latent_grid_size_says_what_it_did_not_take(make_tab, qtbot):
    tab, _ = make_tab()
    focus_window(qtbot, tab)
    box, line = tab.plot.grid_spin, tab.plot.hint_label
    hint = line.text()
    for key in (Qt.Key_Tab, Qt.Key_Return):  # Enter sends the value kept again: not a value taken
        type_into(qtbot, box, "5", key)
        assert box.value() == 20
        assert line.text() == ("The grid size N must be from 10 to 30: 5 was not taken "
                               "(it stays N = 20).")
    type_into(qtbot, box, "12", Qt.Key_Return)  # a value taken: the hint again
    assert box.value() == 12 and line.text() == hint
