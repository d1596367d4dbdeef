"""AppState owns the shared truth: models that last across restarts, one test-set pass per model,
the current latent point and drawing, and nothing of one model left showing under another."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from vae_desktop.core import checkpoint
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.state import AppState, one_hot


def trained_file(name, latent_dim=2):
    model = new_model(1, latent_dim=latent_dim, hidden=16)
    return checkpoint.load(checkpoint.save(models_dir() / f"{name}.pt", model,
                                           [{"epoch": 1, "test_loss": 160.0}]))


def test_models_added_in_one_session_are_listed_in_the_next(app_state):
    count = len(app_state.models)
    app_state.add_model(trained_file("one", 2), origin="trained")
    app_state.add_model(trained_file("two", 3), origin="sweep", activate=False)

    restarted = AppState()
    restarted.load_library()
    assert len(restarted.models) == count + 2
    names = {m.name for m in restarted.models}
    assert any(n.startswith("VAE · MLP · z=2 · 1 epoch") for n in names)
    assert any(n.startswith("VAE · MLP · z=3 · 1 epoch") for n in names)


def test_rename_and_remove_reach_every_view(app_state, qtbot):
    ckpt = app_state.add_model(trained_file("x"), origin="trained")
    with qtbot.waitSignals([app_state.models_changed, app_state.model_changed]):
        app_state.rename_model(ckpt, "Lecture demo")
    assert ckpt.name == "Lecture demo"
    with qtbot.waitSignal(app_state.model_changed) as changed:
        assert app_state.remove_model(ckpt) is True
    assert changed.args[0] is app_state.active is not ckpt and ckpt not in app_state.models
    assert not ckpt.path.exists()
    bundled = app_state.models[0]
    with pytest.raises(ValueError, match="cannot be removed"):
        app_state.remove_model(bundled)
    assert bundled in app_state.models


def test_save_as_moves_an_autosave_and_copies_a_bundled_model(app_state, tmp_path):
    autosaved = app_state.add_model(trained_file("auto"), origin="trained")
    old_file = autosaved.path
    kept = app_state.save_model_as(autosaved, tmp_path / "mine")
    assert kept is autosaved and kept.path == tmp_path / "mine.pt" and kept.name == "mine"
    assert not old_file.exists()
    assert app_state.library.find(old_file) is None and app_state.library.find(kept.path)

    bundled = next(m for m in app_state.models if app_state.entry(m).bundled)
    app_state.set_active(bundled)
    copy = app_state.save_model_as(bundled, tmp_path / "copy.pt")
    assert copy is not bundled and copy is app_state.active and copy.name == "copy"
    assert bundled in app_state.models and app_state.entry(bundled).bundled


def test_save_as_refuses_a_missing_folder_or_a_file_as_folder_in_plain_words(app_state,
                                                                              tmp_path):
    """Save as used to create any missing folders (a typo in a folder name went unnoticed) and
    said "[Errno 17] File exists" when part of the path was a file."""
    ckpt, count = app_state.active, len(app_state.models)
    with pytest.raises(OSError, match=r"the folder .*nowhere.* does not exist"):
        app_state.save_model_as(ckpt, tmp_path / "nowhere" / "deeper" / "x.pt")
    assert not (tmp_path / "nowhere").exists()
    a_file = tmp_path / "notes.pt"
    a_file.write_bytes(b"x")
    with pytest.raises(OSError, match=r"notes\.pt is a file, not a folder"):
        app_state.save_model_as(ckpt, a_file / "sub.pt")
    assert a_file.read_bytes() == b"x" and len(app_state.models) == count


def test_a_saved_model_is_listed_as_saved_not_opened(app_state, tmp_path):
    autosaved = app_state.add_model(trained_file("auto2"), origin="trained")
    app_state.save_model_as(autosaved, tmp_path / "moved")
    assert app_state.entry(autosaved).origin == "saved"
    bundled = next(m for m in app_state.models if app_state.entry(m).bundled)
    copy = app_state.save_model_as(bundled, tmp_path / "copy.pt")
    assert app_state.entry(copy).origin == "saved"


def test_one_test_set_pass_per_model_is_shared(app_state, qtbot):
    ckpt = app_state.active
    assert app_state.test_pass(ckpt) is None
    progress = []
    app_state.test_pass_progress.connect(lambda c, f: progress.append(f))
    with qtbot.waitSignal(app_state.test_pass_ready, timeout=120_000) as ready:
        assert app_state.request_test_pass(ckpt) is None
        assert app_state.request_test_pass(ckpt) is None  # asked twice, run once
        assert len(app_state.workers.jobs) == 1
    assert ready.args[0] is ckpt
    report = app_state.test_pass(ckpt)
    qtbot.waitUntil(lambda: not app_state.workers.jobs, timeout=10_000)  # the job's own end
    assert app_state.request_test_pass(ckpt) is report and not app_state.workers.jobs
    assert progress[-1] == 1.0 and progress == sorted(progress)
    n = len(app_state.test_set()[1])
    assert report.mu.shape == (n, ckpt.config.latent_dim) and report.scores["loss"].shape == (n,)
    # The pass's headline is the number training prints, and its per-image ELBO is recon + KL.
    assert report.test_loss == pytest.approx(ckpt.test_loss, abs=1.0)
    assert torch.allclose(report.scores["loss"], report.scores["recon"] + report.scores["kl"])


def test_a_latent_point_keeps_its_label_blend_and_is_dropped_with_its_model(app_state, qtbot):
    """A new active model's point is its origin (a conditional one's under the label the last
    point had): the Latent space tab shows it, the Interpolate tab's ends take it."""
    blend = np.zeros(10, np.float32)
    blend[5], blend[6] = 0.47, 0.53
    app_state.set_latent_point(np.ones(2), blend, "interpolation 5→6, t = 0.53")
    point = app_state.latent_point
    assert point.label is None and np.allclose(point.label_tensor().numpy(), blend)
    app_state.set_latent_point(np.ones(2), one_hot(7, 10))
    assert app_state.latent_point.label == 7
    other = app_state.find_model(conditional=True, latent_dim=16)
    assert other is not app_state.active
    with qtbot.waitSignal(app_state.latent_point_changed) as changed:
        app_state.set_active(other)
    point = changed.args[0]
    assert point is app_state.latent_point
    assert point.code.tolist() == [0.0] * 16 and point.label == 7
    app_state.set_latent_point(np.ones(16), blend)  # a blend: the largest share, 6, goes on
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    assert app_state.latent_point.label == 6 and not app_state.latent_point.code.any()
    app_state.set_active(app_state.find_model(conditional=False, latent_dim=2))
    assert app_state.latent_point.label_weights is None
    with qtbot.waitSignal(app_state.latent_point_changed) as changed:
        app_state.set_active(None)
    assert changed.args[0] is None and app_state.latent_point is None


def test_a_drawing_carries_where_it_came_from(app_state, qtbot):
    with qtbot.waitSignal(app_state.drawing_changed) as changed:
        app_state.set_drawing(np.zeros((28, 28)), origin="test image #12")
    assert changed.args[0].origin == "test image #12" and changed.args[0].image.dtype == np.float32
    app_state.set_drawing(None)
    assert app_state.drawing is None


def _list_unwritable(app_state, monkeypatch):
    def refuse(*_args):
        raise PermissionError(13, "Permission denied", str(app_state.library.index))

    monkeypatch.setattr(app_state.library, "_write", refuse)


def test_a_model_the_list_cannot_take_is_still_named_and_usable(app_state, monkeypatch, qtbot):
    # A read-only data folder: the model exists, the list cannot be written. It used to come
    # out with an empty name ("· MLP · latent 20 …", "… is now the active model").
    _list_unwritable(app_state, monkeypatch)
    with qtbot.waitSignal(app_state.status_message) as said:
        ckpt = app_state.add_model(trained_file("ro"), origin="trained")
    assert ckpt.name.startswith("VAE · MLP · z=2 · 1 epoch") and ckpt is app_state.active
    assert ckpt in app_state.models
    assert "could not be added to the list of models" in said.args[0]
    assert "Permission denied" in said.args[0] and "Save as" in said.args[0]


def test_an_opened_file_the_list_cannot_take_is_named_by_its_file(app_state, monkeypatch, qtbot):
    # As the list names an opened file (and Save as a saved one): by its stem, not by a
    # description dated from the file ("VAE · MLP · z=2 · 1 epoch · 5 Dec 09:57").
    _list_unwritable(app_state, monkeypatch)
    with qtbot.waitSignal(app_state.status_message) as said:
        ckpt = app_state.add_model(trained_file("my digits"), origin="opened")
    assert ckpt.name == "my digits" and said.args[0].startswith("my digits is in ")


def test_save_as_reports_the_file_saved_when_only_the_list_fails(app_state, monkeypatch,
                                                                 tmp_path, qtbot):
    bundled = next(m for m in app_state.models if app_state.entry(m).bundled)
    _list_unwritable(app_state, monkeypatch)
    with qtbot.waitSignal(app_state.status_message) as said:
        copy = app_state.save_model_as(bundled, tmp_path / "mine.pt")
    assert (tmp_path / "mine.pt").is_file() and copy.path == tmp_path / "mine.pt"
    assert str(tmp_path / "mine.pt") in said.args[0] and "could not" in said.args[0]
    assert "Save as" not in said.args[0]  # it is saved: the advice would be wrong


def test_removing_the_active_model_makes_the_first_launch_model_active(app_state):
    ckpt = app_state.add_model(trained_file("gone"), origin="trained")
    app_state.remove_model(ckpt)
    assert app_state.active.path.stem == "mnist-cvae-z2"


def test_saving_over_its_own_file_when_the_list_fails_keeps_the_model_as_it_is(
        app_state, monkeypatch, tmp_path, qtbot):
    # The list's failure used to load the file again and swap it in under the file's stem.
    mine = app_state.save_model_as(app_state.active, tmp_path / "mine.pt")
    app_state.rename_model(mine, "My model")
    _list_unwritable(app_state, monkeypatch)
    with qtbot.waitSignal(app_state.status_message) as said:
        again = app_state.save_model_as(mine, mine.path)
    assert again is mine and mine.name == "My model" and app_state.active is mine
    assert said.args[0].startswith(f"Saved {mine.path}") and "could not be updated" in said.args[0]
