"""The Sweep tab watches a study: trials another process runs on the same storage (a journal file
or PostgreSQL) appear in the table and plots while they run and as they finish, with the worker
(machine and process) that ran each, without anyone pressing anything; reads happen only while
the tab is shown, and none of the tab's storage calls runs on the GUI thread, however slow the
storage is."""

from __future__ import annotations

import os
import socket
import threading
import time

import optuna
import pytest
from optuna.storages import BaseStorage
from postgres_server import PASSWORD
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel
from sweep_worker_support import forget_storages

from vae_desktop.core import sweep
from vae_desktop.core.sweep import TrialRecord, backends
from vae_desktop.gui.tabs.sweep.study_view import StudyView
from vae_desktop.gui.tabs.sweep.tab import SweepTab
from vae_desktop.gui.tabs.sweep.trial_table import WORKER_COLUMN

optuna.logging.set_verbosity(optuna.logging.WARNING)
READ_EVERY_MS = 200  # the tests' watch interval (the app's is 2 s)


def shown_tab(qtbot, state, url: str, study: str) -> SweepTab:
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.watcher.timer.setInterval(READ_EVERY_MS)
    tab.resize(1280, 720)
    tab.show()
    qtbot.waitExposed(tab)
    tab.form.set_storage(url)
    tab.form.set_study_name(study)
    return tab


def empty_study(url: str, name: str) -> None:
    optuna.create_study(storage=sweep.open_storage(url), study_name=name)


@pytest.fixture(params=["journal", "postgresql"])
def shared_url(request, tmp_path):
    if request.param == "journal":
        yield f"journal://{(tmp_path / 'sweep.log').as_posix()}"
    else:
        yield request.getfixturevalue("postgres_url")
    forget_storages()


def test_trials_of_another_process_arrive_live_with_their_worker(qtbot, state, shared_url,
                                                                 launch):
    empty_study(shared_url, "live")
    tab = shown_tab(qtbot, state, shared_url, "live")
    tab.load_study()  # the one thing the user does: load the study, and watch
    qtbot.waitUntil(lambda: "● Live" in tab.view.live_label.text(), timeout=20_000)
    assert tab.view.table.rowCount() == 0

    start = launch("other")
    # The first trial waits, running, until the table has shown it: a trial of four epochs on
    # 2000 images once took 0.2 s, and ended between two reads.
    worker = start.add(shared_url, "live", 2, 7, hold=True)
    start.release()
    table = tab.view.table
    me = f"{socket.gethostname()} · {worker.pid}"
    def running_there() -> bool:
        return ("running", me) in zip(table.column_texts(1), table.column_texts(WORKER_COLUMN),
                                      strict=True)

    try:
        qtbot.waitUntil(running_there, timeout=120_000)
    except qtbot.TimeoutError:
        worker.open_gate()
        worker.finish(timeout=60)
        pytest.fail(f"the worker's trial was never shown running; the table: "
                    f"{table.column_texts(1)}; the worker's output: {worker.out} {worker.err}")
    assert "1 running on 1 worker ·" in tab.view.live_label.text()
    worker.open_gate()
    qtbot.waitUntil(lambda: table.column_texts(1) == ["complete", "complete"], timeout=120_000)
    assert worker.finish() == 0, worker.err

    assert table.column_texts(WORKER_COLUMN) == [me, me]
    assert len(tab.view.plots.done_curve.getData()[0]) == 2
    assert "Study <b>live</b>" in tab.view.status() and ": 2 trials, best" in tab.view.status()
    assert not tab.is_running()  # this tab ran nothing
    shown = [label.text() for label in tab.findChildren(QLabel)] + [tab.form.storage_edit.text()]
    assert PASSWORD not in repr(shown)


def test_the_tabs_own_sweep_shows_its_worker(qtbot, state, tmp_path):
    url = f"journal://{(tmp_path / 'sweep.log').as_posix()}"
    tab = shown_tab(qtbot, state, url, "mine")
    tab.form.space.set_vary(["lr"])
    tab.form.space.set_fixed("hidden", 16)
    tab.form.space.set_fixed("latent_dim", 2)
    tab.form.set_budget(trials=1, epochs=1, train_size=200, test_size=100)
    assert tab.start()
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=120_000)
    assert tab.view.table.column_texts(WORKER_COLUMN) == [f"{socket.gethostname()} · {os.getpid()}"]
    [stored] = sweep.load_trials(url, "mine").trials
    assert (stored.host, stored.pid) == (socket.gethostname(), os.getpid())


def test_the_study_is_read_only_while_the_tab_is_shown(qtbot, state, tmp_path, monkeypatch):
    url = f"sqlite:///{(tmp_path / 'sweeps.db').as_posix()}"
    empty_study(url, "quiet")
    reads = []
    real = sweep.watch_trials
    monkeypatch.setattr(sweep, "watch_trials", lambda *args: reads.append(1) or real(*args))
    tab = shown_tab(qtbot, state, url, "quiet")
    tab.load_study()
    qtbot.waitUntil(lambda: len(reads) >= 3, timeout=20_000)  # every 200 ms
    tab.hide()
    qtbot.waitUntil(lambda: not tab.jobs, timeout=20_000)
    hidden_at = len(reads)
    qtbot.wait(5 * READ_EVERY_MS)
    assert len(reads) == hidden_at  # no reads while hidden
    tab.show()
    qtbot.waitUntil(lambda: len(reads) > hidden_at, timeout=5_000)  # at once when shown again


def test_no_storage_call_of_the_tab_runs_on_the_gui_thread(qtbot, state, tmp_path, monkeypatch):
    """Listing, loading and watching with a storage whose every call takes 0.3 s (fifteen ticks
    of the GUI thread's timer): the GUI thread goes on meanwhile (its timer ticks during each
    call). Then a sweep (its calls 0.05 s, to keep the test short). None of the calls is on the GUI thread."""
    url = f"journal://{(tmp_path / 'sweep.log').as_posix()}"
    empty_study(url, "slow")
    ticks = [0]
    ticker = QTimer()
    ticker.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    ticker.start(20)
    slow_s = 0.3
    delay = [slow_s]
    calls: list[tuple[str, bool, int, float]] = []  # (method, on the GUI thread, GUI ticks
    # during it, its delay)
    cls = backends.JournalSweepStorage

    def slowed(name, method):
        def call(*args, **kwargs):
            before, seconds = ticks[0], delay[0]
            time.sleep(seconds)
            calls.append((name, threading.current_thread() is threading.main_thread(),
                          ticks[0] - before, seconds))
            return method(*args, **kwargs)
        return call

    for name in ["__init__", *[n for n in dir(BaseStorage) if not n.startswith("_")]]:
        if callable(getattr(cls, name, None)):
            monkeypatch.setattr(cls, name, slowed(name, getattr(cls, name)))

    tab = shown_tab(qtbot, state, url, "slow")  # lists the storage's studies
    qtbot.waitUntil(lambda: tab.form.studies() == ["slow"], timeout=30_000)
    tab.load_study()
    assert "Loading study slow" in tab.view.status()  # the GUI goes on while it loads
    qtbot.waitUntil(lambda: "● Live" in tab.view.live_label.text(), timeout=30_000)
    assert tab.watcher.watched == ("slow", url)
    delay[0] = 0.05
    tab.form.space.set_vary(["lr"])
    tab.form.space.set_fixed("hidden", 16)
    tab.form.space.set_fixed("latent_dim", 2)
    tab.form.set_budget(trials=1, epochs=1, train_size=200, test_size=100)
    assert tab.start()
    qtbot.waitUntil(lambda: "running" in tab.view.table.column_texts(1), timeout=60_000)
    tab.stop()
    tab.stop()  # at once: the test is about the calls, not the trial
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=120_000)
    ticker.stop()

    slow = [(name, during) for name, _, during, seconds in calls if seconds == slow_s]
    assert {"__init__", "get_all_studies", "get_all_trials"} <= {name for name, _ in slow}
    assert all(during > 0 for _, during in slow)  # the GUI thread was never held up
    assert "create_new_trial" in {name for name, *_ in calls}  # the sweep's calls, too
    assert not [name for name, on_gui, *_ in calls if on_gui]


def _record(number: int, state: str, intermediate: dict, host: str = "") -> TrialRecord:
    return TrialRecord(number, state, None, {"lr": 1e-3}, {"lr": 1e-3}, intermediate, None,
                       host=host)


def test_a_read_older_than_the_tabs_own_events_does_not_undo_them(qtbot):
    view = StudyView()
    qtbot.addWidget(view)
    view.show_study("s", "test_loss", "minimize", [], same_study=False)
    view.put_trial(_record(0, "RUNNING", {1: 300.0, 2: 250.0}))  # the sweep's own events
    view.put_trial(TrialRecord(1, "COMPLETE", 200.0, {"lr": 1e-3}, {"lr": 1e-3}, {1: 200.0}, 1.0))
    # Read before those events arrived; trial 2 is another worker's.
    read = [_record(0, "RUNNING", {1: 300.0}), _record(1, "RUNNING", {}),
            _record(2, "RUNNING", {}, host="box-2")]
    assert view.merge_trials(read)
    assert view.trials[0].intermediate == {1: 300.0, 2: 250.0}
    assert view.trials[1].state == "COMPLETE"
    assert view.table.column_texts(WORKER_COLUMN) == ["–", "–", "box-2"]
    assert not view.merge_trials(read)  # nothing new: no redraw
