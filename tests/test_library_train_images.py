"""One reading of how many images a model was trained on: core.model_words.train_images, which the
"Trained on" words, the index's summary and the Models dialog's sorting all use (the dialog read
the checkpoint's train_config again itself)."""

from __future__ import annotations

from quiet_window import quiet_window

from vae_desktop.core import checkpoint
from vae_desktop.core.model_words import train_images, trained_on_text
from vae_desktop.core.paths import models_dir
from vae_desktop.core.settings import TRAIN_IMAGES
from vae_desktop.core.training import new_model


def made(name, train_config):
    model = new_model(1, latent_dim=2, hidden=16)
    path = checkpoint.save(models_dir() / f"{name}.pt", model, [{"epoch": 1, "test_loss": 150.0}],
                           None, train_config)
    return checkpoint.load(path)


def test_train_images_reads_the_size_as_the_words_say_it():
    cases = {"small": ({"train_size": 3000}, 3000, "3,000 images"),
             "early": ({"subset": 500}, 500, "500 images"),  # the name in early files
             "all": ({"train_size": None, "digits": None}, TRAIN_IMAGES, "all 60,000 images"),
             "zero": ({"train_size": 0}, TRAIN_IMAGES, "all 60,000 images"),
             "unsaid": (None, None, "–")}
    for name, (config, images, words) in cases.items():
        ckpt = made(name, config)
        assert train_images(ckpt) == images, name
        assert trained_on_text(ckpt) == words, name


def test_the_dialog_sorts_trained_on_by_that_reading(qtbot):
    window = quiet_window(qtbot)
    state = window.state
    early = state.add_model(made("early", {"subset": 500}), origin="trained", activate=False)
    small = state.add_model(made("small", {"train_size": 3000}), origin="trained", activate=False)
    unsaid = state.add_model(made("unsaid", None), origin="trained", activate=False)
    dialog = window.show_models()
    column = next(c for c in range(dialog.table.columnCount())
                  if dialog.table.horizontalHeaderItem(c).text() == "Trained on")
    dialog.table.sortItems(column)
    rows = [dialog.model_at(r) for r in range(dialog.table.rowCount())]
    # 500 (the early file's "subset"), 3,000, then the bundled models' 60,000; unsaid last.
    assert rows[:2] == [early, small] and rows[-1] is unsaid
    assert all(m.path.parent != models_dir() for m in rows[2:-1])
