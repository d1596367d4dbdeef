"""Trials of one study share a budget, or the person chose to mix them: Start on an existing study
whose trials trained for other epochs or on other images asks first (the safe answer, the
default, runs nothing), and the table shows each trial's training images.

The audit of 2026-12-05 ran "demo" with 1 epoch on 1,000 images, then Start on the same name
with 3 epochs on 2,000: five trials, no warning, the best a 3-epoch trial among 1-epoch ones."""

from __future__ import annotations

from dataclasses import replace

import optuna
from PySide6.QtCore import Qt

from vae_desktop.core.sweep import SweepSpec, budget_differences, load_trials, run_sweep
from vae_desktop.gui.tabs.sweep.tab import SweepTab

optuna.logging.set_verbosity(optuna.logging.WARNING)
SMALL = dict(vary=("lr",), fixed={"latent_dim": 4, "hidden": 16}, seed=1)


def first_run(trials: int = 1):
    """Study "demo": trials of 1 epoch on 200 training images, scored on 100 test images."""
    return run_sweep(SweepSpec(trials=trials, epochs=1, train_size=200, test_size=100,
                               study="demo", **SMALL))


def test_budget_differences_name_each_part_that_differs():
    trials = first_run().trials
    same = SweepSpec(trials=5, epochs=1, train_size=200, test_size=100, study="demo", **SMALL)
    assert budget_differences(trials, same) == []
    other = SweepSpec(trials=5, epochs=3, train_size=2000, test_size=100, study="demo", **SMALL)
    assert budget_differences(trials, other) == [
        "1 epoch per trial where these settings say 3",
        "200 training images where these settings say 2,000"]
    everything = SweepSpec(epochs=1, train_size=None, test_size=None, study="demo", **SMALL)
    assert budget_differences(trials, everything) == [
        "200 training images where these settings say all 60,000",
        "100 test images where these settings say all 10,000"]
    # Trials of several other budgets: each value said once.
    trials[0].settings["epochs"] = 2
    more = [replace(trials[0], number=n, settings=dict(trials[0].settings)) for n in (1, 2)]
    more[0].settings.update(epochs=1, train_size=0)
    more[1].settings.update(epochs=1)
    assert budget_differences(trials + more, other) == [
        "1 or 2 epochs per trial where these settings say 3",
        "200 or all 60,000 training images where these settings say 2,000"]
    trials[0].settings["epochs"] = 1
    # A trial that does not say its test images (swept by an older version) is not counted.
    for trial in trials:
        trial.settings.pop("test_size")
    assert budget_differences(trials, everything) == [
        "200 training images where these settings say all 60,000"]


def make_tab(qtbot, state, answers: list[bool], asked: list[str], monkeypatch) -> SweepTab:
    def ask(self, text: str) -> bool:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(SweepTab, "ask_to_mix_budgets", ask)
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.form.space.set_vary(["lr"])
    tab.form.space.set_fixed("latent_dim", 4)
    tab.form.space.set_fixed("hidden", 16)
    tab.form.set_study_name("demo")
    return tab


def wait_until_idle(qtbot, tab: SweepTab) -> None:
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=60_000)


def test_start_on_a_study_of_another_budget_asks_and_the_safe_answer_runs_nothing(
        qtbot, state, monkeypatch):
    first_run()
    asked: list[str] = []
    tab = make_tab(qtbot, state, [False, True], asked, monkeypatch)
    tab.form.set_budget(trials=1, epochs=2, train_size=300, test_size=100)
    assert tab.start()
    wait_until_idle(qtbot, tab)
    assert len(asked) == 1
    assert "'demo'" in asked[0] and "1 epoch per trial where these settings say 2" in asked[0]
    assert "200 training images where these settings say 300" in asked[0]
    assert "Load" in asked[0] and "another study name" in asked[0]
    assert len(load_trials(None, "demo").trials) == 1  # nothing was added
    assert "No trial was run" in tab.view.status()
    assert tab.start_button.isEnabled()
    # The study stays shown and watched: other workers' trials still arrive (the watch stopped
    # when Start began and did not resume, so "● Live" went until the next Load).
    assert tab.watcher.watched == ("demo", None) and tab.watcher.timer.isActive()
    assert len(tab.view.trials) == 1

    assert tab.start()  # asked again: this time the person mixes them on purpose
    wait_until_idle(qtbot, tab)
    assert len(asked) == 2
    trials = load_trials(None, "demo").trials
    assert [t.settings["epochs"] for t in trials] == [1, 2]
    assert [t.settings["train_size"] for t in trials] == [200, 300]


def test_start_on_a_study_of_the_same_budget_asks_nothing(qtbot, state, monkeypatch):
    first_run()
    asked: list[str] = []
    tab = make_tab(qtbot, state, [], asked, monkeypatch)
    tab.form.set_budget(trials=1, epochs=1, train_size=200, test_size=100)
    assert tab.start()
    wait_until_idle(qtbot, tab)
    assert asked == [] and len(load_trials(None, "demo").trials) == 2


def test_the_question_defaults_to_not_mixing(qtbot, state, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []

    def exec_(box):
        shown.append((box.text(), box.defaultButton().text(), box.escapeButton().text(),
                      box.textFormat()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    assert tab.ask_to_mix_budgets("Study '<b>x</b>' already has trials.") is False
    [(text, default, escape, text_format)] = shown
    assert text == "Study '<b>x</b>' already has trials." and text_format == Qt.PlainText
    assert default == escape == "Don't mix"


def test_the_table_shows_each_trials_training_images(qtbot, state):
    study = first_run()
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.show_study(study)
    table = tab.view.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    column = headers.index("Images")
    assert table.column_texts(column) == ["200"]
    assert "100 test images" in table.item(0, column).toolTip()
    study.trials[0].settings["train_size"] = 0  # all of them
    tab.show_study(study)
    assert table.column_texts(column) == ["all"]
    # A trial that ended before its last epoch says how far it got.
    study.trials[0].settings["epochs"] = 3
    tab.show_study(study)
    assert table.column_texts(headers.index("Epochs")) == ["1 of 3"]


def test_every_column_fits_beside_the_form_at_1280x720(qtbot, state):
    """With the Images column the table still needs no horizontal scroll bar in the tab's room at
    1280x720 (1264 px: the main window's frame takes the rest)."""
    study = first_run()
    for trial in study.trials:  # a worker's name as long as a real machine's
        trial.host, trial.pid = "gpu-box-2", 123456
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.resize(1264, 640)
    tab.show()
    qtbot.waitExposed(tab)
    tab.show_study(study)
    table = tab.view.table
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0, timeout=2000)
    header = table.horizontalHeader()
    for column in range(table.columnCount()):  # no header cut short
        text = table.horizontalHeaderItem(column).text()
        assert header.sectionSize(column) >= header.fontMetrics().horizontalAdvance(text) + 8, \
            text
