"""Continue training keeps what defines the model's training data, as `train --resume` does: the
digits it was trained on (a held-out model stays without its digit), how many training images,
and binarised or not. Continuing "VAE without 2 · 1 epoch" (3,000 images) trained on every digit,
with the form's 5,000 images, recorded digits None and named the new model "VAE · MLP · …", and
the header still said "press Start to train a new one"."""

from __future__ import annotations

import shutil

import pytest
import torch
from train_tab_support import RUN_TIMEOUT_MS, TINY, make_tab

from vae_desktop.core import checkpoint
from vae_desktop.core.anomaly import holdout_trainer
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.data import CachedSplit, load_split
from vae_desktop.core.paths import models_dir
from vae_desktop.core.wording import digits_phrase
from vae_desktop.gui.tabs.train.continued import kept_data
from vae_desktop.gui.tabs.train.job import TrainRequest
from vae_desktop.gui.tabs.train.quitting import listed_as

HELD_OUT = 300  # training images of the held-out model (the first 300 that are not a 2)
NOT_TWO = [0, 1, 3, 4, 5, 6, 7, 8, 9]


@pytest.fixture(scope="module")
def held_out_file(tmp_path_factory):
    """A model trained one epoch on 300 training images without a 2, saved as the Evaluate tab
    keeps one."""
    trainer = holdout_trainer((2,), epochs=1, train_size=HELD_OUT, latent_dim=2, hidden=32,
                              device="cpu")
    assert trainer.run().status == "done"
    path = tmp_path_factory.mktemp("held-out") / "vae-without-2.pt"
    return checkpoint.save(path, trainer.model, trainer.history, None,
                           {**trainer.config.to_dict(), "train_size": HELD_OUT,
                            "digits": NOT_TWO})


@pytest.fixture
def held_out(state, held_out_file):
    """The held-out model, in the models folder, the active model."""
    path = models_dir() / held_out_file.name
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(held_out_file, path)
    return state.add_model(checkpoint.load(path), origin="holdout", name="VAE without 2 · 1 epoch")


def test_continuing_a_held_out_model_keeps_its_digits_and_images(qtbot, state, held_out):
    tab = make_tab(qtbot, state)  # the form says 512 training images
    assert "train a new one" in tab.caption
    tab.continue_box.setChecked(True)
    size = tab.field("train_size")
    # The form shows the model's training data, and that it cannot change.
    assert size.value() == HELD_OUT and not size.isEnabled()
    assert size.text() == "300 images without 2s"
    assert "without 2s" in size.toolTip() and "Untick" in size.toolTip()
    assert "train it further" in tab.caption and "a new one" not in tab.caption
    assert tab.apply_settings({"epochs": 1})
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        tab.start_button.click()
    assert blocker.args[0].status == "done"
    new = state.active
    assert new is not held_out and new.epochs == 2
    assert new.train_config["digits"] == NOT_TWO and new.train_config["train_size"] == HELD_OUT
    assert new.name.startswith("VAE without 2s · MLP · z=2 · 2 epochs · ")
    assert checkpoint.load(new.path).train_config["digits"] == NOT_TWO  # in the file, too
    # Unticked: the form's own number again, and it can be changed.
    tab.continue_box.setChecked(False)
    assert size.value() == 512 and size.isEnabled() and size.text() == "512 images"
    assert "train a new one" in tab.caption


def test_the_run_trains_on_the_models_digits_only():
    split = CachedSplit("train")
    settings = {**TINY, "train_size": HELD_OUT}
    request = TrainRequest(settings, "cpu", split, (None, None), None, digits=tuple(NOT_TWO))
    images, labels = request.training_data()
    expected = load_split("train", digits=NOT_TWO, size=HELD_OUT)
    assert len(labels) == HELD_OUT and not (labels == 2).any()
    assert torch.equal(images, expected[0]) and torch.equal(labels, expected[1])
    assert request.train_config()["digits"] == NOT_TWO
    # All the images of those digits (0: all), and every digit when none is held out.
    everything = TrainRequest({**settings, "train_size": 0}, "cpu", split, (None, None), None,
                              digits=tuple(NOT_TWO)).training_data()
    assert len(everything[1]) == int((split.get()[1] != 2).sum())
    plain = TrainRequest(settings, "cpu", split, (None, None), None)
    assert (plain.training_data()[1] == 2).any() and plain.train_config()["digits"] is None


def test_what_a_model_was_trained_on_in_words():
    assert digits_phrase(None) == "" and digits_phrase(tuple(range(10))) == ""
    assert digits_phrase(tuple(NOT_TWO)) == "without 2s"
    assert digits_phrase((0, 1, 3, 4, 5, 6, 8, 9)) == "without 2s and 7s"
    assert digits_phrase((1, 2, 3)) == "of 1s, 2s and 3s only"
    # The quit question names the model to be kept as the library will list it.
    request = TrainRequest({**TINY, "latent_dim": 20}, "cpu", None, (None, None), None,
                           digits=tuple(NOT_TWO))
    assert listed_as(request, 2) == "“VAE without 2s · MLP · z=20 · 2 epochs · …”."


@pytest.mark.parametrize("train_config, kept", [
    ({"train_size": 3000, "digits": NOT_TWO}, (3000, tuple(NOT_TWO))),
    ({"train_size": None, "digits": None}, (0, None)),
    ({"subset": 1000}, (1000, None)),  # checkpoints written before 0.2
    ({}, (0, None)),
    ({"digits": list(range(10))}, (0, None)),
])
def test_kept_data_reads_the_checkpoints_train_config(train_config, kept):
    data = kept_data(Checkpoint(None, None, train_config=train_config))
    assert (data.train_size, data.digits) == kept


@pytest.mark.parametrize("train_config, message", [
    ({"train_size": 70000}, "training images must be an integer from 0 to 60,000"),
    ({"digits": [11]}, r"digits must be some of 0 to 9 \(at least one\), got \[11\]"),
    ({"dataset": "fashion-mnist"}, "was trained on fashion-mnist"),
])
def test_training_data_the_app_cannot_give_is_refused(train_config, message):
    with pytest.raises(ValueError, match=message):
        kept_data(Checkpoint(None, None, train_config=train_config))
