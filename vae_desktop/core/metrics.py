"""Image quality and per-image scores.

PSNR and SSIM are the textbook definitions torchmetrics implements (SSIM: an 11-tap Gaussian
window, sigma 1.5, reflect padding, k1 0.01, k2 0.03), computed here for a whole batch at once:
the Gaussian blur with reflect padding is one 28x28 matrix per image side, so the five blurred
maps SSIM needs are two matrix products for a chunk of images (tests check them against
torchmetrics within 1e-4). torchmetrics' own convolution took 1.8-3.3 s for the 10,000 test
digits on two cores; this takes milliseconds.
"""

from __future__ import annotations

import functools
from collections.abc import Generator

import numpy as np
import torch

from .data import to_float
from .jobs import run_to_end
from .model import VAE, score_images

SSIM_SIGMA = 1.5
SSIM_TAPS = 11  # torchmetrics: int(3.5 * sigma + 0.5) * 2 + 1
SSIM_K1, SSIM_K2 = 0.01, 0.03


def psnr(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """PSNR in dB for each image pair ([N, 1, H, W], [N, H, W] or [H, W], values in [0, 1])."""
    pred, target = _nchw(pred), _nchw(target)
    mse = (pred - target).square_().flatten(1).mean(1)
    return -10.0 * torch.log10(mse)


@functools.lru_cache(maxsize=16)
def _blur_matrix(size: int, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """[size, size] matrix B with B @ v = the Gaussian blur of the reflect-padded vector v,
    cropped back to `size` samples (what a valid convolution of the padded image gives)."""
    pad = SSIM_TAPS // 2
    offsets = torch.arange(SSIM_TAPS, dtype=torch.float64) - pad
    taps = torch.exp(-0.5 * (offsets / SSIM_SIGMA) ** 2)
    taps /= taps.sum()
    source = torch.arange(-pad, size + pad).abs()  # reflect padding: -k -> k, size-1+k -> size-1-k
    source = torch.where(source > size - 1, 2 * (size - 1) - source, source)
    matrix = torch.zeros(size, size, dtype=torch.float64)
    for out in range(size):
        for tap in range(SSIM_TAPS):
            matrix[out, source[out + tap]] += taps[tap]
    return matrix.to(device, dtype)


# Images per chunk: each chunk's blurs are two matrix products (see _ssim). For the 10,000 test
# digits' reconstructions by mnist-vae-z16, in the report's batches of 1,000, 2 cores
# (2026-12-06): 107 ms at 256 and at 512, 124 ms at 128, 149 ms at 64, against 130 ms for the
# layout before at 64, its fastest (the 5 * 64 column products were batched there).
SSIM_CHUNK = 256


def ssim(pred: torch.Tensor, target: torch.Tensor, binary_target: bool = False) -> torch.Tensor:
    """SSIM for each image pair (Gaussian window 11, sigma 1.5, data range 1), as torchmetrics'
    structural_similarity_index_measure with reduction="none". `binary_target`: every target
    pixel is 0 or 1 (a binarised model's inputs; ValueError if not), so the blur of the
    target's square is the target's own blur and one of the five is skipped."""
    pred, target = _nchw(pred), _nchw(target)
    if binary_target and not torch.equal(target * target, target):
        raise ValueError("binary_target: the target's pixels must all be 0 or 1")
    if len(pred) > SSIM_CHUNK:
        return torch.cat([_ssim(pred[i:i + SSIM_CHUNK], target[i:i + SSIM_CHUNK], binary_target)
                          for i in range(0, len(pred), SSIM_CHUNK)])
    return _ssim(pred, target, binary_target)


def _ssim(pred: torch.Tensor, target: torch.Tensor, binary_target: bool) -> torch.Tensor:
    n, c, h, w = pred.shape
    if min(h, w) <= SSIM_TAPS // 2:
        raise ValueError(f"SSIM needs images of at least {SSIM_TAPS // 2 + 1} pixels a side")
    rows = _blur_matrix(h, pred.device, pred.dtype)
    cols = _blur_matrix(w, pred.device, pred.dtype)
    k = n * c
    # The five maps (p, t, p^2, pt, t^2) in one block laid out [map, row, image, column], so
    # that each blur is one matrix product over the whole chunk: the columns of every image at
    # once ([h, h] by [h, k * w] for each map), then the rows ([5 * h * k, w] by [w, w]), where
    # the layout [map, image, row, column] needed a batch of 5 * k small products for the
    # columns. The formula is then worked in the blurred maps' own memory. A binary target's
    # square is itself, so its blur is mu_t and the block holds the first four maps.
    count = 4 if binary_target else 5
    maps = torch.empty((count, h, k, w), dtype=pred.dtype, device=pred.device)
    maps[0].copy_(pred.reshape(k, h, w).transpose(0, 1))
    maps[1].copy_(target.reshape(k, h, w).transpose(0, 1))
    torch.mul(maps[0], maps[0], out=maps[2])
    torch.mul(maps[0], maps[1], out=maps[3])
    if not binary_target:
        torch.mul(maps[1], maps[1], out=maps[4])
    blurred = torch.matmul(torch.matmul(rows, maps.reshape(count, h, k * w)).reshape(-1, w),
                           cols.t()).reshape(count, h, k, w)
    mu_p, mu_t, p2, pt, *rest = blurred  # rest: t^2's blur, or none for a binary target
    c1, c2 = SSIM_K1 ** 2, SSIM_K2 ** 2
    mu_pt = mu_p * mu_t
    sigma_pt = pt.sub_(mu_pt)
    numerator = mu_pt.mul_(2).add_(c1).mul_(sigma_pt.mul_(2).add_(c2))
    mu_pp = mu_p.square_()
    sigma_p = p2.sub_(mu_pp).clamp_(min=0.0)
    if binary_target:  # the blurred square is mu_t itself, read before mu_t is squared
        mu_tt = mu_t.square()
        sigma_t = mu_t.sub_(mu_tt).clamp_(min=0.0)
    else:
        mu_tt = mu_t.square_()
        sigma_t = rest[0].sub_(mu_tt).clamp_(min=0.0)
    denominator = mu_pp.add_(mu_tt).add_(c1).mul_(sigma_p.add_(sigma_t).add_(c2))
    # The mean over each image's rows and columns, then over its channels.
    return numerator.div_(denominator).mean(dim=(0, 2)).reshape(n, c).mean(1)


def _nchw(x: torch.Tensor) -> torch.Tensor:
    x = x.float()
    if x.dim() == 2:
        x = x.reshape(1, 1, *x.shape)
    elif x.dim() == 3:
        x = x.unsqueeze(1)
    return x


def score_dataset(model: VAE, images: torch.Tensor, labels: torch.Tensor | None = None,
                  batch_size: int = 2000) -> dict[str, torch.Tensor]:
    """Deterministic per-image scores (z = posterior mean): `loss` (reconstruction + KL at z = mu,
    core.evaluation.AT_MU: not a negative ELBO, which samples z), `recon` BCE and `kl`, in nats.
    `images` is float [N, 1, 28, 28] in [0, 1] or uint8 [N, 28, 28]."""
    return run_to_end(score_dataset_steps(model, images, labels, batch_size))


@torch.no_grad()
def score_dataset_steps(model: VAE, images: torch.Tensor, labels: torch.Tensor | None = None,
                        batch_size: int = 2000) -> Generator[int, None, dict[str, torch.Tensor]]:
    """`score_dataset` as a job's steps: yields each batch's number of images once it is scored."""
    if images.dtype == torch.uint8:
        images = to_float(images)
    out: dict[str, list[torch.Tensor]] = {"loss": [], "recon": [], "kl": []}
    for start in range(0, len(images), batch_size):
        x = images[start:start + batch_size].to(model.device)
        y = labels[start:start + batch_size].to(model.device) if model.num_classes else None
        scores = score_images(model, x, y, samples=0)
        for key in out:
            out[key].append(scores[key].cpu())
        yield len(x)
    return {k: torch.cat(v) if v else torch.empty(0) for k, v in out.items()}


def percentile_of(value: float, reference: torch.Tensor) -> float:
    """Share (0 to 100) of `reference` scores at or below `value`."""
    if reference.numel() == 0:
        return float("nan")
    # In numpy: one pass, about 10x faster than three torch ops for the Draw tab's 10,000 scores.
    scores = reference.detach().cpu().numpy()
    return float(np.count_nonzero(scores <= value) * 100.0 / scores.size)  # in their dtype, as torch
