"""The list of models keeps the paths of files in the data folder relative to it, so a data folder
copied or moved elsewhere lists each model once, under the name it was given. Before, the index
held absolute paths: a copy listed every model twice (the copy as "… (2)"), and with the old
folder gone the renamed models fell back to their default names. An index an earlier version
wrote (absolute paths) is read as well: a path into the old data folder is taken by its part
after that folder ("models/x.pt") where the current data folder has that file."""

from __future__ import annotations

import json
import shutil

import pytest

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.library_index import index_path
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model


def renamed_model(tmp_path):
    """A model of the data folder, renamed "Lecture demo", and one of the user's, elsewhere."""
    library = ModelLibrary()
    library.load()
    model = new_model(1, latent_dim=2, hidden=16)
    ckpt = checkpoint.load(checkpoint.save(models_dir() / "x.pt", model,
                                           [{"epoch": 1, "test_loss": 150.0}]))
    library.add(ckpt, "trained", name="Lecture demo")
    own = tmp_path / "mine" / "own.pt"
    own.parent.mkdir()
    library.add(checkpoint.load(checkpoint.save(own, model, [{"epoch": 1, "test_loss": 150.0}])),
                "opened", name="My own")
    return own


def as_an_earlier_version_wrote_it(data):
    """The index with absolute paths, as versions before this one wrote it."""
    index = data / "models" / "library.json"
    payload = json.loads(index.read_text(encoding="utf-8"))
    for item in payload["models"]:
        if not item["path"].startswith("/"):
            item["path"] = str(data / item["path"])
    index.write_text(json.dumps(payload), encoding="utf-8")


@pytest.mark.parametrize("written_by", ["this version", "an earlier version"])
@pytest.mark.parametrize("old_folder", ["kept", "gone"])
def test_a_copied_data_folder_lists_each_model_once_under_its_name(tmp_path, monkeypatch,
                                                                   written_by, old_folder):
    old = tmp_path / "appdata"
    own = renamed_model(tmp_path)
    if written_by == "an earlier version":
        as_an_earlier_version_wrote_it(old)
    new = tmp_path / "moved" / "vae data"
    shutil.copytree(old, new)
    if old_folder == "gone":
        shutil.rmtree(old)
    monkeypatch.setenv("VAE_DESKTOP_DATA_DIR", str(new))

    library = ModelLibrary()
    assert library.load() == []
    mine = [e for e in library.entries if not e.bundled]
    assert sorted((e.name, e.path) for e in mine) == sorted([
        ("Lecture demo", str((new / "models" / "x.pt").resolve())), ("My own", str(own))])
    # Written relative to the data folder from now on, the user's own file as it is.
    paths = {item["name"]: item["path"]
             for item in json.loads(index_path().read_text(encoding="utf-8"))["models"]}
    assert paths["Lecture demo"] == "models/x.pt" and paths["My own"] == str(own)


def test_a_users_own_models_folder_is_not_taken_for_an_old_data_folder(tmp_path, monkeypatch):
    """An absolute path of an earlier version's index into a folder of the user's that happens
    to be called "models" (~/models/x.pt) stays the user's file, even where the data folder has
    a file of that name and size: re-pointed, Remove would have deleted the app's file."""
    monkeypatch.setenv("VAE_DESKTOP_DATA_DIR", str(tmp_path / "appdata"))
    library = ModelLibrary()
    library.load()
    model = new_model(1, latent_dim=2, hidden=16)
    history = [{"epoch": 1, "test_loss": 150.0}]
    theirs = checkpoint.load(checkpoint.save(models_dir() / "x.pt", model, history))
    own_path = tmp_path / "home" / "models" / "x.pt"  # not a data folder: no library.json
    own_path.parent.mkdir(parents=True)
    shutil.copy(theirs.path, own_path)
    library.add(theirs, "trained", name="The app's")
    library.add(checkpoint.load(own_path), "opened", name="Mine")
    as_an_earlier_version_wrote_it(tmp_path / "appdata")
    again = ModelLibrary()
    again.load()
    mine = sorted((e.name, e.path) for e in again.entries if not e.bundled)
    assert mine == sorted([("The app's", str((models_dir() / "x.pt").resolve())),
                           ("Mine", str(own_path))])
