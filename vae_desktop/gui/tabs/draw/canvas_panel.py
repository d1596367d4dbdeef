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
    QSpinBox,
    QVBoxLayout,
)

from vae_desktop.gui.widgets.draw_canvas import MAX_PEN, MIN_PEN, DrawCanvas
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR

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
        self.pen_spin = QSpinBox()
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
        self._message = HINT
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Preferred)

        self.canvas.pen_width_changed.connect(self.pen_spin.setValue)
        self.pen_spin.valueChanged.connect(self.canvas.set_pen_width)
        self.undo_button.clicked.connect(self.canvas.undo)
        self.clear_button.clicked.connect(self.canvas.clear)

    @property
    def message(self) -> str:
        """The line under the canvas, in full."""
        return self._message

    def set_message(self, text: str, error: bool = False) -> None:
        self._message = text
        width = self.canvas.width() + 80
        self.message_label.setText(
            self.message_label.fontMetrics().elidedText(text, Qt.ElideMiddle, width))
        self.message_label.setToolTip(text if text != HINT else "")
        self.message_label.setStyleSheet(f"color: {ERROR_COLOUR if error else MESSAGE_COLOUR};")
