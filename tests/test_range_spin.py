"""The range spin boxes every tab uses (gui/widgets/range_spin.py): what was typed and not taken
puts back the value the box had before the edit began, and the message quotes what was typed
and names the value kept. Before, typing 10000 into a 0-9,999 index that read 1 left it at 1000
(each digit was taken as it was typed, and the last one was dropped) while the message said
"10000 was not taken (it stays 1000)"; "abc" was reported as "c was not taken"."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget
from typing_support import focus_window, type_into

from vae_desktop.gui.widgets.range_spin import RangeDoubleSpinBox, RangeSpinBox, Refusals


class Boxes(QWidget):
    """An index box (0 to 9,999), a pen box (4 to 60 px) and a threshold box (50.0 to 99.9 %),
    with what each says and every value each takes."""

    def __init__(self) -> None:
        super().__init__()
        self.index = RangeSpinBox("The index of Start (A)")
        self.index.setRange(0, 9999)
        self.index.setValue(1)
        self.pen = RangeSpinBox("Pen")
        self.pen.setRange(4, 60)
        self.pen.setSuffix(" px")
        self.pen.setValue(22)
        self.threshold = RangeDoubleSpinBox("Unusual above")
        self.threshold.setDecimals(1)
        self.threshold.setRange(50.0, 99.9)
        self.threshold.setSuffix(" %")
        self.threshold.setValue(95.0)
        self.said: list[str] = []
        self.values: list = []
        layout = QVBoxLayout(self)
        for box in (self.index, self.pen, self.threshold):
            layout.addWidget(box)
            box.refused.connect(self.said.append)
            box.valueChanged.connect(self.values.append)


@pytest.fixture
def boxes(qtbot):
    widget = Boxes()
    qtbot.addWidget(widget)
    focus_window(qtbot, widget)
    return widget


@pytest.mark.parametrize("key", [Qt.Key_Return, Qt.Key_Tab])
def test_a_number_out_of_range_puts_back_the_value_before_the_edit(boxes, qtbot, key):
    type_into(qtbot, boxes.index, "10000", key)
    assert boxes.index.value() == 1 and boxes.index.text() == "1"
    assert boxes.said[-1] == ("The index of Start (A) must be from 0 to 9,999: 10000 was not "
                              "taken (it stays 1).")
    type_into(qtbot, boxes.pen, "100", key)
    assert boxes.pen.value() == 22 and boxes.pen.text() == "22 px"
    assert boxes.said[-1] == "Pen must be from 4 to 60: 100 was not taken (it stays 22 px)."
    type_into(qtbot, boxes.threshold, "150", key)
    assert boxes.threshold.value() == 95.0
    assert boxes.said[-1] == ("Unusual above must be from 50.0 to 99.9: 150 was not taken "
                              "(it stays 95.0 %).")


def test_the_value_goes_back_as_soon_as_the_typing_cannot_be_taken(boxes, qtbot):
    """What uses the box follows it: 1, 10, 100 and 1000 are taken as they are typed (keyboard
    tracking), and the fifth digit puts 1 back at once, the typed text staying to be mended."""
    boxes.index.setFocus()
    boxes.index.selectAll()
    qtbot.keyClicks(boxes.index.lineEdit(), "10000")
    assert boxes.values == [10, 100, 1000, 1]
    assert boxes.index.value() == 1 and boxes.index.text() == "10000"
    assert boxes.said == ["The index of Start (A) must be from 0 to 9,999: 10000 was not taken "
                          "(it stays 1)."]
    qtbot.keyClick(boxes.index.lineEdit(), Qt.Key_Backspace)  # 1000 is in range: taken
    qtbot.keyClick(boxes.index.lineEdit(), Qt.Key_Return)
    assert boxes.index.value() == 1000 and boxes.values[-1] == 1000


def test_the_message_quotes_all_that_was_typed(boxes, qtbot):
    type_into(qtbot, boxes.index, "abc", Qt.Key_Return)
    assert boxes.index.value() == 1 and boxes.index.text() == "1"
    assert boxes.said[-1].endswith(": abc was not taken (it stays 1).")
    type_into(qtbot, boxes.pen, "3", Qt.Key_Tab)  # below the range (Qt would wait for a 2nd digit)
    assert boxes.pen.value() == 22
    assert boxes.said[-1] == "Pen must be from 4 to 60: 3 was not taken (it stays 22 px)."
    type_into(qtbot, boxes.index, "123456789012345678901234567890", Qt.Key_Return)
    assert boxes.said[-1].endswith(": 12345678901234567890… was not taken (it stays 1).")


def test_the_edit_begins_after_the_last_value_taken(boxes, qtbot):
    """An arrow step, Enter or the program's own change is a value taken: a refused edit after it
    goes back to it, not to an older value."""
    box = boxes.index
    type_into(qtbot, box, "40", Qt.Key_Return)
    box.setFocus()
    qtbot.keyClick(box.lineEdit(), Qt.Key_Up)
    assert box.value() == 41
    box.selectAll()
    qtbot.keyClicks(box.lineEdit(), "99999")
    qtbot.keyClick(box.lineEdit(), Qt.Key_Return)
    assert box.value() == 41 and boxes.said[-1].endswith("99999 was not taken (it stays 41).")
    box.setValue(7)  # e.g. New samples picks a seed while the box has the focus
    box.selectAll()
    qtbot.keyClicks(box.lineEdit(), "x")
    qtbot.keyClick(box.lineEdit(), Qt.Key_Tab)
    assert box.value() == 7 and boxes.said[-1].endswith("x was not taken (it stays 7).")


def test_a_value_in_range_is_taken_without_a_word(boxes, qtbot):
    type_into(qtbot, boxes.index, "9999", Qt.Key_Return)
    type_into(qtbot, boxes.threshold, "97.5", Qt.Key_Tab)
    assert boxes.index.value() == 9999 and boxes.threshold.value() == 97.5
    assert boxes.said == []


def test_a_box_with_a_word_for_its_lowest_value(qtbot):
    """"all" for 0 images is taken when typed, and is no refusal."""
    box = RangeSpinBox("Training images")
    box.setRange(0, 60000)
    box.setSpecialValueText("all")
    said = []
    box.refused.connect(said.append)
    qtbot.addWidget(box)
    focus_window(qtbot, box)
    type_into(qtbot, box, "500", Qt.Key_Return)
    type_into(qtbot, box, "all", Qt.Key_Return)
    assert box.value() == 0 and box.text() == "all" and said == []
    type_into(qtbot, box, "70000", Qt.Key_Return)
    assert box.value() == 0
    assert set(said) == {"Training images must be from 0 to 60,000: 70000 was not taken (it stays "
                         "all)."}



def test_a_refusal_shows_until_a_box_of_its_group_takes_a_value(boxes, qtbot):
    """One message line for several boxes: a refusal shows until one of them takes a value, typed,
    stepped or set by the program; Enter on the value a box kept is no value taken."""
    said: list[str] = []
    refusals = Refusals([boxes.index, boxes.pen])
    refusals.changed.connect(said.append)
    type_into(qtbot, boxes.pen, "30", Qt.Key_Return)
    assert said == []  # nothing was refused
    type_into(qtbot, boxes.index, "10000", Qt.Key_Return)
    # Said as the fifth digit is typed, and again on Enter.
    assert said == 2 * [boxes.said[-1]] and refusals.box is boxes.index
    type_into(qtbot, boxes.index, "1", Qt.Key_Return)  # the kept value again
    qtbot.keyClick(boxes.index.lineEdit(), Qt.Key_Return)
    assert boxes.index.value() == 1 and len(said) == 2
    type_into(qtbot, boxes.threshold, "97", Qt.Key_Return)  # not of the group
    assert len(said) == 2
    type_into(qtbot, boxes.pen, "31", Qt.Key_Return)  # another box of the group takes a value
    assert said[2:] == [""] and refusals.box is None and refusals.message == ""
    boxes.pen.setFocus()
    qtbot.keyClick(boxes.pen.lineEdit(), Qt.Key_Up)
    assert said[2:] == [""]  # nothing more to take away
    type_into(qtbot, boxes.pen, "abc", Qt.Key_Return)
    assert said[-1] == boxes.said[-1] and refusals.box is boxes.pen  # said at each keystroke
    boxes.index.setValue(40)  # the program's change is a value taken too
    assert said[-1] == "" and "" not in said[3:-1]
