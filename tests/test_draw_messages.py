"""What the line under the Draw tab's canvas says when the drawing cannot be scored as it is: a
canvas covered in ink (it was taken for an empty one: "Draw a digit"), and a mere dot (scaled up
to a blob without a word)."""

from __future__ import annotations

import pytest
from draw_tab_support import SEVEN, settled, short_test_set, shown_tab, stroke
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from vae_desktop.gui.tabs.draw.canvas_panel import HINT
from vae_desktop.gui.widgets.draw_canvas import SIDE


@pytest.fixture
def tab(qtbot, app_state, mnist_test, monkeypatch):
    state = short_test_set(app_state, mnist_test, monkeypatch)
    return shown_tab(qtbot, state, conditional=True, latent_dim=2)


def cover_in_ink(qtbot, tab) -> None:
    """Paint the whole canvas with the widest pen (60 of its 280 pixels), a row every 40 of
    them, as a person would (the widget may show the sheet larger)."""
    tab.canvas.set_pen_width(60)
    scale = tab.canvas.width() / SIDE
    for y in range(20, SIDE, 40):
        row = round(y * scale)
        stroke(qtbot, tab.canvas, [(0, row), (tab.canvas.width() - 1, row)], steps=4)


def test_a_canvas_all_ink_says_so(qtbot, tab):
    cover_in_ink(qtbot, tab)
    qtbot.waitUntil(lambda: not tab._timer.isActive())
    assert tab.canvas.to_array().min() == 255  # ink everywhere: one flat level
    assert tab.message == ("The canvas is all ink: there is no digit shape to crop and centre. "
                           "Press Esc to clear it or Ctrl+Z to undo.")
    assert tab.analysis is None and tab.state.drawing is None
    assert tab.verdict == "Nothing to score: the canvas is all ink"
    assert tab.guess_panel.guess_label.text() == "No digit shape to guess from"
    QTest.keyClick(tab.canvas, Qt.Key_Z, Qt.ControlModifier)  # a row of black again: a shape
    qtbot.waitUntil(lambda: settled(tab))
    assert tab.analysis is not None and tab.message == HINT


def test_a_dot_is_said_to_be_scaled_up(qtbot, tab):
    """One click makes a 22 px disc, which the model sees as a blob 20 of its 28 pixels wide."""
    qtbot.mouseClick(tab.canvas, Qt.LeftButton, pos=QPoint(SIDE // 2, SIDE // 2))
    qtbot.waitUntil(lambda: settled(tab))
    assert tab.analysis is not None
    assert tab.message == ("Only a dot: like every drawing it is scaled up to fill 20 of the "
                           "model's 28 pixels, so the model sees a blob. Draw the digit larger.")
    stroke(qtbot, tab.canvas, SEVEN)
    qtbot.waitUntil(lambda: settled(tab))
    assert tab.message == HINT


def test_a_stroke_being_drawn_is_not_called_a_dot(qtbot, tab):
    """Every stroke starts as a dot: no hint comes and goes under the mouse."""
    messages = []
    real = tab.canvas_panel.set_message
    tab.canvas_panel.set_message = lambda text, *a, **k: (messages.append(text), real(text, *a, **k))
    stroke(qtbot, tab.canvas, SEVEN, steps=2)
    qtbot.waitUntil(lambda: settled(tab))
    assert not any(m.startswith("Only a dot") for m in messages)
