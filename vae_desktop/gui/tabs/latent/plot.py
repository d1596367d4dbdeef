"""The Latent space tab's plot column: the view bar (which plane, Fit, Export), the LatentCanvas
(or, while the test images are being encoded, a progress page in its place) and the overlay
controls under it (manifold, grid size, points)."""

from __future__ import annotations

import torch
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import latent
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.focus_frame import FocusFrame
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.latent_canvas import LatentCanvas
from vae_desktop.gui.widgets.progress_bar import ProgressBar
from vae_desktop.gui.widgets.range_spin import RangeSpinBox, Refusals

VIEW_PCA, VIEW_DIMS = "pca", "dims"
VIEWS = (VIEW_PCA, VIEW_DIMS)
VIEW_TIP = ("How to flatten the latent space onto the plot: the plane of the two main principal "
            "components of the test means, or two chosen dimensions with the others held at the "
            "current point. Kept when you switch models.")
HINT = "Click or drag: decode · Shift+drag or middle-drag: pan · wheel or right-drag: zoom"


class PlotPanel(QWidget):
    """The plot and its controls. The tab fills the combo boxes and reacts to their signals."""

    export_requested = Signal()
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(6)
        col.addLayout(self._build_bar())
        self.stack = QStackedWidget()
        self.canvas = LatentCanvas(equal_scale=True)  # round prior, square manifold tiles
        self.canvas.setAccessibleName("Latent space plot")
        self.canvas.setAccessibleDescription(
            "The test digits' codes, coloured by digit, with the current point at the crosshair. "
            "The arrow keys move the point a small step, with Shift a larger one; the test image "
            "under the point shows beside the decoded digit. Alt and a digit hide or show that "
            "digit's points.")
        self.canvas.setToolTip("Click or drag to decode a point. With the plot in focus (Tab), the "
                               "arrow keys move the point; Shift+arrow moves it further. Alt+0 to "
                               "Alt+9 hide or show a digit's points, as a click on the legend "
                               "does.")
        self.canvas.focus_frame = FocusFrame(self.canvas)  # where the arrow keys go, shown
        self.stack.addWidget(self.canvas)
        self.stack.addWidget(self._build_progress_page())
        col.addWidget(self.stack, stretch=1)
        col.addLayout(self._build_below())

    def _build_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.setSpacing(8)
        view_label = QLabel("View:")
        bar.addWidget(view_label)
        self.view_combo = QComboBox()
        view_label.setBuddy(self.view_combo)  # its name for a screen reader
        self.view_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.view_combo.setToolTip(VIEW_TIP)
        # The view a person chose, shown for every model that offers it (set_views blocks the
        # box's signals, so only a person's choice lands here).
        self._preferred_view = VIEW_PCA
        self.view_combo.currentIndexChanged.connect(self._remember_view)
        bar.addWidget(self.view_combo)
        self.x_combo, self.y_combo = QComboBox(), QComboBox()
        self.axis_widgets: list[QWidget] = []
        for axis, combo in (("x", self.x_combo), ("y", self.y_combo)):
            label = QLabel(f"{axis}:")
            label.setBuddy(combo)
            combo.setAccessibleName(f"Dimension on the {axis} axis")  # more than "x"
            self.axis_widgets += [label, combo]
            bar.addWidget(label)
            bar.addWidget(combo)
            combo.setToolTip(f"Latent dimension on the {axis} axis (listed by KL, most used first)")
            combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        bar.addStretch(1)
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Fit the view to the points (F)")
        bar.addWidget(self.fit_button)
        self.export_button = QPushButton("Export view…")
        self.export_button.setToolTip("Save the plot as a PNG image 1600 pixels wide, under a line "
                                      "naming the model and the axes")
        self.export_button.clicked.connect(self.export_requested)
        bar.addWidget(self.export_button)
        return bar

    def _build_progress_page(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        col.addStretch(1)
        self.progress_label = QLabel("")
        self.progress_label.setAlignment(Qt.AlignCenter)
        self.progress_label.setWordWrap(True)
        col.addWidget(self.progress_label)
        self.progress_bar = ProgressBar()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setMaximumWidth(360)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.progress_bar)
        self.retry_button = QPushButton("Try again")
        self.retry_button.clicked.connect(self.retry_requested)
        row.addWidget(self.retry_button)
        row.addStretch(1)
        col.addLayout(row)
        col.addStretch(2)
        return page

    def _build_below(self) -> QHBoxLayout:
        below = QHBoxLayout()
        below.setSpacing(8)
        self.manifold_box = QCheckBox("Manifold")
        self.manifold_box.setToolTip("Decode an N x N grid over the visible region and show it behind "
                                     "the points; it follows panning and zooming (M)")
        below.addWidget(self.manifold_box)
        # Says what it did not take ("5" used to go back to 20 without a word): in the hint's
        # place on this row, until the box takes a value.
        self.grid_spin = RangeSpinBox("The grid size N")
        self.grid_spin.setRange(latent.MANIFOLD_MIN, latent.MANIFOLD_MAX)
        self.grid_spin.setValue(20)
        self.grid_spin.setPrefix("N = ")
        self.grid_spin.setAccessibleName("Manifold grid size")
        self.grid_spin.setToolTip("Manifold grid size: N decoded digits across the plot's shorter "
                                  "side, and as many of the same (square) size across the longer "
                                  "one")
        below.addWidget(self.grid_spin)
        self.points_box = QCheckBox("Points")
        self.points_box.setChecked(True)
        self.points_box.setToolTip("Show the test set's posterior means (P); click a digit in the "
                                   "legend, or press Alt and the digit (Alt+3), to hide that "
                                   "digit's points")
        below.addWidget(self.points_box)
        below.addStretch(1)
        self.hint_label = QLabel(HINT)
        tones.set_tone(self.hint_label, HINT_COLOUR)
        below.addWidget(self.hint_label)
        Refusals([self.grid_spin], self).changed.connect(self.show_refusal)
        return below

    def show_refusal(self, message: str) -> None:
        """Why the grid size box did not take what was typed, in the hint's place ("": the hint)."""
        self.hint_label.setText(message or HINT)
        # A refusal in red, readable on the window's palette, light or dark (widgets.tones).
        tones.set_tone(self.hint_label, tones.ERROR if message else HINT_COLOUR)

    def view_mode(self) -> str:
        return self.view_combo.currentData() or VIEW_DIMS

    def preferred_view(self) -> str:
        """The view chosen last (VIEW_PCA or VIEW_DIMS), shown whenever a model offers it."""
        return self._preferred_view

    def prefer_view(self, mode: str) -> None:
        """Show `mode` from the next set_views on (an unknown one is ignored)."""
        if mode in VIEWS:
            self._preferred_view = mode

    def _remember_view(self, _index: int) -> None:
        if self.view_combo.count() > 1:  # a choice, not the one view of a small model
            self.prefer_view(self.view_combo.currentData())

    # Planes
    def set_views(self, stats: latent.LatentStats | None) -> None:
        """Offer the views of this model (none while its statistics are pending), without
        emitting the combo boxes' signals."""
        combos = (self.view_combo, self.x_combo, self.y_combo)
        for combo in combos:
            combo.blockSignals(True)
            combo.clear()
        if stats is not None:
            dim = stats.latent_dim
            if dim > 2:
                self.view_combo.addItem("PCA of the means", VIEW_PCA)
            self.view_combo.addItem("Two latent dimensions" if dim > 1 else "One latent dimension",
                                    VIEW_DIMS)
            self.view_combo.setCurrentIndex(max(0, self.view_combo.findData(self._preferred_view)))
            for d in stats.order:
                text = f"z{d} · {stats.kl[d]:.2f} nats"
                self.x_combo.addItem(text, d)
                self.y_combo.addItem(text, d)
            if dim >= 2:
                # A 2-D model is shown as (z0, z1); larger ones start from the two most used dims.
                first, second = (0, 1) if dim == 2 else stats.order[:2]
                self.x_combo.setCurrentIndex(self.x_combo.findData(first))
                self.y_combo.setCurrentIndex(self.y_combo.findData(second))
        for combo in combos:
            combo.blockSignals(False)
        self.sync_axis_widgets(stats)

    def sync_axis_widgets(self, stats: latent.LatentStats | None) -> None:
        """The dimension pickers only matter when viewing two chosen dimensions."""
        for widget in self.axis_widgets:
            widget.setVisible(self.view_mode() == VIEW_DIMS)
        self.view_combo.setEnabled(stats is not None and stats.latent_dim > 2)
        if stats is not None and stats.latent_dim <= 2:
            self.view_combo.setToolTip(
                "This model has two latent dimensions: the plot shows them as they are."
                if stats.latent_dim == 2 else
                "This model has one latent dimension: the plot shows it along x.")
        else:
            self.view_combo.setToolTip(VIEW_TIP)
        self.y_combo.setEnabled(stats is not None and stats.latent_dim >= 2)

    def chosen_dims(self, stats: latent.LatentStats) -> tuple[int, int | None]:
        i = self.x_combo.currentData()
        j = self.y_combo.currentData() if stats.latent_dim >= 2 else None
        return (0 if i is None else i), j

    def make_plane(self, stats: latent.LatentStats, base: torch.Tensor | None):
        """The plane the view shows: the PCA plane, or the two chosen dimensions with the others
        held at `base` (the current point)."""
        if self.view_mode() == VIEW_PCA and stats.pca is not None:
            return latent.PCAPlane(stats.pca)
        i, j = self.chosen_dims(stats)
        if base is None or base.numel() != stats.latent_dim:
            base = torch.zeros(stats.latent_dim)
        return latent.DimsPlane(i, j, base)

    def avoid_same_dims(self, plane, changed: QComboBox) -> None:
        """Picking the other axis's dimension for an axis swaps the axes instead of making a
        degenerate plane (`plane`: the one shown before the change)."""
        i, j = self.x_combo.currentData(), self.y_combo.currentData()
        if i != j or not isinstance(plane, latent.DimsPlane):
            return
        other, old = (self.y_combo, plane.i) if changed is self.x_combo else (self.x_combo, plane.j)
        other.blockSignals(True)
        other.setCurrentIndex(other.findData(old))
        other.blockSignals(False)

    def show_canvas(self) -> None:
        self.stack.setCurrentWidget(self.canvas)
        self._enable_plot_controls(True)

    def show_progress(self, text: str, fraction: float | None, failed: bool = False) -> None:
        """The page shown instead of the plot while the test images are encoded (or if that
        failed: then with a retry button)."""
        self.stack.setCurrentIndex(1)
        self.progress_label.setText(text)
        self.progress_bar.setVisible(not failed)
        self.progress_bar.setValue(round(100 * (fraction or 0.0)))
        self.retry_button.setVisible(failed)
        self._enable_plot_controls(False)

    def progress_text(self) -> str:
        return self.progress_label.text() if self.stack.currentIndex() == 1 else ""

    def _enable_plot_controls(self, enabled: bool) -> None:
        for widget in (self.view_combo, self.x_combo, self.y_combo, self.fit_button,
                       self.export_button, self.manifold_box, self.grid_spin, self.points_box):
            widget.setEnabled(enabled)
