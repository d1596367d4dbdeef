"""Conditional generation with a CVAE: sample grids for one digit, the all-digits view (one
handwriting style per row written as every digit) and style transfer (encode an image with its
label, decode the posterior mean with every label). The label of an image can be guessed by the
model itself, as a generative classifier: p(y | x) is proportional to p(x | y), estimated with the
ELBO, so the guess is softmax over labels of the negative loss.

A model trained on binarised MNIST sees an image binarised, with the seeded draw its test digits
had (`as_seen`), as the Draw tab scores a drawing for it (core.digit_analysis).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .data import binarize_fixed
from .model import VAE, score_each_label

MAX_SAMPLES = 100
MAX_TEMPERATURE = 5.0


def _require_conditional(model: VAE) -> None:
    if model.num_classes == 0:
        raise ValueError("this needs a conditional model (a CVAE trained with digit labels)")


def _check_label(model: VAE, label: int) -> int:
    label = int(label)
    if not 0 <= label < model.num_classes:
        raise ValueError(f"label must be from 0 to {model.num_classes - 1}, got {label}")
    return label


def sample_codes(latent_dim: int, n: int, temperature: float = 1.0, seed: int = 0,
                 device: torch.device | str = "cpu") -> torch.Tensor:
    """n codes z ~ N(0, temperature^2 I). The draw is made on the CPU from `seed` so the same
    seed gives the same codes on every device."""
    if n < 1:
        raise ValueError(f"the number of samples must be at least 1, got {n}")
    if not 0.0 <= float(temperature) <= MAX_TEMPERATURE:
        raise ValueError(f"temperature must be from 0 to {MAX_TEMPERATURE:g}, got {temperature}")
    gen = torch.Generator().manual_seed(int(seed))
    z = torch.randn(n, latent_dim, generator=gen) * float(temperature)
    return z.to(device)


@torch.no_grad()
def conditional_samples(model: VAE, label: int, n: int = 16, temperature: float = 1.0,
                        seed: int = 0, sampler=None) -> torch.Tensor:
    """n images [n, 1, 28, 28] (CPU) of digit `label`, decoded from z ~ N(0, t^2 I), or from
    `sampler` (a core.mixture.Sampler: the label's aggregate-posterior mixture) when given."""
    _require_conditional(model)
    label = _check_label(model, label)
    if not 1 <= n <= MAX_SAMPLES:
        raise ValueError(f"the number of samples must be from 1 to {MAX_SAMPLES}, got {n}")
    if sampler is None:
        z = sample_codes(model.latent_dim, n, temperature, seed, model.device)
    else:
        z = sampler.codes(n, temperature, seed, label, model.device)
    labels = torch.full((n,), label, dtype=torch.long, device=model.device)
    return model.decode(z, labels).cpu()


@dataclass
class AllDigits:
    """rows x num_classes images, row-major: images[r * C + c] is code z[r] written as digit c."""

    images: torch.Tensor  # [rows * C, 1, 28, 28], CPU
    codes: torch.Tensor  # [rows, latent_dim], CPU
    labels: torch.Tensor  # [rows * C], the label each image was decoded with

    @property
    def columns(self) -> int:
        return self.images.shape[0] // self.codes.shape[0]


@torch.no_grad()
def all_digits(model: VAE, rows: int = 8, temperature: float = 1.0, seed: int = 0,
               sampler=None) -> AllDigits:
    """Each row is one code (one handwriting style) decoded with every label. The codes come
    from z ~ N(0, t^2 I), or from `sampler` (core.mixture.Sampler) without a label: for the
    mixture, every label's mixture pooled, so a style typical of any digit."""
    _require_conditional(model)
    if not 1 <= rows <= MAX_SAMPLES:
        raise ValueError(f"rows must be from 1 to {MAX_SAMPLES}, got {rows}")
    c = model.num_classes
    if sampler is None:
        z = sample_codes(model.latent_dim, rows, temperature, seed, model.device)
    else:
        z = sampler.codes(rows, temperature, seed, None, model.device)
    z_rep = z.repeat_interleave(c, dim=0)  # z0 x C, z1 x C, ...
    labels = torch.arange(c, device=model.device).repeat(rows)  # 0..C-1, 0..C-1, ...
    images = model.decode(z_rep, labels)
    return AllDigits(images.cpu(), z.cpu(), labels.cpu())


def as_seen(model: VAE, x: torch.Tensor) -> torch.Tensor:
    """Images [N, 1, 28, 28] in [0, 1] as `model` sees them: binarised with the test digits'
    seeded draw (core.data.binarize_fixed, not kept) for a model trained on binarised MNIST,
    which never saw a grey pixel; as they are otherwise."""
    return binarize_fixed(x, keep=False) if model.config.binarized else x


@torch.no_grad()
def label_scores(model: VAE, x: torch.Tensor) -> torch.Tensor:
    """Negative ELBO (z = posterior mean) of each image under each label: [N, C]. A binarised
    model scores the images binarised (`as_seen`)."""
    _require_conditional(model)
    x = as_seen(model, x.to(model.device).reshape(-1, 1, 28, 28).float())
    return score_each_label(model, x)["loss"].t().cpu()  # the images encoded once


@torch.no_grad()
def guess_label(model: VAE, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The model's own reading of images x: (labels [N], probabilities [N, C]), the
    probabilities being softmax(-negative ELBO) over labels."""
    probs = torch.softmax(-label_scores(model, x), dim=1)
    return probs.argmax(dim=1), probs


@dataclass
class StyleTransfer:
    images: torch.Tensor  # [C, 1, 28, 28], CPU: the style written as each digit
    label: int  # the label the image was encoded with
    guessed: bool  # whether that label was the model's guess
    probs: torch.Tensor | None  # [C] label probabilities when guessed
    code: torch.Tensor  # [latent_dim] posterior mean, CPU
    seen: torch.Tensor  # [28, 28], CPU: the image as the model saw it (`as_seen`)


@torch.no_grad()
def style_transfer(model: VAE, image: torch.Tensor, label: int | None = None) -> StyleTransfer:
    """Encode one image (28x28 or [1, 1, 28, 28], values in [0, 1]) with its label, or with the
    model's guess when label is None, then decode the posterior mean with every label. A model
    trained on binarised MNIST encodes (and guesses from) the image binarised (`as_seen`)."""
    _require_conditional(model)
    x = torch.as_tensor(image, dtype=torch.float32)
    if x.numel() != 28 * 28:
        raise ValueError(f"style transfer needs one 28x28 image, got shape {tuple(x.shape)}")
    x = as_seen(model, x.reshape(1, 1, 28, 28).to(model.device))
    probs = None
    if label is None:
        guess, all_probs = guess_label(model, x)
        label, probs = int(guess[0]), all_probs[0]
    label = _check_label(model, label)
    mu, _ = model.encode(x, torch.tensor([label], device=model.device))
    c = model.num_classes
    images = model.decode(mu.expand(c, -1), torch.arange(c, device=model.device))
    return StyleTransfer(images.cpu(), label, probs is not None, probs, mu[0].cpu(),
                         x.reshape(28, 28).cpu())
