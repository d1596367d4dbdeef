"""Conditional generation with the bundled CVAE: the picked label reaches the decoder, the
all-digits rows share their code, style transfer and the model's own label guess."""

from __future__ import annotations

import pytest
import torch

from vae_desktop.core import generate
from vae_desktop.core.data import to_float


@pytest.fixture(scope="module")
def cvae(bundled):
    return bundled["mnist-cvae-z2"].model.eval()


class DecodeRecorder:
    """Wraps model.decode and records each call's (z, y)."""

    def __init__(self, model, monkeypatch):
        self.calls = []
        original = model.decode

        def decode(z, y=None):
            self.calls.append((z.detach().clone(), None if y is None else torch.as_tensor(y).clone()))
            return original(z, y)

        monkeypatch.setattr(model, "decode", decode)


def test_picked_label_is_passed_to_decode(cvae, monkeypatch):
    rec = DecodeRecorder(cvae, monkeypatch)
    images = generate.conditional_samples(cvae, 7, n=12, temperature=1.0, seed=3)
    assert images.shape == (12, 1, 28, 28)
    (z, y), = rec.calls
    assert y.tolist() == [7] * 12
    # The same codes decoded with another label give other images: the label really matters.
    monkeypatch.undo()
    with torch.no_grad():
        assert torch.allclose(images, cvae.decode(z, torch.full((12,), 7)))
        assert (images - cvae.decode(z, torch.full((12,), 1))).abs().mean() > 0.05


def test_seed_makes_samples_reproducible_and_temperature_scales_codes(cvae):
    a = generate.conditional_samples(cvae, 4, n=9, seed=11)
    b = generate.conditional_samples(cvae, 4, n=9, seed=11)
    c = generate.conditional_samples(cvae, 4, n=9, seed=12)
    assert torch.equal(a, b)
    assert not torch.allclose(a, c)
    z1 = generate.sample_codes(2, 50, temperature=1.0, seed=5)
    z_half = generate.sample_codes(2, 50, temperature=0.5, seed=5)
    assert torch.allclose(z_half, 0.5 * z1)
    cold = generate.conditional_samples(cvae, 4, n=5, temperature=0.0, seed=5)
    assert torch.allclose(cold, cold[:1].expand_as(cold))  # z = 0 for all: one image


def test_all_digits_rows_share_their_code(cvae, monkeypatch):
    rec = DecodeRecorder(cvae, monkeypatch)
    view = generate.all_digits(cvae, rows=4, temperature=1.0, seed=9)
    (z, y), = rec.calls
    assert view.images.shape == (40, 1, 28, 28) and view.columns == 10
    assert y.tolist() == list(range(10)) * 4
    for r in range(4):
        row = z[r * 10:(r + 1) * 10]
        assert torch.equal(row, view.codes[r].expand(10, -1))
    assert not torch.equal(view.codes[0], view.codes[1])
    monkeypatch.undo()
    with torch.no_grad():
        assert torch.allclose(view.images[2 * 10 + 6], cvae.decode(view.codes[2:3], torch.tensor([6]))[0])


def test_guess_label_reads_test_digits(cvae, mnist_test):
    images, labels = mnist_test
    x = to_float(images[:200])
    guesses, probs = generate.guess_label(cvae, x)
    assert torch.allclose(probs.sum(1), torch.ones(200), atol=1e-5)
    assert (guesses == labels[:200]).float().mean() > 0.85


def test_style_transfer_writes_each_digit(cvae, mnist_test):
    images, labels = mnist_test
    x = to_float(images[:1])[0, 0]
    given = generate.style_transfer(cvae, x, label=int(labels[0]))
    assert given.images.shape == (10, 1, 28, 28) and given.label == int(labels[0]) and not given.guessed
    guessed = generate.style_transfer(cvae, x)
    assert guessed.guessed and guessed.label == int(labels[0]) and guessed.probs.argmax() == labels[0]
    # Each output is read by the model as the digit it was written as.
    readings, _ = generate.guess_label(cvae, given.images)
    assert (readings == torch.arange(10)).sum() >= 9
    # The column of its own label is the reconstruction of the input from its posterior mean.
    with torch.no_grad():
        mu, _ = cvae.encode(x.reshape(1, 1, 28, 28), torch.tensor([given.label]))
        assert torch.allclose(given.images[given.label], cvae.decode(mu, torch.tensor([given.label]))[0])


def test_bad_requests_get_clear_errors(cvae, bundled):
    plain = bundled["mnist-vae-z2"].model
    with pytest.raises(ValueError, match="conditional model"):
        generate.conditional_samples(plain, 3)
    with pytest.raises(ValueError, match="label must be from 0 to 9"):
        generate.conditional_samples(cvae, 10)
    with pytest.raises(ValueError, match="from 1 to 100"):
        generate.conditional_samples(cvae, 3, n=0)
    with pytest.raises(ValueError, match="temperature"):
        generate.conditional_samples(cvae, 3, temperature=-1)
    with pytest.raises(ValueError, match="one 28x28 image"):
        generate.style_transfer(cvae, torch.zeros(2, 28, 28))
