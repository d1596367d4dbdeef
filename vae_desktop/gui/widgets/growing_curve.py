"""GrowingCurve: a curve of a live plot, given the whole of a growing buffer at each redraw.

pyqtgraph's PlotDataItem.setData parses its arguments, applies every style again and rebuilds
its markers at each call: about 0.2 ms a curve for a few hundred points, where the PlotCurveItem
under it takes 0.03 ms (2026-12-07). The loss plot gives four such curves new points five times a
second while a run trains, on the GUI thread that the run's two threads share 2 cores with, so
this keeps only what that plot uses of PlotDataItem:

* peak downsampling (each bin's lowest and highest point) to about two points per pixel column of
  the x range in view, computed again when that range changes (after a run, when zoomed);
* a log y axis (PlotItem.setLogMode calls `setLogMode`);
* markers on each point while the curve has at most `few` points, where a line draws nothing.

Points must come in increasing x, as a run's steps do.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

MARKER = "o"


class GrowingCurve(pg.PlotCurveItem):
    def __init__(self, pen, antialias: bool, marker_size: float, marker_brush, few: int) -> None:
        super().__init__(pen=pen, antialias=antialias)
        self._few = few
        self._x = self._y = np.empty(0)
        self._log_y = False
        self._downsampled = False  # what is drawn is fewer points than were given
        self.scatter = pg.ScatterPlotItem(symbol=MARKER, size=marker_size, brush=marker_brush,
                                          pen=None, antialias=antialias)
        self.scatter.setParentItem(self)
        self.scatter.hide()
        # The legend's sample draws a marker while `symbol` is set (LegendItem's ItemSample).
        self.opts.update(symbol=None, size=marker_size)
        self.opts["brush"] = None  # no fill: the sample's marker is drawn with the pen's colour

    def set_points(self, x: np.ndarray, y: np.ndarray) -> None:
        """Draw these points (the curve keeps references to the arrays, not copies)."""
        self._x, self._y = x, y
        self._refresh()

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """Every point given, before downsampling."""
        return self._x, self._y

    def setLogMode(self, x_state: bool, y_state: bool) -> None:  # noqa: N802 (pyqtgraph's)
        if y_state != self._log_y:
            self._log_y = y_state
            self._refresh()

    def viewRangeChanged(self, *_args) -> None:  # noqa: N802 (pyqtgraph's hook)
        if self._downsampled or len(self._x) > 2 * self._columns():
            self._refresh()

    def _columns(self) -> int:
        view = self.getViewBox()
        return max(int(view.width()), 1) if view is not None else 1000

    def _refresh(self) -> None:
        x, y = self._x, self._y
        if self._log_y:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.where(y > 0, np.log10(np.where(y > 0, y, 1.0)), np.nan)
        shown_x, shown_y = _peaks(x, y, self._view_x(), self._columns())
        self._downsampled = len(shown_x) < len(x)
        finite = bool(np.isfinite(shown_y).all())
        self.setData(x=shown_x, y=shown_y, connect="all" if finite else "finite",
                     skipFiniteCheck=finite)
        few = 0 < len(x) <= self._few
        if few:
            self.scatter.setData(x=shown_x, y=shown_y)
        self.scatter.setVisible(few)
        self.opts["symbol"] = MARKER if few else None

    def _view_x(self) -> tuple[float, float] | None:
        view = self.getViewBox()
        return None if view is None else tuple(view.viewRange()[0])


def _peaks(x: np.ndarray, y: np.ndarray, x_range: tuple[float, float] | None,
           columns: int) -> tuple[np.ndarray, np.ndarray]:
    """The points to draw: all of them while they are at most two per pixel column; else the
    points in view (and one either side), in bins of about one column, each bin as its lowest
    and highest point (NaN only where a whole bin is NaN), so that a spike stays visible."""
    n = len(x)
    if n <= 2 * columns:
        return x, y
    lo, hi = 0, n
    if x_range is not None:
        lo = max(int(np.searchsorted(x, x_range[0])) - 1, 0)
        hi = min(int(np.searchsorted(x, x_range[1], side="right")) + 1, n)
        if hi - lo <= 2 * columns:
            return x[lo:hi], y[lo:hi]
    x, y = x[lo:hi], y[lo:hi]
    size = len(x) // columns  # points a bin, at least 2
    whole = len(x) // size * size
    bins_y = y[:whole].reshape(-1, size)
    with np.errstate(invalid="ignore"):
        peaks_y = np.stack([np.fmin.reduce(bins_y, axis=1), np.fmax.reduce(bins_y, axis=1)], 1)
    peaks_x = np.repeat(x[:whole:size], 2)
    return (np.concatenate([peaks_x, x[whole:]]),
            np.concatenate([peaks_y.reshape(-1), y[whole:]]))
