"""The Sweep tab's jobs: shutdown stops the sweep and waits for every storage call (which may talk
to a slow, remote database), and a reply to an older request never shows another study's trials
or another storage's studies."""

from __future__ import annotations

import threading
import time

import optuna
from optuna.distributions import FloatDistribution

from vae_desktop.core import sweep
from vae_desktop.core.sweep import SweepStudy, TrialRecord, load_trials
from vae_desktop.gui.tabs.sweep.tab import SweepTab

optuna.logging.set_verbosity(optuna.logging.WARNING)


def make_tab(qtbot, state) -> SweepTab:
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    return tab


def make_study(name: str, trials: int, url: str | None = None) -> None:
    """A stored study with `trials` complete trials (no training needed)."""
    study = optuna.create_study(storage=url or sweep.default_storage_url(), study_name=name)
    study.set_user_attr("objective", "test_loss")
    for i in range(trials):
        study.add_trial(optuna.trial.create_trial(
            params={"lr": 1e-3 * (i + 1)}, distributions={"lr": FloatDistribution(1e-4, 1e-1)},
            value=100.0 + i))


def slowed(monkeypatch, name: str, seconds: float, when=lambda *args: True) -> threading.Event:
    """Make core.sweep.<name> take `seconds` longer when `when(*args)`; the event is set as
    each slowed call ends."""
    real = getattr(sweep, name)
    ended = threading.Event()

    def slow(*args, **kwargs):
        if not when(*args):
            return real(*args, **kwargs)
        time.sleep(seconds)
        try:
            return real(*args, **kwargs)
        finally:
            ended.set()

    monkeypatch.setattr(sweep, name, slow)
    return ended


def test_shutdown_waits_for_the_tabs_storage_calls(qtbot, state, monkeypatch):
    loaded = slowed(monkeypatch, "load_trials", 0.5)
    listed = slowed(monkeypatch, "list_studies", 0.5)
    tab = make_tab(qtbot, state)
    tab.load_study()
    tab.form.set_storage(sweep.default_storage_url())  # lists its studies
    assert {job.name for job in tab.jobs} == {"load study vae-sweep", "list studies"}
    assert tab.busy_reason() is None  # a storage call does not hold the window open
    assert tab.shutdown(timeout_s=10)
    assert loaded.is_set() and listed.is_set()
    assert not any(job.running for job in tab.jobs)


def test_shutdown_stops_a_sweep_at_once_and_waits_for_it(qtbot, state):
    tab = make_tab(qtbot, state)
    tab.form.space.set_fixed("hidden", 16)
    tab.form.set_budget(trials=3, epochs=500, train_size=5000, test_size=200)
    tab.form.set_study_name("closing")
    assert tab.start()
    # In its batches (the first Adam of a process spends seconds importing torch._dynamo).
    qtbot.waitUntil(lambda: "epoch 1 of 500" in tab.view.status(), timeout=60_000)
    assert tab.busy_reason() == "A sweep is running."
    assert tab.shutdown(timeout_s=30)  # (a loaded machine may take more than the 2 s it allows)
    assert not any(job.running for job in tab.jobs)
    stored = load_trials(None, "closing").trials  # no trial left RUNNING in the storage
    assert [(t.state, t.stopped) for t in stored] == [("PRUNED", True)]
    # At once: in the epoch it was in, not after it (nor after the trial's 500).
    assert len(stored[0].intermediate) <= 1


def test_a_slow_load_of_another_study_does_not_replace_the_one_asked_for_last(
        qtbot, state, monkeypatch):
    make_study("first", 1)
    make_study("second", 2)
    first_done = slowed(monkeypatch, "load_trials", 0.5, when=lambda storage, name: name == "first")
    tab = make_tab(qtbot, state)
    tab.form.set_study_name("first")
    tab.load_study()
    tab.form.set_study_name("second")
    tab.load_study()
    qtbot.waitUntil(lambda: first_done.is_set() and not any(
        job.name.startswith("load") for job in tab.jobs), timeout=20_000)
    qtbot.wait(50)  # any reply still queued is delivered
    assert tab.view.name == "second" and tab.view.table.column_texts(0) == ["0", "1"]
    assert "second" in tab.view.status()


def test_a_load_under_way_does_not_replace_the_sweep_started_after_it(qtbot, state, monkeypatch):
    make_study("old", 3)
    old_done = slowed(monkeypatch, "load_trials", 0.5, when=lambda storage, name: name == "old")
    tab = make_tab(qtbot, state)
    tab.form.set_study_name("old")
    tab.load_study()
    tab.form.space.set_fixed("hidden", 16)
    tab.form.set_budget(trials=1, epochs=500, train_size=2000, test_size=200)
    tab.form.set_study_name("new")
    assert tab.start()
    qtbot.waitUntil(lambda: old_done.is_set() and not any(
        job.name.startswith("load") for job in tab.jobs), timeout=20_000)
    qtbot.waitUntil(lambda: bool(tab.view.trials), timeout=60_000)
    assert tab.is_running()  # the sweep's view, not the old study's three trials
    assert tab.view.name == "new" and tab.view.table.column_texts(1) == ["running"]
    assert tab.shutdown(timeout_s=30)  # the first Adam of a process may be importing still


def test_a_selected_trial_does_not_stay_selected_in_another_study(qtbot, state):
    make_study("other", 3)
    tab = make_tab(qtbot, state)
    records = [TrialRecord(n, "COMPLETE", 100.0 + n, {"lr": 1e-3}, {"lr": 1e-3}, {1: 100.0},
                           1.0, checkpoint=f"/nowhere/trial-{n}.pt") for n in range(3)]
    tab.show_study(SweepStudy("shown", "sqlite:///x.db", "test_loss", None, "minimize", records))
    assert tab.select_trial(1) and tab.view.open_button.isEnabled()
    tab.form.set_study_name("other")
    tab.load_study()
    qtbot.waitUntil(lambda: tab.view.name == "other", timeout=20_000)
    assert tab.view.table.rowCount() == 3
    assert tab.selected_trial() is None and not tab.view.open_button.isEnabled()


def test_a_failed_load_clears_the_study_shown_before(qtbot, state):
    make_study("there", 2)
    tab = make_tab(qtbot, state)
    tab.form.set_study_name("there")
    tab.load_study()
    qtbot.waitUntil(lambda: tab.view.table.rowCount() == 2, timeout=20_000)
    tab.form.set_study_name("not-there")
    tab.load_study()
    qtbot.waitUntil(lambda: "no study named 'not-there'" in tab.study_message(), timeout=20_000)
    assert tab.view.table.rowCount() == 0 and tab.view.name == "not-there"
    assert "Best: –" == tab.view.best_label.text()


def test_the_study_list_is_the_storage_shown(qtbot, state, tmp_path, monkeypatch):
    slow_url = f"sqlite:///{(tmp_path / 'slow.db').as_posix()}"
    fast_url = f"sqlite:///{(tmp_path / 'fast.db').as_posix()}"
    make_study("in-slow", 0, slow_url)
    make_study("in-fast", 0, fast_url)
    slow_done = slowed(monkeypatch, "list_studies", 0.5, when=lambda url: url == slow_url)
    tab = make_tab(qtbot, state)
    tab.form.set_storage(slow_url)
    tab.form.set_storage(fast_url)
    qtbot.waitUntil(lambda: slow_done.is_set() and not tab.jobs, timeout=20_000)
    qtbot.wait(50)
    assert tab.form.studies() == ["in-fast"]
