"""`vae-desktop sample`: --sampler prior|mixture, and --out x.npy for the raw images."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from vae_desktop.cli import main
from vae_desktop.core import checkpoint, generate, mixture


@pytest.fixture
def small_models(bundled, tmp_path, monkeypatch):
    """Copies of the bundled 2-D models marked as trained on the first 1,500 training images,
    so that their mixtures fit in a second; the mixture cache goes to a temporary folder."""
    monkeypatch.setattr(mixture, "default_cache_folder", lambda: tmp_path / "mixtures")
    paths = {}
    for name in ("mnist-vae-z2", "mnist-cvae-z2"):
        ckpt = bundled[name]
        paths[name] = checkpoint.save(tmp_path / f"{name}.pt", ckpt.model, ckpt.history,
                                      train_config={**ckpt.train_config, "train_size": 1500})
    return paths


def test_npy_out_holds_the_raw_prior_images(small_models, bundled, tmp_path):
    out = tmp_path / "x.npy"
    assert main(["sample", str(small_models["mnist-vae-z2"]), "--n", "12", "--seed", "4",
                 "--temperature", "0.7", "--out", str(out)]) == 0
    images = np.load(out, allow_pickle=False)
    assert images.shape == (12, 28, 28) and images.dtype == np.float32
    assert 0.0 <= images.min() and images.max() <= 1.0 and images.max() > 0.5
    model = bundled["mnist-vae-z2"].model
    with torch.no_grad():
        expected = model.decode(generate.sample_codes(2, 12, 0.7, 4))[:, 0].numpy()
    np.testing.assert_allclose(images, expected, atol=1e-6)
    assert not (tmp_path / "mixtures").exists()  # the prior fits nothing


def test_mixture_sampler_fits_once_and_then_reads_the_cache(small_models, tmp_path, capsys):
    path = small_models["mnist-vae-z2"]
    out = tmp_path / "mix.npy"
    assert main(["sample", str(path), "--sampler", "mixture", "--n", "40", "--out", str(out)]) == 0
    assert "Fitting the mixture to 1,500 codes" in capsys.readouterr().err
    assert len(list((tmp_path / "mixtures").glob("*.npz"))) == 1
    first = np.load(out)
    assert first.shape == (40, 28, 28) and 0 <= first.min() and first.max() <= 1
    assert main(["sample", str(path), "--sampler", "mixture", "--n", "40", "--out", str(out)]) == 0
    assert "Fitting" not in capsys.readouterr().err  # from the cache, and the same samples
    np.testing.assert_array_equal(np.load(out), first)
    prior = tmp_path / "prior.npy"
    assert main(["sample", str(path), "--n", "40", "--out", str(prior)]) == 0
    assert np.abs(np.load(prior) - first).mean() > 0.01


def test_a_conditional_mixture_samples_the_label_asked_for(small_models, bundled, tmp_path):
    out = tmp_path / "sevens.npy"
    assert main(["sample", str(small_models["mnist-cvae-z2"]), "--sampler", "mixture", "--label", "7",
                 "--n", "16", "--quiet", "--out", str(out)]) == 0
    images = np.load(out)
    model = bundled["mnist-cvae-z2"].model
    posterior = mixture.MixtureCache(tmp_path / "mixtures").get(
        mixture.cache_key(model, mixture.FitSettings(), mixture.training_data({"train_size": 1500})[2]))
    assert posterior is not None and len(posterior.mixtures) == 10
    z = mixture.MixtureSampler(posterior).codes(16, 1.0, 7, label=7)  # seed + label
    with torch.no_grad():
        expected = model.decode(z, torch.full((16,), 7))[:, 0].numpy()
    np.testing.assert_allclose(images, expected, atol=1e-6)
    png = tmp_path / "grid.png"  # a .png still gets the grid
    assert main(["sample", str(small_models["mnist-cvae-z2"]), "--sampler", "mixture", "--n", "20",
                 "--quiet", "--out", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("extra, message", [
    (["--sampler", "gaussian"], "argument --sampler: invalid choice: 'gaussian'"),
    (["--out", "x.jpg"], "--out must end in .png or .npy"),
    (["--temperature", "9"], "--temperature must be from 0 to 5"),
    # The settings table's seed range, as train's, naming the flag (was "Overflow when
    # unpacking long long", and -1 was taken).
    (["--seed", "99999999999999999999"],
     "argument --seed: seed must be an integer from 0 to 2,147,483,647, got 99999999999999999999"),
    (["--seed", "-1"], "argument --seed: seed must be an integer from 0 to 2,147,483,647, got -1"),
    (["--n", "0"], "--n must be from 1 to 1,024"),
])
def test_bad_sample_arguments_are_one_line(small_models, extra, message, capsys, tmp_path):
    argv = ["sample", str(small_models["mnist-vae-z2"]), "--out", str(tmp_path / "x.npy"), *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("vae-desktop: error: ") and message in err and err.count("\n") == 1


def test_a_label_the_model_never_saw_is_said(bundled, tmp_path, capsys):
    """`sample --label 5` on a CVAE trained on 3s only drew "5s" without a word: the images
    are written, with a note that the model never saw that digit."""
    ckpt = bundled["mnist-cvae-z2"]
    path = checkpoint.save(tmp_path / "threes.pt", ckpt.model, ckpt.history,
                           train_config={**ckpt.train_config, "digits": [3]})
    assert main(["sample", str(path), "--label", "5", "--n", "4", "--out",
                 str(tmp_path / "x.npy")]) == 0
    err = capsys.readouterr().err
    assert err.startswith("vae-desktop: note: ") and "never saw a 5" in err
    assert "trained on 3s only" in err and err.count("\n") == 1
    assert main(["sample", str(path), "--label", "3", "--n", "4", "--out",
                 str(tmp_path / "y.npy")]) == 0
    assert capsys.readouterr().err == ""
