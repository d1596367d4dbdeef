"""The Latent space tab's current point: taking the state's latent point and rendering it (the
decoded digit, the crosshair, the coordinates and the sliders), the changes a click, a drag, a
slider, the label buttons, Origin and Go to drawing make to it through the state, the test image
under the mouse (or under the point), and the Draw tab's drawing marked on the plot.

CurrentPoint is a part of LatentTab (vae_desktop.gui.tabs.latent.tab): it uses the tab's `state`,
`model`, `stats`, `plane`, `z`, `weights`, `_picked_label`, `_posterior`, `_hovered`,
`_committing`, `_dirty`, `_panel_timer`, `canvas`, `point_box`, `label_box`, `sliders`, and
`update_manifold`, `_update_samples` (Outputs)."""

from __future__ import annotations

import numpy as np
import torch

from vae_desktop.core import latent
from vae_desktop.gui.state import one_hot
from vae_desktop.gui.tabs.latent.controls import SliderRow

ORIGIN = "Latent space"  # the origin of the points this tab makes
DRAWING_CAPTION_CHARS = 32  # the star's caption: a longer name is cut (whole in its tooltip)
# While dragging, the sliders and coordinates catch up once the mouse rests this long: repainting
# a column of sliders costs more than the decode, so doing it on every step would halve the rate.
PANEL_SETTLE_MS = 80


class CurrentPoint:
    # The current point
    def _commit(self, z: torch.Tensor, source: str, weights: np.ndarray | None = None) -> None:
        """Make `z` the state's latent point (under `weights`, by default the current label);
        the state's signal brings it back to `_on_point_changed`, which renders it."""
        if weights is None:
            weights = self.weights
        self._committing = source
        try:
            self.state.set_latent_point(z.numpy().copy(), weights, ORIGIN)
        finally:
            self._committing = ""

    def _on_point_changed(self, point) -> None:
        active = self.state.active
        if self._dirty or self.model is None or active is None or active.model is not self.model:
            return  # rendered from the state when the tab is next shown, or on model_changed
        if point is None:
            self.go_to_origin()  # what this tab shows is the state's point
            return
        if point.code.size != self.model.latent_dim:
            self.state.status_message.emit(
                f"Latent space: that point has {point.code.size} dimensions but the model has "
                f"{self.model.latent_dim}", 5000)
            return
        self._render_point(point, source=self._committing)

    def _adopt(self, point) -> bool:
        """Take the point's code and label weights as the current ones (for None: the origin
        under the last picked label); returns whether the weights changed."""
        dim = self.model.latent_dim
        if point is not None and point.code.size != dim:
            point = None
        if self.model.num_classes:
            weights = point.label_weights if point is not None else None
            if weights is None or weights.size != self.model.num_classes:
                weights = one_hot(self._picked_label, self.model.num_classes)
            changed = self.weights is None or not np.array_equal(weights, self.weights)
            self.weights = np.asarray(weights, np.float32)
            self.label_box.show_weights(self.weights)
            if point is not None and point.label is not None:
                self._picked_label = point.label
        else:
            changed, self.weights = self.weights is not None, None
        self.z = torch.zeros(dim) if point is None else torch.from_numpy(point.code.copy())
        return changed

    def _render_point(self, point, source: str) -> None:
        """Show the state's point, and the test image under it as a hover shows one (a point
        moved with the keys or a slider is where no mouse is). A click or a drag's end on the
        plot (source "plot") is where the mouse is: the canvas looks under the mouse itself when
        it is released."""
        relabelled = self._adopt(point)
        self.set_z(self.z, source=source)
        if source != "plot" and self.plane is not None and self.stats is not None:
            self.canvas.hover_crosshair()
        if relabelled:
            self.update_manifold()
            self._update_samples()

    @property
    def label(self) -> int | None:
        """The single digit the current point is decoded as (None for a blend or no label)."""
        if self.weights is None or not np.isclose(self.weights.max(), 1.0):
            return None
        return int(self.weights.argmax())

    def label_text(self) -> str:
        """The current point's label in words, e.g. "label 5→6 blend: 47% 5, 53% 6" ("" if none)."""
        return "" if self.weights is None else latent.describe_label(self.weights)

    def set_z(self, z: torch.Tensor, source: str = "") -> None:
        """Show `z` as the current point: decode it, move the crosshair, update the coordinates and
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
        image = latent.decode(self.model, z[None], self.weights)[0].numpy()
        self.point_box.digit_view.set_image(image)
        self._show_point(panel=False)
        if source == "drag":
            self._panel_timer.start()  # restarts: the panel follows when the drag rests
        else:
            self._panel_timer.stop()
            self._sync_panel(sliders=source != "slider")

    def _show_point(self, panel: bool = True) -> None:
        if self.plane is None:
            return
        x, y = (float(v) for v in self.plane.to_plane(self.z[None])[0])
        self.canvas.set_crosshair(x, y, f"({x:.2f}, {y:.2f})")
        if panel:
            self._sync_panel(sliders=False)

    def _sync_panel(self, sliders: bool = True) -> None:
        """The coordinates beside the digit and (optionally) the sliders, for the current point."""
        if self.z is None or self.model is None:
            return
        lines = []
        if self.plane is not None:
            x, y = (float(v) for v in self.plane.to_plane(self.z[None])[0])
            ax, ay = (label.split(" (")[0] for label in self.plane.axis_labels())
            lines.append(f"<b>{ax}</b> = {x:+.3f}")
            if ay:
                lines.append(f"<b>{ay}</b> = {y:+.3f}")
        lines.append(f"|z| = {float(self.z.norm()):.2f}")
        if self.weights is not None:
            # A blend in a word: the line under the Decode as buttons says which.
            lines.append(f"decoded as <b>{self.label}</b>" if self.label is not None else
                         "decoded under a <b>label blend</b>")
        self.point_box.coord_label.setText("<br>".join(lines))
        if sliders:
            self.sliders.show_values(self.z)

    def current_image(self) -> np.ndarray | None:
        return self.point_box.digit_view.image()

    def pick(self, x: float, y: float, final: bool = True) -> None:
        """What a click (final) or a drag step does at plane point (x, y): a drag step shows the
        point here; a click or the drag's end makes it the state's latent point."""
        if self.stats is None or self.plane is None:
            return
        z = self.plane.to_latent(torch.tensor([[x, y]], dtype=torch.float32))[0]
        if final:
            self._commit(z, "plot")
        else:
            self.set_z(z, source="drag")

    def go_to_origin(self) -> None:
        if self.model is not None:
            self._commit(torch.zeros(self.model.latent_dim), "")

    def _on_slider(self, row: SliderRow, position: int, final: bool) -> None:
        if self.z is None:
            return
        z = self.z.clone()
        z[row.dim] = row.to_value(position)
        row.value.setText(f"{float(z[row.dim]):+.2f}")
        if final:
            self._commit(z, "slider")
        else:
            self.set_z(z, source="slider")

    def set_label(self, label: int) -> None:
        """Decode the current point as digit `label` (conditional models): it becomes the point's
        label, replacing a blend."""
        if self.model is None or not self.model.num_classes:
            return
        self._picked_label = int(label)
        z = self.z if self.z is not None else torch.zeros(self.model.latent_dim)
        self._commit(z, "", one_hot(self._picked_label, self.model.num_classes))

    # Hover
    def _on_hovered(self, index: int) -> None:
        self._show_hovered(index if index >= 0 and self.stats is not None else None)

    def _show_hovered(self, index: int | None) -> None:
        """The test image under the mouse or the current point, or none (they left the points
        or the plot, or the model changed)."""
        self._hovered = index
        if index is None:
            self.point_box.show_hovered(None)
            return
        images, labels = self.state.test_set()
        self.point_box.show_hovered(images[index].numpy().astype(np.float32) / 255.0,
                                    f"Test image #{index}\ndigit {int(labels[index])}")

    @property
    def hovered_index(self) -> int | None:
        """The test image shown as hovered, or None."""
        return self._hovered

    # Drawing from the Draw tab
    def _on_posterior(self, posterior) -> None:
        self._posterior = posterior
        self._draw_posterior()

    def _drawing_posterior(self) -> tuple[torch.Tensor, torch.Tensor] | None:
        return None if self.stats is None else latent.posterior_arrays(self._posterior,
                                                                        self.stats.latent_dim)

    def _draw_posterior(self) -> None:
        found = self._drawing_posterior()
        self.point_box.drawing_button.setEnabled(found is not None)
        if found is None or self.plane is None:
            self.canvas.set_drawing(None)
        else:
            self._caption_drawing()
            self.canvas.set_drawing(*latent.posterior_mark(self.plane, *found))

    def _caption_drawing(self) -> None:
        """The star's caption: where the drawing came from, as Draw, Conditional and Interpolate
        say it ("your drawing", "huge.png", "test image #1790")."""
        drawing = self.state.drawing
        origin = "your drawing" if drawing is None or not drawing.origin else drawing.origin
        self.canvas.set_drawing_caption(origin, DRAWING_CAPTION_CHARS)

    def _drawing_weights(self) -> np.ndarray | None:
        """The label the drawing was encoded under (conditional models: the Draw tab's best guess,
        or the label picked there), as label weights; None when there is none to take."""
        label = None if self._posterior is None else self._posterior.get("label")
        classes = 0 if self.model is None else self.model.num_classes
        if label is None or not classes or not 0 <= int(label) < classes:
            return None
        return one_hot(int(label), classes)

    def _go_to_drawing(self) -> None:
        """The drawing's code, decoded under the label it was encoded with (a conditional
        model's code holds only style: under another label it is another digit)."""
        found = self._drawing_posterior()
        if found is not None:
            weights = self._drawing_weights()
            if weights is not None:
                self._picked_label = int(weights.argmax())
            self._commit(found[0], "", weights)
