"""The Sweep tab's status line says all it says: a long one wraps to the width beside the live
label and the progress bar, and the tab still fits its page. At 1280x720 the instruction after a
sweep that ran nothing was cut, with no ellipsis and no tooltip: "… Press Load to use it, or type
another study na"."""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication
from test_sweep_tab import make_tab

LONG = ("No trial was run: study <b>vae-sweep</b> was trained on another budget. Press Load to "
        "use it, or type another study name.")
SHORT = "Study <b>demo</b> (3 earlier trials): running 2 trials of 1 epoch"
PAGE = (1280, 620)  # the tab's page in a window of 1280x720 (its menu, tab bar, status bar)


def needed_height(label, width: int) -> int:
    """Pixels the label's rich text takes wrapped to `width`."""
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setDocumentMargin(0)
    doc.setHtml(label.text())
    doc.setTextWidth(width)
    return math.ceil(doc.size().height())


def shown_tab(qtbot, state, size=PAGE):
    tab = make_tab(qtbot, state)
    tab.resize(*size)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def test_a_long_status_wraps_and_is_read_whole(qtbot, state):
    tab = shown_tab(qtbot, state)
    label = tab.view.status_label
    tab.view.set_live("● Live · read 15:40:02")
    tab.view.show_progress(0.5)
    tab.view.set_status(LONG)
    QApplication.processEvents()
    line = label.fontMetrics().lineSpacing()
    assert needed_height(label, label.width()) > line  # it does not fit one line here
    assert label.height() >= needed_height(label, label.width())  # every line shown
    # Beside the live label and the progress bar, not under them.
    assert label.geometry().right() < tab.view.live_label.geometry().left()
    # The table under it keeps most of its room, and the form its place.
    assert tab.view.table.height() > 150
    start = tab.start_button.mapTo(tab, QPoint(0, 0))
    tab.view.set_status(SHORT)
    QApplication.processEvents()
    assert label.height() < 2 * line  # one line again
    assert tab.start_button.mapTo(tab, QPoint(0, 0)) == start


def test_the_tab_still_fits_its_page_with_a_long_status(qtbot, state):
    tab = shown_tab(qtbot, state)
    tab.view.set_status(LONG)
    QApplication.processEvents()
    assert tab.minimumSizeHint().height() <= PAGE[1]
    assert not tab.view.status_label.hasHeightForWidth()  # the page sizes no tab by it
