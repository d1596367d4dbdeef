"""A rebuild of the model list says which files it could not read, by name: before, it said how
many models it found and nothing of the files it left out, so a damaged autosave or sweep trial
just vanished from the list."""

from __future__ import annotations

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.library_index import index_path
from vae_desktop.core.paths import app_data_dir, models_dir
from vae_desktop.core.training import new_model


def damaged(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a checkpoint at all")
    return path


def good(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    return checkpoint.save(path, new_model(1, latent_dim=2, hidden=16), [])


def test_a_rebuild_names_the_files_it_could_not_read():
    library = ModelLibrary()
    library.load()
    good(models_dir() / "fine.pt")
    damaged(models_dir() / "broken.pt")
    damaged(app_data_dir() / "sweeps" / "s1" / "trial-3.pt")
    index_path().write_text("{not json")

    again = ModelLibrary()
    notes = again.load()
    assert len(notes) == 2 and "rebuilt" in notes[0]
    assert notes[1] == ("2 files could not be read as models and are not listed: "
                        "models/broken.pt, sweeps/s1/trial-3.pt (in "
                        f"{app_data_dir()}). The files are not deleted.")
    assert again.find(models_dir() / "fine.pt") is not None
    assert sorted(p.name for p in again.skipped) == ["broken.pt", "trial-3.pt"]


def test_a_missing_list_is_rebuilt_and_says_so_only_if_a_file_was_left_out(tmp_path):
    library = ModelLibrary()
    library.load()  # no list yet: built quietly
    assert library.skipped == []
    index_path().unlink()
    outside = damaged(tmp_path / "elsewhere" / "one.pt")
    again = ModelLibrary(scan=(models_dir(), outside.parent))
    assert again.load() == [f"1 file could not be read as a model and is not listed: "
                            f"{outside}. The file is not deleted."]


def test_a_long_list_of_files_is_cut_with_a_count():
    library = ModelLibrary()
    library.load()
    for i in range(12):
        damaged(models_dir() / f"bad-{i:02}.pt")
    index_path().write_text("[]")
    notes = ModelLibrary().load()
    assert notes[1].startswith("12 files could not be read as models and are not listed: "
                               "models/bad-00.pt, ")
    assert "models/bad-09.pt and 2 more (in " in notes[1] and "bad-10" not in notes[1]
