"""ModelLibrary: models last across restarts, names can be changed, removal is careful, and a
damaged index is rebuilt from the files without losing a model."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.library_index import index_path
from vae_desktop.core.model_words import default_name
from vae_desktop.core.paths import bundled_models_dir, models_dir
from vae_desktop.core.training import new_model


def make_model(folder, name, latent_dim=2, epochs=1):
    model = new_model(1, latent_dim=latent_dim, hidden=16)
    history = [{"epoch": e + 1, "test_loss": 150.0 - e} for e in range(epochs)]
    path = checkpoint.save(folder / f"{name}.pt", model, history)
    return checkpoint.load(path)


def test_two_models_are_listed_after_a_restart(bundled):
    library = ModelLibrary()
    library.load()
    assert sorted(e.name for e in library.entries if e.bundled) == sorted(bundled)
    first = make_model(models_dir(), "a", latent_dim=2)
    second = make_model(models_dir(), "b", latent_dim=3, epochs=2)
    library.add(first, "trained")
    library.add(second, "trained")

    again = ModelLibrary()
    assert again.load() == []
    trained = [e for e in again.entries if e.origin == "trained"]
    assert [e.summary["latent_dim"] for e in trained] == [2, 3]
    assert trained[1].summary["epochs"] == 2 and trained[1].summary["test_loss"] == 149.0
    assert trained[0].name.startswith("VAE · MLP · z=2 · 1 epoch · ")
    assert trained[1].name.startswith("VAE · MLP · z=3 · 2 epochs · ")


def test_rename_lasts_and_empty_names_are_refused(tmp_path):
    library = ModelLibrary()
    library.load()
    ckpt = make_model(tmp_path, "mine")
    library.add(ckpt, "opened")
    library.rename(ckpt.path, "  my   favourite ")
    with pytest.raises(ValueError, match="cannot be empty"):
        library.rename(ckpt.path, "   ")
    again = ModelLibrary()
    again.load()
    assert again.find(ckpt.path).name == "my favourite"


def test_remove_deletes_only_files_the_app_made(tmp_path):
    library = ModelLibrary()
    library.load()
    owned = make_model(models_dir(), "autosave")
    users = make_model(tmp_path, "users")
    library.add(owned, "trained")
    library.add(users, "opened")
    assert library.remove(owned.path) is True and not owned.path.exists()
    assert library.remove(users.path) is False and users.path.exists()
    bundled = next(e for e in library.entries if e.bundled)
    with pytest.raises(ValueError, match="cannot be removed"):
        library.remove(bundled.path)
    again = ModelLibrary()
    again.load()
    assert again.find(owned.path) is None and again.find(users.path) is None


@pytest.mark.parametrize("damage", [b"{not json", b"", b'{"version": 1, "models": [{"x": 1}]}',
                                    b'{"version": 0, "models": []}'])
def test_a_damaged_index_is_rebuilt_from_the_files(damage):
    library = ModelLibrary()
    library.load()
    ckpt = make_model(models_dir(), "trained-one", latent_dim=5)
    library.add(ckpt, "trained", name="kept")
    index_path().write_bytes(damage)

    again = ModelLibrary()
    notes = again.load()
    if damage.startswith(b'{"version": 1'):  # an index with one bad entry: that entry goes
        assert "could not be read and was dropped" in notes[0] and "trained-one.pt" in notes[1]
    else:
        assert len(notes) == 1 and "rebuilt" in notes[0]
    entry = again.find(ckpt.path)
    assert entry is not None and entry.summary["latent_dim"] == 5 and entry.origin == "trained"
    assert sum(e.bundled for e in again.entries) == len(list(bundled_models_dir().glob("*.pt")))
    json.loads(index_path().read_text())  # and the index is whole again


def test_a_failed_write_leaves_the_old_index_whole(tmp_path, monkeypatch):
    library = ModelLibrary()
    library.load()
    first = make_model(tmp_path, "first")
    library.add(first, "opened")
    before = index_path().read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    second = make_model(tmp_path, "second")
    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", disk_full)
        with pytest.raises(OSError, match="No space left"):
            library.add(second, "opened")
        with pytest.raises(OSError, match="No space left"):
            library.rename(first.path, "new name")
    assert index_path().read_bytes() == before
    assert [p.name for p in index_path().parent.iterdir() if p.name.endswith(".tmp")] == []
    # What is listed in memory is still what the file says.
    assert library.find(second.path) is None and library.find(first.path).name != "new name"
    again = ModelLibrary()
    assert again.load() == [] and again.find(first.path) is not None


def test_a_model_whose_file_is_gone_stays_listed_until_removed(tmp_path):
    """The file may be back (a drive plugged in again): see test_library_missing_files."""
    library = ModelLibrary()
    library.load()
    ckpt = make_model(tmp_path, "gone")
    library.add(ckpt, "opened", name="Gone model")
    ckpt.path.unlink()
    again = ModelLibrary()
    assert again.load() == [] and again.find(ckpt.path).name == "Gone model"
    assert again.remove(ckpt.path) is False and again.find(ckpt.path) is None


def test_default_name_says_what_the_model_is(bundled):
    name = default_name(bundled["mnist-cvae-z16"], when=0)
    assert name.startswith("CVAE · MLP · z=16 · 30 epochs · ")


def test_a_default_name_is_dated_when_the_file_was_written_not_listed(tmp_path):
    """The date in a default name is the model's: a file the app wrote on 3 March and listed
    today is "... 3 Mar 09:30", as a rebuild of the index would name it, whatever day it is
    listed. (A file the user opens is named by its stem: tests/test_library_opened_names.py.)"""
    ckpt = make_model(tmp_path, "old")
    written = 1_709_458_200  # 2024-03-03 09:30 UTC
    os.utime(ckpt.path, (written, written))
    library = ModelLibrary()
    library.load()
    entry = library.add(ckpt, "trained")
    assert entry.name == default_name(ckpt, written)
    rebuilt = ModelLibrary(index=library.index, scan=(tmp_path,))
    rebuilt.rebuild()
    assert [e.name for e in rebuilt.entries if not e.bundled] == [entry.name]


def test_two_models_never_share_a_name(tmp_path):
    """The model list shows names only: a second "mnist-vae-z2" could not be told apart. A name
    typed for a rename is refused when another model has it (whatever its case); one that comes
    from a file's name gets a number instead."""
    library = ModelLibrary()
    library.load()
    taken = next(e.name for e in library.entries if e.bundled)
    first = make_model(tmp_path, "first")
    library.add(first, "opened")
    with pytest.raises(ValueError, match="already"):
        library.rename(first.path, taken.upper())
    library.rename(first.path, library.find(first.path).name)  # its own name is fine
    other = tmp_path / "other"
    other.mkdir()
    second = make_model(other, "second")
    assert library.add(second, "opened", name=taken).name == f"{taken} (2)"
    names = [e.name.casefold() for e in library.entries]
    assert len(names) == len(set(names))


def _copy_bundled(folder):
    """Another install's bundled models (pipx and a clone share one data folder)."""
    import shutil

    folder.mkdir(parents=True)
    for path in bundled_models_dir().glob("*.pt"):
        shutil.copy(path, folder / path.name)
    return folder


def test_two_installs_sharing_a_data_folder_list_the_bundled_models_once(tmp_path):
    other = ModelLibrary(bundled=_copy_bundled(tmp_path / "other-install"))
    other.load()
    other.rename(other.entries[0].path, "my favourite")  # a name given in the other install
    ours = ModelLibrary()
    ours.load()
    bundled = [e for e in ours.entries if e.bundled]
    shipped = sorted(p.name for p in bundled_models_dir().glob("*.pt"))
    assert sorted(e.file.name for e in bundled) == shipped  # not ten: five, once each
    assert all(e.file.parent == bundled_models_dir().resolve() for e in bundled)
    assert "my favourite" in {e.name for e in bundled}  # the name went with the model
    assert not any(e.name.endswith(")") for e in bundled)  # no "mnist-vae-z2 (2)"
    # And back: the other install lists its own files, still once each.
    other.load()
    assert sorted(e.file.name for e in other.entries if e.bundled) == shipped
    assert all(e.file.parent == (tmp_path / "other-install").resolve()
               for e in other.entries if e.bundled)


def test_a_list_doubled_by_an_earlier_version_is_mended(tmp_path):
    other = ModelLibrary(bundled=_copy_bundled(tmp_path / "other-install"))
    other.load()
    doubled = json.loads(index_path().read_text())
    for entry in list(doubled["models"]):  # what earlier versions wrote: both installs' files
        doubled["models"].append({**entry, "path": str(bundled_models_dir().resolve() / Path(
            entry["path"]).name), "name": entry["name"] + " (2)"})
    index_path().write_text(json.dumps(doubled))
    ours = ModelLibrary()
    ours.load()
    names = sorted(e.name for e in ours.entries if e.bundled)
    assert names == sorted(p.stem for p in bundled_models_dir().glob("*.pt"))


def test_a_checkpoint_put_in_the_models_folder_is_listed(tmp_path):
    library = ModelLibrary()
    library.load()
    # `vae-desktop train --out <data folder>/models/cli.pt`, run while the app was closed.
    cli = make_model(models_dir(), "cli", latent_dim=3)
    (models_dir() / "notes.pt").write_bytes(b"not a checkpoint")
    again = ModelLibrary()
    notes = again.load()
    entry = again.find(cli.path)
    assert entry is not None and entry.origin == "trained" and entry.summary["latent_dim"] == 3
    assert any("cli.pt" in note for note in notes)
    assert again.find(models_dir() / "notes.pt") is None
    assert again.owns_file(entry)  # it lives in the app's folder: removing it deletes it


def test_a_checkpoint_with_odd_numbers_never_stops_the_list_from_loading(tmp_path):
    # A file whose history holds a string where a number goes: listing must go on without it.
    library = ModelLibrary()
    library.load()
    model = new_model(1, latent_dim=2, hidden=16)
    checkpoint.save(models_dir() / "odd.pt", model, [{"epoch": 1, "test_loss": "abc"}])
    again = ModelLibrary()
    again.load()  # no exception
    assert sum(e.bundled for e in again.entries) == len(list(bundled_models_dir().glob("*.pt")))
    assert again.rebuild() >= 5


def test_a_damaged_entry_is_dropped_alone_and_names_are_kept(tmp_path):
    library = ModelLibrary()
    library.load()
    mine = make_model(tmp_path, "mine")
    library.add(mine, "opened", name="Keep this name")
    data = json.loads(index_path().read_text())
    data["models"].append({"path": 5, "name": "bad", "origin": "trained", "added": "yesterday",
                           "summary": {}})
    data["models"].append({"path": "/x.pt", "name": "bad2", "origin": "trained",
                           "added": "yesterday", "summary": {}})
    index_path().write_text(json.dumps(data))
    again = ModelLibrary()
    notes = again.load()
    assert again.find(mine.path).name == "Keep this name"  # not a rebuild: names survive
    assert all(isinstance(e.added, float) for e in again.entries)
    assert len(notes) == 1 and notes[0].startswith("2 entries of the model list could not be read")
    assert "ModelEntry" not in notes[0] and "**" not in notes[0]


def test_two_windows_sharing_the_list_keep_each_others_changes(tmp_path):
    first, second = ModelLibrary(), ModelLibrary()
    first.load()
    second.load()
    a = first.add(make_model(models_dir(), "a"), "trained")
    b = second.add(make_model(models_dir(), "b", latent_dim=3), "trained")  # after a, unseen
    first.rename(a.path, "Model A")
    second.rename(b.path, "Model B")
    again = ModelLibrary()
    again.load()
    assert again.find(a.path).name == "Model A" and again.find(b.path).name == "Model B"
    # One window removes a model the other still shows: the other's rename says so.
    first.remove(b.path)
    with pytest.raises(ValueError, match="no longer in the model list"):
        second.rename(b.path, "Too late")
    final = ModelLibrary()
    final.load()
    assert final.find(b.path) is None and final.find(a.path).name == "Model A"


def test_temporary_files_left_by_a_killed_write_are_cleared(tmp_path):
    library = ModelLibrary()
    library.load()
    old = models_dir() / ".vae-mlp-z20-1.pt.tnrizw31.tmp"
    new = models_dir() / ".vae-mlp-z20-2.pt.olqxnil2.tmp"  # maybe another window writing now
    for path in (old, new):
        path.write_bytes(b"half a checkpoint")
    os.utime(old, (0, 0))
    ModelLibrary().load()
    assert not old.exists() and new.exists()


def test_a_data_folder_reached_through_a_link_keeps_its_paths_relative(tmp_path, monkeypatch):
    """The list stores a file of the data folder as a path relative to it and any other file as
    it is, when the folder is named through a symbolic link too (both sides resolved)."""
    real = tmp_path / "real-data"
    real.mkdir()
    link = tmp_path / "data-link"
    link.symlink_to(real, target_is_directory=True)
    monkeypatch.setenv("VAE_DESKTOP_DATA_DIR", str(link))
    library = ModelLibrary()
    library.load()
    own = make_model(models_dir(), "own")  # in the folder, through the link
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    opened = make_model(elsewhere, "theirs")
    library.add(own, "trained")
    library.add(opened, "opened")
    stored = {Path(item["path"]).name: item["path"]
              for item in json.loads(index_path().read_text())["models"]}
    assert stored["own.pt"] == "models/own.pt"
    assert stored["theirs.pt"] == str((elsewhere / "theirs.pt").resolve())
    again = ModelLibrary()
    assert again.load() == []
    assert again.find(real / "models" / "own.pt") is not None
    assert again.find(link / "models" / "own.pt") is again.find(real / "models" / "own.pt")
    assert again.find(opened.path).origin == "opened"
