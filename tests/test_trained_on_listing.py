"""What a model was trained on is read one way: core.trained_on, which the Evaluate tab, the Train
tab's Continue and the list of models all use; listing takes its tolerant form, which never
fails. Before, the list of models read a checkpoint's digits and training size itself: a model
trained on digits [7, 1] was named "VAE of 7s and 1s only" (trained_on reads 1 and 7), and values
the app cannot have written were shown as if they meant something: digits [11] named a model
"VAE of 11s only", a training size of -5 read as "all 60,000 images", a dataset "cifar" as
"3,000 cifar images"."""

from __future__ import annotations

import time

import pytest
from quiet_window import quiet_window

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.model_words import (
    OTHER_DATA_MARK,
    default_name,
    loss_note,
    other_dataset,
    train_images,
    trained_on_text,
    what_it_is,
    what_model_is,
)
from vae_desktop.core.paths import bundled_models_dir, models_dir
from vae_desktop.core.settings import TRAIN_IMAGES
from vae_desktop.core.trained_on import trained_on, trained_on_or_none
from vae_desktop.core.training import new_model

WHEN = time.mktime((2024, 3, 3, 9, 30, 0, 0, 0, -1))
DATASET_WORDS = {"mnist": None, "fashion-mnist": "Fashion-MNIST", "kmnist": "KMNIST"}
UNKNOWN_DATA = ("Measured on data the file does not name (its record of the training data is "
                "not one this version can read): not comparable with the losses of models "
                "trained on MNIST.")


def made(name, train_config):
    model = new_model(1, latent_dim=2, hidden=16)
    path = checkpoint.save(models_dir() / f"{name}.pt", model, [{"epoch": 1, "test_loss": 150.0}],
                           None, train_config)
    return checkpoint.load(path)


def normal_checkpoints():
    """The bundled models, and models of every kind of record the app writes (a held-out run's
    digits in any order, a size, an early file's "subset", another dataset, no record)."""
    bundled = [checkpoint.load(p) for p in sorted(bundled_models_dir().glob("*.pt"))]
    written = [made("held-out", {"train_size": 3000, "digits": [9, 8, 7, 6, 5, 4, 3, 1, 0]}),
               made("few", {"train_size": 500, "digits": [7, 1]}),
               made("early", {"subset": 800}),
               made("fashion", {"dataset": "fashion-mnist", "train_size": 1000}),
               made("unsaid", None)]
    return bundled + written


def test_the_list_reads_what_trained_on_reads():
    checkpoints = normal_checkpoints()
    assert len(checkpoints) >= 10
    for ckpt in checkpoints:
        seen = trained_on(ckpt.train_config)
        assert trained_on_or_none(ckpt.train_config) == (seen if ckpt.train_config else None)
        cfg = ckpt.config
        assert what_model_is(ckpt) == what_it_is(cfg.conditional, cfg.arch, cfg.latent_dim,
                                                 ckpt.epochs, seen.digits), ckpt.path.name
        assert other_dataset(ckpt) == DATASET_WORDS[seen.dataset], ckpt.path.name
        if ckpt.train_config:
            assert train_images(ckpt) == (seen.size or TRAIN_IMAGES), ckpt.path.name
        else:
            assert train_images(ckpt) is None and trained_on_text(ckpt) == "–"
    names = {c.path.stem: default_name(c, WHEN) for c in checkpoints}
    # Digits in the order trained_on gives them, whatever order the file has.
    assert names["few"] == "VAE of 1s and 7s only · MLP · z=2 · 1 epoch · 3 Mar 09:30"
    assert names["held-out"].startswith("VAE without 2s · ")
    assert names["mnist-cvae-z2"].startswith("CVAE · MLP · z=2 · 30 epochs · ")
    words = {c.path.stem: trained_on_text(c) for c in checkpoints}
    assert words["few"] == "500 images of 1s and 7s only"
    assert words["held-out"] == "3,000 images without 2s"
    assert words["early"] == "800 images"
    assert words["fashion"] == "1,000 Fashion-MNIST images"
    assert words["mnist-vae-z2"] == "all 60,000 images"
    assert words["mnist-vae-z50-binarized"] == "all 60,000 images, binarised"


ODD = [{"digits": "abc", "train_size": -5},
       {"digits": [11], "train_size": 300},
       {"dataset": "cifar", "train_size": 3000},
       {"train_size": 70000},
       {"train_size": True}]


@pytest.mark.parametrize("odd", ODD)
def test_an_odd_record_reads_as_unknown(odd):
    """A record no version of the app writes (checkpoint.load refuses such a file; a model
    made in memory could hold one) is not read as something it is not."""
    with pytest.raises(ValueError):
        trained_on(odd)
    assert trained_on_or_none(odd) is None
    assert trained_on_or_none(["not", "a", "table"]) is None
    ckpt = made("plain", {"train_size": 300})
    ckpt.train_config = dict(odd)
    assert trained_on_text(ckpt) == "–" and train_images(ckpt) is None
    assert default_name(ckpt, WHEN) == "VAE · MLP · z=2 · 1 epoch · 3 Mar 09:30"
    # Nor is its test loss taken for one measured on MNIST: what it was measured on is unknown.
    note = loss_note(ckpt)
    assert other_dataset(ckpt) is None
    assert (note.comparable, note.mark, note.brief) == (False, OTHER_DATA_MARK, "not comparable")
    assert note.text == UNKNOWN_DATA


def test_a_record_that_says_nothing_is_mnist_as_before():
    """No record at all (a file the app did not write: it always writes one) is read as
    trained_on reads it, on MNIST: its loss is compared, and the list says "–" for its images."""
    ckpt = made("unsaid", None)
    note = loss_note(ckpt)
    assert (note.comparable, note.mark, note.text) == (True, "", "")
    assert trained_on_text(ckpt) == "–"


def test_a_model_with_an_odd_record_still_lists(qtbot):
    window = quiet_window(qtbot)
    state = window.state
    ckpt = made("odd", {"train_size": 300})
    ckpt.train_config = {"digits": "abc", "train_size": -5}
    ckpt = state.add_model(ckpt, origin="trained", activate=False)
    assert ckpt.name.startswith("VAE · MLP · z=2 · 1 epoch · ")
    again = ModelLibrary()
    again.load()
    assert again.find(ckpt.path).name == ckpt.name
    dialog = window.show_models()
    row = dialog.row_of(ckpt)
    column = next(c for c in range(dialog.table.columnCount())
                  if dialog.table.horizontalHeaderItem(c).text() == "Trained on")
    assert row >= 0 and dialog.table.item(row, column).text() == "–"
    loss = next(c for c in range(dialog.table.columnCount())
                if dialog.table.horizontalHeaderItem(c).text() == "Test loss")
    assert dialog.table.item(row, loss).text() == f"150.00{OTHER_DATA_MARK}"
    assert dialog.table.item(row, loss).toolTip() == UNKNOWN_DATA
    assert "data the file does not name" in dialog.legend.text()
    dialog.select(ckpt)
    assert "Trained on" not in dialog.detail.text()
    assert f"Its test loss (150.00) was {UNKNOWN_DATA[0].lower()}{UNKNOWN_DATA[1:]}" in \
        dialog.detail.text()
