"""Where studies live: Optuna storage (an SQLite file in the app's data folder unless a database
or journal-file URL is given), and the trials read back from it for the table and plots.

Three kinds, for three set-ups: SQLite (one machine, a few processes), a journal file on a shared
file system (`journal:///path/sweep.log`, a cluster without a database server) and a database
server such as PostgreSQL (many machines). A worker that dies leaves its trial RUNNING; the
others mark it failed once its heartbeat is older than the grace period, and run it again when
asked to (`retry_failed`). A reader of the study (the Sweep tab) and a worker that starts mark it
failed at once when its worker ran on their machine and its process is gone (lost.py,
fail_lost_trials).
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import optuna
from optuna.storages._heartbeat import BaseHeartbeat
from optuna.trial import FrozenTrial, TrialState

from vae_desktop.core.paths import app_data_dir

from .lost import LOST_ATTR, WORKER_ATTR, lost_reason, retries_of
from .spec import GRACE_S, HEARTBEAT_S, SETTINGS, SweepError

# SQLite lets one writer in at a time; other processes wait up to this long instead of failing.
SQLITE_TIMEOUT_S = 30
JOURNAL_SCHEME = "journal://"
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


class StorageUnusable(SweepError):
    """Storage that cannot be opened. `shown`: its URL without the password; `reason`: why, in
    the driver's words; `path`: its file (SQLite, a journal), None for a server."""

    def __init__(self, message: str, shown: str, reason: str, path: str | None = None) -> None:
        super().__init__(message)
        self.shown, self.reason, self.path = shown, reason, path


class StudyNotFound(SweepError):
    """No study of that name in the storage (`shown`), which holds `names`."""

    def __init__(self, study: str, shown: str, names: list[str]) -> None:
        there = f"studies there: {', '.join(names)}" if names else "it holds no studies yet"
        super().__init__(f"no study named {study!r} in {shown}; {there}")
        self.study, self.shown, self.names = study, shown, names


def default_storage_url() -> str:
    return f"sqlite:///{(app_data_dir() / 'sweeps.db').as_posix()}"


def checkpoint_dir(study: str, storage: str | None = None) -> Path:
    """The folder of a study's trial checkpoints: one per storage and study, so that studies of
    the same name in two storages (or names that differ only in punctuation) never write over
    each other's models. Its name is the study's, made safe for a file system, then a short hash
    of the study's name and its storage URL without the password (which may change).

    Studies swept before this layout keep their files in sweeps/<name>; each trial records its
    own checkpoint's path, so they open from there."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", study).strip("._")[:60] or "study"
    url = display_url((storage or "").strip() or default_storage_url())
    tag = hashlib.sha256(f"{url}\n{study}".encode()).hexdigest()[:8]
    return app_data_dir() / "sweeps" / f"{safe}-{tag}"


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - unparsable: it is shown as typed, minus anything after @
        return url.split("@")[-1] if "@" in url else url


HIDDEN_PASSWORD = "***"  # what display_url shows in a password's place


def with_password(typed: str, password: str | None) -> str:
    """The URL `typed`, which shows the password hidden as display_url does (and may have been
    edited since: another host or database), with `password` put back in its place; any other
    URL as it is."""
    if not password:
        return typed
    try:
        from sqlalchemy.engine import make_url

        url = make_url(typed)
        if url.password != HIDDEN_PASSWORD:
            return typed
        return url.set(password=password).render_as_string(hide_password=False)
    except Exception:  # noqa: BLE001 - not a URL: nothing to put back
        return typed


def password_of(url: str) -> str | None:
    """The URL's password, or None when it has none."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).password
    except Exception:  # noqa: BLE001 - no password to hide in what cannot be parsed
        return None


def _reason(exc: BaseException, url: str) -> str:
    """The driver's own words, first line only, with the password (if it appears) hidden."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    reason = " ".join((lines[0] if lines else type(exc).__name__).split())
    reason = re.sub(r"\s*\(Background on this error at: [^)]*\)", "", reason)[:200]
    password = password_of(url)
    return reason.replace(password, "***") if password else reason


class _RDBStorage(optuna.storages.RDBStorage):
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


class _JournalStorage(optuna.storages.JournalStorage, BaseHeartbeat):
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
        except Exception:  # noqa: BLE001 - as in _RDBStorage: the trial's next call reports it
            pass

    def heartbeat_ages(self, study_id: int, running: list[FrozenTrial] | None = None
                       ) -> dict[int, float]:
        """Seconds since each running trial's last heartbeat, by trial id (see _RDBStorage),
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


SweepStorage = _RDBStorage | _JournalStorage


def open_storage(url: str | None = None, heartbeat_s: int = HEARTBEAT_S, grace_s: int = GRACE_S,
                 retry_failed: int = 0) -> SweepStorage:
    """Optuna storage for a database or journal-file URL (default: the SQLite file in the data
    folder). Running trials send a heartbeat every `heartbeat_s`; one silent for `grace_s` is
    marked failed by the next worker to start a trial, which also queues it again, up to
    `retry_failed` times.

    Raises SweepError with a plain explanation when the URL cannot be used."""
    url = (url or "").strip() or default_storage_url()
    shown = display_url(url)
    callback = retry_callback(retry_failed)
    if url.startswith(JOURNAL_SCHEME):
        return _open_journal(url, heartbeat_s, grace_s, callback)
    if "://" not in url:
        like = ("sqlite:////path/sweeps.db, journal:///shared/path/sweep.log or "
                "postgresql://user:password@host/database")
        raise StorageUnusable(f"{shown!r} is not a database URL: use one like {like}", shown,
                              f"it is not a database URL (use one like {like})")
    return _open_database(url, heartbeat_s, grace_s, callback)


def _open_journal(url: str, heartbeat_s: int, grace_s: int,
                  callback: StaleTrialCallback | None) -> _JournalStorage:
    path = url[len(JOURNAL_SCHEME):]
    if not path.startswith("/"):
        reason = "it needs an absolute path after journal://, as in journal:///shared/path/sweep.log"
        raise StorageUnusable(f"{url!r} needs an absolute path after journal://, as in "
                              "journal:///shared/path/sweep.log", url, reason)
    if not Path(path).parent.is_dir():
        reason = f"the folder {Path(path).parent} does not exist"
        raise StorageUnusable(f"cannot create the sweep journal {path}: {reason}", url, reason)
    not_journal = StorageUnusable(
        f"cannot open the sweep journal {path}: {NOT_JOURNAL}; give another file name, or a "
        "file another sweep wrote", url, NOT_JOURNAL, path)
    try:
        if not _starts_as_journal(path):
            raise not_journal
        return _JournalStorage(url, path, heartbeat_s, grace_s, callback)
    except OSError as exc:
        reason = str(exc.strerror or exc)
        raise StorageUnusable(f"cannot open the sweep journal {path}: {reason}", url, reason,
                              path) from None
    except (ValueError, KeyError):  # lines that are not Optuna's records further on
        raise not_journal from None


NOT_JOURNAL = "it is not a sweep journal (an Optuna journal file)"


def _starts_as_journal(path: str) -> bool:
    """Whether the file is empty, absent or begins with an Optuna journal record (a JSON object
    with an op_code). Optuna itself takes a picture or a text file and fails on the first write,
    in JSON's words ("Expecting value: line 1 column 1"), or with a KeyError."""
    try:
        with open(path, "rb") as file:
            first = file.readline(1 << 20)
    except FileNotFoundError:
        return True
    if not first:
        return True
    try:
        record = json.loads(first)
    except ValueError:  # not JSON, or not text at all
        return False
    return isinstance(record, dict) and "op_code" in record


def _creation_race(exc: Exception) -> bool:
    """Whether opening failed because another process was creating the same tables at that
    moment: a duplicate row or table (PostgreSQL's catalog, Optuna's version row), or SQLite's
    lock. Anything else (a wrong password, no server) fails at once."""
    import sqlalchemy.exc

    if isinstance(exc, sqlalchemy.exc.IntegrityError):
        return True
    text = str(getattr(exc, "orig", None) or exc).lower()
    return isinstance(exc, sqlalchemy.exc.DBAPIError) and any(
        words in text for words in ("already exists", "duplicate", "locked", "deadlock"))


def _with_driver(url: str) -> str:
    """postgresql://... with the driver installed by vae-desktop[postgres] (psycopg 3), where
    SQLAlchemy would otherwise look for psycopg2."""
    import importlib.util

    scheme, _, rest = url.partition("://")
    if scheme in ("postgresql", "postgres") and importlib.util.find_spec("psycopg2") is None \
            and importlib.util.find_spec("psycopg") is not None:
        return f"postgresql+psycopg://{rest}"
    return url


def _open_database(url: str, heartbeat_s: int, grace_s: int,
                   callback: StaleTrialCallback | None) -> _RDBStorage:
    import sqlalchemy.exc

    shown = display_url(url)
    url = _with_driver(url)
    engine_kwargs: dict[str, Any] = {}
    path = None
    if url.startswith("sqlite"):
        engine_kwargs = {"connect_args": {"timeout": SQLITE_TIMEOUT_S}}
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:" and not Path(path).parent.is_dir():
            reason = f"the folder {Path(path).parent} does not exist"
            raise StorageUnusable(f"cannot create the sweep database {path}: {reason}", shown,
                                  reason)
    heartbeat = {"heartbeat_interval": heartbeat_s, "grace_period": grace_s}
    if callback is not None:
        name = ("heartbeat_stale_trial_callback" if RetryStaleTrial is not
                optuna.storages.RetryFailedTrialCallback else "failed_trial_callback")
        heartbeat[name] = callback
    last_exc: Exception | None = None
    # Workers that open a brand-new database at the same moment race to create its tables; the
    # losers see a duplicate table, type or row (or SQLite's lock) and simply try again.
    for attempt in range(8):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                return _RDBStorage(url, engine_kwargs=engine_kwargs, **heartbeat)
        except ImportError as exc:
            driver = exc.__cause__ or exc
            reason = (f"its database driver is not installed ({driver}); install it with pip (for "
                      "PostgreSQL: pip install 'vae-desktop[postgres]')")
            raise StorageUnusable(f"cannot open the sweep storage {shown}: {reason}", shown,
                                  reason) from None
        except sqlalchemy.exc.DBAPIError as exc:  # the driver's own errors
            last_exc = exc
            if not _creation_race(exc):
                break
            time.sleep(0.1 * (attempt + 1) + random.uniform(0, 0.1))  # spread out the retries
        except Exception as exc:  # noqa: BLE001 - drivers raise many kinds; all mean "unusable"
            last_exc = exc
            break
    reason = _reason(last_exc, url) if last_exc is not None else "unknown"
    if last_exc is not None and type(last_exc).__name__ == "NoSuchModuleError":
        reason = f"unknown database kind {url.split('://')[0]!r}"
    raise StorageUnusable(f"cannot open the sweep storage {shown}: {reason}", shown, reason,
                          path if path and path != ":memory:" else None)


def storage_failure(exc: BaseException, storage: SweepStorage,
                    kept: bool = True) -> SweepError | None:
    """The one-line message for a storage that stopped answering in the middle of a sweep (a
    server stopped, a network or shared folder gone), or None when `exc` is something else.

    The driver's error may sit deep in `exc`'s chain: Optuna wraps it, and may even fail on it
    with an error of its own."""
    import sqlalchemy.exc

    shown = display_url(storage.url)
    journal = storage.url[len(JOURNAL_SCHEME):] if storage.url.startswith(JOURNAL_SCHEME) else None
    seen: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and link not in seen and len(seen) < 20:
        seen.append(link)
        link = link.__cause__ or link.__context__
    lost = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)
    found = [link for link in seen if isinstance(link, lost)] or seen
    for link in found:
        reason = _reason(link, storage.url)
        if isinstance(link, lost):
            what = "lost the connection to"
        elif isinstance(link, sqlalchemy.exc.PendingRollbackError):
            # A connection that broke in the middle of a transaction, met again by the next call.
            what, reason = "lost the connection to", "the connection broke during a transaction"
        elif isinstance(link, sqlalchemy.exc.SQLAlchemyError):
            what = "error in"
        elif journal and isinstance(link, OSError) and str(link.filename or "").startswith(journal):
            what = "cannot use"
        else:
            continue
        tail = "; the trials that finished are kept there" if kept else ""
        return SweepError(f"{what} the sweep storage {shown}: {reason}{tail}")
    return None


def list_studies(storage: str | None = None) -> list[str]:
    return sorted(optuna.get_all_study_names(open_storage(storage)))


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


# Trial records (what the table shows)


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
