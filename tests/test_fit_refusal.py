"""Settings that cannot fit in the device's free memory are refused before they start, with the
estimate, in the Train tab and the Sweep tab (the command line: tests/test_cli_memory.py); a
step that will take minutes is said up front (issue 18)."""

from __future__ import annotations

import pytest

from vae_desktop.core import memory
from vae_desktop.gui.tabs.sweep.tab import SweepTab
from vae_desktop.gui.tabs.train.tab import TrainTab

ISSUE = {"arch": "conv", "latent_dim": 512, "hidden": 8192, "batch_size": 52_950,
         "train_size": 26_307, "device": "cpu"}


@pytest.fixture
def free_4_gb(monkeypatch):
    monkeypatch.setattr(memory, "available_ram", lambda: 4_000_000_000)


def test_the_train_tab_refuses_a_run_that_cannot_fit(qtbot, state, free_4_gb):
    tab = TrainTab(state)
    qtbot.addWidget(tab)
    assert tab.start_button.isEnabled()
    assert tab.apply_settings(ISSUE)
    assert ("Batch 52,950 (26,307 images a step, all there are) with 8,192 hidden units needs "
            "about 8.3 GB; this machine has 4.0 GB free: use a smaller batch") in tab.message
    assert not tab.start_button.isEnabled()
    assert not tab.start() and not tab.is_training()
    assert tab.apply_settings({"batch_size": 128, "hidden": 400})  # fits again
    assert "GB free" not in tab.message and tab.start_button.isEnabled()


def test_the_train_tab_says_up_front_that_a_step_will_take_minutes(qtbot, state, monkeypatch):
    monkeypatch.setattr(memory, "available_ram", lambda: 64_000_000_000)
    tab = TrainTab(state)
    qtbot.addWidget(tab)
    assert tab.apply_settings(ISSUE)
    assert "One step of 26,307 images takes about" in tab.message
    assert "stopping waits for the step under way" in tab.message
    assert tab.start_button.isEnabled()  # a warning, not a refusal


def test_the_sweep_tab_refuses_a_largest_trial_that_cannot_fit(qtbot, state, free_4_gb):
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    form = tab.form
    form.space.set_vary(())
    for name in ("latent_dim", "hidden", "batch_size", "arch"):
        form.space.set_fixed(name, ISSUE[name])
    form.set_objective("auroc")
    form.set_budget(trials=2, epochs=1, train_size=26_307, test_size=7_850)
    form.device_combo.setCurrentIndex(form.device_combo.findData("cpu"))
    assert ("The largest trial the ranges allow: batch 52,950 (26,307 images a step, all there "
            "are) with 8,192 hidden units needs about 8.3 GB; this machine has 4.0 GB free: "
            "narrow the ranges.") in tab.error_text()
    assert not tab.start_button.isEnabled()
    assert not tab.start() and not tab.is_running()
    form.space.set_fixed("batch_size", 128)
    assert "GB free" not in tab.error_text() and tab.start_button.isEnabled()
