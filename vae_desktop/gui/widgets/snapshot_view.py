"""SnapshotView: one latent snapshot of a training run (core.snapshots.LatentSnapshot), drawn as
the Latent space tab draws the test set (LatentCanvas: points coloured by digit), over the digits
decoded from the run's fixed codes. A view of values: it knows no state."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from vae_desktop.core.images import grid
from vae_desktop.gui.widgets.image_view import DigitView
from vae_desktop.gui.widgets.latent_canvas import DIGIT_COLORS, LatentCanvas

REFIT_FILL = 0.35  # while following a run, the view is refitted when the points fill less
AXIS_WIDTH = 44  # px: the left axis's ticks ("-200", scaled by pyqtgraph's SI prefix) and title


class SnapshotView(QWidget):
    def __init__(self, parent: QWidget | None = None, min_size: int = 220,
                 legend: bool = True, strip_height: int = 52) -> None:
        """`legend`: the canvas's legend (which also hides a digit's points when clicked); a
        small view leaves it out and shows `color_key()` somewhere of its choosing."""
        super().__init__(parent)
        self.canvas = LatentCanvas()
        self.canvas.setMinimumSize(min_size, min_size)
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
        self.decodings.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.decodings.setFixedHeight(strip_height)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.canvas, 1)
        self.canvas.legend.setVisible(legend)
        layout.addWidget(self.decodings)
        self.snapshot = None
        self._axes: tuple[str, str] | None = None

    def show_snapshot(self, snapshot, fit: bool = True) -> None:
        """Draw the snapshot (None: nothing). `fit`: fit the view to its points; otherwise the
        view holds still unless the points leave it or shrink to a small part of it."""
        self.snapshot = snapshot
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
        fill = (hi[0] - lo[0]) * (hi[1] - lo[1]) / max((x1 - x0) * (y1 - y0), 1e-12)
        return fill < REFIT_FILL
