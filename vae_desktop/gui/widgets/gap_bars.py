"""GapBars: a bar chart item for a pyqtgraph plot whose bars change on every stroke (the Draw
tab's nats behind the best label, one bar per label).

pyqtgraph's BarGraphItem records its bars into a QPicture on every change and works out its
bounding rect in Python, from its data and its pen's width in pixels, each time Qt asks (several
times a repaint): about a tenth of the Draw tab's repaint. These bars live in a fixed box (labels
0..count-1, heights 0..top), so that box is their bounding rect, and painting them is a few
rectangles.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QBrush, QPainter


class GapBars(pg.GraphicsObject):
    def __init__(self, count: int, top: float, width: float = 0.7, colour=(90, 140, 220)) -> None:
        super().__init__()
        self._width = width
        self._top = float(top)
        self._outline = pg.mkPen(pg.getConfigOption("foreground"), cosmetic=True)
        self._brush = pg.mkBrush(colour)
        self._brushes: list[QBrush] = []
        self.heights = np.zeros(0)
        self.set_count(count)

    def set_count(self, count: int) -> None:
        """Room for `count` bars at x = 0..count-1, all empty."""
        self.prepareGeometryChange()
        self._rect = QRectF(-0.5, 0.0, float(max(count, 1)), self._top)
        self.set_bars(np.zeros(count), [self._brush] * count)

    def set_bars(self, heights: np.ndarray, brushes: list[QBrush]) -> None:
        """Bar i from 0 to heights[i] (clipped to the top), filled with brushes[i]."""
        heights = np.clip(np.asarray(heights, dtype=float), 0.0, self._top)
        if len(brushes) != len(heights):
            raise ValueError(f"{len(heights)} bars but {len(brushes)} brushes")
        self.heights, self._brushes = heights, list(brushes)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, *_args) -> None:
        painter.setPen(self._outline)
        half = self._width / 2
        for x, (height, brush) in enumerate(zip(self.heights, self._brushes, strict=True)):
            if height > 0:
                painter.setBrush(brush)
                painter.drawRect(QRectF(x - half, 0.0, self._width, float(height)))
