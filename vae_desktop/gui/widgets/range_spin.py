"""Spin boxes that say what they would not take. Qt's drop it without a word: a keystroke that
would leave the range is ignored ("20000" epochs becomes 2,000), and a value below the range is
put back when the box is left ("0" epochs goes back to 10)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox


class _Refusing:
    """`refused(text)`: the text typed that was not taken (the box keeps its value)."""

    def validate(self, text: str, pos: int):
        result = super().validate(text, pos)
        if result[0] == QValidator.Invalid and self.hasFocus():  # typed, not set by the program
            self.refused.emit(self._typed(text))
        return result

    def focusOutEvent(self, event) -> None:
        self._check_left()
        super().focusOutEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            self._check_left()
        super().keyPressEvent(event)

    def _check_left(self) -> None:
        """Left with a value out of range (below it: Qt puts the old value back)."""
        text = self.lineEdit().text()
        typed = self._typed(text)
        if typed and super().validate(text, 0)[0] == QValidator.Intermediate:
            self.refused.emit(typed)

    def _typed(self, text: str) -> str:
        return text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()


class RangeSpinBox(_Refusing, QSpinBox):
    refused = Signal(str)


class RangeDoubleSpinBox(_Refusing, QDoubleSpinBox):
    refused = Signal(str)
