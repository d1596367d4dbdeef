"""The Draw tab's canvas with its pen, Undo, Clear, Open and Export buttons, and a line that says
what is on the canvas (or what went wrong), word-wrapped so that a long message is read whole.

In a short tab (a 1280x720 screen) the buttons and the message stand in a column beside the
canvas, so that the rows under it keep room for the scores and the plots; in a tall one they
stand in a row under the canvas, which grows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.draw_canvas import MAX_PEN, MIN_PEN, DrawCanvas
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.range_spin import RangeSpinBox, Refusals
from vae_desktop.gui.widgets.wrapping_label import WrappingLabel

HINT = "Esc clears · Ctrl+Z undoes · wheel sets the pen"
HINT_COLUMN = HINT.replace(" · ", "\n")  # one key a line, in the column beside the canvas
# An error's orange as on a white window, made as dark (light window) or as light (dark one) as
# text must be to read there (widgets.tones): fixed, it read at 2.4:1 on the light window.
ERROR_COLOUR = "#e8833a"
MESSAGE_COLOUR = HINT_COLOUR
COLUMN_WIDTH = 150  # the buttons' column beside the canvas, in a short tab
ROW_LINES = 2  # lines kept for the message under the buttons' row, in a tall tab


class MessageLabel(WrappingLabel):
    """A word-wrapped label at least as tall as its text needs at its width."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Minimum)
        self.lines = 1  # at least this many lines are kept

    def fit(self) -> None:
        """Keep the height the text needs at the label's width (or `lines` lines)."""
        needed = self.text_height(max(40, self.contentsRect().width()))
        height = max(needed, self.lines * self.fontMetrics().lineSpacing()) + 2
        if height != self.minimumHeight():
            self.setMinimumHeight(height)

    def setText(self, text: str) -> None:  # noqa: N802 (QLabel's name)
        super().setText(text)
        self.fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit()


class CanvasPanel(QGroupBox):
    def __init__(self, pen_width: int) -> None:
        super().__init__("Drawing")
        self.canvas = DrawCanvas()
        self.pen_box = QWidget()  # the pen's label and box stay together in either arrangement
        pen_row = QHBoxLayout(self.pen_box)
        pen_row.setContentsMargins(0, 0, 0, 0)
        pen_label = QLabel("Pen")
        pen_row.addWidget(pen_label)
        self.pen_spin = RangeSpinBox("Pen")  # says what it did not take, in the line below
        pen_label.setBuddy(self.pen_spin)
        self.pen_spin.setRange(MIN_PEN, MAX_PEN)
        self.pen_spin.setSuffix(" px")
        self.pen_spin.setToolTip("Pen width in canvas pixels (mouse wheel over the canvas too).\n"
                                 "MNIST strokes are about 2-3 of its pixels wide: 20-30 here.")
        self.pen_spin.setValue(min(MAX_PEN, max(MIN_PEN, pen_width)))
        self.canvas.set_pen_width(self.pen_spin.value())
        pen_row.addWidget(self.pen_spin, 1)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Undo the last stroke, clear or load (Ctrl+Z)")
        self.undo_button.setEnabled(False)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Start again with an empty canvas (Esc)")
        self.open_button = QPushButton("Open image…")
        self.open_button.setToolTip("Load a PNG or JPEG of a digit, any size, dark-on-light or "
                                    "light-on-dark. You can also drop a file on the canvas.")
        self.export_button = QPushButton("Export PNG…")  # the tab sets its tooltip and action
        self.buttons = (self.undo_button, self.clear_button, self.open_button, self.export_button)
        self.message_label = MessageLabel(HINT)  # the whole message, wrapped
        tones.set_tone(self.message_label, MESSAGE_COLOUR)
        self._grid = QGridLayout(self)
        self._grid.setHorizontalSpacing(10)
        self._compact: bool | None = None
        self._message, self._error = HINT, False
        self.set_compact(False)
        self._refusal: str | None = None  # a box's refusal of what was typed, while shown
        self._before_refusal = (HINT, False)  # the message it stands in front of
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Preferred)

        self.canvas.pen_width_changed.connect(self.pen_spin.setValue)
        self.pen_spin.valueChanged.connect(self.canvas.set_pen_width)
        Refusals([self.pen_spin], self).changed.connect(self._show_refusal)
        self.undo_button.clicked.connect(self.canvas.undo)
        self.clear_button.clicked.connect(self.canvas.clear)

    @property
    def compact(self) -> bool:
        """True when the buttons and the message stand in a column beside the canvas."""
        return bool(self._compact)

    def set_compact(self, compact: bool) -> None:
        """Buttons and message in a column beside the canvas (True), or in rows under it."""
        if compact == self._compact:
            return
        self._compact = compact
        grid = self._grid
        for widget in (self.canvas, self.pen_box, *self.buttons, self.message_label):
            grid.removeWidget(widget)
        for i in range(8):
            grid.setRowStretch(i, 0)
            grid.setColumnStretch(i, 0)
        if compact:
            rows = 1 + len(self.buttons)  # the pen, the buttons
            grid.addWidget(self.canvas, 0, 0, rows + 2, 1, Qt.AlignTop)
            for row, widget in enumerate((self.pen_box, *self.buttons)):
                grid.addWidget(widget, row, 1)
            grid.addWidget(self.message_label, rows, 1)
            grid.setRowStretch(rows + 1, 1)
            for widget in (self.pen_box, *self.buttons, self.message_label):
                widget.setFixedWidth(COLUMN_WIDTH)
            self.message_label.lines = 1
        else:
            columns = 2 + len(self.buttons)  # the pen, a stretch, the buttons
            grid.addWidget(self.canvas, 0, 0, 1, columns, Qt.AlignHCenter)
            grid.addWidget(self.pen_box, 1, 0)
            grid.setColumnStretch(1, 1)
            for column, button in enumerate(self.buttons, start=2):
                grid.addWidget(button, 1, column)
            grid.addWidget(self.message_label, 2, 0, 1, columns)
            for widget in (self.pen_box, *self.buttons):
                widget.setMinimumWidth(0)
                widget.setMaximumWidth(16_777_215)
            self.message_label.setMinimumWidth(0)
            self.message_label.setMaximumWidth(16_777_215)
            self.message_label.lines = ROW_LINES
        self._show_text()

    @property
    def message(self) -> str:
        """The line under the canvas, in full."""
        return self._message

    def _show_refusal(self, text: str) -> None:
        """Why the pen box did not take what was typed, in front of the message under the
        canvas; "": the box took a value, and the message the refusal covered comes back."""
        if text:
            if self._refusal is None or self._message != self._refusal:
                self._before_refusal = (self._message, self._error)
            self._refusal = text
            self.set_message(text, error=True)
            return
        if self._refusal is not None and self._message == self._refusal:
            self.set_message(*self._before_refusal)
        self._refusal = None

    def set_message(self, text: str, error: bool = False) -> None:
        """Say `text` under the canvas, whole (wrapped), in the error colour when `error`."""
        if (text, error) == (self._message, self._error):
            return
        self._message, self._error = text, error
        self._show_text()
        tones.set_tone(self.message_label, ERROR_COLOUR if error else MESSAGE_COLOUR)

    def _show_text(self) -> None:
        text = self._message
        self.message_label.setText(HINT_COLUMN if text == HINT and self.compact else text)
