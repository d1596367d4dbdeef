"""A name the library gave (not one the person typed) follows its file: after `vae-desktop train
--resume` adds epochs, "VAE · MLP · z=2 · 1 epoch · …" becomes "… · 3 epochs · …" at the next
start. Before, the name kept saying 1 epoch while the Epochs column said 3. A name of the
person's own is never touched."""

from __future__ import annotations

import json

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.library_index import index_path
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.state import AppState


def saved(name, epochs, model=None):
    model = model or new_model(1, latent_dim=2, hidden=16)
    history = [{"epoch": e + 1, "test_loss": 150.0 - e} for e in range(epochs)]
    return checkpoint.load(checkpoint.save(models_dir() / f"{name}.pt", model, history)), model


def test_a_default_name_follows_the_epochs_of_its_file(qapp):
    library = ModelLibrary()
    library.load()
    plain, plain_model = saved("plain", 1)
    mine, mine_model = saved("mine", 1)
    library.add(plain, "trained")
    library.add(mine, "trained", name="Lecture demo")
    assert library.find(plain.path).name.startswith("VAE · MLP · z=2 · 1 epoch · ")
    saved("plain", 3, plain_model)  # resumed from the command line, twice
    saved("mine", 3, mine_model)

    state = AppState()
    state.load_library()
    by_path = {m.path.resolve(): m for m in state.models}
    renamed = by_path[plain.path.resolve()].name
    assert renamed.startswith("VAE · MLP · z=2 · 3 epochs · ")
    assert by_path[mine.path.resolve()].name == "Lecture demo"
    names = {item["name"]: item["summary"]["epochs"]
             for item in json.loads(index_path().read_text(encoding="utf-8"))["models"]}
    assert names[renamed] == 3 and names["Lecture demo"] == 3
    state.workers.stop_all()


def test_a_default_name_follows_a_model_saved_over_its_file(app_state):
    ckpt, model = saved("over", 1)
    listed = app_state.add_model(ckpt, origin="trained", activate=False)
    assert " · 1 epoch · " in listed.name
    longer, _ = saved("over", 2, model)
    assert app_state.library.add(longer, "trained").name.startswith("VAE · MLP · z=2 · 2 epochs")
