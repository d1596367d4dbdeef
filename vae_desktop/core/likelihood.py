"""The test log-likelihood as the literature reports it: an importance-weighted estimate of
log p(x) with K samples from the encoder (Burda, Grosse and Salakhutdinov, "Importance Weighted
Autoencoders", 2015; pythae's `get_nll` follows the same protocol):

    log p(x) ~ log (1/K) sum_k p(x | z_k) p(z_k) / q(z_k | x),   z_k ~ q(z | x).

It is a lower bound on log p(x) that tightens as K grows (K = 1 is the ELBO), so the negative
log-likelihood it gives sits below the negative ELBO; their difference is the average inference
gap. The K samples are drawn in chunks whose decoder outputs stay under `MAX_ELEMENTS`, so memory
does not grow with K, and summed with a running log-sum-exp, so no weight is ever exponentiated.
A fixed seed makes the figure repeatable.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, field

import torch

from .jobs import run_to_end
from .model import PIXELS, VAE, softplus_sum

IWAE_SEED = 0
IWAE_BATCH = 100  # images encoded together
MAX_ELEMENTS = 2**22  # decoder outputs (pixels) per chunk of samples: about 16 MB of logits
LOG_2PI = math.log(2 * math.pi)


@dataclass
class LikelihoodEstimate:
    nll: float  # -mean log p(x), nats per image
    k: int  # importance samples per image
    count: int  # images
    log_px: torch.Tensor = field(repr=False)  # [N] float64 estimates of log p(x), on the CPU

    def to_dict(self) -> dict:
        return {"iwae_nll": self.nll, "iwae_k": self.k}


@torch.no_grad()
def log_weights(model: VAE, x: torch.Tensor, y: torch.Tensor | None, mu: torch.Tensor,
                logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """log p(x|z) + log p(z) - log q(z|x) for z = mu + eps * sigma: eps [S, B, D] -> [S, B]."""
    samples, batch, dim = eps.shape
    z = mu + eps * torch.exp(0.5 * logvar)
    log_q = -0.5 * (eps.pow(2) + logvar + LOG_2PI).sum(-1)
    log_prior = -0.5 * (z.pow(2) + LOG_2PI).sum(-1)
    y_rep = None if y is None else y.repeat(samples)
    logits = model.decode_logits(z.reshape(samples * batch, dim), y_rep).float()
    logits = logits.reshape(samples, batch, PIXELS)
    # The Bernoulli log-likelihood x.l - softplus(l), summed over pixels (what
    # binary_cross_entropy_with_logits computes, negated): the x.l part as one batched product
    # instead of an elementwise pass, which halves the time spent outside the decoder's GEMMs.
    agree = torch.einsum("sbp,bp->sb", logits, x.reshape(batch, PIXELS).float())
    log_lik = agree - softplus_sum(logits)
    return log_lik + log_prior - log_q


def iwae_steps(model: VAE, images: torch.Tensor, labels: torch.Tensor | None, k: int,
               seed: int = IWAE_SEED, batch_size: int = IWAE_BATCH,
               max_elements: int = MAX_ELEMENTS) -> Generator[float, None, LikelihoodEstimate]:
    """The estimate as a job: yields the fraction done between chunks and returns it.

    `images` are what the model is scored on: float [N, 1, 28, 28] in [0, 1] (binarised already
    for a binarised model: see core.evaluation.test_inputs) or uint8 [N, 28, 28]."""
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 100_000:
        raise ValueError(f"the number of importance samples must be an integer from 1 to "
                         f"100,000, got {k!r}")
    if len(images) == 0:
        raise ValueError("there are no images to estimate the likelihood of")
    if model.num_classes and (labels is None or len(labels) != len(images)):
        raise ValueError("a conditional model needs one label per image")
    device = model.device
    generator = torch.Generator(device=device).manual_seed(seed)
    was_training = model.training
    model.eval()
    n = len(images)
    batches = math.ceil(n / batch_size)
    out = []
    try:
        with torch.no_grad():
            for b, start in enumerate(range(0, n, batch_size)):
                x = images[start:start + batch_size]
                x = (x.unsqueeze(1).float() / 255.0 if x.dtype == torch.uint8 else x.float())
                x = x.to(device)
                y = None if not model.num_classes else labels[start:start + batch_size].to(device)
                mu, logvar = model.encode(x, y)
                mu, logvar = mu.float(), logvar.float()
                chunk = max(1, min(k, max_elements // (len(x) * PIXELS)))
                total = torch.full((len(x),), -math.inf, device=device)
                for done in range(0, k, chunk):
                    s = min(chunk, k - done)
                    eps = torch.randn((s, *mu.shape), generator=generator, device=device)
                    lw = log_weights(model, x, y, mu, logvar, eps)
                    total = torch.logaddexp(total, torch.logsumexp(lw, dim=0))
                    yield (b + (done + s) / k) / batches
                out.append((total.double() - math.log(k)).cpu())
    finally:
        model.train(was_training)
    log_px = torch.cat(out)
    return LikelihoodEstimate(float(-log_px.mean()), k, n, log_px)


def importance_nll(model: VAE, images: torch.Tensor, labels: torch.Tensor | None, k: int,
                   seed: int = IWAE_SEED, **kwargs) -> LikelihoodEstimate:
    """`iwae_steps` run to the end (the CLI, benchmarks, tests)."""
    return run_to_end(iwae_steps(model, images, labels, k, seed, **kwargs))
