"""Binarised MNIST as a mode: training redraws pixels, the test set is one fixed binarisation,
the checkpoint and the report say so; deeper MLPs; active units."""

import json

import pytest
import torch

from vae_desktop.cli import main
from vae_desktop.core import checkpoint
from vae_desktop.core.data import binarize_fixed, load_split, to_float
from vae_desktop.core.evaluation import ACTIVE_COV, evaluate_model
from vae_desktop.core.fast_step import AutogradStep, make_train_step
from vae_desktop.core.model import VAE
from vae_desktop.core.training import TrainConfig, Trainer, new_model


def test_fixed_binarisation_is_binary_seeded_and_keeps_the_grey_mean(mnist_test):
    images = mnist_test[0][:500]
    a, b = binarize_fixed(images), binarize_fixed(to_float(images))
    assert torch.equal(a, b) and a.shape == (500, 1, 28, 28)
    assert set(a.unique().tolist()) == {0.0, 1.0}
    assert abs(float(a.mean()) - float(to_float(images).mean())) < 0.003
    assert not torch.equal(a, binarize_fixed(images, seed=1))


def test_the_kept_binarisation_is_a_copy_and_follows_changes_to_its_images(mnist_test):
    images = mnist_test[0][:300].clone()
    first = binarize_fixed(images)
    first.zero_()  # the caller's tensor is its own: the one kept is not touched
    again = binarize_fixed(images)
    assert again.sum() > 1000
    images[:10] = 0  # in place: the same memory, a new version
    changed = binarize_fixed(images)
    assert changed[:10].sum() == 0 and torch.equal(changed[10:], again[10:])


@pytest.fixture(scope="module")
def binarized_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bin") / "bin.pt"
    assert main(["train", "--binarize", "--layers", "2", "--epochs", "1", "--train-size", "2000",
                 "--test-size", "300", "--latent-dim", "8", "--hidden", "64", "--device", "cpu",
                 "--quiet", "--out", str(out)]) == 0
    return out


def test_the_checkpoint_records_binarisation_and_depth(binarized_run):
    ckpt = checkpoint.load(binarized_run)
    assert ckpt.config.binarized and ckpt.config.layers == 2
    assert "binarised" in ckpt.config.describe() and "2×64" in ckpt.config.describe()
    linears = [m for m in ckpt.model.dec_body if isinstance(m, torch.nn.Linear)]
    assert len(linears) == 3  # latent -> 64 -> 64 -> 784


def test_eval_scores_a_binarised_model_on_the_fixed_binarisation(binarized_run, capsys,
                                                                 mnist_test):
    assert main(["eval", str(binarized_run), "--test-size", "300", "--json", "--device",
                 "cpu"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["binarized"] is True
    # The same weights in a grey-level model, given the fixed binarisation by hand, score the
    # same: the report used exactly those pixels.
    model = checkpoint.load(binarized_run).model
    grey = VAE.from_config(model.config.__class__(**{**model.config.to_dict(),
                                                     "binarized": False}))
    grey.load_state_dict(model.state_dict())
    images, labels = mnist_test[0][:300], mnist_test[1][:300]
    by_hand = evaluate_model(grey, binarize_fixed(images), labels)
    assert by_hand.test_loss == pytest.approx(result["test_loss"], abs=1e-4)
    # (Scoring grey levels instead would agree on average: the BCE is linear in the target.)
    report = evaluate_model(grey, images, labels)
    assert not torch.equal(report.scores["recon"], by_hand.scores["recon"])


def test_training_redraws_the_pixels_of_every_batch(monkeypatch):
    seen = []
    original = AutogradStep.__call__

    def spy(self, x, y, beta):
        seen.append(x.clone())
        return original(self, x, y, beta)

    monkeypatch.setattr(AutogradStep, "__call__", spy)
    data = load_split("train", size=256)
    model = new_model(1, latent_dim=4, hidden=32, layers=2, binarized=True)
    assert isinstance(make_train_step(model, torch.optim.Adam(model.parameters())), AutogradStep)
    Trainer(model, data, None, TrainConfig(epochs=2, batch_size=256, device="cpu")).run()
    first, second = seen
    assert set(first.unique().tolist()) == {0.0, 1.0}
    # The same 256 digits in both epochs (one batch), drawn anew: the count of lit pixels at a
    # position differs wherever some digit is grey there (about half of the positions).
    assert 0.2 < float((first.sum(0) != second.sum(0)).float().mean()) < 0.9


def test_checkpoints_from_before_layers_and_binarisation_load_as_one_layer_grey(bundled):
    config = bundled["mnist-vae-z2"].config
    assert config.layers == 1 and not config.binarized


def test_active_units_follow_burda_et_al_definition(bundled, mnist_test):
    model = checkpoint.load(bundled["mnist-vae-z16"].path).model
    images, labels = mnist_test[0][:1000], mnist_test[1][:1000]
    report = evaluate_model(model, images, labels)
    assert report.active_units == 16
    with torch.no_grad():  # silence five units: their mean no longer depends on x
        model.fc_mu.weight[:5] = 0
    report = evaluate_model(model, images, labels)
    assert report.active_units == 11
    assert (report.unit_activity[:5] <= ACTIVE_COV).all()
