"""A model trained without some digits is named so by the library itself ("VAE without 2s · MLP ·
…"), whichever way it was trained: before, only the Train tab added the digits, so a model
trained with `vae-desktop train --digits` or by a sweep was listed as if on every digit."""

from __future__ import annotations

import time

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.model_words import default_name, what_it_is
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model

NOT_TWO = [d for d in range(10) if d != 2]


def made(folder, name, digits, conditional=False):
    model = new_model(1, latent_dim=2, hidden=16, num_classes=10 if conditional else 0)
    path = checkpoint.save(folder / f"{name}.pt", model, [{"epoch": 1, "test_loss": 150.0}],
                           None, {"train_size": 300, "digits": digits})
    return checkpoint.load(path)


def test_the_default_name_says_which_digits(tmp_path):
    when = time.mktime((2024, 3, 3, 9, 30, 0, 0, 0, -1))
    assert default_name(made(tmp_path, "a", NOT_TWO), when) == \
        "VAE without 2s · MLP · z=2 · 1 epoch · 3 Mar 09:30"
    assert default_name(made(tmp_path, "b", [1, 2, 3], conditional=True), when) == \
        "CVAE of 1s, 2s and 3s only · MLP · z=2 · 1 epoch · 3 Mar 09:30"
    for every in (None, list(range(10))):
        assert default_name(made(tmp_path, "c", every), when) == \
            "VAE · MLP · z=2 · 1 epoch · 3 Mar 09:30"
    # The start of a name, as the Train tab's quit question says it before the model exists.
    assert what_it_is(False, "mlp", 20, 2, NOT_TWO) == "VAE without 2s · MLP · z=20 · 2 epochs"
    assert what_it_is(False, "mlp", 20, 2) == "VAE · MLP · z=20 · 2 epochs"


def test_a_model_trained_on_the_command_line_is_listed_with_its_digits():
    """`vae-desktop train --digits 0 1 3 4 5 6 7 8 9 --out <models folder>/x.pt` while the app
    was closed: the next start lists it under a name that says so, as a rebuild does."""
    library = ModelLibrary()
    library.load()
    ckpt = made(models_dir(), "cli", NOT_TWO)
    again = ModelLibrary()
    notes = again.load()
    entry = again.find(ckpt.path)
    assert entry.name.startswith("VAE without 2s · MLP · z=2 · 1 epoch · ")
    assert entry.name in notes[0]
    again.rebuild()
    assert again.find(ckpt.path).name.startswith("VAE without 2s · ")
    assert again.add(ckpt, "sweep").name.startswith("VAE without 2s · ")
