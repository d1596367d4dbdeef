"""How the keyboard focus is drawn where the style draws none, so a keyboard user sees where the
keys go: `FocusFrame`, a frame over a plot's (or a canvas's) edge, and `ring_style`, a ring round
a digit button of a row that Tab and the arrow keys move through (Train's Digits, Conditional's
digits, Latent space's Decode as), the same on all three."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPainter, QPalette, QPen, QRegion
from PySide6.QtWidgets import QWidget

FRAME_PX = 2
RING_PX = 2  # the ring round a digit button with the focus
RING_RADIUS_PX = 3


class FocusFrame(QWidget):
    """A frame in the palette's highlight colour over `widget`'s edge while it has the focus.
    Drawn over it, taking no room: a border of its own (a style sheet's) shrank a plot by 4 px
    and cut the titles of its bottom axis at 1280x720."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.NoFocus)
        self.hide()
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind in (QEvent.FocusIn, QEvent.FocusOut):
            self._fit(watched)
            self.setVisible(kind == QEvent.FocusIn)
            self.raise_()
        elif kind == QEvent.Resize:
            self._fit(watched)
        return super().eventFilter(watched, event)

    def _fit(self, widget: QWidget) -> None:
        """Over the widget's edge, and only there: masked to the ring, so an update of what is
        under it (a stroke, the crosshair) does not paint the frame again."""
        rect = widget.rect()
        self.setGeometry(rect)
        self.setMask(QRegion(rect).subtracted(QRegion(rect.adjusted(FRAME_PX, FRAME_PX,
                                                                      -FRAME_PX, -FRAME_PX))))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        pen = QPen(self.palette().color(QPalette.Highlight), FRAME_PX)
        pen.setJoinStyle(Qt.MiterJoin)
        painter.setPen(pen)
        half = FRAME_PX / 2
        painter.drawRect(self.rect().toRectF().adjusted(half, half, -half, -half))
        painter.end()


def ring_style(button: str, background: str | None = "palette(button)") -> str:
    """Style sheet rules that draw the keyboard focus on `button`s (a class: "QPushButton",
    "QToolButton") as a ring, RING_PX wide: the palette's highlight colour round a digit not
    picked, the text's colour round the one picked (which is filled with a colour of its own).
    Each is seen at 3:1 or more against the window on Fusion's light and dark palettes. The
    style's own focus mark did not show on these buttons. `background`: of a button not picked
    while it has the focus (a border in a sheet takes the style's own fill away); None: the
    one the caller's rules give it. Put after the caller's own rules."""
    fill = f" background: {background};" if background else ""
    ring = f"border-radius: {RING_RADIUS_PX}px;"
    return (f"{button}:focus:!checked {{{fill} border: {RING_PX}px solid palette(highlight); "
            f"{ring} }}\n"
            f"{button}:checked:focus {{ border: {RING_PX}px solid palette(window-text); {ring} }}\n")
