"""An opened file is listed under its file's name, as Save as names the file it writes:
`fashion.pt` was listed as "CVAE · MLP · z=2 · 3 epochs · 5 Dec 09:57" (a name made from the
file's date) while Save as… named the model "fashion". Models the app makes itself (autosaves
of training, sweep trials) keep their descriptive names."""

from __future__ import annotations

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.model_words import default_name
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model


def saved(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    model = new_model(1, latent_dim=2, hidden=16, num_classes=10)
    return checkpoint.load(checkpoint.save(path, model, [{"epoch": 1, "test_loss": 150.0}]))


def test_an_opened_file_is_named_by_its_stem(tmp_path):
    library = ModelLibrary()
    library.load()
    fashion = saved(tmp_path / "fashion.pt")
    assert library.add(fashion, "opened").name == "fashion"
    # Another file of that name elsewhere: a number tells them apart.
    twin = saved(tmp_path / "other" / "fashion.pt")
    assert library.add(twin, "opened").name == "fashion (2)"
    # Opened again after a rename: the name given stays.
    library.rename(fashion.path, "Fashion, 3 epochs")
    assert library.add(fashion, "opened").name == "Fashion, 3 epochs"
    again = ModelLibrary()
    again.load()
    assert again.find(twin.path).name == "fashion (2)"


def test_models_the_app_makes_keep_their_descriptive_names(tmp_path):
    library = ModelLibrary()
    library.load()
    autosave = saved(models_dir() / "cvae-mlp-z2-20261205-095700.pt")
    entry = library.add(autosave, "trained")
    assert entry.name == default_name(autosave, autosave.path.stat().st_mtime)
    assert entry.name.startswith("CVAE · MLP · z=2 · 1 epoch · ")


def test_open_checkpoint_lists_the_file_under_its_name(qtbot, tmp_path):
    from quiet_window import quiet_window

    window = quiet_window(qtbot)
    path = saved(tmp_path / "fashion.pt").path
    assert window.open_checkpoint(str(path))
    assert window.state.active.name == "fashion" == window.model_combo.currentText()
