"""EM for a Gaussian mixture with full covariances, in torch: scikit-learn's GaussianMixture
iterations (the same E-step, M-step, lower bound and stopping rule, in float64), with all the
components' products batched into one matrix product per block of rows.

scikit-learn runs each step one component at a time, in NumPy: for the bundled 16-D VAE's 60,000
codes and 50 components an iteration took about 1 s on one core, for the 50-D model's 2.7-3.6 s
(2026-12-07, EPYC Zen 3).
Here an iteration is a few matrix products over every component at once, in blocks of rows that
stay in the cache: 0.21-0.29 s and 1.40 s, the latter at 74% of a float64 1024x1024 product's
rate measured in the same run (bench/mixture_fit_speed.py). The initialisation stays
scikit-learn's (k-means: core.mixture asks GaussianMixture for it with max_iter=0), so a fit
starts where scikit-learn's would and ends where its would, up to rounding: tests/
test_mixture.py checks whole fits against GaussianMixture's own.

Pure torch: no Qt here.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass

import torch

LOG_2PI = math.log(2 * math.pi)
REG_COVAR = 1e-6  # added to each covariance's diagonal: scikit-learn's default
TOL = 1e-3  # stop once the lower bound changes by less: scikit-learn's default
# The rows of a block: their outer products, about 2 MB of float64, stay in the cache through
# the products that read them.
BLOCK_ELEMENTS = 1 << 18

ILL_DEFINED = ("fitting the mixture failed: a component's covariance is ill-defined (for "
               "instance all its codes are one point); fewer components would fit")


@dataclass
class MixtureState:
    """A mixture's parameters as EM goes (float64), and how far it has gone."""

    weights: torch.Tensor  # [K]
    means: torch.Tensor  # [K, D]
    covariances: torch.Tensor  # [K, D, D]
    precisions_cholesky: torch.Tensor  # [K, D, D]: P with P P^T the inverse covariance
    lower_bound: float = -math.inf  # the mean log-likelihood before the last M-step
    iterations: int = 0
    converged: bool = False


def precisions_cholesky(covariances: torch.Tensor) -> torch.Tensor:
    """The inverse of each covariance's lower Cholesky factor, transposed (scikit-learn's
    precisions_cholesky_); ValueError when a covariance is not positive definite."""
    chol, info = torch.linalg.cholesky_ex(covariances)
    if bool(info.any()):
        raise ValueError(ILL_DEFINED)
    eye = torch.eye(covariances.shape[-1], dtype=covariances.dtype).expand_as(covariances)
    return torch.linalg.solve_triangular(chol, eye, upper=False).transpose(1, 2)


def _block_rows(dims: int) -> int:
    return max(16, min(4096, BLOCK_ELEMENTS // (dims * dims)))


def em_iteration(codes: torch.Tensor, state: MixtureState, reg_covar: float = REG_COVAR) -> float:
    """One E-step and one M-step, in one pass over the codes; updates `state` and returns the
    mean log-likelihood of the codes under its parameters before the update (the lower bound).

    The Mahalanobis distance of x to component k is x^T A x - 2 x^T A mu + mu^T A mu, A its
    precision: for every component at once, the codes' outer products (a row of D*D numbers
    each) times the precisions, a product whose inner side is D*D long where (x - mu_k) P_k
    has D. The M-step sums the same outer products, weighted by the responsibilities."""
    k, d = state.means.shape
    prec = state.precisions_cholesky
    precision = prec @ prec.transpose(1, 2)
    # Laid out [component, code]: every product below then has a contiguous left side, the
    # shapes at which MKL ran them fastest here (1.1-2x the other layouts, 2026-12-07).
    quadratic = precision.reshape(k, d * d)
    linear = -2 * torch.einsum("kij,kj->ki", precision, state.means)
    constant = torch.einsum("ki,ki->k", state.means, -0.5 * linear)
    log_det = torch.log(torch.diagonal(prec, dim1=1, dim2=2)).sum(1)
    bias = (log_det + torch.log(state.weights) - 0.5 * (d * LOG_2PI + constant))[:, None]
    nk = torch.zeros(k, dtype=codes.dtype)
    first = torch.zeros(k, d, dtype=codes.dtype)
    second = torch.zeros(k, d * d, dtype=codes.dtype)
    total = torch.zeros((), dtype=codes.dtype)
    rows = _block_rows(d)
    # One buffer for every block: a new one each time would fault its pages in afresh.
    outer_rows = torch.empty(rows, d, d, dtype=codes.dtype)
    for start in range(0, len(codes), rows):
        x = codes[start:start + rows]
        outer = torch.mul(x[:, :, None], x[:, None, :], out=outer_rows[:len(x)]).view(-1, d * d)
        log_prob = torch.addmm(linear @ x.T, quadratic, outer.T).mul_(-0.5).add_(bias)
        norm = torch.logsumexp(log_prob, 0, keepdim=True)
        total += norm.sum()
        resp = log_prob.sub_(norm).exp_()
        nk += resp.sum(1)
        first.addmm_(resp, x)
        second.addmm_(resp, outer)
    nk += 10 * torch.finfo(codes.dtype).eps
    means = first / nk[:, None]
    covariances = second.view(k, d, d) / nk[:, None, None] - means[:, :, None] * means[:, None, :]
    covariances.diagonal(dim1=1, dim2=2).add_(reg_covar)
    state.weights = nk / nk.sum()
    state.means, state.covariances = means, covariances
    state.precisions_cholesky = precisions_cholesky(covariances)
    return float(total) / len(codes)


def em_steps(codes: torch.Tensor, state: MixtureState, max_iter: int, tol: float = TOL,
             reg_covar: float = REG_COVAR) -> Generator[int, None, MixtureState]:
    """EM from `state` until the lower bound changes by less than `tol` or `max_iter`
    iterations are done; yields the iterations done after each, returns the state."""
    # About the codes' mean: the covariances' second moments then lose no digits to it.
    centre = codes.mean(0)
    codes = codes - centre
    state.means = state.means - centre
    try:
        while state.iterations < max_iter and not state.converged:
            previous = state.lower_bound
            lower_bound = em_iteration(codes, state, reg_covar)
            state.lower_bound = lower_bound
            state.iterations += 1
            state.converged = abs(lower_bound - previous) < tol
            if state.iterations < max_iter and not state.converged:
                yield state.iterations
    finally:
        state.means = state.means + centre
    return state
