"""The keyboard focus on a row of digit buttons (Train's Digits, Conditional's digits, Latent
space's Decode as) is one ring, drawn alike on all three: the palette's highlight colour round a
digit not picked, the text's colour round the one picked, seen at 3:1 against the window around
it (WCAG's non-text contrast) on a light palette and on a dark one.

The bug: the three rows had three rings. Train's, in the palette's shadow colour, read at 2.7:1
on a dark window; Conditional's picked digit had a thicker one than the others."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget
from typing_support import focus_window

from vae_desktop.gui.tabs.conditional.picker import Controls
from vae_desktop.gui.tabs.latent.controls import LabelPicker
from vae_desktop.gui.tabs.train.digits_row import DigitsRow
from vae_desktop.gui.widgets.focus_frame import RING_PX
from vae_desktop.gui.widgets.tones import BORDER_CONTRAST, contrast


def train_digits(scope: QWidget):
    row = DigitsRow()
    row.boxes[3].setChecked(False)
    return row, row.boxes[4], row.boxes[3]  # the row, a digit in (picked), one left out


def conditional_digits(scope: QWidget):
    controls = Controls(scope)
    controls.digit_group.button(7).setChecked(True)
    return controls, controls.digit_group.button(7), controls.digit_group.button(3)


def latent_decode_as(scope: QWidget):
    picker = LabelPicker()
    picker.group.button(0).setChecked(True)
    return picker, picker.group.button(0), picker.group.button(4)


ROWS = {"Train digits": train_digits, "Conditional digits": conditional_digits,
        "Latent space Decode as": latent_decode_as}


def edge(qtbot, button, focused: bool, elsewhere) -> list[QColor]:
    """The colours across the button's left edge, RING_PX deep, with or without the focus."""
    (button if focused else elsewhere).setFocus(Qt.TabFocusReason)
    qtbot.waitUntil(lambda: button.hasFocus() == focused, timeout=2000)
    button.repaint()
    image = button.grab().toImage()
    return [image.pixelColor(x, image.height() // 2) for x in range(RING_PX)]


@pytest.mark.parametrize("make", ROWS.values(), ids=ROWS.keys())
def test_a_digit_with_the_focus_has_the_one_ring(qtbot, palette, make):
    window = QWidget()
    qtbot.addWidget(window)
    row, picked, other = make(window)
    elsewhere = QPushButton("Elsewhere")
    column = QVBoxLayout(window)
    column.addWidget(row)
    column.addWidget(elsewhere)
    focus_window(qtbot, window)
    behind = window.palette().color(window.backgroundRole())
    rings = {}
    for name, button in (("picked", picked), ("other", other)):
        ring = edge(qtbot, button, True, elsewhere)
        assert len({c.name() for c in ring}) == 1, [c.name() for c in ring]  # RING_PX solid
        assert ring != edge(qtbot, button, False, elsewhere)  # drawn only with the focus
        assert contrast(ring[0], behind) >= BORDER_CONTRAST, (name, ring[0].name())
        rings[name] = ring[0].name()
    colours = window.palette()
    assert rings == {"picked": colours.color(QPalette.WindowText).name(),
                     "other": colours.color(QPalette.Highlight).name()}
