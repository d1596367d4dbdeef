"""The Train tab never shows another model's information: while no run goes on, its plot,
caption, reconstructions and samples are those of the active model, and its progress box
describes the last run only while that run's model is the active one."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from vae_desktop.core import checkpoint
from vae_desktop.core.previews import Previews
from vae_desktop.gui.tabs.train.tab import TrainTab

TINY = {"train_size": 500, "epochs": 1, "latent_dim": 2, "hidden": 32, "batch_size": 128,
        "seed": 3, "lr": 1e-3, "arch": "mlp", "conditional": False, "beta": 1.0, "device": "cpu"}
RUN_TIMEOUT_MS = 60_000


def make_tab(qtbot, state, **settings) -> TrainTab:
    tab = TrainTab(state)
    tab.eval_size = 200
    qtbot.addWidget(tab)
    assert tab.apply_settings({**TINY, **settings})
    return tab


def train(qtbot, tab):
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(tab.start_button, Qt.LeftButton)
    return blocker.args[0]


def a_sweep_trial(state, tmp_path, bundled, stem="mnist-vae-z2"):
    """A model from a file of its own, added as a sweep adds an opened trial."""
    source = bundled[stem]
    path = checkpoint.save(tmp_path / "trial-7.pt", source.model, source.history,
                           source.optimizer_state, source.train_config)
    return state.add_model(checkpoint.load(path), origin="sweep")


def assert_shows(tab, state, ckpt) -> None:
    """Every part of the results is `ckpt`'s: its history, its name, its grids."""
    assert ckpt is state.active
    assert ckpt.name in tab.caption
    test_x, test_y = tab.plot.data("test")
    assert list(test_x) == [float(r["epoch"]) for r in ckpt.history]
    assert np.allclose(test_y, [r["test_loss"] for r in ckpt.history])
    pairs, samples = tab.preview_images()
    want_pairs, want_samples = Previews(*state.test_set()).grids(ckpt.model)
    assert np.allclose(pairs, want_pairs) and np.allclose(samples, want_samples)


def test_the_views_follow_the_active_model_after_a_run(qtbot, state, bundled, tmp_path):
    tab = make_tab(qtbot, state)
    assert train(qtbot, tab).status == "done"
    trained = state.active
    assert trained is tab.last_trained and trained.name in tab.progress_text

    # A sweep trial is opened: it becomes active, and the tab shows it, not the run.
    trial = a_sweep_trial(state, tmp_path, bundled)
    assert_shows(tab, state, trial)
    assert trained.name not in tab.progress_text and "Finished" not in tab.progress_text
    assert tab.progress.bar.format() == "Ready"

    # Back to the trained model (it was the run's model, which the tab used to skip).
    state.set_active(trained)
    assert_shows(tab, state, trained)

    # No model at all: nothing is shown.
    state.remove_model(trial)
    state.remove_model(trained)
    assert state.active is None
    assert tab.preview_images() is None and len(tab.plot.data("test")[0]) == 0
    assert "No model yet" in tab.caption and tab.progress_text == ""


def test_nan_in_the_first_epoch_keeps_and_shows_the_active_model(qtbot, app_state):
    """lr = 1 makes this model's loss NaN within its first epoch (core.training stops at the first
    non-finite step it reports, or at the epoch's end)."""
    before, count = app_state.active, len(app_state.models)
    tab = make_tab(qtbot, app_state, latent_dim=20, hidden=400, lr=1.0, seed=1, train_size=2000)
    end = train(qtbot, tab)
    assert end.status == "failed" and not end.usable and "at epoch 1" in end.message
    assert app_state.active is before and len(app_state.models) == count
    text = tab.progress_text
    assert "no epoch completed, so there is no model to keep" in text
    assert "The active model is unchanged" in text
    # What is shown is the active model, not the failed run's plot and grids.
    assert_shows(tab, app_state, before)

    # The failure report goes once another model is active.
    other = next(m for m in app_state.models if m is not before)
    app_state.set_active(other)
    assert tab.progress_text == "" and tab.progress.bar.format() == "Ready"
    assert_shows(tab, app_state, other)


def test_a_renamed_run_model_is_reported_under_its_new_name(qtbot, state):
    tab = make_tab(qtbot, state)
    train(qtbot, tab)
    ckpt = state.active
    state.rename_model(ckpt, "my first model")
    assert "my first model" in tab.progress_text and "my first model" in tab.caption
