"""The While-training row and the header say the beta in force. During a KL warm-up they showed
the model's beta (1.00) while 0.25 was in force (only the live view's caption said it); idle, the
row showed beta "0.00" at start-up and a failed run's learning rate afterwards: it now shows the
active model's values, or nothing."""

from __future__ import annotations

import pytest
from train_tab_support import RUN_TIMEOUT_MS, make_tab

from vae_desktop.core import training
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.training import new_model

WARM_UP = {"train_size": 512, "epochs": 3, "beta_warmup": 2}  # 4 batches an epoch: 8 to rise
RAMP = 8  # batches
STEPS = 2  # single steps: beta 2/8 of 1 = 0.25


def test_the_row_and_the_header_follow_a_warm_up(qtbot, state):
    tab = make_tab(qtbot, state)
    assert tab.apply_settings(WARM_UP)
    tab.results.live_view.live_box.setChecked(False)  # no snapshots: a quicker run
    bar = tab.results.run_bar
    with qtbot.waitSignal(tab.run_started, timeout=RUN_TIMEOUT_MS):
        tab.start_button.click()
        tab.toggle_pause()
    assert "KL warm-up: beta rising from 0 to 1 over the first 2 epochs" in tab.caption
    assert bar.beta_spin.value() == 0  # in force at the first batch
    for step in range(1, STEPS + 1):
        assert tab.live.step()
        qtbot.waitUntil(lambda step=step: tab.results.step_panel.event is not None
                        and tab.results.step_panel.event.step == step, timeout=RUN_TIMEOUT_MS)
    assert tab.results.step_panel.event.beta == pytest.approx(0.25)
    qtbot.waitUntil(lambda: bar.beta_spin.value() == pytest.approx(0.25), timeout=2000)
    # A new learning rate alone leaves the warm-up going: beta is not sent.
    bar.lr_edit.setText("0.0005")
    bar.apply_button.click()
    assert bar.note_text() == "lr 0.0005 from the next batch"
    assert "KL warm-up" in tab.caption
    # Past the warm-up's 8 batches (into epoch 3): the row shows beta 1, the header drops its note.
    for step in range(STEPS + 1, RAMP + 2):
        assert tab.live.step()
        qtbot.waitUntil(lambda step=step: tab.results.step_panel.event.step == step,
                        timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(lambda: "warm-up" not in tab.caption, timeout=2000)
    assert "beta 1" in tab.caption and "lr 0.0005" in tab.caption
    assert bar.beta_spin.value() == 1.0
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        tab.stop()


def test_idle_the_row_shows_the_active_models_values_or_nothing(qtbot, state, monkeypatch):
    tab = make_tab(qtbot, state)
    bar = tab.results.run_bar
    assert bar.beta_spin.text() == "" and bar.lr_edit.text() == ""  # no model: nothing
    model = new_model(1, latent_dim=2, hidden=32, beta=4.0)
    state.add_model(Checkpoint(model, model.config, [], train_config={"lr": 0.002}),
                    name="beta 4")
    assert bar.beta_spin.text() == "4.00" and bar.lr_edit.text() == "0.002"
    assert not bar.apply_button.isEnabled() and not bar.lr_edit.isEnabled()
    # A run that fails (its loss NaN from the first batch) keeps nothing: the row goes back to
    # the active model's values, not the run's learning rate.
    real = training.make_train_step

    def poisoned(model, optimizer, *args, **kwargs):
        step = real(model, optimizer, *args, **kwargs)
        return lambda x, y, beta: step(x, y, beta) * float("nan")

    monkeypatch.setattr(training, "make_train_step", poisoned)
    assert tab.apply_settings({"lr": 0.5})
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        tab.start_button.click()
    assert blocker.args[0].status == "failed"
    assert state.active.name == "beta 4"
    assert bar.beta_spin.text() == "4.00" and bar.lr_edit.text() == "0.002"
