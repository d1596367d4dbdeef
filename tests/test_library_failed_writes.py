"""When the model list cannot be written (a read-only data folder, a full disk), moving or
removing a model changes nothing, in memory as on disk, and the Models dialog says so in words:
before, the list in memory had already changed, so the app showed a state that was not on disk
(a removed model came back at the next start; a moved one was listed at its old file)."""

from __future__ import annotations

import os

import pytest
from quiet_window import quiet_window

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.library_index import index_path
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model


def made(folder, name):
    model = new_model(1, latent_dim=2, hidden=16)
    return checkpoint.load(checkpoint.save(folder / f"{name}.pt", model,
                                           [{"epoch": 1, "test_loss": 150.0}]))


def disk_full(fd):
    raise OSError(28, "No space left on device")


def test_relocate_and_remove_change_nothing_when_the_list_cannot_be_written(tmp_path,
                                                                            monkeypatch):
    library = ModelLibrary()
    library.load()
    owned = made(models_dir(), "autosave")
    entry = library.add(owned, "trained")
    listed = [(e.path, e.name, e.origin) for e in library.entries]
    before = index_path().read_bytes()
    moved = tmp_path / "mine.pt"
    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", disk_full)
        with pytest.raises(OSError, match="No space left"):
            library.relocate(owned.path, moved, name="mine")
        with pytest.raises(OSError, match="No space left"):
            library.remove(owned.path)
    # Memory is what the file says: the model at its old file, under its old name and origin.
    assert [(e.path, e.name, e.origin) for e in library.entries] == listed
    assert library.find(moved) is None and library.find(owned.path).name == entry.name
    assert owned.path.exists()  # not deleted: it is still listed
    assert index_path().read_bytes() == before
    # And once the disk has room, both work.
    assert library.relocate(owned.path, moved, name="mine").name == "mine"
    assert library.remove(moved) is False and library.find(moved) is None


def test_the_dialog_says_the_model_is_still_listed(qtbot, monkeypatch):
    window = quiet_window(qtbot)
    state = window.state
    ckpt = state.add_model(made(models_dir(), "kept"), origin="trained", activate=False)
    dialog = window.show_models()
    dialog.select(ckpt)
    errors = []
    monkeypatch.setattr(dialog, "_confirm", lambda text: True)
    monkeypatch.setattr(dialog, "_show_error", lambda title, text: errors.append((title, text)))
    monkeypatch.setattr(os, "fsync", disk_full)
    assert not dialog.remove()
    assert ckpt in state.models and dialog.row_of(ckpt) >= 0 and ckpt.path.exists()
    assert state.library.find(ckpt.path) is not None
    title, text = errors[0]
    assert title == "Could not remove the model"
    assert text == (f"{ckpt.name} is still listed, and its file is kept: the list of models "
                    f"could not be saved in {models_dir()} (the disk is full). Check "
                    "that the folder can be written to and that the disk has room, then try "
                    "again.")
    # A rename that cannot be saved says so alike, and the model keeps its name.
    old = ckpt.name
    assert not dialog.rename("New name")
    assert ckpt.name == old and errors[1][0] == "Could not rename the model"
    assert errors[1][1].startswith(f"{old} keeps its name: the list of models could not be "
                                   f"saved in {models_dir()} (the disk is full).")
