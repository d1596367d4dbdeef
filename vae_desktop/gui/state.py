"""AppState: the one object every tab shares. It holds the models and the active one, caches the
test set, and carries the signals by which tabs talk to each other (no tab imports another)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PySide6.QtCore import QObject, Signal

from vae_desktop.core import checkpoint
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.data import load_split, to_float
from vae_desktop.core.paths import bundled_models_dir

FIRST_MODEL = "mnist-cvae-z2"  # the bundled model active at first launch


class AppState(QObject):
    # The active model changed (argument: Checkpoint).
    model_changed = Signal(object)
    # The list of models changed (one was added, renamed or removed).
    models_changed = Signal()
    # Draw tab: the 28x28 float32 image the model sees, or None when the canvas is empty.
    drawing_changed = Signal(object)
    # Draw tab: posterior of the drawing, dict(mu=np.ndarray, logvar=np.ndarray), or None.
    posterior_changed = Signal(object)
    # A latent code (np.ndarray [latent_dim]) to show on the Latent space tab.
    latent_point_selected = Signal(object)
    # Latent space tab: the user clicked this code (np.ndarray [latent_dim]).
    latent_clicked = Signal(object)
    # Open this 28x28 float image in the Draw tab (e.g. from the Evaluate gallery).
    show_in_draw = Signal(object)
    # Ask the main window to switch to the tab with this title.
    tab_requested = Signal(str)
    # Copy these training settings (dict of TrainConfig + VAEConfig fields) into the Train tab.
    training_settings_requested = Signal(dict)
    # A line for the status bar (message, timeout in ms).
    status_message = Signal(str, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.models: list[Checkpoint] = []
        self.active: Checkpoint | None = None
        self._test: tuple[torch.Tensor, torch.Tensor] | None = None
        self._test_float: torch.Tensor | None = None
        self.drawing: np.ndarray | None = None
        self.drawing_changed.connect(self._remember_drawing)

    def _remember_drawing(self, image) -> None:
        self.drawing = image

    # Models
    def load_bundled(self, folder: Path | None = None) -> list[str]:
        """Load every checkpoint in resources/models; returns the error messages of bad files."""
        folder = folder or bundled_models_dir()
        errors = []
        for path in sorted(Path(folder).glob("*.pt")):
            try:
                self.add_model(checkpoint.load(path), activate=False)
            except checkpoint.CheckpointError as exc:
                errors.append(str(exc))
        if self.active is None and self.models:
            # The 2-D conditional model suits every tab: its latent plane maps directly and it
            # can be asked for a digit.
            preferred = [m for m in self.models if m.name == FIRST_MODEL]
            self.set_active(preferred[0] if preferred else self.models[0])
        return errors

    def add_model(self, ckpt: Checkpoint, activate: bool = True) -> Checkpoint:
        for i, existing in enumerate(self.models):
            if ckpt.path is not None and existing.path == ckpt.path:
                self.models[i] = ckpt
                break
        else:
            self.models.append(ckpt)
        self.models_changed.emit()
        if activate:
            self.set_active(ckpt)
        return ckpt

    def set_active(self, ckpt: Checkpoint) -> None:
        if ckpt not in self.models:
            self.models.append(ckpt)
            self.models_changed.emit()
        ckpt.model.eval()
        self.active = ckpt
        self.model_changed.emit(ckpt)

    def find_model(self, conditional: bool | None = None, latent_dim: int | None = None):
        """The first model matching the wishes, or None."""
        for ckpt in self.models:
            if conditional is not None and ckpt.config.conditional != conditional:
                continue
            if latent_dim is not None and ckpt.config.latent_dim != latent_dim:
                continue
            return ckpt
        return None

    # Data (loaded once, on first use)
    def test_set(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The MNIST test split: uint8 images [N, 28, 28] and int64 labels [N]."""
        if self._test is None:
            self._test = load_split("test")
        return self._test

    def test_images(self) -> torch.Tensor:
        """The test images as float [N, 1, 28, 28] in [0, 1], on the CPU."""
        if self._test_float is None:
            self._test_float = to_float(self.test_set()[0])
        return self._test_float
