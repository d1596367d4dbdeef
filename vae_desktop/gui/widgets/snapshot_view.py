"""SnapshotView: one latent snapshot of a training run (core.snapshots.LatentSnapshot), drawn as
the Latent space tab draws the test set (LatentCanvas: points coloured by digit), over the digits
decoded from the run's fixed codes. A view of values: it knows no state."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from vae_desktop.core.images import grid
from vae_desktop.gui.widgets.empty_plot import add_hint
from vae_desktop.gui.widgets.image_view import DigitView
from vae_desktop.gui.widgets.latent_canvas import DIGIT_COLORS, GRID_ALPHA, LatentCanvas
from vae_desktop.gui.widgets.plot_grid import show_grid
from vae_desktop.gui.widgets.view_range import set_view_range

# While following a run, the view is refitted when the points span less than this part of it
# both ways. At equal scale a fitted cloud fills the plot one way only: a long cloud covers a
# small part of its area, and measured so it was refitted at every snapshot.
REFIT_SPAN = 0.6
AXIS_WIDTH = 44  # px: the left axis's ticks ("-0.25", "-200") and title


class SnapshotView(QWidget):
    def __init__(self, parent: QWidget | None = None, min_size: int = 220,
                 legend: bool = True, strip_height: int = 52,
                 empty_text: str = "No snapshot") -> None:
        """`legend`: the canvas's legend (which also hides a digit's points when clicked); a
        small view leaves it out and shows `color_key()` somewhere of its choosing.
        `empty_text`: written in the plot while there is no snapshot, in place of the ticks and
        grid of axes that have nothing to measure."""
        super().__init__(parent)
        # At equal scale, as the Latent space tab shows the plane: the cloud keeps its shape.
        self.canvas = LatentCanvas(equal_scale=True)
        self.canvas.setMinimumSize(min_size, min_size)
        # No Tab stop: nothing here is done with keys (the Train tab's timeline and the Latent
        # space tab's Back button are), and the plot would take the focus drawing none.
        self.canvas.setFocusPolicy(Qt.NoFocus)
        # No current point here: a snapshot is a picture of the past, nothing to decode.
        for item in (self.canvas.vline, self.canvas.hline, self.canvas.target,
                     self.canvas.coord_text):
            item.setVisible(False)
        # A fixed width: ticks that widen as the points spread out would lay the plot out
        # again, painting it twice for one snapshot while a run trains.
        left = self.canvas.getPlotItem().getAxis("left")
        left.setStyle(autoExpandTextSpace=False)
        left.setWidth(AXIS_WIDTH)
        self.decodings = DigitView(min_size=28, title="Decoded from fixed codes, as the model was "
                                                      "then")
        policy = QSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        # Hidden while there is no snapshot (an empty image is a black square) yet keeping its
        # room, so that the first snapshot does not lay the plot out again.
        policy.setRetainSizeWhenHidden(True)
        self.decodings.setSizePolicy(policy)
        self.decodings.setFixedHeight(strip_height)
        # No margin around the digits: pyqtgraph's default (about 10 px above and below) left
        # them 20 px tall in a 40 px strip.
        self.decodings.ci.setContentsMargins(0, 0, 0, 0)
        plot = self.canvas.getPlotItem()
        # Each axis's look with a snapshot: its pen and tick length (both hidden without one).
        self._axis_look = {side: (plot.getAxis(side).pen(), plot.getAxis(side).style["tickLength"])
                           for side in ("left", "bottom")}
        self.hint = add_hint(plot, empty_text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.canvas, 1)
        self.canvas.legend.setVisible(legend)
        layout.addWidget(self.decodings)
        self.snapshot = None
        self._axes: tuple[str, str] | None = None
        self._empty: bool | None = None  # whether the empty look is on (None: not set yet)
        self._set_empty(True)

    def show_snapshot(self, snapshot, fit: bool = True) -> None:
        """Draw the snapshot (None: nothing). `fit`: fit the view to its points; otherwise the
        view holds still unless the points leave it or shrink to a small part of it."""
        self.snapshot = snapshot
        self._set_empty(snapshot is None)
        if snapshot is None:
            self.canvas.set_points(np.zeros((0, 2)), np.zeros(0, np.int64))
            self.decodings.set_image(None)
            return
        self.canvas.set_points(snapshot.points, snapshot.labels)
        if snapshot.axes != self._axes:
            self._axes = snapshot.axes
            self.canvas.set_axis_labels(*snapshot.axes)
        if fit or self._needs_refit(snapshot.points):
            self.canvas.fit_to_points()
        self.decodings.set_image(grid(snapshot.decodings, nrow=len(snapshot.decodings),
                                      padding=2))

    def _set_empty(self, empty: bool) -> None:
        """Without a snapshot: the hint in the middle of the plot, no tick labels, grid or digit
        strip. Changed only when it changes: every change repaints the axes."""
        if empty == self._empty:
            return
        self._empty = empty
        plot = self.canvas.getPlotItem()
        if empty:
            plot.showGrid(x=False, y=False)
            set_view_range(self.canvas.vb, x=(0, 1), y=(0, 1))
        else:
            show_grid(plot, alpha=GRID_ALPHA)
        for side, (pen, length) in self._axis_look.items():
            axis = plot.getAxis(side)
            axis.setPen(None if empty else pen)
            axis.setStyle(showValues=not empty, tickLength=0 if empty else length)
            axis.setTicks([[], []] if empty else None)  # None: pyqtgraph's own ticks again
        if empty:  # no axis titles either (the next snapshot sets them again)
            for side in ("left", "bottom"):
                plot.getAxis(side).showLabel(False)
            self._axes = None
        self.hint.setVisible(empty)
        self.decodings.setVisible(not empty)

    @staticmethod
    def color_key() -> QLabel:
        """A one-line key of the points' colours, for a view without the legend."""
        key = QLabel("&nbsp;".join(f"<span style='color:{color}'>●</span>{digit}"
                                   for digit, color in enumerate(DIGIT_COLORS)))
        key.setToolTip("The points' colours: the digit each test image shows")
        return key

    def _needs_refit(self, points: np.ndarray) -> bool:
        if not len(points):
            return False
        (x0, x1), (y0, y1) = self.canvas.visible_region()
        lo = np.percentile(points, 0.5, axis=0)
        hi = np.percentile(points, 99.5, axis=0)
        if lo[0] < x0 or hi[0] > x1 or lo[1] < y0 or hi[1] > y1:
            return True
        span = max((hi[0] - lo[0]) / max(x1 - x0, 1e-12), (hi[1] - lo[1]) / max(y1 - y0, 1e-12))
        return span < REFIT_SPAN
