"""A grid of cells moved through from the keyboard, read left to right then down (the Evaluate
tab's gallery of pairs, an Interpolate strip's frames): `grid_key` says what a key does, and
`CurrentMark` outlines the current cell while the grid has the focus.

The keys: Left and Right, the cell before or after; Up and Down, the one a row above or below
(none there: the current cell stays); Home and End, the first and the last; Enter, the keypad's
Enter or Space open the current cell, as a click on it does."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem

ENTER_KEYS = (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Space)
# Light blue, on the grids' dark background (#202124, 7:1) whatever the theme, and unlike the
# orange of a hovered pair.
CURRENT_COLOR = QColor(110, 180, 255)
CURRENT_PX = 2  # screen pixels, whatever the zoom


def grid_key(event, current: int, count: int, columns: int) -> tuple[int, bool] | None:
    """What a key press does in a grid of `count` cells, `columns` to a row, with cell `current`
    the current one: (the current cell after it, whether the key opens that cell), or None: no
    key of the grid's (one with a modifier, or any key with no cells), for the widget's own."""
    modifiers = event.modifiers() & ~Qt.KeypadModifier
    if modifiers != Qt.NoModifier or count <= 0:
        return None
    key = event.key()
    current = min(max(current, 0), count - 1)
    if key in ENTER_KEYS:
        return current, True
    columns = max(columns, 1)
    steps = {Qt.Key_Left: -1, Qt.Key_Right: 1, Qt.Key_Up: -columns, Qt.Key_Down: columns}
    if key in steps:
        moved = current + steps[key]
        return (moved if 0 <= moved < count else current), False
    if key == Qt.Key_Home:
        return 0, False
    if key == Qt.Key_End:
        return count - 1, False
    return None


class CurrentMark(QGraphicsRectItem):
    """The outline round the current cell (in a pyqtgraph view), drawn over the cells."""

    def __init__(self) -> None:
        super().__init__()
        pen = QPen(CURRENT_COLOR, CURRENT_PX)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setZValue(20)
        self.hide()

    def place(self, rect: QRectF | None) -> None:
        """Around `rect` (the cell and the gap around it, in the view's coordinates), or
        hidden (None)."""
        if rect is not None:
            self.setRect(rect)
        self.setVisible(rect is not None)
