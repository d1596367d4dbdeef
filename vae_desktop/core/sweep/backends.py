"""The Optuna storages a sweep uses, each with a heartbeat for its running trials: a database
(SQLite, PostgreSQL, ...) through Optuna's RDBStorage, whose heartbeats are a table of their own,
and a journal file, whose heartbeats are a system attribute of each trial; and the callback that
runs a trial again once its worker is lost (retry_callback). Opening them: storage.py."""

from __future__ import annotations

import copy
import time
import warnings
from collections.abc import Callable

import optuna
from optuna.storages._heartbeat import BaseHeartbeat
from optuna.trial import FrozenTrial, TrialState

from .lost import LOST_ATTR, WORKER_ATTR

HEARTBEAT_ATTR = "heartbeat"  # a journal trial's last sign of life (Unix time), a system attribute

try:  # Optuna >= 4.0
    from optuna.storages.journal import JournalFileBackend
except ImportError:  # pragma: no cover - Optuna 3.x
    from optuna.storages import JournalFileStorage as JournalFileBackend

# Optuna 4.9 renamed RetryFailedTrialCallback; the old name still works, with a warning.
RetryStaleTrial = getattr(optuna.storages, "RetryHeartbeatStaleTrialCallback",
                          optuna.storages.RetryFailedTrialCallback)
StaleTrialCallback = Callable[[optuna.Study, FrozenTrial], None]
# What a new try of a lost trial does not take over from it: the note of its dead worker (the
# table's Worker column would name that one until the new worker notes itself), why it was lost,
# its epochs and checkpoint. Its settings stay: the new try trains with them.
NOT_RETRIED = ("host", "pid", WORKER_ATTR, LOST_ATTR, "note", "epochs", "checkpoint", "stopped")


class _RetryLost(RetryStaleTrial):
    """Optuna's retry of a trial whose worker went silent, queued without that worker's notes."""

    def __call__(self, study: optuna.Study, trial: FrozenTrial) -> None:
        trial = copy.copy(trial)
        trial.user_attrs = {k: v for k, v in trial.user_attrs.items() if k not in NOT_RETRIED}
        super().__call__(study, trial)


def retry_callback(max_retry: int) -> StaleTrialCallback | None:
    """The callback that runs a lost trial again, up to `max_retry` times (0: never)."""
    if not max_retry:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # experimental, or its deprecated name
        return _RetryLost(max_retry=max_retry)


class RDBSweepStorage(optuna.storages.RDBStorage):
    """Optuna's database storage, whose heartbeat never fails in its own thread, and which tells
    how long ago each running trial's heartbeat came (heartbeat_ages)."""

    def __init__(self, url: str, heartbeat_interval: int | None = None, **kwargs) -> None:
        """As Optuna's, but its heartbeat interval is set here: given to Optuna, it warns each
        time that the argument is experimental, on the user's terminal. Silencing that with
        warnings.catch_warnings() around the call was not thread-safe: another thread's
        catch_warnings ending meanwhile put back the process's filters without it
        (tests/test_sweep_storage_warning.py)."""
        if heartbeat_interval is not None and heartbeat_interval <= 0:
            raise ValueError("The value of `heartbeat_interval` should be a positive integer.")
        super().__init__(url, **kwargs)
        self.heartbeat_interval = heartbeat_interval  # what get_heartbeat_interval returns

    def record_heartbeat(self, trial_id: int) -> None:
        # Runs in Optuna's heartbeat thread, where an exception would only print a traceback: a
        # server that cannot be reached is reported by the trial's own next storage call.
        try:
            super().record_heartbeat(trial_id)
        except Exception:  # noqa: BLE001 - see above
            pass

    def heartbeat_ages(self, study_id: int, running: list[FrozenTrial] | None = None
                       ) -> dict[int, float]:
        """Seconds since each running trial's last heartbeat, by trial id (one that sent none is
        left out), on the database's clock, as Optuna's own check for stale trials reads it.
        (`running`, the running trials as read, serves the journal's; here the heartbeats are
        a table of their own.)"""
        import sqlalchemy
        from optuna.storages._rdb import models
        from optuna.storages._rdb.storage import _create_scoped_session

        with _create_scoped_session(self.scoped_session) as session:
            now = session.execute(sqlalchemy.func.now()).scalar()
            rows = (session.query(models.TrialModel.trial_id, models.TrialHeartbeatModel.heartbeat)
                    .join(models.TrialHeartbeatModel,
                          models.TrialHeartbeatModel.trial_id == models.TrialModel.trial_id)
                    .filter(models.TrialModel.study_id == study_id)
                    .filter(models.TrialModel.state == TrialState.RUNNING).all())
        now = now.replace(tzinfo=None)  # PostgreSQL's is aware, its stored times are not
        return {trial_id: (now - beat.replace(tzinfo=None)).total_seconds()
                for trial_id, beat in rows}


class JournalSweepStorage(optuna.storages.JournalStorage, BaseHeartbeat):
    """Optuna's journal storage, plus the heartbeat its RDB storage has: each running trial notes
    the time in a system attribute, and a RUNNING trial whose note is older than the grace period
    is stale. The times are the workers' clocks, which must agree to well within the grace period."""

    def __init__(self, url: str, path: str, heartbeat_s: int, grace_s: int,
                 stale_callback: StaleTrialCallback | None) -> None:
        super().__init__(JournalFileBackend(path))
        self.url = url
        self.heartbeat_s, self.grace_s, self.stale_callback = heartbeat_s, grace_s, stale_callback

    def record_heartbeat(self, trial_id: int) -> None:
        try:
            self.set_trial_system_attr(trial_id, HEARTBEAT_ATTR, time.time())
        except Exception:  # noqa: BLE001 - as in RDBSweepStorage: the trial's next call reports it
            pass

    def heartbeat_ages(self, study_id: int, running: list[FrozenTrial] | None = None
                       ) -> dict[int, float]:
        """Seconds since each running trial's last heartbeat, by trial id (see RDBSweepStorage),
        from `running` where the caller has just read them."""
        now = time.time()
        if running is None:
            running = self.get_all_trials(study_id, deepcopy=False, states=(TrialState.RUNNING,))
        return {t._trial_id: now - t.system_attrs[HEARTBEAT_ATTR] for t in running
                if isinstance(t.system_attrs.get(HEARTBEAT_ATTR), (int, float))}

    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        return [trial_id for trial_id, age in self.heartbeat_ages(study_id).items()
                if age > self.grace_s]

    def get_heartbeat_interval(self) -> int:
        return self.heartbeat_s

    def get_heartbeat_stale_trial_callback(self) -> StaleTrialCallback | None:
        return self.stale_callback

    get_failed_trial_callback = get_heartbeat_stale_trial_callback  # its name before Optuna 4.9


SweepStorage = RDBSweepStorage | JournalSweepStorage
