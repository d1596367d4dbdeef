"""Latent space tab: click in latent space to generate.

The plot shows the test set's posterior means (directly for 2-D latents, else a PCA of them or two
chosen dimensions), taken from the test-set pass the app makes once per model in the background.
Clicking or dragging decodes that point live; sliders move the current point one dimension at a
time (ordered by how much each dimension is used); a manifold overlay decodes a grid over the
visible region; a second page draws random samples at a chosen temperature.

The current point is the state's latent point (a code with the label, or label blend, it is
decoded under): the tab renders it, and a click, the end of a drag, a slider, the label buttons,
Origin and Go to drawing change it through the state. Drag steps and a slider held down preview
the point here only, so a drag costs no more than a decode per mouse move.

This module holds the tab's composition, its signals and how it follows the state (the model, the
test-set pass, the planes, the digits hidden); its parts are the current point (point.py:
CurrentPoint) and the manifold, random samples and exports (outputs.py: Outputs)."""

from __future__ import annotations

import numpy as np
import torch
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import latent
from vae_desktop.gui import preferences as qs
from vae_desktop.gui.tabs.latent.controls import (
    SideColumn,
    SliderRow,
)
from vae_desktop.gui.tabs.latent.outputs import Outputs
from vae_desktop.gui.tabs.latent.plot import VIEW_DIMS, VIEW_PCA, PlotPanel
from vae_desktop.gui.tabs.latent.point import PANEL_SETTLE_MS, CurrentPoint
from vae_desktop.gui.tabs.latent.snapshot_page import SnapshotPage
from vae_desktop.gui.tabs.latent.stats_source import LatentStatsSource
from vae_desktop.gui.tabs.sampling import SamplerSource
from vae_desktop.gui.widgets.tab_keys import TabKeys

__all__ = ["LatentTab", "VIEW_DIMS", "VIEW_PCA"]

class LatentTab(CurrentPoint, Outputs, QWidget):
    """The Latent space tab. Renders the active model's test-set pass (state.request_test_pass)
    and the state's latent point; marks the Draw tab's drawing (posterior_changed)."""

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.stats: latent.LatentStats | None = None
        self.model = None
        self.plane = None
        self.z: torch.Tensor | None = None
        # What every decode uses (conditional models): the current point's label weights.
        self.weights: np.ndarray | None = None
        self._picked_label = 0  # the last digit picked (used when a point comes without a label)
        self._posterior: dict | None = None
        self._hovered: int | None = None
        self._committing = ""  # the source of the point this tab is handing the state
        self._dirty = True
        self._panel_timer = QTimer(self, singleShot=True, interval=PANEL_SETTLE_MS)
        self._panel_timer.timeout.connect(self._sync_panel)
        self._build()
        state.model_changed.connect(self._on_model_changed)
        state.posterior_changed.connect(self._on_posterior)
        state.drawing_changed.connect(lambda _drawing: self._caption_drawing())
        state.latent_point_changed.connect(self._on_point_changed)
        self.stats_source = LatentStatsSource(state, self)
        self.stats_source.progress.connect(self._on_pass_progress)
        self.stats_source.ready.connect(self._on_pass_ready)
        self.stats_source.failed.connect(self._on_pass_failed)
        self.snapshot_page = SnapshotPage(state, self.pages, self.refresh)  # a run's snapshot
        # Prior or aggregate-posterior mixture, for the model this tab shows.
        self.sampler_source = SamplerSource(state, self.samples.sampler_choice, lambda: state.active, self)
        self.sampler_source.changed.connect(self._update_samples)

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

        self.plot = plot = PlotPanel()
        self.canvas = plot.canvas
        plot.view_combo.currentIndexChanged.connect(self._on_view_changed)
        for combo in (plot.x_combo, plot.y_combo):
            combo.currentIndexChanged.connect(self._on_dims_changed)
        plot.fit_button.clicked.connect(self.fit_view)
        plot.export_requested.connect(lambda: self.export_view())
        plot.retry_requested.connect(self.refresh)
        self.canvas.point_picked.connect(self.pick)
        self.canvas.point_hovered.connect(self._on_hovered)
        self.canvas.region_settled.connect(lambda *_: self.update_manifold())
        plot.manifold_box.toggled.connect(self._on_manifold_toggled)
        plot.grid_spin.valueChanged.connect(lambda _: self.update_manifold())
        plot.points_box.toggled.connect(self.canvas.set_points_visible)
        layout.addWidget(plot, stretch=1)

        self.side = side = SideColumn()
        self.point_box, self.label_box = side.point_box, side.label_box
        self.sliders, self.samples = side.sliders, side.samples
        self.point_box.drawing_button.clicked.connect(self._go_to_drawing)
        self.point_box.export_button.clicked.connect(lambda: self.export_digit())
        self.label_box.picked.connect(self.set_label)
        self.sliders.moved.connect(self._on_slider)
        self.sliders.origin_clicked.connect(self.go_to_origin)
        self.samples.temperature_changed.connect(lambda _: self._update_samples())
        self.samples.new_requested.connect(self.new_samples)
        self.samples.export_requested.connect(lambda: self.export_samples())
        layout.addWidget(side)

        # The window's context, scoped by this tab's visibility (a hidden tab's shortcuts are
        # off): the keys work as soon as the tab is shown, with the focus still on the tab bar;
        # a combo box or a number box with the focus gets its letters (tab_keys).
        self.keys = TabKeys(self)
        for key, slot, what in (("M", plot.manifold_box.toggle, "toggle the manifold"),
                                ("P", plot.points_box.toggle, "toggle the points"),
                                ("F", self.fit_view, "fit the view"),
                                ("R", self.new_samples, "new random samples")):
            self.keys.add(key, slot, what)
        # Alt and a digit: what a click on that digit's row of the legend does. Not the plain
        # digits (a box with the focus types them; Conditional's digits pick a label), nor Ctrl
        # (the window's tabs).
        for digit in range(10):
            self.keys.add(f"Alt+{digit}", lambda d=digit: self.toggle_digit(d),
                          f"hide or show the points of digit {digit}")

    @property
    def slider_rows(self) -> list[SliderRow]:
        return self.sliders.rows

    # Settings kept from one session to the next (the window calls these)
    def save_settings(self, settings) -> None:
        settings.setValue("latent/view", self.plot.preferred_view())
        settings.setValue("latent/manifold", self.plot.manifold_box.isChecked())
        settings.setValue("latent/manifold_n", self.plot.grid_spin.value())

    def restore_settings(self, settings) -> None:
        """The view, the Manifold tick and its N of the last session (values out of range or
        unknown keep the defaults)."""
        self.plot.prefer_view(qs.read_str(settings, "latent/view", self.plot.preferred_view()))
        spin = self.plot.grid_spin
        n = qs.read_int(settings, "latent/manifold_n", spin.value())
        if spin.minimum() <= n <= spin.maximum():
            spin.setValue(n)
        self.plot.manifold_box.setChecked(qs.read_bool(settings, "latent/manifold", False))
        if self.stats is not None and self.view_mode() != self.plot.preferred_view():
            self.plot.set_views(self.stats)
            self._apply_plane(fit=True)

    def resizeEvent(self, event) -> None:
        if self.side.fit_to(event.size().width(), event.size().height()):
            # While a snapshot is shown the column's page is hidden, and Qt passes no change of
            # size up from a hidden widget: the tab kept the minimum size of a column made for
            # 1920x1080, under scroll bars at 1264x672. Pass it up by hand.
            widget = self.side.point_box
            while widget is not None and widget is not self:
                widget.updateGeometry()
                widget = widget.parentWidget()
        super().resizeEvent(event)

    # Model and the test-set pass
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def _on_model_changed(self, _ckpt) -> None:
        # What belongs to the previous model goes at once, even while the tab is hidden (the
        # drawing's marker goes with the posterior, which the state has set to None).
        self._show_hovered(None)
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Rebuild the views for the active model: its statistics come from the shared test-set
        pass, started here if it has not been made (then a progress page shows until it is)."""
        self._dirty = False
        ckpt = self.state.active
        self.plane = None
        self._show_hovered(None)
        if ckpt is None:
            self.model, self.stats, self.z = None, None, None
            self.pages.setCurrentWidget(self.empty_label)
            return
        self.pages.setCurrentIndex(1)
        if ckpt.model is not self.model:
            self.model = ckpt.model
            self.samples.new_noise(self.model.latent_dim)
            # A new map: no dot of another model's hovered, no digit hidden for it.
            self.canvas.clear_hover()
            self.canvas.show_all_digits()
        self.sampler_source.refresh()  # the model's mixture, when that sampler is picked
        conditional = self.model.num_classes > 0
        self.label_box.setVisible(conditional)
        if conditional:
            self.label_box.set_num_classes(self.model.num_classes)
            self._picked_label = min(self._picked_label, self.model.num_classes - 1)
        point = self.state.latent_point
        self._adopt(point)  # the plane and the manifold need them
        if point is None or point.code.size != self.model.latent_dim:
            self._commit(self.z, "")  # the origin shown here is the state's point
        self.stats = self.stats_source.stats(ckpt)
        if self.stats is None:
            self._show_waiting()
        else:
            self._show_stats()
        self.set_z(self.z)
        self._update_samples()

    def _show_waiting(self) -> None:
        ckpt = self.state.active
        failure = self.stats_source.failure(ckpt)
        if failure is not None:
            self.plot.show_progress(f"Could not encode the test images: {failure}", None, failed=True)
        else:
            self._show_progress(self.stats_source.fraction(ckpt))
        self.canvas.set_points(np.zeros((0, 2)), np.zeros(0, np.int64))
        self.plot.set_views(None)
        self.sliders.clear("The dimensions are listed by how much the model uses them once the "
                           "test images are encoded.")

    def _show_progress(self, fraction: float) -> None:
        self.plot.show_progress(f"Encoding the {self.stats_source.count():,} test images… "
                                f"{100 * fraction:.0f}%", fraction)

    def progress_text(self) -> str:
        """What the plot area says while the test images are being encoded ("" once shown)."""
        return self.plot.progress_text()

    def _waiting(self) -> bool:
        """Whether the tab shows the active model and waits for its test-set pass."""
        active = self.state.active
        return (not self._dirty and self.stats is None and active is not None
                and self.model is active.model)

    def _on_pass_progress(self, fraction: float) -> None:
        if self._waiting():
            self._show_progress(fraction)

    def _on_pass_ready(self) -> None:
        if self._waiting():
            self.refresh()

    def _on_pass_failed(self, _message: str) -> None:
        if self._waiting():
            self._show_waiting()

    def _show_stats(self) -> None:
        self.plot.show_canvas()
        self.plot.set_views(self.stats)
        self.sliders.build(self.stats)
        self._apply_plane(fit=True)

    # Planes
    def view_mode(self) -> str:
        return self.plot.view_mode()

    def _apply_plane(self, fit: bool = False) -> None:
        stats = self.stats
        self.plane = self.plot.make_plane(stats, self.z)
        self.canvas.set_points(self.plane.to_plane(stats.mu).numpy(), stats.labels.numpy())
        self.canvas.set_axis_labels(*self.plane.axis_labels())
        if fit:
            self.canvas.fit_to_points()
        if self.z is not None and self.z.numel() == stats.latent_dim:
            self._show_point()
        self._draw_posterior()
        self.update_manifold()

    def _on_view_changed(self, _index: int) -> None:
        if self.stats is not None:
            self.plot.sync_axis_widgets(self.stats)
            self._apply_plane(fit=True)

    def _on_dims_changed(self, _index: int) -> None:
        if self.stats is None or self.view_mode() != VIEW_DIMS:
            return
        self.plot.avoid_same_dims(self.plane, self.sender())
        self._apply_plane(fit=True)

    def fit_view(self) -> None:
        if self.stats is not None:
            self.canvas.fit_to_points()

    # Digits hidden (Alt+digit)
    def toggle_digit(self, digit: int) -> None:
        """Hide a digit's points on the plot shown (the model's, or a training run's snapshot),
        or show them again, as a click on the digit's row of the legend does; said in the
        status bar, for a keyboard user who does not see the legend."""
        say = self.state.status_message.emit
        if self.pages.currentWidget() is self.snapshot_page:
            canvas = self.snapshot_page.view.canvas
        elif self.pages.currentWidget() is self.empty_label:
            say("Latent space: no model is loaded, so there are no points to hide. Pick a model "
                "in the toolbar first.", 5000)
            return
        elif self.stats is None:
            say("Latent space: the test images are still being encoded, so there are no points "
                "to hide yet. Try again when the plot shows them.", 5000)
            return
        else:
            canvas = self.canvas
        if not canvas.points_visible():
            say("Latent space: the points are off, so no digit can be hidden. Press P to show "
                "them first.", 5000)
            return
        if canvas.toggle_digit(digit):
            say(f"Latent space: the points of digit {digit} are shown again.", 5000)
        else:
            say(f"Latent space: the points of digit {digit} are hidden. Press Alt+{digit} to "
                "show them again.", 5000)
