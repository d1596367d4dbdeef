"""With the data folder read-only (or the disk full), the app still starts whenever the list of
models needs rewriting: the list is used as read, and a note says that changes to it cannot be
saved, and why. Before, "VAE Desktop could not start / Loading the models failed: Permission
denied: …/.library.json.….tmp"."""

from __future__ import annotations

import os

import pytest
from quiet_window import QuietTab

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.library_index import index_path
from vae_desktop.core.paths import bundled_models_dir, models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.main_window import MainWindow


def read_only(fd):
    raise PermissionError(13, "Permission denied")


def made(name):
    model = new_model(1, latent_dim=2, hidden=16)
    return checkpoint.save(models_dir() / f"{name}.pt", model, [{"epoch": 1, "test_loss": 150.0}])


def test_the_list_loads_in_memory_and_says_it_cannot_be_saved(monkeypatch):
    models_dir().mkdir(parents=True)
    made("found")  # no index yet: it must be built, and written
    library = ModelLibrary()
    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", read_only)
        notes = library.load()
        with pytest.raises(OSError, match="Permission denied"):
            library.rename(models_dir() / "found.pt", "mine")
    bundled = len(list(bundled_models_dir().glob("*.pt")))
    assert sum(e.bundled for e in library.entries) == bundled
    assert library.find(models_dir() / "found.pt") is not None
    assert not index_path().exists()
    said = [n for n in notes if "could not be saved" in n]
    assert said == [f"The list of models could not be saved in {models_dir()} (permission "
                    "denied): the models are listed, but new models, names and removals are "
                    "kept only until you quit. Check that the folder can be written to and "
                    "that the disk has room."]
    # A change is refused as before (nothing changes), and the list in memory is not lost to
    # an older one on disk; writable again, the next change writes the whole list.
    assert library.find(models_dir() / "found.pt").name != "mine"
    library.rename(models_dir() / "found.pt", "mine")
    again = ModelLibrary()
    assert again.load() == [] and again.find(models_dir() / "found.pt").name == "mine"


def test_the_window_starts_with_a_read_only_data_folder(qtbot, monkeypatch):
    monkeypatch.setattr(os, "fsync", read_only)
    window = MainWindow(tabs=(("Draw", QuietTab),))
    qtbot.addWidget(window)
    state = window.state
    assert state.active is not None and state.active.path.stem == "mnist-cvae-z2"
    assert any("could not be saved" in note for note in state.load_notes)
