"""Quitting while training: the tab says it is busy, and shutdown stops the run within a second,
keeping what was trained (autosaved, listed in the library, not made active)."""

from __future__ import annotations

import time

import torch

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.tabs.train.tab import TrainTab


def test_shutdown_mid_run_ends_within_a_second_and_keeps_the_model(qtbot, state):
    tab = TrainTab(state)
    tab.eval_size = 500
    qtbot.addWidget(tab)
    assert tab.busy_reason() is None
    assert tab.apply_settings({"train_size": 2000, "epochs": 500, "latent_dim": 2, "hidden": 64,
                               "device": "cpu"})
    tab.start()
    qtbot.waitUntil(lambda: tab.steps_received >= 3, timeout=60_000)
    assert tab.busy_reason() == "Training is running."

    # Stopping does not wait for the 500 epochs (bench/quit_latency.py measures the real quit).
    started = time.monotonic()
    assert tab.shutdown(2.0)
    assert time.monotonic() - started < 5.0
    assert len(state.workers.running()) == 0

    # What had been trained was autosaved on the way out and listed, not made active.
    assert state.active is None and len(state.models) == 1
    kept = state.models[0]
    assert state.entry(kept).origin == "trained"
    saved = checkpoint.load(kept.path)
    assert saved.config.latent_dim == 2 and saved.config.hidden == 64
    for key, value in kept.model.state_dict().items():
        assert torch.equal(value, saved.model.state_dict()[key])
    library = ModelLibrary()
    library.load()
    assert library.find(kept.path) is not None  # so the next start lists it

    qtbot.wait(100)  # the run's queued signals find nothing to update
    assert not tab.is_training() and state.active is None


def test_quitting_mid_run_from_the_window_takes_under_a_second(qtbot, state, monkeypatch):
    window = MainWindow(state=state, tabs=(("Train", TrainTab),))
    qtbot.addWidget(window)
    asked = []
    monkeypatch.setattr(window, "_ask_quit", lambda reasons, unkept=(): asked.append(reasons) or True)
    tab = window.train_tab
    tab.eval_size = 500
    assert tab.apply_settings({"train_size": 2000, "epochs": 500, "latent_dim": 2, "hidden": 64,
                               "device": "cpu"})
    tab.start_button.click()
    qtbot.waitUntil(lambda: tab.steps_received >= 1, timeout=60_000)

    started = time.monotonic()
    assert window.close()
    assert time.monotonic() - started < 5.0
    assert asked == [["Training is running."]] and not state.workers.running()
    kept = [m for m in state.models if m.path is not None and state.entry(m).origin == "trained"]
    assert len(kept) == 1 and checkpoint.load(kept[0].path).config.latent_dim == 2


def test_the_quit_question_says_paused_and_which_model_is_kept(qtbot, state, monkeypatch):
    """Quitting while paused asked "Training is running. Stop it and quit?"; and the model kept
    was listed without a word. The question now says paused, and what quitting keeps."""
    window = MainWindow(state=state, tabs=(("Train", TrainTab),))
    qtbot.addWidget(window)
    monkeypatch.setattr(window, "_ask_quit", lambda reasons, unkept=(): True)
    tab = window.train_tab
    tab.eval_size = 200
    assert tab.apply_settings({"train_size": 512, "batch_size": 128, "epochs": 500,
                               "latent_dim": 2, "hidden": 32, "device": "cpu"})
    tab.start_button.click()
    tab.toggle_pause()  # before the first batch: the worker is still loading the images
    reasons = window.busy_reasons()
    assert reasons == ["Training is paused."]
    question = window.quit_question(reasons)
    assert question.startswith("Training is paused. Stop it and quit?")
    assert "nothing has been trained yet, so no model is kept" in question.lower()

    tab.toggle_pause()
    qtbot.waitUntil(lambda: tab.epochs_received >= 2, timeout=60_000)
    tab.toggle_pause()
    qtbot.wait(300)  # what the worker did before it saw the pause has arrived
    epochs = tab.epochs_received
    question = window.quit_question(window.busy_reasons())
    assert question.startswith("Training is paused. Stop it and quit?")
    assert f"after epoch {epochs}" in question and "File ▸ Models" in question
    assert f"VAE · MLP · z=2 · {epochs} epochs" in question

    assert window.close()
    kept = [m for m in state.models if state.entry(m) and state.entry(m).origin == "trained"]
    assert len(kept) == 1 and kept[0].epochs == epochs
    assert kept[0].name.startswith(f"VAE · MLP · z=2 · {epochs} epochs")
