"""Latent-space tools behind the Latent space tab: posterior means of a data set, a PCA of them,
per-dimension KL (which dimensions the model actually uses), 2-D planes through latent space
(PCA or two chosen dimensions) and the decoded manifold over a region of such a plane.

Pure PyTorch: no Qt here, so the CLI, benchmarks and tests can use it too."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from .data import to_float
from .images import image_stack
from .model import VAE

# A dimension whose average KL to the prior is below this (in nats) carries no information:
# the encoder ignores it, so moving along it barely changes the decoded image.
INACTIVE_KL = 0.01  # (kept for callers that rank by KL alone)
# Burda et al.'s active unit: its posterior mean varies across the data set,
# Cov_x(E_q[z_u | x]) > 0.01; an inactive unit's code is the same for every image.
ACTIVE_COV = 0.01
MANIFOLD_MIN, MANIFOLD_MAX = 10, 30
# A square grid's cells across the longer side of its region, at most, per cell across the
# shorter one: a long thin region gets larger cells rather than ever more decodes.
LONG_SIDE_CELLS = 2


@torch.no_grad()
def encode_posterior(model: VAE, images: torch.Tensor, labels: torch.Tensor | None = None,
                     batch_size: int = 2000) -> tuple[torch.Tensor, torch.Tensor]:
    """(mu, logvar), each float [N, latent_dim] on the CPU, for images given as uint8 [N, 28, 28]
    or float [N, 1, 28, 28]. Conditional models are encoded with the true `labels`."""
    if model.num_classes and labels is None:
        raise ValueError("a conditional model needs the images' labels to encode them")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    # No model.eval(): encode() does not depend on the mode, and the model may be training.
    device = model.device
    mus, logvars = [], []
    for start in range(0, len(images), batch_size):
        chunk = images[start:start + batch_size]
        x = to_float(chunk, device) if chunk.dtype == torch.uint8 else chunk.to(device)
        y = labels[start:start + batch_size].to(device) if model.num_classes else None
        mu, logvar = model.encode(x, y)
        mus.append(mu.float().cpu())
        logvars.append(logvar.float().cpu())
    if not mus:
        dim = model.latent_dim
        return torch.zeros(0, dim), torch.zeros(0, dim)
    return torch.cat(mus), torch.cat(logvars)


def encode_means(model: VAE, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
    """Posterior means [N, latent_dim] (CPU) of the images."""
    return encode_posterior(model, images, labels)[0]


# Which dimensions are in use
def kl_per_dim(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """Average KL(q(z_d|x) || N(0, 1)) over the images, one value per dimension [D], in nats."""
    return (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp())).mean(dim=0)


def unit_activity(mu: torch.Tensor) -> torch.Tensor:
    """Each unit's Cov_x(E_q[z_u | x]) from posterior means mu [N, D] (population variance)."""
    if len(mu) < 2:
        return mu.new_zeros(mu.shape[1:])
    return mu.double().var(dim=0, unbiased=False).float()


def order_dims(kl: torch.Tensor, activity: torch.Tensor) -> tuple[list[int], list[bool]]:
    """Active units first, then inactive ones (Burda et al.: activity > ACTIVE_COV), each by
    descending KL, and whether each (in that order) is active. Ties keep index order, so the
    ordering is deterministic."""
    values = kl.detach().cpu().tolist()
    # Compare in the tensor's own precision, so a float32 0.01 counts as 0.01.
    active = (activity.detach().cpu() > ACTIVE_COV).tolist()
    order = sorted(range(len(values)), key=lambda d: (not active[d], -values[d], d))
    return order, [active[d] for d in order]


# PCA
@dataclass(frozen=True)
class PCA:
    """A k-component PCA: rows of `components` [k, D] are orthonormal principal directions."""

    mean: torch.Tensor        # [D]
    components: torch.Tensor  # [k, D]
    variance: torch.Tensor    # [k] variance of the data along each component
    explained: torch.Tensor   # [k] fraction of the total variance along each component

    def project(self, z: torch.Tensor) -> torch.Tensor:
        """Latent codes [N, D] -> coordinates [N, k] in the component basis."""
        return (z - self.mean) @ self.components.T

    def inverse(self, coords: torch.Tensor) -> torch.Tensor:
        """Coordinates [N, k] -> latent codes [N, D] on the PCA plane (exact for points in it)."""
        return self.mean + coords @ self.components


def fit_pca(points: torch.Tensor, k: int = 2) -> PCA:
    """PCA of points [N, D] (N >= 2) via the SVD of their D x D covariance (symmetric, so its
    singular vectors are the principal directions and its singular values their variances; far
    cheaper than the SVD of the N x D data for N >> D). Each component's sign is chosen so that its
    largest entry is positive, which makes the picture reproducible."""
    points = points.detach().double().cpu()
    n, d = points.shape
    if n < 2:
        raise ValueError("PCA needs at least two points")
    if not 1 <= k <= d:
        raise ValueError(f"cannot take {k} components of {d}-dimensional points")
    mean = points.mean(dim=0)
    centred = points - mean
    _, var, vh = torch.linalg.svd(centred.T @ centred / (n - 1))
    comps = vh[:k]
    signs = torch.sign(comps.gather(1, comps.abs().argmax(dim=1, keepdim=True)))
    comps = comps * torch.where(signs == 0, torch.ones_like(signs), signs)
    total = var.sum().clamp_min(1e-30)
    return PCA(mean.float(), comps.float(), var[:k].float(), (var[:k] / total).float())


# Planes through latent space: how a 2-D plot point maps to a full latent code and back
class PCAPlane:
    """The plane of the first two principal components of the data's means."""

    def __init__(self, pca: PCA) -> None:
        if pca.components.shape[0] != 2:
            raise ValueError("a PCA plane needs exactly two components")
        self.pca = pca
        self.latent_dim = pca.components.shape[1]

    def to_plane(self, z: torch.Tensor) -> torch.Tensor:
        return self.pca.project(z.float())

    def to_latent(self, points: torch.Tensor) -> torch.Tensor:
        return self.pca.inverse(points.float())

    def covariance(self, logvar: torch.Tensor) -> torch.Tensor:
        """The 2x2 covariance, in plane coordinates, of a diagonal Gaussian with this logvar."""
        comps = self.pca.components
        return comps @ torch.diag(logvar.float().exp()) @ comps.T

    def axis_labels(self) -> tuple[str, str]:
        e = self.pca.explained.tolist()
        return f"PC 1 ({100 * e[0]:.0f}% of variance)", f"PC 2 ({100 * e[1]:.0f}% of variance)"


class DimsPlane:
    """Two chosen latent dimensions (x = z[i], y = z[j]); the others held at `base`. With a
    one-dimensional latent, `j` is None and the y coordinate is ignored."""

    def __init__(self, i: int, j: int | None, base: torch.Tensor) -> None:
        base = base.detach().float().reshape(-1).cpu()
        dim = base.numel()
        for d in (i, j):
            if d is not None and not 0 <= d < dim:
                raise ValueError(f"dimension {d} is out of range for a {dim}-dimensional latent")
        if i == j:
            raise ValueError("pick two different dimensions")
        self.i, self.j, self.base, self.latent_dim = i, j, base, dim

    def to_plane(self, z: torch.Tensor) -> torch.Tensor:
        z = z.float()
        y = z[:, self.j] if self.j is not None else torch.zeros_like(z[:, self.i])
        return torch.stack([z[:, self.i], y], dim=1)

    def to_latent(self, points: torch.Tensor) -> torch.Tensor:
        points = points.float()
        z = self.base.expand(points.shape[0], -1).clone()
        z[:, self.i] = points[:, 0]
        if self.j is not None:
            z[:, self.j] = points[:, 1]
        return z

    def covariance(self, logvar: torch.Tensor) -> torch.Tensor:
        var = logvar.float().exp()
        vy = var[self.j] if self.j is not None else torch.tensor(0.0)
        return torch.diag(torch.stack([var[self.i], vy]))

    def axis_labels(self) -> tuple[str, str]:
        return f"z{self.i}", (f"z{self.j}" if self.j is not None else "")


def ellipse(center: torch.Tensor, cov: torch.Tensor, n_sigma: float = 2.0,
            points: int = 96) -> torch.Tensor:
    """Closed outline [points + 1, 2] of the n-sigma ellipse of a 2-D Gaussian."""
    evals, evecs = torch.linalg.eigh(cov.double())
    radii = n_sigma * evals.clamp_min(0).sqrt()
    t = torch.linspace(0, 2 * torch.pi, points + 1, dtype=torch.float64)
    circle = torch.stack([torch.cos(t), torch.sin(t)], dim=1)
    return (center.double() + (circle * radii) @ evecs.T).float()


def posterior_arrays(posterior: dict | None, latent_dim: int) -> tuple[torch.Tensor, torch.Tensor] | None:
    """(mu, logvar) [latent_dim] of a posterior given as dict(mu=, logvar=) (arrays), or None when
    there is none or it is of a model with another latent size."""
    if posterior is None:
        return None
    mu = torch.as_tensor(np.asarray(posterior["mu"], dtype=np.float32)).reshape(-1)
    logvar = torch.as_tensor(np.asarray(posterior["logvar"], dtype=np.float32)).reshape(-1)
    if mu.numel() != latent_dim or logvar.numel() != latent_dim:
        return None
    return mu, logvar


def posterior_mark(plane, mu: torch.Tensor, logvar: torch.Tensor,
                   n_sigma: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Where a diagonal Gaussian posterior lies on a plane: its mean [2] and the outline [P, 2] of
    its n-sigma ellipse, in plane coordinates."""
    center = plane.to_plane(mu.reshape(1, -1))[0]
    outline = ellipse(center, plane.covariance(logvar), n_sigma=n_sigma)
    return center.numpy(), outline.numpy()


# Manifold
def _cell_centres(x_range: tuple[float, float], y_range: tuple[float, float], cols: int,
                  rows: int) -> torch.Tensor:
    """Centres of a cols x rows grid of cells covering the region, [rows * cols, 2] in reading
    order: row r counts down from the top (largest y), column c from the left, index r * cols + c."""
    (x0, x1), (y0, y1) = x_range, y_range
    xs = x0 + (torch.arange(cols, dtype=torch.float64) + 0.5) / cols * (x1 - x0)
    ys = y1 - (torch.arange(rows, dtype=torch.float64) + 0.5) / rows * (y1 - y0)
    yy, xx = torch.meshgrid(ys, xs, indexing="ij")
    return torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1).float()


def _check_manifold(x_range: tuple[float, float], y_range: tuple[float, float], n: int) -> None:
    if not MANIFOLD_MIN <= n <= MANIFOLD_MAX:
        raise ValueError(f"the manifold grid size must be from {MANIFOLD_MIN} to {MANIFOLD_MAX}, got {n}")
    (x0, x1), (y0, y1) = x_range, y_range
    if not (x1 > x0 and y1 > y0):
        raise ValueError("the manifold region must have a positive width and height")


@dataclass(frozen=True)
class SquareGrid:
    """A grid of square cells (in plane units) over a region: `cols` x `rows` cells covering
    x_range x y_range; row r counts down from the top (largest y), column c from the left."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    cols: int
    rows: int

    def points(self) -> torch.Tensor:
        """The cells' centres, [rows * cols, 2] in reading order (index r * cols + c)."""
        return _cell_centres(self.x_range, self.y_range, self.cols, self.rows)


def square_grid(x_range: tuple[float, float], y_range: tuple[float, float], n: int) -> SquareGrid:
    """Square cells over a region shown at equal scale, so that each decoded digit is square on
    screen: n across the region's shorter side and as many of the same size as it takes to cover
    the longer one, at most LONG_SIDE_CELLS * n (a longer region gets larger cells). The grid is
    centred on the region and reaches past it by less than a cell at each end."""
    _check_manifold(x_range, y_range, n)
    (x0, x1), (y0, y1) = x_range, y_range
    width, height = x1 - x0, y1 - y0
    cell = min(width, height) / n
    cell = max(cell, max(width, height) / (LONG_SIDE_CELLS * n))
    cols = max(1, math.ceil(width / cell - 1e-9))
    rows = max(1, math.ceil(height / cell - 1e-9))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w, half_h = cols * cell / 2, rows * cell / 2
    return SquareGrid((cx - half_w, cx + half_w), (cy - half_h, cy + half_h), cols, rows)


def tile(images: torch.Tensor | np.ndarray, n: int, cols: int | None = None) -> np.ndarray:
    """n * cols images [n * cols, (1,) H, W] in reading order -> one float array [n * H, cols * W]
    (n rows; `cols` is n unless given)."""
    cols = n if cols is None else cols
    images = image_stack(images)
    count, h, w = images.shape
    if count != n * cols:
        raise ValueError(f"need {n * cols} images to tile {n} x {cols}, got {count}")
    return images.reshape(n, cols, h, w).transpose(0, 2, 1, 3).reshape(n * h, cols * w)


def label_rows(model: VAE, label, count: int) -> torch.Tensor | None:
    """What `model.decode` takes as the label of `count` codes: None for an unconditional model;
    for a conditional one, `label` is a digit (int) or label weights [num_classes] (one-hot or a
    blend, as VAE.decode takes soft labels), used for every code."""
    if not model.num_classes:
        return None
    if label is None:
        raise ValueError("a conditional model needs a digit label to decode")
    if np.ndim(label) == 0:
        return torch.full((count,), int(label), dtype=torch.long, device=model.device)
    weights = torch.as_tensor(np.asarray(label, dtype=np.float32)).reshape(-1)
    if weights.numel() != model.num_classes:
        raise ValueError(f"label weights must have {model.num_classes} entries, got {weights.numel()}")
    return weights.to(model.device).expand(count, -1)


@torch.no_grad()
def decode(model: VAE, z: torch.Tensor, label=None) -> torch.Tensor:
    """Pixel probabilities [N, 28, 28] (CPU) of latent codes [N, D]; conditional models decode
    every code with `label`: a digit, or label weights [num_classes] (see `label_rows`)."""
    z = torch.as_tensor(z, dtype=torch.float32).reshape(-1, model.latent_dim).to(model.device)
    return model.decode(z, label_rows(model, label, z.shape[0]))[:, 0].float().cpu()


def describe_label(weights) -> str:
    """Label weights in words: "label 7", or for a blend "label 5→6 blend: 47% 5, 53% 6"
    (labels in increasing order; a blend of more than two reads "label blend: …")."""
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if np.isclose(w.max(), 1.0) and np.isclose(w.sum(), 1.0):
        return f"label {int(w.argmax())}"
    used = [d for d in range(len(w)) if round(100 * w[d]) > 0]
    shares = ", ".join(f"{100 * w[d]:.0f}% {d}" for d in used)
    if len(used) == 2:
        return f"label {used[0]}→{used[1]} blend: {shares}"
    return f"label blend: {shares}"


def decode_grid(model: VAE, plane, grid: SquareGrid, label=None) -> np.ndarray:
    """Decode a square grid's cells on `plane` and tile them: float [rows * 28, cols * 28], the
    top-left tile decoding the top-left cell (see `SquareGrid.points`)."""
    codes = plane.to_latent(grid.points())
    return tile(decode(model, codes, label), grid.rows, grid.cols)


def random_codes(count: int, latent_dim: int, temperature: float = 1.0,
                 generator: torch.Generator | None = None) -> torch.Tensor:
    """z ~ N(0, I) * temperature, [count, latent_dim]."""
    if temperature < 0:
        raise ValueError("temperature must not be negative")
    return torch.randn(count, latent_dim, generator=generator) * float(temperature)


# Everything the Latent space tab needs about one model, computed once per model
@dataclass(frozen=True)
class LatentStats:
    mu: torch.Tensor            # [N, D] posterior means of the images
    logvar: torch.Tensor        # [N, D]
    labels: torch.Tensor        # [N] the images' digit labels
    kl: torch.Tensor            # [D] average KL per dimension, nats
    order: list[int]            # dimensions by descending KL
    active: list[bool]          # for each dimension in `order`: activity > ACTIVE_COV
    pca: PCA | None             # two components of the means (None for a 1-D latent)
    limits: torch.Tensor        # [D] a slider for dimension d spans [-limits[d], limits[d]]
    activity: torch.Tensor | None = None  # [D] Cov_x(E_q[z_d | x]), Burda et al.'s measure

    @property
    def latent_dim(self) -> int:
        return self.mu.shape[1]


def stats_from_posterior(mu: torch.Tensor, logvar: torch.Tensor, labels: torch.Tensor) -> LatentStats:
    """The statistics of a data set's posteriors (mu, logvar [N, D]) with its labels [N], e.g.
    those of the shared test-set pass (core.evaluation)."""
    mu, logvar = mu.detach().float().cpu(), logvar.detach().float().cpu()
    if mu.shape != logvar.shape or mu.dim() != 2:
        raise ValueError(f"mu and logvar must both be [N, D], got {tuple(mu.shape)} and "
                         f"{tuple(logvar.shape)}")
    if len(labels) != len(mu):
        raise ValueError(f"{len(mu)} posteriors but {len(labels)} labels")
    if len(mu) < 2:
        raise ValueError("need at least two images to describe the latent space")
    kl = kl_per_dim(mu, logvar)
    activity = unit_activity(mu)
    order, active = order_dims(kl, activity)
    pca = fit_pca(mu, 2) if mu.shape[1] >= 2 else None
    # The prior's +-3 sigma, widened where the means reach further (ignoring the rarest 0.1%).
    reach = torch.quantile(mu.abs(), 0.999, dim=0)
    limits = torch.maximum(torch.full_like(reach, 3.0), 1.15 * reach)
    return LatentStats(mu, logvar, labels.detach().cpu(), kl, order, active, pca, limits,
                       activity)


def latent_stats(model: VAE, images: torch.Tensor, labels: torch.Tensor) -> LatentStats:
    """Encode the images (CLI, benchmarks, tests; the app uses the shared test-set pass)."""
    mu, logvar = encode_posterior(model, images, labels)
    return stats_from_posterior(mu, logvar, labels)
