"""Listing the models on a first start (no index yet, so the library is rebuilt from the files)
reads each checkpoint once: the rebuild reads the files to list them, and the app's state takes
the models it read instead of reading every file a second time (0.2 s of a first start, and of
every test that starts from an empty data folder)."""

from __future__ import annotations

import os
from collections import Counter

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.paths import bundled_models_dir, models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.state import AppState


def counting_loads(monkeypatch) -> Counter:
    reads: Counter = Counter()
    real_load = checkpoint.load

    def load(path, *args, **kwargs):
        reads[os.path.realpath(path)] += 1
        return real_load(path, *args, **kwargs)

    monkeypatch.setattr(checkpoint, "load", load)
    return reads


def test_a_first_start_reads_each_model_file_once(qapp, monkeypatch):
    trained = checkpoint.save(models_dir() / "mine.pt", new_model(1, latent_dim=2, hidden=16),
                              [{"epoch": 1, "test_loss": 160.0}])
    reads = counting_loads(monkeypatch)
    state = AppState()
    state.load_library()
    files = sorted(bundled_models_dir().glob("*.pt")) + [trained]
    assert len(state.models) == len(files)
    assert reads == Counter({os.path.realpath(p): 1 for p in files})
    # The models are the files' own: the same weights and names as read on their own.
    by_path = {os.path.realpath(m.path): m for m in state.models}
    for path in files:
        alone = checkpoint.load(path)
        kept = by_path[os.path.realpath(path)]
        assert kept.epochs == alone.epochs and kept.history == alone.history
        for (key, mine), theirs in zip(kept.model.state_dict().items(),
                                       alone.model.state_dict().values(), strict=True):
            assert mine.equal(theirs), key


def test_a_file_changed_after_the_rebuild_read_it_is_read_again(qapp):
    """What the rebuild read is handed on only while the file is as it was then, and once."""
    path = checkpoint.save(models_dir() / "mine.pt", new_model(1, latent_dim=2, hidden=16),
                           [{"epoch": 1, "test_loss": 160.0}])
    other = checkpoint.save(models_dir() / "other.pt", new_model(1, latent_dim=2, hidden=16),
                            [{"epoch": 1, "test_loss": 170.0}])
    library = ModelLibrary()
    library.load()
    checkpoint.save(path, new_model(2, latent_dim=3, hidden=16),
                    [{"epoch": 1, "test_loss": 150.0}, {"epoch": 2, "test_loss": 140.0}])
    assert library.take_read(path) is None  # changed since: not what the rebuild read
    kept = library.take_read(other)
    assert kept is not None and kept.history[-1]["test_loss"] == 170.0
    assert library.take_read(other) is None  # handed on once, and not kept after


def test_a_file_gone_after_the_rebuild_read_it_is_not_handed_on(qapp):
    path = checkpoint.save(models_dir() / "gone.pt", new_model(1, latent_dim=2, hidden=16),
                           [{"epoch": 1, "test_loss": 160.0}])
    library = ModelLibrary()
    library.load()
    path.unlink()
    assert library.take_read(path) is None


def test_an_index_already_there_reads_each_file_once_too(qapp, monkeypatch):
    AppState().load_library()  # writes the index
    reads = counting_loads(monkeypatch)
    state = AppState()
    state.load_library()
    files = sorted(bundled_models_dir().glob("*.pt"))
    assert reads == Counter({os.path.realpath(p): 1 for p in files})
