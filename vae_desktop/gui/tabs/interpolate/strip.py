"""FrameStrip: one interpolation path as rows of frames, each with its mixing ratio under it;
clicking a frame reports its index. The frames wrap onto as many rows as shows them largest in
the strip's space (a long walk in a tall strip reads like text: left to right, then down).

From the keyboard (widgets.grid_keys) the strip is a Tab stop with a current frame, outlined while
the strip has the focus: the arrow keys move it (up and down by a row), Home and End go to the
first and the last, and Enter or Space reports it as a click would."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import QRect, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QFontInfo
from PySide6.QtWidgets import QVBoxLayout, QWidget

from vae_desktop.core.images import grid
from vae_desktop.gui.widgets.focus_frame import FocusFrame
from vae_desktop.gui.widgets.grid_keys import CurrentMark, grid_key
from vae_desktop.gui.widgets.image_view import DigitView
from vae_desktop.gui.widgets.view_range import set_view_range

PAD = 2  # pixels between frames, as images.grid lays them out
CELL = 28 + PAD  # a frame and the gap after it
BLOCK = 28 + 2 * PAD  # a row of frames with the padding above and below it
CAPTION = 10  # image pixels under each row for its captions
# The captions' text: this share of the band's height, within these shares of the app's font size.
CAPTION_TEXT, CAPTION_MIN, CAPTION_MAX = 0.5, 0.85, 1.6
ROW = BLOCK + CAPTION


def rows_for(count: int, width: float, height: float) -> int:
    """How many rows show `count` frames largest in a `width` x `height` view (the fewest on a
    tie)."""
    best, best_scale = 1, 0.0
    for rows in range(1, max(count, 1) + 1):
        cols = -(-count // rows)
        if rows > 1 and -(-count // (rows - 1)) == cols:
            continue  # as many columns as one row fewer: only taller
        scale = min(width / (cols * CELL + PAD), height / (rows * ROW))
        if scale > best_scale * 1.001:
            best, best_scale = rows, scale
    return best


class EvenColumn(QVBoxLayout):
    """A column whose items (made alike: the two strips' frames) are given exactly the same
    height: the pixel or two that would make one of them taller stays empty at the bottom, so
    both strips show their frames at one size, one above the other."""

    def setGeometry(self, rect: QRect) -> None:
        count = self.count()
        if count > 1:
            margins = self.contentsMargins()
            room = rect.height() - margins.top() - margins.bottom() - self.spacing() * (count - 1)
            rect = QRect(rect.x(), rect.y(), rect.width(), rect.height() - room % count)
        super().setGeometry(rect)


class FrameStrip(DigitView):
    """Rows of frames with a caption under each; clicking a frame (or Enter on the current one)
    emits its index."""

    frame_clicked = Signal(int)
    _frames: torch.Tensor | None = None  # pyqtgraph resizes the view before __init__ sets it

    def __init__(self, parent: QWidget | None = None, title: str | None = None) -> None:
        super().__init__(parent, title=title, min_size=60)
        self.setMinimumHeight(110)
        self.setCursor(Qt.PointingHandCursor)
        self.setFocusPolicy(Qt.StrongFocus)
        self.focus_frame = FocusFrame(self)
        self.current = 0  # the frame the keys move and Enter picks
        # Around the current frame, while the strip has the focus.
        self.marker = CurrentMark()
        self.view.addItem(self.marker)
        self._captions: list[pg.TextItem] = []
        self._texts: list[str] = []
        self.rows, self.columns = 1, 0
        self.scene().sigMouseClicked.connect(self._on_click)
        # Sized with the frames (see _size_captions), within bounds set by the app's font.
        self.caption_font = QFont(self.font())
        self._caption_px = 0
        self.view.sigTransformChanged.connect(lambda *_: self._size_captions())
        # An empty strip (an end without a code; the tab's message says why) shows this alone.
        self.empty_note = pg.TextItem("No frames", color="#9aa0a6", anchor=(0.5, 0.5))
        self.view.addItem(self.empty_note)
        self._arrange()

    @property
    def count(self) -> int:
        return 0 if self._frames is None else len(self._frames)

    def set_frames(self, frames: torch.Tensor | None, captions: list[str]) -> None:
        empty = frames is None or len(frames) == 0
        self._frames = None if empty else frames
        self._texts = [] if empty else list(captions)
        self.current = min(self.current, max(self.count - 1, 0))
        self.rows = 0  # laid out afresh
        self._arrange()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.count and rows_for(self.count, self.width(), self.height()) != self.rows:
            self._arrange()

    def _arrange(self) -> None:
        count = self.count
        self.empty_note.setVisible(not count)
        if not count:
            self.rows, self.columns = 1, 0
            self.set_image(np.full((BLOCK, BLOCK), np.nan, np.float32))  # nothing: transparent
            self.empty_note.setPos(BLOCK / 2, (BLOCK + CAPTION) / 2)
        else:
            self.rows = rows_for(count, self.width(), self.height())
            self.columns = -(-count // self.rows)
            self.set_image(self._rows_image())
        self._place_captions()
        h, w = self.image().shape
        set_view_range(self.view, x=(0, w), y=(0, h + CAPTION))
        self._size_captions()
        self._show_current()

    def _size_captions(self) -> None:
        """The captions' font, in proportion to the frames: half the height of the band under
        a row, at least most of the app's font size and at most half as large again (8 pt
        under 185 px frames read like a footnote)."""
        unit = self.view.viewPixelSize()[1]  # image pixels per screen pixel
        if not unit > 0:
            return
        base = QFontInfo(self.font()).pixelSize()
        px = round(min(max(CAPTION_TEXT * CAPTION / unit, CAPTION_MIN * base), CAPTION_MAX * base))
        if px == self._caption_px:
            return
        self._caption_px = px
        self.caption_font.setPixelSize(px)
        for item in self._captions:
            item.setFont(self.caption_font)

    def _rows_image(self) -> np.ndarray:
        """The frames in rows; the caption bands between rows are NaN, which pyqtgraph draws
        transparent, so the captions sit on the view's background as under a single row."""
        cols = self.columns
        image = np.full((self.rows * ROW - CAPTION, cols * CELL + PAD), np.nan, np.float32)
        for row in range(self.rows):
            part = self._frames[row * cols:(row + 1) * cols]
            block = grid(part, nrow=len(part), padding=PAD)
            image[row * ROW:row * ROW + BLOCK, :block.shape[1]] = block
        return image

    def _place_captions(self) -> None:
        while len(self._captions) < len(self._texts):
            item = pg.TextItem(color="#bdc1c6", anchor=(0.5, 0.0))
            item.setFont(self.caption_font)
            self.view.addItem(item)
            self._captions.append(item)
        for i, item in enumerate(self._captions):
            if i < len(self._texts):
                rect = self.frame_rect(i)
                item.setText(self._texts[i])
                item.setPos(rect.center().x(), rect.bottom() + PAD)
                item.show()
            else:
                item.hide()

    def captions(self) -> list[str]:
        return [item.toPlainText() for item in self._captions if item.isVisible()]

    def frame_rect(self, index: int) -> QRectF:
        """Frame `index`'s 28x28 square in image coordinates."""
        row, col = divmod(index, max(self.columns, 1))
        return QRectF(PAD + col * CELL, row * ROW + PAD, 28, 28)

    def frame_at(self, x: float, y: float) -> int | None:
        """The frame under image coordinates (x, y), or None: a click on a frame, the padding
        around it or its caption."""
        if not self.count or y < 0 or x < 0:
            return None
        row = int(y // ROW)
        col = int((x - PAD / 2) // CELL)
        index = row * self.columns + col
        if row >= self.rows or col >= self.columns or index >= self.count:
            return None
        return index

    def _on_click(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return
        pos = self.view.mapSceneToView(event.scenePos())
        index = self.frame_at(pos.x(), pos.y())
        if index is not None:
            self.current = index
            self._show_current()
            self.frame_clicked.emit(index)

    # The current frame, from the keyboard (widgets.grid_keys)
    def keyPressEvent(self, event) -> None:
        step = grid_key(event, self.current, self.count, self.columns)
        if step is None:
            super().keyPressEvent(event)
            return
        self.current, opens = step
        self._show_current()
        if opens:
            self.frame_clicked.emit(self.current)
        event.accept()

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self._show_current()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self._show_current()

    def _show_current(self) -> None:
        """The outline around the current frame while the strip has the focus, and what a screen
        reader says of the strip: which frame is current."""
        if self.closed:
            return  # pyqtgraph's close has cleared the scene (the marker with it), then the focus
        if not self.count:
            self.marker.place(None)
            self.setAccessibleDescription("No frames.")
            return
        rect = self.frame_rect(self.current).adjusted(-PAD / 2, -PAD / 2, PAD / 2, PAD / 2)
        self.marker.place(rect if self.hasFocus() else None)
        caption = self._texts[self.current] if self.current < len(self._texts) else ""
        self.setAccessibleDescription(
            f"Frame {self.current + 1} of {self.count}" + (f", t = {caption}" if caption else "")
            + ". The arrow keys move between the frames; Enter shows the frame's code on the "
            "Latent space tab.")
