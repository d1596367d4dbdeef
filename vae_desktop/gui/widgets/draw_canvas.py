"""DrawCanvas: a 280x280 sheet to draw a digit on, white ink on black like MNIST.

Strokes are painted with QPainter, antialiased, with round caps and joins, as straight segments
between successive mouse positions, so fast strokes stay continuous. Every action (a stroke,
clear, loading a picture) can be undone. The ink is read back with `to_array()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from vae_desktop.gui.widgets.focus_frame import FocusFrame

SIDE = 280  # the sheet's pixels: ten per MNIST pixel (the widget may show it larger)
MIN_PEN, MAX_PEN, DEFAULT_PEN = 4, 60, 22
UNDO_LIMIT = 100


@dataclass
class Stroke:
    width: float
    points: list[QPointF] = field(default_factory=list)


def _ink_pen(width: float) -> QPen:
    pen = QPen(QColor(255, 255, 255), width)
    pen.setCapStyle(Qt.RoundCap)
    pen.setJoinStyle(Qt.RoundJoin)
    return pen


class DrawCanvas(QWidget):
    """Draw with the left mouse button; the mouse wheel changes the pen width."""

    changed = Signal()  # the ink changed (stroke progress, undo, clear, load)
    pen_width_changed = Signal(int)
    file_dropped = Signal(str)  # a file was dropped on the canvas

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(SIDE, SIDE)
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        self.setMouseTracking(True)  # to show the pen outline under the cursor
        self.setFocusPolicy(Qt.StrongFocus)
        self.setAcceptDrops(True)
        self.setCursor(Qt.CrossCursor)
        self.setToolTip("Draw a digit with the left mouse button.\n"
                        "Mouse wheel: pen width · Esc: clear · Ctrl+Z: undo\n"
                        "Drop a PNG or JPEG here to load it.")
        self.setAccessibleName("Drawing canvas")
        self.setAccessibleDescription(
            "Draw a digit here with the mouse. No key draws: from the keyboard, use Open image… "
            "to load a picture of a digit. Esc clears the canvas and Ctrl+Z undoes.")
        self.focus_frame = FocusFrame(self)  # where Esc and Ctrl+Z go, shown
        self._raster = QImage(SIDE, SIDE, QImage.Format_RGB32)
        self._raster.fill(Qt.black)
        self._background: QImage | None = None  # a loaded picture, under the strokes
        self._strokes: list[Stroke] = []
        self._current: Stroke | None = None
        self._undo: list[tuple[QImage | None, list[Stroke]]] = []
        self._pen_width = DEFAULT_PEN
        self._hover: QPointF | None = None

    def set_side(self, side: int) -> None:
        """Show the sheet `side` px square (at least SIDE): what is drawn stays SIDE x SIDE,
        the mouse and the pen's outline are scaled to it."""
        side = max(SIDE, int(side))
        if side != self.width():
            self.setFixedSize(side, side)

    # Pen
    def pen_width(self) -> int:
        return self._pen_width

    def set_pen_width(self, width: int) -> None:
        width = int(min(MAX_PEN, max(MIN_PEN, width)))
        if width != self._pen_width:
            self._pen_width = width
            self.pen_width_changed.emit(width)
            self.update()

    # Content
    def is_empty(self) -> bool:
        return not self._strokes and self._current is None and self._background is None

    def is_drawing(self) -> bool:
        """A stroke is under way (the mouse button is down)."""
        return self._current is not None

    def can_undo(self) -> bool:
        return bool(self._undo)

    def to_array(self) -> np.ndarray:
        """The ink as uint8 [280, 280], 0 black to 255 white."""
        # The raster is RGB32 with white ink only, so any one colour channel is the grey level.
        buf = np.frombuffer(self._raster.constBits(), dtype=np.uint8)
        return buf.reshape(SIDE, self._raster.bytesPerLine())[:, 0:SIDE * 4:4].copy()

    def clear(self) -> None:
        if self.is_empty():
            return
        self._push_undo()
        self._background = None
        self._strokes = []
        self._current = None
        self._render()

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._current = None
        self._background, self._strokes = self._undo.pop()
        self._render()
        return True

    def load_array(self, image: np.ndarray, margin: int = 0) -> None:
        """Show a 2-D grey-level image in [0, 1] (white ink on black) under the strokes,
        scaled smoothly to fit the canvas, keeping its aspect ratio. This can be undone."""
        image = np.asarray(image, dtype=np.float32)
        if image.ndim != 2 or image.size == 0:
            raise ValueError(f"expected a 2-D image, got shape {image.shape}")
        grey = np.ascontiguousarray((np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8))
        h, w = grey.shape
        qimage = QImage(grey.data, w, h, w, QImage.Format_Grayscale8).copy()  # copy: own the bytes
        box = SIDE - 2 * margin
        scaled = qimage.scaled(box, box, Qt.KeepAspectRatio, Qt.SmoothTransformation)
        sheet = QImage(SIDE, SIDE, QImage.Format_RGB32)
        sheet.fill(Qt.black)
        painter = QPainter(sheet)
        painter.drawImage((SIDE - scaled.width()) // 2, (SIDE - scaled.height()) // 2, scaled)
        painter.end()
        self._push_undo()
        self._background = sheet
        self._strokes = []
        self._current = None
        self._render()

    # Mouse
    def _to_raster(self, pos: QPointF) -> QPointF:
        return QPointF(pos.x() * SIDE / max(1, self.width()), pos.y() * SIDE / max(1, self.height()))

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return super().mousePressEvent(event)
        self.setFocus(Qt.MouseFocusReason)
        self._push_undo()
        point = self._to_raster(event.position())
        self._current = Stroke(float(self._pen_width), [point])
        self._paint_segment(point, point, self._current.width)
        self.update()  # the whole sheet once: the empty-canvas hint and the pen outline go away
        self.changed.emit()

    def mouseMoveEvent(self, event) -> None:
        point = self._to_raster(event.position())
        self._hover = event.position()
        if self._current is not None:
            last = self._current.points[-1]
            if point != last:
                self._current.points.append(point)
                self._paint_segment(last, point, self._current.width)
                self.changed.emit()
                return
        self.update()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() != Qt.LeftButton or self._current is None:
            return super().mouseReleaseEvent(event)
        self._strokes.append(self._current)
        self._current = None
        self.update()  # the pen outline comes back
        self.changed.emit()

    def leaveEvent(self, event) -> None:
        self._hover = None
        self.update()
        super().leaveEvent(event)

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.set_pen_width(self._pen_width + (2 if steps > 0 else -2))
        event.accept()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Escape:
            self.clear()
        elif event.matches(QKeySequence.Undo):
            self.undo()
        else:
            super().keyPressEvent(event)

    # Drag and drop of picture files
    def dragEnterEvent(self, event) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            self.file_dropped.emit(urls[0].toLocalFile())
            event.acceptProposedAction()

    # Painting
    def _push_undo(self) -> None:
        self._undo.append((self._background, list(self._strokes)))
        del self._undo[:-UNDO_LIMIT]

    def _paint_segment(self, start: QPointF, end: QPointF, width: float) -> None:
        painter = QPainter(self._raster)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(_ink_pen(width))
        if start == end:
            painter.drawPoint(start)  # a dot: the round cap of a zero-length line
        else:
            painter.drawLine(start, end)
        painter.end()
        # Repaint only around the new segment (and the pen outline), not the whole sheet.
        pad = width / 2.0 + 2.0
        area = QRectF(start, end).normalized().adjusted(-pad, -pad, pad, pad)
        scale = self.width() / SIDE
        self.update(QRectF(area.x() * scale, area.y() * scale, area.width() * scale,
                           area.height() * scale).toAlignedRect())

    def _render(self) -> None:
        """Repaint the raster from the picture and the strokes (after undo, clear or load)."""
        if self._background is not None:
            self._raster = self._background.copy()
        else:
            self._raster.fill(Qt.black)
        painter = QPainter(self._raster)
        painter.setRenderHint(QPainter.Antialiasing)
        for stroke in self._strokes:
            painter.setPen(_ink_pen(stroke.width))
            points = stroke.points
            # The same paint calls as while drawing (a dot at the press, then each segment), so
            # antialiased edges accumulate identically and undo gives back the exact pixels.
            painter.drawPoint(points[0])
            for a, b in zip(points, points[1:], strict=False):
                painter.drawLine(a, b)
        painter.end()
        self.update()
        self.changed.emit()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.SmoothPixmapTransform)
        target = QRectF(self.rect())
        painter.drawImage(target, self._raster)
        if self.is_empty():
            painter.setPen(QColor(130, 130, 130))
            font = painter.font()
            font.setPointSizeF(font.pointSizeF() * 1.4)
            painter.setFont(font)
            painter.drawText(target, Qt.AlignCenter, "Draw a digit here")
        painter.setRenderHint(QPainter.Antialiasing)
        if self._hover is not None and self._current is None:
            # Outline of the pen under the cursor, so its width is visible before drawing.
            radius = self._pen_width * self.width() / SIDE / 2.0
            painter.setPen(QPen(QColor(255, 140, 0, 200), 1.0))
            painter.setBrush(Qt.NoBrush)
            painter.drawEllipse(self._hover, radius, radius)
        painter.setPen(QPen(QColor(90, 90, 90), 1.0))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        painter.end()
