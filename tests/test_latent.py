"""Core latent-space tools on the bundled models and the MNIST test set."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from vae_desktop.core import latent
from vae_desktop.core.model import kl_per_image


@pytest.fixture(scope="module")
def z16(bundled):
    return bundled["mnist-vae-z16"].model


@pytest.fixture(scope="module")
def z16_stats(z16, mnist_test):
    images, labels = mnist_test
    return latent.latent_stats(z16, images[:3000], labels[:3000])


def test_encode_means_match_the_encoder_across_batches(z16, mnist_test):
    images, labels = mnist_test
    mu, logvar = latent.encode_posterior(z16, images[:250], labels[:250], batch_size=100)
    with torch.no_grad():
        ref_mu, ref_logvar = z16.encode(images[:250].float().div(255).unsqueeze(1))
    assert mu.shape == (250, 16)
    torch.testing.assert_close(mu, ref_mu, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(logvar, ref_logvar, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(latent.encode_means(z16, images[:10]), ref_mu[:10], rtol=1e-5, atol=1e-5)


def test_conditional_model_is_encoded_with_the_true_labels(bundled, mnist_test):
    model = bundled["mnist-cvae-z2"].model
    images, labels = mnist_test
    mu = latent.encode_means(model, images[:64], labels[:64])
    with torch.no_grad():
        ref, _ = model.encode(images[:64].float().div(255).unsqueeze(1), labels[:64])
        wrong, _ = model.encode(images[:64].float().div(255).unsqueeze(1), (labels[:64] + 1) % 10)
    torch.testing.assert_close(mu, ref, rtol=1e-5, atol=1e-5)
    assert not torch.allclose(mu, wrong, atol=1e-3)
    with pytest.raises(ValueError, match="labels"):
        latent.encode_means(model, images[:4])
    with pytest.raises(ValueError, match="4 images but 3 labels"):
        latent.encode_means(model, images[:4], labels[:3])


def test_pca_round_trip_and_orthonormal_components(z16_stats):
    pca = z16_stats.pca
    comps = pca.components
    assert comps.shape == (2, 16)
    torch.testing.assert_close(comps @ comps.T, torch.eye(2), atol=1e-5, rtol=0)
    coords = torch.tensor([[0.0, 0.0], [1.5, -2.0], [-3.0, 0.25]])
    torch.testing.assert_close(pca.project(pca.inverse(coords)), coords, atol=1e-5, rtol=0)
    in_span = pca.inverse(coords)
    torch.testing.assert_close(pca.inverse(pca.project(in_span)), in_span, atol=1e-5, rtol=0)
    # The components are the directions of largest variance, in order.
    projected = pca.project(z16_stats.mu)
    torch.testing.assert_close(projected.var(dim=0), pca.variance, rtol=1e-3, atol=1e-4)
    assert pca.variance[0] >= pca.variance[1]
    total = z16_stats.mu.var(dim=0).sum()
    for _ in range(5):  # no random direction beats the first component
        v = torch.nn.functional.normalize(torch.randn(16), dim=0)
        assert ((z16_stats.mu - pca.mean) @ v).var() <= pca.variance[0] + 1e-4
    assert 0 < float(pca.explained.sum()) <= 1 and pca.explained[0] == pytest.approx(
        float(pca.variance[0] / total), rel=1e-3)


def test_pca_rejects_bad_input():
    with pytest.raises(ValueError, match="two points"):
        latent.fit_pca(torch.zeros(1, 3))
    with pytest.raises(ValueError, match="components"):
        latent.fit_pca(torch.randn(10, 2), k=3)


def test_kl_per_dim_sums_to_the_kl_per_image(z16_stats):
    per_image = kl_per_image(z16_stats.mu, z16_stats.logvar).mean()
    assert float(z16_stats.kl.sum()) == pytest.approx(float(per_image), rel=1e-4)
    kl = z16_stats.kl[z16_stats.order]
    assert torch.all(kl[:-1] >= kl[1:])  # descending (every unit of this model is active)
    activity = z16_stats.mu.double().var(0, unbiased=False)
    assert z16_stats.active == [bool(activity[d] > latent.ACTIVE_COV) for d in z16_stats.order]
    torch.testing.assert_close(z16_stats.activity, activity.float())


def test_order_dims_puts_active_units_first_by_kl():
    kl = torch.tensor([0.5, 0.001, 2.0, 0.3, 0.0099])
    activity = torch.tensor([0.9, 0.0, 1.2, 0.01, 0.02])  # unit 3: exactly 0.01, inactive
    order, active = latent.order_dims(kl, activity)
    assert order == [2, 0, 4, 3, 1]
    assert active == [True, True, True, False, False]


def test_grid_points_are_cell_centres_in_reading_order():
    pts = latent.SquareGrid((0.0, 10.0), (-5.0, 5.0), 10, 10).points()
    assert pts.shape == (100, 2)
    torch.testing.assert_close(pts[0], torch.tensor([0.5, 4.5]))     # top-left
    torch.testing.assert_close(pts[9], torch.tensor([9.5, 4.5]))     # top-right
    torch.testing.assert_close(pts[90], torch.tensor([0.5, -4.5]))   # bottom-left
    torch.testing.assert_close(pts[3 * 10 + 7], torch.tensor([7.5, 1.5]))
    with pytest.raises(ValueError, match="from 10 to 30"):
        latent.square_grid((0, 1), (0, 1), 9)
    with pytest.raises(ValueError, match="positive width"):
        latent.square_grid((1, 1), (0, 1), 10)


def test_dims_plane_holds_the_other_dimensions(z16_stats):
    base = torch.arange(16, dtype=torch.float32)
    plane = latent.DimsPlane(3, 7, base)
    z = plane.to_latent(torch.tensor([[10.0, -1.0]]))[0]
    assert z[3] == 10.0 and z[7] == -1.0
    others = [d for d in range(16) if d not in (3, 7)]
    torch.testing.assert_close(z[others], base[others])
    torch.testing.assert_close(plane.to_plane(z[None]), torch.tensor([[10.0, -1.0]]))
    with pytest.raises(ValueError, match="different"):
        latent.DimsPlane(2, 2, base)
    with pytest.raises(ValueError, match="out of range"):
        latent.DimsPlane(0, 16, base)


def test_ellipse_is_at_two_sigma():
    cov = torch.tensor([[4.0, 1.0], [1.0, 1.0]])
    center = torch.tensor([1.0, -2.0])
    pts = latent.ellipse(center, cov, n_sigma=2.0) - center
    mahalanobis = (pts @ torch.linalg.inv(cov) * pts).sum(dim=1).sqrt()
    torch.testing.assert_close(mahalanobis, torch.full_like(mahalanobis, 2.0), atol=1e-4, rtol=0)


def test_pca_plane_covariance_is_the_projected_covariance(z16_stats):
    plane = latent.PCAPlane(z16_stats.pca)
    logvar = z16_stats.logvar[0]
    samples = torch.randn(20000, 16, generator=torch.Generator().manual_seed(0)) * (0.5 * logvar).exp()
    empirical = torch.cov(plane.to_plane(samples + z16_stats.mu[0]).T)
    torch.testing.assert_close(plane.covariance(logvar), empirical, atol=2e-3, rtol=0.05)


def test_conditional_decode_uses_the_label(bundled):
    model = bundled["mnist-cvae-z2"].model
    z = torch.tensor([[0.3, -0.4]])
    with torch.no_grad():
        seven = model.decode(z, 7)[0, 0]
        one = model.decode(z, 1)[0, 0]
    torch.testing.assert_close(latent.decode(model, z, 7)[0], seven)
    assert (latent.decode(model, z, 1)[0] - one).abs().max() < 1e-6
    assert (seven - one).abs().mean() > 0.02
    with pytest.raises(ValueError, match="label"):
        latent.decode(model, z)


def test_random_codes_scale_with_temperature():
    gen = torch.Generator().manual_seed(3)
    z = latent.random_codes(4000, 4, 0.5, gen)
    assert z.shape == (4000, 4)
    assert float(z.std()) == pytest.approx(0.5, rel=0.05)
    assert torch.count_nonzero(latent.random_codes(8, 4, 0.0)) == 0
    with pytest.raises(ValueError):
        latent.random_codes(8, 4, -1.0)


def test_tile_rejects_a_wrong_count():
    with pytest.raises(ValueError, match="need 100 images"):
        latent.tile(torch.zeros(99, 28, 28), 10)


def test_stats_from_the_shared_test_set_pass(z16, z16_stats, mnist_test):
    """The tab builds its statistics from the evaluation pass's posteriors: the same numbers as
    encoding the images itself."""
    from vae_desktop.core.evaluation import evaluate_model

    images, labels = mnist_test
    report = evaluate_model(z16, images[:400], labels[:400])
    mu, logvar = latent.encode_posterior(z16, images[:400], labels[:400])
    torch.testing.assert_close(report.mu, mu, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(report.logvar, logvar, rtol=1e-5, atol=1e-5)
    stats = latent.stats_from_posterior(z16_stats.mu, z16_stats.logvar, z16_stats.labels)
    torch.testing.assert_close(stats.kl, z16_stats.kl)
    assert stats.order == z16_stats.order and stats.active == z16_stats.active
    torch.testing.assert_close(stats.pca.components, z16_stats.pca.components)
    torch.testing.assert_close(stats.limits, z16_stats.limits)
    assert torch.all(stats.limits >= 3.0)
    with pytest.raises(ValueError, match="400 posteriors but 399 labels"):
        latent.stats_from_posterior(report.mu, report.logvar, report.labels[:399])
    with pytest.raises(ValueError, match="two images"):
        latent.stats_from_posterior(report.mu[:1], report.logvar[:1], report.labels[:1])


def test_decode_under_label_weights(bundled):
    model = bundled["mnist-cvae-z16"].model
    z = torch.randn(3, 16, generator=torch.Generator().manual_seed(0))
    blend = torch.zeros(10)
    blend[5], blend[6] = 8 / 17, 9 / 17
    with torch.no_grad():
        expected = model.decode(z, blend.expand(3, -1))[:, 0]
        five, six = model.decode(z, 5)[:, 0], model.decode(z, 6)[:, 0]
    torch.testing.assert_close(latent.decode(model, z, blend.numpy()), expected)
    assert (expected - five).abs().mean() > 1e-3 and (expected - six).abs().mean() > 1e-3
    one_hot = torch.nn.functional.one_hot(torch.tensor(5), 10).float()
    torch.testing.assert_close(latent.decode(model, z, one_hot), five)
    with pytest.raises(ValueError, match="10 entries"):
        latent.decode(model, z, np.ones(3, np.float32))


def test_labels_in_words():
    assert latent.describe_label(np.eye(10)[7]) == "label 7"
    blend = np.zeros(10)
    blend[5], blend[6] = 8 / 17, 9 / 17
    assert latent.describe_label(blend) == "label 5→6 blend: 47% 5, 53% 6"
    three = np.zeros(10)
    three[[1, 2, 8]] = [0.2, 0.3, 0.5]
    assert latent.describe_label(three) == "label blend: 20% 1, 30% 2, 50% 8"
