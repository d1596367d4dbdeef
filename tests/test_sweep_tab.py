"""The Sweep tab: a tiny sweep runs in the background and fills the table, Stop keeps finished
trials, Use best sends the settings to the Train tab, a trial's model opens, a stored study loads,
and bad input is explained inline."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt

from vae_desktop.core.sweep import TrialRecord, load_trials
from vae_desktop.gui.state import AppState
from vae_desktop.gui.tabs.sweep.tab import SweepTab

TRAIN_KEYS = {"latent_dim", "hidden", "arch", "lr", "batch_size", "beta", "epochs", "conditional"}


@pytest.fixture
def state(qapp):
    return AppState()  # no models needed: the sweep trains its own


def tiny_form(tab: SweepTab, study: str, trials: int = 3) -> None:
    tab.space.set_vary(["lr"])
    tab.space.hidden_fixed.setValue(16)
    tab.space.latent_fixed.setValue(4)
    tab.trials_spin.setValue(trials)
    tab.epochs_spin.setValue(1)
    tab.train_spin.setValue(500)
    tab.test_spin.setValue(200)
    tab.study_combo.setEditText(study)


def states_in_table(tab: SweepTab) -> list[str]:
    return [tab.table.item(row, 1).text() for row in range(tab.table.rowCount())]


def test_sweep_runs_in_background_stops_and_hands_over_the_best(qtbot, state):
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tiny_form(tab, "gui", trials=3)

    def stop_when_second_trial_starts(event):
        # Runs in the worker thread (direct connection), so the flag is set before trial 1 can
        # end however slowly the GUI thread runs; it is the flag Stop sets.
        if event["kind"] == "trial_started" and event["number"] == 1:
            tab.worker.stop_flag.set()

    assert tab.start()
    tab.worker.event.connect(stop_when_second_trial_starts, Qt.DirectConnection)
    assert tab.is_running() and not tab.start_button.isEnabled() and tab.stop_button.isEnabled()
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=120_000)
    qtbot.waitUntil(lambda: tab.start_button.isEnabled())

    # Stop let the running trial finish its (only) epoch and ran no third trial.
    assert states_in_table(tab) == ["complete", "complete"]
    assert "stopped" in tab.status_label.text()
    tab.stop()  # nothing runs: a harmless no-op
    stored = load_trials(None, "gui")  # the default SQLite storage in the data folder
    assert [t.state for t in stored.trials] == ["COMPLETE", "COMPLETE"]
    best = stored.best
    assert f"trial {best.number}" in tab.best_label.text()

    with qtbot.waitSignal(state.training_settings_requested, timeout=1000) as blocker:
        tab.use_best_button.click()
    settings = blocker.args[0]
    assert set(settings) == TRAIN_KEYS
    assert settings["lr"] == pytest.approx(best.params["lr"])
    assert (settings["hidden"], settings["latent_dim"], settings["epochs"]) == (16, 4, 1)
    assert settings["conditional"] is False

    tab.select_trial(best.number)
    assert tab.open_button.isEnabled()
    assert tab.open_selected()
    assert state.active.name == f"gui-trial-{best.number}"
    assert state.active.config.hidden == 16 and state.active in state.models

    # A fresh tab shows the stored study's trials on Load.
    other = SweepTab(state)
    qtbot.addWidget(other)
    other.study_combo.setEditText("gui")
    other.load_study()
    qtbot.waitUntil(lambda: other.table.rowCount() == 2, timeout=20_000)
    assert other.plots.done_curve.getData()[0].tolist() == [0, 1]
    assert "Test loss" == other.table.horizontalHeaderItem(2).text()


def test_bad_storage_url_is_explained_and_nothing_runs(qtbot, state):
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tiny_form(tab, "bad")
    tab.storage_edit.setText("nosuchdb://somewhere/sweeps")
    assert tab.start()
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=30_000)
    qtbot.waitUntil(lambda: tab.start_button.isEnabled())
    assert tab.error_label.isVisibleTo(tab)
    assert "unknown database kind 'nosuchdb'" in tab.error_label.text()
    assert tab.table.rowCount() == 0


def test_impossible_form_values_are_refused_before_starting(qtbot, state):
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.space.set_vary(["hidden"])
    tab.space.hidden_choices.setText("128, lots")
    assert not tab.start() and tab.worker is None
    assert "hidden units: write whole numbers" in tab.error_label.text()
    tab.space.hidden_choices.setText("128, 256")
    tab.space.set_vary(["lr"])
    tab.space.lr_low.setText("1e-2")
    tab.space.lr_high.setText("1e-4")
    assert not tab.start()
    assert "learning rate range" in tab.error_label.text()


def test_loading_a_missing_study_says_what_is_there(qtbot, state):
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.study_combo.setEditText("never-ran")
    tab.load_study()
    qtbot.waitUntil(lambda: tab.error_label.text() != "", timeout=20_000)
    assert "no study named 'never-ran'" in tab.error_label.text()


def test_auroc_objective_disables_the_conditional_model(qtbot, state):
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.space.conditional.setChecked(True)
    assert not tab.holdout_spin.isEnabled()
    tab.objective_combo.setCurrentIndex(tab.objective_combo.findData("auroc"))
    assert tab.holdout_spin.isEnabled()
    assert not tab.space.conditional.isChecked() and not tab.space.conditional.isEnabled()
    spec = tab.build_spec()
    assert spec.objective == "auroc" and spec.direction == "maximize" and not spec.conditional


def test_stop_twice_stops_at_once_and_leaves_no_running_trial(qtbot, state):
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tiny_form(tab, "abort", trials=2)
    tab.epochs_spin.setValue(50)  # far longer than the test waits
    assert tab.start()
    qtbot.waitUntil(lambda: any(r.state == "RUNNING" for r in tab.trials.values()), timeout=60_000)
    tab.stop_button.click()
    assert tab.stop_button.text() == "Stop now" and "after this epoch" in tab.status_label.text()
    tab.stop_button.click()
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=60_000)
    qtbot.waitUntil(lambda: tab.start_button.isEnabled())
    stored = load_trials(None, "abort").trials
    assert len(stored) == 1 and stored[0].state == "PRUNED" and stored[0].stopped
    assert states_in_table(tab) == ["stopped"]


def _record(number, state, value, lr, intermediate, checkpoint=None, host=""):
    settings = {"latent_dim": 8, "hidden": 64, "lr": lr, "batch_size": 128, "beta": 1.0,
                "arch": "mlp", "conditional": False, "epochs": 2}
    return TrialRecord(number, state, value, {"lr": lr}, settings, intermediate, 3.0,
                       checkpoint, host=host)


def test_table_plots_and_sorting_from_stored_records(qtbot, state, tmp_path):
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    records = [_record(0, "COMPLETE", 200.0, 1e-3, {1: 250.0, 2: 200.0},
                       str(tmp_path / "gone.pt"), host="gpu-box-2"),
               _record(1, "PRUNED", None, 1e-5, {1: 500.0}),
               _record(2, "COMPLETE", 180.0, 3e-3, {1: 220.0, 2: 180.0})]
    tab._set_study("fake", "test_loss", "minimize", records)
    assert states_in_table(tab) == ["complete", "pruned", "complete"]
    assert [tab.table.item(r, 2).text() for r in range(3)] == ["200.0", "500.0", "180.0"]
    assert "trial 2" in tab.best_label.text()
    assert tab.plots.best_curve.getData()[1].tolist() == [200.0, 200.0, 180.0]
    xs, ys = tab.plots.pruned_curve.getData()
    assert xs.tolist() == [1] and ys.tolist() == [500.0]  # a pruned trial at its last epoch
    tab.plots.choose_setting("lr")
    assert tab.plots.setting_curve.getData()[0].tolist() == pytest.approx([-3.0, math.log10(3e-3)])

    tab.table.sortByColumn(2, Qt.AscendingOrder)  # by value, as numbers: 180 < 200 < 500
    assert [tab.table.item(r, 0).text() for r in range(3)] == ["2", "0", "1"]

    tab.select_trial(0)
    assert not tab.open_selected()
    assert "gpu-box-2" in tab.error_label.text() and "gone.pt" in tab.error_label.text()
    assert state.active is None
