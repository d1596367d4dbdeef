"""Spin boxes that say what they would not take. Qt's drop it without a word: a keystroke that
would leave the range is ignored ("20000" epochs becomes 2,000), and a value below the range is
put back when the box is left ("0" epochs goes back to 10).

Here what is typed stays in the box as typed, and an edit that cannot be taken puts back the
value the box had before the edit began: at once when no more typing could make it fit
("10000" for 0 to 9,999, "abc"), else when the box is left or Enter is pressed ("3" for 4 to 60).
The `refused` signal then says so, quoting what was typed and naming the value kept. A value in
range is taken as it is typed (keyboard tracking), as in any Qt spin box.

`Refusals` keeps one message line's refusal for a group of boxes: shown until one of them takes
a value."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox, QWidget

from vae_desktop.core.settings import Setting

QUOTED = 20  # characters of what was typed a message quotes
COMMIT_KEYS = (Qt.Key_Return, Qt.Key_Enter)


class _Refusing:
    """`refused(message)`: why what was typed was not taken (the box has put back its value from
    before the edit). `taken(value)`: a value taken, typed or set, unlike `valueChanged` neither
    the value put back nor the same value again (which Qt sends on Enter). `what`: the setting of
    the table the box edits (the message is then the table's words), or what the box holds
    ("Trials")."""

    def __init__(self, what: Setting | str = "The value", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._what = what
        self._before = None  # the value when the edit being typed began (None: no edit)
        self._typing = False  # between a typed change of the text and the box's reading of it
        self._putting_back = False  # the value from before the edit is being put back
        self._last = self.value()  # the value last taken
        self.valueChanged.connect(self._on_value_changed)
        # textEdited (typing, pasting) comes before textChanged, on which the box reads the
        # text: the value then is still the one from before the keystroke.
        self.lineEdit().textEdited.connect(self._on_text_edited)
        self.lineEdit().textChanged.connect(self._on_text_changed)

    def validate(self, text: str, pos: int):
        result = super().validate(text, pos)
        if result[0] == QValidator.Invalid and self.hasFocus():
            # Typed: it stays in the box as typed, so that it can be quoted and refused whole.
            return QValidator.Intermediate, text, pos
        return result

    def keyPressEvent(self, event) -> None:
        if event.key() in COMMIT_KEYS:
            self._settle()
        super().keyPressEvent(event)
        if event.key() in COMMIT_KEYS:
            self._before = None

    def focusInEvent(self, event) -> None:
        self._before = None
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        self._settle()
        self._before = None
        super().focusOutEvent(event)

    def stepBy(self, steps: int) -> None:
        super().stepBy(steps)
        self._before = None  # an arrow step, a wheel turn: a value taken

    def _on_text_edited(self, _text: str) -> None:
        if self._before is None:
            self._before = self.value()
        self._typing = True

    def _on_text_changed(self, text: str) -> None:
        if not self._typing or self._putting_back:
            return
        self._typing = False
        if self._before is not None and self._hopeless(text):
            self._refuse_now()

    def _on_value_changed(self, value) -> None:
        if not (self._typing or self._putting_back):
            self._before = None  # set by the program (or a step): the next edit begins here
        if value != self._last:
            self._last = value
            if not self._putting_back:
                self.taken.emit(value)

    def _hopeless(self, text: str) -> bool:
        """No more typing can make `text` a value of the box (Qt's own judgement; the start of
        its special value text, "all", may become it)."""
        special = self.specialValueText()
        if special and special.startswith(text):
            return False
        return super().validate(text, 0)[0] == QValidator.Invalid


    def _put_back(self) -> None:
        """The value from before the edit, quietly for the edit's bookkeeping."""
        if self._before is not None and self.value() != self._before:
            self._putting_back = True  # still the same edit
            try:
                self.setValue(self._before)
            finally:
                self._putting_back = False

    def _refuse_now(self) -> None:
        """Typing that cannot be taken: the value from before the edit comes back at once (what
        uses the box follows it), the typed text stays to be mended."""
        edit = self.lineEdit()
        text, pos = edit.text(), edit.cursorPosition()
        if self.value() != self._before:
            self._put_back()
            edit.setText(text)
            edit.setCursorPosition(pos)
        self.refused.emit(self._why(self._typed(text)))

    def _settle(self) -> None:
        """The box is left or Enter pressed: text it cannot take puts back the value from before
        the edit (and is said, unless the box was emptied)."""
        text = self.lineEdit().text()
        if self.specialValueText() and text == self.specialValueText():
            self.setValue(self.minimum())  # the word for the lowest value ("all"), typed
            return
        if super().validate(text, 0)[0] == QValidator.Acceptable:
            return
        typed = self._typed(text)
        self._put_back()
        self.lineEdit().setText(self._shown())
        if typed:
            self.refused.emit(self._why(typed))

    def _shown(self) -> str:
        """The value as the box shows it."""
        if self.specialValueText() and self.value() == self.minimum():
            return self.specialValueText()
        return self.prefix() + self.textFromValue(self.value()) + self.suffix()

    def _typed(self, text: str) -> str:
        return text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()

    def _why(self, typed: str) -> str:
        if len(typed) > QUOTED:
            typed = typed[:QUOTED] + "…"
        kept = self._shown()
        what = self._what
        rule = (f"{what.label} must be {what.range_text()}" if isinstance(what, Setting) else
                f"{what} must be from {self._number(self.minimum())} to "
                f"{self._number(self.maximum())}")
        return f"{rule}: {typed} was not taken (it stays {kept})."

    def _number(self, x: float) -> str:
        return f"{x:,}" if isinstance(x, int) else self.textFromValue(x)


class RangeSpinBox(_Refusing, QSpinBox):
    refused = Signal(str)
    taken = Signal(int)


class RangeDoubleSpinBox(_Refusing, QDoubleSpinBox):
    refused = Signal(str)
    taken = Signal(float)


class Refusals(QObject):
    """The refusal a group of boxes shows on one message line: `changed(message)` when a box
    refuses what was typed, `changed("")` when any of them next takes a value (the refusal is
    then old news). `box`: the box whose refusal shows (None: none shows)."""

    changed = Signal(str)

    def __init__(self, boxes: Iterable[RangeSpinBox | RangeDoubleSpinBox],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.message = ""
        self.box: RangeSpinBox | RangeDoubleSpinBox | None = None
        for box in boxes:
            box.refused.connect(lambda message, box=box: self._refused(message, box))
            box.taken.connect(self.clear)

    def clear(self, *_value) -> None:
        if self.box is not None:
            self.message, self.box = "", None
            self.changed.emit("")

    def _refused(self, message: str, box) -> None:
        self.message, self.box = message, box
        self.changed.emit(message)
