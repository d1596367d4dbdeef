"""The Train form's Digits row: which digits a run trains on, as `vae-desktop train --digits`
chooses them (the Evaluate tab's held-out models are trained without one).

Ten toggles, 0 to 9, all on by default; one of them always stays on (the run needs images). Ten
check boxes with their digits are 320 px wide, more than the form's field column has at 1280x720
(222 px): toggles, highlighted while on, fit in one row. The row is one Tab stop (Tab reaches the
first digit and leaves after any); the arrow keys, Home and End move between the digits and Space
turns one on or off.

Its value is `digits()`: the digits on, as a sorted tuple, or None for all ten (what a checkpoint's
train_config records as None, and TrainRequest.digits takes). `parse_digits` (core.trained_on's,
importable from here) reads a value of it from a checkpoint, the Sweep tab or the form's settings,
and `digits_text` writes one for the settings."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QToolButton, QWidget

from vae_desktop.core.trained_on import parse_digits as parse_digits
from vae_desktop.core.wording import DIGITS
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.focus_frame import ring_style

ROW_TIP = ("The digits the run trains on: highlighted ones are in. Click a digit (or move to it "
           "with the arrow keys and press Space) to leave it out, as the Evaluate tab's "
           "held-out models are trained without one (vae-desktop train --digits). At least one "
           "stays in.")
REFUSED = ("At least one digit must stay in, or the run has no images to train on: "
           "the {digit}s stay.")
# Drawn from the palette, so that the toggles follow the app's colours: on is highlighted.
STYLE = """
QToolButton { border: 1px solid palette(mid); border-radius: 3px; background: palette(base);
              color: palette(text); padding: 2px 0px; }
QToolButton:hover { border-color: palette(highlight); }
QToolButton:checked { background: palette(highlight); color: palette(highlighted-text);
                      border-color: palette(highlight); }
QToolButton:disabled { color: palette(mid); background: palette(window); }
QToolButton:checked:disabled { background: %(in_box)s; color: %(in_text)s;
                               border-color: palette(mid); }
""" + ring_style("QToolButton", background=None)  # the keyboard focus, as the other digit rows'

IN_SHADE = 0.18  # a digit that is in, while the row is off: its box this far towards the text
MOVES = {Qt.Key_Left: -1, Qt.Key_Up: -1, Qt.Key_Right: 1, Qt.Key_Down: 1}


def row_style(palette: QPalette) -> str:
    """The toggles' style sheet for `palette`. While the row is off (a run goes on), a digit
    that is in keeps a box of its own, a shade towards the text colour, with its digit readable
    on it (palette(midlight) was a light grey on a dark palette too, under light digits)."""
    # The active colours, as a style sheet's palette() reads them, whether the row is on or off.
    window = palette.color(QPalette.Active, QPalette.Window)
    text = palette.color(QPalette.Active, QPalette.Text)
    in_box = QColor.fromRgbF(*(w + (t - w) * IN_SHADE for w, t in zip(
        window.getRgbF()[:3], text.getRgbF()[:3], strict=True)))
    return STYLE % {"in_box": in_box.name(), "in_text": tones.readable(text, in_box).name()}


def digits_text(digits: tuple[int, ...] | None) -> str:
    """The value as QSettings keeps it: "all", or "0,1,3"."""
    return "all" if digits is None else ",".join(map(str, digits))


class DigitsRow(QWidget):
    changed = Signal()  # a digit was turned on or off (or set)
    refused = Signal(str)  # why the last digit on stays on

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes: list[QToolButton] = []
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        for digit in DIGITS:
            box = QToolButton()
            box.setText(str(digit))
            box.setCheckable(True)
            box.setChecked(True)
            # A lone digit says nothing to a screen reader: what pressing it does, and the
            # row's help (on or off is the toggle's own state).
            box.setAccessibleName(f"Train on digit {digit}")
            box.setAccessibleDescription(ROW_TIP)
            box.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
            box.setMinimumWidth(box.fontMetrics().horizontalAdvance("0") + 10)
            # One Tab stop for the row: the first digit; the arrows reach the others.
            box.setFocusPolicy(Qt.StrongFocus if digit == 0 else Qt.ClickFocus)
            box.toggled.connect(lambda on, digit=digit: self._toggled(digit, on))
            box.installEventFilter(self)
            self.boxes.append(box)
            row.addWidget(box)
        # As wide as the field column is, never wider: the toggles share what it has (their own
        # wish, about 250 px, widened the whole left column at 1280x720).
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.setMinimumWidth(sum(box.minimumWidth() for box in self.boxes)
                             + row.spacing() * (len(self.boxes) - 1))
        self._setting = False  # set_digits is turning boxes on and off
        self.set_tooltips(None)
        self._style_boxes()
        tones.follow_palette(self, self._style_boxes)  # a theme switched: the boxes follow

    def _style_boxes(self) -> None:
        style = row_style(self.palette())
        for box in self.boxes:
            if box.styleSheet() != style:
                box.setStyleSheet(style)

    def digits(self) -> tuple[int, ...] | None:
        """The digits on, sorted; None when all ten are."""
        on = tuple(d for d, box in enumerate(self.boxes) if box.isChecked())
        return None if on == DIGITS else on

    def set_digits(self, digits: Iterable[int] | None) -> None:
        """Turn on `digits` (None: all) and the others off; `parse_digits` has checked them."""
        wanted = set(DIGITS if digits is None else digits)
        self._setting = True
        try:
            for digit, box in enumerate(self.boxes):
                box.setChecked(digit in wanted)
        finally:
            self._setting = False
        self.changed.emit()

    def set_tooltips(self, note: str | None) -> None:
        """The row's help, and `note` after it (why it is off), on the row and each digit."""
        tail = f"\n\n{note}" if note else ""
        self.setToolTip(ROW_TIP + tail)
        for digit, box in enumerate(self.boxes):
            box.setToolTip(f"Train on the {digit}s (highlighted: in). Click to leave them out "
                           f"or take them in again.{tail}")

    def _toggled(self, digit: int, on: bool) -> None:
        if self._setting:
            return
        if not on and not any(box.isChecked() for box in self.boxes):
            box = self.boxes[digit]
            box.blockSignals(True)
            box.setChecked(True)
            box.blockSignals(False)
            self.refused.emit(REFUSED.format(digit=digit))
            return
        self.changed.emit()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.KeyPress and watched in self.boxes:
            index = self.boxes.index(watched)
            key = event.key()
            target = None
            if key in MOVES:
                target = index + MOVES[key]
            elif key == Qt.Key_Home:
                target = 0
            elif key == Qt.Key_End:
                target = len(self.boxes) - 1
            if target is not None:
                if 0 <= target < len(self.boxes):
                    self.boxes[target].setFocus(Qt.TabFocusReason)
                return True
            if key == Qt.Key_Backtab and index > 0:  # out of the row, not back to its first
                self.boxes[0].setFocus(Qt.BacktabFocusReason)
                self.focusNextPrevChild(False)
                return True
        return super().eventFilter(watched, event)
