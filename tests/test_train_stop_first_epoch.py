"""Stopping a new model in its first epoch no longer makes a "0 epochs" model, with no test loss,
the active model of every tab in place of the one the student was using ("Stopped during epoch
1, after 0 complete epochs. CVAE · MLP · z=2 · 0 epochs · … is now the active model."). Its
weights are those after the batches it trained (not the initial ones): with none trained nothing
is kept; with some, the model is autosaved and listed in File ▸ Models, and the active model
stays."""

from __future__ import annotations

import torch
from train_tab_support import RUN_TIMEOUT_MS, make_tab

from vae_desktop.core import checkpoint
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.training import new_model

STEPS = 2  # single steps trained while paused, before Stop


def tab_with_a_model(qtbot, state):
    model = new_model(1, latent_dim=2, hidden=32)
    mine = state.add_model(Checkpoint(model, model.config), name="my model")
    tab = make_tab(qtbot, state)
    assert tab.apply_settings({"train_size": 2000})  # 16 batches an epoch
    return tab, mine


def start_paused(qtbot, tab) -> None:
    """Start, paused before the first batch (the worker is still reading the images)."""
    with qtbot.waitSignal(tab.run_started, timeout=RUN_TIMEOUT_MS):
        tab.start_button.click()
        tab.toggle_pause()


def stop(qtbot, tab):
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        tab.stop()
    return blocker.args[0]


def test_stopped_before_a_batch_keeps_nothing(qtbot, state):
    tab, mine = tab_with_a_model(qtbot, state)
    listed = list(state.models)
    start_paused(qtbot, tab)
    summary = stop(qtbot, tab)
    assert summary.status == "stopped" and not summary.usable
    assert state.active is mine and state.models == listed
    assert tab.progress_text == ("Stopped during epoch 1, before any epoch completed: nothing was "
                                 "kept. The active model is unchanged.")
    assert "my model" in tab.caption  # its history, its grids


def test_stopped_after_some_batches_lists_the_model_and_the_active_one_stays(qtbot, state):
    tab, mine = tab_with_a_model(qtbot, state)
    start_paused(qtbot, tab)
    for step in range(1, STEPS + 1):
        assert tab.live.step()
        qtbot.waitUntil(lambda step=step: tab.results.step_panel.event is not None
                        and tab.results.step_panel.event.step == step, timeout=RUN_TIMEOUT_MS)
    summary = stop(qtbot, tab)
    assert summary.status == "stopped" and summary.usable and summary.epochs_trained == 0
    # The model the student was using stays active, in every tab.
    assert state.active is mine and "my model" in tab.caption
    assert summary.steps == STEPS
    kept = [m for m in state.models if m is not mine]
    assert len(kept) == 1 and kept[0].epochs == 0 and kept[0].path.exists()
    # What it has is what it learnt in those batches: not the initial weights.
    initial = new_model(3, latent_dim=2, hidden=32).state_dict()
    learnt = checkpoint.load(kept[0].path).model.state_dict()
    assert not torch.equal(initial["enc_body.0.weight"], learnt["enc_body.0.weight"])
    text = tab.progress_text
    assert text.startswith("Stopped during epoch 1, before any epoch completed:")
    assert f"in {STEPS} steps" in text and kept[0].name in text and "File ▸ Models" in text
    assert "my model stays the active model." in text and "is now the active model" not in text
