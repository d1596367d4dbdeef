"""Workers sharing one study, on each kind of storage (SQLite, a journal file, PostgreSQL): they
start at the same instant on an empty database and together finish every trial; one killed in
the middle of a trial has it marked failed after the grace period and run again when asked; a
worker joining late sees every earlier trial and its sampler uses them."""

from __future__ import annotations

import re
import signal
import time

import optuna
import pytest
from optuna.trial import TrialState
from postgres_server import PASSWORD
from sweep_worker_support import (
    GRACE_S,
    HEARTBEAT_S,
    LR_RANGE,
    finished,
    forget_storages,
    tpe_suggestion,
    trials,
    trials_beside_frozen,
    wait_for,
)

from vae_desktop.cli import main
from vae_desktop.core.sweep import SweepError, SweepSpec, load_trials, open_storage, run_sweep
from vae_desktop.core.sweep.run import sampler_seed

optuna.logging.set_verbosity(optuna.logging.WARNING)


@pytest.fixture(params=["sqlite", "journal", "postgresql"])
def storage_url(request, tmp_path):
    """An empty storage of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'sweeps.db').as_posix()}"
    elif request.param == "journal":
        yield f"journal://{(tmp_path / 'sweep.log').as_posix()}"
    else:
        yield request.getfixturevalue("postgres_url")
    forget_storages()


def test_workers_start_together_die_and_join_late(storage_url, launch):
    study = "shared"
    # 1. Three workers of two trials each, and a fourth with long trials (ten epochs on more
    #    images) that will be killed, all start at one instant on the empty storage.
    start = launch("start")
    together = [start.add(storage_url, study, 2, seed) for seed in (1, 2, 3)]
    doomed = start.add(storage_url, study, 50, 4, "--epochs", "10", "--subset", "1000")
    start.release()
    for worker in together:
        assert worker.finish() == 0, worker.err
        # Nothing but, where the doomed worker made the study first, the note that its budget
        # is another (vae-desktop sweep adds the trials and says so).
        assert all(line.startswith("vae-desktop: note: study shared's trials used ")
                   for line in worker.err.strip().splitlines()), worker.err
        assert worker.out.count(" complete ") == 2 and "best: trial" in worker.out
    ran = trials(storage_url, study)
    by_together = [t for t in ran if t.user_attrs.get("settings", {}).get("epochs") == 1]
    assert len(by_together) == 6 and {t.state for t in by_together} == {TrialState.COMPLETE}
    assert len({t.number for t in ran}) == len(ran)  # no number handed out twice

    # 2. The fourth worker is killed in the middle of a trial: frozen (SIGSTOP) when a trial
    #    of its has an epoch in, and killed once the freeze is seen to have caught that trial
    #    unfinished.
    def caught_mid_trial():
        if not [t for t in trials(storage_url, study) if t.state == TrialState.RUNNING
                and t.intermediate_values]:
            return None
        doomed.signal(signal.SIGSTOP)
        now = trials_beside_frozen(storage_url, study)
        caught = [t for t in now or [] if t.state == TrialState.RUNNING]
        if not caught:  # it finished the trial in between, or was frozen mid-commit: go on
            doomed.signal(signal.SIGCONT)
        return caught

    [victim] = wait_for(caught_mid_trial, "the long worker's first epoch")
    silent_since = time.time()
    doomed.kill()
    assert trials(storage_url, study)[victim.number].state == TrialState.RUNNING  # left behind

    # 3. A worker joins late, once the grace period is over, and asks for retries. (It runs in
    #    this process: the workers above already run the command line.)
    earlier = trials(storage_url, study)
    # SQLite's clock (CURRENT_TIMESTAMP, which Optuna's heartbeat uses) counts whole seconds,
    # so a trial there can look alive up to a second past the grace period.
    time.sleep(max(0.0, silent_since + GRACE_S + 1.5 - time.time()))
    events = []
    run_sweep(SweepSpec(vary=("lr",), lr=LR_RANGE, fixed={"hidden": 16, "latent_dim": 2},
                        trials=2, epochs=1, train_size=200, test_size=100, storage=storage_url,
                        study=study, seed=5, prune=False, heartbeat_s=HEARTBEAT_S,
                        grace_s=GRACE_S, retry_failed=1), events.append)
    assert events[0]["existing_trials"] == len(earlier)  # it saw every earlier trial
    after = trials(storage_url, study)
    assert len(after) == len(earlier) + 2
    assert after[victim.number].state == TrialState.FAIL  # marked failed by the late worker
    retry, fresh = after[len(earlier):]
    assert retry.system_attrs.get("failed_trial") == victim.number
    assert retry.state == TrialState.COMPLETE and retry.params == victim.params
    records = {t.number: t for t in load_trials(storage_url, study).trials}
    assert "its worker stopped" in records[victim.number].note
    assert records[retry.number].note == f"a new try of trial {victim.number}, whose worker stopped"
    # Its sampler used every earlier trial: TPE fitted to them suggests exactly this lr, and
    # one that saw none would not have.
    seed = sampler_seed(5, len(earlier))
    assert fresh.state == TrialState.COMPLETE
    assert fresh.params["lr"] == pytest.approx(tpe_suggestion(after[:-1], seed))
    assert fresh.params["lr"] != pytest.approx(tpe_suggestion([], seed))

    everything = "".join(w.out + w.err for w in start.workers) + repr(events)
    assert PASSWORD not in everything


@pytest.mark.filterwarnings("ignore:Heartbeat of storage is supposed to be used")
def test_a_stale_trial_is_failed_but_run_again_only_when_asked(tmp_path):
    url = f"journal://{(tmp_path / 'sweep.log').as_posix()}"
    tiny = dict(vary=("lr",), trials=1, epochs=1, train_size=200, test_size=100, storage=url,
                study="stale", fixed={"hidden": 16, "latent_dim": 2}, heartbeat_s=1, grace_s=2)
    storage = open_storage(url)
    study = optuna.create_study(storage=storage, study_name="stale")
    dead = study.ask({"lr": optuna.distributions.FloatDistribution(1e-4, 1e-2, log=True)})
    # Its worker's last heartbeat, a minute ago (the journal's heartbeat is a time it notes).
    storage.set_trial_system_attr(dead._trial_id, "heartbeat", time.time() - 60)
    run_sweep(SweepSpec(**tiny))
    first = optuna.load_study(study_name="stale", storage=open_storage(url)).get_trials()
    assert [t.state for t in first] == [TrialState.FAIL, TrialState.COMPLETE]
    assert "failed_trial" not in first[1].system_attrs  # not asked: a new trial, no retry

    again = study.ask({"lr": optuna.distributions.FloatDistribution(1e-4, 1e-2, log=True)})
    storage.set_trial_system_attr(again._trial_id, "heartbeat", time.time() - 60)
    run_sweep(SweepSpec(**{**tiny, "retry_failed": 1}))
    second = optuna.load_study(study_name="stale", storage=open_storage(url)).get_trials()
    assert second[2].state == TrialState.FAIL
    assert second[3].system_attrs["failed_trial"] == 2
    assert second[3].params == second[2].params
    assert finished(second) == [1, 3]


@pytest.mark.parametrize("settings, words", [
    (dict(heartbeat_s=0), "the heartbeat interval must be a whole number of seconds, 1 or more"),
    (dict(heartbeat_s=5, grace_s=5), "the grace period must be a whole number of seconds above "
                                     "the heartbeat interval (5 s), got 5"),
    (dict(retry_failed=-1), "retries of failed trials must be an integer, 0 or more"),
])
def test_heartbeat_grace_and_retries_are_checked(settings, words):
    with pytest.raises(SweepError, match=re.escape(words)):
        SweepSpec(**settings)


def test_the_command_line_refuses_a_grace_period_within_the_heartbeat(capsys):
    assert main(["sweep", "--heartbeat", "10", "--grace", "10"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("vae-desktop: error: the grace period must be") and "\n" not in err


@pytest.mark.parametrize("url, words", [
    ("journal://sweep.log", "needs an absolute path after journal://"),
    ("journal:///no/such/folder/sweep.log", "the folder /no/such/folder does not exist"),
])
def test_bad_journal_urls_get_a_clear_message(url, words):
    with pytest.raises(SweepError, match=words):
        open_storage(url)


def test_the_sweep_tab_runs_on_a_journal_file(qtbot, state, tmp_path):
    from vae_desktop.gui.tabs.sweep.tab import SweepTab

    url = f"journal://{(tmp_path / 'sweep.log').as_posix()}"
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.form.space.set_vary(["lr"])
    tab.form.space.set_fixed("hidden", 16)
    tab.form.space.set_fixed("latent_dim", 2)
    tab.form.set_budget(trials=2, epochs=1, train_size=200, test_size=100)
    tab.form.set_study_name("journal-gui")
    tab.form.set_storage(url)
    assert tab.start()
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=120_000)
    assert tab.error_text() == ""
    assert tab.view.table.column_texts(1) == ["complete", "complete"]
    assert [t.state for t in load_trials(url, "journal-gui").trials] == ["COMPLETE", "COMPLETE"]
