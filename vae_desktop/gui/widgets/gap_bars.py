"""GapBars: a bar chart item for a pyqtgraph plot whose bars change on every stroke (the Draw
tab's nats behind the best label, one bar per label; the Conditional tab's style transfer).

The bars stop at `top`: a bar cut there is hatched, stripes of its colour over its fill (faded by
the caller with `cut_brush`), and the axis's top reads "40+" (`axis_ticks`), so nine bars at the
top say "this far behind or more", not nine equal measurements.

pyqtgraph's BarGraphItem records its bars into a QPicture on every change and works out its
bounding rect in Python, from its data and its pen's width in pixels, each time Qt asks (several
times a repaint): about a tenth of the Draw tab's repaint. These bars live in a fixed box (labels
0..count-1, heights 0..top), so that box is their bounding rect, and painting them is a few
rectangles on whole screen pixels and, for the cut ones, copies of a picture made once.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap

CUT_STRIPES, CUT_FILL_ALPHA = 6.0, 80  # px between the stripes; a cut bar's fill opacity (of 255)
STRIPE_WIDTH = 1.6  # px


def cut_brush(colour) -> QBrush:
    """The faded fill of a bar cut at the top, under its stripes (`colour`: anything
    pg.mkColor takes, an (r, g, b) tuple or "#8ab4f8")."""
    faded = pg.mkColor(colour)
    faded.setAlpha(CUT_FILL_ALPHA)
    return pg.mkBrush(faded)


def axis_ticks(top: float, steps: int = 4) -> list[list[tuple[float, str]]]:
    """The value axis's ticks, for setTicks: 0, top/steps, ... and "top+" at the top (give the
    axis a little room above `top`, or the label is cut in half)."""
    step = top / steps
    return [[(step * k, f"{step * k:g}+" if k == steps else f"{step * k:g}")
             for k in range(steps + 1)]]


class GapBars(pg.GraphicsObject):
    def __init__(self, count: int, top: float, width: float = 0.7, colour=(90, 140, 220)) -> None:
        super().__init__()
        self._width = self.bar_width = width
        self._top = self.top = float(top)
        self._stripes: list[QColor] = []
        self._stripe_brushes: dict[tuple, QBrush] = {}  # by colour and pixel ratio
        self._cut_bars: dict[tuple, QPixmap] = {}  # a cut bar as painted, by size and colours
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
        self._stripes = [QColor(b.color().red(), b.color().green(), b.color().blue())
                         for b in self._brushes]
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, *_args) -> None:
        """Each bar as a rectangle of whole screen pixels, without antialiasing: a bar under the
        top filled and outlined, a cut one copied from a picture of it made once for its size
        and colour (its faded fill, its stripes, its outline). In the plot's units,
        antialiased, translucent and striped, each bar took Qt's slow paths: 3.5 ms for a
        chart of ten bars, eight cut, at every repaint of the Draw tab's guess chart (1.5 ms
        the fills, 1.8 ms the stripes, 2026-12-07); a copied picture takes microseconds."""
        to_screen = painter.transform()
        ratio = painter.device().devicePixelRatioF()
        painter.save()
        painter.resetTransform()  # screen pixels: the stripes CUT_STRIPES px apart at any scale
        painter.setRenderHint(QPainter.Antialiasing, False)
        painter.setPen(self._outline)
        painter.setBrush(Qt.NoBrush)
        half = self._width / 2
        for x, (height, brush) in enumerate(zip(self.heights, self._brushes, strict=True)):
            if height <= 0:
                continue
            rect = to_screen.mapRect(QRectF(x - half, 0.0, self._width, float(height))).toRect()
            if height >= self._top:  # cut at the top
                picture = self._cut_bar(rect.size(), ratio, brush, self._stripes[x])
                painter.drawPixmap(rect.topLeft(), picture)
            else:
                painter.fillRect(rect, brush)
                painter.drawRect(rect.adjusted(0, 0, -1, -1))  # a 1-px pen covers one more
        painter.restore()

    def _cut_bar(self, size: QSize, ratio: float, brush: QBrush, stripes: QColor) -> QPixmap:
        """A cut bar as painted: its faded fill, its stripes over it and its outline, made once
        for each size and colour (a few at a time: the chart's size changes only when the
        window does)."""
        key = (size.width(), size.height(), ratio, brush.color().rgba(), stripes.rgba())
        picture = self._cut_bars.get(key)
        if picture is None:
            if len(self._cut_bars) >= 32:
                self._cut_bars.clear()  # of sizes gone by
            picture = QPixmap(size * ratio)  # as sharp as the screen (ratio 2 on a HiDPI one)
            picture.setDevicePixelRatio(ratio)
            picture.fill(Qt.transparent)
            bar = QPainter(picture)
            whole = QRect(QPoint(0, 0), size)
            bar.fillRect(whole, brush)
            bar.fillRect(whole, self._stripe_brush(stripes, ratio))
            bar.setPen(self._outline)
            bar.drawRect(whole.adjusted(0, 0, -1, -1))
            bar.end()
            self._cut_bars[key] = picture
        return picture

    def _stripe_brush(self, colour: QColor, ratio: float) -> QBrush:
        """A brush of `colour`'s stripes: a CUT_STRIPES-px square tile with one stripe across it
        (and the ends of its neighbours), so that tiles side by side join into long stripes;
        drawn at the screen's pixel `ratio` (2 on a HiDPI screen), where a tile of 1 would be
        magnified into blocky steps."""
        key = (colour.rgba(), ratio)
        brush = self._stripe_brushes.get(key)
        if brush is None:
            size = int(CUT_STRIPES)
            tile = QPixmap(round(size * ratio), round(size * ratio))
            tile.setDevicePixelRatio(ratio)
            tile.fill(Qt.transparent)
            tile_painter = QPainter(tile)
            tile_painter.setRenderHint(QPainter.Antialiasing)
            tile_painter.setPen(QPen(colour, STRIPE_WIDTH))
            for offset in (-size, 0, size):  # the stripe and its neighbours' ends
                tile_painter.drawLine(QLineF(offset - 1.0, -1.0, offset + size + 1.0,
                                             size + 1.0))
            tile_painter.end()
            brush = self._stripe_brushes[key] = QBrush(tile)
        return brush
