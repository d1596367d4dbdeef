"""Spin boxes that say what they would not take. Qt's drop it without a word: a keystroke that
would leave the range is ignored ("20000" epochs becomes 2,000), and a value below the range is
put back when the box is left ("0" epochs goes back to 10)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox, QWidget

from vae_desktop.core.settings import Setting


class _Refusing:
    """`refused(message)`: why what was typed was not taken (the box keeps its value). `what`:
    the setting of the table the box edits (the message is then the table's words), or what
    the box holds ("Trials")."""

    def __init__(self, what: Setting | str = "The value", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._what = what

    def validate(self, text: str, pos: int):
        result = super().validate(text, pos)
        if result[0] == QValidator.Invalid and self.hasFocus():  # typed, not set by the program
            self.refused.emit(self._why(self._typed(text)))
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
            self.refused.emit(self._why(typed))

    def _typed(self, text: str) -> str:
        return text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()

    def _why(self, typed: str) -> str:
        # The value kept, as the box shows it (its text may still be what was typed).
        if self.specialValueText() and self.value() == self.minimum():
            kept = self.specialValueText()
        else:
            kept = self.prefix() + self.textFromValue(self.value()) + self.suffix()
        what = self._what
        rule = (f"{what.label} must be {what.range_text()}" if isinstance(what, Setting) else
                f"{what} must be from {self._number(self.minimum())} to "
                f"{self._number(self.maximum())}")
        return f"{rule}: {typed} was not taken (it stays {kept})."

    def _number(self, x: float) -> str:
        return f"{x:,}" if isinstance(x, int) else self.textFromValue(x)


class RangeSpinBox(_Refusing, QSpinBox):
    refused = Signal(str)


class RangeDoubleSpinBox(_Refusing, QDoubleSpinBox):
    refused = Signal(str)
