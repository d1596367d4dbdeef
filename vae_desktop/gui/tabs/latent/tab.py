"""Latent space tab: click in latent space to generate.

The plot shows the test set's posterior means (directly for 2-D latents, else a PCA of them or two
chosen dimensions). Clicking or dragging decodes that point live; sliders move the current point
one dimension at a time (ordered by how much each dimension is used); a manifold overlay decodes a
grid over the visible region; a second page draws random samples at a chosen temperature."""

from __future__ import annotations

import weakref

import numpy as np
import torch
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import latent
from vae_desktop.core.images import grid, save_png
from vae_desktop.gui.widgets.image_view import DigitView
from vae_desktop.gui.widgets.latent_canvas import DIGIT_COLORS, LatentCanvas

VIEW_PCA, VIEW_DIMS = "pca", "dims"
SLIDER_STEPS = 1000  # a slider's integer range is [-SLIDER_STEPS, SLIDER_STEPS]
SAMPLE_COUNT = 64
# While dragging, the sliders and coordinates catch up once the mouse rests this long: repainting
# a column of sliders costs more than the decode, so doing it on every step would halve the rate.
PANEL_SETTLE_MS = 80


def _fingerprint(model) -> tuple:
    """Changes when the weights change (e.g. the model was trained further in place)."""
    with torch.no_grad():
        return (id(model), float(model.fc_mu.weight.sum()), float(model.fc_logvar.bias.sum()))


class SliderRow:
    """One latent dimension's name, slider and value, laid out on a row of a grid."""

    def __init__(self, dim: int, kl: float, active: bool, limit: float) -> None:
        self.dim, self.kl, self.active, self.limit = dim, kl, active, limit
        tag = "" if active else "  <span style='color:#c98a3a'>inactive</span>"
        self.name = QLabel(f"<b>z{dim}</b>{tag}")
        self.kl_label = QLabel(f"{kl:.2f} nats" if kl >= 0.005 else f"{kl:.0e} nats")
        self.kl_label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(-SLIDER_STEPS, SLIDER_STEPS)
        self.slider.setPageStep(SLIDER_STEPS // 10)
        self.slider.setMinimumWidth(120)
        self.value = QLabel("+0.00")
        # Fixed size: a text change then repaints the label alone instead of asking the whole
        # panel for a new layout (which repaints every row).
        self.value.setFixedSize(max(48, self.value.sizeHint().width() + 6), self.value.sizeHint().height())
        self.value.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        tip = (f"Latent dimension {dim}: average KL to the prior {kl:.4f} nats over the test set"
               + ("." if active else " (below 0.01: the encoder ignores it, so it barely changes "
                  "the image).") + f"\nRange ±{limit:.1f}.")
        for w in (self.name, self.kl_label, self.slider, self.value):
            w.setToolTip(tip)
        if not active:
            for w in (self.kl_label, self.value):
                w.setStyleSheet("color: #888")

    def widgets(self) -> tuple[QWidget, ...]:
        return self.name, self.kl_label, self.slider, self.value

    def to_value(self, position: int) -> float:
        return position / SLIDER_STEPS * self.limit

    def show_value(self, value: float) -> None:
        pos = int(round(np.clip(value / self.limit, -1.0, 1.0) * SLIDER_STEPS))
        self.slider.blockSignals(True)
        self.slider.setValue(pos)
        self.slider.blockSignals(False)
        self.value.setText(f"{value:+.2f}")


class LatentTab(QWidget):
    """The Latent space tab. Listens to state.model_changed, posterior_changed (marks the Draw
    tab's drawing) and latent_point_selected (moves the current point); emits
    state.latent_clicked(z) when the user clicks or finishes a drag on the plot."""

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._stats_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.stats: latent.LatentStats | None = None
        self.model = None
        self.plane = None
        self.z: torch.Tensor | None = None
        self.label = 0
        self.slider_rows: list[SliderRow] = []
        self._noise: torch.Tensor | None = None
        self._noise_seed = 0
        self._posterior: dict | None = None
        self._pending_z: torch.Tensor | None = None
        self._dirty = True
        self._panel_timer = QTimer(self, singleShot=True, interval=PANEL_SETTLE_MS)
        self._panel_timer.timeout.connect(self._sync_panel)
        self._build()
        state.model_changed.connect(self._on_model_changed)
        state.posterior_changed.connect(self._on_posterior)
        state.latent_point_selected.connect(self.set_latent)

    # UI
    def _build(self) -> None:
        self.pages = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)
        self.empty_label = QLabel("<h3>No model loaded</h3><p>Train a model in the Train tab or pick "
                                  "one in the toolbar to explore its latent space.</p>")
        self.empty_label.setAlignment(Qt.AlignCenter)
        self.pages.addWidget(self.empty_label)
        body = QWidget()
        self.pages.addWidget(body)
        layout = QHBoxLayout(body)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(12)
        layout.addLayout(self._build_plot_column(), stretch=1)
        side = QWidget()
        side.setFixedWidth(440)
        side.setLayout(self._build_side_column())
        layout.addWidget(side)

        for key, slot, what in (("M", self.manifold_box.toggle, "toggle the manifold"),
                                ("P", self.points_box.toggle, "toggle the points"),
                                ("F", self.fit_view, "fit the view"),
                                ("R", self.new_samples, "new random samples")):
            shortcut = QShortcut(QKeySequence(key), self, activated=slot)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.setWhatsThis(what)

    def _build_plot_column(self) -> QVBoxLayout:
        col = QVBoxLayout()
        col.setSpacing(6)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(QLabel("View:"))
        self.view_combo = QComboBox()
        self.view_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.view_combo.setToolTip("How to flatten the latent space onto the plot: the plane of the "
                                   "two main principal components of the test means, or two chosen "
                                   "dimensions with the others held at the current point.")
        bar.addWidget(self.view_combo)
        self.x_combo, self.y_combo = QComboBox(), QComboBox()
        self._axis_widgets = []
        for axis, combo in (("x", self.x_combo), ("y", self.y_combo)):
            label = QLabel(f"{axis}:")
            self._axis_widgets += [label, combo]
            bar.addWidget(label)
            bar.addWidget(combo)
            combo.setToolTip(f"Latent dimension on the {axis} axis (listed by KL, most used first)")
            combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
            combo.currentIndexChanged.connect(self._on_dims_changed)
        self.view_combo.currentIndexChanged.connect(self._on_view_changed)
        bar.addStretch(1)
        fit = QPushButton("Fit")
        fit.setToolTip("Fit the view to the points (F)")
        fit.clicked.connect(self.fit_view)
        bar.addWidget(fit)
        export = QPushButton("Export view…")
        export.setToolTip("Save the plot as a PNG image")
        export.clicked.connect(lambda: self.export_view())
        bar.addWidget(export)
        col.addLayout(bar)

        self.canvas = LatentCanvas()
        self.canvas.point_picked.connect(self._on_picked)
        self.canvas.point_hovered.connect(self._on_hovered)
        self.canvas.region_settled.connect(lambda *_: self.update_manifold())
        col.addWidget(self.canvas, stretch=1)
        below = QHBoxLayout()
        below.setSpacing(8)
        self.manifold_box = QCheckBox("Manifold")
        self.manifold_box.setToolTip("Decode an N x N grid over the visible region and show it behind "
                                     "the points; it follows panning and zooming (M)")
        self.manifold_box.toggled.connect(self._on_manifold_toggled)
        below.addWidget(self.manifold_box)
        self.grid_spin = QSpinBox()
        self.grid_spin.setRange(latent.MANIFOLD_MIN, latent.MANIFOLD_MAX)
        self.grid_spin.setValue(20)
        self.grid_spin.setPrefix("N = ")
        self.grid_spin.setToolTip("Manifold grid size: N x N decoded digits")
        self.grid_spin.valueChanged.connect(lambda _: self.update_manifold())
        below.addWidget(self.grid_spin)
        self.points_box = QCheckBox("Points")
        self.points_box.setChecked(True)
        self.points_box.setToolTip("Show the test set's posterior means (P); click a digit in the "
                                   "legend to hide that digit")
        self.points_box.toggled.connect(self._on_points_toggled)
        below.addWidget(self.points_box)
        below.addStretch(1)
        hint = QLabel("Click or drag: decode · Shift+drag or middle-drag: pan · wheel or right-drag: zoom")
        hint.setStyleSheet("color: #888")
        below.addWidget(hint)
        col.addLayout(below)
        return col

    def _build_side_column(self) -> QVBoxLayout:
        col = QVBoxLayout()
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(8)
        current = QGroupBox("Decoded point")
        grid_layout = QGridLayout(current)
        self.digit_view = DigitView(title="The decoded current point", min_size=200)
        self.digit_view.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        self.digit_view.setFixedSize(210, 210)
        grid_layout.addWidget(self.digit_view, 0, 0, 4, 1)
        self.coord_label = QLabel("")
        self.coord_label.setWordWrap(True)
        self.coord_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        grid_layout.addWidget(self.coord_label, 0, 1)
        self.hover_view = DigitView(title="The test image under the mouse", min_size=84)
        self.hover_view.setFixedSize(96, 96)
        grid_layout.addWidget(self.hover_view, 1, 1, Qt.AlignLeft)
        self.hover_label = QLabel("Hover a point to see\nits test image")
        self.hover_label.setStyleSheet("color: #999")
        grid_layout.addWidget(self.hover_label, 2, 1)
        buttons = QHBoxLayout()
        self.drawing_button = QPushButton("Go to drawing")
        self.drawing_button.setToolTip("Move the current point to the posterior mean of the "
                                       "Draw tab's drawing (the star on the plot)")
        self.drawing_button.setEnabled(False)
        self.drawing_button.clicked.connect(self._go_to_drawing)
        buttons.addWidget(self.drawing_button)
        export = QPushButton("Export digit…")
        export.setToolTip("Save the decoded digit as a PNG image")
        export.clicked.connect(lambda: self.export_digit())
        buttons.addWidget(export)
        grid_layout.addLayout(buttons, 4, 0, 1, 2)
        grid_layout.setColumnStretch(1, 1)
        col.addWidget(current)

        self.label_box = QGroupBox("Digit label (conditional model)")
        self.label_box.setToolTip("A conditional model decodes every point as this digit")
        label_row = QHBoxLayout()
        label_row.setSpacing(3)
        self.label_group = QButtonGroup(self)
        self.label_group.setExclusive(True)
        for d in range(10):
            button = QToolButton()
            button.setText(str(d))
            button.setCheckable(True)
            button.setMinimumWidth(30)
            button.setToolTip(f"Decode as digit {d}")
            button.setStyleSheet(f"QToolButton:checked {{ background: {DIGIT_COLORS[d]}; color: black;"
                                 " font-weight: bold; }")
            self.label_group.addButton(button, d)
            label_row.addWidget(button)
        self.label_group.button(0).setChecked(True)
        self.label_group.idClicked.connect(self.set_label)
        box_layout = QVBoxLayout(self.label_box)
        box_layout.setContentsMargins(6, 4, 6, 4)
        box_layout.addLayout(label_row)
        note = QLabel("The decoder gets the label, so the latent space holds only style: "
                      "the digits' colours mix.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #999")
        box_layout.addWidget(note)
        col.addWidget(self.label_box)

        self.side_tabs = QTabWidget()
        self.side_tabs.addTab(self._build_sliders_page(), "Dimensions")
        self.side_tabs.addTab(self._build_random_page(), "Random samples")
        col.addWidget(self.side_tabs, stretch=1)
        return col

    def _build_sliders_page(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        col.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        self.sliders_note = QLabel("")
        self.sliders_note.setWordWrap(True)
        self.sliders_note.setStyleSheet("color: #999")
        top.addWidget(self.sliders_note, stretch=1)
        origin = QPushButton("Origin")
        origin.setToolTip("Move the current point to z = 0, the prior's mean")
        origin.clicked.connect(self.go_to_origin)
        top.addWidget(origin)
        col.addLayout(top)
        self.sliders_scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        col.addWidget(scroll, stretch=1)
        return page

    def _build_random_page(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        col.setContentsMargins(6, 6, 6, 6)
        self.samples_view = DigitView(title="Decodes of z ~ N(0, I) x temperature", min_size=220)
        col.addWidget(self.samples_view, stretch=1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Temperature"))
        self.temp_slider = QSlider(Qt.Horizontal)
        self.temp_slider.setRange(0, 200)
        self.temp_slider.setValue(100)
        self.temp_slider.setToolTip("Scale of the random codes: 0 decodes the origin, 1 samples the "
                                    "prior, above 1 reaches regions the model rarely saw")
        self.temp_slider.valueChanged.connect(self._on_temperature)
        row.addWidget(self.temp_slider, stretch=1)
        self.temp_label = QLabel("1.00")
        self.temp_label.setMinimumWidth(34)
        row.addWidget(self.temp_label)
        col.addLayout(row)
        buttons = QHBoxLayout()
        again = QPushButton("New samples")
        again.setToolTip("Draw 64 new codes (R)")
        again.clicked.connect(self.new_samples)
        buttons.addWidget(again)
        export = QPushButton("Export samples…")
        export.setToolTip("Save the 8 x 8 grid as a PNG image")
        export.clicked.connect(lambda: self.export_samples())
        buttons.addWidget(export)
        col.addLayout(buttons)
        return page

    # Model and statistics
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def _on_model_changed(self, _ckpt) -> None:
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Load the active model's statistics (cached per model) and rebuild the views."""
        self._dirty = False
        ckpt = self.state.active
        if ckpt is None:
            self.model, self.stats, self.plane, self.z = None, None, None, None
            self.pages.setCurrentWidget(self.empty_label)
            return
        self.model = ckpt.model
        self.stats = self._stats_for(self.model)
        self.pages.setCurrentIndex(1)
        dim = self.stats.latent_dim
        conditional = self.model.num_classes > 0
        self.label_box.setVisible(conditional)
        if conditional:
            self.label = min(self.label, self.model.num_classes - 1)

        for combo in (self.view_combo, self.x_combo, self.y_combo):
            combo.blockSignals(True)
            combo.clear()
        if dim > 2:
            self.view_combo.addItem("PCA of the means", VIEW_PCA)
        self.view_combo.addItem("Two latent dimensions" if dim > 2 else "Latent dimensions", VIEW_DIMS)
        self.view_combo.setEnabled(dim > 2)
        for d in self.stats.order:
            text = f"z{d} · {self.stats.kl[d]:.2f} nats"
            self.x_combo.addItem(text, d)
            self.y_combo.addItem(text, d)
        if dim >= 2:
            # A 2-D model is shown as (z0, z1); larger ones start from the two most used dims.
            first, second = (0, 1) if dim == 2 else self.stats.order[:2]
            self.x_combo.setCurrentIndex(self.x_combo.findData(first))
            self.y_combo.setCurrentIndex(self.y_combo.findData(second))
        for combo in (self.view_combo, self.x_combo, self.y_combo):
            combo.blockSignals(False)
        self._sync_axis_widgets()

        self._build_sliders()
        self.z = torch.zeros(dim)
        self._new_noise()
        self._apply_plane(fit=True)
        z = self._pending_z if self._pending_z is not None and self._pending_z.numel() == dim else self.z
        self._pending_z = None
        self.set_z(z)
        self._update_samples()
        self._draw_posterior()

    def _stats_for(self, model) -> latent.LatentStats:
        key = _fingerprint(model)
        cached = self._stats_cache.get(model)
        if cached is not None and cached[0] == key:
            return cached[1]
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            images, labels = self.state.test_set()
            stats = latent.latent_stats(model, images, labels)
        finally:
            QApplication.restoreOverrideCursor()
        self._stats_cache[model] = (key, stats)
        return stats

    def _build_sliders(self) -> None:
        # A fresh container each time: the scroll area deletes the old one with its rows.
        self.sliders_widget = QWidget()
        self.sliders_grid = QGridLayout(self.sliders_widget)
        self.sliders_grid.setContentsMargins(0, 0, 6, 0)
        self.sliders_grid.setVerticalSpacing(2)
        self.sliders_grid.setColumnStretch(2, 1)
        self.sliders_scroll.setWidget(self.sliders_widget)
        self.slider_rows = []
        stats = self.stats
        row_index = 0
        for d, active in zip(stats.order, stats.active, strict=True):
            if not active and (not self.slider_rows or self.slider_rows[-1].active):
                header = QLabel(f"Inactive: KL under {latent.INACTIVE_KL:g} nats, ignored by the encoder")
                header.setStyleSheet("color: #c98a3a; margin-top: 6px")
                self.sliders_grid.addWidget(header, row_index, 0, 1, 4)
                row_index += 1
            row = SliderRow(d, float(stats.kl[d]), active, float(stats.limits[d]))
            for col, widget in enumerate(row.widgets()):
                self.sliders_grid.addWidget(widget, row_index, col)
            row.slider.valueChanged.connect(lambda pos, r=row: self._on_slider(r, pos))
            self.slider_rows.append(row)
            row_index += 1
        self.sliders_grid.setRowStretch(row_index, 1)
        n_active = sum(stats.active)
        self.sliders_note.setText(f"{len(stats.order)} dimensions by average KL over the test set; "
                                  f"{n_active} active.")

    # Planes
    def view_mode(self) -> str:
        return self.view_combo.currentData() or VIEW_DIMS

    def _chosen_dims(self) -> tuple[int, int | None]:
        i = self.x_combo.currentData()
        j = self.y_combo.currentData() if self.stats.latent_dim >= 2 else None
        return (0 if i is None else i), j

    def _apply_plane(self, fit: bool = False) -> None:
        stats = self.stats
        if self.view_mode() == VIEW_PCA and stats.pca is not None:
            self.plane = latent.PCAPlane(stats.pca)
        else:
            i, j = self._chosen_dims()
            base = self.z if self.z is not None else torch.zeros(stats.latent_dim)
            self.plane = latent.DimsPlane(i, j, base)
        self.canvas.set_points(self.plane.to_plane(stats.mu).numpy(), stats.labels.numpy())
        self.canvas.set_axis_labels(*self.plane.axis_labels())
        if fit:
            self.canvas.fit_to_points()
        if self.z is not None:
            self._show_point()
        self._draw_posterior()
        self.update_manifold()

    def _on_view_changed(self, _index: int) -> None:
        if self.stats is None:
            return
        self._sync_axis_widgets()
        self._apply_plane(fit=True)

    def _sync_axis_widgets(self) -> None:
        """The dimension pickers only matter when viewing two chosen dimensions."""
        for widget in self._axis_widgets:
            widget.setVisible(self.view_mode() == VIEW_DIMS)
        self.y_combo.setEnabled(self.stats is not None and self.stats.latent_dim >= 2)

    def _on_dims_changed(self, _index: int) -> None:
        if self.stats is None or self.view_mode() != VIEW_DIMS:
            return
        i, j = self._chosen_dims()
        if i == j and isinstance(self.plane, latent.DimsPlane):
            # Picking the other axis's dimension swaps the axes instead of a degenerate plane.
            other, old = ((self.y_combo, self.plane.i) if self.sender() is self.x_combo
                          else (self.x_combo, self.plane.j))
            other.blockSignals(True)
            other.setCurrentIndex(other.findData(old))
            other.blockSignals(False)
        self._apply_plane(fit=True)

    def fit_view(self) -> None:
        if self.stats is not None:
            self.canvas.fit_to_points()

    # The current point
    def set_z(self, z: torch.Tensor, source: str = "") -> None:
        """Make `z` the current point: decode it, move the crosshair, update the coordinates and
        (unless the change came from them) the sliders. While dragging (source "drag") the side
        panel waits until the mouse rests for PANEL_SETTLE_MS, which keeps each drag step cheap."""
        z = torch.as_tensor(z, dtype=torch.float32).reshape(-1).clone()
        self.z = z
        if isinstance(self.plane, latent.DimsPlane):
            held = [d for d in range(z.numel()) if d not in (self.plane.i, self.plane.j)]
            off_plane_moved = bool(held) and not torch.equal(self.plane.base[held], z[held])
            self.plane.base = z.clone()
            if off_plane_moved:
                self.canvas.schedule_region_update()  # the manifold depends on the held dims
        image = latent.decode(self.model, z[None], self.label)[0].numpy()
        self.digit_view.set_image(image)
        self._show_point(panel=False)
        if source == "drag":
            self._panel_timer.start()  # restarts: the panel follows when the drag rests
        else:
            self._panel_timer.stop()
            self._sync_panel(sliders=source != "slider")

    def _show_point(self, panel: bool = True) -> None:
        x, y = (float(v) for v in self.plane.to_plane(self.z[None])[0])
        self.canvas.set_crosshair(x, y, f"({x:.2f}, {y:.2f})")
        if panel:
            self._sync_panel(sliders=False)

    def _sync_panel(self, sliders: bool = True) -> None:
        """The coordinates beside the digit and (optionally) the sliders, for the current point."""
        if self.z is None or self.plane is None:
            return
        x, y = (float(v) for v in self.plane.to_plane(self.z[None])[0])
        ax, ay = (label.split(" (")[0] for label in self.plane.axis_labels())
        lines = [f"<b>{ax}</b> = {x:+.3f}"]
        if ay:
            lines.append(f"<b>{ay}</b> = {y:+.3f}")
        lines.append(f"|z| = {float(self.z.norm()):.2f}")
        if self.model is not None and self.model.num_classes:
            lines.append(f"decoded as <b>{self.label}</b>")
        self.coord_label.setText("<br>".join(lines))
        if sliders:
            for row in self.slider_rows:
                row.show_value(float(self.z[row.dim]))

    def current_image(self) -> np.ndarray | None:
        return self.digit_view.image()

    def pick(self, x: float, y: float, final: bool = True) -> None:
        """What a click (final) or a drag step does at plane point (x, y)."""
        if self.stats is None:
            return
        z = self.plane.to_latent(torch.tensor([[x, y]], dtype=torch.float32))[0]
        self.set_z(z, source="plot" if final else "drag")
        if final:
            self.state.latent_clicked.emit(z.numpy().copy())

    def _on_picked(self, x: float, y: float, final: bool) -> None:
        self.pick(x, y, final)

    def set_latent(self, z) -> None:
        """Set the current point from outside (state.latent_point_selected): an array [latent_dim]."""
        z = torch.as_tensor(np.asarray(z, dtype=np.float32)).reshape(-1)
        if self.stats is None or self._dirty:
            self._pending_z = z
            return
        if z.numel() != self.stats.latent_dim:
            self.state.status_message.emit(
                f"Latent space: that point has {z.numel()} dimensions but the model has "
                f"{self.stats.latent_dim}", 5000)
            return
        self.set_z(z)

    def go_to_origin(self) -> None:
        if self.stats is not None:
            self.set_z(torch.zeros(self.stats.latent_dim))

    def _on_slider(self, row: SliderRow, position: int) -> None:
        if self.z is None:
            return
        z = self.z.clone()
        z[row.dim] = row.to_value(position)
        row.value.setText(f"{float(z[row.dim]):+.2f}")
        self.set_z(z, source="slider")

    def set_label(self, label: int) -> None:
        """The digit every decode uses (conditional models)."""
        self.label = int(label)
        button = self.label_group.button(self.label)
        if button is not None and not button.isChecked():
            button.setChecked(True)
        if self.z is not None and self.model is not None:
            self.set_z(self.z)
            self.update_manifold()
            self._update_samples()

    # Hover
    def _on_hovered(self, index: int) -> None:
        if index < 0 or self.stats is None:
            return
        images, labels = self.state.test_set()
        self.hover_view.set_image(images[index].numpy().astype(np.float32) / 255.0)
        self.hover_label.setText(f"Test image #{index}\ndigit {int(labels[index])}")
        self.hover_label.setStyleSheet("")

    # Manifold
    def _on_manifold_toggled(self, on: bool) -> None:
        if on:
            self.update_manifold()
        else:
            self.canvas.hide_manifold()

    def _on_points_toggled(self, on: bool) -> None:
        self.canvas.set_points_visible(on)

    def update_manifold(self) -> None:
        """Decode the N x N grid over the visible region (when the overlay is on)."""
        if not self.manifold_box.isChecked() or self.stats is None:
            return
        x_range, y_range = self.canvas.visible_region()
        image = latent.decode_manifold(self.model, self.plane, x_range, y_range,
                                       self.grid_spin.value(), self.label)
        self.canvas.set_manifold(image, x_range, y_range)

    # Random samples
    def _new_noise(self) -> None:
        self._noise_seed += 1
        gen = torch.Generator().manual_seed(self._noise_seed)
        self._noise = latent.random_codes(SAMPLE_COUNT, self.stats.latent_dim, 1.0, gen)

    def temperature(self) -> float:
        return self.temp_slider.value() / 100.0

    def new_samples(self) -> None:
        if self.stats is not None:
            self._new_noise()
            self._update_samples()

    def _on_temperature(self, _value: int) -> None:
        self.temp_label.setText(f"{self.temperature():.2f}")
        self._update_samples()

    def sample_codes(self) -> torch.Tensor | None:
        """The 64 codes on the Random samples page: fixed noise times the temperature, so moving
        the slider rescales the same samples."""
        return None if self._noise is None else self._noise * self.temperature()

    def _update_samples(self) -> None:
        if self.stats is None or self._noise is None:
            return
        images = latent.decode(self.model, self.sample_codes(), self.label)
        self.samples_view.set_image(grid(images, nrow=8, padding=2))

    # Drawing from the Draw tab
    def _on_posterior(self, posterior) -> None:
        self._posterior = posterior
        self._draw_posterior()

    def _drawing_posterior(self) -> tuple[torch.Tensor, torch.Tensor] | None:
        post = self._posterior
        if post is None or self.stats is None:
            return None
        mu = torch.as_tensor(np.asarray(post["mu"], dtype=np.float32)).reshape(-1)
        logvar = torch.as_tensor(np.asarray(post["logvar"], dtype=np.float32)).reshape(-1)
        if mu.numel() != self.stats.latent_dim or logvar.numel() != mu.numel():
            return None  # from another model
        return mu, logvar

    def _draw_posterior(self) -> None:
        found = self._drawing_posterior()
        self.drawing_button.setEnabled(found is not None)
        if found is None or self.plane is None:
            self.canvas.set_drawing(None)
            return
        mu, logvar = found
        center = self.plane.to_plane(mu[None])[0]
        outline = latent.ellipse(center, self.plane.covariance(logvar), n_sigma=2.0)
        self.canvas.set_drawing(center.numpy(), outline.numpy())

    def _go_to_drawing(self) -> None:
        found = self._drawing_posterior()
        if found is not None:
            self.set_z(found[0])

    # Export
    def _ask_path(self, title: str, name: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, title, name, "PNG images (*.png)")
        if not path:
            return None
        return path if path.lower().endswith(".png") else path + ".png"

    def _saved(self, path: str) -> None:
        self.state.status_message.emit(f"Saved {path}", 4000)

    def export_view(self, path: str | None = None) -> str | None:
        path = path or self._ask_path("Export latent space view", "latent-space.png")
        if path is None:
            return None
        if not self.canvas.grab().save(path, "PNG"):
            self.state.status_message.emit(f"Could not write {path}", 6000)
            return None
        self._saved(path)
        return path

    def _export_array(self, image, title: str, name: str, scale: int, path: str | None) -> str | None:
        if image is None:
            return None
        path = path or self._ask_path(title, name)
        if path is None:
            return None
        try:
            save_png(path, np.asarray(image), scale=scale)
        except OSError as exc:
            self.state.status_message.emit(f"Could not write {path}: {exc}", 6000)
            return None
        self._saved(path)
        return path

    def export_digit(self, path: str | None = None) -> str | None:
        return self._export_array(self.current_image(), "Export decoded digit", "latent-digit.png", 10, path)

    def export_samples(self, path: str | None = None) -> str | None:
        return self._export_array(self.samples_view.image(), "Export random samples",
                                  "latent-samples.png", 4, path)
