"""The aggregate-posterior sampler (core.mixture): fitted on a few thousand real training codes."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from vae_desktop.core import generate, mixture
from vae_desktop.core.data import load_split
from vae_desktop.core.latent import encode_posterior

SMALL = mixture.FitSettings(components=20, label_components=4)


@pytest.fixture(scope="module")
def train_small():
    return load_split("train", size=3000)


@pytest.fixture(scope="module")
def vae_fit(bundled, train_small):
    model = bundled["mnist-vae-z16"].model
    return model, mixture.fit(model, *train_small, settings=SMALL)


def aggregate_log_density(mu: torch.Tensor, logvar: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """log q(z) of the exact aggregate posterior of some images: the mean of their q(z | x)."""
    mu, logvar, z = mu.double(), logvar.double(), z.double()
    var, d = logvar.exp(), mu.shape[1]
    out = []
    for chunk in z.split(500):
        lp = -0.5 * (((chunk[:, None] - mu[None]) ** 2 / var[None]).sum(-1) + logvar.sum(-1)[None]
                     + d * math.log(2 * math.pi))
        out.append(torch.logsumexp(lp, 1) - math.log(len(mu)))
    return torch.cat(out)


def test_mixture_samples_land_where_held_out_digits_are_encoded(bundled, vae_fit):
    """The prior hole: prior codes fall where the aggregate posterior of held-out test digits has
    little mass; mixture codes do not (measured 2026-12-02: -81 vs -61 nats per code)."""
    model, posterior = vae_fit
    test_images, _ = load_split("test", size=2000)
    mu, logvar = encode_posterior(model, test_images)
    prior = mixture.Sampler(16).codes(2000, 1.0, seed=1)
    mixed = mixture.MixtureSampler(posterior).codes(2000, 1.0, seed=1)
    prior_fit = aggregate_log_density(mu, logvar, prior).mean().item()
    mixture_fit = aggregate_log_density(mu, logvar, mixed).mean().item()
    assert mixture_fit > prior_fit + 10, (mixture_fit, prior_fit)
    # At temperature 0 the mixture's codes are its component means.
    means = torch.as_tensor(posterior.mixtures[0].means, dtype=torch.float32)
    z0 = mixture.MixtureSampler(posterior).codes(50, 0.0, seed=2)
    assert (z0[:, None] - means[None]).abs().amax(-1).min(dim=1).values.max() < 1e-5
    assert torch.equal(mixture.Sampler(16).codes(5, 0.0, seed=2), torch.zeros(5, 16))


def test_fitting_and_sampling_are_seeded(bundled, vae_fit, train_small):
    model, first = vae_fit
    again = mixture.fit(model, *train_small, settings=SMALL)
    for a, b in zip(first.mixtures, again.mixtures, strict=True):
        np.testing.assert_array_equal(a.means, b.means)
        np.testing.assert_array_equal(a.covariances, b.covariances)
    sampler = mixture.MixtureSampler(first)
    assert torch.equal(sampler.codes(30, 0.8, seed=4), sampler.codes(30, 0.8, seed=4))
    assert not torch.equal(sampler.codes(30, 0.8, seed=4), sampler.codes(30, 0.8, seed=5))
    # The prior sampler draws what the app drew before samplers existed.
    assert torch.equal(mixture.Sampler(16).codes(7, 0.6, seed=3), generate.sample_codes(16, 7, 0.6, 3))
    # The same seed at another temperature rescales the same samples about their components.
    half, full = sampler.codes(30, 0.5, seed=4), sampler.codes(30, 1.0, seed=4)
    centre = sampler.codes(30, 0.0, seed=4)
    torch.testing.assert_close(half - centre, 0.5 * (full - centre), rtol=1e-5, atol=1e-5)


def test_a_cvae_gets_one_mixture_per_label(bundled, train_small):
    model = bundled["mnist-cvae-z16"].model
    images, labels = train_small
    posterior = mixture.fit(model, images, labels, settings=SMALL)
    assert posterior.conditional and len(posterior.mixtures) == 10
    assert all(m.components == SMALL.label_components for m in posterior.mixtures)
    np.testing.assert_array_equal(posterior.label_counts, np.bincount(labels.numpy(), minlength=10))
    mu, _ = encode_posterior(model, images, labels)
    for label in (1, 8):
        # EM keeps the weighted mean of the components at the mean of the codes it was fitted
        # to: that label's codes, encoded with that label.
        m = posterior.mixtures[label]
        fitted_mean = (m.weights[:, None] * m.means).sum(0) / m.weights.sum()
        own = mu[labels == label].double().numpy().mean(0)
        others = mu[labels != label].double().numpy().mean(0)
        np.testing.assert_allclose(fitted_mean, own, atol=1e-4)
        assert np.abs(fitted_mean - others).max() > 0.05
        drawn = mixture.MixtureSampler(posterior).codes(4000, 1.0, seed=0, label=label).double()
        assert np.abs(drawn.mean(0).numpy() - own).max() < 0.1
    # A blend of two labels samples from their two mixtures only.
    blend = np.zeros(10)
    blend[[3, 5]] = 0.5
    combined = posterior.mixture_for(blend)
    assert combined.components == 2 * SMALL.label_components
    np.testing.assert_array_equal(combined.means, np.concatenate([posterior.mixtures[3].means,
                                                                  posterior.mixtures[5].means]))
    assert posterior.mixture_for(None).components == 10 * SMALL.label_components
    with pytest.raises(ValueError, match="label must be"):
        posterior.mixture_for(10)


def test_the_cache_refits_when_the_weights_change(bundled, tmp_path):
    model = bundled["mnist-vae-z2"].model
    images, labels = load_split("train", size=1000)
    settings = mixture.FitSettings(components=5)
    cache = mixture.MixtureCache(tmp_path)
    first = mixture.run_to_end(mixture.cached_fit_steps(model, cache, images, labels, "k", settings))
    files = list(tmp_path.glob("*.npz"))
    assert len(files) == 1 and files[0].stem == first.key
    # Asked again: the same object from memory, with no fitting (no progress events).
    events = []
    assert mixture.run_to_end(mixture.cached_fit_steps(model, cache, images, labels, "k", settings),
                              events.append) is first and events == []
    # A fresh cache on the same folder reads the .npz back.
    from_disk = mixture.MixtureCache(tmp_path).get(first.key)
    np.testing.assert_array_equal(from_disk.mixtures[0].covariances, first.mixtures[0].covariances)
    # Other data or settings, or another weight, are other keys.
    assert mixture.cache_key(model, settings, "other") != first.key
    copy = type(model)(**{k: v for k, v in vars(model.config).items()})
    copy.load_state_dict(model.state_dict())
    assert mixture.cache_key(copy, settings, "k") == first.key
    with torch.no_grad():
        copy.dec_body[0].bias[0] += 0.01
    assert mixture.cache_key(copy, settings, "k") != first.key
    events = []
    refit = mixture.run_to_end(mixture.cached_fit_steps(copy, cache, images, labels, "k", settings),
                               events.append)
    assert refit is not first and refit.key != first.key and events
    assert any("Fitting the mixture to 1,000 codes" in e.text for e in events)


def test_a_cache_file_is_read_without_pickle_and_a_bad_one_is_refitted(tmp_path, vae_fit):
    _, posterior = vae_fit
    path = mixture.save_npz(tmp_path / "m.npz", posterior)
    back = mixture.load_npz(path)
    assert back.key == posterior.key and back.count == 3000 and back.settings == SMALL
    np.testing.assert_array_equal(back.mixtures[0].weights, posterior.mixtures[0].weights)
    # An object array would need pickle to load: refused, and the cache treats it as absent.
    bad = tmp_path / f"{posterior.key}.npz"
    np.savez(bad, meta=np.array([{"format": 1}], dtype=object))
    with pytest.raises(ValueError):
        mixture.load_npz(bad)
    assert mixture.MixtureCache(tmp_path).get(posterior.key) is None
    bad.write_bytes(b"not an npz")
    assert mixture.MixtureCache(tmp_path).get(posterior.key) is None


def test_bad_requests_are_refused(vae_fit):
    _, posterior = vae_fit
    with pytest.raises(ValueError, match="sampler must be"):
        mixture.make_sampler("uniform", 16)
    with pytest.raises(ValueError, match="needs a fitted"):
        mixture.make_sampler("mixture", 16)
    with pytest.raises(ValueError, match="dimensions"):
        mixture.make_sampler("mixture", 2, posterior)
    with pytest.raises(ValueError, match="temperature"):
        mixture.MixtureSampler(posterior).codes(4, 6.0)
    with pytest.raises(ValueError, match="components"):
        mixture.FitSettings(components=0)


@pytest.mark.parametrize("model_name, max_iter", [("mnist-vae-z2", 3), ("mnist-vae-z2", 200),
                                                  ("mnist-vae-z16", 200)])
def test_the_fit_is_scikit_learns_of_at_most_max_iter_iterations(bundled, train_small, model_name,
                                                                 max_iter):
    """EM runs in torch (core.mixture_em) from scikit-learn's start: the mixture is the one
    GaussianMixture's own fit gives, up to rounding, in as many iterations (a fit in chunks of
    2 once ran a fit of max_iter 3 for 4)."""
    from sklearn.mixture import GaussianMixture

    model = bundled[model_name].model
    settings = mixture.FitSettings(components=8, max_iter=max_iter)
    events = []
    posterior = mixture.run_to_end(mixture.fit_steps(model, *train_small, settings=settings),
                                   events.append)
    codes = encode_posterior(model, train_small[0])[0].double().numpy()
    whole = GaussianMixture(8, covariance_type="full", max_iter=max_iter, random_state=0).fit(codes)
    fitted = posterior.mixtures[0]
    np.testing.assert_allclose(fitted.means, whole.means_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(fitted.covariances, whole.covariances_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(fitted.weights, whole.weights_, rtol=0, atol=1e-12)
    iterations = int(events[-1].detail.split()[-1])
    assert iterations == whole.n_iter_ and iterations <= max_iter


def test_a_fit_stopped_through_its_control_ends_without_a_mixture(bundled, train_small):
    """Stopped as EM is about to start (the app asked for another model's mixture)."""
    from vae_desktop.core.jobs import JobControl

    control, events = JobControl(), []

    def on_event(event):
        events.append(event)
        if event.text.startswith("Fitting"):
            control.stop()

    steps = mixture.fit_steps(bundled["mnist-vae-z16"].model, *train_small, settings=SMALL,
                              control=control)
    assert mixture.run_to_end(steps, on_event) is None
    assert not any("EM iteration" in event.detail for event in events)
