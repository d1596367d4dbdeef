"""The importance-weighted log-likelihood (core.likelihood) and `eval --iwae`."""

import json
import math

import pytest
import torch

from vae_desktop.cli import main
from vae_desktop.core.data import load_split, to_float
from vae_desktop.core.likelihood import importance_nll
from vae_desktop.core.model import PIXELS, score_images
from vae_desktop.core.training import TrainConfig, Trainer, new_model


@pytest.fixture(scope="module")
def tiny_1d():
    """A 1-D latent model trained for one epoch on 2,000 real digits: small enough that
    log p(x) = log of the integral over z of p(x|z) p(z) can be computed on a grid."""
    model = new_model(3, latent_dim=1, hidden=32)
    Trainer(model, load_split("train", size=2000), None,
            TrainConfig(epochs=1, device="cpu", seed=3)).run()
    return model.eval()


def _log_integrands(model, images: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """log p(x|z) + log p(z) of each image (a row) at each z (a column). The Bernoulli
    log-likelihood is x.l - sum(softplus(l)) over the pixels (BCE with logits, summed, with its
    sign changed): the decodings and their softplus sums serve every image at once."""
    with torch.no_grad():
        logits = model.decode_logits(z.unsqueeze(1)).reshape(len(z), PIXELS)
        log_lik = images @ logits.T - torch.nn.functional.softplus(logits).sum(1)
    return log_lik - 0.5 * (z ** 2 + math.log(2 * math.pi))


def brute_force_log_px(model, x: torch.Tensor, points: int = 8_001, reach: float = 9.0):
    """log p(x) by quadrature: a coarse grid over +-9 (where the N(0, 1) prior ends), shared by
    the images, finds where each image's integrand lies within 40 nats of its peak, then a fine
    grid there sums it (the posterior of a 784-pixel image can be narrower than a coarse grid's
    step). 8,001 points give the values of 20,001 within 2e-6 nats on this test's model. The
    shared grid and x.l - sum(softplus(l)) took 1.2 s where one grid per image through
    binary_cross_entropy_with_logits took 5.2 s, the values the same within 1.4e-6 nats
    (2026-12-06)."""
    images = x.reshape(len(x), PIXELS)
    coarse = torch.linspace(-reach, reach, points, dtype=torch.float64).float()
    step = float(coarse[1] - coarse[0])
    out = []
    for image, values in zip(images, _log_integrands(model, images, coarse), strict=True):
        keep = coarse[values > values.max() - 40]
        low, high = float(keep.min()) - step, float(keep.max()) + step
        fine = torch.linspace(low, high, points)
        dz = (high - low) / (points - 1)
        fine_values = _log_integrands(model, image[None], fine)[0]
        out.append(torch.logsumexp(fine_values.double(), 0) + math.log(dz))
    return torch.stack(out)


def test_matches_a_brute_force_integral_on_a_1d_model(tiny_1d, mnist_test):
    x = to_float(mnist_test[0][:24])
    exact = brute_force_log_px(tiny_1d, x)
    estimate = importance_nll(tiny_1d, x, None, k=4000)
    assert estimate.log_px.shape == (24,)
    error = (estimate.log_px - exact).abs()
    # Per image the estimate is noisy where q(z|x) fits the posterior poorly (a one-epoch
    # encoder); typically it is within a few hundredths of a nat.
    assert float(error.median()) < 0.02 and float(error.mean()) < 0.05
    # ...and the test can tell: the one-sample bound (K = 1) is measurably off.
    elbo = importance_nll(tiny_1d, x, None, k=1)
    assert float((exact - elbo.log_px).abs().mean()) > 0.3


def test_stays_below_the_negative_elbo_and_tightens_with_k(bundled, mnist_test):
    model = bundled["mnist-vae-z16"].model
    x, y = to_float(mnist_test[0][:200]), mnist_test[1][:200]
    torch.manual_seed(0)
    neg_elbo = float(score_images(model, x, samples=64)["loss"].mean())
    k10 = importance_nll(model, x, y, k=10).nll
    k200 = importance_nll(model, x, y, k=200).nll
    assert k200 < k10 < neg_elbo - 1.0  # a gap of several nats for a 16-D MLP VAE
    assert neg_elbo - k200 < 20


def test_seeded_repeatable_and_independent_of_chunking(bundled, mnist_test):
    model = bundled["mnist-cvae-z16"].model
    x, y = to_float(mnist_test[0][:50]), mnist_test[1][:50]
    a = importance_nll(model, x, y, k=64, seed=5)
    b = importance_nll(model, x, y, k=64, seed=5)
    assert torch.equal(a.log_px, b.log_px)
    other = importance_nll(model, x, y, k=64, seed=6)
    assert 0 < abs(other.nll - a.nll) < 0.5
    # One sample per chunk (the smallest memory bound) sums the same weights in another order.
    small = importance_nll(model, x, y, k=64, seed=5, max_elements=PIXELS * 50)
    assert abs(small.nll - a.nll) < 1e-3


@pytest.mark.parametrize("k", [0, -3, 1.5, 10**6])
def test_impossible_sample_counts_are_refused(bundled, mnist_test, k):
    with pytest.raises(ValueError, match="importance samples"):
        importance_nll(bundled["mnist-vae-z2"].model, to_float(mnist_test[0][:5]), None, k=k)


def test_eval_cli_reports_iwae_active_units_and_binarisation(capsys):
    from vae_desktop.core.paths import bundled_models_dir

    path = bundled_models_dir() / "mnist-vae-z16.pt"
    assert main(["eval", str(path), "--iwae", "8", "--test-size", "300", "--json", "--quiet",
                 "--device", "cpu"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["iwae_k"] == 8 and result["binarized"] is False
    assert 60 < result["iwae_nll"] < result["test_loss"]
    assert result["active_units"] == sum(v > 0.01 for v in result["unit_activity"])
    assert 0 < result["active_units"] <= 16
    assert main(["eval", str(path), "--iwae", "0"]) == 2
    assert "--iwae must be from 1" in capsys.readouterr().err
