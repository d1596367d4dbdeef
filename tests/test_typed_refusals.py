"""The number boxes of the Draw and Interpolate tabs say what they did not take. Qt's spin
boxes drop it without a word: a keystroke that would leave the range is ignored ("300" steps
became 30) and a value below the range is put back when the box is left ("150" for the
threshold showed "15 %", then the old value). They still cannot take it; now the tab's message
line says so, naming the box and its range (as the Train and Sweep forms and the Evaluate tab
do), quoting all that was typed, and the box is back at its value from before the edit (typing
10000 into Start (A)'s index of 1 left test #1000 on show, each digit taken as it was typed,
while the message said "10000 was not taken (it stays 1000)"). The widget itself:
test_range_spin; the Latent space tab's box: test_latent_refusal."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from typing_support import focus_window, type_into

from vae_desktop.gui.tabs.draw.canvas_panel import HINT
from vae_desktop.gui.tabs.draw.tab import DrawTab
from vae_desktop.gui.tabs.interpolate.tab import InterpolateTab


@pytest.fixture
def draw_tab(qtbot, state):
    tab = DrawTab(state)  # no model needed for its boxes
    qtbot.addWidget(tab)
    tab.resize(1260, 740)
    focus_window(qtbot, tab)
    return tab


def test_draw_pen_and_threshold_say_what_they_did_not_take(draw_tab, qtbot):
    tab = draw_tab
    pen, threshold = tab.canvas_panel.pen_spin, tab.threshold_spin
    pen.setValue(22)
    type_into(qtbot, pen, "100", Qt.Key_Return)
    assert pen.value() == 22 and tab.canvas.pen_width() == 22  # the canvas follows the box
    assert tab.message == "Pen must be from 4 to 60: 100 was not taken (it stays 22 px)."
    shown = tab.canvas_panel.message_label.text()  # cut short at the end, if at all
    assert shown.startswith("Pen must be from 4 to 60: 100 was not taken"), shown
    type_into(qtbot, pen, "abc", Qt.Key_Return)
    assert pen.value() == 22
    assert tab.message == "Pen must be from 4 to 60: abc was not taken (it stays 22 px)."
    threshold.setValue(95.0)
    type_into(qtbot, threshold, "150")
    assert threshold.value() == 95.0
    line = tab.scores_panel.threshold_message  # under the box: the canvas's line is too short
    assert line.isVisible() and line.text() == ("Unusual above must be from 50.0 to 99.9: 150 "
                                                "was not taken (it stays 95.0 %).")
    type_into(qtbot, threshold, "97.5", Qt.Key_Return)
    assert threshold.value() == 97.5 and line.isHidden()
    type_into(qtbot, pen, "12", Qt.Key_Return)
    assert pen.value() == 12 and tab.message == HINT


def interpolate_tab(qtbot, state) -> InterpolateTab:
    """The Interpolate tab of mnist-vae-z2, with the keyboard, A taken from a test digit."""
    state.set_active(state.find_model(conditional=False, latent_dim=2))
    tab = InterpolateTab(state)
    qtbot.addWidget(tab)
    tab.resize(1200, 720)
    focus_window(qtbot, tab)
    tab.end_a.set_kind("index")
    return tab


def test_interpolate_boxes_say_what_they_did_not_take(app_state, qtbot):
    tab = interpolate_tab(qtbot, app_state)
    tab.refresh_now()
    cases = ((tab.steps_spin, "300", 10, "Frames must be from 2 to 30: 300 was not taken "
              "(it stays 10)."),
             (tab.end_a.index_spin, "10000", 1, "The index of Start (A) must be from 0 to "
              "9,999: 10000 was not taken (it stays 1)."),
             (tab.frame_ms, "5", 120, "The GIF's frame time must be from 20 to 2,000: 5 was "
              "not taken (it stays 120 ms)."))
    for (box, typed, kept, message), key in zip(cases, (Qt.Key_Return, Qt.Key_Tab, Qt.Key_Return),
                                                strict=True):
        type_into(qtbot, box, typed, key)
        qtbot.wait(20)  # the strips' refresh, on the next turn of the event loop
        assert box.value() == kept
        assert tab.message.isVisible() and message in tab.message.text(), tab.message.text()
    # The strips show what the message says: test #1, not #1000 (the digits taken on the way).
    assert tab.ends[0].caption.startswith("test #1,") and len(tab.codes["linear"]) == 10
    type_into(qtbot, tab.steps_spin, "12", Qt.Key_Return)
    qtbot.wait(20)
    assert tab.steps_spin.value() == 12 and tab.message.isHidden()


def test_an_interpolate_refusal_goes_with_its_box(app_state, qtbot):
    """Bug: after a refused index, A's source set to "The drawing on the Draw tab" left "…10000 was not
    taken (it stays 1)." in red under a box no longer shown, until another box took a value."""
    tab = interpolate_tab(qtbot, app_state)
    type_into(qtbot, tab.end_a.index_spin, "10000", Qt.Key_Return)
    assert "10000 was not taken" in tab.message.text()
    tab.end_a.set_kind("drawing")
    qtbot.wait(20)
    assert "was not taken" not in tab.message.text()
    assert "Empty canvas" in tab.message.text()  # what does apply is still said
    type_into(qtbot, tab.steps_spin, "99", Qt.Key_Return)  # a box still shown keeps its say
    tab.end_b.set_kind("random_code")
    qtbot.wait(20)
    assert "99 was not taken" in tab.message.text()
