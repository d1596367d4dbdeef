"""EM for a full-covariance Gaussian mixture in torch (core.mixture_em), on cases with known
answers; tests/test_mixture.py checks whole fits against scikit-learn's GaussianMixture."""

from __future__ import annotations

import math

import pytest
import torch

from vae_desktop.core import mixture_em
from vae_desktop.core.mixture_em import MixtureState, em_steps, precisions_cholesky


def test_the_precisions_cholesky_factor_gives_the_inverse_covariance():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(3, 5, 5, generator=g, dtype=torch.float64)
    cov = a @ a.transpose(1, 2) + 0.1 * torch.eye(5, dtype=torch.float64)
    prec = precisions_cholesky(cov)
    torch.testing.assert_close(prec @ prec.transpose(1, 2), torch.linalg.inv(cov))
    assert torch.equal(prec, prec.triu())  # scikit-learn's: upper triangular
    with pytest.raises(ValueError, match="ill-defined"):
        precisions_cholesky(torch.tensor([[[1.0, 2.0], [2.0, 1.0]]], dtype=torch.float64))


def start_state(codes: torch.Tensor, means: torch.Tensor) -> MixtureState:
    k, d = means.shape
    cov = torch.eye(d, dtype=torch.float64).repeat(k, 1, 1)
    return MixtureState(torch.full((k,), 1 / k, dtype=torch.float64), means.clone(), cov,
                        precisions_cholesky(cov))


def two_clusters(n: int = 3000) -> torch.Tensor:
    """A 0.3/0.7 mixture far from the origin: N((10, -10), diag(0.25, 4)) and N((14, -6), I)."""
    g = torch.Generator().manual_seed(1)
    first = torch.randn(int(0.3 * n), 2, generator=g, dtype=torch.float64) * torch.tensor([0.5, 2.0])
    second = torch.randn(n - len(first), 2, generator=g, dtype=torch.float64)
    return torch.cat([first + torch.tensor([10.0, -10.0]), second + torch.tensor([14.0, -6.0])])


def test_em_finds_a_known_mixture_and_stops_when_the_bound_settles():
    codes = two_clusters()
    state = start_state(codes, torch.tensor([[9.0, -9.0], [15.0, -5.0]], dtype=torch.float64))
    yielded = list(em_steps(codes, state, max_iter=100))
    assert state.converged and state.iterations == len(yielded) + 1 < 100
    torch.testing.assert_close(state.weights, torch.tensor([0.3, 0.7], dtype=torch.float64),
                               atol=5e-3, rtol=0)
    torch.testing.assert_close(state.means, torch.tensor([[10.0, -10.0], [14.0, -6.0]],
                                                         dtype=torch.float64), atol=0.1, rtol=0)
    torch.testing.assert_close(torch.diagonal(state.covariances, dim1=1, dim2=2),
                               torch.tensor([[0.25, 4.0], [1.0, 1.0]], dtype=torch.float64),
                               atol=0.15, rtol=0)
    # The lower bound is the codes' mean log-likelihood under the mixture before the last step.
    dist = [torch.distributions.MultivariateNormal(m, c) for m, c in
            zip(state.means, state.covariances, strict=True)]
    log_lik = torch.logsumexp(torch.stack([d.log_prob(codes) + math.log(w) for d, w in
                                           zip(dist, state.weights.tolist(), strict=True)]), 0)
    assert float(log_lik.mean()) == pytest.approx(state.lower_bound, abs=mixture_em.TOL)


def test_a_stopped_fit_leaves_its_means_where_the_codes_are():
    """EM works about the codes' mean; a fit closed between two iterations gives its means back
    in the codes' own frame."""
    codes = two_clusters()
    state = start_state(codes, torch.tensor([[9.0, -9.0], [15.0, -5.0]], dtype=torch.float64))
    steps = em_steps(codes, state, max_iter=100)
    assert next(steps) == 1
    steps.close()
    assert state.iterations == 1 and not state.converged
    assert float((state.means - torch.tensor([[10.0, -10.0], [14.0, -6.0]])).abs().max()) < 1.5
