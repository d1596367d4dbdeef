"""What a checkpoint records of its training data (the digits, the first how many images, the
dataset) was read three times: by the Evaluate tab's held-out experiment (anomaly.trained_on),
the Train tab's Continue (continued.kept_data) and its Digits row (digits_row.parse_digits),
each its own way: the anomaly reading took digits [11] as a model that never saw a digit and
said nothing of another dataset. There is one reading now, core.trained_on, that all three use."""

from __future__ import annotations

import pytest
import torch

from vae_desktop.core import anomaly, checkpoint
from vae_desktop.core.checkpoint import Checkpoint, CheckpointError
from vae_desktop.core.checkpoint_words import NEWER
from vae_desktop.core.paths import bundled_models_dir
from vae_desktop.core.trained_on import TrainedOn, parse_digits, trained_on, trained_on_or_none
from vae_desktop.gui.tabs.train import digits_row
from vae_desktop.gui.tabs.train.continued import kept_data

NOT_TWO = (0, 1, 3, 4, 5, 6, 7, 8, 9)
BUNDLED = bundled_models_dir() / "mnist-vae-z2.pt"


@pytest.mark.parametrize("train_config, seen", [
    (None, TrainedOn(None, None, "mnist")),
    ({}, TrainedOn(None, None, "mnist")),
    # As a held-out run and the Train tab write it, digits in any order.
    ({"train_size": 3000, "digits": [9, 8, 7, 6, 5, 4, 3, 1, 0]}, TrainedOn(NOT_TWO, 3000)),
    ({"train_size": None, "digits": None}, TrainedOn()),
    ({"train_size": 0, "digits": list(range(10))}, TrainedOn()),  # every digit: None
    ({"subset": 1000}, TrainedOn(None, 1000)),  # checkpoints written before 0.2
    ({"dataset": "fashion-mnist", "train_size": 500}, TrainedOn(None, 500, "fashion-mnist")),
    ({"dataset": None, "digits": (2, 3)}, TrainedOn((2, 3), None, "mnist")),
])
def test_one_reading_of_what_a_model_was_trained_on(train_config, seen):
    assert trained_on(train_config) == seen
    # The Evaluate tab's held-out experiment reads it so.
    assert anomaly.trained_on(train_config) == seen
    assert anomaly.trained_on(train_config).holdout == seen.holdout
    # The Train tab's Continue keeps it (0: all the images), for MNIST.
    if seen.dataset == "mnist":
        kept = kept_data(Checkpoint(None, None, train_config=train_config))
        assert (kept.train_size, kept.digits) == (seen.size or 0, seen.digits)
    # The Digits row shows those digits.
    assert digits_row.parse_digits((train_config or {}).get("digits") or None) == seen.digits


def test_the_held_out_digits_are_those_never_seen():
    assert trained_on({"digits": [0, 1, 3, 4, 5, 6, 8, 9]}).holdout == (2, 7)
    assert trained_on({"digits": list(range(10))}).holdout == ()
    assert trained_on(None).holdout == ()


@pytest.mark.parametrize("train_config, says", [
    ({"digits": [11]}, "digits must be some of 0 to 9 (at least one), got [11]"),
    ({"digits": [-1, 3]}, "digits must be some of 0 to 9 (at least one), got [-1, 3]"),
    ({"digits": []}, "digits must be some of 0 to 9 (at least one), got []"),
    ({"digits": [True, 3]}, "digits must be some of 0 to 9 (at least one), got [True, 3]"),
    ({"digits": [3, 3]}, "digits must list each digit once, got [3, 3]"),
    # The Train form keeps digits as text in its settings; a checkpoint never does.
    ({"digits": "two"}, "digits must be a list of some of 0 to 9, got 'two'"),
    ({"digits": "1,2"}, "digits must be a list of some of 0 to 9, got '1,2'"),
    ({"train_size": 70000}, "training images must be an integer from 0 to 60,000, got 70000"),
    ({"subset": "all"}, "training images must be an integer from 0 to 60,000, got 'all'"),
    ({"train_size": None, "subset": -1},
     "training images must be an integer from 0 to 60,000, got -1"),
    ({"train_size": 2.5}, "training images must be an integer from 0 to 60,000, got 2.5"),
    ({"dataset": "cifar"}, "dataset must be one of mnist, fashion-mnist, kmnist, got 'cifar'"),
    ({"dataset": ""}, "dataset must be one of mnist, fashion-mnist, kmnist, got ''"),
    ({"dataset": ["mnist"]}, "dataset must be one of mnist, fashion-mnist, kmnist, got a list"),
])
def test_what_the_app_cannot_have_written_is_refused_by_every_reader(train_config, says,
                                                                     tmp_path):
    for read in (trained_on, anomaly.trained_on,
                 lambda c: kept_data(Checkpoint(None, None, train_config=c))):
        with pytest.raises(ValueError) as caught:
            read(train_config)
        assert str(caught.value) == says
    # Loading refuses such a file, in the same words: what loads always reads.
    payload = torch.load(BUNDLED, weights_only=True)
    payload["train_config"] = train_config
    torch.save(payload, tmp_path / "edited.pt")
    with pytest.raises(CheckpointError) as caught:
        checkpoint.load(tmp_path / "edited.pt")
    assert str(caught.value) == (f"edited.pt: the training settings are malformed: {says}. "
                                 f"{NEWER}")
    # The list of models reads it as unknown, and never fails.
    assert trained_on_or_none(train_config) is None


def test_the_readers_are_one():
    assert anomaly.trained_on is trained_on and anomaly.TrainedOn is TrainedOn
    assert digits_row.parse_digits is parse_digits


def test_the_form_keeps_digits_as_text_and_reads_them_back():
    assert parse_digits("0,1,3") == (0, 1, 3) and parse_digits(" 3 , 1 ") == (1, 3)
    assert parse_digits("all") is None and parse_digits("") is None
    assert parse_digits("0,1,2,3,4,5,6,7,8,9") is None
    assert digits_row.digits_text(parse_digits("7,1")) == "1,7"
    assert digits_row.digits_text(None) == "all"
    with pytest.raises(ValueError, match="got '1,x'"):
        parse_digits("1,x")


def test_another_dataset_cannot_be_continued_here():
    ckpt = Checkpoint(None, None, train_config={"dataset": "kmnist"})
    assert trained_on(ckpt.train_config).dataset == "kmnist"
    with pytest.raises(ValueError, match="it was trained on kmnist, and this app trains on MNIST "
                                         "only"):
        kept_data(ckpt)


def test_every_bundled_model_reads(bundled):
    for name, ckpt in bundled.items():
        seen = trained_on(ckpt.train_config)
        assert seen.dataset == "mnist" and seen.digits is None, name
        assert kept_data(ckpt).digits is None
