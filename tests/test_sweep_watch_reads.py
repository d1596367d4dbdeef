"""Each tick of the Sweep tab's watch (core.sweep.watch_trials, every 2 s while the tab is shown)
reads the study's trials from the storage once, and builds nothing the watch does not show.

The bug: a tick read every trial twice (once for the table, once for a search space the watch
threw away) and the running ones a third time (to look for lost workers); on PostgreSQL or SQLite
each read is a query, and a study of many trials made each tick several times longer than needed.
What a tick returns is unchanged: every trial as stored, a trial whose worker is gone recorded
failed and shown lost."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import optuna
import pytest
from optuna.storages import JournalStorage, RDBStorage
from optuna.trial import TrialState

from vae_desktop.core import sweep
from vae_desktop.core.sweep import load_trials, lost, open_storage, watch_trials

optuna.logging.set_verbosity(optuna.logging.WARNING)
# The test asks for trials by hand, on storage that has heartbeats (Optuna expects optimize()).
pytestmark = pytest.mark.filterwarnings("ignore:Heartbeat of storage")


@pytest.fixture(params=["sqlite", "journal"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{(tmp_path / 'sweeps.db').as_posix()}"
    return f"journal://{(tmp_path / 'sweep.log').as_posix()}"


def running_trial(study: optuna.Study, pid: int) -> int:
    """A RUNNING trial noted by worker `pid` on this machine, as a sweep notes its worker."""
    trial = study.ask()
    trial.suggest_float("lr", 1e-4, 1e-2, log=True)
    trial.set_user_attr("settings", {"lr": trial.params["lr"], "epochs": 1})
    trial.set_user_attr(lost.WORKER_ATTR, lost.this_worker(trial.number, 30, 120, 0))
    trial.set_user_attr("host", socket.gethostname())
    trial.set_user_attr("pid", pid)
    return trial.number


def make_study(url: str, dead_worker: bool = False) -> None:
    """Study "w": two complete trials, one running in this process, and with `dead_worker` one
    whose worker process has ended."""
    study = optuna.create_study(storage=open_storage(url), study_name="w")
    study.set_user_attr("objective", "test_loss")
    for value in (210.0, 190.0):
        trial = study.ask()
        trial.suggest_float("lr", 1e-4, 1e-2, log=True)
        trial.set_user_attr("settings", {"lr": trial.params["lr"], "epochs": 1})
        study.tell(trial, value)
    running_trial(study, os.getpid())
    if dead_worker:
        ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                               capture_output=True, text=True, check=True)
        running_trial(study, int(ended.stdout))


def counting_reads(monkeypatch) -> list[str]:
    """Every read of a study's trials from the storage: each SQL query for trials (RDBStorage,
    through Optuna's cache or not) and each journal read."""
    reads: list[str] = []
    for cls, name in ((RDBStorage, "_get_trials"), (JournalStorage, "get_all_trials")):
        real = getattr(cls, name)

        def spy(self, *args, _real=real, _name=name, **kwargs):
            reads.append(_name)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, spy)
    return reads


def test_a_tick_reads_the_trials_once(url, monkeypatch):
    make_study(url)
    storage, first = watch_trials(url, "w")  # the first tick opens the storage
    reads = counting_reads(monkeypatch)
    storage, study = watch_trials(url, "w", storage)
    assert len(reads) == 1
    assert [(t.number, t.state, t.value, t.lost) for t in study.trials] == [
        (0, "COMPLETE", 210.0, False), (1, "COMPLETE", 190.0, False),
        (2, "RUNNING", None, False)]
    assert [t.to_dict() for t in study.trials] == [t.to_dict() for t in first.trials]
    assert [t.to_dict() for t in study.trials] == \
        [t.to_dict() for t in load_trials(url, "w").trials]


def test_a_tick_builds_no_search_space(url, monkeypatch):
    make_study(url)
    built = []
    monkeypatch.setattr(sweep.records, "search_space", lambda trials: built.append(1))
    storage, study = watch_trials(url, "w")
    watch_trials(url, "w", storage)
    assert built == [] and study.space is None
    assert len(study.trials) == 3


def test_a_tick_still_records_a_gone_worker_failed(url, monkeypatch):
    make_study(url, dead_worker=True)
    storage, study = watch_trials(url, "w")
    gone = study.trials[3]
    assert (gone.state, gone.lost) == ("FAIL", True)
    assert gone.note.startswith("its worker stopped (process ")
    assert study.trials[2].state == "RUNNING" and not study.trials[2].lost
    stored = load_trials(url, "w").trials[3]
    assert (stored.state, stored.lost, stored.note) == ("FAIL", True, gone.note)
    reads = counting_reads(monkeypatch)
    _, again = watch_trials(url, "w", storage)  # recorded: nothing more to write, one read
    assert len(reads) == 1
    assert [t.to_dict() for t in again.trials] == [t.to_dict() for t in study.trials]
    assert TrialState.FAIL.name == again.trials[3].state
