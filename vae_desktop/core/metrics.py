"""Image quality and per-image scores. PSNR and SSIM come from torchmetrics."""

from __future__ import annotations

import torch

from .model import VAE, score_images


def psnr(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """PSNR in dB for each image pair ([N, 1, 28, 28] or [N, 28, 28], values in [0, 1])."""
    from torchmetrics.functional.image import peak_signal_noise_ratio  # slow import: on first use

    pred, target = _nchw(pred), _nchw(target)
    return peak_signal_noise_ratio(pred, target, data_range=1.0, reduction="none",
                                   dim=(1, 2, 3)).reshape(-1)


def ssim(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """SSIM for each image pair (Gaussian window 11, sigma 1.5), values in [0, 1]."""
    from torchmetrics.functional.image import structural_similarity_index_measure

    pred, target = _nchw(pred), _nchw(target)
    return structural_similarity_index_measure(pred, target, data_range=1.0,
                                               reduction="none").reshape(-1)


def _nchw(x: torch.Tensor) -> torch.Tensor:
    x = x.float()
    if x.dim() == 2:
        x = x.reshape(1, 1, *x.shape)
    elif x.dim() == 3:
        x = x.unsqueeze(1)
    return x


@torch.no_grad()
def score_dataset(model: VAE, images: torch.Tensor, labels: torch.Tensor | None = None,
                  batch_size: int = 2000) -> dict[str, torch.Tensor]:
    """Deterministic per-image scores (z = posterior mean): negative ELBO `loss`, `recon` BCE
    and `kl`, in nats. `images` is float [N, 1, 28, 28] in [0, 1] or uint8 [N, 28, 28]."""
    if images.dtype == torch.uint8:
        images = images.unsqueeze(1).float() / 255.0
    out: dict[str, list[torch.Tensor]] = {"loss": [], "recon": [], "kl": []}
    for start in range(0, len(images), batch_size):
        x = images[start:start + batch_size].to(model.device)
        y = labels[start:start + batch_size].to(model.device) if model.num_classes else None
        scores = score_images(model, x, y, samples=0)
        for key in out:
            out[key].append(scores[key].cpu())
    return {k: torch.cat(v) if v else torch.empty(0) for k, v in out.items()}


def percentile_of(value: float, reference: torch.Tensor) -> float:
    """Share (0 to 100) of `reference` scores at or below `value`."""
    if reference.numel() == 0:
        return float("nan")
    return float((reference <= value).float().mean() * 100.0)
