"""DrawImageView: one small grey-level image (the Draw tab's 28x28 input, reconstruction and
difference) painted as crisp square pixels, centred and as large as the widget allows.

The Draw tab updates three of these on every stroke. A pyqtgraph view of one 28x28 image costs
about 1 ms a repaint (a graphics scene, its dirty-item pass and its view box, in Python); this
widget paints one RGB32 QImage with one drawImage call (a few hundredths of a ms), and repaints
nothing when the pixels it would show are the ones already shown.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

BACKGROUND = QColor("#202124")


def _colour_table(colormap: str | None) -> np.ndarray:
    """256 RGB32 colours (uint32): grey levels, or a pyqtgraph colour map (e.g. "inferno")."""
    if colormap is None:
        rgb = np.repeat(np.arange(256, dtype=np.uint32)[:, None], 3, axis=1)
    else:
        rgb = pg.colormap.get(colormap).getLookupTable(nPts=256, alpha=False).astype(np.uint32)
    return 0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]


class DrawImageView(QWidget):
    """Shows a 2-D float array in [0, 1] (white ink on black, or through a colour map)."""

    def __init__(self, parent: QWidget | None = None, title: str | None = None,
                 min_size: int = 120, colormap: str | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(min_size, min_size)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        # Every pixel is painted (background and image): Qt need not paint the parent under it.
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.NoFocus)
        if title:
            self.setToolTip(title)
        self._colours = _colour_table(colormap)
        self._image: np.ndarray | None = None  # what set_image was given, as float32
        self._levels: np.ndarray | None = None  # the 0-255 levels painted
        self._qimage: QImage | None = None
        self.set_image(None)

    def set_image(self, image: np.ndarray | None, levels: tuple[float, float] = (0.0, 1.0)) -> None:
        """Show `image` (None: a black 28x28), mapping levels[0]..levels[1] to black..white."""
        if image is None:
            image = np.zeros((28, 28), dtype=np.float32)
        image = np.asarray(image, dtype=np.float32)
        if image.ndim != 2:
            raise ValueError(f"expected a 2-D image, got shape {image.shape}")
        self._image = image
        low, high = levels
        scaled = (image - low) * (255.0 / max(high - low, 1e-12)) + 0.5
        grey = np.clip(scaled, 0.0, 255.0).astype(np.uint8)
        if self._levels is not None and np.array_equal(grey, self._levels):
            return  # the same pixels on screen: no repaint
        self._levels = grey
        # RGB32, not an indexed image: Qt scales it about ten times faster when painting.
        pixels = np.ascontiguousarray(self._colours[grey])
        h, w = grey.shape
        self._qimage = QImage(pixels.data, w, h, 4 * w, QImage.Format_RGB32).copy()  # own the bytes
        self.update()

    def image(self) -> np.ndarray | None:
        """The array last given to set_image."""
        return self._image

    def image_rect(self) -> QRect:
        """Where the image is painted: the largest centred rectangle of its aspect ratio."""
        h, w = self._levels.shape
        scale = min(self.width() / w, self.height() / h)
        width, height = round(w * scale), round(h * scale)
        return QRect((self.width() - width) // 2, (self.height() - height) // 2, width, height)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), BACKGROUND)
        painter.drawImage(self.image_rect(), self._qimage)  # nearest pixels: crisp squares
        painter.end()
