"""The Train tab's preview grids: test digits over their reconstructions, and samples decoded
from fixed random codes. Qt-free, so the training job computes them in its worker thread and the
GUI computes them for the active model alike."""

from __future__ import annotations

import numpy as np
import torch

from .data import to_float
from .images import grid
from .model import VAE

PREVIEW_SAMPLES = 40


def preview_digits(images: torch.Tensor, labels: torch.Tensor, per_digit: int = 2):
    """Test digits for the reconstruction grid: `per_digit` of each class, in class order per row."""
    picks = []
    for _ in range(per_digit):
        for digit in range(10):
            found = torch.nonzero(labels == digit).flatten()
            row = len(picks) // 10
            if len(found) > row:
                picks.append(int(found[row]))
    index = torch.tensor(picks, dtype=torch.long)
    return images[index], labels[index]


def sample_codes(latent_dim: int, n: int = PREVIEW_SAMPLES, seed: int = 0) -> torch.Tensor:
    """Fixed random codes, drawn from their own generator so training's random stream (and so its
    results) stay the same as in the headless CLI."""
    return torch.randn(n, latent_dim, generator=torch.Generator().manual_seed(seed))


@torch.no_grad()
def preview_grids(model: VAE, digits: torch.Tensor, digit_labels: torch.Tensor,
                  codes: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """(test digits with their reconstructions below, random samples) as 2-D float arrays.

    The digit grid has rows of 10: originals, then their reconstructions (z = mu), repeated."""
    was_training = model.training
    model.eval()
    try:
        device = model.device
        x = to_float(digits, device)
        y = digit_labels.to(device) if model.num_classes else None
        mu, _ = model.encode(x, y)
        recon = model.decode(mu, y)
        rows = []
        for start in range(0, len(x), 10):
            rows += [x[start:start + 10], recon[start:start + 10]]
        pairs = grid(torch.cat(rows), nrow=10, padding=2)
        sample_labels = None
        if model.num_classes:
            sample_labels = torch.arange(len(codes), device=device) % model.num_classes
        samples = grid(model.decode(codes.to(device), sample_labels), nrow=10, padding=2)
    finally:
        model.train(was_training)
    return pairs, samples


class Previews:
    """The fixed inputs of the grids (test digits, one set of codes per latent size), chosen once,
    so that every model is shown on the same digits and codes."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor) -> None:
        self.digits, self.labels = preview_digits(images, labels)
        self._codes: dict[int, torch.Tensor] = {}

    def codes(self, latent_dim: int) -> torch.Tensor:
        if latent_dim not in self._codes:
            self._codes[latent_dim] = sample_codes(latent_dim)
        return self._codes[latent_dim]

    def grids(self, model: VAE) -> tuple[np.ndarray, np.ndarray]:
        return preview_grids(model, self.digits, self.labels, self.codes(model.latent_dim))
