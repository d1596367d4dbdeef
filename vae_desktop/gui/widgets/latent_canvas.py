"""LatentCanvas: the pyqtgraph plot of a 2-D plane through latent space. It shows the test set's
posterior means coloured by digit, the current point (crosshair), an optional decoded manifold
behind the points and the Draw tab's drawing; it reports clicks, drags and the hovered point.

Left click or left drag picks a point; middle drag (or Shift + left drag) pans, the wheel and
right drag zoom. With the keyboard focus on the plot the arrow keys move the current point (the
crosshair) a step, as a drag would (Shift: a larger step); where there is no crosshair (a
training run's snapshot) they do nothing. A click on a digit's row of the legend hides or shows
its points (toggle_digit does the same for a key); the dot under the mouse, or under a point
moved with the keys or another way (hover_crosshair), is reported as hovered, and looked up
again when a digit is hidden or shown."""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPixmapCache
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QWidget

from vae_desktop.core.movie import DIGIT_COLORS  # one per digit, here and in latent-space movies
from vae_desktop.gui.widgets.plot_grid import plain_axes, show_grid
from vae_desktop.gui.widgets.plot_menus import menus_go_with
from vae_desktop.gui.widgets.view_range import apply_now, set_view_range

GRID_ALPHA = 0.15  # faint: the points are what to read
HOVER_RADIUS_PX = 8
MANIFOLD_DEBOUNCE_MS = 150
HOVER_THROTTLE_MS = 30
PIXMAP_CACHE_KB = 96 * 1024
TITLE_COLOR = "#dddddd"  # a picture's title line: the legend's light grey
TITLE_PAD = 10  # view pixels left and right of the title
# An arrow key moves the current point by this share of the visible region's shorter side (with
# Shift, by the larger share): the step follows the zoom, as a drag's does.
KEY_STEP, KEY_STEP_LARGE = 0.01, 0.1
LEGEND_TIP = ("Click a digit, or press Alt and the digit (Alt+3 for the 3s), to hide or show its "
              "points. A digit hidden stays hidden while this model is shown; another model shows "
              "them all.")


class _PassiveScatter(pg.ScatterPlotItem):
    """Scatter points that never take mouse clicks or drags, so a click on a point picks that
    spot in latent space like a click anywhere else.

    The bounding rect is cached: pyqtgraph asks for it dozens of times per mouse move (hover
    look-ups) and computes it afresh each time. Data and view changes both go through
    prepareGeometryChange, which drops the cache."""

    def boundingRect(self):
        rect = getattr(self, "_rect_cache", None)
        if rect is None:
            rect = self._rect_cache = super().boundingRect()
        return rect

    def prepareGeometryChange(self) -> None:
        self._rect_cache = None
        super().prepareGeometryChange()

    def mouseClickEvent(self, ev) -> None:
        ev.ignore()

    def mouseDragEvent(self, ev) -> None:
        ev.ignore()

    def move_points(self, x: np.ndarray, y: np.ndarray) -> None:
        """New coordinates for the points already set, keeping each one's style. setData
        restyles every point (a brush each, then a symbol-atlas look-up each: 5 of the 8 ms a
        2,000-point update took); this is the end of pyqtgraph's addPoints without that."""
        if len(x) != len(self.data):
            raise ValueError(f"{len(x)} coordinates for {len(self.data)} points")
        self.data["x"] = x
        self.data["y"] = y
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.bounds = [None, None]
        self.invalidate()
        self.sigPlotChanged.emit(self)


class LatentViewBox(pg.ViewBox):
    """A ViewBox where the left button picks points instead of panning."""

    # (x, y, final): final is True for a click and for the end of a drag.
    picked = Signal(float, float, bool)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.picking = False  # a left-button picking drag is in progress

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.LeftButton:
            ev.accept()
            p = self.mapSceneToView(ev.scenePos())
            self.picked.emit(p.x(), p.y(), True)
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:
        if ev.button() == Qt.LeftButton and not ev.modifiers() & Qt.ShiftModifier and axis is None:
            ev.accept()
            self.picking = not ev.isFinish()
            p = self.mapSceneToView(ev.scenePos())
            self.picked.emit(p.x(), p.y(), ev.isFinish())
        else:
            super().mouseDragEvent(ev, axis)


class _DigitLegend(pg.LegendItem):
    """The digits' legend: a click anywhere on a digit's row (its dot, its number or the space
    around them) hides or shows that digit's points, and no click on the legend reaches the plot
    below it (where it would move the decoded point)."""

    ROW_REACH_PX = 6  # a click this close to a row (between two rows, say) is on it

    def row_at(self, pos: QPointF) -> int | None:
        """The index of the entry whose row is under `pos` (legend coordinates), or None."""
        best, best_distance = None, float(self.ROW_REACH_PX)
        for index, (sample, label) in enumerate(self.items):
            rect = sample.geometry().united(label.geometry())
            dx = max(rect.left() - pos.x(), 0.0, pos.x() - rect.right())
            dy = max(rect.top() - pos.y(), 0.0, pos.y() - rect.bottom())
            distance = math.hypot(dx, dy)
            if distance <= best_distance:
                best, best_distance = index, distance
        return best

    def mouseClickEvent(self, ev) -> None:
        ev.accept()
        if ev.button() != Qt.LeftButton:
            return
        index = self.row_at(ev.pos())
        if index is not None:
            self.toggle(index)

    def toggle(self, index: int) -> bool:
        """What a click on entry `index`'s row does: its item hidden, or shown again (the row
        then draws an eye crossed out, or its dot). Returns whether it is shown now."""
        sample, _label = self.items[index]
        sample.item.setVisible(not sample.item.isVisible())
        sample.update()
        self.sigSampleClicked.emit(sample.item)
        return sample.item.isVisible()


class LatentCanvas(pg.PlotWidget):
    # A point of the plane was clicked (final=True) or dragged over (final=False).
    point_picked = Signal(float, float, bool)
    # Index of the scatter point under the mouse, or -1 when there is none (any more).
    point_hovered = Signal(int)
    # The visible region changed and has been still for a moment: (x0, x1), (y0, y1).
    region_settled = Signal(object, object)

    def __init__(self, parent: QWidget | None = None, equal_scale: bool = False) -> None:
        """`equal_scale`: a unit along x is as long on screen as one along y (zooming and
        fitting keep it so), as a plane through latent space should be shown: the prior is round
        there and decoded digits square. Off, each axis fits its own range."""
        self.vb = LatentViewBox(enableMenu=False)
        super().__init__(parent, viewBox=self.vb, background="#16171a", enableMenu=False)
        menus_go_with(self)
        self.setMinimumSize(420, 360)
        plot = self.getPlotItem()
        show_grid(plot, alpha=GRID_ALPHA)
        plain_axes(plot)
        plot.hideButtons()
        self.vb.setAspectLocked(equal_scale, ratio=1.0)
        self.vb.picked.connect(self.point_picked)

        # Manifold image behind everything; ignoreBounds so it never drives the auto-range.
        self.manifold = pg.ImageItem(axisOrder="row-major")
        self.manifold.setLevels((0.0, 1.0))
        self.manifold.setZValue(-10)
        self.manifold.setOpacity(0.9)
        self.manifold.hide()
        plot.addItem(self.manifold, ignoreBounds=True)

        # Opaque, and above everything in the plot: the crosshair, the current point and the
        # manifold's digits used to show through it.
        self.legend = _DigitLegend(offset=(-8, 8), colCount=2, labelTextColor="#d0d0d0",
                                   brush=pg.mkBrush(22, 23, 26), pen=pg.mkPen("#444"))
        self.legend.setParentItem(plot.vb)
        self.legend.setZValue(50)
        self.legend.setToolTip(LEGEND_TIP)
        # One scatter for all digits (one cached pixmap, see below), drawn in a shuffled order
        # so that no digit systematically covers another.
        self.scatter = _PassiveScatter(size=3, pen=None, pxMode=True)
        plot.addItem(self.scatter)
        self._brushes = []
        self._proxies: list[pg.ScatterPlotItem] = []
        for digit, color in enumerate(DIGIT_COLORS):
            c = QColor(color)
            c.setAlpha(170)
            self._brushes.append(pg.mkBrush(c))
            # The legend shows a big dot per digit; clicking an entry hides that digit's points.
            proxy = pg.ScatterPlotItem(size=9, pen=None, brush=pg.mkBrush(color))
            proxy.visibleChanged.connect(self._digits_changed)
            self.legend.addItem(proxy, str(digit))
            self._proxies.append(proxy)
        self._xy = np.zeros((0, 2))
        self._labels = np.zeros(0, dtype=np.int64)
        self._draw_order = np.zeros(0, dtype=np.int64)
        self._styled_for = np.zeros(0, dtype=bool)  # the digits shown when styles were set

        hover_pen = pg.mkPen("w", width=1.5)
        self.hover_ring = _PassiveScatter(size=12, pen=hover_pen, brush=None, pxMode=True)
        self.hover_ring.setZValue(5)
        self.hover_ring.hide()
        plot.addItem(self.hover_ring, ignoreBounds=True)

        # The Draw tab's drawing: its posterior mean (star) and 2-sigma ellipse.
        self.drawing_outline = pg.PlotCurveItem(pen=pg.mkPen("#ffd84d", width=2, style=Qt.DashLine))
        self.drawing_mark = _PassiveScatter(size=16, symbol="star", pen=pg.mkPen("k"),
                                               brush=pg.mkBrush("#ffd84d"), pxMode=True)
        # Below and right of the star: the crosshair's readout sits above and right of the
        # current point, which is often on the drawing (after "Go to drawing", or near 0).
        self.drawing_text = pg.TextItem("your drawing", color="#ffd84d", anchor=(-0.12, -0.15),
                                        fill=pg.mkBrush(0, 0, 0, 150))
        for item in (self.drawing_outline, self.drawing_mark, self.drawing_text):
            item.setZValue(8)
            plot.addItem(item, ignoreBounds=True)
        self.set_drawing(None)

        cross_pen = pg.mkPen("#ffffff", width=1, style=Qt.DashLine)
        self.vline = pg.InfiniteLine(angle=90, movable=False, pen=cross_pen)
        self.hline = pg.InfiniteLine(angle=0, movable=False, pen=cross_pen)
        # A plain Qt ellipse, 13 px whatever the zoom, moved with setPos: Qt paints it in C++,
        # where a one-point pyqtgraph scatter costs a Python paint on every drag step.
        self.target = QGraphicsEllipseItem(-6.5, -6.5, 13.0, 13.0)
        self.target.setFlag(QGraphicsItem.ItemIgnoresTransformations)
        self.target.setPen(pg.mkPen("#ffffff", width=2))
        self.target.setBrush(pg.mkBrush(255, 80, 80, 220))
        for item in (self.vline, self.hline, self.target):
            item.setZValue(10)
            plot.addItem(item, ignoreBounds=True)
        self.coord_text = pg.TextItem("", color="#ffffff", anchor=(-0.08, 1.15),
                                      fill=pg.mkBrush(0, 0, 0, 150))
        self.coord_text.setZValue(11)
        plot.addItem(self.coord_text, ignoreBounds=True)

        # The crosshair spans the whole plot, so every drag step repaints all of it. Items that
        # don't change while dragging (10k points, axes with their grid, the manifold) are drawn
        # from cached pixmaps; Qt re-renders a cache only when the item or the view changes.
        # Each cache is about one plot-sized pixmap; Qt's default 10 MB pixmap cache would evict
        # them all the time, so make room for a few (this only ever raises the global limit).
        self._cached = (self.scatter, self.manifold, plot.getAxis("bottom"), plot.getAxis("left"))
        for item in self._cached:
            item.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PIXMAP_CACHE_KB))

        self._region_timer = QTimer(self, singleShot=True, interval=MANIFOLD_DEBOUNCE_MS)
        self._region_timer.timeout.connect(self._emit_region)
        self.vb.sigRangeChanged.connect(lambda *_: self._range_changed())
        self._hover_pos: QPointF | None = None
        self._hover_timer = QTimer(self, singleShot=True, interval=HOVER_THROTTLE_MS)
        self._hover_timer.timeout.connect(self._update_hover)
        self.scene().sigMouseMoved.connect(self._mouse_moved)
        self._hovered = -1
        # The hover was last looked up under the crosshair (hover_crosshair), not the mouse.
        self._hover_at_crosshair = False
        # Drag steps that arrive faster than pyqtgraph's mouseRateLimit wait here (latest wins).
        self._pending_pick: QPointF | None = None
        self._last_pick = 0.0
        self._pick_timer = QTimer(self, singleShot=True)
        self._pick_timer.timeout.connect(self._flush_pick)

    # Picking drags
    def mouseMoveEvent(self, ev) -> None:
        """During a left-button picking drag, each move maps straight to the plane and is emitted
        as point_picked. pyqtgraph's own route for a move (hover look-ups over every item of the
        scene, then a drag event) costs more than decoding the point; its rate limit is kept, but
        the last move of a burst is delivered late instead of dropped. The drag's start, its end
        and every other gesture still go through pyqtgraph."""
        if not (self.vb.picking and ev.buttons() & Qt.LeftButton):
            self.vb.picking = False  # a drag that ended without a release reaching us
            super().mouseMoveEvent(ev)
            return
        ev.accept()
        self._pending_pick = self.mapToScene(ev.position().toPoint())
        gap_ms = 1000.0 / max(1, pg.getConfigOption("mouseRateLimit"))
        wait_ms = gap_ms - (time.perf_counter() - self._last_pick) * 1000.0
        if wait_ms <= 0:
            self._flush_pick()
        elif not self._pick_timer.isActive():
            self._pick_timer.start(math.ceil(wait_ms))

    def mouseReleaseEvent(self, ev) -> None:
        self._pick_timer.stop()
        self._pending_pick = None
        super().mouseReleaseEvent(ev)  # pyqtgraph sends the drag's final event (final=True)
        # The drag's moves skipped pyqtgraph's hover handling: the point under the mouse is
        # looked up again where the drag ended (the mouse may rest there without moving).
        self._hover_timer.stop()
        self._hover_pos = self.mapToScene(ev.position().toPoint())
        self._hover_at_crosshair = False
        self._update_hover()

    def _flush_pick(self) -> None:
        if self._pending_pick is None or not self.vb.picking:
            return
        p = self.vb.mapSceneToView(self._pending_pick)
        self._pending_pick = None
        self._last_pick = time.perf_counter()
        self.point_picked.emit(p.x(), p.y(), False)

    # Points
    def set_points(self, xy: np.ndarray, labels: np.ndarray) -> None:
        """Scatter of plane coordinates [N, 2] coloured by digit label [N]."""
        labels = np.asarray(labels, dtype=np.int64)
        # The same digits moved (a training run's next snapshot): their colours stay.
        moved = np.array_equal(labels, self._labels)
        self._xy = np.asarray(xy, dtype=np.float64)
        self._labels = labels
        if not moved:
            self._draw_order = np.random.default_rng(0).permutation(len(self._xy))
        self._refresh_scatter(restyle=not moved)
        self._set_hovered(-1)

    def show_all_digits(self) -> None:
        """Every digit's points shown again (undoes the legend's clicks), drawn once."""
        for proxy in self._proxies:
            proxy.blockSignals(True)
            proxy.setVisible(True)
            proxy.blockSignals(False)
        self.legend.update()
        self._refresh_scatter()
        self._hover_again()

    def toggle_digit(self, digit: int) -> bool:
        """Hide a digit's points, or show them again, as a click on its row of the legend does;
        returns whether they are shown now."""
        return self.legend.toggle(int(digit))

    def _digits_changed(self) -> None:
        """A digit hidden or shown (a click on the legend, toggle_digit): its points drawn or
        not, and the hover looked up again."""
        self._refresh_scatter()
        self._hover_again()

    def _hover_again(self) -> None:
        """After the digits shown changed: a dot hidden is no longer hovered (its ring and its
        test image go), and the dot is looked up again where the hover was, under the crosshair
        or the mouse (so a digit shown again under the point brings its dot's image back)."""
        if self._hovered >= 0 and not self.shown_digits()[np.clip(self._labels[self._hovered],
                                                                   0, 9)]:
            self._set_hovered(-1)
        if self._hover_at_crosshair:
            self.hover_crosshair()
        elif self._hover_pos is not None:
            self._hover_timer.stop()
            self._update_hover()

    def shown_digits(self) -> np.ndarray:
        """Whether each digit's points are shown (legend entries can hide them) [10]."""
        return np.array([proxy.isVisible() for proxy in self._proxies])

    def _refresh_scatter(self, restyle: bool = True) -> None:
        """Draw the points of the digits shown. `restyle`: the labels or the digits shown may
        have changed (False: only the coordinates did)."""
        shown = self.shown_digits()
        order = self._draw_order
        order = order[shown[np.clip(self._labels[order], 0, 9)]]
        x, y = self._xy[order, 0], self._xy[order, 1]
        if not restyle and np.array_equal(shown, self._styled_for):
            self.scatter.move_points(x, y)
            return
        brushes = np.array(self._brushes, dtype=object)[np.clip(self._labels[order], 0, 9)]
        self.scatter.setData(x=x, y=y, brush=brushes)
        self._styled_for = shown

    def set_points_visible(self, visible: bool) -> None:
        self.scatter.setVisible(visible)
        self.legend.setVisible(visible)
        if not visible:
            self._set_hovered(-1)
        else:  # the dot under the point or the mouse, hovered again
            self._hover_again()

    def points_visible(self) -> bool:
        return self.legend.isVisible()

    def fit_to_points(self) -> None:
        """Show the bulk of the points (0.5 to 99.5 percentile, so stray outliers don't shrink
        everything else), with a margin."""
        if len(self._xy) == 0:
            set_view_range(self.vb, x=(-3, 3), y=(-3, 3))
            return
        lo = np.percentile(self._xy, 0.5, axis=0)
        hi = np.percentile(self._xy, 99.5, axis=0)
        span = np.maximum(hi - lo, 1e-3)
        lo, hi = lo - 0.08 * span, hi + 0.08 * span
        set_view_range(self.vb, x=(lo[0], hi[0]), y=(lo[1], hi[1]))

    # A picture of the plot
    def picture(self, width: int, title: str = "") -> QImage:
        """The plot drawn afresh `width` pixels wide, in its proportions on screen, under a
        line of `title` (none: no line): text, lines and points are scaled with it, so it looks
        as it does on screen, only sharper."""
        self.clear_hover()  # the ring under the mouse is no part of the picture
        size = self.viewport().size()
        scale = width / max(1, size.width())
        font = QFont(self.font())
        font.setBold(True)
        band = round(QFontMetrics(font).height() * 1.8) if title else 0
        image = QImage(width, max(1, round((size.height() + band) * scale)), QImage.Format_RGB32)
        image.setDevicePixelRatio(scale)  # drawn in the view's own units: pens keep their look
        image.fill(self.backgroundBrush().color())
        # Pixmaps cached at screen resolution would be drawn blown up: drawn afresh instead.
        for item in self._cached:
            item.setCacheMode(QGraphicsItem.NoCache)
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.Antialiasing)
            painter.setRenderHint(QPainter.TextAntialiasing)
            if band:
                painter.setFont(font)
                painter.setPen(QColor(TITLE_COLOR))
                room = max(1, size.width() - 2 * TITLE_PAD)
                text = painter.fontMetrics().elidedText(title, Qt.ElideRight, room)
                painter.drawText(QRectF(TITLE_PAD, 0, room, band), Qt.AlignLeft | Qt.AlignVCenter,
                                 text)
            self.render(painter, QRectF(0, band, size.width(), size.height()),
                        QRect(QPoint(0, 0), size))
        finally:
            painter.end()
            for item in self._cached:
                item.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        image.setDevicePixelRatio(1.0)  # saved as plain pixels, `width` of them
        return image

    # The current point from the keyboard
    ARROWS = {Qt.Key_Left: (-1, 0), Qt.Key_Right: (1, 0), Qt.Key_Up: (0, 1), Qt.Key_Down: (0, -1)}

    def keyPressEvent(self, ev) -> None:
        """An arrow key moves the crosshair KEY_STEP of the visible region's shorter side (with
        Shift, KEY_STEP_LARGE) and picks the point there, as a click would (final); the view
        follows a point that leaves it. The dot under the point it is moved to is hovered, as
        the dot under the mouse is after a click."""
        direction = self.ARROWS.get(ev.key())
        modifiers = ev.modifiers() & ~Qt.KeypadModifier
        if direction is None or modifiers not in (Qt.NoModifier, Qt.ShiftModifier) \
                or not self.target.isVisible():
            super().keyPressEvent(ev)
            return
        ev.accept()
        (x0, x1), (y0, y1) = self.visible_region()
        step = (KEY_STEP_LARGE if modifiers == Qt.ShiftModifier else KEY_STEP) * min(x1 - x0,
                                                                                   y1 - y0)
        x, y = self.crosshair()
        x, y = x + direction[0] * step, y + direction[1] * step
        # Keep the point a step inside the view: it moves on past the edge, the view with it.
        dx = min(0.0, x - x0 - step) + max(0.0, x - x1 + step)
        dy = min(0.0, y - y0 - step) + max(0.0, y - y1 + step)
        if dx or dy:
            self.vb.translateBy(x=dx, y=dy)
        self.point_picked.emit(x, y, True)
        self.hover_crosshair()  # where the picked point was put (or left, if refused)

    # Current point, drawing, manifold
    def set_crosshair(self, x: float, y: float, text: str) -> None:
        self.vline.setPos(x)
        self.hline.setPos(y)
        self.target.setPos(x, y)
        self.coord_text.setText(text)
        self.coord_text.setPos(x, y)

    def crosshair(self) -> tuple[float, float]:
        return float(self.vline.value()), float(self.hline.value())

    def set_drawing_caption(self, origin: str, longest: int = 32) -> None:
        """The star's caption: where the drawing came from, cut to `longest` characters (whole in
        its tooltip)."""
        shown = origin if len(origin) <= longest else origin[:longest - 1] + "…"
        self.drawing_text.setText(shown)
        self.drawing_text.setToolTip(origin)

    def set_drawing(self, center: np.ndarray | None, outline: np.ndarray | None = None) -> None:
        shown = center is not None
        for item in (self.drawing_outline, self.drawing_mark, self.drawing_text):
            item.setVisible(shown)
        if not shown:
            return
        self.drawing_mark.setData(x=[center[0]], y=[center[1]])
        self.drawing_text.setPos(float(center[0]), float(center[1]))
        if outline is not None:
            self.drawing_outline.setData(outline[:, 0], outline[:, 1])
        else:
            self.drawing_outline.setData([], [])

    def set_manifold(self, image: np.ndarray, x_range, y_range) -> None:
        """Show `image` (row 0 at the top) over the region (a region of the image's proportions
        keeps its digits square): the rect's top-left corner is (x0, y1) and its height is
        negative, so the image reads upright in the y-up plot."""
        (x0, x1), (y0, y1) = x_range, y_range
        self.manifold.setImage(image, autoLevels=False, levels=(0.0, 1.0))
        self.manifold.setRect(x0, y1, x1 - x0, -(y1 - y0))
        self.manifold.show()

    def hide_manifold(self) -> None:
        self.manifold.hide()

    def visible_region(self) -> tuple[tuple[float, float], tuple[float, float]]:
        (x0, x1), (y0, y1) = self.vb.viewRange()
        return (float(x0), float(x1)), (float(y0), float(y1))

    def set_axis_labels(self, x: str, y: str) -> None:
        plot = self.getPlotItem()
        plot.setLabel("bottom", x, color="#c8c8c8")
        plot.setLabel("left", y, color="#c8c8c8")

    def _range_changed(self) -> None:
        apply_now(self.vb)  # each pan or zoom drawn with one paint, not two
        self.schedule_region_update()

    def schedule_region_update(self) -> None:
        """Emit region_settled after the debounce delay (as if the view had moved)."""
        self._region_timer.start()

    def _emit_region(self) -> None:
        self.region_settled.emit(*self.visible_region())

    # Hover: nearest visible point within a few pixels, looked up at most every 30 ms; -1 is
    # reported when the mouse leaves the points or the plot
    def _mouse_moved(self, scene_pos: QPointF) -> None:
        self._hover_pos = QPointF(scene_pos)
        self._hover_at_crosshair = False
        if not self._hover_timer.isActive():
            self._hover_timer.start()

    def _update_hover(self) -> None:
        if self._hover_pos is None:
            return
        self._set_hovered(self.nearest_point(self._hover_pos))

    def leaveEvent(self, ev) -> None:
        """The mouse left the plot: nothing is hovered any more."""
        self.clear_hover()
        super().leaveEvent(ev)

    def clear_hover(self) -> None:
        self._hover_timer.stop()
        self._hover_pos = None
        self._hover_at_crosshair = False
        self._set_hovered(-1)

    def nearest_point(self, scene_pos: QPointF) -> int:
        """Index of the visible scatter point within HOVER_RADIUS_PX of the scene position, or -1."""
        if len(self._xy) == 0 or not self.points_visible():
            return -1
        if not self.vb.sceneBoundingRect().contains(scene_pos):
            return -1
        if self.legend.isVisible() and self.legend.sceneBoundingRect().contains(scene_pos):
            return -1  # the points under the legend are hidden by it
        p = self.vb.mapSceneToView(scene_pos)
        pw, ph = self.vb.viewPixelSize()
        if pw <= 0 or ph <= 0:
            return -1
        d2 = ((self._xy[:, 0] - p.x()) / pw) ** 2 + ((self._xy[:, 1] - p.y()) / ph) ** 2
        d2[~self.shown_digits()[np.clip(self._labels, 0, 9)]] = np.inf
        best = int(np.argmin(d2))
        return best if d2[best] <= HOVER_RADIUS_PX ** 2 else -1

    def hover_crosshair(self) -> None:
        """Show the dot under the current point (the crosshair) as hovered, or none, as if the
        mouse rested there: for a point moved another way than with the mouse (the keys, a
        slider). The mouse's next move takes the hover back; until then a digit hidden or
        shown looks again under the crosshair."""
        self._hover_timer.stop()
        self._hover_pos = None
        if not self.target.isVisible():
            return  # no current point (a training run's snapshot)
        self._hover_at_crosshair = True
        x, y = self.crosshair()
        self._set_hovered(self.nearest_point(self.vb.mapViewToScene(QPointF(x, y))))

    def _set_hovered(self, index: int) -> None:
        if index == self._hovered:
            return
        self._hovered = index
        # Hidden rather than emptied, so that no drag step paints it.
        self.hover_ring.setVisible(index >= 0)
        if index >= 0:
            self.hover_ring.setData(x=[self._xy[index, 0]], y=[self._xy[index, 1]])
        self.point_hovered.emit(index)
