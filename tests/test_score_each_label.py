"""A conditional model's anomaly scores, each image against every label: the images encoded once
for all labels (`VAE.encode_each_label`), where each label encoded them again. The same scores
as label by label, for the bundled CVAE, a conv CVAE and a deeper one."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from vae_desktop.core.anomaly import anomaly_score_steps, anomaly_scores
from vae_desktop.core.model import VAE, score_each_label, score_images


def label_by_label(model, x):
    """The scores as they were computed before: one score_images call per label."""
    scores = [score_images(model, x, torch.full((len(x),), c), samples=0)
              for c in range(model.num_classes)]
    return {key: torch.stack([s[key] for s in scores]) for key in ("loss", "recon", "kl")}


def small_cvae(arch: str, layers: int = 1) -> VAE:
    torch.manual_seed(3)
    return VAE(latent_dim=4, hidden=64, arch=arch, num_classes=10, layers=layers).eval()


@pytest.mark.parametrize("make", [
    lambda bundled: bundled["mnist-cvae-z2"].model,
    lambda bundled: bundled["mnist-cvae-z16"].model,
    lambda bundled: small_cvae("conv"),
    lambda bundled: small_cvae("mlp", layers=2),
], ids=["cvae-z2", "cvae-z16", "conv", "two-layers"])
def test_every_label_at_once_gives_the_scores_label_by_label(make, bundled, mnist_test):
    model = make(bundled)
    x = mnist_test[0][:300].unsqueeze(1).float() / 255.0
    at_once, one_by_one = score_each_label(model, x), label_by_label(model, x)
    for key in ("loss", "recon", "kl"):
        assert at_once[key].shape == (10, 300)
        torch.testing.assert_close(at_once[key], one_by_one[key], rtol=1e-5, atol=1e-3)
    # Each label's score differs (the labels are really told apart, not one label ten times).
    assert (at_once["loss"].argmin(dim=0) == mnist_test[1][:300]).float().mean() > (
        0.5 if model.latent_dim > 4 else 0.0)


def test_the_marginal_score_in_steps_of_a_few_hundred_images(bundled, mnist_test):
    model = bundled["mnist-cvae-z16"].model
    images = mnist_test[0][:1100]
    steps, sizes = anomaly_score_steps(model, images, "elbo", batch_size=2000), []
    while True:
        try:
            sizes.append(next(steps))
        except StopIteration as end:
            scores = end.value
            break
    # Steps of 200 images x 10 labels: as many passes as an unconditional model's step of 2,000.
    assert sizes == [2000] * 5 + [1000]
    x = images.unsqueeze(1).float() / 255.0
    per_label = label_by_label(model, x)["loss"]
    marginal = -(torch.logsumexp(-per_label, dim=0) - math.log(10))
    torch.testing.assert_close(scores, marginal, rtol=1e-5, atol=1e-3)
    best = anomaly_scores(model, images, "recon")
    torch.testing.assert_close(best, label_by_label(model, x)["recon"].min(dim=0).values,
                               rtol=1e-5, atol=1e-3)


def test_an_unconditional_model_has_no_labels_to_encode(bundled, mnist_test):
    with pytest.raises(ValueError, match="conditional"):
        bundled["mnist-vae-z2"].model.encode_each_label(mnist_test[0][:5].float())


def test_the_draw_tabs_analysis_of_a_conv_cvae_gives_every_labels_own_score(mnist_test):
    """A conv model has no small-batch path: its analysis encodes the drawing once for all
    labels too (`encode_each_label`), with each label's own loss, reconstruction and code."""
    from vae_desktop.core.digit_analysis import analyse_digit

    model = small_cvae("conv")
    image = mnist_test[0][0].float() / 255.0
    analysis = analyse_digit(model, image.numpy(), label=3)
    x = image.reshape(1, 1, 28, 28)
    one_by_one = label_by_label(model, x)["loss"][:, 0]
    assert analysis.label_losses.shape == (10,)
    torch.testing.assert_close(torch.from_numpy(analysis.label_losses), one_by_one,
                               rtol=1e-5, atol=1e-3)
    three = score_images(model, x, torch.tensor([3]), samples=0)
    assert analysis.label == 3
    assert analysis.loss == pytest.approx(float(three["loss"][0]), rel=1e-5)
    mu, _ = model.encode(x, torch.tensor([3]))
    assert np.allclose(analysis.mu, mu[0].detach().numpy(), atol=1e-5)
