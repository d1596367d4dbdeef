"""The Draw tab's small-batch path (core.small_batch): the same numbers as the model's own
encode and decode, and fresh weights after any change to them, a fused Adam step included."""

from __future__ import annotations

import copy

import pytest
import torch

from vae_desktop.core import small_batch
from vae_desktop.core.data import to_float
from vae_desktop.core.digit_analysis import analyse_digit
from vae_desktop.core.model import VAE, vae_loss
from vae_desktop.core.training import make_adam


def same_as_model(model: VAE, images: torch.Tensor) -> None:
    """MLPInference gives model.encode / decode_logits to float rounding, for one image under
    every label (broadcast) and for a batch of images with a label each."""
    fast = small_batch.for_model(model)
    n = model.num_classes
    with torch.no_grad():
        if n:
            labels = torch.arange(n)
            one = images[:1]
            mu, logvar = fast.encode(one, labels)
            want_mu, want_logvar = model.encode(one.expand(n, -1, -1, -1), labels)
            batch_labels = torch.arange(len(images)) % n
        else:
            labels = batch_labels = None
            mu, logvar = fast.encode(images[:1])
            want_mu, want_logvar = model.encode(images[:1])
        assert torch.allclose(mu, want_mu, atol=1e-5) and torch.allclose(logvar, want_logvar, atol=1e-5)
        logits = fast.decode_logits(want_mu, labels)
        assert torch.allclose(logits, model.decode_logits(want_mu, labels), atol=1e-4)
        mu, _ = fast.encode(images, batch_labels)
        assert torch.allclose(mu, model.encode(images, batch_labels)[0], atol=1e-5)


@pytest.mark.parametrize("name", ["mnist-cvae-z16", "mnist-vae-z50-binarized"])
def test_bundled_models_give_their_own_numbers(bundled, mnist_test, name):
    model = bundled[name].model.eval()
    same_as_model(model, to_float(mnist_test[0][:6]))


def test_deeper_and_unconditional_models_too(mnist_test):
    torch.manual_seed(0)
    for model in (VAE(latent_dim=3, hidden=32, layers=3), VAE(latent_dim=4, hidden=24, num_classes=10)):
        same_as_model(model.eval(), to_float(mnist_test[0][:5]))


def test_conv_models_keep_the_models_own_path():
    assert small_batch.for_model(VAE(latent_dim=2, hidden=16, arch="conv")) is None


def test_weights_changed_in_any_way_are_seen(mnist_test):
    """A fused Adam step changes the parameters without moving their version counters; an
    in-place copy and a load move them. Each must give fresh numbers, not the cached ones."""
    torch.manual_seed(1)
    model = VAE(latent_dim=2, hidden=32, num_classes=10).eval()
    x, y = to_float(mnist_test[0][:64]), mnist_test[1][:64].long()
    drawing = x[0, 0].numpy()
    before = analyse_digit(model, drawing).loss
    optimizer = make_adam(model, lr=1e-2)
    model.train()
    for _ in range(3):
        optimizer.zero_grad()
        logits, mu, logvar = model.forward_logits(x, y)
        vae_loss(logits, x, mu, logvar)[0].backward()
        optimizer.step()
    model.eval()
    after_steps = analyse_digit(model, drawing)
    assert after_steps.loss != pytest.approx(before, abs=1e-3)
    same_as_model(model, x[:4])
    saved = copy.deepcopy(model.state_dict())

    with torch.no_grad():
        model.fc_mu.bias.add_(0.5)  # in place: the version counter moves
    same_as_model(model, x[:4])
    model.load_state_dict(saved)  # back to the weights after the steps
    assert analyse_digit(model, drawing).loss == pytest.approx(after_steps.loss, abs=1e-4)
