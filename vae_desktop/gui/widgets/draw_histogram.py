"""ScoreHistogram: the test set's scores (the Draw tab's: reconstruction + KL at z = μ, named
by the tab) as a histogram, with a solid line at the drawing's
score and a dashed, draggable line at the 'unusual' threshold (a percentile of those scores).

Their labels ("drawing", "threshold") stand in a band above the highest bar, one row each, on
the side of their line that faces the middle of the chart: over the bars they hid them, and each
other when the lines were close.

On every update only the drawing's line moves (and the x axis widens when the score is off the
chart): the bars are redrawn only when the reference scores change, i.e. for another model.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGraphicsItem, QWidget

from vae_desktop.gui.widgets.plot_menus import menus_go_with

PLOT_BG = "#202124"
UNUSUAL_COLOUR = "#e8833a"
BINS = 80
TAIL = 99.9  # the x axis ends at this percentile: the far tail would squash the histogram
GROW = 1.3  # a score off the chart widens the x axis to this times the score


def cache_as_pixmaps(plot: pg.PlotWidget, *items: QGraphicsItem) -> None:
    """Keep the plot's axes and `items` as pixmaps that a repaint blits. A line or bar that
    moves on every stroke repaints what it overlaps: the bottom axis reaches 15 px into the view
    (for tick labels that overhang), and a pyqtgraph axis replays its drawing in Python (about
    a tenth of the Draw tab's repaint). A cached item is drawn again only when it changes (a new
    range, size or text); a text item keeps its pixmap when it only moves."""
    for axis in plot.getPlotItem().axes.values():
        axis["item"].setCacheMode(QGraphicsItem.DeviceCoordinateCache)
    for item in items:
        item.setCacheMode(QGraphicsItem.DeviceCoordinateCache)


class ScoreHistogram(pg.PlotWidget):
    # The dashed line was dragged: the share (0-100) of reference scores at or below it.
    threshold_dragged = Signal(float)
    # The drag ended (the owner puts the line back where its threshold now is).
    threshold_drag_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=PLOT_BG, enableMenu=False)
        menus_go_with(self)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setLabel("bottom", "score (nats)")  # the tab names its score
        self.setLabel("left", "test digits")
        self.setToolTip("The test set's scores; solid line: your drawing; dashed line: "
                        "the 'unusual' threshold (drag it).")
        # Nothing to do on it with the keys (the threshold has its own box): no Tab stop, but
        # named for a screen reader.
        self.setFocusPolicy(Qt.NoFocus)
        self.setAccessibleName("Score histogram")
        self.setAccessibleDescription(
            "The test digits' scores, with lines at the drawing's score and at the 'unusual' "
            "threshold, which the threshold box sets.")
        self.curve = pg.PlotDataItem(stepMode="center", fillLevel=0, antialias=False,
                                     brush=(120, 160, 230, 110), pen=pg.mkPen((150, 180, 240)))
        self.addItem(self.curve)
        # The histogram changes once per model, the score line on every stroke: the curve is
        # kept as a pixmap, so a repaint blits it instead of filling its path again.
        self.curve.curve.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        label_fill = (32, 33, 36, 220)  # readable over the bars
        self.score_line = pg.InfiniteLine(angle=90, movable=False,
                                          pen=pg.mkPen((255, 255, 255), width=2))
        # The drawing's line moves on every stroke. Its label is an item of its own that only
        # moves with it: a line's own label sets its text and works out where it meets the view
        # on every move (about 0.1 ms in Python).
        self.score_label = pg.TextItem("drawing", color=(255, 255, 255), fill=label_fill,
                                       anchor=(0.0, 0.0))
        self.score_label.setZValue(1)  # over its line, as a line's own label would be
        self._label_y = 0.0
        self.threshold_line = pg.InfiniteLine(
            angle=90, movable=True, pen=pg.mkPen(UNUSUAL_COLOUR, width=2, style=Qt.DashLine),
            hoverPen=pg.mkPen(UNUSUAL_COLOUR, width=4), label="threshold",
            labelOpts={"position": 0.9, "color": UNUSUAL_COLOUR, "fill": label_fill,
                       "anchors": [(0.0, 0.0), (1.0, 0.0)]})
        self.score_line.setVisible(False)
        self.score_label.setVisible(False)
        self.threshold_line.setVisible(False)
        # The lines do not count for the axes' ranges (set by hand below): a moving line would
        # otherwise make the view re-range and repaint the whole plot on every stroke.
        self.addItem(self.score_line, ignoreBounds=True)
        self.addItem(self.score_label, ignoreBounds=True)
        self.addItem(self.threshold_line, ignoreBounds=True)
        self._reference: np.ndarray | None = None
        self._span = (0.0, 1.0)  # lowest reference score and its TAIL percentile
        self._right: float | None = None  # the right end of the x axis now
        self._counts_top = 1.0  # the highest bar
        cache_as_pixmaps(self, self.score_label, self.threshold_line.label)
        self.getViewBox().sigResized.connect(self._fit_height)
        self.threshold_line.sigPositionChanged.connect(self._on_dragged)
        self.threshold_line.sigPositionChangeFinished.connect(self.threshold_drag_finished)

    @property
    def reference(self) -> np.ndarray | None:
        return self._reference

    def set_reference(self, scores: np.ndarray | None) -> None:
        """The scores the bars show (None: no bars and no lines)."""
        if scores is self._reference:
            return
        self._reference = scores
        self._right = None
        if scores is None or len(scores) == 0:
            self._reference = None
            self.curve.setData([], [])
            self.threshold_line.setVisible(False)
            self._show_score(False)
            return
        low = float(scores.min())
        top = float(np.percentile(scores, TAIL))
        counts, edges = np.histogram(scores, bins=BINS, range=(low, top))
        self.curve.setData(edges, counts)
        self._counts_top = float(counts.max())
        self._span = (low, top)
        self._fit_height()
        self.threshold_line.setVisible(True)

    def _fit_height(self) -> None:
        """The y axis reaches two label rows above the highest bar: the drawing's label hangs
        from the top, the threshold's from the row under it."""
        height = float(self.getViewBox().height())
        row = self.score_label.boundingRect().height() + 2  # px
        if height <= 0:
            return
        top = self._counts_top * height / max(height - 2 * row - 4, height / 3)
        self.setYRange(0.0, top, padding=0.0)
        self._label_y = top
        self.score_label.setPos(self.score_line.value(), top)
        self.threshold_line.label.setPosition(max(0.0, 1.0 - row / height))

    def set_score(self, score: float | None) -> None:
        """Move the drawing's line (None hides it), widening the x axis to reach it."""
        if self._reference is None:
            self._show_score(False)
            return
        low, top = self._span
        current = self._right
        if score is None or score <= top:
            right = top
        elif current is not None and current > top and score <= current:
            right = current  # still on the widened chart: leave the axis be
        else:
            # Widened with room to grow: a drawing's score climbs as ink is added, and each new
            # range redraws the whole plot, its axes and the cached histogram (the slowest
            # updates of a stroke when the axis followed the score by 5% at a time).
            right = score * GROW
        if right != current:
            self.setXRange(low, right, padding=0.02)
            self._right = right
        self._show_score(score is not None)
        if score is not None and abs(score - self.score_line.value()) >= self._half_pixel():
            self.score_line.setValue(score)  # else it would not move on screen: no repaint
            self.score_label.setPos(score, self._label_y)
            # On the side of the line facing the middle: never cut by the chart's edge.
            side = 0.0 if score < low + 0.5 * (right - low) else 1.0
            if self.score_label.anchor.x() != side:
                self.score_label.setAnchor((side, 0.0))

    def _show_score(self, visible: bool) -> None:
        if self.score_line.isVisible() != visible:
            self.score_line.setVisible(visible)
            self.score_label.setVisible(visible)

    def _half_pixel(self) -> float:
        """Half a screen pixel along the x axis, in nats (0 before the plot has a size)."""
        try:
            return 0.5 * float(self.getViewBox().viewPixelSize()[0])
        except Exception:  # noqa: BLE001 (pyqtgraph raises when the view has no size yet)
            return 0.0

    def set_threshold(self, percentile: float) -> None:
        """Put the dashed line at this percentile of the reference scores."""
        if self._reference is None:
            return
        self.threshold_line.blockSignals(True)
        self.threshold_line.setValue(float(np.percentile(self._reference, percentile)))
        self.threshold_line.blockSignals(False)

    def drag_threshold_to(self, score: float) -> None:
        """Move the dashed line as a drag would (for keyboard use and tests)."""
        self.threshold_line.setValue(score)

    def _on_dragged(self) -> None:
        if self._reference is None or not self.threshold_line.isVisible():
            return
        share = float((self._reference <= self.threshold_line.value()).mean() * 100.0)
        self.threshold_dragged.emit(share)
