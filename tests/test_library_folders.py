"""The data folder's folders that hold models are named in one place, core.paths: the models
folder (models_dir, where the list of models is kept too), the sweeps' and the autosaves of
earlier versions. Before, models_dir lived with the list's file format (core.library_index),
and the folders' names were written out again where the list is rebuilt from them."""

from __future__ import annotations

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.library_index import index_path
from vae_desktop.core.paths import APP_FOLDERS, SWEEPS, app_data_dir, models_dir
from vae_desktop.core.training import new_model


def test_the_folders_that_hold_models_are_named_once():
    data = app_data_dir()
    assert models_dir() == data / "models" and index_path() == models_dir() / "library.json"
    assert ModelLibrary().scan == tuple(data / folder for folder in APP_FOLDERS)


def test_a_rebuild_lists_what_each_folder_holds():
    model = new_model(1, latent_dim=2, hidden=16)
    history = [{"epoch": 1, "test_loss": 150.0}]
    for folder in APP_FOLDERS:
        checkpoint.save(app_data_dir() / folder / "study" / f"{folder}.pt", model, history)
    library = ModelLibrary()
    library.load()
    origins = {e.file.stem: e.origin for e in library.entries if not e.bundled}
    assert origins == {"models": "trained", SWEEPS: "sweep", "autosave": "trained"}
