"""The trials of a study as read back from its storage, for the table, the plots and the command
line (TrialRecord, SweepStudy): read once by a load (load_trials) and by each tick of the Sweep
tab's watch (watch_trials); a running trial whose worker is gone is recorded failed as it is read
(fail_lost_trials, lost.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import optuna
from optuna.trial import FrozenTrial, TrialState

from .backends import StaleTrialCallback, SweepStorage, retry_callback
from .errors import SweepError
from .lost import LOST_ATTR, lost_reason, retries_of
from .spec import SETTINGS
from .storage import open_storage, storage_failure
from .urls import StudyNotFound, display_url

RECORDED = "recorded"  # fail_lost_trials: retry as each lost trial's worker asked


def fail_lost_trials(storage: SweepStorage, study_id: int,
                     callback: StaleTrialCallback | None | str = RECORDED,
                     running: list[FrozenTrial] | None = None) -> dict[int, str]:
    """Record as failed every running trial of the study whose worker is gone (lost.py), as
    Optuna's heartbeat does for a trial silent past the grace period, so that the study's counts
    and best trial are right; then run `callback` on each, which may queue it again (Optuna's
    retry). RECORDED: the retries the trial's own worker asked for, as a reader (the Sweep tab)
    has no wish of its own.

    Returns why each lost trial is lost, by number, those that could not be recorded (storage
    that is read-only here) included, so a reader can show them for what they are. `running`:
    the study's running trials, where the caller has just read them (read here otherwise)."""
    if running is None:
        running = storage.get_all_trials(study_id, deepcopy=False, states=(TrialState.RUNNING,))
    if not running:
        return {}
    ages = storage.heartbeat_ages(study_id, running)
    found: dict[int, str] = {}
    for trial in running:
        reason = lost_reason(trial, ages.get(trial._trial_id))
        if not reason:
            continue
        found[trial.number] = reason
        try:  # why first: a finished trial takes no attributes
            storage.set_trial_user_attr(trial._trial_id, LOST_ATTR, reason)
            if not storage.set_trial_state_values(trial._trial_id, TrialState.FAIL):
                continue
        except optuna.exceptions.UpdateFinishedTrialError:
            del found[trial.number]  # it finished meanwhile, or another reader failed it
            continue
        except Exception:  # noqa: BLE001 - cannot write here: shown lost, and failed by a worker
            continue
        retry = retry_callback(retries_of(trial)) if callback == RECORDED else callback
        if callable(retry):
            study = optuna.Study(study_name=storage.get_study_name_from_id(study_id),
                                 storage=storage)
            retry(study, storage.get_trial(trial._trial_id))
    return found


@dataclass
class TrialRecord:
    number: int
    state: str  # Optuna's: COMPLETE, PRUNED, FAIL, RUNNING, WAITING
    value: float | None
    params: dict[str, Any]  # the sampled settings
    settings: dict[str, Any]  # every setting the trial trained with (Train tab keys)
    intermediate: dict[int, float]  # epoch -> objective
    duration_s: float | None
    checkpoint: str | None = None
    stopped: bool = False  # the user stopped the sweep during this trial
    note: str = ""
    host: str = ""  # the machine that ran it (and keeps its checkpoint)
    pid: int | None = None  # ... and its worker process there
    lost: bool = False  # its worker stopped before it finished (the note says how it was seen)

    @property
    def label(self) -> str:
        return "stopped" if self.stopped else "lost" if self.lost else self.state.lower()

    @property
    def last_value(self) -> float | None:
        """The final value, or the last epoch's for a pruned or stopped trial."""
        if self.value is not None:
            return self.value
        if self.intermediate:
            return self.intermediate[max(self.intermediate)]
        return None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_frozen(cls, trial: FrozenTrial, lost: str = "") -> TrialRecord:
        """The record of a trial as stored; `lost`: why a trial still RUNNING there is lost (the
        storage could not be written to record it failed)."""
        attrs = trial.user_attrs
        failed = trial.state == TrialState.FAIL
        # A trial failed because its worker stopped: by a reader here (which noted why), or by
        # Optuna's heartbeat in another worker (which notes nothing).
        lost = lost or (str(attrs.get(LOST_ATTR, "")) if failed else "") or (
            _stale_note(trial) if failed and not attrs.get("note") else "")
        # When a lost trial stopped is not known: it was recorded failed when that was noticed.
        duration = trial.duration.total_seconds() if trial.duration is not None and not lost \
            else None
        value = trial.value if trial.state == TrialState.COMPLETE else None
        return cls(trial.number, trial.state.name, value, dict(trial.params),
                   dict(attrs.get("settings") or {}),
                   {int(k): float(v) for k, v in trial.intermediate_values.items()},
                   duration, attrs.get("checkpoint"), bool(attrs.get("stopped")),
                   lost or str(attrs.get("note", "")) or _stale_note(trial),
                   str(attrs.get("host", "")), attrs.get("pid"), bool(lost))


def _stale_note(trial: FrozenTrial) -> str:
    """Why a trial failed or runs again without saying so itself: its worker went silent."""
    retried = trial.system_attrs.get("failed_trial")
    if retried is not None:
        return f"a new try of trial {retried}, whose worker stopped"
    if trial.state == TrialState.FAIL:
        return "its worker stopped (killed, or lost the storage) before it finished"
    return ""


@dataclass
class SweepStudy:
    name: str
    storage: str
    objective: str
    holdout: int | None
    direction: str
    trials: list[TrialRecord]
    budget: dict | None = None  # epochs, train_size, test_size of every trial (None: unrecorded)
    # What its latest trial sampled and kept fixed (search_space; None: no trial says):
    # {"vary": [names], "ranges": {name: [low, high] or [choices]}, "fixed": {name: value},
    # "conditional": bool}
    space: dict | None = None

    @property
    def best(self) -> TrialRecord | None:
        return best_trial(self.trials, self.direction)


def best_trial(trials: list[TrialRecord], direction: str) -> TrialRecord | None:
    done = [t for t in trials if t.state == "COMPLETE" and t.value is not None]
    if not done:
        return None
    pick = min if direction == "minimize" else max
    return pick(done, key=lambda t: t.value)


def load_trials(storage: str | SweepStorage | None, study: str,
                fail_lost: bool = False) -> SweepStudy:
    """Every trial of `study` in `storage` (a URL, None for the default), for the table and plots,
    with the search space of its latest trial (SweepStudy.space). `fail_lost`: first record as
    failed the running trials whose worker is gone (fail_lost_trials), as a reader that shows
    the study does."""
    store = open_storage(storage) if storage is None or isinstance(storage, str) else storage
    return _read_study(store, study, fail_lost, with_space=True)


def _read_study(store: SweepStorage, study: str, fail_lost: bool, with_space: bool) -> SweepStudy:
    """load_trials on an open storage, its trials read once (twice when a trial found lost was
    recorded failed); the search space only `with_space`."""
    try:
        loaded = optuna.load_study(study_name=study, storage=store)
    except KeyError:
        names = sorted(optuna.get_all_study_names(store))
        raise StudyNotFound(study, display_url(store.url), names) from None
    frozen = loaded.get_trials(deepcopy=False)
    lost: dict[int, str] = {}
    running = [t for t in frozen if t.state == TrialState.RUNNING]
    if fail_lost and running:
        lost = fail_lost_trials(store, store.get_study_id_from_name(study), running=running)
        if lost:  # read again: those recorded failed, and any new try queued for them
            frozen = loaded.get_trials(deepcopy=False)
    attrs = loaded.user_attrs
    direction = loaded.direction.name.lower()
    objective = attrs.get("objective", "test_loss" if direction == "minimize" else "auroc")
    trials = [TrialRecord.from_frozen(t, lost.get(t.number, "") if t.state == TrialState.RUNNING
                                      else "") for t in frozen]
    return SweepStudy(study, display_url(store.url), objective, attrs.get("holdout"), direction,
                      trials, attrs.get("budget"), search_space(frozen) if with_space else None)


def search_space(trials: list[FrozenTrial]) -> dict | None:
    """The settings the study's latest trial (the last to note its settings) sampled, with their
    ranges or choices, and the values it kept fixed: what a sweep that continues the study sets
    (Optuna refuses other choices or another log scale, and the trials would not compare).
    None when no trial noted its settings."""
    noted = [t for t in trials if isinstance(t.user_attrs.get("settings"), dict)]
    if not noted:
        return None
    last = max(noted, key=lambda t: t.number)
    settings = last.user_attrs["settings"]
    ranges: dict[str, list] = {}
    for name, dist in last.distributions.items():
        if name not in SETTINGS:
            continue
        if isinstance(dist, optuna.distributions.CategoricalDistribution):
            ranges[name] = list(dist.choices)
        else:
            ranges[name] = [dist.low, dist.high]
    vary = [name for name in SETTINGS if name in ranges]
    fixed = {name: settings[name] for name in SETTINGS if name not in ranges and name in settings}
    return {"vary": vary, "ranges": {name: ranges[name] for name in vary}, "fixed": fixed,
            "conditional": bool(settings.get("conditional", False))}


def watch_trials(url: str | None, study: str, opened: SweepStorage | None = None
                 ) -> tuple[SweepStorage, SweepStudy]:
    """The study's trials as they are now, for a view that watches workers add them, read once
    (load_trials with fail_lost, without the search space, which a watch does not show: its
    SweepStudy.space is None); and the storage, for the next call to use again as `opened` (a
    journal then reads only what was added since, a database keeps its connections). A storage
    that stops answering raises a one-line SweepError, as a missing study does."""
    storage = opened if opened is not None else open_storage(url)
    try:
        return storage, _read_study(storage, study, fail_lost=True, with_space=False)
    except SweepError:
        raise
    except Exception as exc:
        failure = storage_failure(exc, storage, kept=False)
        if failure is None:
            raise
        raise failure from None
