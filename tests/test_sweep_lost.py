"""A sweep worker killed with `kill -9` leaves its trial RUNNING in the storage. Whoever reads the
study next (the Sweep tab, another worker) sees it as lost and records it failed, as Optuna's
heartbeat does: at once when the worker ran on this machine and its process is gone, after the
trial's grace period when the worker was elsewhere and its heartbeat stopped. Its worker's wish
for a retry is kept, and the table and live header call the trial lost, not running."""

from __future__ import annotations

import os
import socket
import sqlite3

import optuna
import pytest
from optuna.trial import TrialState
from sweep_worker_support import forget_storages, forked_worker, running_trial_of, trials

from vae_desktop.core.sweep import SweepSpec, load_trials, open_storage

optuna.logging.set_verbosity(optuna.logging.WARNING)
HOST = socket.gethostname()


@pytest.fixture
def url(tmp_path):
    yield f"sqlite:///{(tmp_path / 'sweeps.db').as_posix()}"
    forget_storages()


def long_trial(url: str, study: str, **extra) -> SweepSpec:
    """One trial that would train for minutes: it is killed long before it ends."""
    return SweepSpec(vary=("lr",), fixed={"hidden": 16, "latent_dim": 2}, trials=1, epochs=200,
                     train_size=2000, test_size=100, storage=url, study=study, prune=False,
                     **extra)


@pytest.fixture
def killed(url):
    """kill(study, host=None, **spec) -> (pid, trial): a real worker forked on `study`, killed
    with SIGKILL in the middle of its trial and left unreaped (a zombie, as its parent has not
    waited for it yet); reaped after the test."""
    workers = []

    def kill(study: str, host: str | None = None, **extra):
        worker = forked_worker(long_trial(url, study, **extra), host)
        workers.append(worker)
        trial = running_trial_of(url, study, worker)
        worker.kill(reap=False)
        return worker.pid, trial

    yield kill
    for worker in workers:
        if worker.running():
            worker.kill(reap=False)
        worker.reap()


def test_a_worker_killed_on_this_machine_is_lost_at_once(url, killed):
    pid, victim = killed("crash")
    assert trials(url, "crash")[0].state == TrialState.RUNNING  # left behind by the worker

    study = load_trials(url, "crash", fail_lost=True)  # long before its 120 s grace period
    [record] = study.trials
    assert record.state == "FAIL" and record.label == "lost"
    assert record.note == f"its worker stopped (process {pid} on {HOST} is gone)"
    assert record.duration_s is None  # when it stopped is not known: not when it was noticed
    assert trials(url, "crash")[0].state == TrialState.FAIL  # recorded in the study itself
    assert len(trials(url, "crash")) == 1  # its worker asked for no retry
    # Read again (another watcher, the next session): still lost, once.
    again = load_trials(url, "crash", fail_lost=True).trials
    assert [(t.label, t.note) for t in again] == [("lost", record.note)]


def test_a_lost_trial_is_run_again_when_its_worker_asked(url, killed):
    pid, victim = killed("retried", retry_failed=1)
    study = load_trials(url, "retried", fail_lost=True)
    lost, retry = study.trials
    assert (lost.label, retry.state) == ("lost", "WAITING")
    stored = trials(url, "retried")
    assert stored[1].system_attrs["failed_trial"] == victim.number
    assert stored[1].params == victim.params and "lr" in victim.params
    assert "lost" not in stored[1].user_attrs  # the new try is not lost itself
    assert retry.note == f"a new try of trial {victim.number}, whose worker stopped"


def test_a_silent_worker_elsewhere_is_lost_after_its_grace_period(url, killed):
    pid, victim = killed("far", host="far-away-box")
    # Its process cannot be looked at from here: only its heartbeat tells, and it is recent.
    [record] = load_trials(url, "far", fail_lost=True).trials
    assert record.state == "RUNNING" and record.label == "running"
    # Two minutes and ten seconds later (the heartbeat moved back instead of waiting).
    with sqlite3.connect(url.split(":///", 1)[1]) as db:
        db.execute("UPDATE trial_heartbeats SET heartbeat = datetime(heartbeat, '-130 seconds')")
    [record] = load_trials(url, "far", fail_lost=True).trials
    assert record.state == "FAIL" and record.label == "lost"
    assert record.note.startswith(f"its worker stopped: process {pid} on far-away-box sent no "
                                  "heartbeat for 13")  # 130 s, or a second more
    assert record.note.endswith(" s (the grace period is 120 s)")


@pytest.mark.filterwarnings("ignore:Heartbeat of storage is supposed to be used")
def test_a_process_id_taken_by_another_process_is_not_the_worker(url):
    """This test's own process plays a process that got a dead worker's id: a live process at
    that id that started at another time than the worker is not the worker."""
    from vae_desktop.core.sweep.lost import this_worker

    storage = open_storage(url)
    study = optuna.create_study(storage=storage, study_name="reused")
    for started in ("another start", None):
        trial = study.ask({"lr": optuna.distributions.FloatDistribution(1e-4, 1e-2, log=True)})
        worker = this_worker(trial.number, heartbeat_s=30, grace_s=120, retry_failed=0)
        if started is not None:
            worker["process"] = started
        for key, value in (("worker", worker), ("host", HOST), ("pid", os.getpid())):
            trial.set_user_attr(key, value)
        storage.record_heartbeat(trial._trial_id)
    reused, alive = load_trials(url, "reused", fail_lost=True).trials
    assert (reused.label, reused.note) == (
        "lost", f"its worker stopped (process {os.getpid()} on {HOST} is gone)")
    assert alive.state == "RUNNING" and alive.label == "running"  # this very process: alive


def test_the_tab_shows_the_lost_trial_and_no_worker_running(qtbot, state, url, killed):
    from vae_desktop.gui.tabs.sweep.tab import SweepTab
    from vae_desktop.gui.tabs.sweep.trial_table import TIME_COLUMN

    pid, _ = killed("gui-crash")
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.watcher.timer.setInterval(200)
    tab.resize(1280, 720)
    tab.show()
    qtbot.waitExposed(tab)
    tab.form.set_storage(url)
    tab.form.set_study_name("gui-crash")
    tab.load_study()
    qtbot.waitUntil(lambda: "● Live" in tab.view.live_label.text(), timeout=20_000)
    table = tab.view.table
    assert table.column_texts(1) == ["lost"]
    assert table.item(0, 1).toolTip() == (f"Lost: its worker stopped (process {pid} on {HOST} "
                                          "is gone).")
    assert table.column_texts(TIME_COLUMN) == ["–"]  # not the time until someone noticed
    live = tab.view.live_label.text()
    assert "running" not in live and "1 lost" in live, live
    assert f"Trial 0 lost: its worker stopped (process {pid} on {HOST} is gone)." \
        in tab.view.live_label.toolTip()
    assert trials(url, "gui-crash")[0].state == TrialState.FAIL
