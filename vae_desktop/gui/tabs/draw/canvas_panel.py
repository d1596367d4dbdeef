"""The Draw tab's canvas with its pen, Undo, Clear and Open buttons, and one line below it that
says what is on the canvas (or what went wrong)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
)

from vae_desktop.gui.widgets.draw_canvas import MAX_PEN, MIN_PEN, DrawCanvas
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.range_spin import RangeSpinBox

HINT = "Esc clears · Ctrl+Z undoes · wheel sets the pen"
ERROR_COLOUR = "#e8833a"
MESSAGE_COLOUR = HINT_COLOUR


class CanvasPanel(QGroupBox):
    def __init__(self, pen_width: int) -> None:
        super().__init__("Drawing")
        layout = QVBoxLayout(self)
        self.canvas = DrawCanvas()
        layout.addWidget(self.canvas, 0, Qt.AlignHCenter)
        tools = QHBoxLayout()
        tools.addWidget(QLabel("Pen"))
        self.pen_spin = RangeSpinBox("Pen")  # says what it did not take, in the line below
        self.pen_spin.setRange(MIN_PEN, MAX_PEN)
        self.pen_spin.setSuffix(" px")
        self.pen_spin.setToolTip("Pen width in canvas pixels (mouse wheel over the canvas too).\n"
                                 "MNIST strokes are about 2-3 of its pixels wide: 20-30 here.")
        self.pen_spin.setValue(min(MAX_PEN, max(MIN_PEN, pen_width)))
        self.canvas.set_pen_width(self.pen_spin.value())
        tools.addWidget(self.pen_spin)
        tools.addStretch(1)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Undo the last stroke, clear or load (Ctrl+Z)")
        self.undo_button.setEnabled(False)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Start again with an empty canvas (Esc)")
        self.open_button = QPushButton("Open image…")
        self.open_button.setToolTip("Load a PNG or JPEG of a digit, any size, dark-on-light or "
                                    "light-on-dark. You can also drop a file on the canvas.")
        for button in (self.undo_button, self.clear_button, self.open_button):
            tools.addWidget(button)
        layout.addLayout(tools)
        self.message_label = QLabel(HINT)  # one line; a long message is elided, whole in the tooltip
        self.message_label.setStyleSheet(f"color: {MESSAGE_COLOUR};")
        layout.addWidget(self.message_label)
        self._message, self._error = HINT, False
        self._refusal: str | None = None  # a box's refusal of what was typed, while shown
        self._refused_at: tuple | None = None  # that box and the value it kept
        self._before_refusal = (HINT, False)  # the message it stands in front of
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Preferred)

        self.canvas.pen_width_changed.connect(self.pen_spin.setValue)
        self.pen_spin.valueChanged.connect(self.canvas.set_pen_width)
        self.watch_refusals(self.pen_spin)
        self.undo_button.clicked.connect(self.canvas.undo)
        self.clear_button.clicked.connect(self.canvas.clear)

    @property
    def message(self) -> str:
        """The line under the canvas, in full."""
        return self._message

    def watch_refusals(self, box) -> None:
        """Show why `box` (a RangeSpinBox: the pen's) did not take what was typed, until a box
        takes a value; then the message it covered comes back."""
        box.refused.connect(lambda text: self._show_refusal(text, box))
        box.valueChanged.connect(lambda value: self._value_taken(box, value))

    def _show_refusal(self, text: str, box) -> None:
        if self._refusal is None or self._message != self._refusal:
            self._before_refusal = (self._message, self._error)
        self._refusal, self._refused_at = text, (box, box.value())
        # Cut at the end if too long: the rule and what was typed stay in view (the box shows
        # the value it kept).
        self.set_message(text, error=True, elide=Qt.ElideRight)

    def _value_taken(self, box, value) -> None:
        if self._refusal is None or self._refused_at == (box, value):
            return  # Enter sends the value a box kept again: that is no value taken
        if self._message == self._refusal:
            self.set_message(*self._before_refusal)
        self._refusal = self._refused_at = None

    def set_message(self, text: str, error: bool = False, elide=Qt.ElideMiddle) -> None:
        self._message, self._error = text, error
        width = self.canvas.width() + 80
        self.message_label.setText(self.message_label.fontMetrics().elidedText(text, elide, width))
        self.message_label.setToolTip(text if text != HINT else "")
        self.message_label.setStyleSheet(f"color: {ERROR_COLOUR if error else MESSAGE_COLOUR};")
