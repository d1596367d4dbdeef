"""The latent space as it forms: snapshots of a fixed sample of test digits, re-encoded while a
model trains, and a few digits decoded from fixed codes.

`LatentTimeline` holds the sample (about 2,000 test digits, chosen with a fixed seed), the codes,
and every snapshot taken. A 2-D latent is shown as it is; a larger one through a PCA of the
sample's posterior means, each new basis turned (orthogonal Procrustes) to fit the previous
snapshot's points as well as a rotation or reflection can, so that the axes hold still from
frame to frame and what moves is the model, not the PCA's arbitrary signs and order.

Taking a snapshot encodes the sample under `no_grad` in eval mode and draws no random numbers,
so a run trains exactly alike with or without snapshots. Pure PyTorch and numpy: the training
job takes snapshots in its worker thread and yields them as plain values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from .data import to_float
from .latent import encode_posterior, fit_pca
from .model import VAE
from .precision import autocast
from .previews import sample_codes

SAMPLE_SIZE = 2_000  # test digits re-encoded per snapshot
SAMPLE_SEED = 0
# Steps from one snapshot to the next within an epoch (each epoch's end has one too). Taking a
# snapshot costs one to two training steps of the 784-400-20 MLP at batch 128 in bf16 (5.5-6.3 ms
# against 3.8-5.2 ms a step; 8.9-9.4 ms in fp32; 2026-12-05), so the worker's part of the live
# view stays near 1% of training. Drawing it is the GUI thread's (bench/gui_training_speed.py).
SNAPSHOT_EVERY = 200
DECODED_CODES = 10  # digits decoded from fixed codes per snapshot
CODES_SEED = 1  # not the preview grids' codes (seed 0): other digits than the grids below


@dataclass(frozen=True)
class LatentSnapshot:
    """The sample's place in latent space at one moment of training."""

    epoch: int  # the epoch it was taken in (1-based; 0: before the first batch)
    step: int  # batches the model had been trained on
    at_epoch: float  # epochs trained (fractional within an epoch)
    loss: float  # training loss: the epoch's mean so far (NaN before training)
    beta: float
    lr: float
    points: np.ndarray  # [n, 2] float32: the sample's posterior means on the plane
    labels: np.ndarray  # [n] int64 digit labels (the same array in every snapshot of a run)
    axes: tuple[str, str]  # the plane's axis labels
    decodings: np.ndarray  # [k, 28, 28] float32 in [0, 1], decoded from the fixed codes

    def caption(self) -> str:
        """e.g. "epoch 2.35 · step 300 · loss 123.4"."""
        loss = "" if math.isnan(self.loss) else f" · loss {self.loss:.1f}"
        return f"epoch {self.at_epoch:.2f} · step {self.step:,}{loss}"


class LatentTimeline:
    """A run's fixed sample and codes, and its snapshots in the order taken."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, latent_dim: int,
                 num_classes: int = 0, size: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED,
                 codes: int = DECODED_CODES) -> None:
        """`images`: uint8 [N, 28, 28] (or float [N, 1, 28, 28]) test digits, `labels` [N]."""
        generator = torch.Generator().manual_seed(seed)
        pick = torch.randperm(len(images), generator=generator)[:size]
        sample = images[pick]
        self.images = to_float(sample) if sample.dtype == torch.uint8 else sample.float()
        self.labels = labels[pick].to(torch.int64)
        self.label_array = self.labels.numpy().copy()
        self.latent_dim = latent_dim
        self.codes = sample_codes(latent_dim, codes, seed=CODES_SEED)
        self.code_labels = (torch.arange(codes) % num_classes) if num_classes else None
        self.snapshots: list[LatentSnapshot] = []
        self._previous: np.ndarray | None = None  # the last snapshot's points (PCA views)

    def __len__(self) -> int:
        return len(self.snapshots)

    @torch.no_grad()
    def take(self, model: VAE, epoch: int, step: int, at_epoch: float, loss: float = math.nan,
             beta: float = math.nan, lr: float = math.nan,
             precision: str = "fp32") -> LatentSnapshot:
        """Encode the sample and decode the codes with the model as it is now; keep and return
        the snapshot. `precision`: the run's ("bf16": the encoding, one product of 2,000 x 784
        by 784 x 400 for the classic MLP and nearly all of a snapshot's cost, runs in bf16 as
        the training's products do, about half the time where bf16 is native; the points move
        by rounding only)."""
        if model.latent_dim != self.latent_dim:
            raise ValueError(f"the timeline is of a {self.latent_dim}-dimensional latent, the "
                             f"model has {model.latent_dim}")
        was_training = model.training
        model.eval()
        try:
            labels = self.labels if model.num_classes else None
            device = model.device
            code_labels = None if self.code_labels is None else self.code_labels.to(device)
            with autocast(device, precision):
                mu, _ = encode_posterior(model, self.images, labels)  # float32 out
                decoded = model.decode(self.codes.to(device), code_labels)
        finally:
            model.train(was_training)
        points, axes = self._plane(mu)
        snapshot = LatentSnapshot(
            epoch, step, float(at_epoch), float(loss), float(beta), float(lr), points,
            self.label_array, axes,
            decoded.reshape(len(self.codes), 28, 28).float().cpu().numpy())
        self.snapshots.append(snapshot)
        return snapshot

    def _plane(self, mu: torch.Tensor) -> tuple[np.ndarray, tuple[str, str]]:
        dim = mu.shape[1]
        if dim == 1:
            return (np.stack([mu[:, 0].numpy(), np.zeros(len(mu), np.float32)], axis=1),
                    ("z0", ""))
        if dim == 2:
            return mu.numpy().astype(np.float32), ("z0", "z1")
        points = fit_pca(mu, 2).project(mu).double().numpy()
        if self._previous is not None:
            points = points @ procrustes_rotation(points, self._previous)
        self._previous = points
        return points.astype(np.float32), ("PC 1 (aligned)", "PC 2 (aligned)")


def procrustes_rotation(points: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The orthogonal matrix R [2, 2] (a rotation or a reflection) minimising
    ||points @ R - target|| (Frobenius): orthogonal Procrustes, R = U V^T from the SVD of
    points^T target."""
    u, _, vt = np.linalg.svd(points.T @ target)
    return u @ vt
