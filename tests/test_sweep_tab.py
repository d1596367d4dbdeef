"""The Sweep tab: a tiny sweep runs as a job and fills the table, Stop keeps finished trials,
"Train with the best" sends the settings to the Train tab, a trial's model opens into the model
library, a stored study loads, and bad input is explained inline."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QWidget
from typing_support import focus_window

from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.sweep import SweepStudy, TrialRecord, load_trials
from vae_desktop.gui.tabs.sweep.tab import SweepTab

TRAIN_KEYS = {"latent_dim", "hidden", "arch", "lr", "batch_size", "beta", "epochs", "conditional",
              "layers", "binarized", "beta_warmup", "train_size", "seed", "digits"}


def make_tab(qtbot, state) -> SweepTab:
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    return tab


def tiny_form(tab: SweepTab, study: str, trials: int = 3, epochs: int = 1,
              train_size: int = 500) -> None:
    tab.form.space.set_vary(["lr"])
    tab.form.space.set_fixed("hidden", 16)
    tab.form.space.set_fixed("latent_dim", 4)
    tab.form.set_budget(trials=trials, epochs=epochs, train_size=train_size, test_size=200)
    tab.form.set_study_name(study)


def states_in_table(tab: SweepTab) -> list[str]:
    return tab.view.table.column_texts(1)


def wait_until_idle(qtbot, tab: SweepTab, timeout: int = 120_000) -> None:
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=timeout)
    assert tab.start_button.isEnabled() and not tab.stop_button.isEnabled()


def test_sweep_runs_as_a_job_and_hands_over_the_best(qtbot, state):
    tab = make_tab(qtbot, state)
    tiny_form(tab, "gui", trials=2)
    assert tab.start()
    assert tab.is_running() and tab.busy_reason() == "A sweep is running."
    assert not tab.start_button.isEnabled() and tab.stop_button.isEnabled()
    assert [job.name for job in state.workers.jobs if job in tab.jobs] == ["sweep gui"]
    assert not tab.findChildren(QThread)  # the job runs on state.workers, not a thread of its own
    wait_until_idle(qtbot, tab)
    assert tab.busy_reason() is None

    assert states_in_table(tab) == ["complete", "complete"]
    assert "Sweep finished" in tab.view.status() and "2 trials run" in tab.view.status()
    tab.stop()  # nothing runs: a harmless no-op
    stored = load_trials(None, "gui")  # the default SQLite storage in the data folder
    assert [t.state for t in stored.trials] == ["COMPLETE", "COMPLETE"]
    best = stored.best
    assert f"trial {best.number}" in tab.view.best_label.text()

    with qtbot.waitSignal(state.training_settings_requested, timeout=1000) as blocker:
        tab.view.use_best_button.click()
    settings = blocker.args[0]
    assert set(settings) == TRAIN_KEYS
    assert settings["lr"] == float(f"{best.params['lr']:.3g}")  # as the table shows it
    assert (settings["hidden"], settings["latent_dim"], settings["epochs"]) == (16, 4, 1)
    assert (settings["train_size"], settings["seed"]) == (500, 1 + best.number)  # its own
    assert settings["conditional"] is False

    assert tab.select_trial(best.number)
    assert tab.view.open_button.isEnabled()
    assert tab.open_selected()
    opened = state.active
    assert opened.name == f"gui-trial-{best.number}" and opened in state.models
    assert opened.config.hidden == 16
    entry = state.library.find(opened.path)
    assert entry is not None and entry.origin == "sweep"
    next_session = ModelLibrary()  # the same index file, read again
    next_session.load()
    assert next_session.find(opened.path).name == f"gui-trial-{best.number}"

    # A fresh tab shows the stored study's trials on Load, in a job.
    other = make_tab(qtbot, state)
    other.form.set_study_name("gui")
    other.form.set_budget(trials=5, epochs=7, train_size=3000, test_size=1000)
    other.load_study()
    assert any(job.name == "load study gui" for job in other.jobs)
    qtbot.waitUntil(lambda: other.view.table.rowCount() == 2, timeout=20_000)
    assert other.view.plots.done_curve.getData()[0].tolist() == [0, 1]
    assert other.view.table.horizontalHeaderItem(2).text() == "Test loss"
    # Start adds trials on the study's own budget, so that their scores compare.
    spec = other.form.spec()
    assert (spec.epochs, spec.train_size, spec.test_size, spec.trials) == (1, 500, 200, 5)


def test_stop_ends_after_the_current_epoch_and_keeps_the_trial(qtbot, state):
    tab = make_tab(qtbot, state)
    tiny_form(tab, "stop", trials=3, epochs=200, train_size=2000)
    assert tab.start()
    qtbot.waitUntil(lambda: any(r.intermediate for r in tab.view.trials.values()), timeout=60_000)
    tab.stop()
    assert tab.stop_button.text() == "Stop now" and "after this epoch" in tab.view.status()
    wait_until_idle(qtbot, tab, 60_000)
    stored = load_trials(None, "stop").trials
    assert len(stored) == 1 and stored[0].state == "PRUNED" and stored[0].stopped
    assert 1 <= len(stored[0].intermediate) < 200  # whole epochs, the last one finished
    assert states_in_table(tab) == ["stopped"]
    assert "(stopped)" in tab.view.status()


def test_bad_storage_url_is_explained_and_nothing_runs(qtbot, state):
    tab = make_tab(qtbot, state)
    tiny_form(tab, "bad")
    tab.form.set_storage("nosuchdb://somewhere/sweeps")
    assert tab.start()
    wait_until_idle(qtbot, tab, 30_000)
    assert "unknown database kind 'nosuchdb'" in tab.study_message()
    assert tab.view.message_label.isVisibleTo(tab) and tab.error_text() == ""
    assert tab.view.table.rowCount() == 0


def test_impossible_form_values_are_refused_before_starting(qtbot, state):
    tab = make_tab(qtbot, state)
    tab.form.space.set_vary(["hidden"])
    tab.form.space.set_varied("hidden", ())
    tab.form.space.rows["hidden"].varied.text.setText("128, lots")
    assert not tab.start() and not tab.jobs
    assert "Hidden units choices: write integers separated by commas" in tab.error_text()
    tab.form.space.set_varied("hidden", (128, 256))
    tab.form.space.set_vary(["lr"])
    tab.form.space.set_varied("lr", (1e-2, 1e-4))
    assert not tab.start()
    assert tab.error_text() == ("Learning rate range: the lowest value (0.01) is above the "
                                "highest (0.0001).")


def test_loading_a_missing_study_says_what_is_there(qtbot, state):
    tab = make_tab(qtbot, state)
    tab.form.set_study_name("never-ran")
    tab.load_study()
    qtbot.waitUntil(lambda: tab.study_message() != "", timeout=20_000)
    assert tab.study_message() == ("There is no study named 'never-ran' yet: this storage holds "
                                   "none. Press Start sweep to begin it.")


def test_auroc_objective_disables_the_conditional_model(qtbot, state):
    tab = make_tab(qtbot, state)
    tab.form.space.conditional.setChecked(True)
    assert not tab.form.holdout_spin.isEnabled()
    tab.form.set_objective("auroc")
    assert tab.form.holdout_spin.isEnabled()
    assert not tab.form.space.conditional.isChecked()
    assert not tab.form.space.conditional.isEnabled()
    spec = tab.form.spec()
    assert spec.objective == "auroc" and spec.direction == "maximize" and not spec.conditional


def test_stop_twice_stops_at_once_and_leaves_no_running_trial(qtbot, state):
    tab = make_tab(qtbot, state)
    tiny_form(tab, "abort", trials=2, epochs=50)  # far longer than the test waits
    assert tab.start()
    qtbot.waitUntil(lambda: any(r.state == "RUNNING" for r in tab.view.trials.values()),
                    timeout=60_000)
    tab.stop_button.click()
    assert tab.stop_button.text() == "Stop now" and "after this epoch" in tab.view.status()
    tab.stop_button.click()
    wait_until_idle(qtbot, tab, 60_000)
    stored = load_trials(None, "abort").trials
    assert len(stored) == 1 and stored[0].state == "PRUNED" and stored[0].stopped
    assert states_in_table(tab) == ["stopped"]


def _record(number, state, value, lr, intermediate, checkpoint=None, host=""):
    settings = {"latent_dim": 8, "hidden": 64, "lr": lr, "batch_size": 128, "beta": 1.0,
                "arch": "mlp", "conditional": False, "epochs": 2}
    return TrialRecord(number, state, value, {"lr": lr}, settings, intermediate, 3.0,
                       checkpoint, host=host)


def test_table_plots_and_sorting_from_stored_records(qtbot, state, tmp_path):
    tab = make_tab(qtbot, state)
    records = [_record(0, "COMPLETE", 200.0, 1e-3, {1: 250.0, 2: 200.0},
                       str(tmp_path / "gone.pt"), host="gpu-box-2"),
               _record(1, "PRUNED", None, 1e-5, {1: 500.0}),
               _record(2, "COMPLETE", 180.0, 3e-3, {1: 220.0, 2: 180.0})]
    tab.show_study(SweepStudy("fake", "sqlite:///x.db", "test_loss", None, "minimize", records))
    view = tab.view
    assert states_in_table(tab) == ["complete", "pruned", "complete"]
    assert view.table.column_texts(2) == ["200.0", "500.0", "180.0"]
    assert "trial 2" in view.best_label.text()
    assert view.plots.best_curve.getData()[1].tolist() == [200.0, 200.0, 180.0]
    xs, ys = view.plots.pruned_curve.getData()
    assert xs.tolist() == [1] and ys.tolist() == [500.0]  # a pruned trial at its last epoch
    view.plots.choose_setting("lr")
    assert view.plots.setting_curve.getData()[0].tolist() == pytest.approx([-3.0, math.log10(3e-3)])

    view.table.sortByColumn(2, Qt.AscendingOrder)  # by value, as numbers: 180 < 200 < 500
    assert view.table.column_texts(0) == ["2", "0", "1"]

    tab.select_trial(0)
    assert not tab.open_selected()
    message = tab.study_message()
    assert "gpu-box-2" in message and "gone.pt" in message and message.endswith(".")
    tab.show_study_message("")
    row = view.table.column_texts(0).index("0")
    view.table.itemDoubleClicked.emit(view.table.item(row, 3))  # a double-click opens, too
    assert "gone.pt" in tab.study_message()
    assert state.active is None


def test_train_with_a_trial_sends_its_settings_as_the_table_shows_them_unclamped(qtbot, state):
    """A sampled learning rate of 0.003940278388674021 arrived whole in the Train tab, whose
    field showed its end ("88674021"): the floats go as the table shows them (0.00394), and
    nothing is clamped (the Train tab refuses a value beyond its limits, with the reason)."""
    tab = make_tab(qtbot, state)
    record = _record(0, "COMPLETE", 200.0, 0.003940278388674021, {1: 200.0})
    record.params["beta"] = record.settings["beta"] = 1.2345678
    record.settings["batch_size"] = 100_000  # beyond the table's limit: the Train tab says so
    tab.show_study(SweepStudy("fake", "sqlite:///x.db", "test_loss", None, "minimize", [record]))
    said = []
    state.status_message.connect(lambda text, ms: said.append(text))
    with qtbot.waitSignal(state.training_settings_requested, timeout=1000) as blocker:
        tab.train_with(record)
    sent = blocker.args[0]
    assert sent == {"latent_dim": 8, "hidden": 64, "arch": "mlp", "conditional": False,
                    "beta": 1.235, "lr": 0.00394, "batch_size": 100_000, "epochs": 2,
                    "layers": 1, "binarized": False, "beta_warmup": 0, "digits": None}
    assert isinstance(sent["lr"], float) and isinstance(sent["beta"], float)
    columns = [tab.view.table.horizontalHeaderItem(c).text()
               for c in range(tab.view.table.columnCount())]
    assert tab.view.table.column_texts(columns.index("LR")) == ["0.00394"]  # what was sent
    assert tab.view.table.column_texts(columns.index("Beta")) == ["1.235"]
    assert said[-1] == ("Settings of trial 0 sent to the Train tab (beta (KL weight) 1.235 and "
                        "learning rate 0.00394, rounded as the table shows them)")
    # A value the table shows whole is sent as it is, and said so no more.
    with qtbot.waitSignal(state.training_settings_requested, timeout=1000) as blocker:
        tab.train_with(_record(1, "COMPLETE", 190.0, 1e-3, {1: 190.0}))
    assert blocker.args[0]["lr"] == 1e-3 and blocker.args[0]["beta"] == 1.0
    assert said[-1] == "Settings of trial 1 sent to the Train tab"


def test_use_best_fills_the_train_tab_with_a_readable_learning_rate(qtbot, state):
    from vae_desktop.gui.tabs.train.tab import TrainTab

    train = TrainTab(state)
    qtbot.addWidget(train)
    train.resize(1280, 720)
    train.show()
    qtbot.waitExposed(train)
    tab = make_tab(qtbot, state)
    records = [_record(0, "COMPLETE", 200.0, 0.003940278388674021, {1: 200.0}),
               _record(1, "COMPLETE", 210.0, 0.0001234567, {1: 210.0})]
    tab.show_study(SweepStudy("fake", "sqlite:///x.db", "test_loss", None, "minimize", records))
    tab.use_best()  # Ctrl+Shift+B
    field = train.field("lr")
    assert field.text() == "0.00394" and train.settings_dict()["lr"] == 0.00394
    assert train.message == ""
    # All of it in view, not its last digits.
    assert field.fontMetrics().horizontalAdvance(field.text()) < field.contentsRect().width()


def test_a_fresh_tab_titles_both_axes_of_both_plots(qtbot, state):
    """Before any study is shown, each plot says what its axes are and what will appear, with no
    tick values (they would mean nothing yet); the first trials bring the values and the fit."""
    tab = make_tab(qtbot, state)
    plots = tab.view.plots
    empty = (plots.by_trial, plots.by_setting)
    for plot in empty:
        assert plots._hints[plot].isVisible()
        for side in ("left", "bottom"):
            assert plot.getAxis(side).labelText, (plot, side)
            assert not plot.getAxis(side).style["showValues"], (plot, side)
    assert plots.by_setting.getAxis("bottom").labelText == "Latent dimensions"
    headers = [tab.view.table.horizontalHeaderItem(c) for c in range(tab.view.table.columnCount())]
    assert headers[2].text() == "Test loss"  # the objective's name from the start, not "Value"
    assert {h.text(): h.toolTip() for h in headers}["Latent"] == "Latent dimensions"
    plots.choose_setting("lr")
    assert plots.by_setting.getAxis("bottom").labelText == "Learning rate (log scale)"

    plots.show_trials([_record(4, "PRUNED", None, 1e-3, {1: 300.0})], "minimize")
    assert not plots._hints[plots.by_trial].isVisible()  # a pruned trial is drawn on the left...
    assert plots.by_trial.getAxis("bottom").style["showValues"]
    assert plots._hints[plots.by_setting].isVisible()  # ... but only complete ones on the right
    plots.show_trials([_record(4, "COMPLETE", 250.0, 1e-3, {1: 250.0})], "minimize")
    assert not any(plots._hints[plot].isVisible() for plot in empty)
    tab.show()  # pyqtgraph fits the range as it paints

    def fitted(plot, x):  # to the point, not left at 0..1
        (x0, x1), (y0, y1) = plot.viewRange()
        return x0 < x < x1 and y0 < 250.0 < y1

    qtbot.waitUntil(lambda: fitted(plots.by_trial, 4) and fitted(plots.by_setting, -3.0))


def test_a_typed_value_a_box_does_not_take_is_explained(qtbot, state):
    """As on the Train tab: "0" trials went back to 20 without a word."""
    tab = make_tab(qtbot, state)
    focus_window(qtbot, tab)
    trials = tab.form.trials_spin
    kept = trials.value()
    trials.setFocus()
    trials.selectAll()
    qtbot.keyClicks(trials, "0")
    tab.form.seed_spin.setFocus()  # leaving the box
    assert trials.value() == kept
    assert f"Trials must be from 1 to 100,000: 0 was not taken (it stays {kept})." in tab.error_text()
    trials.setFocus()
    trials.selectAll()
    qtbot.keyClicks(trials, "3")
    assert trials.value() == 3 and "was not taken" not in tab.error_text()


def test_on_a_tall_window_start_follows_the_form(qtbot, state):
    tab = make_tab(qtbot, state)
    tab.resize(1900, 1000)
    tab.show()
    qtbot.waitExposed(tab)
    # The form's own content (the form widget itself fills its scroll area's viewport).
    form_bottom = max(child.mapTo(tab, child.rect().bottomLeft()).y()
                      for child in tab.form.findChildren(QWidget) if child.isVisible())
    start_top = tab.start_button.mapTo(tab, tab.start_button.rect().topLeft()).y()
    assert 0 < start_top - form_bottom < 40, (form_bottom, start_top)
    tab.resize(1280, 360)  # short: the form scrolls, Start stays in view
    qtbot.wait(50)
    start_bottom = tab.start_button.mapTo(tab, tab.start_button.rect().bottomLeft()).y()
    assert start_bottom < tab.height()
    assert tab.form.parentWidget().parentWidget().verticalScrollBar().maximum() > 0


def test_either_enter_key_starts_and_start_is_not_a_default_button(qtbot, state, monkeypatch):
    # As on the Train tab: Ctrl with the main or the keypad Enter starts; Start is not drawn as
    # a default button, since Enter alone in a field only confirms the value.
    started = []
    monkeypatch.setattr(SweepTab, "start", lambda self: started.append(True))
    tab = make_tab(qtbot, state)
    focus_window(qtbot, tab)
    box = tab.form.epochs_spin
    box.setFocus()
    for modifiers in (Qt.ControlModifier, Qt.ControlModifier | Qt.KeypadModifier):
        key = Qt.Key_Return if modifiers == Qt.ControlModifier else Qt.Key_Enter
        qtbot.keyClick(box, key, modifiers)
    assert started == [True, True] and not tab.start_button.isDefault()
