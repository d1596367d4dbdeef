"""PairGallery: digits beside their reconstructions, in a grid drawn as one image; a click on a
pair emits its index. Its minimum size keeps every 28x28 digit at MIN_SCALE screen pixels per
image pixel or more, so the pairs stay readable however little room the window leaves.

From the keyboard (widgets.grid_keys): Tab brings the focus (a frame at the widget's edge shows
it) and a frame marks the current pair; the arrow keys, Home and End move it, and Enter (or
Space) emits its index as a click on it does."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QWidget

from vae_desktop.gui.widgets.focus_frame import FocusFrame
from vae_desktop.gui.widgets.grid_keys import CurrentMark, grid_key
from vae_desktop.gui.widgets.view_range import set_view_range

PAD = 4  # image pixels between two pairs
MIN_SCALE = 1.25  # screen pixels per image pixel, at the least (a digit: 35 px)
HINT_SCALE = 1.6  # and as much as it asks for (a digit: 45 px); a layout may give it more
BACKGROUND = "#202124"
HOVER_COLOR = QColor(255, 180, 60)


class PairGallery(pg.GraphicsLayoutWidget):
    """Emits `clicked(i)` for the i-th pair (a click, or Enter on the current pair) and
    `described(i)` whenever the pair to say something about changes or the pairs are set: the
    hovered one or else, while the gallery has the focus, the current one (-1: none)."""

    clicked = Signal(int)
    described = Signal(int)
    # On a resize: how many rows fit at the width's scale (`rows` at the least, `max_rows` at
    # most), when that is not the number shown. The owner fills them (set_rows, set_pairs).
    rows_fit = Signal(int)
    max_rows = 0  # until __init__ sets it (pyqtgraph resizes the view before)

    def __init__(self, columns: int, rows: int, parent: QWidget | None = None,
                 max_rows: int | None = None) -> None:
        super().__init__(parent)
        self.columns, self.rows = columns, rows
        self.min_rows, self.max_rows = rows, max(rows, max_rows or rows)
        self.setBackground(BACKGROUND)
        self.ci.setContentsMargins(0, 0, 0, 0)  # every screen pixel for the digits
        self.view = self.addViewBox(lockAspect=True, enableMouse=False, invertY=True,
                                    enableMenu=False)
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.view.addItem(self.image_item)
        self.highlight = QGraphicsRectItem()  # the frame round the hovered pair
        self.highlight.setPen(QPen(HOVER_COLOR, 0.8))
        self.highlight.setZValue(10)
        self.highlight.hide()
        self.view.addItem(self.highlight)
        # The frame round the current pair, the one Enter opens: shown while the gallery has the
        # focus. Blue, thicker and drawn over the hover's, so the two can be told apart.
        self.current_frame = CurrentMark()
        self.view.addItem(self.current_frame)
        self.current = -1  # the keyboard's pair (-1: none yet)
        self.setFocusPolicy(Qt.StrongFocus)
        self.focus_frame = FocusFrame(self)
        width, height = self.image_size()
        self.setMinimumSize(math.ceil(width * MIN_SCALE), math.ceil(height * MIN_SCALE))
        self.count = 0
        self._hover = -1
        self.setMouseTracking(True)
        self.scene().sigMouseClicked.connect(self._on_click)
        self.scene().sigMouseMoved.connect(self._on_move)
        self.setCursor(Qt.PointingHandCursor)
        self.set_pairs(np.zeros((0, 28, 28)), np.zeros((0, 28, 28)))

    def sizeHint(self) -> QSize:
        cw, ch = self.cell_size()  # of the fewest rows: more rows only fill room given
        width, height = self.columns * cw + PAD, self.min_rows * ch + PAD
        return QSize(math.ceil(width * HINT_SCALE), math.ceil(height * HINT_SCALE))

    def set_rows(self, rows: int) -> None:
        """Show `rows` rows (then set_pairs with as many pairs)."""
        self.rows = max(self.min_rows, min(self.max_rows, rows))

    def rows_that_fit(self) -> int:
        cw, ch = self.cell_size()
        scale = self.width() / (self.columns * cw + PAD)
        if scale <= 0:
            return self.rows
        fit = int((self.height() / scale - PAD) // ch)
        return max(self.min_rows, min(self.max_rows, fit))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self.max_rows:
            return
        fit = self.rows_that_fit()
        if fit != self.rows:
            self.rows_fit.emit(fit)

    @staticmethod
    def cell_size() -> tuple[int, int]:
        return 28 * 2 + 1 + PAD, 28 + PAD

    def image_size(self) -> tuple[int, int]:
        """(width, height) of the gallery's image, in image pixels."""
        cw, ch = self.cell_size()
        return self.columns * cw + PAD, self.rows * ch + PAD

    def pixel_scale(self) -> float:
        """Screen pixels per image pixel as shown now."""
        view = self.view.viewRect()
        shown = self.view.sceneBoundingRect()
        if view.width() <= 0 or view.height() <= 0:
            return 0.0
        return min(shown.width() / view.width(), shown.height() / view.height())

    def set_pairs(self, originals: np.ndarray, recons: np.ndarray) -> None:
        """originals, recons: float [K, 28, 28] in [0, 1], K at most columns x rows."""
        self.count = min(len(originals), self.columns * self.rows)
        cw, ch = self.cell_size()
        width, height = self.image_size()
        canvas = np.full((height, width), 0.12, dtype=np.float32)
        for i in range(self.count):
            r, c = divmod(i, self.columns)
            y, x = PAD + r * ch, PAD + c * cw
            canvas[y:y + 28, x:x + 28] = originals[i]
            canvas[y:y + 28, x + 29:x + 57] = recons[i]
        self.image_item.setImage(canvas, autoLevels=False, levels=(0.0, 1.0))
        set_view_range(self.view, x=(0, width), y=(0, height))
        self._hover = -1
        self.highlight.hide()
        # The current pair stays where it was, among the pairs now shown.
        self._set_current(min(self.current, self.count - 1) if self.current >= 0 else -1,
                          force=True)

    def cell_center(self, index: int) -> QPointF:
        """Where pair `index` is, in the view's coordinates (for tests and keyboard use)."""
        cw, ch = self.cell_size()
        r, c = divmod(index, self.columns)
        return QPointF(PAD + c * cw + 28, PAD + r * ch + 14)

    def index_at(self, point: QPointF) -> int:
        cw, ch = self.cell_size()
        x, y = point.x() - PAD, point.y() - PAD
        if x < 0 or y < 0:
            return -1
        c, r = int(x // cw), int(y // ch)
        if c >= self.columns or x - c * cw > 57 or y - r * ch > 28:
            return -1  # in the padding between pairs
        index = r * self.columns + c
        return index if index < self.count else -1

    def described_pair(self) -> int:
        """The pair to say something about: the hovered one, else the current one while the
        gallery has the focus, else -1."""
        if self._hover >= 0:
            return self._hover
        return self.current if self.hasFocus() else -1

    def _cell_rect(self, index: int) -> QRectF:
        cw, ch = self.cell_size()
        r, c = divmod(index, self.columns)
        return QRectF(PAD + c * cw - 1, PAD + r * ch - 1, 59, 30)

    def _set_current(self, index: int, force: bool = False) -> None:
        if index == self.current and not force:
            return
        self.current = index
        self.current_frame.place(self._cell_rect(index) if index >= 0 and self.hasFocus()
                                 else None)
        self.described.emit(self.described_pair())

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().focusInEvent(event)
        if self.current < 0 and self.count:
            self.current = 0  # the worst first
        self._set_current(min(self.current, self.count - 1), force=True)

    def focusOutEvent(self, event) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self._set_current(self.current, force=True)  # the frame hidden, the line as before

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """The arrow keys, Home and End move the current pair; Enter or Space opens it, as a
        click does (widgets.grid_keys)."""
        step = grid_key(event, self.current, self.count, self.columns)
        if step is None:
            super().keyPressEvent(event)
            return
        current, opens = step
        self._set_current(current)
        if opens:
            self.clicked.emit(current)
        event.accept()

    def _on_click(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return
        index = self.index_at(self.view.mapSceneToView(event.scenePos()))
        if index >= 0:
            self._set_current(index)  # the keys go on from the pair clicked
            self.clicked.emit(index)

    def _on_move(self, pos) -> None:
        self._set_hover(self.index_at(self.view.mapSceneToView(pos)))

    def leaveEvent(self, event) -> None:
        self._set_hover(-1)
        super().leaveEvent(event)

    def _set_hover(self, index: int) -> None:
        if index == self._hover:
            return
        self._hover = index
        if index < 0:
            self.highlight.hide()
        else:
            self.highlight.setRect(self._cell_rect(index))
            self.highlight.show()
        self.described.emit(self.described_pair())

