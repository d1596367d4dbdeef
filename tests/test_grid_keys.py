"""One way through a grid of cells from the keyboard (widgets.grid_keys), for the Evaluate tab's
gallery of pairs and an Interpolate strip's frames, which each had their own: the arrow keys move
the current cell (Up and Down by a row, staying put where there is no cell), Home and End go to
the first and the last, Enter or Space opens the current one; with a modifier, or with no cells,
a key is left to the widget. The current cell is outlined alike in both: the strip drew it in the
palette's highlight colour, 3 px; the gallery in a light blue, 1.4 image pixels."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from typing_support import focus_window

from vae_desktop.gui.tabs.interpolate.strip import FrameStrip
from vae_desktop.gui.widgets.gallery_pairs import PairGallery
from vae_desktop.gui.widgets.grid_keys import grid_key

COUNT, COLUMNS = 7, 3  # rows of 3, 3 and 1


def press(key, modifiers=Qt.NoModifier) -> QKeyEvent:
    return QKeyEvent(QEvent.KeyPress, key, modifiers)


@pytest.mark.parametrize("key, current, after", [
    (Qt.Key_Right, 2, 3), (Qt.Key_Left, 3, 2), (Qt.Key_Left, 0, 0), (Qt.Key_Right, 6, 6),
    (Qt.Key_Down, 3, 6), (Qt.Key_Down, 4, 4), (Qt.Key_Up, 4, 1), (Qt.Key_Up, 1, 1),
    (Qt.Key_Home, 5, 0), (Qt.Key_End, 1, 6)])
def test_the_keys_that_move_the_current_cell(qapp, key, current, after):
    assert grid_key(press(key), current, COUNT, COLUMNS) == (after, False)


def test_enter_and_space_open_the_current_cell_and_other_keys_are_left(qapp):
    for key, modifiers in ((Qt.Key_Return, Qt.NoModifier), (Qt.Key_Enter, Qt.KeypadModifier),
                           (Qt.Key_Space, Qt.NoModifier)):
        assert grid_key(press(key, modifiers), 4, COUNT, COLUMNS) == (4, True)
    assert grid_key(press(Qt.Key_Right, Qt.ShiftModifier), 4, COUNT, COLUMNS) is None
    assert grid_key(press(Qt.Key_A), 4, COUNT, COLUMNS) is None
    assert grid_key(press(Qt.Key_Right), 0, 0, COLUMNS) is None  # no cells


@pytest.fixture
def grids(qtbot):
    """A gallery of 7 pairs, 3 a row, and a strip of 7 frames on one row, focused in turn."""
    gallery = PairGallery(columns=COLUMNS, rows=3)
    qtbot.addWidget(gallery)
    digits = np.random.default_rng(0).random((COUNT, 28, 28)).astype(np.float32)
    gallery.set_pairs(digits, digits)
    strip = FrameStrip()
    qtbot.addWidget(strip)
    strip.resize(900, 150)
    strip.set_frames(torch.from_numpy(digits).unsqueeze(1), [f"{i}" for i in range(COUNT)])
    return gallery, strip


def test_the_gallery_and_a_strip_move_alike(grids, qtbot):
    for grid in grids:
        focus_window(qtbot, grid)
        grid.setFocus(Qt.TabFocusReason)
        qtbot.waitUntil(grid.hasFocus, timeout=2000)
        columns = grid.columns
        current = grid.current
        for key in (Qt.Key_Right, Qt.Key_Down, Qt.Key_End, Qt.Key_Up, Qt.Key_Left, Qt.Key_Home,
                    Qt.Key_Down, Qt.Key_Right):
            current = grid_key(press(key), current, COUNT, columns)[0]
            qtbot.keyClick(grid, key)
            assert grid.current == current, (type(grid).__name__, key)


def test_the_current_cell_is_outlined_alike(grids, qtbot):
    gallery, strip = grids
    marks = []
    for grid, mark in ((gallery, gallery.current_frame), (strip, strip.marker)):
        focus_window(qtbot, grid)
        grid.setFocus(Qt.TabFocusReason)
        qtbot.waitUntil(grid.hasFocus, timeout=2000)
        assert mark.isVisible()
        pen = mark.pen()
        marks.append((pen.color().name(), pen.widthF(), pen.isCosmetic()))
        grid.clearFocus()
        assert not mark.isVisible()
    assert marks[0] == marks[1]
