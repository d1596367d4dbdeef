"""Walks between two latent codes: linear (lerp) and spherical (slerp) paths, the label rows for
conditional models (one fixed label, or the two end labels blended as soft one-hot vectors), and
the frames of a strip or a there-and-back animation.

Mixing ratio t is the share of end B: t = 0 is end A, t = 1 is end B.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from .model import VAE

MIN_STEPS = 2
MAX_STEPS = 30
METHODS = ("linear", "spherical")
# Below this sine of the angle between the codes, slerp's weights lose precision (0/0 at the
# limit); the path is then a straight line (parallel codes) or a half-turn (opposite codes).
PARALLEL_EPS = 1e-4
# An end shorter than this share of the other's length is as good as the origin: its direction
# is noise (a point nudged off 0), and turning towards it would carry the middle of the path far
# out along that direction, into dimensions neither end uses. Such a walk is the straight line.
SHORT_END = 0.1


def mixing_ratios(steps: int) -> torch.Tensor:
    """`steps` ratios evenly spaced from 0 to 1 inclusive."""
    if isinstance(steps, bool) or not isinstance(steps, int) or not MIN_STEPS <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be an integer from {MIN_STEPS} to {MAX_STEPS}, got {steps!r}")
    return torch.linspace(0.0, 1.0, steps, dtype=torch.float64)


def _as_pair(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    a = torch.as_tensor(a).reshape(-1)
    b = torch.as_tensor(b).reshape(-1)
    if a.shape != b.shape:
        raise ValueError(f"the two codes differ in size ({a.numel()} and {b.numel()})")
    return a, b


def _pin_ends(path: torch.Tensor, a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Make the frames at t = 0 and t = 1 exactly the end codes (no rounding from the weights)."""
    path[t == 0] = a.to(path.dtype)
    path[t == 1] = b.to(path.dtype)
    return path


def lerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """(1 - t) a + t b for each ratio in t: [T, D] in the codes' dtype."""
    a, b = _as_pair(a, b)
    t = torch.as_tensor(t, dtype=torch.float64).reshape(-1)
    a64, b64 = a.double(), b.double()
    path = (1 - t)[:, None] * a64 + t[:, None] * b64
    return _pin_ends(path, a, b, t).to(a.dtype if a.is_floating_point() else torch.float32)


def _perpendicular(a: torch.Tensor) -> torch.Tensor:
    """A unit vector perpendicular to unit vector a (deterministic): the coordinate axis least
    aligned with a, with its component along a removed."""
    axis = torch.zeros_like(a)
    axis[int(a.abs().argmin())] = 1.0
    p = axis - (axis @ a) * a
    return p / p.norm()


def slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation: the direction turns at a constant rate along the great circle from
    a to b (Shoemake's slerp of the unit vectors) while the length goes linearly from |a| to |b|.
    So codes of equal norm keep that norm all the way (where lerp cuts inside the sphere, towards
    the low-density centre of the prior), and unequal norms change evenly, never overshooting.
    Nearly parallel codes fall back to lerp (same path, and slerp's weights are 0/0 there); nearly
    opposite ones turn through a fixed perpendicular direction (any great circle joins them); a
    zero code, which has no direction, falls back to lerp, and so does a code shorter than
    SHORT_END times the other, whose direction means as little."""
    a, b = _as_pair(a, b)
    t = torch.as_tensor(t, dtype=torch.float64).reshape(-1)
    out_dtype = a.dtype if a.is_floating_point() else torch.float32
    a64, b64 = a.double(), b.double()
    na, nb = a64.norm(), b64.norm()
    if min(na, nb) <= SHORT_END * max(na, nb):  # a zero code included
        return lerp(a, b, t)
    ua, ub = a64 / na, b64 / nb
    cos = torch.clamp(ua @ ub, -1.0, 1.0)
    omega = torch.arccos(cos)
    sin = torch.sin(omega)
    if sin < PARALLEL_EPS:
        if cos > 0 or a64.numel() < 2:
            return lerp(a, b, t)
        # Opposite codes: half a turn through p.
        p = _perpendicular(ua)
        angle = t * math.pi
        direction = torch.cos(angle)[:, None] * ua + torch.sin(angle)[:, None] * p
    else:
        wa, wb = torch.sin((1 - t) * omega) / sin, torch.sin(t * omega) / sin
        direction = wa[:, None] * ua + wb[:, None] * ub
    path = direction * ((1 - t) * na + t * nb)[:, None]
    return _pin_ends(path, a, b, t).to(out_dtype)


def strip_codes(a: torch.Tensor, b: torch.Tensor, steps: int, method: str = "linear") -> torch.Tensor:
    """The `steps` codes from a to b, ends included: [steps, D]."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    t = mixing_ratios(steps)
    return (lerp if method == "linear" else slerp)(a, b, t)


def blend_labels(label_a: int, label_b: int, t: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Soft one-hot rows (1 - t) onehot(a) + t onehot(b): [T, C] float, each row summing to 1."""
    for label in (label_a, label_b):
        if not 0 <= int(label) < num_classes:
            raise ValueError(f"labels must be from 0 to {num_classes - 1}, got {label}")
    onehot = F.one_hot(torch.tensor([int(label_a), int(label_b)]), num_classes).float()
    return blend_weights(onehot[0], onehot[1], t)


def blend_weights(weights_a: torch.Tensor, weights_b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Rows (1 - t) a + t b of two label weight rows [C] (one-hot, or blends themselves): [T, C]."""
    t = torch.as_tensor(t, dtype=torch.float32).reshape(-1, 1)
    return (1 - t) * weights_a + t * weights_b


def fixed_labels(label: int, steps: int, num_classes: int) -> torch.Tensor:
    """The same one-hot row `steps` times: [steps, C]."""
    return blend_labels(label, label, torch.zeros(steps), num_classes)


@torch.no_grad()
def decode_strip(model: VAE, codes: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
    """Decode strip codes [T, D] (with label rows [T, C] for a conditional model): [T, 1, 28, 28]
    on the CPU."""
    codes = torch.as_tensor(codes, dtype=torch.float32)
    if codes.dim() != 2 or codes.shape[1] != model.latent_dim:
        raise ValueError(f"codes must be [steps, {model.latent_dim}], got {tuple(codes.shape)}")
    y = None
    if model.num_classes:
        if labels is None:
            raise ValueError("a conditional model needs a label row for every frame")
        y = torch.as_tensor(labels, dtype=torch.float32).to(model.device)
        if y.shape != (codes.shape[0], model.num_classes):
            raise ValueError(f"labels must be [steps, {model.num_classes}], got {tuple(y.shape)}")
    return model.decode(codes.to(model.device), y).cpu()


def there_and_back(frames: Sequence) -> list:
    """Frames A..B then back, without repeating either end: 2 * len - 2 frames (so it loops)."""
    frames = list(frames)
    return frames + frames[-2:0:-1]
