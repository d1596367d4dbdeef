"""What the Latent space tab decodes beside the current point, and its exports: the manifold
overlay (a grid of decodes over the visible region), the Random samples page (its sampler's codes
at its temperature) and the PNGs of the plot, the decoded digit and the samples.

Outputs is a part of LatentTab (vae_desktop.gui.tabs.latent.tab): it uses the tab's
`state`, `model`, `stats`, `plane`, `weights`, `plot`, `canvas`, `samples`, `sampler_source`,
and `current_image` (CurrentPoint)."""

from __future__ import annotations

import torch

from vae_desktop.core import latent
from vae_desktop.gui.tabs.latent import export


class Outputs:
    # Manifold
    def _on_manifold_toggled(self, on: bool) -> None:
        if on:
            self.update_manifold()
        else:
            self.canvas.hide_manifold()

    def update_manifold(self) -> None:
        """Decode a grid of square tiles over the visible region (when the overlay is on): N
        across the plot's shorter side, as many across the longer one (the plot is at equal
        scale, so the tiles are square on screen)."""
        if not self.plot.manifold_box.isChecked() or self.stats is None or self.plane is None:
            return
        grid = latent.square_grid(*self.canvas.visible_region(), self.plot.grid_spin.value())
        image = latent.decode_grid(self.model, self.plane, grid, self.weights)
        self.canvas.set_manifold(image, grid.x_range, grid.y_range)

    # Random samples
    def temperature(self) -> float:
        return self.samples.temperature()

    def new_samples(self) -> None:
        if self.model is not None:
            self.samples.new_noise(self.model.latent_dim)
            self._update_samples()

    def sample_codes(self) -> torch.Tensor | None:
        """The 64 codes on the Random samples page (its sampler's, at its temperature)."""
        return self.samples.codes(self.sampler_source.sampler(), self.weights)

    def _update_samples(self) -> None:
        self.samples.show_decodes(self.model, self.weights, self.sampler_source.sampler())

    # Export
    def _export(self, write, title: str, name: str, path: str | None) -> str | None:
        return export.export(self, self.state.status_message.emit, write, title, name, path)

    def export_caption(self) -> str:
        """The exported plot's title line: the model and what the axes are."""
        name = self.state.active.name if self.state.active is not None else ""
        plane = self.plane
        if isinstance(plane, latent.PCAPlane):
            x, y = plane.axis_labels()
            what = f"PCA of the test digits' means: {x} across, {y} up"
        elif plane is not None:
            x, y = plane.axis_labels()
            what = (f"latent dimensions {x} across, {y} up" if y else
                    f"latent dimension {x} across")
            held = plane.latent_dim - (2 if y else 1)
            if held:
                what += f", the other {held} held at the current point"
        else:
            what = "latent space"
        return f"{name} · {what}" if name else what

    def export_view(self, path: str | None = None) -> str | None:
        """The plot drawn afresh export.VIEW_WIDTH pixels wide under a line naming the model and
        the axes (for a slide), as a PNG."""
        return self._export(
            lambda p: export.image_writer(self.canvas.picture(export.VIEW_WIDTH,
                                                              self.export_caption()))(p),
            "Export latent space view", "latent-space.png", path)

    def export_digit(self, path: str | None = None) -> str | None:
        image = self.current_image()
        if image is None:
            return None
        return self._export(export.array_writer(image, export.DIGIT_SCALE), "Export decoded digit",
                            "latent-digit.png", path)

    def export_samples(self, path: str | None = None) -> str | None:
        image = self.samples.view.image()
        if image is None:
            return None
        return self._export(export.array_writer(image, export.SAMPLES_SCALE), "Export random samples",
                            "latent-samples.png", path)
